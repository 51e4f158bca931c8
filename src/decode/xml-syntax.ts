/**
 * The XML 1.0 (Fifth Edition) character classes the tokenizer needs, each
 * linked to its production: https://www.w3.org/TR/xml/
 * @module
 */
import { C } from '../core/chars.js';

/** [3] S: white space. https://www.w3.org/TR/xml/#NT-S */
export function isWs(c: number): boolean {
  return c === C.SP || c === C.LF || c === C.TAB || c === C.CR;
}

/** ASCII name characters: 2 NameStartChar, 1 NameChar only, 0 neither. */
export const NAME_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) NAME_ASCII[c] = isNameStart(c) ? 2 : isNameChar(c) ? 1 : 0;

/** [4] NameStartChar, by code point. https://www.w3.org/TR/xml/#NT-NameStartChar */
export function isNameStart(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || cp === 0x3a;
  return (
    (cp >= 0xc0 && cp <= 0xd6) || (cp >= 0xd8 && cp <= 0xf6) || (cp >= 0xf8 && cp <= 0x2ff) || (cp >= 0x370 && cp <= 0x37d) ||
    (cp >= 0x37f && cp <= 0x1fff) || cp === 0x200c || cp === 0x200d || (cp >= 0x2070 && cp <= 0x218f) ||
    (cp >= 0x2c00 && cp <= 0x2fef) || (cp >= 0x3001 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfdcf) ||
    (cp >= 0xfdf0 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0xeffff)
  );
}

/** [4a] NameChar, by code point. https://www.w3.org/TR/xml/#NT-NameChar */
export function isNameChar(cp: number): boolean {
  return (
    isNameStart(cp) || (cp >= 0x30 && cp <= 0x39) || cp === 0x2d || cp === 0x2e || cp === 0xb7 ||
    (cp >= 0x300 && cp <= 0x36f) || cp === 0x203f || cp === 0x2040
  );
}

/** The code point of the valid UTF-8 sequence of `len` bytes at `i`. */
export function codePoint(d: Uint8Array, i: number, len: number): number {
  const c = d[i];
  if (len === 2) return ((c & 0x1f) << 6) | (d[i + 1] & 0x3f);
  if (len === 3) return ((c & 0x0f) << 12) | ((d[i + 1] & 0x3f) << 6) | (d[i + 2] & 0x3f);
  return ((c & 0x07) << 18) | ((d[i + 1] & 0x3f) << 12) | ((d[i + 2] & 0x3f) << 6) | (d[i + 3] & 0x3f);
}

/** [2] Char. https://www.w3.org/TR/xml/#NT-Char */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}
