/**
 * The text of leaf elements and attributes (spec §7.1, §7.2): characters
 * U+F700–U+F7FF stand for single bytes, everything else is UTF-8.
 * @module
 */
import { C } from '../core/chars.js';
import { Eol } from '../core/eol.js';
import type { Output } from '../core/output.js';

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

/**
 * The characters of a `<text>` element (spec §7.4) from its character data
 * `src[0, n)` as UTF-8: "\n" is the text's line ending `eol`, and U+F700 + c
 * (EF 9C–9F xx) is the character U+00cc (a control character or a line
 * ending that is not `eol`). Written into `out` (reused), UTF-8 throughout.
 */
export function textChars(src: Uint8Array, n: number, eol: Eol, out: Output): Uint8Array {
  out.n = 0;
  out.ensure(2 * n);
  const buf = out.buf;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = src[i];
    if (c === C.LF) {
      if (eol === Eol.CrLf) buf[k++] = C.CR;
      buf[k++] = C.LF;
    } else if (c === 0xef && src[i + 1] >= 0x9c && src[i + 1] <= 0x9f) {
      const cp = ((src[i + 1] & 3) << 6) | (src[i + 2] & 0x3f);
      if (cp < 0x80) buf[k++] = cp;
      else {
        buf[k++] = 0xc0 | (cp >> 6);
        buf[k++] = 0x80 | (cp & 0x3f);
      }
      i += 2;
    } else buf[k++] = c;
  }
  return buf.subarray(0, k);
}
