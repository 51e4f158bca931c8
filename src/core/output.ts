/**
 * One reused output buffer. In streaming mode, full buffers are handed to
 * `onChunk` as copies; in one-shot mode the buffer grows and `take()`
 * returns everything.
 * @module
 */
import { span } from './bytes.js';

export class Output {
  buf: Uint8Array;
  n = 0;

  /**
   * @param onChunk receives full buffers (streaming mode), or null (one-shot mode).
   * @param size initial buffer size.
   * @param copy hand out copies (the default); false hands out views of the
   *   buffer, for a consumer that is done with each chunk before it returns.
   */
  constructor(
    private readonly onChunk: ((chunk: Uint8Array) => void) | null,
    size = 65536,
    private readonly copy = true,
  ) {
    this.buf = new Uint8Array(size);
  }

  /** Makes room for `k` more bytes. */
  ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    if (this.onChunk !== null && this.n > 0) {
      this.flush();
      if (k <= this.buf.length) return;
    }
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  byte(b: number): void {
    if (this.n === this.buf.length) this.ensure(1);
    this.buf[this.n++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const len = end - start;
    if (len <= 0) return;
    this.ensure(len);
    const buf = this.buf;
    let n = this.n;
    if (len < 24) {
      for (let i = start; i < end; i++) buf[n++] = src[i];
    } else {
      buf.set(span(src, start, end), n);
      n += len;
    }
    this.n = n;
  }

  /** Writes an ASCII string. */
  ascii(s: string): void {
    const len = s.length;
    this.ensure(len);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
  }

  /** Hands buffered bytes to `onChunk` if at least `min` are waiting. */
  flush(min = 1): void {
    if (this.onChunk === null || this.n < min) return;
    const chunk = this.copy ? this.buf.slice(0, this.n) : this.buf.subarray(0, this.n);
    this.n = 0;
    this.onChunk(chunk);
  }

  /** One-shot mode: everything written so far. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.n);
    this.n = 0;
    return out;
  }
}
