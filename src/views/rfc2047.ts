/**
 * Charset decoding and RFC 2047 encoded words, for the header views.
 * Platform-neutral: charsets go through `TextDecoder` (the WHATWG encodings,
 * available in Node ≥ 20 and browsers); nothing is guessed.
 * @module
 */
import { decodeLabel } from './charset.js';
import { concat } from '../core/bytes.js';
import { B64, b64DecodeString, hexVal } from './transfer.js';

/** Decodes `bytes` in the charset `label` (see {@link decodeLabel}). */

/** `%XX` / `=XX` value at `s[i+1..i+2]`, or -1. */
export function hexPair(s: string, i: number): number {
  if (i + 2 >= s.length) return -1;
  const h = hexVal(s.charCodeAt(i + 1)), l = hexVal(s.charCodeAt(i + 2));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

function qDecode(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) out[n++] = 0x20; // '_' is a space (RFC 2047 §4.2)
    else if (c === 0x3d) {
      const v = hexPair(s, i);
      if (v < 0) return null;
      out[n++] = v;
      i += 2;
    } else if (c > 0x20 && c < 0x7f) out[n++] = c;
    else return null;
  }
  return out.subarray(0, n);
}


/** An encoded word anywhere (liberal: real mail glues them to text and to each other). */
const EW = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
/** The same, anchored (for tokenizers that meet `=?` inside an atom). */
export const EW_AT = /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/y;

/**
 * Decodes the RFC 2047 encoded words in unfolded text. White space between two
 * encoded words is dropped (§6.2). Each word decodes on its own; only when
 * one of a run of adjacent same-charset words does not is the run decoded
 * from its joined bytes, which recovers a character split across words (seen
 * in the wild) without breaking stateful charsets like ISO-2022-JP.
 * `null` when a word does not decode: unknown charset, bad base64 or Q, or
 * bytes invalid in the charset.
 *
 * @example
 * decodeWords('=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?= c'); // 'ab c'
 */
export function decodeWords(s: string): string | null {
  if (!s.includes('=?')) return s;
  let out = '', last = 0, cs = '';
  let run: Uint8Array[] = [];
  const flush = (): boolean => {
    if (run.length === 0) return true;
    const each = run.map((w) => decodeLabel(cs, w));
    const text = each.includes(null) ? decodeLabel(cs, concat(run)) : each.join('');
    run = [];
    if (text === null) return false;
    out += text;
    return true;
  };
  for (const m of s.matchAll(EW)) {
    const gap = s.slice(last, m.index);
    const star = m[1].indexOf('*'); // RFC 2231 §5 language suffix: =?utf-8*en?q?…?=
    const charset = (star < 0 ? m[1] : m[1].slice(0, star)).replace(/[A-Z]+/g, (c) => c.toLowerCase()); // ASCII only: U+212A is no "k" (§7.6.2)
    const bytes = m[2] === 'q' || m[2] === 'Q' ? qDecode(m[3]) : b64DecodeString(m[3]);
    if (bytes === null) return null;
    const adjacent = run.length > 0 && /^[ \t]*$/.test(gap);
    if (!adjacent || charset !== cs) {
      if (!flush()) return null;
      if (!adjacent) out += gap;
      cs = charset;
    }
    run.push(bytes);
    last = m.index + m[0].length;
  }
  if (!flush()) return null;
  return out + s.slice(last);
}

// ---- Encoding (always UTF-8) ----

const UTF8 = new TextEncoder();
/** "=?UTF-8?Q?" + "?=" */
const EW_OVERHEAD = 12;

/** Q-safe bytes: the phrase-safe set of RFC 2047 §5(3), so one encoder serves text and display names. */
function qSafe(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a) || b === 0x21 || b === 0x2a || b === 0x2b || b === 0x2d || b === 0x2f;
}

function qLen(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) n += qSafe(b) || b === 0x20 ? 1 : 3;
  return n;
}

const bLen = (n: number): number => 4 * Math.ceil(n / 3);

function qEncode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x20) s += '_';
    else if (qSafe(b)) s += String.fromCharCode(b);
    else s += '=' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
  }
  return s;
}

function bEncode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[n >> 18] + B64[(n >> 12) & 63];
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    s += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return s;
}

/**
 * Cuts text into UTF-8 encoded words, one at a time, so a folder can size
 * each word to the room left on its line. Q is used when the Q form of the
 * whole text is not longer than its B form, else B (one choice per text).
 * Words hold whole characters only, so no UTF-8 sequence is ever split.
 *
 * @example
 * const w = new WordEncoder('Schönheit');
 * w.next(75); // '=?UTF-8?Q?Sch=C3=B6nheit?='
 * w.done;     // true
 */
class WordEncoder {
  private readonly bytes: Uint8Array;
  private readonly b: boolean;
  private k = 0;

  constructor(text: string) {
    this.bytes = UTF8.encode(text);
    this.b = bLen(this.bytes.length) < qLen(this.bytes);
  }

  get done(): boolean {
    return this.k >= this.bytes.length;
  }

  /** The next word, at most `limit` characters long; `null` if not even one character fits (unless `force`). */
  next(limit: number, force = false): string | null {
    const bytes = this.bytes, max = limit - EW_OVERHEAD, start = this.k;
    let end = start, len = 0;
    while (end < bytes.length) {
      const lead = bytes[end];
      const n = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4; // whole UTF-8 sequences only
      const nl = this.b ? bLen(end + n - start) : len + qLen(bytes.subarray(end, end + n));
      if (nl > max && (end > start || !force)) break;
      len = nl;
      end += n;
    }
    if (end === start) return null;
    this.k = end;
    const chunk = bytes.subarray(start, end);
    return (this.b ? '=?UTF-8?B?' + bEncode(chunk) : '=?UTF-8?Q?' + qEncode(chunk)) + '?=';
  }
}

// ---- Folding: unstructured text and phrases on the wire ----

export const LINE = 78; // RFC 5322 §2.1.1
const EW_LINE = 76; // RFC 2047 §2: a line holding an encoded word

/**
 * Greedy folding: tokens go on the current line while it stays within 78
 * characters (76 once it holds an encoded word); otherwise the line ending is
 * inserted before the token's leading white space. A token with no leading
 * white space is never folded before, nor is the first token of the value.
 *
 * @example
 * const f = new Folder('\r\n', 'To'.length);
 * f.add('', 'a@example.org,');
 * f.add(' ', 'b@example.org');
 * f.out; // 'a@example.org, b@example.org'
 */
export class Folder {
  out = '';
  private col: number;
  private tokens = false;
  private ew = false;

  constructor(
    private readonly eol: string,
    nameLength: number,
  ) {
    this.col = nameLength + 2;
  }

  private put(gap: string, tok: string, ew: boolean): void {
    this.out += gap + tok;
    this.col += gap.length + tok.length;
    this.tokens = true;
    this.ew ||= ew;
  }

  private fold(): void {
    this.out += this.eol;
    this.col = 0;
    this.ew = false;
  }

  /** A literal token. */
  add(gap: string, tok: string): void {
    if (gap !== '' && this.tokens && this.col + gap.length + tok.length > (this.ew ? EW_LINE : LINE)) this.fold();
    this.put(gap, tok, false);
  }

  /**
   * Text written as encoded words, each filling what is left of its line
   * (white space between them is not part of the text). Text that fits one
   * encoded word is not split to fill a line: it goes whole onto the next,
   * since some readers (Python's email in display names) keep the white
   * space between the words of a split.
   */
  encoded(gap: string, text: string): void {
    const whole = new WordEncoder(text);
    const one = whole.next(75);
    if (one !== null && whole.done && gap !== '' && this.tokens && this.col + gap.length + one.length > EW_LINE) this.fold();
    const w = new WordEncoder(text);
    for (let g = gap; !w.done; g = ' ') {
      let word = w.next(Math.min(75, EW_LINE - this.col - g.length));
      if (word === null && g !== '' && this.tokens) {
        this.fold();
        word = w.next(EW_LINE - g.length);
      }
      this.put(g, word ?? w.next(75, true)!, true); // nothing fits the first line: it runs long
    }
  }
}

/** A token of unstructured text or of a phrase: literal, or a span of text to write as encoded words. */
export type Piece = { gap: string; text: string; enc: boolean };

/** RFC 5322 §2.1.1: a literal word must still fit a line of 998. */
const LONG = 997;

/**
 * Unstructured text as pieces. Each word (a run between SP/HTAB) stays
 * literal with the white space before it, unless it has a character outside
 * 0x21..0x7E, contains `=?` (it could be taken for an encoded word) or is
 * longer than 997; such words, adjacent ones with the white space between
 * them, and white space at either end of the text (which readers that trim
 * would lose) go into encoded spans.
 *
 * @example
 * textPieces('a é ü b'); // [{gap:'', text:'a'}, {gap:' ', text:'é ü', enc:true}, {gap:' ', text:'b'}] (enc false unless shown)
 */
export function textPieces(text: string): Piece[] {
  const parts = text.split(/([ \t]+)/); // words at even indices, white space at odd ones
  const pieces: Piece[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    const w = parts[k];
    pieces.push({ gap: k ? parts[k - 1] : '', text: w, enc: /[^\x21-\x7e]/.test(w) || w.includes('=?') || w.length > LONG });
  }
  if (pieces.length > 1 && pieces[0].text === '') {
    pieces.shift();
    pieces[0] = { gap: '', text: pieces[0].gap + pieces[0].text, enc: true };
  }
  const last = pieces[pieces.length - 1];
  if (pieces.length > 1 && last.text === '') {
    pieces.pop();
    const p = pieces[pieces.length - 1];
    pieces[pieces.length - 1] = { gap: p.gap, text: p.text + last.gap, enc: true };
  }
  return merge(pieces.filter((p) => p.text !== ''));
}

/** Joins adjacent encoded pieces into one span (white space between encoded words is not text). */
function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (prev?.enc && p.enc) prev.text += p.gap + p.text;
    else out.push({ ...p });
  }
  return out;
}

const ATEXT_WORD = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;

/**
 * A display name as phrase pieces: atoms when it is atext words joined by
 * single spaces; else one quoted string when it is printable ASCII without
 * `=?`; else atext words stay atoms and everything else (with empty words
 * from extra spaces) goes into encoded spans.
 *
 * @example
 * phrasePieces('Smith, Mary'); // [{ gap: '', text: '"Smith, Mary"', enc: false }]
 */
export function phrasePieces(name: string): Piece[] {
  const words = name.split(' ');
  const atom = (w: string): boolean => ATEXT_WORD.test(w) && !w.includes('=?') && w.length <= LONG;
  if (words.every(atom)) return words.map((w, k) => ({ gap: k ? ' ' : '', text: w, enc: false }));
  if (/^[\x20-\x7e]*$/.test(name) && !name.includes('=?'))
    return [{ gap: '', text: '"' + name.replace(/[\\"]/g, '\\$&') + '"', enc: false }];
  const pieces = words.map((w, k) => ({ gap: k ? ' ' : '', text: w, enc: !atom(w) }));
  // An empty word (from a space at an edge or a double space) must ride in an encoded span with a neighbour.
  pieces.forEach((p, k) => {
    if (p.text === '' && !pieces[k - 1]?.enc && !pieces[k + 1]?.enc) (pieces[k - 1] ?? pieces[k + 1]).enc = true;
  });
  return merge(pieces);
}

/** Writes pieces; `suffix` (a special such as `:`) is glued to a last atom, or set off by a space from an encoded word (RFC 2047 §5(3)). */
export function emit(f: Folder, pieces: Piece[], gap: string, suffix = ''): void {
  pieces.forEach((p, k) => {
    const g = k === 0 ? gap : p.gap;
    const last = k === pieces.length - 1;
    if (p.enc) {
      f.encoded(g, p.text);
      if (last && suffix) f.add(' ', suffix);
    } else f.add(g, p.text + (last ? suffix : ''));
  });
}
