/**
 * The excerpt an error shows: the text around an offset, with line feeds as
 * U+2424 and other controls as U+FFFD so that it prints on one line.
 * @module
 */

const dec = new TextDecoder('utf-8', { ignoreBOM: true });

/** Up to 30 bytes either side of `d[at]`, decoded (invalid UTF-8 as U+FFFD), on one line. */
export function excerptAt(d: Uint8Array, at: number): string {
  const from = Math.max(0, at - 30), to = Math.min(d.length, at + 30);
  // eslint-disable-next-line no-control-regex
  return dec.decode(d.subarray(from, to)).replace(/[\u0000-\u001f]/g, (c) => (c === '\n' ? '\u2424' : '\ufffd'));
}

/** Line and column (1-based, in characters) of byte offset `at` of a whole input `d`. */
export function lineColumn(d: Uint8Array, at: number): { line: number; column: number } {
  let line = 1, lineStart = 0;
  for (let i = d.indexOf(0x0a); i >= 0 && i < at; i = d.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (let i = lineStart; i < at; i++) if ((d[i] & 0xc0) !== 0x80) column++;
  return { line, column };
}
