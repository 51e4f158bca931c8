/**
 * Message ids (RFC 5322 §3.6.4): parsed without their brackets, and rendered
 * back, side by side.
 * @module
 */
import { LINE } from '../rfc2047.js';
import { fail } from './kinds.js';
import { atomEnd, cfws, quoted } from './lexical.js';

/** The msg-ids, brackets removed. `phrases`: In-Reply-To and References may hold obsolete phrases between ids, which are dropped. */
export function msgIds(s: string, phrases: boolean): string[] {
  const ids: string[] = [];
  for (let i = cfws(s, 0); i < s.length; i = cfws(s, i)) {
    if (s[i] === '<') {
      const e = s.indexOf('>', i);
      const id = e < 0 ? fail() : s.slice(i + 1, e);
      if (!validId(id)) fail();
      ids.push(id);
      i = e + 1;
    } else if (phrases && s[i] === ',') i++; // seen between ids in the wild
    else if (phrases && s[i] === '"') i = quoted(s, i)[1];
    else if (phrases && atomEnd(s, i, true) > i) i = atomEnd(s, i, true);
    else fail();
  }
  return ids;
}

function validId(id: string): boolean {
  return /^[^\s<>\x00-\x1f\x7f]+$/.test(id);
}

/** Throws the RangeError {@link renderIds} would: an id with white space, a bracket or a control has no wire form. */
export function checkIds(ids: string[]): void {
  for (const id of ids) if (!validId(id)) throw new RangeError(`not a message id: ${JSON.stringify(id)}`);
}

/** The msg-ids of a field named `name`, one line while they fit, else one per line (as Thunderbird writes References). */
export function renderIds(name: string, ids: string[], eol: '\r\n' | '\n'): string {
  checkIds(ids);
  const one = ids.map((id) => `<${id}>`).join(' ');
  return name.length + 2 + one.length <= LINE ? one : one.replaceAll('> <', '>' + eol + ' <');
}
