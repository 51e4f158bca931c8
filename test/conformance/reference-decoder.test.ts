/**
 * The reference decoder (test/support/reference-decoder.ts), the oracle of the
 * corpus and fuzz suites, checked on its own: it must share no code with src/
 * (so one bug cannot hide in both), and it must decode every decode vector of
 * the conformance suite (spec/conformance/manifest.json) to exactly the bytes
 * the vector expects.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceDecode } from '../support/reference-decoder.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFORMANCE = join(ROOT, 'spec/conformance');
const SUPPORT = ['reference-decoder.ts', 'reference-header.ts', 'reference-text.ts'];

interface Vector {
  id: string;
  kind: string;
  input: string;
  expected?: string;
}
const vectors = (JSON.parse(readFileSync(join(CONFORMANCE, 'manifest.json'), 'utf8')) as { vectors: Vector[] }).vectors.filter((v) => v.kind === 'decode');

describe('the reference decoder', () => {
  it('imports nothing from src/, only its own files, @xmldom/xmldom and Node built-ins', () => {
    for (const f of SUPPORT) {
      const imports = [...readFileSync(join(ROOT, 'test/support', f), 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
      expect(imports.length, f).toBeGreaterThan(0);
      const bad = imports.filter((s) => !(s.startsWith('node:') || s === '@xmldom/xmldom' || SUPPORT.includes(s.replace(/^\.\//, '').replace(/\.js$/, '.ts'))));
      expect(bad, f).toEqual([]);
    }
  });

  it(`decodes all ${vectors.length} decode vectors of the conformance suite to their exact bytes`, () => {
    expect(vectors.length).toBe(362);
    const bad: string[] = [];
    for (const v of vectors) {
      const want = readFileSync(join(CONFORMANCE, v.expected!));
      let got: Uint8Array;
      try {
        got = referenceDecode(readFileSync(join(CONFORMANCE, v.input), 'utf8').replace(/^\ufeff/, ''));
      } catch (e) {
        bad.push(`${v.id}: ${(e as Error).message}`);
        continue;
      }
      if (Buffer.compare(Buffer.from(got), want) !== 0) {
        let i = 0;
        while (got[i] === want[i]) i++;
        bad.push(`${v.id}: differs at byte ${i}: got ${JSON.stringify(Buffer.from(got.subarray(i, i + 24)).toString('latin1'))}, want ${JSON.stringify(want.subarray(i, i + 24).toString('latin1'))}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
