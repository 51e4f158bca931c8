/**
 * The XML writer's leaf text (spec §7.1) against the rules written out here
 * from the spec: each body is encoded whole and in chunks of many sizes, and
 * its `<body>` text must be exactly what §7.1 prescribes, in a CRLF and in an
 * LF document. The bodies are built from the pieces §7.1 names (line endings,
 * bare CR and LF, "]]>" however split, markup, controls, C1 and escape
 * characters, invalid UTF-8) and from runs long enough to cross the writer's
 * buffers (more than 4096 line endings in one run).
 */
import { describe, expect, it } from 'vitest';
import { Encoder, toXml } from '../../src/api/codec.js';

const hex = (b: number) => `&#xF7${b.toString(16).toUpperCase().padStart(2, '0')};`;

/** §7.1: the leaf text of `d` in a document whose line ending is CR LF (`crlf`) or LF. */
function leafText(d: number[], crlf: boolean): string {
  let out = '';
  for (let i = 0; i < d.length; ) {
    const b = d[i];
    if (crlf && b === 0x0d && d[i + 1] === 0x0a) (out += '\n'), (i += 2);
    else if (!crlf && b === 0x0a) (out += '\n'), i++;
    else if (b === 0x3c) (out += '&lt;'), i++;
    else if (b === 0x26) (out += '&amp;'), i++;
    else if (b === 0x3e) (out += d[i - 1] === 0x5d && d[i - 2] === 0x5d && i >= 2 ? '&gt;' : '>'), i++;
    else if (b === 0x09 || (b >= 0x20 && b <= 0x7e)) (out += String.fromCharCode(b)), i++;
    else if (b < 0x80) (out += hex(b)), i++;
    else {
      const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
      const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80, hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
      let ok = n > 0 && i + n <= d.length && d[i + 1] >= lo && d[i + 1] <= hi;
      for (let k = 2; ok && k < n; k++) ok = d[i + k] >= 0x80 && d[i + k] <= 0xbf;
      if (!ok) {
        out += hex(b);
        i++;
        continue;
      }
      const s = new TextDecoder().decode(Uint8Array.from(d.slice(i, i + n)));
      const cp = s.codePointAt(0)!;
      if ((cp >= 0x80 && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || (cp >= 0xf700 && cp <= 0xf7ff) || cp === 0xfffe || cp === 0xffff) for (let k = 0; k < n; k++) out += hex(d[i + k]);
      else out += s;
      i += n;
    }
  }
  return out;
}

const bytes = (s: string) => [...s].map((c) => c.charCodeAt(0)); // latin1: one byte per character
const PIECES: number[][] = [
  ...['ab', 'x y', '\r\n', '\r', '\n', ']', ']]', ']]>', '>', '<', '&', '\t', '\x00', '\x1f', '\x7f', '"', "'", 'x'.repeat(70)].map(bytes),
  [0xc3, 0xa9], [0xc2, 0x80], [0xc2, 0x9f], [0xc2, 0xa0], [0xe2, 0x80, 0xa8], [0xe2, 0x80, 0xa9], [0xef, 0x9c, 0x80], [0xef, 0x9f, 0xbf],
  [0xef, 0xbf, 0xbe], [0xef, 0xbf, 0xbf], [0xef, 0xbf, 0xbd], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xc3], [0xed, 0xa0, 0x80], [0xe0, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff],
];

/** A seeded xorshift32 generator. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function bodyOf(xml: string): string {
  const m = /<body>([^]*)<\/body>/.exec(xml);
  return m === null ? '' : m[1];
}

function encodeChunked(mime: Uint8Array, size: number): string {
  const parts: string[] = [];
  const dec = new TextDecoder();
  const enc = new Encoder((c) => parts.push(dec.decode(c, { stream: true })), { readable: false });
  for (let i = 0; i < mime.length; i += size) enc.push(mime.slice(i, i + size));
  enc.end();
  return parts.join('') + dec.decode();
}

describe('XML writer: leaf text (spec §7.1)', () => {
  const next = rng(20261208);
  const bodies: number[][] = [];
  for (let k = 0; k < 150; k++) {
    const b: number[] = [];
    for (let n = 1 + next(24); n > 0; n--) b.push(...PIECES[next(PIECES.length)]);
    bodies.push(b);
  }
  bodies.push(bytes('ab\r\n'.repeat(5000)), bytes('a\r\n'.repeat(20) + ']]>'), bytes(']]]]>]]]>]>'));

  for (const crlf of [true, false]) {
    it(`every body is its §7.1 text, whole and in chunks of 1, 2, 3, 7, 64 and 4093 bytes (${crlf ? 'CRLF' : 'LF'} document)`, () => {
      const eol = crlf ? '\r\n' : '\n';
      const bad: string[] = [];
      for (const b of bodies) {
        const mime = Uint8Array.from([...bytes(`Subject: s${eol}${eol}`), ...b]);
        const want = leafText(b, crlf);
        const whole = toXml(mime, { readable: false });
        if (bodyOf(whole) !== want) bad.push(`whole ${JSON.stringify(String.fromCharCode(...b.slice(0, 60)))}: ${JSON.stringify(bodyOf(whole).slice(0, 200))} != ${JSON.stringify(want.slice(0, 200))}`);
        for (const size of b.length > 2000 ? [1, 4093] : [1, 2, 3, 7, 64, 4093]) {
          const x = encodeChunked(mime, size);
          if (x !== whole) bad.push(`chunks of ${size}: ${JSON.stringify(String.fromCharCode(...b.slice(0, 60)))}`);
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }
});
