/**
 * Address lists (RFC 5322 §3.4): parsed into mailboxes and groups, and
 * rendered back, side by side.
 * @module
 */
import { emit, type Folder, phrasePieces } from '../rfc2047.js';
import { fail, type Group, type Mailbox } from './kinds.js';
import { atomEnd, cfws, phrase, phraseText, quoted } from './lexical.js';

/** An addr-spec as written less CFWS. A local part alone (`root`) is accepted: obsolete, but it means what it says. */
function addrSpec(s: string, i: number): [string, number] {
  let out = '';
  for (let domain = false; ; ) {
    i = cfws(s, i);
    if (!domain && s[i] === '"') {
      const start = i;
      i = quoted(s, i)[1];
      out += s.slice(start, i);
    } else if (domain && s[i] === '[') {
      const e = s.indexOf(']', i);
      if (e < 0) fail();
      out += s.slice(i, (i = e + 1));
    } else {
      const e = atomEnd(s, i, false);
      if (e === i) fail();
      out += s.slice(i, (i = e));
    }
    const j = cfws(s, i);
    if (s[j] === '.') (out += '.'), (i = j + 1);
    else if (!domain && s[j] === '@') (out += '@'), (i = j + 1), (domain = true);
    else return [out, i];
  }
}

/** `<addr-spec>` (obs-route dropped, `<>` allowed) at `s[i] === '<'`. */
function angleAddr(s: string, i: number): [string, number] {
  let p = cfws(s, i + 1);
  if (s[p] === '@') {
    p = s.indexOf(':', p);
    if (p < 0) fail();
    p = cfws(s, p + 1);
  }
  if (s[p] === '>') return ['', p + 1];
  const [addr, e] = addrSpec(s, p);
  p = cfws(s, e);
  if (s[p] !== '>') fail();
  return [addr, p + 1];
}

/** RFC 2047 §5: an encoded word never stands in an addr-spec, so an address holding one is no address. */
function noWords(addr: string): string {
  return /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/.test(addr) ? fail() : addr;
}

export function mailbox(s: string, i: number): [Mailbox, number] {
  const [words, j] = phrase(s, i);
  const k = cfws(s, j);
  if (s[k] === '<') {
    const [addr, e] = angleAddr(s, k);
    return [{ name: words.length ? phraseText(words) : '', addr: noWords(addr) }, e];
  }
  const [addr, e] = addrSpec(s, i);
  return [{ addr: noWords(addr) }, e];
}

export function addressList(s: string): (Mailbox | Group)[] {
  const list: (Mailbox | Group)[] = [];
  for (let i = 0; ; i++) {
    i = cfws(s, i);
    if (i >= s.length) return list;
    if (s[i] === ',') continue; // obs-addr-list: empty elements
    const [words, j] = phrase(s, i);
    let p = cfws(s, j);
    if (s[p] === ':') {
      const g: Group = { group: words.length ? phraseText(words) : '', members: [] };
      for (p++; ; p++) {
        p = cfws(s, p);
        if (p >= s.length) break; // a missing ';' at the very end: the meaning is still plain
        if (s[p] === ';') {
          p++;
          break;
        }
        if (s[p] === ',') continue;
        const [m, e] = mailbox(s, p);
        g.members.push(m);
        p = cfws(s, e);
        if (s[p] === ';') {
          p++;
          break;
        }
        if (p < s.length && s[p] !== ',') fail();
      }
      list.push(g);
    } else {
      const [m, e] = mailbox(s, i);
      list.push(m);
      p = e;
    }
    i = cfws(s, p);
    if (i >= s.length) return list;
    if (s[i] !== ',') fail();
  }
}


function checkAddr(addr: string): void {
  let ok = false;
  try {
    const [a, e] = addrSpec(addr, 0);
    ok = e === addr.length && a === addr && !/[\x00-\x08\x0a-\x1f\x7f]/.test(addr);
  } catch {
    /* not an addr-spec */
  }
  if (!ok) throw new RangeError(`not an addr-spec: ${JSON.stringify(addr)}`);
}

/** Throws the RangeError rendering `m` would: its address is an addr-spec, or empty with a name (`<>`). */
function checkMailbox(m: Mailbox): void {
  if (m.name === undefined && m.addr === '') throw new RangeError('an empty address needs angle brackets: give it a name (may be empty)');
  if (m.addr !== '') checkAddr(m.addr);
}

/** Throws the RangeError {@link renderAddresses} would, without rendering. */
export function checkAddresses(list: (Mailbox | Group)[]): void {
  for (const a of list) {
    if ('group' in a) a.members.forEach(checkMailbox);
    else checkMailbox(a);
  }
}

function emitMailbox(f: Folder, m: Mailbox, gap: string, suffix: string): void {
  checkMailbox(m);
  if (m.name === undefined) return f.add(gap, m.addr + suffix);
  if (m.name === '') return f.add(gap, `<${m.addr}>` + suffix);
  emit(f, phrasePieces(m.name), gap);
  f.add(' ', `<${m.addr}>` + suffix);
}

export function renderAddresses(f: Folder, list: (Mailbox | Group)[]): void {
  list.forEach((a, k) => {
    const gap = k ? ' ' : '', comma = k < list.length - 1 ? ',' : '';
    if (!('group' in a)) return emitMailbox(f, a, gap, comma);
    const head = a.group === '' ? [] : phrasePieces(a.group);
    if (head.length) emit(f, head, gap, a.members.length ? ':' : ':;' + comma);
    else f.add(gap, a.members.length ? ':' : ':;' + comma);
    a.members.forEach((m, j) => emitMailbox(f, m, ' ', j < a.members.length - 1 ? ',' : ';' + comma));
  });
}

