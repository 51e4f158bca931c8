/**
 * Pieces (spec §9.7.1): a `body`, `preamble` or `epilogue` longer than
 * `maxPieceBytes` is written as consecutive elements of the same name, so
 * that no text node exceeds what XML processors accept at their default
 * settings (libxml2 refuses text nodes over 10,000,000 bytes). The rule, on
 * bytes, is applied by the XML writer (encode/pieces.ts); here it is read on
 * the characters of leaf text, for trees that become host documents.
 * @module
 */

/**
 * Default largest piece, in bytes of the MIME construct (a piece may hold 3
 * more to end on a character). 1 MiB, like `maxHeaderBytes` and
 * `maxTextBytes`: no byte gives more than 3 bytes of XML character data (or
 * 8 of markup, `&#xF7HH;`), so no text node of a default document exceeds
 * 3 MiB + 9 parsed or 8.4 MB written, both under libxml2's 10,000,000.
 */
export const DEFAULT_MAX_PIECE_BYTES = 1 << 20;

/** Element names whose text may be cut into pieces. */
export const PIECE_NAMES: ReadonlySet<string> = new Set(['body', 'preamble', 'epilogue']);

/**
 * The texts of the pieces of leaf text `text` (§7.1, in a CRLF document when
 * `crlf`): the cut of the XML writer, where every character stands for whole
 * bytes (a line feed for the document's line ending, U+F7xx for one byte).
 */
export function pieceTexts(text: string, crlf: boolean, max: number): string[] {
  const out: string[] = [];
  let from = 0, n = 0, lastCr = false;
  for (let i = 0; i < text.length; ) {
    const c = text.codePointAt(i)!;
    const len = c > 0xffff ? 2 : 1;
    // The character's bytes: its first byte, and how many.
    const esc = c >= 0xf700 && c <= 0xf7ff;
    const first = c === 0x0a ? (crlf ? 0x0d : 0x0a) : esc ? c - 0xf700 : c < 0x80 ? c : 0xc0;
    const bytes = c === 0x0a ? (crlf ? 2 : 1) : esc || c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n >= max && (n >= max + 3 || ((first < 0x80 || first > 0xbf) && !(first === 0x0a && lastCr)))) {
      out.push(text.slice(from, i));
      from = i;
      n = 0;
    }
    n += bytes;
    lastCr = esc && c === 0xf70d;
    i += len;
  }
  out.push(text.slice(from));
  return out;
}
