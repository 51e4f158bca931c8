/**
 * Decoded header views: what a field means (Unicode text, addresses, an
 * instant, message ids, a media type with parameters), parsed from the raw
 * field value and rendered back to canonical wire form.
 *
 * A view may stand in place of the raw bytes only when rendering it gives the
 * raw bytes back exactly; {@link headerView} never guesses (a value it cannot
 * decode for certain has no view) and {@link renderHeader} output always
 * parses back to the view it came from (for an `X-` field: to it, or to no
 * view when the output is plain ASCII). Platform-neutral.
 * @module
 */
import { concat } from '../core/bytes.js';
import { decodeCharset, decodeWords, emit, EW_AT, Folder, hexPair, LINE, phrasePieces, textPieces } from './rfc2047.js';

/**
 * One mailbox. `name` absent: written as a bare addr-spec; `''`: in angle brackets with no display name.
 * @category Header views
 */
export interface Mailbox {
  /** Display name: RFC 2047 decoded, quoted strings unescaped, comments dropped, words joined by one space. */
  name?: string;
  /** The addr-spec as written, less comments and folding white space (a quoted local part keeps its quotes). */
  addr: string;
}

/**
 * A named group of mailboxes (`Friends: a@b, c@d;`).
 * @category Header views
 */
export interface Group {
  /** The group's display name, decoded like a mailbox's. */
  group: string;
  /** Its mailboxes, in order (none for an empty group, `undisclosed-recipients:;`). */
  members: Mailbox[];
}

/**
 * A Content-Type or Content-Disposition parameter: name lower-cased, value fully decoded.
 * @category Header views
 */
export interface MediaParam {
  /** Parameter name, lower case (`charset`, `filename`; RFC 2231 `*0*` sections merged). */
  name: string;
  /** Its value: quotes removed, RFC 2231 and RFC 2047 decoded. */
  value: string;
}

/**
 * The decoded meaning of one header field.
 * - `text`: unstructured text; folds unfolded (their line ending removed, their
 *   white space kept), encoded words decoded, nothing else changed.
 * - `addresses`: mailboxes and groups in order; empty list elements dropped.
 * - `date`: `YYYY-MM-DDTHH:MM[:SS]±HH:MM`, the date and offset as written
 *   (seconds only if written; `-00:00` for an unknown offset: `-0000` and military zones).
 * - `ids`: the msg-ids without their angle brackets.
 * - `media`: `type/subtype` (Content-Type) or the disposition type, lower-cased;
 *   parameters in order, RFC 2231 sections merged into one at the first one's place.
 * @category Header views
 */
export type HeaderView =
  | {
      /** Unstructured text (Subject, Comments, …). */
      kind: 'text';
      /** The decoded text. */
      text: string;
    }
  | {
      /** Address lists (From, To, Cc, …). */
      kind: 'addresses';
      /** Mailboxes and groups, in order. */
      list: (Mailbox | Group)[];
    }
  | {
      /** Date and Resent-Date. */
      kind: 'date';
      /** `YYYY-MM-DDTHH:MM[:SS]±HH:MM`. */
      iso: string;
    }
  | {
      /** Message-ID, In-Reply-To, References, Content-ID. */
      kind: 'ids';
      /** The ids, without angle brackets. */
      ids: string[];
    }
  | {
      /** Content-Type and Content-Disposition. */
      kind: 'media';
      /** `type/subtype` or the disposition type, lower case. */
      value: string;
      /** The parameters, in order. */
      params: MediaParam[];
    };

const KINDS = new Map<string, HeaderView['kind']>();
for (const n of ['subject', 'comments', 'keywords', 'content-description', 'thread-topic', 'organization']) KINDS.set(n, 'text');
for (const n of ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'disposition-notification-to'])
  KINDS.set(n, 'addresses');
for (const n of ['from', 'sender', 'to', 'cc', 'bcc']) KINDS.set('resent-' + n, 'addresses');
for (const n of ['date', 'resent-date']) KINDS.set(n, 'date');
for (const n of ['message-id', 'in-reply-to', 'references', 'resent-message-id', 'content-id']) KINDS.set(n, 'ids');
for (const n of ['content-type', 'content-disposition']) KINDS.set(n, 'media');

/**
 * The kind of view a field gets, by its name (case-insensitive); `null` for
 * fields without one. `X-` fields are text.
 *
 * @example
 * viewKind('Subject');   // 'text'
 * viewKind('Received');  // null
 * @category Header views
 */
export function viewKind(name: string): HeaderView['kind'] | null {
  let k = kindOf.get(name);
  if (k === undefined) {
    const n = name.toLowerCase();
    k = KINDS.get(n) ?? (n.startsWith('x-') ? 'text' : null);
    if (kindOf.size >= 1024) kindOf.clear(); // bounded: names come from the input
    kindOf.set(name, k);
  }
  return k;
}
/** viewKind by the name as written (a few dozen names, asked for several times per field). */
const kindOf = new Map<string, HeaderView['kind'] | null>();

/** Thrown inside the parsers; {@link headerView} turns it into `null`. */
class Unparseable extends Error {}
function fail(): never {
  throw new Unparseable();
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text with folds removed (RFC 5322 §2.2.3: the line ending goes, the white space stays). */
function unfold(raw: Uint8Array): string {
  const s = UTF8.decode(raw).replace(/\r?\n(?=[ \t])/g, '');
  // Any other control (a bare CR or LF, NUL, …) is not something a view can promise to rebuild.
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) fail();
  return s;
}

/**
 * The decoded view of a field value, or `null` when there is no trustworthy
 * one: the name has no view kind, the value does not parse, or decoding would
 * need a guess (invalid UTF-8 outside encoded words, unknown charset, bad
 * base64 or Q). `raw` is the value exactly as after `Name: ` up to (not
 * including) the final line ending, folds included. Never throws.
 * An `X-` field has a view only when it has encoded words or non-ASCII text.
 *
 * @example
 * const b = new TextEncoder().encode('=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>');
 * headerView('From', b); // { kind: 'addresses', list: [{ name: 'André Pirard', addr: 'PIRARD@vm1.ulg.ac.be' }] }
 * @category Header views
 */
export function headerView(name: string, raw: Uint8Array): HeaderView | null {
  const kind = viewKind(name);
  if (kind === null) return null;
  try {
    const s = unfold(raw);
    switch (kind) {
      case 'text': {
        if (name.toLowerCase().startsWith('x-') && !/=\?|[^\x00-\x7f]/.test(s)) return null;
        const text = decodeWords(s);
        return text === null ? null : { kind, text };
      }
      case 'addresses':
        return { kind, list: addressList(s) };
      case 'date':
        return { kind, iso: parseDate(s) };
      case 'ids':
        return { kind, ids: msgIds(s, /^(in-reply-to|references)$/i.test(name)) };
      case 'media':
        return { kind, ...parseMedia(s, name.toLowerCase() === 'content-type') };
    }
  } catch {
    return null;
  }
}

// ---- Lexical pieces (RFC 5322 §3.2), on unfolded text ----

/** Skips white space and (nested) comments. */
function cfws(s: string, i: number): number {
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
function quoted(s: string, i: number): [string, number] {
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
function atomEnd(s: string, i: number, phrase: boolean): number {
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
function phrase(s: string, i: number): [string[], number] {
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

function phraseText(words: string[]): string {
  return decodeWords(words.join(' ')) ?? fail();
}

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

function mailbox(s: string, i: number): [Mailbox, number] {
  const [words, j] = phrase(s, i);
  const k = cfws(s, j);
  if (s[k] === '<') {
    const [addr, e] = angleAddr(s, k);
    return [{ name: words.length ? phraseText(words) : '', addr }, e];
  }
  const [addr, e] = addrSpec(s, i);
  return [{ addr }, e];
}

function addressList(s: string): (Mailbox | Group)[] {
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

// ---- Dates (RFC 5322 §3.3, §4.3) ----

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONES: Record<string, string> = {
  UT: '+0000', GMT: '+0000', EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
};
const cap = (w: string): string => w[0].toUpperCase() + w.slice(1).toLowerCase();
const pad = (n: number | string, w = 2): string => String(n).padStart(w, '0');

/** The day of the week of a calendar date, or -1 if the date does not exist. */
function weekday(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? t.getUTCDay() : -1;
}

function parseDate(s: string): string {
  let t = '';
  for (let i = 0; i < s.length; ) {
    const j = cfws(s, i); // comments count as white space
    if (j > i) (t += ' '), (i = j);
    else t += s[i++];
  }
  const m =
    /^ *(?:([A-Za-z]{3}) *, *)?(\d{1,2}) +([A-Za-z]{3}) +(\d{2,4}) +(\d\d?) *: *(\d\d)(?: *: *(\d\d))? +([+-]\d{4}|[A-Za-z]{1,5}) *$/.exec(
      t.replace(/\t/g, ' '),
    ) ?? fail();
  let y = +m[4];
  if (m[4].length === 2) y += y < 50 ? 2000 : 1900; // obs-year (§4.3)
  else if (m[4].length === 3) y += 1900;
  const mon = MONTHS.indexOf(cap(m[3])) + 1, day = +m[2], h = +m[5], min = +m[6];
  if (m[1] !== undefined && !DAYS.includes(cap(m[1]))) fail();
  if (mon === 0 || weekday(y, mon, day) < 0 || h > 23 || min > 59 || (m[7] !== undefined && +m[7] > 60)) fail();
  let zone = m[8].toUpperCase();
  if (!/^[+-]/.test(zone)) zone = ZONES[zone] ?? (/^[A-IK-Z]$/.test(zone) ? '-0000' : fail()); // military zones: unknown offset
  if (+zone.slice(1, 3) > 23 || +zone.slice(3) > 59) fail();
  const sec = m[7] === undefined ? '' : ':' + m[7];
  return `${pad(y, 4)}-${pad(mon)}-${pad(day)}T${pad(m[5])}:${m[6]}${sec}${zone.slice(0, 3)}:${zone.slice(3)}`;
}

// ---- Message ids (RFC 5322 §3.6.4) ----

/** The msg-ids, brackets removed. `phrases`: In-Reply-To and References may hold obsolete phrases between ids, which are dropped. */
function msgIds(s: string, phrases: boolean): string[] {
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

// ---- Media types and parameters (RFC 2045 §5.1, RFC 2183, RFC 2231) ----

const TSPECIALS = '()<>@,;:\\"/[]?=';
function tokenEnd(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) > 0x20 && s.charCodeAt(i) < 0x7f && !TSPECIALS.includes(s[i])) i++;
  return i;
}
const isToken = (v: string): boolean => v !== '' && tokenEnd(v, 0) === v.length;
/** Parameters whose values real mail RFC 2047-encodes (inside quotes, against the rules). */
const NAME_LIKE = new Set(['name', 'filename']);
/** Parameters that mailers quote even when the value is a token; quoting them too keeps most real headers as they are. */
const ALWAYS_QUOTED = new Set(['boundary', 'name', 'filename']);

const UTF8_ENC = new TextEncoder();

/** RFC 2231 `charset'lang'%XX…` (first section) or `%XX…` as bytes, and the charset. */
function extBytes(v: string, first: boolean): [Uint8Array, string] {
  let cs = '';
  if (first) {
    const a = v.indexOf("'"), b = a < 0 ? -1 : v.indexOf("'", a + 1);
    if (b < 0) fail();
    cs = v.slice(0, a) || 'us-ascii';
    v = v.slice(b + 1);
  }
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const h = hexPair(v, i);
      if (h < 0) fail();
      out.push(h);
      i += 2;
    } else if (c < 0x80) out.push(c);
    else fail(); // extended values are ASCII: raw 8-bit text under a declared charset would be a guess
  }
  return [Uint8Array.from(out), cs];
}

function parseMedia(s: string, isType: boolean): { value: string; params: MediaParam[] } {
  let i = cfws(s, 0), e = tokenEnd(s, i);
  if (e === i) fail();
  let value = s.slice(i, e).toLowerCase();
  i = cfws(s, e);
  if (isType) {
    if (s[i] !== '/') fail();
    i = cfws(s, i + 1);
    e = tokenEnd(s, i);
    if (e === i) fail();
    value += '/' + s.slice(i, e).toLowerCase();
    i = cfws(s, e);
  }
  const params: MediaParam[] = [];
  const sections = new Map<string, { param: MediaParam; segs: Map<number, { ext: boolean; v: string }> }>();
  while (i < s.length) {
    if (s[i] !== ';') fail();
    i = cfws(s, i + 1);
    if (i >= s.length || s[i] === ';') continue; // empty parameter, as in a trailing ';'
    e = tokenEnd(s, i);
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(s.slice(i, e)) ?? fail();
    i = cfws(s, e);
    if (s[i] !== '=') fail();
    i = cfws(s, i + 1);
    let v: string;
    if (s[i] === '"') [v, i] = quoted(s, i);
    else {
      for (e = i; e < s.length && !' \t;"('.includes(s[e]); ) e++; // liberal token: real values carry '/', '=', '@', '?'
      v = s.slice(i, (i = e));
    }
    i = cfws(s, i);
    const name = m[1].toLowerCase(), ext = m[3] !== undefined;
    if (m[2] === undefined) {
      if (ext) {
        const [bytes, cs] = extBytes(v, true);
        v = decodeCharset(cs, bytes) ?? fail();
      } else if (NAME_LIKE.has(name)) v = decodeWords(v) ?? fail();
      params.push({ name, value: v });
      continue;
    }
    let g = sections.get(name);
    if (g === undefined) {
      sections.set(name, (g = { param: { name, value: '' }, segs: new Map() }));
      params.push(g.param);
    }
    if (g.segs.has(+m[2])) fail();
    g.segs.set(+m[2], { ext, v });
  }
  for (const { param, segs } of sections.values()) {
    const parts: Uint8Array[] = [];
    let cs = 'utf-8';
    for (let n = 0; n < segs.size; n++) {
      const seg = segs.get(n) ?? fail(); // a missing section
      if (!seg.ext) {
        if (/[^\x00-\x7f]/.test(seg.v) && !/^utf-?8$/i.test(cs)) fail(); // raw UTF-8 only joins UTF-8
        parts.push(UTF8_ENC.encode(seg.v));
      }
      else {
        const [bytes, c] = extBytes(seg.v, n === 0);
        if (n === 0) cs = c;
        parts.push(bytes);
      }
    }
    param.value = decodeCharset(cs, concat(parts)) ?? fail();
  }
  return { value, params };
}

// ---- Rendering ----

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

function emitMailbox(f: Folder, m: Mailbox, gap: string, suffix: string): void {
  if (m.name === undefined) {
    if (m.addr === '') throw new RangeError('an empty address needs angle brackets: give it a name (may be empty)');
    checkAddr(m.addr);
    return f.add(gap, m.addr + suffix);
  }
  if (m.addr !== '') checkAddr(m.addr);
  if (m.name === '') return f.add(gap, `<${m.addr}>` + suffix);
  emit(f, phrasePieces(m.name), gap);
  f.add(' ', `<${m.addr}>` + suffix);
}

function renderAddresses(f: Folder, list: (Mailbox | Group)[]): void {
  list.forEach((a, k) => {
    const gap = k ? ' ' : '', comma = k < list.length - 1 ? ',' : '';
    if (!('group' in a)) return emitMailbox(f, a, gap, comma);
    const head = a.group === '' ? [] : phrasePieces(a.group);
    if (head.length) emit(f, head, gap, a.members.length ? ':' : ':;' + comma);
    else f.add(gap, a.members.length ? ':' : ':;' + comma);
    a.members.forEach((m, j) => emitMailbox(f, m, ' ', j < a.members.length - 1 ? ',' : ';' + comma));
  });
}

function renderDate(iso: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  const wd = m ? weekday(+m[1], +m[2], +m[3]) : -1;
  if (!m || wd < 0 || +m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 60) || (m[7] !== 'Z' && (+m[7].slice(1, 3) > 23 || +m[7].slice(4) > 59)))
    throw new RangeError(`not an ISO 8601 date-time: ${JSON.stringify(iso)}`);
  const zone = m[7] === 'Z' ? '+0000' : m[7].replace(':', '');
  return `${DAYS[wd]}, ${m[3]} ${MONTHS[+m[2] - 1]} ${m[1]} ${m[4]}:${m[5]}${m[6] === undefined ? '' : ':' + m[6]} ${zone}`;
}

/** RFC 2231 attribute-char: kept as is in extended values; every other byte is %XX. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`{|}~]$/;

function pct(c: string): string {
  if (ATTR_CHAR.test(c)) return c;
  let s = '';
  for (const b of UTF8_ENC.encode(c)) s += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
  return s;
}

/**
 * One parameter as one or more tokens: token, else quoted string, else RFC
 * 2231 UTF-8, with continuations when long. Only the first parameter of a
 * name may use continuations: two sets of sections for one name would merge.
 */
function paramTokens(p: MediaParam, continued: Set<string>): string[] {
  const name = p.name.toLowerCase();
  if (!isToken(name) || name.includes('*')) throw new RangeError(`not a parameter name: ${JSON.stringify(p.name)}`);
  const v = p.value;
  const decodable = NAME_LIKE.has(name) && v.includes('=?'); // would be taken for RFC 2047
  // A token that does not fit a line is written like a quoted value, which can be split into sections.
  if (isToken(v) && !ALWAYS_QUOTED.has(name) && name.length + 1 + v.length <= LINE - 2) return [`${name}=${v}`];
  if (/^[\x20-\x7e]*$/.test(v) && !decodable) {
    const quoted = `${name}="${v.replace(/[\\"]/g, '\\$&')}"`;
    if (quoted.length <= LINE - 2 || continued.has(name)) return [quoted];
    // Too long for a line: RFC 2231 sections name*0="…", name*1="…", never splitting an escape.
    continued.add(name);
    const units = Array.from(v, (c) => (c === '\\' || c === '"' ? '\\' + c : c));
    const out: string[] = [];
    for (let k = 0; k < units.length; ) {
      let tok = `${name}*${out.length}="`;
      const head = tok.length;
      while (k < units.length && (tok.length === head || tok.length + units[k].length + 1 <= LINE - 2)) tok += units[k++];
      out.push(tok + '"');
    }
    return out;
  }
  const cps = Array.from(v, pct);
  const single = `${name}*=utf-8''${cps.join('')}`;
  if (single.length <= LINE - 2 || continued.has(name)) return [single]; // LINE - 2: room for the leading space and a ';'
  continued.add(name);
  const out: string[] = [];
  for (let k = 0; k < cps.length; ) {
    let tok = out.length === 0 ? `${name}*0*=utf-8''` : `${name}*${out.length}*=`;
    const head = tok.length;
    while (k < cps.length && (tok.length === head || tok.length + cps[k].length <= LINE - 2)) tok += cps[k++];
    out.push(tok);
  }
  return out;
}

function renderMedia(f: Folder, v: { value: string; params: MediaParam[] }, isType: boolean): void {
  const value = v.value.toLowerCase();
  const [t, sub, more] = value.split('/');
  if (!isToken(t) || (isType ? sub === undefined || !isToken(sub) || more !== undefined : sub !== undefined))
    throw new RangeError(`not a ${isType ? 'media type' : 'disposition type'}: ${JSON.stringify(v.value)}`);
  const continued = new Set<string>();
  const toks = [value, ...v.params.flatMap((p) => paramTokens(p, continued))];
  toks.forEach((tok, k) => f.add(k ? ' ' : '', tok + (k < toks.length - 1 ? ';' : '')));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function wellFormed(v: unknown): boolean {
  if (typeof v === 'string') return (v as { isWellFormed?: () => boolean }).isWellFormed?.() ?? !LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.every(wellFormed);
  if (typeof v !== 'object' || v === null) return true;
  for (const k in v) if (!wellFormed((v as Record<string, unknown>)[k])) return false; // no Object.values array per object
  return true;
}

/**
 * Unstructured text as the value of any field `name` (as a `text` view is
 * rendered): printable ASCII words as they are, the rest as UTF-8 encoded
 * words, folded at 78. Used for authored fields that have no view kind.
 */
export function renderText(name: string, text: string, eol: '\r\n' | '\n'): Uint8Array {
  return UTF8_ENC.encode(textString(name, text, eol));
}

function textString(name: string, text: string, eol: '\r\n' | '\n'): string {
  if (LONE_SURROGATE.test(text)) throw new RangeError('lone surrogate in header text');
  const f = new Folder(eol, name.length);
  for (const p of textPieces(text)) p.enc ? f.encoded(p.gap, p.text) : f.add(p.gap, p.text);
  return f.out;
}

/**
 * The canonical field value for a view (what follows `Name: `), folded to
 * lines of at most 78 characters where tokens allow. Non-ASCII text and
 * display names become UTF-8 encoded words, non-ASCII parameter values
 * RFC 2231; characters a header cannot carry literally (controls, CR, LF)
 * are encoded too, so `headerView(name, renderHeader(name, v, eol))` gives
 * `v` back. Throws a `RangeError` for what has no wire form: a lone
 * surrogate, an address that is not an addr-spec, a malformed date or media
 * type, an id with white space or brackets, or a view of the wrong kind.
 *
 * @example
 * const v = { kind: 'text', text: 'Grüße aus Köln' } as const;
 * new TextDecoder().decode(renderHeader('Subject', v, '\r\n')); // '=?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?='
 * @category Header views
 */
export function renderHeader(name: string, view: HeaderView, eol: '\r\n' | '\n'): Uint8Array {
  return UTF8_ENC.encode(renderString(name, view, eol));
}

/** {@link renderHeader} as a string (the encoder compares it with the value's bytes without encoding it). */
export function renderString(name: string, view: HeaderView, eol: '\r\n' | '\n'): string {
  if (viewKind(name) !== view.kind) throw new RangeError(`${name} does not take a ${view.kind} view`);
  if (!wellFormed(view)) throw new RangeError('lone surrogate in header view');
  const f = new Folder(eol, name.length);
  switch (view.kind) {
    case 'text':
      return textString(name, view.text, eol);
    case 'addresses':
      renderAddresses(f, view.list);
      break;
    case 'date':
      f.add('', renderDate(view.iso));
      break;
    case 'ids': {
      for (const id of view.ids) if (!validId(id)) throw new RangeError(`not a message id: ${JSON.stringify(id)}`);
      const one = view.ids.map((id) => `<${id}>`).join(' ');
      // One id per line once they do not all fit on the first (as Thunderbird writes References).
      return name.length + 2 + one.length <= LINE ? one : one.replaceAll('> <', '>' + eol + ' <');
    }
    case 'media':
      renderMedia(f, view, name.toLowerCase() === 'content-type');
      break;
  }
  return f.out;
}

/**
 * Characters a view may not hold: those the XML text escapes byte-wise
 * (controls, U+F7xx, …), which a view would have to escape too. TAB is fine
 * in content but not in attributes, where XML turns it into a space.
 */
const CONTENT_BAD = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\uf700-\uf7ff\ufffe\uffff]/;
const ATTR_BAD = /[\x00-\x1f\x7f-\x9f\u2028\u2029\uf700-\uf7ff\ufffe\uffff]/;

/** The view's strings can be written as XML character data and attribute values as they are (spec §7.6). */
export function carriable(v: HeaderView): boolean {
  switch (v.kind) {
    case 'text':
      return !CONTENT_BAD.test(v.text);
    case 'date':
      return true;
    case 'ids':
      return v.ids.every((id) => !CONTENT_BAD.test(id));
    case 'addresses':
      return v.list.every((m) => ('group' in m ? !ATTR_BAD.test(m.group) && m.members.every(mailboxOk) : mailboxOk(m)));
    case 'media':
      return !ATTR_BAD.test(v.value) && v.params.every((p) => !ATTR_BAD.test(p.name) && !CONTENT_BAD.test(p.value));
  }
}

function mailboxOk(m: { name?: string; addr: string }): boolean {
  return (m.name === undefined || !ATTR_BAD.test(m.name)) && !ATTR_BAD.test(m.addr);
}
