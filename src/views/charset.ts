/**
 * Charsets for readable text, exactly as the WHATWG Encoding Standard defines
 * them, the same on every platform: labels, decoders and index tables are
 * xmime's own (generated from the standard's files, ./charsets/), never the
 * platform's `TextDecoder` for a legacy charset (Node's ICU departs from the
 * standard, and browsers differ from one another).
 *
 * Only the labels and the tables' hashes are part of this module, so that a
 * browser bundle of the codec stays small. A single-byte table is registered
 * (`./charsets/all.ts`, the package export `xmime/charsets`, which the Node
 * entry imports) or else read once from the host's `TextDecoder` and used only
 * if its hash equals the standard's (see {@link singleFromHost}). The
 * multi-byte encodings (./charset-multibyte.ts) are not here at all: they
 * exist once that module is imported (by `./charsets/all.ts`, or alone as
 * `xmime/charsets/multibyte`, which reads the CJK indexes from the host the
 * same way). A charset with no exact table is unavailable: no view, and a
 * document naming it is refused.
 *
 * Nothing here is trusted to round-trip: callers compare `encode(decode(b))`
 * with `b` and keep the raw bytes when they differ.
 * @module
 */
import { LABELS, SINGLE_HASH } from './charsets/tables.js';

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

/**
 * Code units of a string held in a Uint16Array; valid UTF-16 only (the caller checks pairs).
 * @internal
 */
export function fromUnits(u: Uint16Array, n: number): string {
  return utf16.decode(u.subarray(0, n));
}

/** Each single-byte encoding's code unit per byte (0xFFFD: no character), or null if unavailable; built on first use. */
const singleUnits = new Map<string, Uint16Array | null>();
/** Registered single-byte tables: the characters of bytes 0x80..0xFF (./charsets/single-byte.ts). */
const singleRegistered = new Map<string, string>();

/**
 * Supplies single-byte tables in the form of ./charsets/single-byte.ts (name →
 * the 128 characters of bytes 0x80..0xFF, U+FFFD for none). Importing
 * `xmime/charsets` registers all 28; the Node entry does so itself (Node's
 * decoders fail several hashes, windows-1252 among them). Without them, a
 * table is taken from the host's decoder only when it is exactly the standard's.
 *
 * @example
 * import tables from 'xmime/dist/views/charsets/single-byte.js';
 * registerSingleByteTables(tables);
 */
export function registerSingleByteTables(tables: Record<string, string>): void {
  for (const [name, hi] of Object.entries(tables)) {
    if (SINGLE_HASH[name] === undefined || hi.length !== 128) throw new RangeError(`no single-byte encoding named ${name}`);
    singleRegistered.set(name, hi);
    singleUnits.delete(name);
    singleEncoders.delete(name);
  }
}

/** FNV-1a over (code point + 1) per entry, -1 (none) counting 0, as scripts/gen-charsets.mjs computes it. */
export function tableHash(a: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let p = 0; p < a.length; p++) h = Math.imul(h ^ (a[p] + 1), 16777619) >>> 0;
  return h;
}

/**
 * A single-byte table read from the host's `TextDecoder` (bytes 0x00..0xFF in
 * one call), or null unless it equals the standard's table exactly (its hash).
 * Exported for tests.
 * @internal
 */
export function singleFromHost(name: string, decoder?: { decode(b: Uint8Array): string }): Uint16Array | null {
  let s: string;
  try {
    s = (decoder ?? new TextDecoder(name, { ignoreBOM: true })).decode(Uint8Array.from({ length: 256 }, (_, b) => b));
  } catch {
    return null;
  }
  if (s.length !== 256) return null;
  const t = Uint16Array.from({ length: 256 }, (_, b) => s.charCodeAt(b));
  return tableHash(Array.from(t, (c) => (c === 0xfffd ? -1 : c))) === SINGLE_HASH[name] ? t : null;
}

function singleTable(name: string): Uint16Array | null {
  let t = singleUnits.get(name);
  if (t === undefined) {
    const hi = singleRegistered.get(name);
    t = hi !== undefined ? Uint16Array.from({ length: 256 }, (_, b) => (b < 0x80 ? b : hi.charCodeAt(b - 0x80))) : singleFromHost(name);
    singleUnits.set(name, t);
  }
  return t;
}

/** The multi-byte encodings, once ./charset-multibyte.ts is imported. */
export interface MultiByteCharsets {
  /** undefined: not a multi-byte encoding; null: malformed, or its index is unavailable. */
  decode(name: string, b: Uint8Array): string | null | undefined;
  encoder(name: string): CharsetEncoder | null;
}
let multiByte: MultiByteCharsets | null = null;

/**
 * Installs the multi-byte encodings (./charset-multibyte.ts does, when imported).
 * @internal
 */
export function registerMultiByte(m: MultiByteCharsets): void {
  multiByte = m;
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
  if (SINGLE_HASH[name] !== undefined) {
    // Code units by table, then one native UTF-16 decode: 10 times faster than building the string in JS.
    const t = singleTable(name), u = new Uint16Array(b.length);
    if (t === null) return null;
    for (let i = 0; i < b.length; i++) if ((u[i] = t[b[i]]) === 0xfffd) return null;
    return fromUnits(u, u.length);
  }
  if (name === 'utf-16le' || name === 'utf-16be') return decodeUtf16(b, name === 'utf-16le');
  if (name === 'utf-7') return decodeUtf7(b);
  return multiByte?.decode(name, b) ?? null;
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

/** Code unit → byte of a single-byte charset (-1: none), lowest byte first, built on first use. */
const singleEncoders = new Map<string, Int16Array>();

function singleEncoder(name: string, units: Uint16Array): Int16Array {
  let t = singleEncoders.get(name);
  if (t !== undefined) return t;
  t = new Int16Array(0x10000).fill(-1);
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
  if (SINGLE_HASH[name] !== undefined) {
    const units = singleTable(name);
    if (units === null) return null;
    // One array lookup per code unit (a surrogate has none): 256 bytes cannot need the general table.
    return {
      encode(s) {
        const t = singleEncoder(name, units), out = new Uint8Array(s.length);
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
  return multiByte?.encoder(name) ?? null;
}
