/**
 * The multi-byte encodings of the WHATWG Encoding Standard (GBK, gb18030,
 * Big5, EUC-KR, EUC-JP, Shift_JIS, ISO-2022-JP), kept out of ./charset.ts so
 * that a browser bundle of the codec does not carry them: importing this
 * module installs them (`./charsets/all.ts` does, with the indexes; alone it
 * is the package export `xmime/charsets/multibyte`). Each index is
 * registered ({@link registerCharsetIndex}) or else read once from the host's
 * decoder and used only if its hash equals the standard's; otherwise the
 * charsets that need it are unavailable (no view; a document naming them is refused).
 *
 * @example
 * import 'xmime/charsets/multibyte';  // CJK views where the browser's decoders are exact
 * @module
 */
import { type CharsetEncoder, fromUnits, registerMultiByte, tableHash } from './charset.js';
import { GB18030_RANGES, INDEX_HASH, INDEX_SIZE } from './charsets/multi-byte.js';

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
export function fromHost(name: string, decoder?: { decode(b: Uint8Array): string }): Int32Array | null {
  const size = INDEX_SIZE[name], [enc, seq] = HOST[name];
  let s: string;
  try {
    const bytes: number[] = [];
    for (let p = 0; p < size; p++) bytes.push(...seq(p), 0x0a);
    s = (decoder ?? new TextDecoder(enc, { ignoreBOM: true })).decode(Uint8Array.from(bytes));
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
  return tableHash(a) === INDEX_HASH[name] ? a : null;
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

registerMultiByte({
  decode(name, b) {
    const needs = NEEDS[name];
    if (needs === undefined) return undefined;
    return needs.every((x) => index(x) !== null) ? decodeMulti(name, b) : null;
  },
  encoder(name) {
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
  },
});
