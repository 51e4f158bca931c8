/**
 * Content-Transfer-Encodings for readable text: quoted-printable and base64,
 * each as a strict decoder, a parameterised encoder, and a reader of the
 * parameters a body was written with. Callers keep a decoded view only when
 * `encode(decode(w), learn(w))` gives back `w` exactly.
 * @module
 */
import { type B64Params, MAX_BREAKS, QP_LINE, type QpParams } from '../xmime/text-form.js';

import { Output } from '../core/output.js';

const CR = 0x0d, LF = 0x0a, EQ = 0x3d, SP = 0x20, TAB = 0x09;
const CRLF = new Uint8Array([CR, LF]), LF_ONLY = new Uint8Array([LF]);


/** The value of a hexadecimal digit (either case), or -1. */
export function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** Index of the next line ending at or after `i` in `w` (the document's `eol`), or `w.length`. */
export function lineEnd(w: Uint8Array, i: number, crlf: boolean): number {
  for (;;) {
    const j = w.indexOf(LF, i);
    if (j < 0) return w.length;
    if (!crlf) return j;
    if (j > 0 && w[j - 1] === CR) return j - 1;
    i = j + 1;
  }
}

/**
 * Decodes quoted-printable. Hard line breaks (the document line ending) stay
 * as they are; "=" before a line ending is a soft break; "=" must otherwise
 * start an escape. Returns null for input that is not quoted-printable.
 */
export function qpDecode(w: Uint8Array, crlf: boolean, breaks: number[] | null = null): Uint8Array | null {
  const out = new Uint8Array(w.length);
  const el = crlf ? 2 : 1;
  let n = 0, i = 0;
  while (i <= w.length) {
    const e = lineEnd(w, i, crlf);
    let soft = false;
    for (let k = i; k < e; k++) {
      const c = w[k];
      if (c !== EQ) out[n++] = c;
      else if (k + 1 === e) soft = true;
      else {
        const h = hexVal(w[k + 1]), l = k + 2 < e ? hexVal(w[k + 2]) : -1;
        if (h < 0 || l < 0) return null;
        out[n++] = h * 16 + l;
        k += 2;
      }
    }
    if (e === w.length) {
      if (soft) return null; // a soft break needs a line after it
      break;
    }
    if (!soft) for (let k = e; k < e + el; k++) out[n++] = w[k];
    else if (breaks !== null) breaks.push(n);
    i = e + el;
  }
  if (breaks !== null) for (let k = breaks.length - 1; k > 0; k--) breaks[k] -= breaks[k - 1];
  return out.subarray(0, n);
}

const isHexLower = (c: number): boolean => c >= 0x61 && c <= 0x66;

/** What the escapes and line lengths of a quoted-printable body show about how it was written. */
type QpLearned = Omit<QpParams, 'word' | 'fill' | 'breaks'> & { softLine: number };

/** Per byte value, what {@link qpDecodeLearn} saw: encoded mid-line (1), encoded at a line start (2), literal mid-line (4). Reused; one call at a time. */
const seen = new Uint8Array(256);

/**
 * Decodes quoted-printable (as {@link qpDecode}) and, in the same pass,
 * learns the parameters it shows; null for input that is not
 * quoted-printable.
 */
export function qpDecodeLearn(w: Uint8Array, crlf: boolean): { d: Uint8Array; learned: QpLearned } | null {
  const len = w.length, el = crlf ? 2 : 1;
  const out = new Uint8Array(len);
  seen.fill(0);
  let n = 0, i = 0, line = 0, longest = 0, lower = false, rawTrailing = false, softSpace = false, any = false;
  // One loop over the bytes; lines are noticed at their LF (a bare LF in CRLF text is content, like a bare CR).
  for (let k = 0; k < len; k++) {
    const c = w[k];
    if (c !== EQ && c !== LF) {
      out[n++] = c;
      continue;
    }
    if (c === LF) {
      out[n++] = c;
      if (crlf && (k === 0 || w[k - 1] !== CR)) continue;
      const e = k + 1 - el; // the hard line [i, e)
      if (e - i > longest) longest = e - i;
      if (e > i && (w[e - 1] === SP || w[e - 1] === TAB)) rawTrailing = true;
      i = k + 1;
      continue;
    }
    if (lineEndAt(w, k + 1, crlf)) {
      // A soft break: "=" and the line ending go; it needs a line after it.
      if (k + 1 === len) return null;
      if (k + 1 - i > line) line = k + 1 - i;
      if (k + 1 - i > longest) longest = k + 1 - i;
      i = k += 1 + el;
      k--;
      continue;
    }
    const h = k + 2 < len ? hexVal(w[k + 1]) : -1, l = h < 0 ? -1 : hexVal(w[k + 2]);
    if (h < 0 || l < 0) return null;
    const v = h * 16 + l;
    out[n++] = v;
    if (isHexLower(w[k + 1]) || isHexLower(w[k + 2])) lower = true;
    // Trailing white space must be encoded anyway; elsewhere SP and TAB are optional.
    if (v === SP || v === TAB) {
      if (w[k + 3] === EQ && lineEndAt(w, k + 4, crlf)) softSpace = true;
      else if (!lineEndAt(w, k + 3, crlf)) (seen[v] |= k === i ? 2 : 1), (any = true);
    } else if (v > SP && v < 0x7f && v !== EQ) (seen[v] |= k === i ? 2 : 1), (any = true);
    k += 2;
  }
  if (len - i > longest) longest = len - i;
  if (len > i && (w[len - 1] === SP || w[len - 1] === TAB)) rawTrailing = true;
  let always = '', startRule = '';
  if (any) {
    // Literal mid-line (4) matters only for bytes seen encoded at line starts alone: looked for in a second pass, when there are any.
    let lineStartOnly = false;
    for (let c = 0; c < 256; c++) if (seen[c] === 2) lineStartOnly = true;
    if (lineStartOnly) markLiteral(w, crlf, seen);
    // Encoded mid-line: always. Encoded at line starts only, and literal elsewhere: a line-start rule.
    for (let c = 0; c < 256; c++) {
      const f = seen[c];
      if (f & 1 || (f & 2 && !(f & 4))) always += String.fromCharCode(c);
      else if (f & 2) startRule += String.fromCharCode(c);
    }
  }
  return { d: out.subarray(0, n), learned: { line: line > 0 ? line : Math.max(QP_LINE, longest), lower, always, start: startRule, rawTrailing, softSpace, softLine: line } };
}

/** A line ending (the document's) starts at `j` of `w`, or `w` ends there. */
function lineEndAt(w: Uint8Array, j: number, crlf: boolean): boolean {
  return j === w.length || (crlf ? w[j] === CR && w[j + 1] === LF : w[j] === LF);
}

/** Sets flag 4 in `seen` for each byte flagged 2 that occurs literally, not at a line start, in valid quoted-printable `w`. */
function markLiteral(w: Uint8Array, crlf: boolean, seen: Uint8Array): void {
  const el = crlf ? 2 : 1;
  for (let i = 0; i <= w.length; ) {
    const e = lineEnd(w, i, crlf);
    const stop = e > i && w[e - 1] === EQ ? e - 1 : e;
    for (let k = i; k < stop; k++) {
      const c = w[k];
      if (c === EQ) k += 2;
      else if (k > i && seen[c] === 2) seen[c] |= 4;
    }
    if (e === w.length) break;
    i = e + el;
  }
}

/**
 * The parameter sets a quoted-printable body may have been written with,
 * most likely first: what {@link qpDecodeLearn} learned, with the two
 * wrapping styles that cannot be told apart by looking, and last the
 * explicit list of the body's soft breaks.
 */
export function* qpCandidates(w: Uint8Array, crlf: boolean, learned: QpLearned): Generator<QpParams> {
  const { softLine, lower, always, start, rawTrailing, softSpace } = learned;
  const params = (line: number, word: boolean, fill: boolean, breaks: number[] | null): QpParams => ({ line, lower, always, start, rawTrailing, softSpace, word, fill, breaks });
  // Generated lazily: the caller stops at the first that fits, usually the first.
  yield params(learned.line, false, true, null);
  yield params(learned.line, false, false, null);
  // Word wrapping leaves lines short of the limit, so the longest line only bounds it from below.
  const lines = softLine > 0 ? [softLine, softLine + 1, softLine + 2, softLine + 3, QP_LINE, 78].filter((l, k, a) => l >= softLine && a.indexOf(l) === k) : [learned.line];
  for (const l of lines) for (const fill of [true, false]) yield params(l, true, fill, null);
  const breaks: number[] = [];
  qpDecode(w, crlf, breaks);
  if (breaks.length > 0 && breaks.length <= MAX_BREAKS) yield params(learned.line, false, true, breaks);
}

/**
 * The common layout (soft breaks after the last byte that fits, no explicit
 * list) in one pass per line, writing as it decides. Gives exactly what the
 * general layout loop of {@link qpEncode} gives for these parameters (a test
 * compares them).
 */
function qpGreedy(d: Uint8Array, p: QpParams, crlf: boolean, o: Output, enc: Uint8Array, start: Uint8Array, H: Uint8Array, expect: Uint8Array | null): boolean {
  const el = crlf ? 2 : 1;
  const line = p.line, fill = p.fill, rawTrailing = p.rawTrailing;
  // Up to this column any byte, even escaped, fits without a soft break (the last byte of a line aside).
  const roomy = line - 4;
  for (let i = 0; i <= d.length; ) {
    const e = lineEnd(d, i, crlf);
    const len = e - i;
    o.ensure(6 * len + el);
    const buf = o.buf;
    let n = o.n, col = 0;
    const last = len > 0 && !rawTrailing && (d[e - 1] === SP || d[e - 1] === TAB) ? e - 1 : -1;
    for (let k = i; k < e; ) {
      // The bulk of a line: no soft break can come before this byte, and it is not the last.
      while (col <= roomy && k < e - 1) {
        const c = d[k++];
        if (enc[c] === 1 || (col === 0 && start[c] === 1)) {
          buf[n++] = EQ;
          buf[n++] = H[c >> 4];
          buf[n++] = H[c & 15];
          col += 3;
        } else {
          buf[n++] = c;
          col++;
        }
      }
      if (k >= e) break;
      const c = d[k];
      const x = enc[c] === 1 || k === last || (col === 0 && start[c] === 1);
      const w = x ? 3 : 1;
      const limit = k === e - 1 && fill ? line : line - 1;
      if (col + w > limit && col > 0) {
        buf[n++] = EQ;
        if (crlf) buf[n++] = 0x0d;
        buf[n++] = 0x0a;
        col = 0;
      }
      if (x) {
        buf[n++] = EQ;
        buf[n++] = H[c >> 4];
        buf[n++] = H[c & 15];
      } else buf[n++] = c;
      col += w;
      k++;
    }
    if (crlf && e < d.length) buf[n++] = 0x0d;
    if (e < d.length) buf[n++] = 0x0a;
    const from = o.n;
    o.n = n;
    if (expect !== null && diverged(o, expect, from)) return false;
    if (e === d.length) break;
    i = e + el;
  }
  return true;
}

/** The bytes written since `from` differ from `expect` at the same offsets (or run past its end). */
function diverged(o: Output, expect: Uint8Array, from: number): boolean {
  const n = o.n, buf = o.buf;
  if (n > expect.length) return true;
  for (let k = from; k < n; k++) if (buf[k] !== expect[k]) return true;
  return false;
}

/**
 * Encodes bytes as quoted-printable: each line of `d` (split at the document
 * line ending) becomes one or more encoded lines no longer than `p.line`.
 */
/** Bytes quoted-printable must escape: controls other than TAB, `=`, and bytes from 0x7F. */
const QP_ENC = new Uint8Array(256);
for (let c = 0; c < 256; c++) QP_ENC[c] = (c < SP && c !== TAB) || c >= 0x7f || c === EQ ? 1 : 0;
const NO_START = new Uint8Array(256);
/** Byte tables with some characters marked, by (characters, base); a few per body are asked for again and again. */
const tables = new Map<string, Uint8Array>();
function table(chars: string, base: Uint8Array): Uint8Array {
  const key = (base === QP_ENC ? 'e' : 's') + chars;
  let t = tables.get(key);
  if (t === undefined) {
    t = base.slice();
    for (let k = 0; k < chars.length; k++) t[chars.charCodeAt(k)] = 1;
    if (tables.size > 256) tables.clear(); // bounded: the marked characters come from the input
    tables.set(key, t);
  }
  return t;
}
const HEX_UPPER = new Uint8Array(Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0)));
const HEX_LOWER = new Uint8Array(Array.from('0123456789abcdef', (c) => c.charCodeAt(0)));

/** Per-byte escape decisions of the line being laid out (grown as needed; one encoding at a time). */
let escScratch = new Uint8Array(256);

/**
 * Quoted-printable of `d` with the parameters `p`. Writes into `out` when
 * given (its buffer is reused: the result is a view valid until the next
 * write), else into a new buffer.
 */
export function qpEncode(d: Uint8Array, p: QpParams, crlf: boolean, out?: Output, /** @internal test hook */ general = false): Uint8Array {
  const o = out ?? new Output(null, Math.max(16, d.length + (d.length >> 1)));
  qpLayout(d, p, crlf, o, general, null);
  return o.buf.subarray(0, o.n);
}

/**
 * Whether quoted-printable of `d` with the parameters `p` is exactly `w`.
 * Compared line by line as it is written (into `out`), so a parameter set
 * that does not fit stops at its first differing line.
 */
export function qpFits(d: Uint8Array, p: QpParams, crlf: boolean, w: Uint8Array, out: Output): boolean {
  return qpLayout(d, p, crlf, out, false, w) && out.n === w.length;
}

/** Writes quoted-printable of `d` into `o`; with `expect`, stops (false) once the output differs from it. */
function qpLayout(d: Uint8Array, p: QpParams, crlf: boolean, o: Output, general: boolean, expect: Uint8Array | null): boolean {
  const H = p.lower ? HEX_LOWER : HEX_UPPER;
  const enc = p.always === '' ? QP_ENC : table(p.always, QP_ENC);
  const start = p.start === '' ? NO_START : table(p.start, NO_START);
  o.n = 0;
  const el = crlf ? 2 : 1;
  const eol = crlf ? CRLF : LF_ONLY;
  let esc = escScratch;
  // Explicit breaks as offsets into d, and the next one due.
  let abs: number[] | null = null, bi = 0;
  if (p.breaks !== null) {
    abs = [];
    let at = 0;
    for (const b of p.breaks) abs.push((at += b));
  }
  if (abs === null && !p.word && !general) return qpGreedy(d, p, crlf, o, enc, start, H, expect);
  /** Writes bytes [a, b) of the line at `i`, escaped as decided. */
  const emit = (i: number, a: number, b: number): void => {
    o.ensure(3 * (b - a));
    const buf = o.buf;
    for (let k = a; k < b; k++) {
      const c = d[i + k];
      if (esc[k]) {
        buf[o.n++] = EQ;
        buf[o.n++] = H[c >> 4];
        buf[o.n++] = H[c & 15];
      } else buf[o.n++] = c;
    }
  };
  const soft = (): void => {
    o.byte(EQ);
    o.bytes(eol);
  };
  for (let i = 0; i <= d.length; ) {
    const e = lineEnd(d, i, crlf);
    const len = e - i, lineAt = o.n;
    if (esc.length < len) esc = escScratch = new Uint8Array(2 * len);
    // Decide each byte's escape, then lay the line out.
    for (let k = 0; k < len; k++) {
      const c = d[i + k];
      esc[k] = enc[c];
    }
    const lastC = d[e - 1];
    if (len > 0 && !p.rawTrailing && (lastC === SP || lastC === TAB)) esc[len - 1] = 1;
    let from = 0, col = 0, space = -1; // the physical line holds [from, k) and is col wide
    if (abs !== null) {
      // Explicit layout: a soft break wherever the list says, in this line or at its end.
      let q = bi;
      while (q < abs.length && abs[q] < e) q++;
      if (len > 0 && !p.rawTrailing && abs[q] === e) esc[len - 1] = enc[d[e - 1]];
      for (let k = 0; k <= len; k++) {
        while (bi < abs.length && abs[bi] === i + k) {
          if (p.softSpace && k > from && (d[i + k - 1] === SP || d[i + k - 1] === TAB)) esc[k - 1] = 1;
          emit(i, from, k);
          soft();
          from = k;
          bi++;
          col = 0;
        }
        if (k < len && col++ === 0 && start[d[i + k]]) esc[k] = 1;
      }
      emit(i, from, len);
      if (e < d.length) o.bytes(eol);
      if (expect !== null && diverged(o, expect, lineAt)) return false;
      if (e === d.length) break;
      i = e + el;
      continue;
    }
    for (let k = 0; k < len; k++) {
      if (col === 0 && start[d[i + k]]) esc[k] = 1;
      const w = esc[k] ? 3 : 1;
      const limit = k === len - 1 && p.fill ? p.line : p.line - 1;
      if (col + w > limit && col > 0) {
        const cut = p.word && space >= from ? space + 1 : k;
        emit(i, from, cut);
        soft();
        from = cut;
        col = 0;
        for (let j = from; j < k; j++) col += esc[j] ? 3 : 1;
        if (col + w > limit && col > 0) {
          emit(i, from, k);
          soft();
          from = k;
          col = 0;
        }
        space = -1;
      }
      if (!esc[k] && (d[i + k] === SP || d[i + k] === TAB)) space = k;
      col += w;
    }
    emit(i, from, len);
    if (e < d.length) o.bytes(eol);
    if (expect !== null && diverged(o, expect, lineAt)) return false;
    if (e === d.length) break;
    i = e + el;
  }
  // Every listed break must have found its place (only a decoder can be handed a bad list).
  if (abs !== null && bi < abs.length) throw new RangeError('a soft break offset is not inside a line');
  return true;
}

/** The base64 alphabet, and each byte's value in it (-1 outside). */
export const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VAL = new Int8Array(256).fill(-1);
for (let k = 0; k < 64; k++) B64_VAL[B64.charCodeAt(k)] = k;

/** A base64 body's layout. */
/** Strict base64 text (no white space); missing padding is accepted (it is unambiguous), anything else wrong is not. */
export function b64DecodeString(s: string): Uint8Array | null {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  if (end < s.length && (s.length % 4 !== 0 || s.length - end > 2)) return null;
  if (end % 4 === 1) return null;
  const out = new Uint8Array((end * 3) >> 2);
  let acc = 0, bits = 0, n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 256 ? B64_VAL[c] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/**
 * Decodes base64 laid out in lines of equal length (a multiple of 4, the
 * last line shorter), each ended by the document line ending except perhaps
 * the last. Anything else gives null.
 */
export function b64Decode(w: Uint8Array, crlf: boolean): { d: Uint8Array; p: B64Params } | null {
  const el = crlf ? 2 : 1;
  // Empty lines at the end are layout, not data.
  let blank = 0;
  const endsBlank = (): boolean =>
    crlf ? w.length >= 4 && w[w.length - 4] === CR && w[w.length - 3] === LF && w[w.length - 2] === CR && w[w.length - 1] === LF : w.length >= 2 && w[w.length - 2] === LF && w[w.length - 1] === LF;
  while (endsBlank()) {
    w = w.subarray(0, w.length - el);
    blank++;
  }
  const first = lineEnd(w, 0, crlf);
  const line = first;
  if (line === 0 || line % 4 !== 0) return null;
  const out = new Uint8Array(Math.ceil((w.length * 3) / 4));
  let n = 0, i = 0, end = false, pad = false;
  while (i < w.length) {
    const e = lineEnd(w, i, crlf);
    const len = e - i;
    if (len === 0 || len > line || len % 4 !== 0 || pad) return null;
    if (len < line && e + el < w.length) return null; // only the last line may be short
    for (let k = i; k < e; k += 4) {
      const a = B64_VAL[w[k]], b = B64_VAL[w[k + 1]];
      let c = B64_VAL[w[k + 2]], f = B64_VAL[w[k + 3]];
      if (a < 0 || b < 0) return null;
      if (w[k + 3] === EQ && k + 4 === e) {
        pad = true;
        if (w[k + 2] === EQ) c = 0;
        else if (c < 0) return null;
        f = 0;
      } else if (c < 0 || f < 0) return null;
      const v = (a << 18) | (b << 12) | (c << 6) | f;
      out[n++] = v >> 16;
      if (!(pad && w[k + 2] === EQ)) out[n++] = (v >> 8) & 0xff;
      if (!pad) out[n++] = v & 0xff;
    }
    end = e < w.length;
    if (e < w.length && (w[e] !== (crlf ? CR : LF) || (crlf && w[e + 1] !== LF))) return null;
    i = e + el;
  }
  return { d: out.subarray(0, n), p: { line, end, blank } };
}

/** Encodes bytes as base64 in lines of `p.line` characters (a multiple of 4). */
export function b64Encode(d: Uint8Array, p: B64Params, crlf: boolean): Uint8Array {
  const chars = 4 * Math.ceil(d.length / 3);
  const lines = Math.ceil(chars / p.line);
  const el = crlf ? 2 : 1;
  const out = new Uint8Array(chars + (Math.max(0, lines - (p.end ? 0 : 1)) + p.blank) * el);
  let n = 0, col = 0;
  const put = (c: number): void => {
    if (col === p.line) {
      if (crlf) out[n++] = CR;
      out[n++] = LF;
      col = 0;
    }
    out[n++] = c;
    col++;
  };
  for (let i = 0; i < d.length; i += 3) {
    const v = (d[i] << 16) | ((d[i + 1] ?? 0) << 8) | (d[i + 2] ?? 0);
    put(B64.charCodeAt(v >> 18));
    put(B64.charCodeAt((v >> 12) & 63));
    put(i + 1 < d.length ? B64.charCodeAt((v >> 6) & 63) : EQ);
    put(i + 2 < d.length ? B64.charCodeAt(v & 63) : EQ);
  }
  for (let k = p.end && n > 0 ? -1 : 0; k < p.blank; k++) {
    if (crlf) out[n++] = CR;
    out[n++] = LF;
  }
  return out.subarray(0, n);
}

/** Base64 as mail readers take it: characters outside the alphabet skipped, stop at "=". */
export function b64DecodeLenient(w: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0, bits = 0;
  for (const c of w) {
    if (c === 0x3d) break;
    const v = B64_VAL[c];
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 255);
    }
  }
  return Uint8Array.from(out);
}

/** Quoted-printable as mail readers take it: soft breaks removed, "=XX" decoded, anything else kept. */
export function qpDecodeLenient(w: Uint8Array): Uint8Array {
  const out: number[] = [];
  const hex = hexVal;
  for (let i = 0; i < w.length; i++) {
    const c = w[i];
    if (c !== 0x3d) {
      out.push(c);
      continue;
    }
    if (w[i + 1] === 0x0d && w[i + 2] === 0x0a) i += 2;
    else if (w[i + 1] === 0x0a) i += 1;
    else if (hex(w[i + 1]) >= 0 && hex(w[i + 2]) >= 0) {
      out.push(hex(w[i + 1]) * 16 + hex(w[i + 2]));
      i += 2;
    } else out.push(c);
  }
  return Uint8Array.from(out);
}
