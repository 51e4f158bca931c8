/**
 * Character data and attribute values as XMIME writes them: markup
 * escaped, and the characters XML parsing would change (CR in text; TAB, LF
 * and CR in attributes, which attribute-value normalization turns into
 * spaces) as character references, so that parsing gives the string back.
 * (The embedding code has its own escapes: it mimics each host's serializer.)
 * @module
 */

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** `s` as character data. */
export function escapeText(s: string): string {
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => TEXT[c]) : s;
}

/** `s` as a double-quoted attribute value. */
export function escapeAttr(s: string): string {
  return /[&<"\t\n\r]/.test(s) ? s.replace(/[&<"\t\n\r]/g, (c) => ATTR[c]) : s;
}
