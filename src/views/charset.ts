/**
 * Charsets for readable text: decoding with the platform's `TextDecoder`
 * (the WHATWG Encoding Standard, in browsers and Node alike) and encoding
 * with tables inverted from that same decoder, so no charset data ships
 * with xmime and both directions agree by construction.
 *
 * Nothing here is trusted to round-trip: callers compare `encode(decode(b))`
 * with `b` and keep the raw bytes when they differ.
 * @module
 */

/** A charset's encoder. Stateful only for ISO-2022-JP; `end` returns its closing bytes. */
export interface CharsetEncoder {
  /** Bytes of `s`, or null if a character has no encoding in this charset. */
  encode(s: string): Uint8Array | null;
  end(): Uint8Array;
}

const SINGLE_BYTE = new Set([
  'ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7', 'iso-8859-8',
  'iso-8859-8-i', 'iso-8859-10', 'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'iso-8859-16', 'koi8-r', 'koi8-u',
  'macintosh', 'windows-874', 'windows-1250', 'windows-1251', 'windows-1252', 'windows-1253', 'windows-1254',
  'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'x-mac-cyrillic',
]);

/** Lead and trail byte ranges whose pairs make up each multi-byte charset. */
const MULTI_BYTE: Record<string, [number, number][][]> = {
  gbk: [[[0x81, 0xfe]], [[0x40, 0x7e], [0x80, 0xfe]]],
  gb18030: [[[0x81, 0xfe]], [[0x40, 0x7e], [0x80, 0xfe]]],
  big5: [[[0x81, 0xfe]], [[0x40, 0x7e], [0xa1, 0xfe]]],
  'euc-kr': [[[0x81, 0xfe]], [[0x41, 0xfe]]],
  shift_jis: [[[0x81, 0x9f], [0xe0, 0xfc]], [[0x40, 0x7e], [0x80, 0xfc]]],
  'euc-jp': [[[0xa1, 0xfe]], [[0xa1, 0xfe]]],
};

/** `s` without leading and trailing ASCII white space (TAB, LF, FF, CR, SP). */
const asciiTrim = (s: string): string => s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');

const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

/** The WHATWG name of a MIME charset label, or null if the platform does not know it. */
export function charsetName(label: string): string | null {
  // Not trim() nor toLowerCase(): U+00A0 is no white space and U+212A (KELVIN SIGN) no "k" in a label (WHATWG "get an encoding").
  const l = asciiLower(asciiTrim(label));
  if (l === 'utf8') return 'utf-8'; // common misspelling; WHATWG has no such label
  if (/[^\x21-\x7e]/.test(l)) return null; // every label is printable ASCII; Node's TextDecoder takes "\u212Aoi8-r" for koi8-r
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

const decoders = new Map<string, TextDecoder>();

/**
 * WHATWG windows-1252 at 0x80..0x9F. Decoded here because Node 20 decodes
 * windows-1252 (and so iso-8859-1 and us-ascii) as ISO-8859-1, unlike
 * browsers; the text must not depend on the platform.
 */
const CP1252 = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** Each windows-1252 byte's code unit (none is a surrogate, so UTF-16 of them decodes back exactly). */
const CP1252_UNITS = Uint16Array.from({ length: 256 }, (_, c) => (c >= 0x80 && c < 0xa0 ? CP1252.charCodeAt(c - 0x80) : c));
/** UTF-16 in the machine's byte order, as a Uint16Array holds it. */
const utf16 = new TextDecoder(new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 'utf-16le' : 'utf-16be', { ignoreBOM: true });

/** Labels WHATWG maps to windows-1252 that promise 7-bit bytes. */
export const ASCII_LABELS = new Set([
  'us-ascii', 'ascii', 'ansi_x3.4-1968', 'ansi-x3.4-1968', 'ansi_x3.4-1986', 'iso646-us', 'us', 'cp367', 'ibm367', 'iso-ir-6', 'csascii', 'iso_646.irv:1991',
]);

/**
 * Decodes `b` in the WHATWG charset `name` strictly (malformed input gives
 * null), keeping a UTF-8 or UTF-16 byte order mark as a character.
 */
export function decodeCharset(name: string, b: Uint8Array): string | null {
  if (name === 'windows-1252') {
    // Code units by table, then one native UTF-16 decode: 10 times faster than building the string in JS.
    const u = new Uint16Array(b.length);
    for (let i = 0; i < b.length; i++) u[i] = CP1252_UNITS[b[i]];
    return utf16.decode(u);
  }
  let d = decoders.get(name);
  // ignoreBOM only where a BOM exists: with it, Node 20 drops a leading 0xFF in single-byte charsets.
  const options = { fatal: true, ignoreBOM: name.startsWith('utf-') };
  // Chromium's ISO-2022-JP decoder keeps its shift state from one decode() call to the next
  // (the Encoding Standard says each call starts afresh): a stateful charset gets a new decoder.
  if (name === 'iso-2022-jp') d = new TextDecoder(name, options);
  else if (d === undefined) decoders.set(name, (d = new TextDecoder(name, options)));
  try {
    return d.decode(b);
  } catch {
    return null;
  }
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
  if (name === null) return null;
  if (ASCII_LABELS.has(asciiLower(asciiTrim(label)))) for (let i = 0; i < b.length; i++) if (b[i] > 0x7f) return null;
  return decodeCharset(name, b);
}

/** Code point → bytes (packed big-endian, up to three), per charset. */
const tables = new Map<string, Map<number, number>>();

function addSeq(t: Map<number, number>, name: string, seq: number[]): void {
  const s = decodeCharset(name, Uint8Array.from(seq));
  if (s === null || s.length === 0) return;
  const cp = s.codePointAt(0)!;
  if (s.length !== (cp > 0xffff ? 2 : 1) || t.has(cp)) return; // first (lowest) sequence wins
  t.set(cp, seq.reduce((a, b) => a * 256 + b, 0) + (seq.length - 1) * 0x1000000);
}

/** The inverted decoder table of a single- or multi-byte charset, built on first use. */
function table(name: string): Map<number, number> {
  let t = tables.get(name);
  if (t !== undefined) return t;
  t = new Map();
  for (let b = 0; b < 0x100; b++) addSeq(t, name, [b]);
  const ranges = MULTI_BYTE[name];
  if (ranges !== undefined) {
    for (const [l0, l1] of ranges[0])
      for (let l = l0; l <= l1; l++) for (const [t0, t1] of ranges[1]) for (let x = t0; x <= t1; x++) addSeq(t, name, [l, x]);
    if (name === 'euc-jp') {
      for (let x = 0xa1; x <= 0xdf; x++) addSeq(t, name, [0x8e, x]);
      for (let l = 0xa1; l <= 0xfe; l++) for (let x = 0xa1; x <= 0xfe; x++) addSeq(t, name, [0x8f, l, x]);
    }
  }
  tables.set(name, t);
  return t;
}

/** Code unit → byte of a single-byte charset (-1: none), built on first use. */
const singleTables = new Map<string, Int16Array>();

function singleTable(name: string): Int16Array {
  let t = singleTables.get(name);
  if (t !== undefined) return t;
  t = new Int16Array(0x10000).fill(-1);
  // From the top down, so that the lowest byte decoding to a character is the one kept (as in `table`).
  for (let b = 0xff; b >= 0; b--) {
    const s = decodeCharset(name, Uint8Array.of(b));
    if (s !== null && s.length === 1) t[s.charCodeAt(0)] = b;
  }
  singleTables.set(name, t);
  return t;
}

function push(out: number[], packed: number): void {
  const n = Math.floor(packed / 0x1000000) + 1;
  const v = packed % 0x1000000;
  for (let k = n - 1; k >= 0; k--) out.push((v >> (8 * k)) & 0xff);
}

const utf8 = new TextEncoder();

/** An encoder for the WHATWG charset `name`, or null if xmime cannot encode it. */
export function charsetEncoder(name: string): CharsetEncoder | null {
  if (name === 'utf-8') return { encode: (s) => utf8.encode(s), end: () => new Uint8Array(0) };
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
  if (name === 'iso-2022-jp') return new Iso2022JpEncoder();
  if (SINGLE_BYTE.has(name)) {
    // One array lookup per code unit (a surrogate has none): 256 bytes cannot need the general table.
    return {
      encode(s) {
        const t = singleTable(name), out = new Uint8Array(s.length);
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
  if (MULTI_BYTE[name] === undefined) return null;
  return {
    encode(s) {
      const t = table(name), out: number[] = [];
      for (const ch of s) {
        const p = t.get(ch.codePointAt(0)!);
        if (p === undefined) return null;
        push(out, p);
      }
      return Uint8Array.from(out);
    },
    end: () => new Uint8Array(0),
  };
}

const ESC_ASCII = [0x1b, 0x28, 0x42], ESC_JIS = [0x1b, 0x24, 0x42];

/**
 * ISO-2022-JP as mail software writes it (RFC 1468): ASCII, and JIS X 0208
 * after ESC $ B; back to ASCII before any ASCII character and at the end.
 */
class Iso2022JpEncoder implements CharsetEncoder {
  private jis = false;

  encode(s: string): Uint8Array | null {
    const t = table('euc-jp'), out: number[] = [];
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) {
        if (cp === 0x1b || cp === 0x0e || cp === 0x0f) return null;
        if (this.jis) out.push(...ESC_ASCII);
        this.jis = false;
        out.push(cp);
        continue;
      }
      const p = t.get(cp);
      const v = p === undefined ? -1 : p - 0x1000000;
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
