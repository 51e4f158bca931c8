/**
 * The input side of the XML tokenizer (src/decode/xml-input.ts): attribute
 * values (XML 1.0 §3.3.3 normalization, references, refused characters),
 * character and entity references (§4.1, §4.6) and the UTF-8 of what they
 * stand for, names outside ASCII, and the error each refusal gives (code,
 * offset and a detail naming what was refused: promise 6). Attribute values
 * are observed through `multipart/@boundary`, whose bytes the decoder writes
 * out (spec §7.2); the expected bytes are written by hand.
 */
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/api/codec.js';
import { XmimeError } from '../../src/core/errors.js';

const enc = new TextEncoder();
const M = (inner: string) => `<mime xmlns="urn:xmpp:xmime:0" eol="lf">${inner}</mime>`;
/** A multipart whose boundary attribute is `v` (as written in the XML): the output starts "--" + the boundary bytes + LF. */
const B = (v: string) => M(`<multipart boundary="${v}"><part/></multipart>`);

/** Decodes XML (text or bytes) in the given chunks; returns the MIME as latin1, or "error <code> @<offset>: <message>". */
function run(xml: string | Uint8Array, cuts: number[] = []): string {
  const b = typeof xml === 'string' ? enc.encode(xml) : xml;
  const parts: Uint8Array[] = [];
  try {
    const dec = new Decoder((c) => parts.push(c.slice()));
    let at = 0;
    for (const c of [...cuts, b.length]) {
      dec.push(b.subarray(at, c));
      at = c;
    }
    dec.end();
  } catch (e) {
    if (!(e instanceof XmimeError)) throw e;
    return `error ${e.code} @${e.offset}: ${e.message.replace(/^[a-z0-9-]+ at \d+:\d+: /, '')}`;
  }
  return Buffer.concat(parts).toString('latin1');
}
const boundary = (v: string | Uint8Array) => {
  const out = run(typeof v === 'string' ? B(v) : v);
  return out.startsWith('error') ? out : out.slice(2, -1);
};
/** The offset of the first `needle` in the XML of B(v) (where an error must point). */
const at = (v: string, needle: string) => enc.encode(B(v).slice(0, B(v).indexOf(needle, B(v).indexOf('boundary=')))).length;

describe('attribute values (XML 1.0 §3.3.3)', () => {
  it('literal TAB, LF, CR and CR LF each become one space, with or without a reference before them', () => {
    const cases: [string, string][] = [
      ['a\tb', 'a b'], ['a\nb', 'a b'], ['a\rb', 'a b'], ['a\r\nb', 'a b'], ['a\r\r\nb', 'a  b'], ['a\n\rb', 'a  b'],
      ['&amp;\tb', '& b'], ['&amp;\nb', '& b'], ['&amp;\rb', '& b'], ['&amp;\r\nb', '& b'], ['&amp;\r\r\nb', '&  b'], ['&amp;b\r', '&b '],
      ['&amp;\r\n', '& '], ['&amp; b', '& b'], ['&amp;~\x7f', '&~\x7f'],
    ];
    for (const [v, want] of cases) expect(boundary(v), JSON.stringify(v)).toBe(want);
  });

  it('the first character of a value is checked and normalized like any other', () => {
    for (const [v, want] of [['\tb', ' b'], ['\nb', ' b'], ['\r\nb', ' b'], [' b', ' b'], ['\t', ' ']]) expect(boundary(v), JSON.stringify(v)).toBe(want);
    for (const c of ['\x01', '\x1f']) expect(boundary(`${c}a`)).toBe(`error xml-char @${at(`${c}a`, c)}: control character U+00${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    // A lone continuation byte 0x80 first, and after a reference.
    for (const pre of ['', '&amp;']) {
      const xml = enc.encode(B(`${pre}~a`));
      const i = xml.indexOf(0x7e);
      xml[i] = 0x80;
      expect(boundary(xml), pre).toBe(`error xml-utf8 @${i}: invalid UTF-8`);
    }
  });

  it('character references to TAB, LF and CR are kept as those characters (not normalized)', () => {
    expect(boundary('a&#9;b&#xA;c&#13;d')).toBe('a\tb\nc\rd');
  });

  it('the five predefined entities, and characters of every UTF-8 length around them', () => {
    expect(boundary('&lt;&gt;&amp;&quot;&apos;')).toBe('<>&"\'');
    // UTF-8 bytes as latin1: é = C3 A9, € = E2 82 AC, 😀 = F0 9F 98 80.
    expect(boundary('é&amp;é€😀')).toBe('\xc3\xa9&\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80');
    expect(boundary('é€😀')).toBe('\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80');
  });

  it("'<', a control character and invalid UTF-8 are refused, before and after a reference", () => {
    expect(boundary('a<b')).toBe(`error xml-syntax @${at('a<b', '<')}: '<' in an attribute value`);
    expect(boundary('&amp;<b')).toBe(`error xml-syntax @${at('&amp;<b', '<b')}: '<' in an attribute value`);
    for (const c of ['\x01', '\x08', '\x1f']) {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      expect(boundary(`a${c}`)).toBe(`error xml-char @${at(`a${c}`, c)}: control character U+${hex}`);
      expect(boundary(`&amp;${c}`)).toBe(`error xml-char @${at(`&amp;${c}`, c)}: control character U+${hex}`);
    }
    for (const pre of ['a', '&amp;']) {
      const xml = enc.encode(B(`${pre}\u00e9b`));
      const i = xml.indexOf(0xc3);
      xml[i + 1] = 0x41; // C3 41: a lead byte without its continuation
      expect(boundary(xml), pre).toBe(`error xml-utf8 @${i}: invalid UTF-8`);
    }
  });

  it('U+FFFE and U+FFFF written as UTF-8 are refused; their neighbours are not', () => {
    for (const pre of ['a', '&amp;']) {
      for (const ch of ['\ufffe', '\uffff']) expect(boundary(`${pre}${ch}`), `${pre} U+${ch.charCodeAt(0).toString(16)}`).toBe(`error xml-char @${at(`${pre}${ch}`, ch)}: U+FFFE and U+FFFF are not XML characters`);
      // U+FFFD (EF BF BD), U+EFFE (EE BF BE), U+FBBE after U+00BF (C2 BF EF AE BE), U+07FE (DF BE).
      expect(boundary(`${pre}\ufffd\ueffe\u00bf\ufbbe\u07fe`)).toBe(`${pre === 'a' ? 'a' : '&'}\xef\xbf\xbd\xee\xbf\xbe\xc2\xbf\xef\xae\xbe\xdf\xbe`);
    }
  });

  it('a reference left open at the end of the value is refused, even when a ";" follows later in the tag', () => {
    const xml = M('<multipart boundary="a&amp" f:x=";" xmlns:f="urn:f"><part/></multipart>');
    expect(run(xml)).toBe(`error xml-syntax @${xml.indexOf('&')}: '&' must start a reference ending in ';'`);
  });
});

describe('character and entity references (XML 1.0 §4.1)', () => {
  it('decode to the UTF-8 of their character at every length edge, in text and in attributes', () => {
    const cases: [string, string][] = [
      ['&#x7F;', '\x7f'], ['&#x80;', '\xc2\x80'], ['&#x7FF;', '\xdf\xbf'], ['&#x800;', '\xe0\xa0\x80'],
      ['&#xFFFD;', '\xef\xbf\xbd'], ['&#x10000;', '\xf0\x90\x80\x80'], ['&#128;', '\xc2\x80'], ['&#2047;', '\xdf\xbf'], ['&#2048;', '\xe0\xa0\x80'],
      ['&#x00000041;', 'A'], ['&#0000000065;', 'A'], ['&#xaF;', '\xc2\xaf'], ['&#xAf;', '\xc2\xaf'], ['&#x20ac;', '\xe2\x82\xac'],
    ];
    for (const [ref, want] of cases) {
      expect(run(M(`<body>${ref}</body>`)), ref).toBe(want);
      expect(boundary(ref), ref).toBe(want);
    }
  });

  it('malformed character references are xml-char-ref, naming the reference', () => {
    for (const ref of ['&#;', '&#x;', '&#X41;', '&#xG;', '&#x4G;', '&#a;', '&#1a;', '&#-1;', '&#x-1;', '&#x@;', '&#x`;', '&#x4@;', '&#x110000;', '&#x10FFFF0;', '&#99999999999999999999;', '&#x 41;']) {
      const xml = M(`<body>a${ref}</body>`);
      expect(run(xml), ref).toBe(`error xml-char-ref @${xml.indexOf('&')}: ${ref} is not an XML character`);
      expect(boundary(ref), ref).toBe(`error xml-char-ref @${at(ref, '&')}: ${ref} is not an XML character`);
    }
  });

  it('only the five predefined entities exist: names one letter off are undeclared, naming the entity', () => {
    for (const ref of ['&l;', '&lx;', '&gq;', '&lt1;', '&ltx;', '&gtt;', '&xt;', '&at;', '&g;', '&am;', '&amx;', '&ampp;', '&xmp;', '&axp;', '&abc;', '&quo;', '&quott;', '&quox;', '&xuot;', '&apo;', '&aposs;', '&apox;', '&xpos;', '&x;', '&LT;', '&Amp;']) {
      const xml = M(`<body>a${ref}</body>`);
      expect(run(xml), ref).toBe(`error xml-entity @${xml.indexOf('&')}: undeclared entity ${ref}`);
      expect(boundary(ref), ref).toBe(`error xml-entity @${at(ref, '&')}: undeclared entity ${ref}`);
    }
  });

  it('a reference of up to 1024 bytes, "&" to ";", is read whole and in any chunks; a longer one is refused', () => {
    const ref = (len: number) => `&#x${'0'.repeat(len - 6)}41;`; // & # x zeros 4 1 ;
    const ok = M(`<body>a${ref(1024)}b</body>`);
    const long = M(`<body>a${ref(1025)}b</body>`);
    const amp = ok.indexOf('&');
    // A chunk that ends after 1024 bytes of the longer one must fail as the whole input does.
    for (const cut of [[], [amp + 1], [amp + 512], [amp + 1023], [amp + 1024], [amp + 1, amp + 1000]]) {
      expect(run(ok, cut), `cut at ${cut}`).toBe('aAb');
      expect(run(long, cut), `cut at ${cut}`).toBe(`error xml-syntax @${amp}: '&' must start a reference ending in ';'`);
    }
    expect(boundary(ref(1024))).toBe('A');
    expect(boundary(ref(1025))).toBe(`error xml-syntax @${at(ref(1025), '&')}: '&' must start a reference ending in ';'`);
  });

  it('a reference that the input ends inside is refused, whatever the chunks', () => {
    const xml = '<mime xmlns="urn:xmpp:xmime:0"><body>a&amp';
    for (let i = 0; i <= xml.length; i++) expect(run(xml, [i]), `cut at ${i}`).toBe(`error xml-syntax @${xml.indexOf('&')}: '&' must start a reference ending in ';'`);
    expect(run(M('<body>a&amp</body>'))).toBe(`error xml-syntax @${M('<body>a&amp</body>').indexOf('&')}: '&' must start a reference ending in ';'`);
  });
});

describe('names outside ASCII', () => {
  it('an undeclared entity is named as written', () => {
    const xml = M('<body>&\u00e9t\u00e9;</body>');
    expect(run(xml)).toBe(`error xml-entity @${xml.indexOf('&')}: undeclared entity &\u00e9t\u00e9;`);
  });

  it('are read as UTF-8, so an error names them as written', () => {
    const xml = M('<é/>');
    expect(run(xml)).toBe(`error xmime-element @${enc.encode(xml.slice(0, xml.indexOf('<é'))).length}: XMIME has no element <é>`);
  });
});
