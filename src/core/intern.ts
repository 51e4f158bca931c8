/**
 * Short ASCII strings from bytes, interned. XMIME repeats a few dozen element
 * names, attribute names and values (header names, enum values) over and
 * over; looking them up costs one pass over the bytes, where building a new
 * string costs that pass plus an allocation and its garbage collection.
 * @module
 */

/** Strings longer than this are built, not looked up. */
const MAX = 40;
const SLOTS = 1024;
const table: string[] = new Array<string>(SLOTS).fill('');

/**
 * The string of bytes d[s, e), one character per byte (ISO-8859-1; callers
 * pass ASCII). The table is bounded: a colliding string replaces the one in
 * its slot.
 */
export function asciiString(d: Uint8Array, s: number, e: number): string {
  const len = e - s;
  if (len > MAX) return build(d, s, e);
  let h = len;
  for (let i = s; i < e; i++) h = (Math.imul(h, 31) + d[i]) | 0;
  const slot = (h ^ (h >>> 12)) & (SLOTS - 1);
  const c = table[slot];
  if (c.length === len) {
    let k = 0;
    while (k < len && c.charCodeAt(k) === d[s + k]) k++;
    if (k === len) return c;
  }
  return (table[slot] = build(d, s, e));
}

function build(d: Uint8Array, s: number, e: number): string {
  let out = '';
  // fromCharCode over slices: one call per 4096 bytes instead of one concatenation per byte.
  for (let i = s; i < e; i += 4096) out += String.fromCharCode.apply(null, d.subarray(i, Math.min(e, i + 4096)) as unknown as number[]);
  return out;
}
