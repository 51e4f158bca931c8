/**
 * Streaming verify (issue 18): the comparator holds only what one side is
 * ahead by and finds the first difference whatever the pieces; verify finds a
 * corrupting codec; `xmime verify` still ends with "N ok, M failed".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '../../src/api/codec.js';
import { StreamCompare, verifyFileStreaming } from '../../src/node/verify-stream.js';
import { ROOT } from '../support/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xmime-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cut(b: Uint8Array, sizes: number[]): Uint8Array[] {
  const r: Uint8Array[] = [];
  for (let i = 0, k = 0; i < b.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    r.push(b.subarray(i, i + n));
    i += n;
  }
  return r;
}

describe('StreamCompare', () => {
  it('finds the first difference (or a length difference) whatever the pieces and their interleaving', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), fc.array(fc.boolean()), (a, b, sa, sb, order) => {
        if (order.length % 2 === 0 && a.length > 0) b = a.slice(); // often equal
        const ca = cut(a, sa), cb = cut(b, sb);
        const c = new StreamCompare();
        let k = 0;
        while (ca.length + cb.length > 0) {
          const takeA = cb.length === 0 || (ca.length > 0 && (order[k++ % Math.max(1, order.length)] ?? true));
          if (takeA) c.a(ca.shift()!);
          else c.b(cb.shift()!);
        }
        let want = -1;
        for (let i = 0; i < Math.min(a.length, b.length); i++)
          if (a[i] !== b[i]) {
            want = i;
            break;
          }
        if (want < 0 && a.length !== b.length) want = Math.min(a.length, b.length);
        expect(c.end()).toBe(want);
      }),
      { numRuns: 500 },
    );
  });
  it('holds only the bytes one side is ahead by', () => {
    const c = new StreamCompare();
    const block = new Uint8Array(1 << 16).fill(7);
    for (let i = 0; i < 1000; i++) {
      c.a(block);
      expect(c.held).toBe(block.length);
      c.b(block.subarray(0, 1000));
      c.b(block.subarray(1000));
      expect(c.held).toBe(0);
    }
    expect(c.end()).toBe(-1);
    expect(c.matched).toBe(1000 * block.length);
  });
});

describe('verifyFileStreaming', () => {
  const eml = join(tmp, 'a.eml');
  writeFileSync(eml, 'Subject: hi\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' + 'Grüße, line of text\r\n'.repeat(20000));
  it('passes a message that round-trips', async () => {
    expect(await verifyFileStreaming(eml, (o) => new Encoder(o), (o) => new Decoder(o))).toBe(null);
  });
  it('reports a decoder that changes one byte, at that byte', async () => {
    let n = 0;
    const bad = (o: (b: Uint8Array) => void) =>
      new Decoder((c) => {
        const d = c.slice();
        if (n <= 300000 && n + d.length > 300000) d[300000 - n] ^= 1;
        n += d.length;
        o(d);
      });
    expect(await verifyFileStreaming(eml, (o) => new Encoder(o), bad)).toBe(`${eml}: round trip differs at byte 300000`);
  });
  it('reports encoders whose XML depends on the chunking', async () => {
    let calls = 0;
    const flaky = (o: (x: Uint8Array) => void, primary: boolean) => {
      const e = new Encoder(o);
      return { push: (b: Uint8Array) => (calls++, e.push(b)), end: () => (primary ? e.end() : (e.push(new Uint8Array([0x41])), e.end())) };
    };
    expect(await verifyFileStreaming(eml, flaky, (o) => new Decoder(o))).toMatch(/XMIME differs between chunkings at byte \d+$/);
    expect(calls).toBeGreaterThan(2);
  });
  it('xmime verify (message, --mbox) ends with "N ok, M failed"', () => {
    const cli = join(ROOT, 'dist', 'node', 'cli.js');
    const mbox = join(tmp, 'b.mbox');
    writeFileSync(mbox, 'From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nFrom me\n\nFrom a@b Mon Jan  1 00:00:00 2024\nSubject: y\n\nz\n');
    const r1 = spawnSync(process.execPath, [cli, 'verify', eml], { encoding: 'utf8' });
    expect(r1.stdout.trim().split('\n').pop()).toBe('1 ok, 0 failed');
    const r2 = spawnSync(process.execPath, [cli, 'verify', '--mbox', mbox, mbox], { encoding: 'utf8' });
    expect(r2.stdout.trim().split('\n').pop()).toBe('2 ok, 0 failed');
  });
});
