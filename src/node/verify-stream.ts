/**
 * `xmime verify` in memory that does not grow with the input: the file is
 * read in chunks and pushed through two encoders (as read, and re-cut in
 * pseudo-random pieces), whose XML must agree; the first encoder's XML is
 * decoded (again re-cut) and must give back the input. Each comparison
 * holds only the bytes by which one side is ahead of the other.
 * @module
 */
import { createReadStream } from 'node:fs';

/**
 * Compares two byte streams that arrive in any pieces, holding only the
 * bytes one side is ahead by (copied: callers may reuse their buffers).
 */
export class StreamCompare {
  private q: Uint8Array[] = [];
  private qOff = 0;
  /** Which side the queued bytes are from: 1 (a), 2 (b), 0 none yet. */
  private side = 0;
  /** Bytes equal on both sides so far. */
  matched = 0;
  /** Offset of the first difference, or -1. */
  diff = -1;

  a(c: Uint8Array): void {
    this.feed(1, c);
  }

  b(c: Uint8Array): void {
    this.feed(2, c);
  }

  private feed(side: number, c: Uint8Array): void {
    if (this.diff >= 0 || c.length === 0) return;
    let i = 0;
    if (this.side !== side) {
      while (i < c.length && this.q.length > 0) {
        const h = this.q[0];
        const n = Math.min(h.length - this.qOff, c.length - i);
        for (let k = 0; k < n; k++)
          if (h[this.qOff + k] !== c[i + k]) {
            this.diff = this.matched + k;
            this.q = [];
            return;
          }
        this.matched += n;
        i += n;
        this.qOff += n;
        if (this.qOff === h.length) {
          this.q.shift();
          this.qOff = 0;
        }
      }
      if (i === c.length) return;
      this.side = side;
    }
    this.q.push(c.slice(i));
  }

  /** Both streams ended: the first difference (a length difference counts), or -1. */
  end(): number {
    if (this.diff < 0 && this.q.length > 0) this.diff = this.matched;
    return this.diff;
  }

  /** Bytes held now (for tests of the memory bound). */
  get held(): number {
    let n = 0;
    for (const h of this.q) n += h.length;
    return n - this.qOff;
  }
}

/** A push codec: an encoder or decoder of the library. */
export interface PushCodec {
  push(b: Uint8Array): void;
  end(): void;
}

/** A small deterministic generator, so verify's chunking is repeatable per file. */
function chunker(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

function pushCut(c: PushCodec, d: Uint8Array, next: () => number): void {
  for (let i = 0; i < d.length; ) {
    const k = 1 + (next() % 8192);
    c.push(d.subarray(i, i + k));
    i += k;
  }
}

/**
 * Verifies one file by streaming: `encoder(onChunk, primary)` makes an
 * encoder (`primary` is true for the one whose XML is decoded, which may
 * collect statistics), `decoder(onChunk)` a decoder. Returns a failure
 * description or null; the file's first bytes go to `head` (for notes).
 */
export async function verifyFileStreaming(
  file: string,
  encoder: (onChunk: (xml: Uint8Array) => void, primary: boolean) => PushCodec,
  decoder: (onChunk: (bytes: Uint8Array) => void) => PushCodec,
  head?: (first: Uint8Array, size: number) => void,
): Promise<string | null> {
  const xmlCmp = new StreamCompare();
  const mimeCmp = new StreamCompare();
  let size = 0;
  let seed = 0x9e3779b9;
  const dec = decoder((c) => mimeCmp.b(c));
  let next = chunker(seed);
  const encA = encoder((c) => {
    xmlCmp.a(c);
    pushCut(dec, c, next);
  }, true);
  const encB = encoder((c) => xmlCmp.b(c), false);
  let first: Uint8Array | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const c = chunk as Uint8Array;
    if (first === null) {
      first = c.slice(0, 4096);
      seed = (seed ^ (c.length * 2654435761)) >>> 0;
      next = chunker(seed);
    }
    size += c.length;
    mimeCmp.a(c);
    encA.push(c);
    pushCut(encB, c, next);
    if (xmlCmp.diff >= 0 || mimeCmp.diff >= 0) break;
  }
  if (xmlCmp.diff < 0 && mimeCmp.diff < 0) {
    encA.end();
    encB.end();
    dec.end();
  }
  head?.(first ?? new Uint8Array(0), size);
  let at = xmlCmp.end();
  if (at >= 0) return `${file}: XMIME differs between chunkings at byte ${at}`;
  at = mimeCmp.end();
  if (at >= 0) return `${file}: round trip differs at byte ${at}`;
  return null;
}
