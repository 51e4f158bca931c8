/**
 * spec/conformance: the manifest is current (rebuilding it from fixtures/,
 * the spec's examples and cases.mjs changes nothing), and xmime, in process,
 * gives every vector's expected output or error. The CLI and the Python
 * decoder run the same vectors through spec/conformance/run.py
 * (`npm run conformance`, `npm run conformance:py`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { XmimeError } from '../../src/core/errors.js';
import { ROOT } from '../support/helpers.js';

const SUITE = join(ROOT, 'spec', 'conformance');
interface Vector {
  id: string;
  kind: 'encode' | 'decode' | 'invalid';
  mode?: 'readable' | 'wire';
  sections: string[];
  input: string;
  expected?: string;
  error?: { code: string; line: number; column: number };
  finding?: number;
}
const manifest = JSON.parse(readFileSync(join(SUITE, 'manifest.json'), 'utf8')) as { vectors: Vector[] };
const read = (p: string): Buffer => readFileSync(join(SUITE, p));

describe('spec/conformance', () => {
  it('is current: scripts/conformance-build.mjs --check finds nothing to change', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'conformance-build.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toMatch(/ 0 stale/);
    expect(r.status).toBe(0);
  });

  it('covers every section and every finding of issue 20', () => {
    const readme = readFileSync(join(SUITE, 'README.md'), 'utf8');
    expect(readme).toContain('Sections with no vector: 0.');
    expect(readme).not.toContain('**UNCOVERED**');
    for (let n = 1; n <= 13; n++) expect(manifest.vectors.some((v) => v.finding === n), `finding ${n}`).toBe(true);
    const ids = manifest.vectors.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has every kind of vector', () => {
    const kinds = (k: string, mode?: string) => manifest.vectors.filter((v) => v.kind === k && (mode === undefined || v.mode === mode)).length;
    expect(kinds('encode', 'readable')).toBeGreaterThan(50);
    expect(kinds('encode', 'wire')).toBeGreaterThan(50);
    expect(kinds('decode')).toBeGreaterThan(200);
    expect(kinds('invalid')).toBeGreaterThan(30);
  });

  it('xmime passes every vector (in process)', () => {
    const failures: string[] = [];
    for (const v of manifest.vectors) {
      const input = read(v.input);
      if (v.kind === 'encode') {
        if (toXml(input, { readable: v.mode === 'readable' }) !== read(v.expected!).toString('utf8')) failures.push(v.id);
      } else if (v.kind === 'decode') {
        if (!Buffer.from(toMime(input)).equals(read(v.expected!))) failures.push(v.id);
      } else {
        try {
          toMime(input);
          failures.push(`${v.id}: accepted`);
        } catch (e) {
          if (!(e instanceof XmimeError)) throw e;
          const want = v.error!;
          if (e.code !== want.code || e.line !== want.line || e.column !== want.column)
            failures.push(`${v.id}: ${e.code} ${e.line}:${e.column}, expected ${want.code} ${want.line}:${want.column}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
