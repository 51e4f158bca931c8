/**
 * The XML tokenizer: well-formedness and namespaces as XML 1.0 says, limits
 * at their exact edges, positions and results independent of chunking, and
 * linear time (findings of the 2026-11-21 review among them).
 */
import { describe, expect, it } from 'vitest';
import { XmlTokenizer } from '../../src/decode/xml-tokenizer.js';
import { Decoder, toMime, toXml } from '../../src/api/codec.js';
import { XmimeError } from '../../src/core/errors.js';
import { concat } from '../../src/core/bytes.js';
import { decodeChunks, randomSizes, split, text, timeRatio, utf8 } from '../support/helpers.js';

const M = '<mime xmlns="urn:xmpp:xmime:0">';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function errorOf(f: () => unknown): XmimeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(XmimeError);
    return e as XmimeError;
  }
  throw new Error('no error');
}

describe('XML tokenizer', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, k) => `${k.toString(36).padStart(8, 'Q')}${'QUJD'.repeat(17)}\r\n`).join('');

  it('a CR ending a chunk before markup does not swallow a later LF', () => {
    for (const parts of [[`${M}\r`, '<body>\nX</body></mime>'], [`${M}<body>a\r`, '<![CDATA[\nb]]></body></mime>']]) {
      expect(hex(decodeChunks(parts))).toBe(hex(toMime(parts.join(''))));
    }
  });

  it('U+FEFF is data in names and attribute values', () => {
    expect(text(toMime(`${M}<multipart boundary="&#xFEFF;b"><part/></multipart></mime>`))).toBe('--\ufeffb\r\n');
    expect(errorOf(() => toMime('<mime xmlns="&#xFEFF;urn:xmpp:xmime:0"/>')).code).toBe('xmime-namespace');
    expect(errorOf(() => toMime('<\ufeffmime xmlns="urn:xmpp:xmime:0"/>')).code).toBe('xmime-element');
    expect(toMime('<\ufeffa:mime xmlns:\ufeffa="urn:xmpp:xmime:0"/>').length).toBe(0);
  });

  it('names follow the XML Name productions; xmlns: needs a local part', () => {
    for (const bad of [
      `<mime xmlns="urn:xmpp:xmime:0" xmlns:a="x" a:b\u00d7="1"/>`,
      `<x\u00d7:mime xmlns:x\u00d7="urn:xmpp:xmime:0"/>`,
      `<mime\u037e xmlns="urn:xmpp:xmime:0"/>`,
      `<mime xmlns:="urn:xmpp:xmime:0"/>`,
      `<mime xmlns="urn:xmpp:xmime:0" xmlns:a:b="x"/>`,
    ])
      expect(() => toMime(bad), bad).toThrow(XmimeError);
  });

  it('at most one byte order mark, and many give a clear error', () => {
    expect(() => toMime('\ufeff\ufeff<mime xmlns="urn:xmpp:xmime:0"/>')).toThrow(XmimeError);
    expect(errorOf(() => toMime('\ufeff'.repeat(100_000) + '<mime xmlns="urn:xmpp:xmime:0"/>')).code).toBe('xml-syntax');
  });

  it('the XML declaration takes only XML white space', () => {
    for (const bad of ['<?xml version="1.0"\u00a0?><mime xmlns="urn:xmpp:xmime:0"/>', '<?xml version\f=\f"1.0"?><mime xmlns="urn:xmpp:xmime:0"/>'])
      expect(() => toMime(bad)).toThrow(XmimeError);
  });

  it('error code and position do not depend on chunking', () => {
    for (const doc of [`${M}]]></mime>`, `${M}\n&#62;</mime>`, `${M}x]]]>y</mime>`]) {
      const whole = errorOf(() => toMime(doc));
      for (const n of [1, 2, 3, 5]) {
        const e = errorOf(() => decodeChunks(split(utf8(doc), [n])));
        expect([e.code, e.offset, e.line, e.column]).toEqual([whole.code, whole.offset, whole.line, whole.column]);
      }
    }
    expect(errorOf(() => toMime(`${M}\n&#62;</mime>`)).offset).toBe(M.length + 1);
  });

  it('namespace lookups stay linear with many declarations', () => {
    const doc = (n: number) => {
      const decl = Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:x${i}"`).join('');
      const attrs = Array.from({ length: n }, (_, i) => ` p${i}:a="1"`).join('');
      return utf8(`<mime xmlns="urn:xmpp:xmime:0"${decl}><body${attrs}>x</body></mime>`);
    };
    const small = doc(10_000), big = doc(20_000);
    expect(timeRatio(() => toMime(small), () => toMime(big), 3)).toBeLessThan(3);
  });

  it('maxTagBytes is the exact tag length allowed', () => {
    const doc = `${M}</mime>`; // the start tag is 31 bytes
    expect(toMime(doc, { maxTagBytes: 31 }).length).toBe(0);
    expect(errorOf(() => toMime(doc, { maxTagBytes: 30 })).code).toBe('limit-tag');
    const parts: Uint8Array[] = [];
    const dec = new Decoder((c) => parts.push(c), { maxTagBytes: 31 });
    for (const c of split(utf8(doc), [1])) dec.push(c);
    dec.end();
    expect(concat(parts).length).toBe(0);
  });

  it('long bodies of many lines decode exactly, whole and in any chunks', () => {
    for (const n of [1, 63, 70_000]) {
      const mime = utf8('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n' + lines(n) + 'tail');
      const xml = utf8(toXml(mime, { readable: false }));
      expect(hex(toMime(xml))).toBe(hex(mime));
      expect(hex(toMime(text(xml)))).toBe(hex(mime));
      for (const sizes of [[65_536], [1000, 77, 3], randomSizes(n, 64, 40_000)])
        expect(hex(decodeChunks(split(xml, sizes)))).toBe(hex(mime));
    }
  });

  it('errors after and inside long text runs give the right line and column, whole and in any chunks', () => {
    const body = lines(70_000).replace(/\r\n/g, '\n');
    const docs = [
      `${M}<body>${body}</body>\n  <bogus/></mime>`, // after the run: line 70,002, column 3
      `${M}<body>${body.slice(0, 77 * 50_000 + 5)}\u0001${body.slice(77 * 50_000 + 5)}</body></mime>`, // inside it
      `${M}<body>${body.slice(0, 77 * 69_000)}\r\n${body.slice(77 * 69_000)}</body>\n<bogus/></mime>`, // a CRLF in it
    ];
    const want = [[70_002, 3], [50_001, 6], [70_003, 1]];
    docs.forEach((doc, k) => {
      const xml = utf8(doc);
      const whole = errorOf(() => toMime(xml));
      expect([whole.line, whole.column]).toEqual(want[k]);
      for (const sizes of [[65_536], [1_000_000], [4099, 77], randomSizes(k + 1, 64, 100_000)]) {
        const e = errorOf(() => decodeChunks(split(xml, sizes)));
        expect([e.code, e.line, e.column, e.offset]).toEqual([whole.code, whole.line, whole.column, whole.offset]);
      }
    });
  });
});

describe('XML tokenizer events (recorded)', () => {
  /** Runs the tokenizer over `chunks` and records what its handler is told, text pieces joined. */
  function tokens(chunks: string[]): string[] {
    const out: string[] = [];
    const tok = new XmlTokenizer(
      () => ({
        start: (ns, local, attrs, at) => out.push(`<${ns === null ? '' : `{${ns}}`}${local}${attrs.map((a) => ` ${a.ns === null ? '' : `{${a.ns}}`}${a.local}=${JSON.stringify(a.value)}`).join('')} @${at}`),
        text: (d, s, e) => {
          const t = new TextDecoder().decode(d.subarray(s, e));
          if (out.length > 0 && out[out.length - 1].startsWith('"')) out[out.length - 1] = JSON.stringify(JSON.parse(out[out.length - 1]) + t);
          else out.push(JSON.stringify(t));
        },
        end: (at) => out.push(`/ @${at}`),
      }),
      {},
    );
    for (const c of chunks) tok.push(utf8(c));
    tok.end();
    return out;
  }

  const doc = '<?xml version="1.0"?>\r\n<x:a xmlns:x="urn:x" xmlns="urn:d" k="1&amp;2&#x41;&#9;" x:k="v"><b>t&lt;\r\n<![CDATA[<c>\r]]>&#xF701;</b><c/></x:a>';

  it('reports names resolved, attribute values normalized, text with line endings normalized, and where each tag is', () => {
    expect(tokens([doc])).toEqual([
      '<{urn:x}a k="1&2A\\t" {urn:x}k="v" @23', // a referenced TAB is not normalized to a space, a literal one would be
      '<{urn:d}b @88',
      '"t<\\n<c>\\n\uf701"',
      '/ @122',
      '<{urn:d}c @126',
      '/ @126',
      '/ @130',
    ]);
  });

  it('reports the same in any chunking', () => {
    const whole = tokens([doc]);
    for (const n of [1, 2, 3, 5, 8]) {
      const chunks: string[] = [];
      for (let i = 0; i < doc.length; i += n) chunks.push(doc.slice(i, i + n));
      expect(tokens(chunks)).toEqual(whole);
    }
  });
});
