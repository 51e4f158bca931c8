/**
 * Small helpers over byte arrays.
 * @module
 */
/**
 * A plain Uint8Array view of d[s, e). Unlike `subarray`, it does not go
 * through the species constructor, which is slow for Node Buffers.
 */
export function span(d: Uint8Array, s: number, e: number): Uint8Array {
  return new Uint8Array(d.buffer, d.byteOffset + s, e - s);
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

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
