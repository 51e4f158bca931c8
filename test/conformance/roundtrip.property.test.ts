/**
 * Property tests: (a) any bytes round-trip, (b) chunking never changes a
 * result, (c) generated MIME trees round-trip and parse into the structure
 * they were built from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, toMime, toXml } from '../../src/api/codec.js';
import { anyBytes, mimeish } from '../support/arbitraries.js';
import { Utf8Joiner, utf8String } from '../../src/core/utf8.js';
import { concat } from '../../src/core/bytes.js';
import { decodeChunks, encodeChunks, firstDiff, split, text, utf8 } from '../support/helpers.js';

const RUNS = Number(process.env.XMIME_FC_RUNS ?? 300);

function roundTrip(b: Uint8Array): void {
  const xml = toXml(b);
  expect(xml).not.toMatch(/\r|<!--|<\?|<!DOCTYPE/);
  expect(toMime(xml)).toEqual(b);
}

describe('(a) arbitrary bytes round-trip exactly', () => {
  it('uniform random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => roundTrip(b)), { numRuns: RUNS });
  });
  it('bytes biased toward MIME syntax', () => {
    fc.assert(fc.property(mimeish, (b) => roundTrip(b)), { numRuns: RUNS * 3 });
  });
});

describe('(b) results do not depend on chunking', () => {
  const chunking = fc.oneof(
    fc.constant([1 << 30]),
    fc.constant([1]),
    fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
  );
  it('MIME → XML', () => {
    fc.assert(
      fc.property(anyBytes, chunking, (b, sizes) => {
        expect(text(encodeChunks(split(b, sizes)))).toBe(toXml(b));
      }),
      { numRuns: RUNS * 2 },
    );
  });
  // Bodies of long plain lines take the writer's line loop (after a plain line of 64+ bytes);
  // anything may follow: a lone CR or LF, markup, 8-bit bytes, a CR at the end of a chunk.
  it('MIME → XML for bodies of long lines mixed with bytes that need care', () => {
    const longLine = fc.stringMatching(/^[A-Za-z0-9+/=]{64,100}$/).map((l) => l + '\r\n');
    const odd = fc.constantFrom('\r', '\n', '\r\r\n', '<', '&', ']]>', '\u00e9', '\x00', 'ab\r\n', '');
    const body = fc.array(fc.oneof({ weight: 4, arbitrary: longLine }, { weight: 1, arbitrary: odd }), { maxLength: 12 });
    fc.assert(
      fc.property(body, chunking, fc.boolean(), (parts, sizes, raw8) => {
        const b = utf8('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n' + parts.join(''));
        if (raw8) b[b.length >> 1] |= 0x80; // an invalid UTF-8 byte somewhere
        const xml = toXml(b);
        expect(text(encodeChunks(split(b, sizes)))).toBe(xml);
        expect(firstDiff(toMime(xml), b)).toBe(-1);
      }),
      { numRuns: RUNS * 2 },
    );
  });
  it('XML → MIME, as bytes and as strings', () => {
    fc.assert(
      fc.property(anyBytes, chunking, (b, sizes) => {
        const xml = utf8(toXml(b));
        expect(decodeChunks(split(xml, sizes))).toEqual(b);
        // Strings cut anywhere, even inside a surrogate pair.
        const s = toXml(b);
        const parts: string[] = [];
        for (let i = 0, k = 0; i < s.length; k++) {
          const n = sizes[k % sizes.length];
          parts.push(s.slice(i, i + n));
          i += n;
        }
        expect(decodeChunks(parts)).toEqual(b);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('(b) large inputs in large chunks (output buffers fill and are handed on mid-run)', () => {
  it('streaming equals one-shot for big CRLF, LF and escaped bodies', () => {
    const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0';
    const head = 'Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n\r\n';
    for (const body of [`${line}\r\n`.repeat(40_000), `${line}\n`.repeat(40_000), `${line}\x00\u00e9<\r\n`.repeat(20_000)]) {
      const b = utf8(head + body + '--zz--\r\n');
      const xml = toXml(b);
      for (const size of [1 << 20, 65536, 8191]) expect(text(encodeChunks(split(b, [size]))) === xml).toBe(true);
      for (const size of [1 << 20, 65536, 8191]) expect(firstDiff(decodeChunks(split(utf8(xml), [size])), b)).toBe(-1);
    }
  });
});

describe('one-shot paths for inputs over 1 MiB', () => {
  it('agree with streaming, also with a surrogate pair on every side of the string slice boundary', () => {
    for (const shift of [0, 1, 2, 3]) {
      // The body's text starts at index 105 of the XMIME; put an emoji's high surrogate at 2^20 - 1 + shift.
      const prefix = 'Comment: big\r\n\r\n'; // a field without a view, as long as Subject
      const body = 'a'.repeat((1 << 20) - 106 + shift) + '\u{1f600}\u00e9\r\n'.repeat(3) + 'b'.repeat(1000);
      const b = utf8(prefix + body);
      const xml = toXml(b);
      expect(xml.charCodeAt((1 << 20) - 1 + shift)).toBe(0xd83d);
      expect(text(encodeChunks(split(b, [65536]))) === xml).toBe(true);
      expect(firstDiff(toMime(xml), b)).toBe(-1);
      expect(firstDiff(toMime(utf8(xml)), b)).toBe(-1);
    }
  });
});

describe('toXml of inputs over 1 MiB (its output is joined chunk by chunk)', () => {
  it('joins valid UTF-8 exactly, whatever character a chunk boundary cuts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (s, cuts) => {
        const j = new Utf8Joiner();
        for (const part of split(utf8(s), cuts.map((c) => 1 + (c % 7)))) j.push(part);
        expect(j.s).toBe(s);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('is exact for 2-, 3- and 4-byte characters at every shift', () => {
    for (const ch of ['\u00e9', '\u20ac', '\u{1f600}']) {
      const n = Math.ceil((1.5 * (1 << 20)) / utf8(ch).length);
      for (const shift of [0, 1, 2, 3]) {
        const b = utf8('Comment: big\r\n\r\n' + 'a'.repeat(shift) + ch.repeat(n));
        const xml = toXml(b);
        expect(xml === text(encodeChunks(split(b, [65536])))).toBe(true);
        expect(firstDiff(toMime(xml), b)).toBe(-1);
      }
    }
  });
});

describe('big strings are decoded in pieces cut between characters', () => {
  it('utf8String equals one TextDecoder call for every character at every cut, a U+FEFF at a cut included', () => {
    const whole = new TextDecoder('utf-8', { ignoreBOM: true });
    for (const ch of ['a', '\u00e9', '\u20ac', '\ufeff', '\u{1f600}'])
      for (const shift of [0, 1, 2, 3]) {
        const b = utf8('x'.repeat(shift) + ch.repeat(Math.ceil((3 << 16) / utf8(ch).length)));
        expect(utf8String(b) === whole.decode(b)).toBe(true);
        expect(utf8String(b.subarray(1 + shift)) === whole.decode(b.subarray(1 + shift))).toBe(true); // unaligned view
      }
  });

  it('toXml under 1 MiB with output over one piece is exact for 2-, 3- and 4-byte characters', () => {
    for (const ch of ['\u00e9', '\u20ac', '\u{1f600}'])
      for (const shift of [0, 1, 2, 3]) {
        const b = utf8('Comment: big\r\n\r\n' + 'a'.repeat(shift) + ch.repeat(Math.ceil(200_000 / utf8(ch).length)));
        const xml = toXml(b);
        expect(xml === text(encodeChunks(split(b, [65536])))).toBe(true);
        expect(firstDiff(toMime(xml), b)).toBe(-1);
      }
  });
});

// (c) Generated MIME trees.
type Node =
  | { t: 'leaf'; type: string; body: string }
  | { t: 'multi'; sub: string; preamble: string | null; parts: Node[]; epilogue: string | null }
  | { t: 'message'; inner: Node };

const line = fc.stringMatching(/^[A-Za-z0-9 .,;!?=+/]{0,40}$/);
const bodyText = fc.array(line, { maxLength: 5 });
const leaf: fc.Arbitrary<Node> = fc.record({
  t: fc.constant('leaf' as const),
  type: fc.constantFrom('text/plain', 'text/html; charset=utf-8', 'application/octet-stream'),
  body: bodyText.map((ls) => ls.join('\n')),
});
const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({
      t: fc.constant('multi' as const),
      sub: fc.constantFrom('mixed', 'alternative', 'related'),
      preamble: fc.option(bodyText.map((ls) => ls.join('\n'))),
      parts: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      epilogue: fc.option(bodyText.map((ls) => ls.join('\n'))),
    }),
    fc.record({ t: fc.constant('message' as const), inner: tie('node') }),
  ),
})).node;

interface Shape {
  eol: string;
  /** Per header: fold it? */
  fold: boolean[];
}

/** Serializes a tree; returns the bytes and the number of parts and messages it holds. */
function serialize(root: Node, shape: Shape): { bytes: Uint8Array; parts: number; messages: number } {
  let id = 0, parts = 0, messages = 0, h = 0;
  const E = shape.eol;
  const field = (name: string, value: string) => {
    const fold = shape.fold[h++ % shape.fold.length];
    const v = fold ? value.replace('; ', `;${E}\t`) : value;
    return `${name}: ${v}${E}`;
  };
  const entity = (n: Node, top: boolean): string => {
    let head = top ? field('Subject', 'generated') + field('MIME-Version', '1.0') : '';
    if (n.t === 'leaf') return head + field('Content-Type', n.type) + E + n.body.replace(/\n/g, E);
    if (n.t === 'message') {
      messages++;
      return head + field('Content-Type', 'message/rfc822') + E + entity(n.inner, true);
    }
    const b = `b${id++}_${'='.repeat(id % 3)}x`;
    head += field('Content-Type', `multipart/${n.sub}; boundary="${b}"`) + E;
    let s = n.preamble !== null ? n.preamble.replace(/\n/g, E) + E : '';
    for (const p of n.parts) {
      parts++;
      s += `--${b}${E}${entity(p, false)}${E}`;
    }
    s += `--${b}--`;
    if (n.epilogue !== null) s += E + n.epilogue.replace(/\n/g, E);
    return head + s;
  };
  const bytes = utf8(entity(root, true));
  return { bytes, parts, messages };
}

describe('scratch buffers passed from one decode to the next', () => {
  // Readers hand their buffers on when their document ends, and one-shot calls borrow one; none may
  // leak state into the next document, whether the last one failed, is still streaming, or nested.
  it('interleaved streaming decoders, failures and one-shot calls stay byte-exact', () => {
    fc.assert(
      fc.property(fc.array(mimeish, { minLength: 3, maxLength: 6 }), fc.array(fc.nat(), { minLength: 8, maxLength: 40 }), (mails, order) => {
        const xmls = mails.map((m) => utf8(toXml(m)));
        const parts = xmls.map(() => [] as Uint8Array[]);
        const decs = xmls.map((_, k) => new Decoder((c) => parts[k].push(c)));
        const at = xmls.map(() => 0);
        for (const o of order) {
          const k = o % xmls.length;
          if (at[k] >= xmls[k].length) continue;
          const n = 1 + (o % 97);
          decs[k].push(xmls[k].subarray(at[k], at[k] + n));
          at[k] += n;
          if (o % 3 === 0) expect(() => toMime(xmls[k].subarray(0, Math.max(1, xmls[k].length >> 1)))).toThrow(); // a failed one-shot in between
          if (o % 5 === 0) expect(firstDiff(toMime(xmls[(k + 1) % xmls.length]), mails[(k + 1) % mails.length])).toBe(-1);
        }
        xmls.forEach((x, k) => {
          decs[k].push(x.subarray(at[k]));
          decs[k].end();
          expect(firstDiff(concat(parts[k]), mails[k])).toBe(-1);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('(c) generated MIME trees round-trip with their structure', () => {
  it('nested multiparts, message/rfc822, folding and line endings', () => {
    const shape = fc.record({ eol: fc.constantFrom('\r\n', '\n'), fold: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }) });
    fc.assert(
      fc.property(tree, shape, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 9 }), (t, sh, sizes) => {
        const { bytes, parts, messages } = serialize(t, sh);
        const xml = toXml(bytes);
        expect((xml.match(/<part[ />]/g) ?? []).length).toBe(parts);
        expect((xml.match(/<message[ />]/g) ?? []).length).toBe(messages);
        expect(xml.includes(' eol="lf"')).toBe(sh.eol === '\n');
        expect(toMime(xml)).toEqual(bytes);
        expect(decodeChunks(split(encodeChunks(split(bytes, sizes)), sizes))).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('(d) meaning survives re-serialization by other XML tools', () => {
  it('@xmldom/xmldom and fast-xml-parser', async () => {
    const { DOMParser, XMLSerializer } = await import('@xmldom/xmldom');
    const { XMLParser, XMLBuilder } = await import('fast-xml-parser');
    const parser = new XMLParser({
      preserveOrder: true, ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false,
      trimValues: false, processEntities: true, htmlEntities: true,
    });
    const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, processEntities: true, format: true });
    fc.assert(
      fc.property(anyBytes, (b) => {
        const xml = toXml(b);
        const dom = new XMLSerializer().serializeToString(new DOMParser().parseFromString(xml, 'text/xml'));
        expect(toMime(dom)).toEqual(b);
        expect(toMime(builder.build(parser.parse(xml)) as string)).toEqual(b);
      }),
      { numRuns: RUNS },
    );
  });
});
