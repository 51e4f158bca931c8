/**
 * One reused output buffer. In streaming mode, full buffers are handed to
 * `onChunk` as copies; in one-shot mode the buffer grows and `take()`
 * returns everything.
 * @module
 */
/**
 * A plain Uint8Array view of d[s, e). Unlike `subarray`, it does not go
 * through the species constructor, which is slow for Node Buffers.
 */
export function view(d: Uint8Array, s: number, e: number): Uint8Array {
  return new Uint8Array(d.buffer, d.byteOffset + s, e - s);
}

const td = new TextDecoder('utf-8', { ignoreBOM: true }); // a U+FEFF starting a chunk is content

/**
 * Longest piece decoded at once. V8 puts a string over 128 KiB in its
 * large-object space, and that allocation costs more than the decoding:
 * 5 MB of ASCII took 3.0 ms in 1 MiB pieces, 0.5 ms in 64 KiB ones.
 */
const PIECE = 1 << 16;

/** A string from valid UTF-8, decoded in pieces of at most {@link PIECE} bytes cut between characters. */
export function utf8String(d: Uint8Array): string {
  if (d.length <= PIECE) return td.decode(d);
  let s = '';
  for (let i = 0; i < d.length; ) {
    let e = Math.min(d.length, i + PIECE);
    for (let k = 0; k < 3 && e < d.length && (d[e] & 0xc0) === 0x80; k++) e--; // back to a character's start
    s += td.decode(view(d, i, e));
    i = e;
  }
  return s;
}

/** Length of the UTF-8 sequence that lead byte `c` starts. */
function seqLen(c: number): number {
  return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
}

/**
 * Joins chunks of valid UTF-8 into one string. Each chunk is decoded whole up
 * to its last complete character, and the cut one (at most 3 bytes) waits for
 * the next chunk: TextDecoder's streaming mode is much slower than one call
 * per chunk.
 */
export class Utf8Joiner {
  s = '';
  private readonly held = new Uint8Array(4);
  private heldN = 0;

  push(c: Uint8Array): void {
    let i = 0;
    while (this.heldN > 0 && i < c.length) {
      // Complete the held character (its lead byte gives its length).
      this.held[this.heldN++] = c[i++];
      if (this.heldN === seqLen(this.held[0])) {
        this.s += td.decode(this.held.subarray(0, this.heldN));
        this.heldN = 0;
      }
    }
    let end = c.length, k = end - 1;
    while (k > i && end - k < 4 && (c[k] & 0xc0) === 0x80) k--;
    if (k >= i && c[k] >= 0xc0 && end - k < seqLen(c[k])) end = k;
    if (end > i) this.s += utf8String(c.subarray(i, end));
    for (; end < c.length; end++) this.held[this.heldN++] = c[end];
  }
}

/** The parts, one after the other, in one new array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const all = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

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
      buf.set(view(src, start, end), n);
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
