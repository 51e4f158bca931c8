/**
 * The examples in spec/xmime.md are conformance vectors too: every C-string
 * MIME block followed by an XMIME block must be exactly what the encoder
 * writes and must decode back to the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../src/api/compose.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { toMime, toXml } from '../../src/api/codec.js';
import { ROOT } from '../support/helpers.js';

/** Bytes of a C string literal such as "a\r\n\x00". */
function cString(lit: string): Uint8Array {
  const body = lit.trim().replace(/^"|"$/g, '');
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(...new TextEncoder().encode(c));
      continue;
    }
    const n = body[++i];
    if (n === 'x') {
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(({ r: 13, n: 10, t: 9, '0': 0, '\\': 92, '"': 34 } as Record<string, number>)[n]);
  }
  return Uint8Array.from(out);
}

const spec = readFileSync(join(ROOT, 'spec', 'xmime.md'), 'utf8');
const pairs = [...spec.matchAll(/```text\n("(?:[^"\\]|\\.)*")\n```\n```xml\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]] as const);

describe('spec/xmime.md examples', () => {
  it('has C-string / XMIME example pairs', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(5);
  });
  pairs.forEach(([lit, xml], k) => {
    it(`example ${k + 1}: ${lit.slice(0, 50)}`, () => {
      const mime = cString(lit);
      expect(toXml(mime, { readable: false })).toBe(xml);
      expect(toMime(xml)).toEqual(mime);
    });
  });
  it('§11 lists exactly the error codes the decoder reports', () => {
    const section = spec.slice(spec.indexOf('## 11. Error Codes'), spec.indexOf('## 12.'));
    const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
  it('the authoring example of §9.10 is what compose writes', () => {
    const section = spec.slice(spec.indexOf('### 9.10 Authoring'), spec.indexOf('## 10. Decoder Rules'));
    const xml = /```xml\n([\s\S]*?)```/.exec(section)![1];
    const eml = /```text\n([\s\S]*?)```/.exec(section)![1].replace(/\n/g, '\r\n');
    let seed = 7; // the example's boundary and id come from this generator
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    expect(new TextDecoder().decode(compose(xml, { date: new Date('2026-11-21T08:00:00Z'), random }))).toBe(eml);
  });
  it('the Sam example is fixtures/sam.xml', () => {
    const sam = readFileSync(join(ROOT, 'fixtures', 'sam.xml'), 'utf8');
    expect(spec).toContain(sam.trimEnd());
  });
});
