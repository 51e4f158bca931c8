/**
 * The text of leaf elements and attributes (spec §7.1, §7.2): characters
 * U+F700–U+F7FF stand for single bytes, everything else is UTF-8.
 * @module
 */
import { C } from '../core/chars.js';
import { Eol } from '../core/eol.js';
import type { Output } from '../core/output.js';
import { utf8Seq } from '../core/utf8.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

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
export function textFromXml(src: Uint8Array, n: number, eol: Eol, out: Output): Uint8Array {
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

/**
 * The character data of `<text>` for decoded text `s` (the inverse of
 * {@link textFromXml}): "\n" for the line ending `eol`, U+F700 + c for a
 * control character c and for a CR or LF that is not part of `eol`.
 */
export function textToXml(s: string, eol: Eol): string {
  const crlf = eol === Eol.CrLf;
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n|[\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (m) => {
    if (m === '\r\n') return crlf ? '\n' : '\uf70d\n';
    if (m === '\n') return crlf ? '\uf70a' : '\n';
    return String.fromCharCode(0xf700 + m.charCodeAt(0));
  });
}

/**
 * The character data of a leaf that holds bytes (spec §7.1; the inverse of
 * the decoder's reading): valid UTF-8 as its characters, "\n" for the
 * document's line ending `eol`, and U+F700 + b for every other byte b: a
 * control character, a CR or LF that is not `eol`, a byte of invalid UTF-8,
 * and the bytes of a character XML tools cannot be trusted with
 * ({@link mustEscape}).
 */
export function bytesToXml(d: Uint8Array, eol: Eol): string {
  const crlf = eol === Eol.CrLf, n = d.length;
  let out = '';
  for (let i = 0; i < n; ) {
    const c = d[i];
    if (c >= 0x80) {
      const len = utf8Seq(d, i, n);
      if (len > 0 && !mustEscape(d, i, len)) {
        out += utf8.decode(d.subarray(i, i + len));
        i += len;
      } else {
        const k = len > 0 ? len : len === 0 ? n - i : 1; // a sequence cut off by the end: every byte of it
        for (let j = 0; j < k; j++) out += String.fromCharCode(0xf700 + d[i + j]);
        i += k;
      }
    } else if (c === C.CR && crlf && d[i + 1] === C.LF) {
      out += '\n';
      i += 2;
    } else if ((c === C.LF && !crlf) || c === C.TAB || (c >= 0x20 && c < 0x7f)) {
      out += String.fromCharCode(c);
      i++;
    } else {
      out += String.fromCharCode(0xf700 + c);
      i++;
    }
  }
  return out;
}

/** A byte-valued attribute (`name`, `sep`, `boundary`, `pad`, …): printable ASCII as itself, every other byte as U+F700 + b. */
export function bytesAttrToXml(d: Uint8Array): string {
  let out = '';
  for (const c of d) out += String.fromCharCode(c > 0x20 && c < 0x7f ? c : 0xf700 + c);
  return out;
}

/**
 * True for a valid sequence that XMIME text must still escape byte by byte:
 * U+F700–U+F7FF (the escape characters themselves), U+FFFE and U+FFFF (not
 * XML characters), the C1 controls U+0080–U+009F (XML 1.1 tools reject them
 * raw) and U+2028 and U+2029, which some XML tools (xmldom, XML 1.1 rules)
 * turn into line feeds, as they do U+0085.
 */
export function mustEscape(d: Uint8Array, i: number, len: number): boolean {
  const c = d[i], c1 = d[i + 1];
  if (len === 2) return c === 0xc2 && c1 <= 0x9f;
  if (len !== 3) return false;
  if (c === 0xef) return (c1 >= 0x9c && c1 <= 0x9f) || (c1 === 0xbf && d[i + 2] >= 0xbe);
  return c === 0xe2 && c1 === 0x80 && (d[i + 2] === 0xa8 || d[i + 2] === 0xa9);
}
