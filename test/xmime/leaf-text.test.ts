/**
 * The leaf-text rules of spec §7.1–§7.4, each encode/decode pair round-trips:
 * byte-valued attributes, the characters of <text>, and the text of a leaf
 * that holds bytes (read back by the decoder).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Eol } from '../../src/core/eol.js';
import { Output } from '../../src/core/output.js';
import { toMime } from '../../src/index.js';
import { attrBytes, bytesAttrToXml, bytesToXml, textFromXml, textToXml } from '../../src/xmime/leaf-text.js';
import { escapeText } from '../../src/xmime/xml-escape.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const te = new TextEncoder();
/** Bytes rich in what the rules treat specially: CR, LF, controls, 8-bit, and pieces of UTF-8. */
const bytes = fc.array(fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x00, 0x09, 0x7f, 0xc2, 0x85, 0xe2, 0x80, 0xa8, 0xef, 0x9c, 0xbf, 0xbe, 0xf0), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }).map((a) => Uint8Array.from(a));
const eols = fc.constantFrom(Eol.CrLf, Eol.Lf);

describe('leaf text', () => {
  it('a byte-valued attribute gives its bytes back (attrBytes ∘ bytesAttrToXml)', () => {
    fc.assert(fc.property(bytes, (b) => hex(attrBytes(bytesAttrToXml(b))) === hex(b)), { seed: 1, numRuns: 2000 });
    expect(bytesAttrToXml(Uint8Array.from([0x61, 0x20, 0x3a, 0xff]))).toBe('a\uf720:\uf7ff');
  });

  it('the characters of <text> come back (textFromXml ∘ textToXml), for either line ending', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('\r', '\n', '\r\n', '\x00', '\x7f', '\x85', 'é', '€', '😀'), fc.string({ maxLength: 3 })), maxLength: 30 });
    fc.assert(
      fc.property(text, eols, (s, eol) => {
        const xml = te.encode(textToXml(s, eol));
        return hex(textFromXml(xml, xml.length, eol, new Output(null))) === hex(te.encode(s));
      }),
      { seed: 2, numRuns: 2000 },
    );
    expect(textToXml('a\r\nb\nc\rd\x01', Eol.CrLf)).toBe('a\nb\uf70ac\uf70dd\uf701');
    expect(textToXml('a\r\nb\nc', Eol.Lf)).toBe('a\uf70d\nb\nc');
  });

  it('the text of a leaf that holds bytes is read back by the decoder as those bytes (bytesToXml)', () => {
    fc.assert(
      fc.property(bytes, eols, (b, eol) => {
        const doc = `<mime xmlns="urn:xmpp:xmime:0"${eol === Eol.Lf ? ' eol="lf"' : ''}><body>${escapeText(bytesToXml(b, eol))}</body></mime>`;
        return hex(toMime(doc)) === hex(b);
      }),
      { seed: 3, numRuns: 2000 },
    );
    expect(bytesToXml(Uint8Array.from([0x61, 0x0d, 0x0a, 0x0a, 0xc3, 0xa9, 0xc3, 0xe2, 0x80, 0xa8]), Eol.CrLf)).toBe('a\n\uf70aé\uf7c3\uf7e2\uf780\uf7a8');
  });
});
