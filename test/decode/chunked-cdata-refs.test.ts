/**
 * The XML tokenizer across chunk boundaries: CDATA sections and the "]]>"
 * that ends them, character references, and text, cut at every byte. The
 * expected bytes are written out by hand, never computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { Decoder, toMime } from '../../src/api/codec.js';
import { XmimeError } from '../../src/core/errors.js';
import { utf8 } from '../support/helpers.js';

// eol="lf": a line feed in the text stands for LF (the default, CRLF, would turn each into two bytes).
const M = (body: string) => `<mime xmlns="urn:xmpp:xmime:0" eol="lf"><body>${body}</body></mime>`;
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** Decodes `xml` cut into the given chunks; returns the MIME as latin1, or "error <code>". */
function decodeCut(xml: Uint8Array, cuts: number[]): string {
  const parts: Uint8Array[] = [];
  try {
    const dec = new Decoder((c) => parts.push(c.slice()));
    let at = 0;
    for (const c of [...cuts, xml.length]) {
      dec.push(xml.subarray(at, c));
      at = c;
    }
    dec.end();
  } catch (e) {
    if (!(e instanceof XmimeError)) throw e;
    return `error ${e.code}`;
  }
  return latin1(Buffer.concat(parts));
}

/** Every way to cut `xml` once, and twice within `window` bytes of `near` (the interesting spot). */
function cuts(xml: Uint8Array, near: number, window = 6): number[][] {
  const out: number[][] = [];
  for (let i = 0; i <= xml.length; i++) out.push([i]);
  for (let i = Math.max(0, near - window); i <= Math.min(xml.length, near + window); i++)
    for (let j = i; j <= Math.min(xml.length, near + window); j++) out.push([i, j]);
  return out;
}

describe('CDATA sections in chunks', () => {
  // [body content in XML, the MIME bytes it stands for (latin1 of the UTF-8)]
  const cases: [string, string][] = [
    ['<![CDATA[a]]>b', 'ab'],
    ['<![CDATA[a]]]>', 'a]'],
    ['<![CDATA[a]]]]>', 'a]]'],
    ['<![CDATA[]]>', ''],
    ['<![CDATA[]]]]>>', ']]>'],
    ['<![CDATA[x] ]> ]]y]]>', 'x] ]> ]]y'],
    ['<![CDATA[<&>]]>&amp;', '<&>&'],
    ['<![CDATA[a\r\nb\rc]]>', 'a\nb\nc'], // XML line-end normalization, inside CDATA too
    ['<![CDATA[\u00e9\u20ac\u{1f600}]]>', '\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'],
    ['a<![CDATA[b]]><![CDATA[c]]>d', 'abcd'],
  ];

  it('decode to the same bytes whatever the chunks, "]]>" split in every way', () => {
    for (const [body, want] of cases) {
      const xml = utf8(M(body));
      const near = xml.indexOf(0x5d); // the first ']'
      const bad = cuts(xml, near < 0 ? 0 : near).filter((c) => decodeCut(xml, c) !== want);
      expect(bad.map((c) => `${body} cut at ${c}: ${decodeCut(xml, c)}`)).toEqual([]);
    }
  });

  it('a CDATA section the input ends inside is xml-truncated, whatever the chunks', () => {
    for (const body of ['<![CDATA[a', '<![CDATA[a]', '<![CDATA[a]]', '<![CDATA[a]] >']) {
      const xml = utf8(`<mime xmlns="urn:xmpp:xmime:0"><body>${body}`);
      for (let i = 0; i <= xml.length; i++) expect(decodeCut(xml, [i]), `${body} cut at ${i}`).toBe('error xml-truncated');
    }
  });

  it('a control character inside CDATA is refused, in any chunks', () => {
    const xml = utf8(M('<![CDATA[a]\x01]]>'));
    for (let i = 0; i <= xml.length; i++) expect(decodeCut(xml, [i])).toBe('error xml-char');
  });
});

describe('"]]>" in text', () => {
  it('is refused whole and split across chunks; "]]" and "] ]>" are text', () => {
    const xml = utf8(M('a]]>b'));
    for (let i = 0; i <= xml.length; i++) expect(decodeCut(xml, [i]), `cut at ${i}`).toBe('error xml-syntax');
    for (const [body, want] of [['a]]b', 'a]]b'], ['a] ]>b', 'a] ]>b'], ['a]]&gt;b', 'a]]>b'], [']]', ']]']]) {
      const x = utf8(M(body));
      for (let i = 0; i <= x.length; i++) expect(decodeCut(x, [i]), `${body} cut at ${i}`).toBe(want);
    }
  });
});

describe('character references', () => {
  it('every C0 control but TAB, LF, CR is refused as a reference, decimal and hex', () => {
    for (let c = 0; c < 0x20; c++) {
      for (const ref of [`&#${c};`, `&#x${c.toString(16)};`, `&#x${c.toString(16).toUpperCase().padStart(4, '0')};`, `&#00${c};`]) {
        const xml = utf8(M(`a${ref}b`));
        const allowed = c === 0x09 || c === 0x0a || c === 0x0d;
        for (const cut of [[], [xml.indexOf(0x26) + 2], [xml.indexOf(0x3b)]]) {
          expect(decodeCut(xml, cut), `${ref} cut at ${cut}`).toBe(allowed ? `a${String.fromCharCode(c)}b` : 'error xml-char-ref');
        }
      }
    }
  });

  it('the edges of the XML Char production (XML 1.0 §2.2)', () => {
    const ok: [string, string][] = [
      ['&#x20;', ' '], ['&#x7F;', '\x7f'], ['&#xD7FF;', '\xed\x9f\xbf'], ['&#xE000;', '\xee\x80\x80'],
      ['&#xFFFD;', '\xef\xbf\xbd'], ['&#x10000;', '\xf0\x90\x80\x80'], ['&#x10FFFF;', '\xf4\x8f\xbf\xbf'], ['&#1114111;', '\xf4\x8f\xbf\xbf'],
    ];
    for (const [ref, want] of ok) expect(latin1(toMime(M(ref))), ref).toBe(want);
    for (const ref of ['&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#xFFFF;', '&#x110000;', '&#1114112;', '&#x1F;', '&#31;', '&#8;', '&#x0B;', '&#x0C;']) {
      expect(decodeCut(utf8(M(ref)), []), ref).toBe('error xml-char-ref');
    }
  });
});
