/**
 * Charsets for readable text, exactly as the WHATWG Encoding Standard defines
 * them, the same on every platform: labels, decoders and index tables are
 * xmime's own (generated from the standard's files, ./charsets/), never the
 * platform's `TextDecoder` for a legacy charset (Node's ICU departs from the
 * standard, and browsers differ from one another).
 *
 * The large CJK indexes (jis0208, jis0212, euc-kr, big5, gb18030) are not
 * part of this module, so that a browser bundle does not carry them: the Node
 * entry registers them (`./charsets/all.ts`, also the package export
 * `xmime/charsets`); without them, an index is read once from the host's
 * decoder and used only if its hash equals the standard's (see
 * {@link registerCharsetIndex}); otherwise the charsets that need it are
 * unavailable (no view; a document naming them is refused).
 *
 * Nothing here is trusted to round-trip: callers compare `encode(decode(b))`
 * with `b` and keep the raw bytes when they differ.
 * @module
 */
import { GB18030_RANGES, INDEX_HASH, INDEX_SIZE, LABELS, SINGLE_BYTE } from './charsets/tables.js';

/** A charset's encoder. Stateful only for ISO-2022-JP; `end` returns its closing bytes. */
export interface CharsetEncoder {
  /** Bytes of `s`, or null if a character has no encoding in this charset. */
  encode(s: string): Uint8Array | null;
  end(): Uint8Array;
}

/** label → encoding name, for every label of the Encoding Standard. */
const NAMES = new Map<string, string>();
for (const [name, labels] of Object.entries(LABELS)) for (const l of labels.split(' ')) NAMES.set(l, name);
// UTF-7 (RFC 2152) is no Encoding Standard encoding, but common in mail: xmime implements it for text bodies (§7.4.3).
for (const l of ['utf-7', 'unicode-1-1-utf-7', 'unicode-2-0-utf-7', 'x-unicode-2-0-utf-7', 'csunicode11utf7']) NAMES.set(l, 'utf-7');

/**
 * The Encoding Standard's name (lower case) of a charset label, or null if the
 * label names none xmime can use (unknown, *replacement*, *x-user-defined*).
 * As "get an encoding": ASCII white space trimmed, ASCII case-insensitive.
 *
 * @example
 * charsetName(' Latin1 ');  // 'windows-1252'
 * charsetName('utf-7');     // null
 */
export function charsetName(label: string): string | null {
  const l = label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').replace(/[A-Z]+/g, (s) => s.toLowerCase());
  const name = NAMES.get(l);
  return name === undefined || name === 'replacement' || name === 'x-user-defined' ? null : name;
}

/** Labels WHATWG maps to windows-1252 that promise 7-bit bytes. */
export const ASCII_LABELS = new Set([
  'us-ascii', 'ascii', 'ansi_x3.4-1968', 'ansi-x3.4-1968', 'ansi_x3.4-1986', 'iso646-us', 'us', 'cp367', 'ibm367', 'iso-ir-6', 'csascii', 'iso_646.irv:1991',
]);

/**
 * Whether a (trimmed, lower-cased) label names an encoding that exists but
 * that xmime does not implement, in which even ASCII bytes may mean other
 * characters (UTF-7 variants, HZ, the ISO-2022 family other than ISO-2022-JP,
 * *replacement*, *x-user-defined*): such text gets no view (§9.8 step 2),
 * rather than being shown as if it were UTF-8 or windows-1252.
 */
export function unimplementedLabel(lower: string): boolean {
  const name = NAMES.get(lower);
  if (name === 'replacement' || name === 'x-user-defined') return true;
  return /^(?:(?:x-)?(?:utf-?7|hz|iso-?2022-)|csiso2022)/.test(lower) && name === undefined;
}

/** UTF-16 in the machine's byte order: builds strings from code units in one native call. */
const utf16 = new TextDecoder(new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 'utf-16le' : 'utf-16be', { ignoreBOM: true });
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Code units of a string held in a Uint16Array; valid UTF-16 only (the caller checks pairs). */
function fromUnits(u: Uint16Array, n: number): string {
  return utf16.decode(u.subarray(0, n));
}

/** Each single-byte encoding's code unit per byte (0xFFFD: no character), built on first use. */
const singleUnits = new Map<string, Uint16Array>();

function singleTable(name: string): Uint16Array {
  let t = singleUnits.get(name);
  if (t === undefined) {
    const hi = SINGLE_BYTE[name];
    t = Uint16Array.from({ length: 256 }, (_, b) => (b < 0x80 ? b : hi.charCodeAt(b - 0x80)));
    singleUnits.set(name, t);
  }
  return t;
}

// ---- multi-byte indexes -------------------------------------------------------------------------

const registered = new Map<string, string>();
const indexes = new Map<string, Int32Array | null>();

/**
 * Supplies a multi-byte index (`jis0208`, `jis0212`, `euc-kr`, `big5`,
 * `gb18030`) in the compact form of scripts/gen-charsets.mjs. Importing
 * `xmime/charsets` registers all five; the Node entry does so itself. A
 * browser bundle that leaves them out uses the host's decoder for an index
 * only when it gives exactly the standard's table (checked by hash).
 *
 * @example
 * import big5 from 'xmime/dist/views/charsets/index-big5.js';
 * registerCharsetIndex('big5', big5);
 */
export function registerCharsetIndex(name: string, data: string): void {
  if (INDEX_SIZE[name] === undefined) throw new RangeError(`no index named ${name}`);
  registered.set(name, data);
  indexes.delete(name);
  tables.clear();
}

/** Expands the compact form (see scripts/gen-charsets.mjs) to pointer → code point (-1: none). */
function expand(data: string, size: number): Int32Array {
  const a = new Int32Array(size).fill(-1);
  let p = 0;
  for (let i = 0; i < data.length; ) {
    const c = data.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    if (c === 0xfffe) p += data.charCodeAt(i++) - 0x20;
    else if (c === 0xffff) for (let n = data.charCodeAt(i++) - 0x20, v = a[p - 1]; n > 0; n--) a[p++] = ++v;
    else a[p++] = c;
  }
  if (p !== size) throw new Error(`charset index: ${p} pointers, expected ${size}`);
  return a;
}

/** FNV-1a over (code point + 1) per pointer, as scripts/gen-charsets.mjs computes it. */
function indexHash(a: Int32Array): number {
  let h = 0x811c9dc5;
  for (let p = 0; p < a.length; p++) h = Math.imul(h ^ (a[p] + 1), 16777619) >>> 0;
  return h;
}

const BIG5_PAIRS: Record<number, string> = { 1133: '\u00ca\u0304', 1135: '\u00ca\u030c', 1164: '\u00ea\u0304', 1166: '\u00ea\u030c' };

/** For each index: the host encoding that shows it, and the bytes of a pointer. */
const HOST: Record<string, [string, (p: number) => number[]]> = {
  jis0208: ['shift_jis', (p) => { const l = Math.floor(p / 188), t = p % 188; return [l < 31 ? l + 0x81 : l + 0xc1, t < 0x3f ? t + 0x40 : t + 0x41]; }],
  jis0212: ['euc-jp', (p) => [0x8f, 0xa1 + Math.floor(p / 94), 0xa1 + (p % 94)]],
  'euc-kr': ['euc-kr', (p) => [0x81 + Math.floor(p / 190), 0x41 + (p % 190)]],
  big5: ['big5', (p) => { const t = p % 157; return [0x81 + Math.floor(p / 157), t < 0x3f ? t + 0x40 : t + 0x62]; }],
  gb18030: ['gb18030', (p) => { const t = p % 190; return [0x81 + Math.floor(p / 190), t < 0x3f ? t + 0x40 : t + 0x41]; }],
};

/**
 * An index read from the host's `TextDecoder` (every pointer's bytes, each
 * followed by LF, in one call), or null unless it equals the standard's
 * index exactly (its hash). Exported for tests.
 * @internal
 */
export function fromHost(name: string): Int32Array | null {
  const size = INDEX_SIZE[name], [enc, seq] = HOST[name];
  let s: string;
  try {
    const bytes: number[] = [];
    for (let p = 0; p < size; p++) bytes.push(...seq(p), 0x0a);
    s = new TextDecoder(enc, { ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
  const parts = s.split('\n');
  if (parts.length !== size + 1) return null;
  const a = new Int32Array(size).fill(-1);
  for (let p = 0; p < size; p++) {
    const c = parts[p].codePointAt(0);
    if (c === undefined || c === 0xfffd || parts[p].length !== (c > 0xffff ? 2 : 1)) continue;
    if (name === 'jis0208' && p >= 8836 && p <= 10715) continue; // Shift_JIS's user-defined area, not the index
    a[p] = c;
  }
  return indexHash(a) === INDEX_HASH[name] ? a : null;
}

/** A multi-byte index (pointer → code point, -1: none), or null if neither registered nor served exactly by the host. */
function index(name: string): Int32Array | null {
  let a = indexes.get(name);
  if (a === undefined) {
    const data = registered.get(name);
    a = data !== undefined ? expand(data, INDEX_SIZE[name]) : fromHost(name);
    indexes.set(name, a);
  }
  return a;
}

/** The indexes each multi-byte encoding needs. */
const NEEDS: Record<string, string[]> = {
  gbk: ['gb18030'], gb18030: ['gb18030'], big5: ['big5'], 'euc-kr': ['euc-kr'],
  'euc-jp': ['jis0208', 'jis0212'], 'iso-2022-jp': ['jis0208'], shift_jis: ['jis0208'],
};

/** The index gb18030 ranges code point of a four-byte pointer, or -1. */
function gbRange(p: number): number {
  if ((p > 39419 && p < 189000) || p > 1237575) return -1;
  if (p === 7457) return 0xe7c7;
  let lo = 0, hi = GB18030_RANGES.length / 2 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (GB18030_RANGES[2 * mid] <= p) lo = mid;
    else hi = mid - 1;
  }
  return GB18030_RANGES[2 * lo + 1] + p - GB18030_RANGES[2 * lo];
}

/** Appends code point `c` to `u` at `n` as UTF-16; returns the new length. */
function put(u: Uint16Array, n: number, c: number): number {
  if (c < 0x10000) u[n++] = c;
  else {
    c -= 0x10000;
    u[n++] = 0xd800 + (c >> 10);
    u[n++] = 0xdc00 + (c & 0x3ff);
  }
  return n;
}

/**
 * Multi-byte decoders of the Encoding Standard, error mode fatal: null at the
 * first error. Output is at most two code units per byte.
 */
function decodeMulti(name: string, b: Uint8Array): string | null {
  const u = new Uint16Array(2 * b.length + 2);
  let n = 0;
  const len = b.length;
  if (name === 'gbk' || name === 'gb18030') {
    const ix = index('gb18030')!;
    for (let i = 0; i < len; ) {
      const b0 = b[i];
      if (b0 < 0x80) u[n++] = b0, i++;
      else if (b0 === 0x80) u[n++] = 0x20ac, i++;
      else if (b0 === 0xff || i + 1 >= len) return null;
      else {
        const b1 = b[i + 1];
        let c: number;
        if (b1 >= 0x30 && b1 <= 0x39) {
          if (i + 3 >= len) return null;
          const b2 = b[i + 2], b3 = b[i + 3];
          if (b2 < 0x81 || b2 > 0xfe || b3 < 0x30 || b3 > 0x39) return null;
          c = gbRange((b0 - 0x81) * 12600 + (b1 - 0x30) * 1260 + (b2 - 0x81) * 10 + b3 - 0x30);
          i += 4;
        } else if ((b1 >= 0x40 && b1 <= 0x7e) || (b1 >= 0x80 && b1 <= 0xfe)) {
          c = ix[(b0 - 0x81) * 190 + b1 - (b1 < 0x7f ? 0x40 : 0x41)];
          i += 2;
        } else return null;
        if (!(c >= 0)) return null;
        n = put(u, n, c);
      }
    }
  } else if (name === 'big5') {
    const ix = index('big5')!;
    for (let i = 0; i < len; ) {
      const b0 = b[i];
      if (b0 < 0x80) u[n++] = b0, i++;
      else if (b0 === 0x80 || b0 === 0xff || i + 1 >= len) return null;
      else {
        const b1 = b[i + 1];
        if (!((b1 >= 0x40 && b1 <= 0x7e) || (b1 >= 0xa1 && b1 <= 0xfe))) return null;
        const p = (b0 - 0x81) * 157 + b1 - (b1 < 0x7f ? 0x40 : 0x62);
        i += 2;
        const pair = p === 1133 || p === 1135 || p === 1164 || p === 1166 ? BIG5_PAIRS[p] : undefined;
        if (pair !== undefined) u[n++] = pair.charCodeAt(0), u[n++] = pair.charCodeAt(1);
        else if (ix[p] < 0) return null;
        else n = put(u, n, ix[p]);
      }
    }
  } else if (name === 'euc-kr') {
    const ix = index('euc-kr')!;
    for (let i = 0; i < len; ) {
      const b0 = b[i];
      if (b0 < 0x80) u[n++] = b0, i++;
      else if (b0 === 0x80 || b0 === 0xff || i + 1 >= len) return null;
      else {
        const b1 = b[i + 1];
        const c = b1 >= 0x41 && b1 <= 0xfe ? ix[(b0 - 0x81) * 190 + b1 - 0x41] : -1;
        if (!(c >= 0)) return null;
        u[n++] = c;
        i += 2;
      }
    }
  } else if (name === 'euc-jp') {
    const j8 = index('jis0208')!, j12 = index('jis0212')!;
    for (let i = 0; i < len; ) {
      const b0 = b[i];
      if (b0 < 0x80) {
        u[n++] = b0;
        i++;
        continue;
      }
      if (i + 1 >= len) return null;
      const b1 = b[i + 1];
      let c = -1;
      if (b0 === 0x8e) c = b1 >= 0xa1 && b1 <= 0xdf ? 0xff61 - 0xa1 + b1 : -1, i += 2;
      else if (b0 === 0x8f) {
        if (i + 2 >= len) return null;
        const b2 = b[i + 2];
        if (b1 >= 0xa1 && b1 <= 0xfe && b2 >= 0xa1 && b2 <= 0xfe) c = j12[(b1 - 0xa1) * 94 + b2 - 0xa1];
        i += 3;
      } else if (b0 >= 0xa1 && b0 <= 0xfe && b1 >= 0xa1 && b1 <= 0xfe) c = j8[(b0 - 0xa1) * 94 + b1 - 0xa1], i += 2;
      if (!(c >= 0)) return null;
      u[n++] = c;
    }
  } else if (name === 'shift_jis') {
    const ix = index('jis0208')!;
    for (let i = 0; i < len; ) {
      const b0 = b[i];
      if (b0 <= 0x80) u[n++] = b0, i++;
      else if (b0 >= 0xa1 && b0 <= 0xdf) u[n++] = 0xff61 - 0xa1 + b0, i++;
      else if (!((b0 >= 0x81 && b0 <= 0x9f) || (b0 >= 0xe0 && b0 <= 0xfc)) || i + 1 >= len) return null;
      else {
        const b1 = b[i + 1];
        if (!((b1 >= 0x40 && b1 <= 0x7e) || (b1 >= 0x80 && b1 <= 0xfc))) return null;
        const p = (b0 - (b0 < 0xa0 ? 0x81 : 0xc1)) * 188 + b1 - (b1 < 0x7f ? 0x40 : 0x41);
        const c = p >= 8836 && p <= 10715 ? 0xe000 - 8836 + p : ix[p];
        if (!(c >= 0)) return null;
        u[n++] = c;
        i += 2;
      }
    }
  } else return decodeIso2022Jp(b, u);
  return fromUnits(u, n);
}

/** ISO-2022-JP decoder states. */
const J = { Ascii: 0, Roman: 1, Katakana: 2, Lead: 3, Trail: 4, EscStart: 5, Esc: 6 } as const;

/** The ISO-2022-JP decoder of the Encoding Standard, error mode fatal. */
function decodeIso2022Jp(b: Uint8Array, u: Uint16Array): string | null {
  const ix = index('jis0208')!;
  let state: number = J.Ascii, lead = 0, output = false, n = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i];
    switch (state) {
      case J.Ascii:
      case J.Roman:
        if (x === 0x1b) state = J.EscStart;
        else if (x >= 0x80 || x === 0x0e || x === 0x0f) return null;
        else (output = false), (u[n++] = state === J.Roman && x === 0x5c ? 0xa5 : state === J.Roman && x === 0x7e ? 0x203e : x);
        break;
      case J.Katakana:
        if (x === 0x1b) state = J.EscStart;
        else if (x >= 0x21 && x <= 0x5f) (output = false), (u[n++] = 0xff61 - 0x21 + x);
        else return null;
        break;
      case J.Lead:
        if (x === 0x1b) state = J.EscStart;
        else if (x >= 0x21 && x <= 0x7e) (output = false), (lead = x), (state = J.Trail);
        else return null;
        break;
      case J.Trail: {
        if (x < 0x21 || x > 0x7e) return null;
        const c = ix[(lead - 0x21) * 94 + x - 0x21];
        if (!(c >= 0)) return null;
        u[n++] = c;
        state = J.Lead;
        break;
      }
      case J.EscStart:
        if (x !== 0x24 && x !== 0x28) return null;
        lead = x;
        state = J.Esc;
        break;
      case J.Esc: {
        const next =
          lead === 0x28 && x === 0x42 ? J.Ascii
          : lead === 0x28 && x === 0x4a ? J.Roman
          : lead === 0x28 && x === 0x49 ? J.Katakana
          : lead === 0x24 && (x === 0x40 || x === 0x42) ? J.Lead
          : -1;
        if (next < 0 || output) return null; // two escape sequences in a row are an error too
        state = next; // (the output state matters only after an error, and fatal mode stops there)
        output = true;
        break;
      }
    }
  }
  return state === J.Trail || state === J.EscStart || state === J.Esc ? null : fromUnits(u, n);
}

/** UTF-16LE/BE, error mode fatal; a byte order mark stays U+FEFF. */
function decodeUtf16(b: Uint8Array, le: boolean): string | null {
  if (b.length % 2 !== 0) return null;
  const u = new Uint16Array(b.length / 2);
  for (let i = 0, k = 0; k < u.length; i += 2, k++) {
    const c = le ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1];
    u[k] = c;
    if (c >= 0xd800 && c < 0xe000) {
      // A leading surrogate needs a trailing one next; a trailing one alone is an error.
      if (c >= 0xdc00 || k + 1 >= u.length) return null;
      const d = le ? b[i + 2] | (b[i + 3] << 8) : (b[i + 2] << 8) | b[i + 3];
      if (d < 0xdc00 || d >= 0xe000) return null;
      u[++k] = d;
      i += 2;
    }
  }
  return fromUnits(u, u.length);
}

/** Modified base64 (RFC 2152): the value of each byte, -1 if it is no base64 character. */
const B64 = new Int8Array(128).fill(-1);
const B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) B64[B64_CHARS.charCodeAt(i)] = i;

/**
 * UTF-7 (RFC 2152), strictly: bytes above 0x7F, `+` followed by neither `-`
 * nor a base64 character, more than five bits or non-zero bits left at the
 * end of a base64 run, and unpaired surrogates are errors. The `-` ending a
 * run is absorbed.
 */
function decodeUtf7(b: Uint8Array): string | null {
  const u = new Uint16Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i++];
    if (c >= 0x80) return null;
    if (c !== 0x2b) {
      u[n++] = c;
      continue;
    }
    if (i < b.length && b[i] === 0x2d) {
      u[n++] = 0x2b;
      i++;
      continue;
    }
    let bits = 0, nbits = 0, count = 0;
    for (; i < b.length && b[i] < 0x80 && B64[b[i]] >= 0; i++, count++) {
      bits = ((bits << 6) | B64[b[i]]) & 0xffffff;
      nbits += 6;
      if (nbits >= 16) {
        nbits -= 16;
        u[n++] = (bits >> nbits) & 0xffff;
      }
    }
    if (count === 0 || nbits >= 6 || (bits & ((1 << nbits) - 1)) !== 0) return null;
    if (i < b.length && b[i] === 0x2d) i++;
  }
  for (let k = 0; k < n; k++) {
    const c = u[k];
    if (c >= 0xd800 && c < 0xdc00 && k + 1 < n && u[k + 1] >= 0xdc00 && u[k + 1] < 0xe000) k++;
    else if (c >= 0xd800 && c < 0xe000) return null;
  }
  return fromUnits(u, n);
}

/**
 * The characters xmime's UTF-7 encoder writes as themselves: 1 for RFC 2152's
 * Set D, SP, TAB, CR and LF; 2 for Set O, its optional direct characters
 * (written as themselves only with `direct="optional"`).
 */
const UTF7_DIRECT = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'(),-./:? \t\r\n") UTF7_DIRECT[ch.charCodeAt(0)] = 1;
for (const ch of '!"#$%&*;<=>@[]^_`{|}') UTF7_DIRECT[ch.charCodeAt(0)] = 2;

/**
 * UTF-7 as §7.4.3 writes it: Set D, SP, TAB, CR and LF (and Set O if
 * `optional`) as themselves; `+` as `+-`; every maximal run of other
 * characters as `+`, the modified base64 of its UTF-16BE code units (zero
 * bits filling the last character) and `-`.
 */
function encodeUtf7(s: string, optional: boolean): Uint8Array {
  const top = optional ? 2 : 1;
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) {
      out.push(0x2b, 0x2d);
      i++;
    } else if (c < 0x80 && UTF7_DIRECT[c] !== 0 && UTF7_DIRECT[c] <= top) {
      out.push(c);
      i++;
    } else {
      out.push(0x2b);
      let bits = 0, nbits = 0;
      for (; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x2b || (d < 0x80 && UTF7_DIRECT[d] !== 0 && UTF7_DIRECT[d] <= top)) break;
        bits = ((bits << 16) | d) & 0xffffff;
        nbits += 16;
        while (nbits >= 6) {
          nbits -= 6;
          out.push(B64_CHARS.charCodeAt((bits >> nbits) & 0x3f));
        }
      }
      if (nbits > 0) out.push(B64_CHARS.charCodeAt((bits << (6 - nbits)) & 0x3f));
      out.push(0x2d);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Decodes `b` in the Encoding Standard's encoding `name` (as {@link charsetName}
 * gives it) strictly: malformed input, or a charset whose index is
 * unavailable, gives null. A UTF-8 or UTF-16 byte order mark stays a character.
 */
export function decodeCharset(name: string, b: Uint8Array): string | null {
  if (name === 'utf-8') {
    try {
      return utf8Decoder.decode(b);
    } catch {
      return null;
    }
  }
  if (SINGLE_BYTE[name] !== undefined) {
    // Code units by table, then one native UTF-16 decode: 10 times faster than building the string in JS.
    const t = singleTable(name), u = new Uint16Array(b.length);
    for (let i = 0; i < b.length; i++) if ((u[i] = t[b[i]]) === 0xfffd) return null;
    return fromUnits(u, u.length);
  }
  if (name === 'utf-16le' || name === 'utf-16be') return decodeUtf16(b, name === 'utf-16le');
  if (name === 'utf-7') return decodeUtf7(b);
  const needs = NEEDS[name];
  if (needs === undefined || !needs.every((x) => index(x) !== null)) return null;
  return decodeMulti(name, b);
}

/**
 * Decodes `b` in the charset a mail names (`label`); null when the label is
 * unknown or the bytes are not valid in it. US-ASCII labels take 7-bit bytes only.
 *
 * @example
 * decodeLabel('iso-8859-1', new Uint8Array([0x63, 0x61, 0x66, 0xe9])); // 'café'
 * decodeLabel('x-unknown', new Uint8Array([0x61]));                    // null
 */
export function decodeLabel(label: string, b: Uint8Array): string | null {
  const name = charsetName(label);
  if (name === null || name === 'utf-7') return null; // UTF-7 serves text bodies only (§7.4.3)
  // The label as charsetName reads it: ASCII white space trimmed, ASCII case folded (not trim() nor toLowerCase()).
  if (ASCII_LABELS.has(label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').replace(/[A-Z]+/g, (c) => c.toLowerCase()))) for (let i = 0; i < b.length; i++) if (b[i] > 0x7f) return null;
  return decodeCharset(name, b);
}

// ---- encoding -----------------------------------------------------------------------------------

/**
 * Code point → bytes (packed big-endian, up to three, plus (length − 1) × 2^24;
 * -1: none), per multi-byte charset: an array for the BMP, a map above it.
 */
interface Table {
  bmp: Int32Array;
  astral: Map<number, number>;
}
const tables = new Map<string, Table>();

function lookup(t: Table, cp: number): number {
  return cp < 0x10000 ? t.bmp[cp] : (t.astral.get(cp) ?? -1);
}

/**
 * The table of §7.4.3: every sequence the decoder turns into exactly one code
 * point maps that code point to it; the shortest, then numerically lowest,
 * sequence wins. Sequences are visited in exactly that order, so the first
 * one kept is the winner.
 */
function table(name: string): Table {
  let t = tables.get(name);
  if (t !== undefined) return t;
  const bmp = new Int32Array(0x10000).fill(-1), astral = new Map<number, number>();
  t = { bmp, astral };
  const add = (c: number, seq: number, len: number): void => {
    if (c < 0) return;
    if (c < 0x10000) {
      if (bmp[c] < 0) bmp[c] = seq + (len - 1) * 0x1000000;
    } else if (!astral.has(c)) astral.set(c, seq + (len - 1) * 0x1000000);
  };
  const ascii = (top: number): void => {
    for (let x = 0; x <= top; x++) add(x, x, 1);
  };
  if (name === 'gbk' || name === 'gb18030') {
    const ix = index('gb18030')!;
    ascii(0x7f);
    add(0x20ac, 0x80, 1);
    for (let p = 0; p < ix.length; p++) add(ix[p], ((0x81 + Math.floor(p / 190)) << 8) | HOST.gb18030[1](p)[1], 2);
  } else if (name === 'big5') {
    const ix = index('big5')!;
    ascii(0x7f);
    for (let p = 0; p < ix.length; p++) if (BIG5_PAIRS[p] === undefined) add(ix[p], ((0x81 + Math.floor(p / 157)) << 8) | HOST.big5[1](p)[1], 2);
  } else if (name === 'euc-kr') {
    const ix = index('euc-kr')!;
    ascii(0x7f);
    for (let p = 0; p < ix.length; p++) add(ix[p], ((0x81 + Math.floor(p / 190)) << 8) | (0x41 + (p % 190)), 2);
  } else if (name === 'shift_jis') {
    const ix = index('jis0208')!;
    ascii(0x80);
    for (let x = 0xa1; x <= 0xdf; x++) add(0xff61 - 0xa1 + x, x, 1);
    for (let p = 0; p < ix.length; p++) {
      const [l, x] = HOST.jis0208[1](p);
      add(p >= 8836 && p <= 10715 ? 0xe000 - 8836 + p : ix[p], (l << 8) | x, 2);
    }
  } else if (name === 'iso-2022-jp') {
    // Only what ISO-2022-JP writes: EUC-JP's two-byte JIS X 0208 entries (no other sequence gives these characters).
    const j8 = index('jis0208')!;
    for (let p = 0; p < 94 * 94; p++) add(j8[p], ((0xa1 + Math.floor(p / 94)) << 8) | (0xa1 + (p % 94)), 2);
  } else if (name === 'euc-jp') {
    const j8 = index('jis0208')!, j12 = index('jis0212')!;
    ascii(0x7f);
    for (let x = 0xa1; x <= 0xdf; x++) add(0xff61 - 0xa1 + x, 0x8e00 | x, 2);
    for (let p = 0; p < 94 * 94; p++) add(j8[p], ((0xa1 + Math.floor(p / 94)) << 8) | (0xa1 + (p % 94)), 2);
    for (let p = 0; p < 94 * 94; p++) add(j12[p], 0x8f0000 | ((0xa1 + Math.floor(p / 94)) << 8) | (0xa1 + (p % 94)), 3);
  }
  tables.set(name, t);
  return t;
}

/** Code unit → byte of a single-byte charset (-1: none), lowest byte first, built on first use. */
const singleEncoders = new Map<string, Int16Array>();

function singleEncoder(name: string): Int16Array {
  let t = singleEncoders.get(name);
  if (t !== undefined) return t;
  t = new Int16Array(0x10000).fill(-1);
  const units = singleTable(name);
  for (let b = 0xff; b >= 0; b--) if (units[b] !== 0xfffd) t[units[b]] = b; // from the top down: the lowest byte stays
  singleEncoders.set(name, t);
  return t;
}

const utf8 = new TextEncoder();

/**
 * An encoder for the Encoding Standard's encoding `name`, or null if xmime
 * cannot encode it (here). `utf7Direct`: UTF-7's optional direct characters
 * are written as themselves.
 */
export function charsetEncoder(name: string, utf7Direct = false): CharsetEncoder | null {
  if (name === 'utf-8') return { encode: (s) => utf8.encode(s), end: () => new Uint8Array(0) };
  if (name === 'utf-7') return { encode: (s) => encodeUtf7(s, utf7Direct), end: () => new Uint8Array(0) };
  if (name === 'utf-16le' || name === 'utf-16be') {
    const le = name === 'utf-16le';
    return {
      encode(s) {
        const out = new Uint8Array(2 * s.length);
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          out[2 * i + (le ? 0 : 1)] = c & 0xff;
          out[2 * i + (le ? 1 : 0)] = c >> 8;
        }
        return out;
      },
      end: () => new Uint8Array(0),
    };
  }
  if (SINGLE_BYTE[name] !== undefined) {
    // One array lookup per code unit (a surrogate has none): 256 bytes cannot need the general table.
    return {
      encode(s) {
        const t = singleEncoder(name), out = new Uint8Array(s.length);
        for (let i = 0; i < s.length; i++) {
          const v = t[s.charCodeAt(i)];
          if (v < 0) return null;
          out[i] = v;
        }
        return out;
      },
      end: () => new Uint8Array(0),
    };
  }
  const needs = NEEDS[name];
  if (needs === undefined || !needs.every((x) => index(x) !== null)) return null;
  if (name === 'iso-2022-jp') return new Iso2022JpEncoder();
  return {
    encode(s) {
      const t = table(name), out = new Uint8Array(3 * s.length);
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        let cp = s.charCodeAt(i);
        if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < s.length) {
          const lo = s.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo < 0xe000) (cp = 0x10000 + ((cp - 0xd800) << 10) + lo - 0xdc00), i++;
        }
        const p = lookup(t, cp);
        if (p < 0) return null;
        const len = (p >>> 24) + 1, v = p & 0xffffff;
        if (len === 3) out[n++] = v >> 16;
        if (len >= 2) out[n++] = (v >> 8) & 0xff;
        out[n++] = v & 0xff;
      }
      return out.slice(0, n);
    },
    end: () => new Uint8Array(0),
  };
}

const ESC_ASCII = [0x1b, 0x28, 0x42], ESC_JIS = [0x1b, 0x24, 0x42];

/**
 * ISO-2022-JP as mail software writes it (RFC 1468, §7.4.3): ASCII, and JIS
 * X 0208 after ESC $ B; back to ASCII before any ASCII character and at the end.
 */
class Iso2022JpEncoder implements CharsetEncoder {
  private jis = false;

  encode(s: string): Uint8Array | null {
    const t = table('iso-2022-jp'), out: number[] = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) {
        if (cp === 0x1b || cp === 0x0e || cp === 0x0f) return null;
        if (this.jis) out.push(...ESC_ASCII);
        this.jis = false;
        out.push(cp);
        continue;
      }
      const p = lookup(t, cp);
      const v = p < 0 ? -1 : p - 0x1000000;
      if (v < 0 || v > 0xffff || v >> 8 < 0xa1) return null; // two-byte JIS X 0208 only
      if (!this.jis) out.push(...ESC_JIS);
      this.jis = true;
      out.push((v >> 8) & 0x7f, v & 0x7f);
    }
    return Uint8Array.from(out);
  }

  end(): Uint8Array {
    const out = this.jis ? Uint8Array.from(ESC_ASCII) : new Uint8Array(0);
    this.jis = false;
    return out;
  }
}
