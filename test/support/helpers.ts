/** Shared test helpers: corpus discovery, chunked codecs, and xmllint (system or wasm). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach } from 'vitest';
import { Decoder, Encoder } from '../../src/api/codec.js';
import { concat } from '../../src/core/bytes.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA = join(ROOT, 'spec', 'xmime.rng');

/** The shared corpus directory, or null (tests then skip with a message, or fail under CI: see {@link needs}). */
export function corpusDir(): string | null {
  const dir = process.env.XMIME_CORPUS ?? join(ROOT, '..', 'shared', 'corpus');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

export const NO_CORPUS = process.env.XMIME_CORPUS
  ? `no corpus at XMIME_CORPUS=${process.env.XMIME_CORPUS}`
  : 'no corpus at ../shared/corpus and XMIME_CORPUS is not set';

/** The number of mails (.eml, .mbox) the shared corpus holds: a smaller corpus is a broken checkout. */
export const CORPUS_MAILS = 1065;

/** True under CI (.ci/run sets CI): nothing a suite needs may be missing there. */
export const STRICT = !!process.env.CI;

/**
 * Call inside a describe whose tests need something a machine may lack (the
 * corpus, python3, a browser). Without it, each test skips with `reason`,
 * which the summary reporter prints; under CI each test fails with it
 * instead, because CI must never pass by skipping.
 */
export function needs(have: boolean, reason: string): void {
  if (have) return;
  if (STRICT) {
    beforeEach(() => {
      throw new Error(`${reason} (CI is set: a missing prerequisite fails the run, it is never skipped)`);
    });
  } else beforeEach((ctx) => ctx.skip(reason));
}

export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

export { concat };

/** Splits `data` into chunks whose sizes come from `sizes` (cycled). */
export function split(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, k = 0; i < data.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

export function encodeChunks(chunks: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = new Encoder((c) => parts.push(c));
  for (const c of chunks) enc.push(c);
  enc.end();
  return concat(parts);
}

export function decodeChunks(chunks: (Uint8Array | string)[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const dec = new Decoder((c) => parts.push(c));
  for (const c of chunks) dec.push(c);
  dec.end();
  return concat(parts);
}

/** A seeded xorshift generator of chunk sizes in [1, max]. */
export function randomSizes(seed: number, count: number, max: number): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out.push(1 + ((s >>> 0) % max));
  }
  return out;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

export const hasSystemXmllint = spawnSync('xmllint', ['--version']).status === 0;

export interface LintResult {
  valid: boolean;
  output: string;
}

/**
 * Runs xmllint over many documents at once: validation against the RELAX NG
 * schema, or `--format` / `--c14n` re-serialization (one output per input).
 * Uses the system xmllint (libxml2-utils) when present, else xmllint-wasm.
 */
export async function xmllint(docs: string[], mode: 'relaxng' | 'format' | 'c14n', schema = SCHEMA): Promise<LintResult[]> {
  if (hasSystemXmllint) {
    const dir = mkdtempSync(join(tmpdir(), 'xmime-lint-'));
    try {
      docs.forEach((d, i) => writeFileSync(join(dir, `${i}.xml`), d));
      const flag = mode === 'relaxng' ? `--noout --relaxng '${schema}'` : `--${mode}`;
      const script = `cd '${dir}'; for i in $(seq 0 ${docs.length - 1}); do xmllint ${flag} $i.xml > $i.out 2> $i.err; echo $? > $i.rc; done`;
      const r = spawnSync('bash', ['-c', script], { maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`xmllint loop failed: ${r.stderr}`);
      return docs.map((_, i) => ({
        valid: readFileSync(join(dir, `${i}.rc`), 'utf8').trim() === '0',
        output: mode === 'relaxng' ? readFileSync(join(dir, `${i}.err`), 'utf8') : readFileSync(join(dir, `${i}.out`), 'utf8'),
      }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const { validateXML } = await import('xmllint-wasm');
  const rng = readFileSync(schema, 'utf8');
  // A schema that includes xmime.rng finds it by name.
  const preload = { fileName: 'xmime.rng', contents: readFileSync(SCHEMA, 'utf8') };
  const out: LintResult[] = [];
  for (const d of docs) {
    const r =
      mode === 'relaxng'
        ? await validateXML({ xml: [{ fileName: 'doc.xml', contents: d }], schema: rng, preload, extension: 'relaxng', maxMemoryPages: 16384 })
        : await validateXML({ xml: [{ fileName: 'doc.xml', contents: d }], normalization: mode, maxMemoryPages: 16384 });
    out.push({ valid: r.valid || (mode !== 'relaxng' && r.normalized !== ''), output: mode === 'relaxng' ? r.rawOutput : r.normalized });
  }
  return out;
}

/** Index of the first differing byte, or -1 if equal. */
export function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Time of `big` over time of `small` (best of 5 each, measured alternately so
 * a burst of load elsewhere hits both). A ratio at or above `limit` is
 * measured again, up to twice, and the lowest is returned: noise from other
 * work on the machine passes, a real superlinear cost does not (it shows in
 * every measurement).
 */
export function timeRatio(small: () => void, big: () => void, limit: number): number {
  // Under StrykerJS every statement is instrumented and the run is loaded: times mean nothing there.
  if (process.env.XMIME_MUTATION) return 0;
  let ratio = Infinity;
  for (let attempt = 0; attempt < 3 && ratio >= limit; attempt++) {
    let ts = Infinity, tb = Infinity;
    for (let k = 0; k < 5; k++) {
      let t = performance.now();
      small();
      ts = Math.min(ts, performance.now() - t);
      t = performance.now();
      big();
      tb = Math.min(tb, performance.now() - t);
    }
    ratio = Math.min(ratio, tb / ts);
  }
  return ratio;
}

