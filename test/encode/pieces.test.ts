/**
 * Pieces (spec §9.7.1): long body, preamble and epilogue content is cut into
 * consecutive same-named elements, between characters, independently of
 * chunking, and every reader joins them back.
 */
import { DOMImplementation, DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DEPTH, parse, toElement, toMime, toXml } from '../../src/index.node.js';
import { DEFAULT_MAX_PIECE_BYTES } from '../../src/encode/pieces.js';
import { parseTree } from '../../src/tree/xml-tree.js';
import { concat, encodeChunks, firstDiff, randomSizes, split, utf8 } from '../support/helpers.js';

const NS = 'urn:xmpp:xmime:0';

/** The text of each element named `name`, as an XML parser reports it. */
function texts(xml: string, name: string): string[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return Array.from(doc.getElementsByTagNameNS(NS, name), (e) => e.textContent ?? '');
}

/** Bytes that stress the cut: multi-byte characters, CR LF, bare CR, invalid bytes, "]]>". */
const tricky = fc.array(
  fc.constantFrom(...['a', '€', '😀', '\r\n', '\r', '\n', ']]>', '<&'].map(utf8), new Uint8Array([0x80]), new Uint8Array([0xe2, 0x82]), new Uint8Array([0xff]), new Uint8Array([0xf0, 0x9f, 0x98])),
  { maxLength: 300 },
).map((a) => concat(a));

describe('pieces', () => {
  it('default: 1 MiB, so a text node holds at most 3 MiB + 9 bytes', () => {
    expect(DEFAULT_MAX_PIECE_BYTES).toBe(1 << 20);
    const body = new Uint8Array(2_500_000).map((_, i) => 0x80 + (i % 64)); // not UTF-8: 3 bytes of XML each
    const mail = concat([utf8('Content-Type: application/octet-stream\r\n\r\n'), body]);
    const xml = toXml(mail);
    const pieces = texts(xml, 'body');
    expect(pieces.length).toBe(3);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(3 * ((1 << 20) + 3));
    expect(firstDiff(toMime(xml), mail)).toBe(-1);
  });

  it('maxPieceBytes: Infinity writes one element; the decoder reads both', () => {
    const mail = concat([utf8('Content-Type: application/octet-stream\r\n\r\n'), new Uint8Array(3 << 20).fill(0x41)]);
    const one = toXml(mail, { maxPieceBytes: Infinity });
    expect(texts(one, 'body').length).toBe(1);
    expect(firstDiff(toMime(one), mail)).toBe(-1);
    expect(texts(toXml(mail), 'body').length).toBe(3);
    expect(() => toXml(mail, { maxPieceBytes: 0 })).toThrow(RangeError);
  });

  it('pieces hold max to max+3 bytes, never split a character or a line ending, and join to the uncut text', () => {
    fc.assert(
      fc.property(tricky, fc.integer({ min: 1, max: 12 }), fc.constantFrom('\r\n', '\n'), (body, max, eol) => {
        for (const [head, name] of [
          [`Content-Type: application/octet-stream${eol}${eol}`, 'body'],
          [`Content-Type: multipart/mixed; boundary=b${eol}${eol}`, 'preamble'],
        ] as const) {
          const mail = concat([utf8(head), body]);
          const cut = toXml(mail, { maxPieceBytes: max });
          const whole = toXml(mail, { maxPieceBytes: Infinity });
          expect(firstDiff(toMime(cut), mail)).toBe(-1);
          const pieces = texts(cut, name);
          // The parsed text of the pieces is the parsed text of the whole: no byte escaped differently.
          expect(pieces.join('')).toBe(texts(whole, name).join(''));
          // Each piece but the last carries max..max+3 bytes of the mail (a line feed stands for the document's line ending).
          const bytes = (s: string): number => utf8(s.replace(/[\uf700-\uf7ff]/g, 'x')).length + (eol === '\r\n' ? (s.match(/\n/g) ?? []).length : 0);
          pieces.slice(0, -1).forEach((p) => {
            expect(bytes(p)).toBeGreaterThanOrEqual(max);
            expect(bytes(p)).toBeLessThanOrEqual(max + 3);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the cut does not depend on how the input is chunked', () => {
    fc.assert(
      fc.property(tricky, fc.integer({ min: 1, max: 9 }), (body, seed) => {
        const mail = concat([utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n'), body, utf8('\r\n--b\r\n\r\nx\r\n--b--\r\n'), body]);
        const chunks = split(mail, randomSizes(seed, 64, 7));
        // The push-style encoder with its default options, against a one-shot encode at the default piece size.
        const big = concat([mail, new Uint8Array(DEFAULT_MAX_PIECE_BYTES + 5).fill(0x80), body]);
        expect(new TextDecoder().decode(encodeChunks(chunks))).toBe(toXml(mail));
        expect(new TextDecoder().decode(encodeChunks(split(big, randomSizes(seed, 64, 300_000))))).toBe(toXml(big));
      }),
      { numRuns: 20 },
    );
  });

  it('toElement cuts the same pieces as toXml (the tree is cut on characters, the writer on bytes)', () => {
    const doc = new DOMImplementation().createDocument(null, null);
    fc.assert(
      fc.property(tricky, fc.integer({ min: 1, max: 12 }), fc.constantFrom('\r\n', '\n'), (body, max, eol) => {
        const mail = concat([utf8(`Content-Type: multipart/mixed; boundary=b${eol}${eol}`), body, utf8(`${eol}--b${eol}${eol}`), body, utf8(`${eol}--b--${eol}`), body]);
        const el = toElement(doc, mail, { maxPieceBytes: max }) as unknown as Element;
        for (const name of ['preamble', 'body', 'epilogue']) {
          const fromElement = Array.from(el.getElementsByTagNameNS(NS, name), (e) => e.textContent ?? '');
          expect(fromElement, name).toEqual(texts(toXml(mail, { maxPieceBytes: max }), name));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an epilogue piece has no attributes; the first keeps the delimiter line', () => {
    const mail = utf8('Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--  \r\nabcdefghijkl');
    const xml = toXml(mail, { maxPieceBytes: 4 });
    const ep = [...xml.matchAll(/<epilogue[^>]*>/g)].map((m) => m[0]);
    expect(ep[0]).toBe('<epilogue pad="&#xF720;&#xF720;" after="crlf">');
    expect(ep.slice(1).every((t) => t === '<epilogue>')).toBe(true);
    expect(ep.length).toBe(3);
    expect(firstDiff(toMime(xml), mail)).toBe(-1);
  });

  it('the tree and the message API see one body', () => {
    const data = new Uint8Array(3_000_000).map((_, i) => (i * 7) & 0xff);
    const b64 = Buffer.from(data).toString('base64').replace(/.{76}/g, '$&\r\n');
    const mail = utf8(`Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b--\r\n`);
    const xml = toXml(mail);
    expect(texts(xml, 'body').length).toBeGreaterThan(3);
    const part = parseTree(xml).root.kids.find((k) => k.name === 'multipart')!.kids[0];
    expect(part.kids.filter((k) => k.name === 'body').length).toBe(1);
    const [att] = parse(xml).attachments();
    expect(firstDiff(att.bytes, data)).toBe(-1);
  });

  it('nesting: the default maxDepth is 100, and the deepest document nests 205 elements', () => {
    expect(DEFAULT_MAX_DEPTH).toBe(100);
    const n = 150;
    const open = Array.from({ length: n }, (_, i) => `Content-Type: multipart/mixed; boundary=n${i}\r\n\r\n--n${i}\r\n`).join('');
    const close = Array.from({ length: n }, (_, i) => `\r\n--n${n - 1 - i}--\r\n`).join('');
    const mail = utf8(`${open}To: team: A <a@example.org>;\r\n\r\nx${close}`);
    const xml = toXml(mail);
    expect((xml.match(/<multipart /g) ?? []).length).toBe(100);
    let depth = 0, max = 0;
    for (const m of xml.matchAll(/<(\/?)[a-z-]+[^>]*?(\/?)>/g)) {
      if (m[1] === '/') depth--;
      else if (m[2] !== '/') max = Math.max(max, ++depth);
    }
    expect(max).toBeLessThanOrEqual(205);
    expect(firstDiff(toMime(xml), mail)).toBe(-1);
  });
});
