/**
 * The reference decoder's `<text>` encoders (spec §7.4.3-§7.4.5), written from
 * the spec alone: charset tables inverted from the WHATWG index files in
 * scripts/whatwg/ (the standard's data, not src's generated tables), UTF-7,
 * ISO-2022-JP, and the quoted-printable and base64 layouts. Shares no code
 * with src/. Throws {@link ReferenceError} where the spec says "cannot be encoded".
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export class ReferenceError extends Error {}

const WHATWG = join(dirname(fileURLToPath(import.meta.url)), '../../scripts/whatwg');
const readGz = (f: string) => gunzipSync(readFileSync(join(WHATWG, f))).toString('utf8');

/** pointer → code point of an index file. */
function index(name: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const line of readGz(`index-${name}.txt.gz`).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (line.startsWith('#') || f.length < 2) continue;
    m.set(Number(f[0]), Number(f[1]));
  }
  return m;
}

const UTF7_LABELS = ['utf-7', 'unicode-1-1-utf-7', 'unicode-2-0-utf-7', 'x-unicode-2-0-utf-7', 'csunicode11utf7'];
let labels: Map<string, string> | null = null;

/** The encoding a label names (§7.4.3: "get an encoding", plus UTF-7), or null. */
export function resolveLabel(label: string): string | null {
  if (labels === null) {
    labels = new Map();
    for (const group of JSON.parse(readGz('encodings.json.gz')) as { encodings: { name: string; labels: string[] }[] }[])
      for (const e of group.encodings) for (const l of e.labels) labels.set(l, e.name);
    for (const l of UTF7_LABELS) labels.set(l, 'UTF-7');
  }
  const name = labels.get(label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase()));
  return name === undefined || name === 'replacement' || name === 'x-user-defined' ? null : name;
}

/** Byte sequences to try per encoding (§7.4.3's table), each with its decoded code point or null. */
function* sequences(enc: string): Generator<[number[], number | null]> {
  const ascii = (b: number) => (b < 0x80 ? b : null);
  const range = (a: number, z: number) => Array.from({ length: z - a + 1 }, (_, i) => a + i);
  switch (enc) {
    case 'GBK':
    case 'gb18030': {
      const ix = index('gb18030');
      for (const b of range(0, 255)) yield [[b], b === 0x80 ? 0x20ac : ascii(b)];
      for (const l of range(0x81, 0xfe)) for (const t of [...range(0x40, 0x7e), ...range(0x80, 0xfe)]) yield [[l, t], ix.get((l - 0x81) * 190 + t - (t < 0x7f ? 0x40 : 0x41)) ?? null];
      return;
    }
    case 'Big5': {
      const ix = index('big5');
      for (const b of range(0, 255)) yield [[b], ascii(b)];
      // Pointers 1133, 1135, 1164, 1166 decode to two code points: not "exactly one".
      for (const l of range(0x81, 0xfe))
        for (const t of [...range(0x40, 0x7e), ...range(0xa1, 0xfe)]) {
          const p = (l - 0x81) * 157 + t - (t < 0x7f ? 0x40 : 0x62);
          yield [[l, t], [1133, 1135, 1164, 1166].includes(p) ? null : (ix.get(p) ?? null)];
        }
      return;
    }
    case 'EUC-KR': {
      const ix = index('euc-kr');
      for (const b of range(0, 255)) yield [[b], ascii(b)];
      for (const l of range(0x81, 0xfe)) for (const t of range(0x41, 0xfe)) yield [[l, t], ix.get((l - 0x81) * 190 + t - 0x41) ?? null];
      return;
    }
    case 'Shift_JIS': {
      const ix = index('jis0208');
      for (const b of range(0, 255)) yield [[b], b <= 0x80 ? b : b >= 0xa1 && b <= 0xdf ? 0xff61 - 0xa1 + b : null];
      for (const l of [...range(0x81, 0x9f), ...range(0xe0, 0xfc)])
        for (const t of [...range(0x40, 0x7e), ...range(0x80, 0xfc)]) {
          const p = (l - (l < 0xa0 ? 0x81 : 0xc1)) * 188 + t - (t < 0x7f ? 0x40 : 0x41);
          yield [[l, t], p >= 8836 && p <= 10715 ? 0xe000 - 8836 + p : (ix.get(p) ?? null)];
        }
      return;
    }
    case 'EUC-JP': {
      const j208 = index('jis0208'), j212 = index('jis0212');
      for (const b of range(0, 255)) yield [[b], ascii(b)];
      for (const l of range(0xa1, 0xfe)) for (const t of range(0xa1, 0xfe)) yield [[l, t], j208.get((l - 0xa1) * 94 + t - 0xa1) ?? null];
      for (const t of range(0xa1, 0xdf)) yield [[0x8e, t], 0xff61 - 0xa1 + t];
      for (const l of range(0xa1, 0xfe)) for (const t of range(0xa1, 0xfe)) yield [[0x8f, l, t], j212.get((l - 0xa1) * 94 + t - 0xa1) ?? null];
      return;
    }
    default: {
      // A single-byte encoding (ISO-8859-8-I shares ISO-8859-8's index).
      const ix = index(enc === 'ISO-8859-8-I' ? 'iso-8859-8' : enc.toLowerCase());
      for (const b of range(0, 255)) yield [[b], b < 0x80 ? b : (ix.get(b - 0x80) ?? null)];
    }
  }
}

const tables = new Map<string, Map<number, number[]>>();
/** code point → bytes: the decoder inverted, shortest then numerically lowest sequence first (§7.4.3). */
function table(enc: string): Map<number, number[]> {
  let t = tables.get(enc);
  if (t === undefined) {
    t = new Map();
    // sequences() yields shorter before longer and each length in ascending order, except EUC-JP's
    // 8E xx (two bytes) after A1..FE pairs, which is still ascending only if compared: sort to be sure.
    const all = [...sequences(enc)].filter(([, cp]) => cp !== null);
    all.sort(([a], [b]) => a.length - b.length || a.reduce((d, x, i) => d || x - b[i], 0));
    for (const [seq, cp] of all) if (!t.has(cp!)) t.set(cp!, seq);
    tables.set(enc, t);
  }
  return t;
}

function utf8(s: string, out: number[]): void {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) throw new ReferenceError('unpaired surrogate');
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
}

export function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  utf8(s, out);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** RFC 4648 base64 with `=` padding (`pad` false: RFC 2152's modified base64, zero bits completing). */
export function base64(b: number[], pad = true): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const k = Math.min(3, b.length - i) + 1; // characters that carry data
    for (let j = 0; j < 4; j++) s += j < k ? B64[(n >> (18 - 6 * j)) & 63] : pad ? '=' : '';
  }
  return s;
}

const SET_D = /[A-Za-z0-9'(),\-./:? \t\r\n]/;
const SET_O = /[!"#$%&*;<=>@[\]^_{|}`]/;

/** *T* → *D* in the named encoding (§7.4.3). */
export function encodeCharset(t: string, enc: string, utf7Direct: boolean): number[] {
  const out: number[] = [];
  if (enc === 'UTF-8') utf8(t, out);
  else if (enc === 'UTF-16LE' || enc === 'UTF-16BE') {
    for (let i = 0; i < t.length; i++) {
      const u = t.charCodeAt(i);
      if (enc === 'UTF-16LE') out.push(u & 0xff, u >> 8);
      else out.push(u >> 8, u & 0xff);
    }
  } else if (enc === 'UTF-7') {
    let run: number[] = [];
    const flush = () => {
      if (run.length === 0) return;
      for (const c of '+' + base64(run, false) + '-') out.push(c.charCodeAt(0));
      run = [];
    };
    for (let i = 0; i < t.length; i++) {
      const ch = t[i];
      if (SET_D.test(ch) || (utf7Direct && SET_O.test(ch))) {
        flush();
        out.push(ch.charCodeAt(0));
      } else if (ch === '+') {
        flush();
        out.push(0x2b, 0x2d);
      } else run.push(t.charCodeAt(i) >> 8, t.charCodeAt(i) & 0xff);
    }
    flush();
  } else if (enc === 'ISO-2022-JP') {
    const eucjp = table('EUC-JP');
    let jis = false;
    for (const ch of t) {
      const cp = ch.codePointAt(0)!;
      const seq = eucjp.get(cp);
      if (cp < 0x80 && cp !== 0x1b && cp !== 0x0e && cp !== 0x0f) {
        if (jis) out.push(0x1b, 0x28, 0x42);
        jis = false;
        out.push(cp);
      } else if (seq !== undefined && seq.length === 2 && seq[0] >= 0xa1) {
        if (!jis) out.push(0x1b, 0x24, 0x42);
        jis = true;
        out.push(seq[0] - 0x80, seq[1] - 0x80);
      } else throw new ReferenceError(`U+${cp.toString(16)} cannot be encoded in ISO-2022-JP`);
    }
    if (jis) out.push(0x1b, 0x28, 0x42);
  } else {
    const tb = table(enc);
    for (const ch of t) {
      const seq = tb.get(ch.codePointAt(0)!);
      if (seq === undefined) throw new ReferenceError(`U+${ch.codePointAt(0)!.toString(16)} cannot be encoded in ${enc}`);
      out.push(...seq);
    }
  }
  return out;
}

export interface QpOptions {
  line: number;
  lower: boolean;
  always: Set<number>;
  start: Set<number>;
  rawTrailing: boolean;
  softSpace: boolean;
  word: boolean;
  fill: boolean;
  breaks: number[] | null;
}

/** *D* → quoted-printable (§7.4.4), lines of *D* split at the document line ending `eol`. */
export function quotedPrintable(d: number[], o: QpOptions, eol: number[]): number[] {
  const lines: number[][] = [];
  for (let i = 0, from = 0; ; i++) {
    const atEol = eol.every((b, j) => d[i + j] === b);
    if (i >= d.length || atEol) {
      lines.push(d.slice(from, Math.min(i, d.length)));
      if (i >= d.length) break;
      i += eol.length - 1;
      from = i + 1;
    }
  }
  let offsets: number[] = [];
  if (o.breaks !== null) {
    let sum = 0;
    offsets = o.breaks.map((n) => {
      if (!Number.isInteger(n) || n < 0) throw new ReferenceError('bad breaks');
      return (sum += n);
    });
  }
  const out: number[] = [];
  const hex = o.lower ? '0123456789abcdef' : '0123456789ABCDEF';
  const soft = () => out.push(0x3d, ...eol);
  let p = 0;
  let used = 0; // offsets placed so far
  lines.forEach((x, li) => {
    const n = x.length;
    const softAfter = (k: number) => offsets.includes(p + k);
    const esc = x.map(
      (b, k) => b < 0x09 || (b > 0x09 && b < 0x20) || b >= 0x7f || b === 0x3d || o.always.has(b) || (k === n - 1 && (b === 0x20 || b === 0x09) && !o.rawTrailing && !(o.breaks !== null && softAfter(n))),
    );
    const put = (a: number, z: number) => {
      for (let k = a; k < z; k++) {
        if (esc[k]) out.push(0x3d, hex.charCodeAt(x[k] >> 4), hex.charCodeAt(x[k] & 15));
        else out.push(x[k]);
      }
    };
    const width = (a: number, z: number) => {
      let w = 0;
      for (let k = a; k < z; k++) w += esc[k] ? 3 : 1;
      return w;
    };
    let from = 0;
    if (o.breaks === null) {
      let col = 0, space = -1;
      for (let k = 0; k < n; k++) {
        if (k === 0 && o.start.has(x[0])) esc[0] = true;
        const cw = esc[k] ? 3 : 1;
        const limit = k === n - 1 && o.fill ? o.line : o.line - 1;
        if (col > 0 && col + cw > limit) {
          const cut = o.word && space >= 0 ? space + 1 : k;
          put(from, cut);
          soft();
          from = cut;
          col = width(from, k);
          if (col > 0 && col + cw > limit) {
            put(from, k);
            soft();
            from = k;
            col = 0;
          }
          space = -1;
        }
        if ((x[k] === 0x20 || x[k] === 0x09) && !esc[k]) space = k;
        col += cw;
      }
    } else {
      let col = 0;
      for (let k = 0; k <= n; k++) {
        for (const off of offsets)
          if (off === p + k) {
            if (o.softSpace && k > from && (x[k - 1] === 0x20 || x[k - 1] === 0x09)) esc[k - 1] = true;
            put(from, k);
            soft();
            from = k;
            col = 0;
            used++;
          }
        if (k < n) {
          if (col === 0 && o.start.has(x[k])) esc[k] = true;
          col++;
        }
      }
    }
    put(from, n);
    if (li < lines.length - 1) out.push(...eol);
    p += n + eol.length;
  });
  if (used !== offsets.length) throw new ReferenceError('a soft line break inside a line ending or past the end');
  return out;
}

/** *D* → base64 in lines (§7.4.5). */
export function base64Lines(d: number[], line: number, end: boolean, blank: number, eol: number[]): number[] {
  if (!(line > 0 && line % 4 === 0) || !(blank >= 0)) throw new ReferenceError('bad base64 layout');
  const s = base64(d);
  const out: number[] = [];
  for (let i = 0; i < s.length; i += line) {
    if (i > 0) out.push(...eol);
    for (const c of s.slice(i, i + line)) out.push(c.charCodeAt(0));
  }
  if (end && d.length > 0) out.push(...eol);
  for (let i = 0; i < blank; i++) out.push(...eol);
  return out;
}
