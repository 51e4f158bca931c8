/**
 * UTF-8: validating one sequence, and decoding valid UTF-8 into strings fast.
 * @module
 */
import { span } from './bytes.js';

/**
 * Length of the valid UTF-8 sequence at `i`, 0 if it is cut off by `e`
 * (and valid so far), or -1 if invalid. Rejects overlongs, surrogates and
 * code points above U+10FFFF.
 */
export function utf8Seq(d: Uint8Array, i: number, e: number): number {
  const c = d[i];
  let len: number, lo = 0x80, hi = 0xbf;
  if (c < 0xc2) return -1;
  if (c < 0xe0) len = 2;
  else if (c < 0xf0) {
    len = 3;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c < 0xf5) {
    len = 4;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return -1;
  if (i + 1 >= e) return 0;
  const c1 = d[i + 1];
  if (c1 < lo || c1 > hi) return -1;
  for (let k = 2; k < len; k++) {
    if (i + k >= e) return 0;
    const ck = d[i + k];
    if (ck < 0x80 || ck > 0xbf) return -1;
  }
  return len;
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
    s += td.decode(span(d, i, e));
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
