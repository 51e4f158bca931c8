/**
 * The input a streaming tokenizer is looking at: the undecided tail of earlier
 * chunks followed by the new one. A chunk that is consumed at once is never
 * copied; a tail is kept in one buffer that grows geometrically, so feeding
 * input one byte at a time stays linear.
 * @module
 */
import { span } from './bytes.js';

export class InputWindow {
  /** The bytes to read: the tail of earlier input, then the latest chunk. */
  d: Uint8Array = new Uint8Array(0);
  /** Absolute offset of `d[0]` in the whole input. */
  base = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private inBuf = false;

  /** Appends `chunk` after the tail left by {@link keep}; reading restarts at d[0]. */
  feed(chunk: Uint8Array): void {
    const tail = this.inBuf ? this.d.length : 0;
    if (tail === 0) {
      this.base += this.d.length;
      this.d = chunk;
      this.inBuf = false;
      return;
    }
    const need = tail + chunk.length;
    if (this.buf.length < need) {
      const next = new Uint8Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, tail));
      this.buf = next;
    }
    this.buf.set(chunk, tail);
    this.d = this.buf.subarray(0, need);
  }

  /** Keeps d[p..] for the next {@link feed} (the caller may reuse its chunk). */
  keep(p: number): void {
    const tail = this.d.length - p;
    if (tail === 0) {
      this.inBuf = false;
      return; // d stays readable (for error positions) until the next feed
    }
    if (this.inBuf) {
      if (p > 0) this.buf.copyWithin(0, p, this.d.length);
    } else {
      if (this.buf.length < tail) this.buf = new Uint8Array(Math.max(tail * 2, 4096));
      this.buf.set(span(this.d, p, this.d.length));
    }
    this.base += p;
    this.d = this.buf.subarray(0, tail);
    this.inBuf = true;
  }
}
