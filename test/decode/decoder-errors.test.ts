/**
 * XMIME that cannot be decoded gives an XmimeError with a stable code and a
 * position; never a crash, a hang or silently different bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, toMime, toXml } from '../../src/api/codec.js';
import { XmimeError, type ErrorCode } from '../../src/core/errors.js';
import { decodeChunks, firstDiff, split, text, utf8 } from '../support/helpers.js';

const M = (inner: string, attrs = '') => `<mime xmlns="urn:xmpp:xmime:0"${attrs}>${inner}</mime>`;

function errorOf(xml: string | Uint8Array): XmimeError {
  try {
    toMime(xml);
  } catch (e) {
    expect(e).toBeInstanceOf(XmimeError);
    return e as XmimeError;
  }
  throw new Error('decoded without error');
}

const cases: [string, string | Uint8Array, ErrorCode][] = [
  ['DTD', '<!DOCTYPE mime><mime xmlns="urn:xmpp:xmime:0"/>', 'xml-dtd'],
  ['billion laughs', '<!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><mime xmlns="urn:xmpp:xmime:0">&b;</mime>', 'xml-dtd'],
  ['external entity', '<!DOCTYPE m SYSTEM "http://example.org/x.dtd"><mime/>', 'xml-dtd'],
  ['comment', M('<!-- hi -->'), 'xml-comment'],
  ['processing instruction', M('<?php x ?>'), 'xml-pi'],
  ['late XML declaration', ` <?xml version="1.0"?>${M('')}`, 'xml-pi'],
  ['undeclared entity', M('<body>&nbsp;</body>'), 'xml-entity'],
  ['&#0;', M('<body>&#0;</body>'), 'xml-char-ref'],
  ['&#xD800;', M('<body>&#xD800;</body>'), 'xml-char-ref'],
  ['&#xFFFE;', M('<body>&#xFFFE;</body>'), 'xml-char-ref'],
  ['&#1;', M('<body>&#1;</body>'), 'xml-char-ref'],
  ['&#x1F;', M('<body>&#x1F;</body>'), 'xml-char-ref'],
  ['&#x0B;', M('<body>&#x0B;</body>'), 'xml-char-ref'],
  ['raw control character', M('<body>\x01</body>'), 'xml-char'],
  ['no namespace', '<mime><body/></mime>', 'xmime-namespace'],
  ['wrong namespace', '<mime xmlns="urn:example"/>', 'xmime-namespace'],
  ['unknown element', M('<attachment/>'), 'xmime-element'],
  ['unknown attribute', M('', ' charset="x"'), 'xmime-attribute'],
  ['bad eol value', M('', ' eol="cr"'), 'xmime-attribute-value'],
  ['part outside a multipart', M('<part/>'), 'xmime-placement'],
  ['a body and a text body', M('<body>a</body><text>b</text>'), 'xmime-placement'],
  ['body pieces that are not adjacent', M('<body>a</body><text>b</text><body>c</body>'), 'xmime-placement'],
  ['an epilogue piece with attributes', M('<multipart boundary="b"><epilogue>a</epilogue><epilogue after="none">b</epilogue></multipart>'), 'xmime-attribute'],
  ['a preamble piece after a part', M('<multipart boundary="b"><preamble>a</preamble><part/><preamble>b</preamble></multipart>'), 'xmime-placement'],
  ['headers after body', M('<body>a</body><headers/>'), 'xmime-placement'],
  ['element inside text', M('<body><part/></body>'), 'xmime-placement'],
  ['root not mime', '<body xmlns="urn:xmpp:xmime:0"/>', 'xmime-placement'],
  ['header without name', M('<headers><header>x</header></headers>'), 'xmime-missing-attribute'],
  ['header name with a space', M('<headers><header name="A B">x</header></headers>'), 'xmime-attribute-value'],
  ['multipart without boundary', M('<multipart/>'), 'xmime-missing-attribute'],
  ['text in a structural element', M('<headers>oops</headers>'), 'xmime-text'],
  ['mismatched tags', M('<body>x</headers>'), 'xml-mismatch'],
  ['unclosed root', '<mime xmlns="urn:xmpp:xmime:0"><body>x</body>', 'xml-truncated'],
  ['empty document', '', 'xml-truncated'],
  ['second root', `${M('')}<mime xmlns="urn:xmpp:xmime:0"/>`, 'xml-trailing'],
  ['text after root', `${M('')}junk`, 'xml-trailing'],
  ['duplicate attribute', M('', ' eol="lf" eol="lf"'), 'xml-duplicate-attribute'],
  ['unbound prefix', '<x:mime xmlns="urn:xmpp:xmime:0"/>', 'xml-namespace'],
  ['invalid UTF-8', Uint8Array.from([...utf8('<mime xmlns="urn:xmpp:xmime:0"><body>'), 0xff, ...utf8('</body></mime>')]), 'xml-utf8'],
  ['UTF-16 BOM', Uint8Array.from([0xff, 0xfe, 0x3c, 0x00]), 'xml-encoding'],
  ['encoding declaration', `<?xml version="1.0" encoding="ISO-8859-1"?>${M('')}`, 'xml-encoding'],
  ['XML 1.1', `<?xml version="1.1"?>${M('')}`, 'xml-version'],
  [']]> in text', M('<body>a]]>b</body>'), 'xml-syntax'],
  ['< in attribute', '<mime xmlns="urn:xmpp:xmime:0" eol="<"/>', 'xml-syntax'],
  ['unquoted attribute', '<mime xmlns=urn:xmpp:xmime:0/>', 'xml-syntax'],
  ['escape with bad hex', M('<body>&#xF7G0;</body>'), 'xml-char-ref'],
  ['escape with no digits', M('<body>&#x;</body>'), 'xml-char-ref'],
  ['escape without semicolon', M('<body>&#xF700 </body>'), 'xml-syntax'],
  ['escape of a surrogate', M('<body>&#xDFFF;</body>'), 'xml-char-ref'],
  ['escape beyond Unicode', M('<body>&#x110000;</body>'), 'xml-char-ref'],
  ['padding that is not white space', M('<multipart boundary="b"><part pad="x"/></multipart>'), 'xmime-attribute-value'],
  ['sep without a colon', M('<headers><header name="A" sep="-">x</header></headers>'), 'xmime-attribute-value'],
  ['boundary longer than 16 KiB', M(`<multipart boundary="${'b'.repeat(16385)}"/>`), 'xmime-attribute-value'],
  ['element in a foreign namespace', M('<x:note xmlns:x="urn:example"/>'), 'xmime-namespace'],
  ['prefixed attribute in the XMIME namespace', '<mime xmlns="urn:xmpp:xmime:0" xmlns:x="urn:xmpp:xmime:0" x:eol="lf"/>', 'xmime-attribute'],
];

/**
 * Where each case's error is, as the text it starts at ('last:' the last such
 * text, '' the end of input): the offending construct itself, the start tag of
 * an element that is wrong where it is, or the reference, byte or attribute.
 */
const AT: Record<string, string> = {
  DTD: '<!DOCTYPE', 'billion laughs': '<!DOCTYPE', 'external entity': '<!DOCTYPE', comment: '<!--', 'processing instruction': '<?php',
  'late XML declaration': '<?xml', 'undeclared entity': '&nbsp;', '&#0;': '&#0;', '&#xD800;': '&#xD800;', '&#xFFFE;': '&#xFFFE;',
  '&#1;': '&#1;', '&#x1F;': '&#x1F;', '&#x0B;': '&#x0B;',
  'a body and a text body': '<text', 'body pieces that are not adjacent': '<text', 'an epilogue piece with attributes': 'last:<epilogue',
  'a preamble piece after a part': 'last:<preamble',
  'raw control character': '\x01', 'no namespace': '<mime', 'wrong namespace': '<mime', 'unknown element': '<attachment',
  'unknown attribute': '<mime', 'bad eol value': '<mime', 'part outside a multipart': '<part', 'two bodies': 'last:<body',
  'headers after body': '<headers', 'element inside text': '<part', 'root not mime': '<body', 'header without name': '<header>',
  'header name with a space': '<header name', 'multipart without boundary': '<multipart', 'text in a structural element': 'oops',
  'mismatched tags': '</headers>', 'unclosed root': '', 'empty document': '', 'second root': 'last:<mime', 'text after root': 'junk',
  'duplicate attribute': 'last:eol=', 'unbound prefix': '<x:mime', 'invalid UTF-8': '\xff', 'UTF-16 BOM': '\xff\xfe',
  'encoding declaration': '<?xml', 'XML 1.1': '<?xml', ']]> in text': ']]>', '< in attribute': '<"', 'unquoted attribute': 'urn:',
  'escape with bad hex': '&#x', 'escape with no digits': '&#x', 'escape without semicolon': '&#x', 'escape of a surrogate': '&#x',
  'escape beyond Unicode': '&#x', 'padding that is not white space': '<part', 'sep without a colon': '<header name',
  'boundary longer than 16 KiB': '<multipart', 'element in a foreign namespace': '<x:note', 'prefixed attribute in the XMIME namespace': '<mime',
};

/** [line, column, offset] of `at` in `xml`, counted here from the bytes (all the cases are ASCII before the error). */
function position(xml: string | Uint8Array, at: string): [number, number, number] {
  const s = Buffer.from(typeof xml === 'string' ? utf8(xml) : xml).toString('latin1');
  const offset = at === '' ? s.length : at.startsWith('last:') ? s.lastIndexOf(at.slice(5)) : s.indexOf(at);
  if (offset < 0) throw new Error(`${at} is not in the input`);
  const before = s.slice(0, offset).split('\n');
  return [before.length, before[before.length - 1].length + 1, offset];
}

describe('decoder errors carry a code and a position', () => {
  for (const [name, xml, code] of cases) {
    it(`${name} → ${code}`, () => {
      const e = errorOf(xml);
      expect(e.code).toBe(code);
      expect(AT[name], `the position of "${name}" is known`).toBeDefined();
      expect([e.line, e.column, e.offset]).toEqual(position(xml, AT[name]));
      expect(e.message).toContain(code);
      expect(e.message).toContain(`${e.line}:${e.column}`);
    });
  }

  it('reports line, column and offset of the offending byte', () => {
    const xml = '<mime xmlns="urn:xmpp:xmime:0">\n  <body>ok</body>\n  <bogus/>\n</mime>';
    const e = errorOf(xml);
    expect(e.code).toBe('xmime-element');
    expect([e.line, e.column, e.offset]).toEqual([3, 3, xml.indexOf('<bogus')]);
    expect(e.excerpt).toContain('<bogus/>');
  });

  it('counts columns in characters, and positions do not depend on chunking', () => {
    const xml = utf8('<mime xmlns="urn:xmpp:xmime:0">\n<body>\u00e9\u00e9</body>\n\u00e9<x/></mime>');
    const whole = errorOf(xml);
    expect([whole.line, whole.column]).toEqual([3, 1]);
    for (const n of [1, 2, 3, 7]) {
      let e: unknown;
      try {
        decodeChunks(split(xml, [n]));
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(XmimeError);
      const x = e as XmimeError;
      expect([x.code, x.line, x.column, x.offset]).toEqual([whole.code, whole.line, whole.column, whole.offset]);
    }
  });

  it('text over maxTextBytes fails at the first byte past the limit, whole and in any chunks', () => {
    const head = '<headers><header name="Content-Type"><media value="text/plain"/></header></headers>';
    for (const [content, at] of [
      ['x'.repeat(10) + '&amp;' + 'y'.repeat(40), 10 + 5 + 19], // byte 31 is the 20th y
      ['x'.repeat(29) + '&lt;&lt;' + 'y'.repeat(9), 29 + 4], // byte 31 is the second '<': its reference
    ] as const) {
      const xml = utf8(M(`${head}<text>${content}</text>`));
      const want = text(xml).indexOf('<text>') + 6 + at;
      const codes = new Set<string>();
      for (const n of [xml.length, 1, 2, 3, 5, 7, 16]) {
        const dec = new Decoder(() => {}, { maxTextBytes: 30 });
        try {
          for (const c of split(xml, [n])) dec.push(c);
          dec.end();
        } catch (e) {
          codes.add(`${(e as XmimeError).code} @${(e as XmimeError).offset}`);
        }
      }
      expect([...codes]).toEqual([`limit-text @${want}`]);
    }
  });

  // A whole tag is read in one pass; a tag cut by a chunk boundary is scanned for its '>' first.
  // Either way the first error must be the same one, at the same offset.
  const errorAt = (chunks: Uint8Array[]): string => {
    try {
      decodeChunks(chunks);
      return 'ok';
    } catch (err) {
      const x = err as XmimeError;
      return `${x.code} @${x.offset} ${x.message}`;
    }
  };
  it('a malformed tag gives the same first error whole and cut into chunks', () => {
    const tags = ['<a b c <d>', '<a b="<" c>', '<a b="x"/ >', '<a b="x"c="y">', "<a b='x\"' c>", '<a =x>', '< a>', '<a b = >', '<a b="x" b="y">',
      '<a x:b="1">', '<a xmlns:x="urn:x" x:b="1" x:b="2">', '<a b="&bogus;" <>', '<a\u00e9="1">', '<a b="x">', '</mime x>', '</mime"x">', '<a b="1"\u0001>', '<a b="x\u0001">'];
    for (const t of tags) {
      const xml = utf8(M(t + '</a>'));
      const whole = errorAt([xml]);
      for (const n of [1, 2, 3, 5, 11]) expect(errorAt(split(xml, [n])), `${t} in ${n}-byte chunks`).toBe(whole);
    }
  });

  it('mutated tags give the same result whole and in random chunks (property)', () => {
    const base = utf8(toXml(utf8('Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nhi\r\n--b--\r\n')));
    const junk = [0x3c, 0x3e, 0x2f, 0x22, 0x27, 0x3d, 0x20, 0x26, 0x3a, 0x78, 0x01, 0xc3];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.constantFrom(...junk)), { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }), (edits, sizes) => {
        const b = base.slice();
        for (const [at, c] of edits) b[at % b.length] = c;
        expect(errorAt(split(b, sizes))).toBe(errorAt([b]));
      }),
      { numRuns: 300 },
    );
  });

  it('every truncation of a valid document is an error, never wrong output', () => {
    const mime = utf8('From a@b\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\n\r\nbody \u00e9\x00\r\n--b--\r\nepi');
    const xml = utf8(toXml(mime));
    for (let cut = 0; cut < xml.length; cut++) {
      let out: Uint8Array | null = null, e: unknown = null;
      try {
        out = toMime(xml.subarray(0, cut));
      } catch (err) {
        e = err;
      }
      // A cut inside the trailing newline after </mime> still decodes, to the same bytes.
      if (e === null) {
        expect(text(xml.subarray(cut)).trim()).toBe('');
        expect(firstDiff(out!, mime)).toBe(-1);
      } else {
        expect(e).toBeInstanceOf(XmimeError);
        // A cut inside a UTF-8 sequence leaves invalid UTF-8, one inside a reference an '&' without ';'; any other, a document not ended.
        const want = cut < xml.length && (xml[cut] & 0xc0) === 0x80 ? 'xml-utf8' : /&[#\w]*$/.test(text(xml.subarray(0, cut))) ? 'xml-syntax' : 'xml-truncated';
        expect((e as XmimeError).code, `cut at ${cut}`).toBe(want);
      }
    }
  });

  it('rejects nesting beyond the depth limit without a stack overflow', () => {
    const deep = '<mime xmlns="urn:xmpp:xmime:0">' + '<message>'.repeat(1_000_000);
    expect(errorOf(deep).code).toBe('limit-depth');
  });

  it('stops a 100 MB attribute value early, in bounded memory', () => {
    const dec = new Decoder(() => {});
    const mb = utf8('a'.repeat(1 << 20));
    let fed = 0, err: unknown;
    try {
      dec.push('<mime xmlns="urn:xmpp:xmime:0" x="');
      for (; fed < 100; fed++) dec.push(mb);
    } catch (e) {
      err = e;
    }
    expect((err as XmimeError).code).toBe('limit-tag');
    expect(fed).toBeLessThanOrEqual(2); // rejected once the tag passed maxTagBytes, not at the end
  });

  it('rejects an oversized tag', () => {
    const huge = `<mime xmlns="urn:xmpp:xmime:0" x="${'a'.repeat(2 << 20)}"/>`;
    expect(errorOf(huge).code).toBe('limit-tag');
  });

  it('a lone surrogate in string input is an error at its exact position, one-shot or streamed', () => {
    const e = errorOf('<mime xmlns="urn:xmpp:xmime:0">\n<body>ab\ud800c</body></mime>');
    expect([e.code, e.line, e.column, e.offset]).toEqual(['xml-char', 2, 9, 40]);
    expect(() => decodeChunks(['<mime xmlns="urn:xmpp:xmime:0"><body>x\ud83d'])).toThrow(/xml-char at 1:39/);
    // A pair split between two strings is fine.
    expect(text(decodeChunks(['<mime xmlns="urn:xmpp:xmime:0"><body>x\ud83d', '\ude00</body></mime>']))).toBe('x\u{1f600}');
  });

  it('accepts what conformant XML tools may produce', () => {
    const variants = [
      `<?xml version='1.0' encoding='utf-8'?>\n<x:mime xmlns:x='urn:xmpp:xmime:0' eol='lf'><x:body><![CDATA[a<b&]]>&#x41;&#65;</x:body></x:mime>`,
      `\ufeff<mime eol="lf" xmlns="urn:xmpp:xmime:0" xmlns:ext="urn:example" ext:note="ignored"><body>a&lt;b&amp;AA</body></mime>`,
      `<mime xmlns="urn:xmpp:xmime:0"><body>a&#x0000000000003C;b&#00000038;&#x41;&#65;</body></mime>`,
    ];
    for (const v of variants) expect(text(toMime(v))).toBe('a<b&AA');
  });
});
