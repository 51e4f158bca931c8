/**
 * Conformance vectors: every `fixtures/**\/*.eml` that has a sibling `.xml`
 * (same basename) must encode to exactly that XML text and decode back to
 * exactly its bytes, one-shot and streaming (1 byte at a time and in seeded
 * random 1–64-byte chunks). `fixtures/authoring` is not part of the vectors.
 * Vectors in `fixtures/readable/` are encoded in readable mode (the default);
 * all others are wire-form vectors (`readable: false`, spec §9).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, type EncodeOptions, toMime, toXml } from '../../src/api/codec.js';
import { concat } from '../../src/core/bytes.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../..', 'fixtures');
const SKIP_DIRS = new Set([join(FIXTURES, 'authoring')]);
const SEEDS = [1, 2, 3, 0x5eed, 0xc0ffee];
const MAX_CHUNK = 64;

function findVectors(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (!SKIP_DIRS.has(p)) out.push(...findVectors(p));
    } else if (f.endsWith('.eml') && existsSync(p.slice(0, -4) + '.xml')) out.push(p);
  }
  return out;
}

/** A seeded xorshift32 generator of chunk sizes in [1, max]. */
function sizes(seed: number, max: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return 1 + ((s >>> 0) % max);
  };
}

/** Cuts `data` into chunks (copies, so a codec that keeps a view would be caught). */
function cut<T extends Uint8Array | string>(data: T, next: () => number): T[] {
  const out: T[] = [];
  for (let i = 0; i < data.length; ) {
    const n = next();
    out.push((typeof data === 'string' ? data.slice(i, i + n) : (data as Uint8Array).slice(i, i + n)) as T);
    i += n;
  }
  return out;
}

function encodeChunks(chunks: Uint8Array[], opts: EncodeOptions): string {
  const parts: Uint8Array[] = [];
  const enc = new Encoder((c) => parts.push(c.slice()), opts);
  for (const c of chunks) enc.push(c);
  enc.end();
  return new TextDecoder().decode(concat(parts));
}

function decodeChunks(chunks: (Uint8Array | string)[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const dec = new Decoder((c) => parts.push(c.slice()));
  for (const c of chunks) dec.push(c);
  dec.end();
  return concat(parts);
}

/** Compares bytes with a readable failure: the first differing offset and the bytes around it. */
function expectBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  if (i === n && actual.length === expected.length) return;
  const hex = (b: Uint8Array) => Buffer.from(b.subarray(Math.max(0, i - 8), i + 8)).toString('hex');
  expect.fail(`${what}: differs at byte ${i} (got ${actual.length} bytes, want ${expected.length}); got …${hex(actual)}… want …${hex(expected)}…`);
}

const vectors = findVectors(FIXTURES);

describe('conformance vectors (fixtures/)', () => {
  it('has all 68 vectors', () => {
    // Exact: a vector lost (renamed, its .xml deleted) fails here; adding one means raising the number.
    expect(vectors.length).toBe(68);
  });

  for (const emlPath of vectors) {
    const name = relative(FIXTURES, emlPath);
    describe(name, () => {
      const eml = new Uint8Array(readFileSync(emlPath));
      const xml = readFileSync(emlPath.slice(0, -4) + '.xml', 'utf8');
      const xmlBytes = new TextEncoder().encode(xml);
      const opts: EncodeOptions = name.startsWith('readable/') ? {} : { readable: false };

      it('toXml(eml) equals the .xml exactly', () => {
        expect(toXml(eml, opts)).toBe(xml);
      });

      it('toMime(xml) equals the .eml bytes (string and UTF-8 input)', () => {
        expectBytes(toMime(xml), eml, 'toMime(string)');
        expectBytes(toMime(xmlBytes), eml, 'toMime(bytes)');
      });

      it('Encoder, 1 byte at a time', () => {
        expect(encodeChunks(cut(eml, () => 1), opts)).toBe(xml);
      });

      it('Encoder, random 1–64-byte chunks', () => {
        for (const seed of SEEDS) expect(encodeChunks(cut(eml, sizes(seed, MAX_CHUNK)), opts), `seed ${seed}`).toBe(xml);
      });

      it('Encoder, whole input as one chunk and as no chunk + one chunk', () => {
        expect(encodeChunks([eml], opts)).toBe(xml);
        expect(encodeChunks([new Uint8Array(0), eml, new Uint8Array(0)], opts)).toBe(xml);
      });

      it('Decoder, 1 byte at a time (UTF-8 bytes)', () => {
        expectBytes(decodeChunks(cut(xmlBytes, () => 1)), eml, 'Decoder 1-byte');
      });

      it('Decoder, random 1–64-byte chunks (UTF-8 bytes)', () => {
        for (const seed of SEEDS) expectBytes(decodeChunks(cut(xmlBytes, sizes(seed, MAX_CHUNK))), eml, `Decoder seed ${seed}`);
      });

      it('Decoder, 1 UTF-16 unit at a time and random string chunks', () => {
        expectBytes(decodeChunks(cut(xml, () => 1)), eml, 'Decoder 1-char');
        for (const seed of SEEDS) expectBytes(decodeChunks(cut(xml, sizes(seed, MAX_CHUNK))), eml, `Decoder string seed ${seed}`);
      });
    });
  }
});
