/**
 * Leaf text of the mailbox-level elements (`<prefix>`, `<tail>`): spec §7.1
 * in an `lf` document. A line feed character is the byte LF, U+F700–U+F7FF
 * are single bytes, every other character is its UTF-8; CR is always escaped.
 * @module
 */
import { Output } from '../core/output.js';

const HEX = '0123456789ABCDEF';

function esc(out: Output, b: number): void {
  out.ascii('&#xF7');
  out.byte(HEX.charCodeAt(b >> 4));
  out.byte(HEX.charCodeAt(b & 15));
  out.byte(0x3b);
}

/**
 * Writes bytes as leaf text. Streaming: an incomplete UTF-8 sequence at the
 * end of `d` is left unwritten; the return value is where it starts (pass
 * `last` to escape it byte-wise instead).
 */
export function writeLeaf(out: Output, d: Uint8Array, s: number, e: number, last: boolean, gt: { b1: number; b2: number }, attr = false): number {
  let i = s;
  while (i < e) {
    const c = d[i];
    if (c < 0x80) {
      if (c === 0x3c) out.ascii('&lt;');
      else if (c === 0x26) out.ascii('&amp;');
      else if (c === 0x3e && (attr || (gt.b1 === 0x5d && gt.b2 === 0x5d))) out.ascii('&gt;');
      else if (attr && c === 0x22) out.ascii('&quot;');
      else if ((!attr && (c === 0x09 || c === 0x0a)) || (c >= 0x20 && c < 0x7f)) out.byte(c);
      else esc(out, c);
      gt.b1 = gt.b2;
      gt.b2 = c;
      i++;
      continue;
    }
    gt.b1 = gt.b2 = 0;
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0) {
      esc(out, c);
      i++;
      continue;
    }
    if (i + n > e && !last) {
      // Wait for the rest, unless what is here already cannot continue validly.
      let ok = true;
      for (let k = 1; i + k < e && ok; k++) ok = (d[i + k] & 0xc0) === 0x80;
      if (ok) return i;
    }
    let cp = c & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
    let valid = i + n <= e;
    for (let k = 1; k < n && valid; k++) {
      const t = d[i + k];
      if ((t & 0xc0) !== 0x80) valid = false;
      else cp = (cp << 6) | (t & 0x3f);
    }
    if (valid) {
      const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
      valid = cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    }
    // Valid sequences that §7.1 still escapes byte-wise: C1 controls, U+2028/9, U+F700–U+F7FF, U+FFFE/F.
    if (!valid || cp <= 0x9f || cp === 0x2028 || cp === 0x2029 || (cp >= 0xf700 && cp <= 0xf7ff) || cp >= 0xfffe && cp <= 0xffff) {
      if (!valid) {
        esc(out, c);
        i++;
      } else {
        for (let k = 0; k < n; k++) esc(out, d[i + k]);
        i += n;
      }
      continue;
    }
    out.bytes(d, i, i + n);
    i += n;
  }
  return e;
}

/** Appends the bytes of leaf text (UTF-8 character data, complete sequences) to `out`. */
export function readLeaf(out: Output, d: Uint8Array, s: number, e: number): void {
  for (let i = s; i < e; i++) {
    const c = d[i];
    // U+F700–U+F7FF is EF 9C 80 – EF 9F BF.
    if (c === 0xef && i + 2 < e && d[i + 1] >= 0x9c && d[i + 1] <= 0x9f) {
      out.byte(((d[i + 1] & 0x03) << 6) | (d[i + 2] & 0x3f));
      i += 2;
    } else out.byte(c);
  }
}

/**
 * A byte string as an attribute value (spec §18.4 names): like leaf text,
 * but TAB and LF are escaped too (XML would turn them into spaces) and `"`
 * is `&quot;`.
 */
export function attrText(b: Uint8Array): string {
  const o = new Output(null, b.length * 2 + 16);
  writeLeaf(o, b, 0, b.length, true, { b1: 0, b2: 0 }, true);
  return new TextDecoder().decode(o.take());
}
