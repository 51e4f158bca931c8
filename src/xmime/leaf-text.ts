/**
 * The text of leaf elements and attributes (spec §7.1, §7.2): characters
 * U+F700–U+F7FF stand for single bytes, everything else is UTF-8.
 * @module
 */

/** Turns an attribute string into bytes: U+F700–U+F7FF are single bytes, the rest UTF-8. */
export function attrBytes(v: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < v.length && ascii; i++) ascii = v.charCodeAt(i) < 0x80;
  if (ascii) {
    const b = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) b[i] = v.charCodeAt(i);
    return b;
  }
  const out: number[] = [];
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xf700 && cp <= 0xf7ff) out.push(cp - 0xf700);
    else if (cp < 0x80) out.push(cp);
    else for (const b of new TextEncoder().encode(ch)) out.push(b);
  }
  return Uint8Array.from(out);
}
