/**
 * The MIME tokenizer's exact limits (spec §9.5, table of attributes: `pad` is
 * at most 1000 bytes): each edge is tested on both sides, whole and in chunks,
 * so an off-by-one in a comparison changes a test's outcome.
 */
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { MAX_PAD } from '../../src/encode/mime-tokenizer.js';
import { MAX_BOUNDARY } from '../../src/xmime/events.js';
import { encodeChunks, firstDiff, split, utf8 } from '../support/helpers.js';

/** A multipart whose delimiter and close-delimiter lines carry `pad` after the boundary. */
const mail = (boundary: string, pad: string): Uint8Array =>
  utf8(`Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}${pad}\r\n\r\nx\r\n--${boundary}--${pad}\r\n`);

/** The number of <part> and <epilogue> elements, counted in the XML, whole and in several chunkings (all must agree). */
function delimiters(mime: Uint8Array): [number, number] {
  const xml = toXml(mime);
  for (const n of [1, 7, 64, 1001]) expect(new TextDecoder().decode(encodeChunks(split(mime, [n])))).toBe(xml);
  expect(firstDiff(toMime(xml), mime)).toBe(-1);
  return [(xml.match(/<part[ >]/g) ?? []).length, (xml.match(/<epilogue[ >]/g) ?? []).length];
}

describe('transport padding after a boundary (MAX_PAD)', () => {
  it('is 1000 bytes', () => {
    expect(MAX_PAD).toBe(1000); // the spec's number: implementations in other languages use it too
  });

  it('a line with exactly 1000 pad characters is a delimiter; with 1001 it is body text', () => {
    const ws = (n: number) => ' \t'.repeat(n).slice(0, n);
    expect(delimiters(mail('b', ws(999)))).toEqual([1, 1]);
    expect(delimiters(mail('b', ws(1000)))).toEqual([1, 1]);
    expect(delimiters(mail('b', ws(1001)))).toEqual([0, 0]);
  });

  it('the 1000 pad characters are kept in @pad, exactly', () => {
    const pad = '\t'.repeat(500) + ' '.repeat(500);
    const xml = toXml(mail('b', pad));
    // In attributes the encoder writes HTAB and SP as the escapes U+F709 and U+F720 (spec §6).
    expect(xml).toContain(`pad="${'&#xF709;'.repeat(500)}${'&#xF720;'.repeat(500)}"`);
  });

  it('the longest delimiter line (a 16 KiB boundary, "--", 1000 pad) is still a delimiter', () => {
    const b = 'q'.repeat(MAX_BOUNDARY);
    expect(delimiters(mail(b, ' '.repeat(MAX_PAD)))).toEqual([1, 1]);
    expect(delimiters(mail(b, ' '.repeat(MAX_PAD + 1)))).toEqual([0, 0]);
  });

  it('pad at the end of input (no line ending) counts the same way', () => {
    const tail = (n: number) => utf8(`Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--${' '.repeat(n)}`);
    expect(delimiters(tail(MAX_PAD))).toEqual([1, 1]);
    expect(delimiters(tail(MAX_PAD + 1))).toEqual([1, 0]);
  });
});
