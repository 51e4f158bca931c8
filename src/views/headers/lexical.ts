/**
 * Lexical pieces of structured header values (RFC 5322 §3.2), on unfolded
 * text: comments and folding white space, quoted strings, atoms, phrases.
 * @module
 */
import { decodeWords, EW_AT } from '../rfc2047.js';
import { fail } from './kinds.js';

/** Skips white space and (nested) comments. */
export function cfws(s: string, i: number): number {
  for (;;) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] !== '(') return i;
    for (let depth = 0; ; ) {
      if (i >= s.length) fail();
      const c = s[i++];
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
  }
}

/** The content of the quoted string at `s[i]` (escapes resolved) and the index after it. */
export function quoted(s: string, i: number): [string, number] {
  let out = '';
  for (i++; ; ) {
    if (i >= s.length) fail();
    const c = s[i++];
    if (c === '"') return [out, i];
    if (c === '\\') {
      if (i >= s.length) fail();
      out += s[i++];
    } else out += c;
  }
}

const SPECIALS = '()<>[]:;@\\,."';

/** End of the atom at `i` (RFC 6532: non-ASCII is atext). In phrases, dots (obs-phrase) and whole encoded words (even holding specials, as real mail has them) belong to it. */
export function atomEnd(s: string, i: number, phrase: boolean): number {
  while (i < s.length) {
    if (phrase && s[i] === '=' && s[i + 1] === '?') {
      EW_AT.lastIndex = i;
      if (EW_AT.test(s)) {
        i = EW_AT.lastIndex;
        continue;
      }
    }
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || (SPECIALS.includes(s[i]) && !(phrase && c === 0x2e))) break;
    i++;
  }
  return i;
}

/** A phrase's words; the display name is them joined by one space, then RFC 2047 decoded (liberally: inside quotes too). */
export function phrase(s: string, i: number): [string[], number] {
  const words: string[] = [];
  for (;;) {
    i = cfws(s, i);
    if (s[i] === '"') {
      const [w, e] = quoted(s, i);
      words.push(w);
      i = e;
    } else {
      const e = atomEnd(s, i, true);
      if (e === i) return [words, i];
      words.push(s.slice(i, e));
      i = e;
    }
  }
}

/** The words joined by one space, except beside white space a quoted word already has at that end (no doubled spaces). */
export function phraseText(words: string[]): string {
  let out = words[0];
  for (let k = 1; k < words.length; k++) out += (/[ \t]$/.test(out) || /^[ \t]/.test(words[k]) ? '' : ' ') + words[k];
  return decodeWords(out) ?? fail();
}

