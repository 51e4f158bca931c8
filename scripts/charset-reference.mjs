// A reference for xmime's charsets, read straight from the WHATWG Encoding
// Standard's index files (scripts/whatwg/) and written apart from
// src/views/charset.ts: every byte sequence that §7.4.3 lists, with what the
// standard's decoder makes of it, and the §7.4.3 encoder table (shortest,
// then numerically lowest, sequence of each code point). Used by
// scripts/gen-charset-fixtures.mjs and test/conformance/charset-torture.test.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'whatwg');

export const readWhatwg = (f) => gunzipSync(readFileSync(join(DIR, `${f}.gz`))).toString('utf8');

const indexCache = new Map();
/** pointer → code point of index-`name`.txt. */
export function index(name) {
  let m = indexCache.get(name);
  if (m === undefined) {
    m = new Map();
    for (const line of readWhatwg(`index-${name}.txt`).split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const [p, cp] = line.trim().split(/\s+/);
      m.set(Number(p), Number(cp));
    }
    indexCache.set(name, m);
  }
  return m;
}

const groups = JSON.parse(readWhatwg('encodings.json'));
/** The single-byte encodings' names (lower case). */
export const SINGLE = groups.find((g) => g.heading === 'Legacy single-byte encodings').encodings.map((e) => e.name.toLowerCase());
/** The multi-byte encodings with a table in §7.4.3. */
export const MULTI = ['gbk', 'gb18030', 'big5', 'euc-jp', 'shift_jis', 'euc-kr'];

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/**
 * Every sequence §7.4.3 lists for `name`, in order of length and then value,
 * as [bytes, code points or null (the decoder reports an error)].
 */
export function sequences(name) {
  const out = [];
  if (SINGLE.includes(name)) {
    const ix = index(name.replace(/-i$/, ''));
    for (const b of range(0, 255)) {
      const cp = b < 0x80 ? b : ix.get(b - 0x80);
      out.push([[b], cp === undefined ? null : [cp]]);
    }
    return out;
  }
  const one = (b, cp) => out.push([[b], cp === undefined || cp === null ? null : [cp]]);
  if (name === 'gbk' || name === 'gb18030') {
    const ix = index('gb18030');
    for (const b of range(0, 255)) one(b, b < 0x80 ? b : b === 0x80 ? 0x20ac : null);
    for (const l of range(0x81, 0xfe))
      for (const t of [...range(0x40, 0x7e), ...range(0x80, 0xfe)]) {
        const cp = ix.get((l - 0x81) * 190 + t - (t < 0x7f ? 0x40 : 0x41));
        out.push([[l, t], cp === undefined ? null : [cp]]);
      }
  } else if (name === 'big5') {
    const ix = index('big5');
    const pairs = { 1133: [0xca, 0x304], 1135: [0xca, 0x30c], 1164: [0xea, 0x304], 1166: [0xea, 0x30c] };
    for (const b of range(0, 255)) one(b, b < 0x80 ? b : null);
    for (const l of range(0x81, 0xfe))
      for (const t of [...range(0x40, 0x7e), ...range(0xa1, 0xfe)]) {
        const p = (l - 0x81) * 157 + t - (t < 0x7f ? 0x40 : 0x62);
        const cp = ix.get(p);
        out.push([[l, t], pairs[p] ?? (cp === undefined ? null : [cp])]);
      }
  } else if (name === 'euc-kr') {
    const ix = index('euc-kr');
    for (const b of range(0, 255)) one(b, b < 0x80 ? b : null);
    for (const l of range(0x81, 0xfe))
      for (const t of range(0x41, 0xfe)) {
        const cp = ix.get((l - 0x81) * 190 + t - 0x41);
        out.push([[l, t], cp === undefined ? null : [cp]]);
      }
  } else if (name === 'shift_jis') {
    const ix = index('jis0208');
    for (const b of range(0, 255)) one(b, b <= 0x80 ? b : b >= 0xa1 && b <= 0xdf ? 0xff61 + b - 0xa1 : null);
    for (const l of [...range(0x81, 0x9f), ...range(0xe0, 0xfc)])
      for (const t of [...range(0x40, 0x7e), ...range(0x80, 0xfc)]) {
        const p = (l - (l < 0xa0 ? 0x81 : 0xc1)) * 188 + t - (t < 0x7f ? 0x40 : 0x41);
        const cp = p >= 8836 && p <= 10715 ? 0xe000 + p - 8836 : ix.get(p);
        out.push([[l, t], cp === undefined ? null : [cp]]);
      }
  } else if (name === 'euc-jp') {
    const j8 = index('jis0208'), j12 = index('jis0212');
    for (const b of range(0, 255)) one(b, b < 0x80 ? b : null);
    // Two bytes in value order: 8E xx sorts before A1 xx.
    for (const t of range(0xa1, 0xdf)) out.push([[0x8e, t], [0xff61 + t - 0xa1]]);
    for (const l of range(0xa1, 0xfe))
      for (const t of range(0xa1, 0xfe)) {
        const cp = j8.get((l - 0xa1) * 94 + t - 0xa1);
        out.push([[l, t], cp === undefined ? null : [cp]]);
      }
    for (const l of range(0xa1, 0xfe))
      for (const t of range(0xa1, 0xfe)) {
        const cp = j12.get((l - 0xa1) * 94 + t - 0xa1);
        out.push([[0x8f, l, t], cp === undefined ? null : [cp]]);
      }
  } else throw new Error(`no sequences for ${name}`);
  return out;
}

/** The §7.4.3 table: code point → its shortest, then lowest, sequence. */
export function lowest(name) {
  const t = new Map();
  for (const [bytes, cps] of sequences(name)) if (cps !== null && cps.length === 1 && !t.has(cps[0])) t.set(cps[0], bytes);
  return t;
}

/** The reference encoding of a string (§7.4.3 table), or null if a character has none. */
export function encodeRef(name, s) {
  const t = lowest(name), out = [];
  for (const ch of s) {
    const b = t.get(ch.codePointAt(0));
    if (b === undefined) return null;
    out.push(...b);
  }
  return Uint8Array.from(out);
}

/**
 * Reference decoding of a whole byte string, by the listed sequences (valid
 * sequences of these encodings are never prefixes of one another); null on
 * an error. Not for ISO-2022-JP or gb18030's four-byte sequences.
 */
export function decodeRef(name, bytes) {
  const m = new Map();
  for (const [b, cps] of sequences(name)) if (cps !== null) m.set(b.join(','), cps);
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    let hit = null;
    for (let n = 1; n <= 3 && hit === null && i + n <= bytes.length; n++) {
      const cps = m.get(Array.from(bytes.subarray(i, i + n)).join(','));
      if (cps !== undefined) hit = [n, cps];
    }
    if (hit === null) return null;
    s += String.fromCodePoint(...hit[1]);
    i += hit[0];
  }
  return s;
}
