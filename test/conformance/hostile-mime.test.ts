/**
 * MIME → XML accepts every byte sequence; adversarial shapes must still run
 * in linear time, and limits must never lose a byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DEPTH, toMime, toXml } from '../../src/index.node.js'; // the Node entry: the core with Node's byte search
import { decodeChunks, encodeChunks, firstDiff, split, text, timeRatio, utf8 } from '../support/helpers.js';

/** Shapes, each built at size n, with the n the test starts from. */
const SIZES: Record<string, number> = {
  'multiparts nested n deep': 100_000,
  'n boundary lines': 250_000,
  'a header line of n×100 bytes': 50_000,
  'n header fields': 50_000,
  'a boundary of 10,000 characters, n parts': 1_000,
  'n lines of dashes inside a deep multipart': 200_000,
};
const SHAPES: Record<string, (n: number) => Uint8Array> = {
  'multiparts nested n deep': (n) => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`);
    return utf8(parts.join('') + 'leaf\r\n');
  },
  'n boundary lines': (n) => utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--b\r\n'.repeat(n) + '--b--\r\n'),
  'a header line of n×100 bytes': (n) => utf8(`X-Long: ${'x'.repeat(n * 100)}\r\n\r\nbody\r\n`),
  'n header fields': (n) => utf8('X-H: v\r\n'.repeat(n) + '\r\nbody'),
  'a boundary of 10,000 characters, n parts': (n) => {
    const b = 'q'.repeat(10_000);
    return utf8(`Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n` + `--${b}\r\n\r\npart\r\n`.repeat(n) + `--${b}--\r\n`);
  },
  'n lines of dashes inside a deep multipart': (n) => {
    let s = '';
    for (let i = 0; i < 50; i++) s += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
    return utf8(s + '\r\n' + '--b1x\r\n'.repeat(n));
  },
};


describe('adversarial MIME shapes round-trip in linear time', () => {
  for (const [name, make] of Object.entries(SHAPES)) {
    it(name, () => {
      const n = SIZES[name];
      const small = make(n), big = make(2 * n);
      const xml = toXml(big);
      expect(firstDiff(toMime(xml), big)).toBe(-1);
      // Linear: doubling the input may at most double the time (generous margin for noise; quadratic gives 4×).
      expect(timeRatio(() => toMime(toXml(small)), () => toMime(toXml(big)), 3)).toBeLessThan(3);
    });
  }

  it('nesting deeper than maxDepth is carried as a body, not lost', () => {
    const xml = toXml(SHAPES['multiparts nested n deep'](3000));
    expect((xml.match(/<multipart /g) ?? []).length).toBe(DEFAULT_MAX_DEPTH);
  });

  it('100,000 header fields are all parsed', () => {
    const xml = toXml(SHAPES['n header fields'](100_000));
    expect((xml.match(/<header /g) ?? []).length).toBe(100_000);
  });

  it('huge field names cannot make a tag the decoder refuses (found in review)', () => {
    for (const s of ['"'.repeat(200_000) + ': x\r\n\r\nb', 'A' + ' '.repeat(200_000) + ': x\r\n\r\nb', '<'.repeat(998) + ': x\r\n\r\n']) {
      const b = Uint8Array.from(s, (c) => c.charCodeAt(0));
      expect(firstDiff(toMime(toXml(b)), b)).toBe(-1);
    }
  });

  it('a header line over maxHeaderBytes becomes body, byte-exact', () => {
    const b = utf8(`X-Long: ${'x'.repeat(10 << 20)}\r\n\r\nbody\r\n`);
    const xml = toXml(b);
    expect(xml).not.toContain('<headers');
    expect(firstDiff(toMime(xml), b)).toBe(-1);
  });

  it('input fed as a million tiny chunks stays linear', () => {
    const make = (n: number) => utf8(('Subject: x\r\n' + 'Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--b\r\n\r\nab\r\n'.repeat(n)).slice(0));
    const small = make(50_000), big = make(100_000);
    expect(text(encodeChunks(split(big, [1, 2, 3])))).toBe(toXml(big));
    expect(timeRatio(() => encodeChunks(split(small, [1, 2, 3])), () => encodeChunks(split(big, [1, 2, 3])), 3)).toBeLessThan(3);
  });
});

describe('limits never lose bytes', () => {
  it('any bytes, any limits, any chunking', () => {
    const frag = fc.constantFrom('Content-Type: multipart/mixed; boundary=b\r\n', 'Content-Type: message/rfc822\n', 'X: y\r\n', ' fold\r\n', '\r\n', '\n', '--b\r\n', '--b--\n', 'text', '\x00\xff');
    fc.assert(
      fc.property(
        fc.array(frag, { maxLength: 40 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 120 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
        (fs, maxDepth, maxHeaderBytes, sizes) => {
          const b = Uint8Array.from(fs.join(''), (c) => c.charCodeAt(0));
          const xml = toXml(b, { maxDepth, maxHeaderBytes });
          expect(toMime(xml)).toEqual(b);
          expect(decodeChunks(split(utf8(xml), sizes))).toEqual(b);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
