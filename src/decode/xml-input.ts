/**
 * The input side of the XML tokenizer: the window of bytes it reads, where
 * each byte is (for errors, through a {@link Locator}), and the decoding of
 * names, attribute values and references, checked as XML 1.0 requires.
 * {@link XmlTokenizer} adds the grammar on top.
 * @module
 */
import { C } from '../core/chars.js';
import { type ErrorCode, XmimeError } from '../core/errors.js';
import { asciiString } from '../core/intern.js';
import { WordView } from '../core/scan.js';
import { utf8Seq } from '../core/utf8.js';
import { InputWindow } from '../core/window.js';
import { Locator } from './locator.js';
import type { Reporter } from './reporter.js';
import { isXmlChar } from './xml-syntax.js';

/** Longest reference, '&' to ';' (leading zeros make any length legal XML). */
const MAX_REF = 1024;

const dec = new TextDecoder('utf-8', { ignoreBOM: true }); // a U+FEFF inside a name or value is data

/** Decodes a short run of bytes (names, declarations); plain ASCII skips the TextDecoder. */
export function ascii(d: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) {
    const c = d[i];
    if (c >= 0x80) return dec.decode(d.subarray(s, e));
    out += String.fromCharCode(c);
  }
  return out;
}

export abstract class XmlInput implements Reporter {
  protected readonly w = new InputWindow();
  /** The window's bytes (kept in a field for speed) and the read position. */
  protected d: Uint8Array = new Uint8Array(0);
  protected p = 0;
  protected eof = false;
  /** Offset of the reference or C.CR whose replacement text is being handed on. */
  protected pieceAt = 0;
  /** Offset of the tag being handled (for {@link here}). */
  protected tagAt = 0;
  /** Lines and columns, for errors. */
  protected readonly words = new WordView();
  protected readonly loc = new Locator(this.w, this.words);
  private readonly scratch: number[] = [];
  /** The UTF-8 of the last reference read, and its length. */
  protected readonly refBytes = new Uint8Array(4);
  protected refLen = 0;

  here(): number {
    return this.tagAt;
  }
  /** Builds the error for `code` at absolute offset `at` (only called when failing). */
  error(code: ErrorCode, detail: string, at: number): XmimeError {
    return this.loc.error(code, detail, at);
  }
  /** Absolute offset of `d[i]` when `d` is the input window, else of the token being read. */
  offsetOf(d: Uint8Array, i: number): number {
    return d === this.d ? this.w.base + i : this.pieceAt;
  }
  fail(code: ErrorCode, detail: string, at: number): never {
    throw this.error(code, detail, at);
  }
  /** A name or value of bytes d[s, e) without references (valid UTF-8, checked by the caller). */
  protected str(s: number, e: number): string {
    const d = this.d;
    for (let i = s; i < e; i++) if (d[i] >= 0x80) return dec.decode(d.subarray(s, e));
    return asciiString(d, s, e);
  }
  /** Decodes an attribute value (references resolved, white space normalized). */
  protected attrValue(s: number, e: number): string {
    const d = this.d;
    // Most values are printable text without references: the value is the bytes.
    let i = s, ascii = true;
    while (i < e) {
      const c = d[i];
      if (c >= 0x20 && c < 0x80 && c !== C.AMP && c !== C.LT) i++;
      else if (c >= 0x80) {
        i += this.checkUtf8(i, e);
        ascii = false;
      } else break;
    }
    if (i === e) return ascii ? asciiString(d, s, e) : dec.decode(d.subarray(s, e));
    const out = this.scratch;
    out.length = 0;
    for (let k = s; k < i; k++) out.push(d[k]);
    while (i < e) {
      const c = d[i];
      if (c === C.AMP) {
        i = this.reference(i, e, out);
      } else if (c === C.LT) {
        this.fail('xml-syntax', "'<' in an attribute value", this.w.base + i);
      } else if (c === C.CR) {
        out.push(C.SP);
        i += i + 1 < e && d[i + 1] === C.LF ? 2 : 1;
      } else if (c === C.LF || c === C.TAB) {
        out.push(C.SP);
        i++;
      } else if (c < 0x20) {
        this.fail('xml-char', `control character U+${c.toString(16).padStart(4, '0')}`, this.w.base + i);
      } else if (c < 0x80) {
        out.push(c);
        i++;
      } else {
        const len = this.checkUtf8(i, e);
        for (let k = 0; k < len; k++) out.push(d[i + k]);
        i += len;
      }
    }
    return dec.decode(Uint8Array.from(out));
  }
  /** Validates the UTF-8 sequence at `i` (complete within `e`); returns its length. */
  protected checkUtf8(i: number, e: number): number {
    const d = this.d;
    const len = utf8Seq(d, i, e);
    if (len <= 0) this.fail('xml-utf8', 'invalid UTF-8', this.w.base + i);
    if (len === 3 && d[i] === 0xef && d[i + 1] === 0xbf && d[i + 2] >= 0xbe) this.fail('xml-char', 'U+FFFE and U+FFFF are not XML characters', this.w.base + i);
    return len;
  }
  /**
   * Resolves the reference at `i` ('&') within `e`. Appends its UTF-8 to `out`,
   * or with `out` null leaves it in `refBytes`/`refLen`. Returns the index
   * after ';', or -1 if the reference is cut off by `e` (streamed text only).
   */
  protected reference(i: number, e: number, out: number[] | null): number {
    const d = this.d;
    let semi = i + 1;
    // References may carry any number of leading zeros; MAX_REF bounds what is carried between chunks.
    // The ';' may stand at most at i + MAX_REF - 1, whole or in chunks (a 1025-byte reference once
    // decoded whole but failed when a chunk ended after its first 1024 bytes).
    while (semi < e && semi < i + MAX_REF - 1 && d[semi] !== C.SEMI) semi++;
    if (semi >= e || d[semi] !== C.SEMI) {
      if (semi >= e && e - i < MAX_REF && out === null && !this.eof) return -1;
      this.fail('xml-syntax', "'&' must start a reference ending in ';'", this.w.base + i);
    }
    let cp = -1;
    if (d[i + 1] === 0x23) {
      const hex = d[i + 2] === 0x78;
      let k = hex ? i + 3 : i + 2;
      if (k < semi) cp = 0;
      for (; k < semi && cp >= 0; k++) {
        const c = d[k], v = c >= 0x30 && c <= 0x39 ? c - 0x30 : hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
        cp = v < 0 || cp > 0x10ffff ? -1 : cp * (hex ? 16 : 10) + v;
      }
      if (!isXmlChar(cp)) this.fail('xml-char-ref', `${ascii(d, i, semi + 1)} is not an XML character`, this.w.base + i);
    } else {
      const len = semi - i - 1, c1 = d[i + 1], c2 = d[i + 2];
      if (len === 2 && c2 === 0x74) cp = c1 === 0x6c ? 0x3c : c1 === 0x67 ? 0x3e : -1; // lt gt
      else if (len === 3 && c1 === 0x61 && c2 === 0x6d && d[i + 3] === 0x70) cp = 0x26; // amp
      else if (len === 4 && ascii(d, i + 1, semi) === 'quot') cp = 0x22;
      else if (len === 4 && ascii(d, i + 1, semi) === 'apos') cp = 0x27;
      if (cp < 0) this.fail('xml-entity', `undeclared entity ${ascii(d, i, semi + 1)}`, this.w.base + i);
    }
    const r = this.refBytes;
    let n = 0;
    if (cp < 0x80) r[n++] = cp;
    else if (cp < 0x800) { r[n++] = 0xc0 | (cp >> 6); r[n++] = 0x80 | (cp & 63); }
    else if (cp < 0x10000) { r[n++] = 0xe0 | (cp >> 12); r[n++] = 0x80 | ((cp >> 6) & 63); r[n++] = 0x80 | (cp & 63); }
    else { r[n++] = 0xf0 | (cp >> 18); r[n++] = 0x80 | ((cp >> 12) & 63); r[n++] = 0x80 | ((cp >> 6) & 63); r[n++] = 0x80 | (cp & 63); }
    this.refLen = n;
    if (out !== null) for (let k = 0; k < n; k++) out.push(r[k]);
    return semi + 1;
  }
}
