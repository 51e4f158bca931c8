/**
 * Unstructured text fields (RFC 5322 §3.2.5, RFC 2047): rendered as
 * printable ASCII words and UTF-8 encoded words, folded at 78.
 * @module
 */
import { Folder, textPieces } from '../rfc2047.js';

const UTF8_ENC = new TextEncoder();
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Unstructured text as the value of any field `name` (as a `text` view is
 * rendered): printable ASCII words as they are, the rest as UTF-8 encoded
 * words, folded at 78. Used for authored fields that have no view kind.
 */
export function renderText(name: string, text: string, eol: '\r\n' | '\n'): Uint8Array {
  return UTF8_ENC.encode(textString(name, text, eol));
}

export function textString(name: string, text: string, eol: '\r\n' | '\n'): string {
  if (LONE_SURROGATE.test(text)) throw new RangeError('lone surrogate in header text');
  const f = new Folder(eol, name.length);
  for (const p of textPieces(text)) p.enc ? f.encoded(p.gap, p.text) : f.add(p.gap, p.text);
  return f.out;
}

