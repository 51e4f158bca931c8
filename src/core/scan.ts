/**
 * Skipping text that needs no attention, four bytes at a time.
 *
 * A word passes when all its bytes are printable ASCII other than < > & and
 * DEL (the SWAR tests below have no false negatives). Other words, and the
 * unaligned ends, are decided byte by byte with the caller's table. This is
 * the fast path for base64 lines and plain ASCII text.
 * @module
 */

/**
 * A word view of the whole buffer behind the bytes being scanned. Each
 * tokenizer or writer owns one, so nothing outlives the codec that used it,
 * and a buffer that was resized since (resizable or growable buffers) gets a
 * fresh view.
 */
export class WordView {
  private buffer: ArrayBufferLike | null = null;
  private words: Uint32Array = new Uint32Array(0);

  of(d: Uint8Array): Uint32Array {
    const b = d.buffer;
    if (b !== this.buffer || this.words.length !== Math.floor(b.byteLength / 4)) {
      this.buffer = b;
      this.words = new Uint32Array(b, 0, Math.floor(b.byteLength / 4));
    }
    return this.words;
  }
}

/** A byte search with the contract of `Uint8Array.prototype.indexOf` for a byte and a start index. */
export type ByteSearch = (this: Uint8Array, b: number, from: number) => number;

/** The host's faster byte search, if one was given ({@link setByteSearch}). */
let memchr: ByteSearch | null = null;

/**
 * Gives the core a faster byte search than the typed array's own, or takes it
 * away (null). The core imports nothing from its host; a host layer calls
 * this, as `xmime`'s Node entry does with Node's memchr (`node/host.ts`),
 * which takes any `Uint8Array`. A search that answers a small test
 * wrongly is refused. Returns whether it is in use.
 */
export function setByteSearch(f: ByteSearch | null): boolean {
  memchr = null;
  if (f === null) return false;
  try {
    const t = new Uint8Array([1, 2, 3, 2, 1]).subarray(1);
    if (f.call(t, 2, 0) === 0 && f.call(t, 2, 1) === 2 && f.call(t, 1, 0) === 3 && f.call(t, 9, 0) === -1 && f.call(t, 2, 9) === -1) memchr = f;
  } catch {
    // not a usable search: keep the typed array's own
  }
  return memchr !== null;
}

/** Whether a host's byte search is in use. */
export function hostByteSearch(): boolean {
  return memchr !== null;
}

/**
 * Index of the first byte `b` in d[from, end of d), or -1. For
 * long searches: V8 11's `Uint8Array.prototype.indexOf` reads one element at
 * a time (0.27 ns per byte here). A host memchr is about 30 times faster;
 * without one, four bytes at a time are about twice as fast. Searches within
 * a line keep the typed array's own, whose call costs least.
 */
export function indexOfByte(d: Uint8Array, b: number, from: number, words: WordView): number {
  if (memchr !== null) return memchr.call(d, b, from);
  return d.length - from < 256 ? d.indexOf(b, from) : wordSearch(d, b, from, words);
}

/** {@link indexOfByte} four bytes at a time where aligned. */
function wordSearch(d: Uint8Array, b: number, i: number, words: WordView): number {
  const e = d.length, off = d.byteOffset;
  for (; i < e && (off + i) % 4 !== 0; i++) if (d[i] === b) return i;
  const k = firstWordWith(words.of(d), (off + i) / 4, Math.floor((off + e) / 4), b * 0x01010101);
  for (i = k * 4 - off; i < e; i++) if (d[i] === b) return i;
  return -1;
}

/**
 * The first word in w[k, we) with a byte of `pat` (a byte times 0x01010101): a zero lane after XOR.
 * A loop of its own: 1.05 against 1.42 ms per 5 MB written inline (micro-benchmark).
 */
function firstWordWith(w: Uint32Array, k: number, we: number, pat: number): number {
  for (; k < we; k++) {
    const x = w[k] ^ pat;
    if (((x - 0x01010101) & ~x & 0x80808080) !== 0) return k;
  }
  return we;
}

/**
 * Non-zero when a byte of `w` may need attention (< 0x20, >= 0x7F, <, >, &).
 * One range test covers controls, DEL and 8-bit bytes: a byte below 0x20
 * borrows in `w - 0x20202020`, 0x7F carries into bit 7 in `w + 0x01010101`
 * (a lower byte's borrow or carry only happens where that byte is flagged
 * itself). `|0x02` folds < onto >.
 */
export function flagged(w: number): number {
  // Two zero-byte tests ((x - 0x01010101) & ~x) for > or <, and &; one mask for all at the end.
  const a = (w | 0x02020202) ^ 0x3e3e3e3e, b = w ^ 0x26262626;
  return (w | (w - 0x20202020) | (w + 0x01010101) | ((a - 0x01010101) & ~a) | ((b - 0x01010101) & ~b)) & 0x80808080;
}

/**
 * Index of the first byte in [i, e) whose `table` entry is not 0, or `e`.
 * Offsets into the buffer may exceed 2^31, so word indexes use plain
 * arithmetic, not shifts.
 */
export function skipPlain(d: Uint8Array, i: number, e: number, table: Uint8Array, words: WordView): number {
  // Bytes first: short runs (the usual case between markup) never pay for the word setup.
  const first = Math.min(e, i + 16);
  while (i < first && table[d[i]] === 0) i++;
  if (i < first || i >= e) return i;
  const off = d.byteOffset;
  // Unaligned head.
  while (i < e && (off + i) % 4 !== 0) {
    if (table[d[i]] !== 0) return i;
    i++;
  }
  const w = words.of(d);
  const small = off + e < 0x80000000; // shifts are exact below 2^31
  const we = small ? (off + e) >> 2 : Math.floor((off + e) / 4);
  let k = small ? (off + i) >> 2 : (off + i) / 4;
  for (;;) {
    while (k < we && flagged(w[k]) === 0) k++;
    i = small ? (k << 2) - off : k * 4 - off;
    // A flagged word (or the tail): decide its bytes with the table.
    const lim = Math.min(e, i + 4);
    while (i < lim && table[d[i]] === 0) i++;
    if (i < lim || i >= e) return i;
    k++;
  }
}

/**
 * The number of bytes equal to `b` (below 0x80) in d[i, e): four at a time
 * where the bytes are aligned (an exact per-byte test, no false positives).
 */
export function countByte(d: Uint8Array, i: number, e: number, b: number, words: WordView): number {
  let count = 0;
  const off = d.byteOffset;
  while (i < e && (off + i) % 4 !== 0) if (d[i++] === b) count++;
  if (i >= e) return count;
  const w = words.of(d);
  const pat = b * 0x01010101;
  const small = off + e < 0x80000000;
  const we = small ? (off + e) >> 2 : Math.floor((off + e) / 4);
  let k = small ? (off + i) >> 2 : (off + i) / 4;
  // Each lane of `acc` counts the matches in its byte position; it is folded before a lane can pass 255.
  let acc = 0, fold = k + 254;
  for (; k < we; k++) {
    const x = w[k] ^ pat;
    // 1 in each lane of x that is zero.
    acc += ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f) >>> 7;
    if (k === fold) {
      count += (acc & 0xff) + ((acc >>> 8) & 0xff) + ((acc >>> 16) & 0xff) + (acc >>> 24);
      acc = 0;
      fold = k + 255;
    }
  }
  count += (acc & 0xff) + ((acc >>> 8) & 0xff) + ((acc >>> 16) & 0xff) + (acc >>> 24);
  i = small ? (k << 2) - off : k * 4 - off;
  for (; i < e; i++) if (d[i] === b) count++;
  return count;
}

/** Word lanes are in memory order only on a little-endian machine; elsewhere {@link indexAll} goes byte by byte. */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes the offsets (from `i`) of the bytes equal to `b` (below 0x80) in
 * d[i, e) into `at`, as far as it has room, and returns how many there are:
 * a count above `at.length` asks for a bigger array and another call.
 * Four bytes at a time where aligned, like {@link countByte}.
 */
export function indexAll(d: Uint8Array, i: number, e: number, b: number, words: WordView, at: Int32Array): number {
  const s = i, cap = at.length, off = d.byteOffset;
  let n = 0;
  if (LITTLE) {
    while (i < e && (off + i) % 4 !== 0) {
      if (d[i] === b && n++ < cap) at[n - 1] = i - s;
      i++;
    }
    if (i < e) {
      const w = words.of(d);
      const pat = b * 0x01010101;
      const small = off + e < 0x80000000;
      const we = small ? (off + e) >> 2 : Math.floor((off + e) / 4);
      let k = small ? (off + i) >> 2 : (off + i) / 4;
      const base = -off - s; // word k's first byte is at offset base + 4k
      for (; k < we; k++) {
        const x = w[k] ^ pat;
        // 0x80 exactly in each matching lane; written out as in countByte (a shared helper measured 40% slower there).
        let z = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
        while (z !== 0) {
          if (n++ < cap) at[n - 1] = base + 4 * k + ((31 - Math.clz32(z & -z)) >> 3);
          z &= z - 1;
        }
      }
      i = small ? (k << 2) - off : k * 4 - off;
    }
  }
  for (; i < e; i++) if (d[i] === b && n++ < cap) at[n - 1] = i - s;
  return n;
}

/** Most line feeds {@link skipLines} notes before the caller must hand on what it has: 256 KiB of indexes. */
const MAX_LFS = 1 << 16;

/**
 * The line feeds {@link skipLines} met: their indexes in the scanned buffer,
 * in order. A tokenizer notes them once so that its consumers (CR insertion,
 * line counting) need not scan the same bytes again.
 */
export class LineFeeds {
  at = new Int32Array(128);
  n = 0;

  /** Notes a LF at index `i`; false when the list is full and the caller must hand on what it holds first. */
  push(i: number): boolean {
    if (this.n === this.at.length) {
      if (this.n >= MAX_LFS) return false;
      const a = new Int32Array(2 * this.n);
      a.set(this.at);
      this.at = a;
    }
    this.at[this.n++] = i;
    return true;
  }
}

/**
 * {@link skipPlain} for text whose line feeds the caller wants: `table` marks
 * LF for attention, but a LF does not stop the scan; its index goes into
 * `lf`. Returns at the first other byte whose `table` entry is not 0, at `e`,
 * or at a LF when `lf` is full.
 */
export function skipLines(d: Uint8Array, i: number, e: number, table: Uint8Array, words: WordView, lf: LineFeeds): number {
  // Bytes first (see skipPlain), then the unaligned head.
  const first = Math.min(e, i + 16);
  for (; i < first; i++) {
    const c = d[i];
    if (table[c] !== 0 && (c !== 0x0a || !lf.push(i))) return i;
  }
  const off = d.byteOffset;
  for (; i < e && (off + i) % 4 !== 0; i++) {
    const c = d[i];
    if (table[c] !== 0 && (c !== 0x0a || !lf.push(i))) return i;
  }
  if (i >= e) return i;
  const w = words.of(d);
  const small = off + e < 0x80000000;
  const we = small ? (off + e) >> 2 : Math.floor((off + e) / 4);
  let k = small ? (off + i) >> 2 : (off + i) / 4;
  for (;;) {
    for (; k < we; k++) {
      const x = w[k];
      if (flagged(x) === 0) continue;
      if (!LITTLE) break;
      const y = x ^ 0x0a0a0a0a;
      // 0x80 exactly in each LF lane (as in countByte); with those lanes made 'J' (0x4a) the word must be plain.
      let z = ~(((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y | 0x7f7f7f7f);
      if (z === 0 || flagged(x | (z >>> 1)) !== 0) break;
      do {
        const at = 4 * k - off + ((31 - Math.clz32(z & -z)) >> 3);
        if (!lf.push(at)) return at;
        z &= z - 1;
      } while (z !== 0);
    }
    i = small ? (k << 2) - off : k * 4 - off;
    // A flagged word (or the tail): decide its bytes one by one.
    const lim = Math.min(e, i + 4);
    for (; i < lim; i++) {
      const c = d[i];
      if (table[c] !== 0 && (c !== 0x0a || !lf.push(i))) return i;
    }
    if (i >= e) return i;
    k++;
  }
}
