/**
 * Ranges of one mbox encoded apart and concatenated give the document of the
 * whole file byte for byte (what lets `xmime convert` share a large mbox
 * between workers), for every corpus mbox and tricky ones, cut as finely as
 * possible, in every variant.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MboxEncoder, type MboxEncodeOptions } from '../../src/mailbox/mbox-codec.js';
import type { MboxVariant } from '../../src/mailbox/mbox-split.js';
import { mboxRanges } from '../../src/node/convert/ranges.js';
import { corpusDir, needs, NO_CORPUS, ROOT } from '../support/helpers.js';
import { decodeTree, encodeTree } from '../../src/node/tree-fs.js';
import { encodeGroup, planTree } from '../../src/node/convert/tree-parts.js';

const work = mkdtempSync(join(tmpdir(), 'xmime-ranges-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function encode(b: Uint8Array, o: MboxEncodeOptions): { xml: Buffer; tail: Uint8Array | null } {
  const parts: Uint8Array[] = [];
  const e = new MboxEncoder((c) => parts.push(c.slice()), o);
  e.push(b);
  e.end();
  return { xml: Buffer.concat(parts), tail: e.rangeTail };
}

/** Encodes `b` whole and by ranges of about `target` bytes; returns the number of ranges. */
function check(b: Buffer, variant: MboxVariant, target: number): number {
  const f = join(work, 'box');
  writeFileSync(f, b);
  const ranges = mboxRanges(f, b.length, variant, target);
  const whole = encode(b, { variant }).xml;
  const parts = ranges.map((r, i) => {
    const { xml, tail } = encode(b.subarray(r.start, r.end), { variant, range: { head: i === 0, foot: i === ranges.length - 1, gap: r.gap } });
    if (i < ranges.length - 1) expect(Buffer.from(tail ?? []).equals(Buffer.from(ranges[i + 1].gap ?? []))).toBe(true);
    return xml;
  });
  const joined = Buffer.concat(parts);
  expect(joined.length).toBe(whole.length);
  expect(joined.equals(whole)).toBe(true);
  return ranges.length;
}

const TRICKY = Buffer.from(
  '\ufeffFrom a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\n>From quoted\n>>From twice\n\n' +
    'From b@b Mon Jan  1 00:00:00 2024\r\nSubject: 2\r\n\r\nFrom here on\r\n\r\n' +
    'From - Mon Jan  1 00:00:00 2024\nSubject: 3\n\nbody\nFrom 10:00 to 12:00\n\n\n' +
    'From c@b Mon Jan  1 00:00:00 2024\nFrom : a field\n\nx\n\n' +
    'From d@b Mon Jan  1 00:00:00 2024\nSubject: 5\n\nno final newline',
);

describe('mbox ranges', () => {
  it('tricky file, every variant, cut everywhere it can be', () => {
    for (const v of ['auto', 'mboxo', 'mboxrd'] as const) expect(check(TRICKY, v, 1)).toBeGreaterThan(3);
  });
  it('a CR-only file is not cut', () => {
    expect(check(Buffer.from('From a@b Mon Jan  1 00:00:00 2024\rS: 1\r\rx\r\rFrom b@b Mon Jan  1 00:00:00 2024\rS: 2\r\r'), 'auto', 1)).toBe(1);
  });
  describe('corpus mboxes', () => {
    const c = corpusDir();
    needs(c !== null, NO_CORPUS);
    it('every one, cut at every sure separator', () => {
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.(mbox|mbx)$/.test(n)) files.push(p);
        }
      };
      walk(c!);
      expect(files.length).toBeGreaterThan(5);
      let cuts = 0;
      for (const p of files) for (const v of ['auto', 'mboxrd'] as const) cuts += check(readFileSync(p), v, 64) - 1;
      expect(cuts).toBeGreaterThan(20);
    });
  });
});

describe('Maildir parts', () => {
  it('the parts of every tree vector, concatenated with their tags, are encodeTree\'s document', async () => {
    const fix = join(ROOT, 'fixtures', 'tree');
    let groups = 0;
    for (const v of readdirSync(fix).filter((f) => f.endsWith('.xml')).sort()) {
      const dir = join(work, `tree-${v}`);
      await decodeTree(join(fix, v), dir);
      const whole = join(work, `${v}.whole`);
      await encodeTree(dir, whole);
      for (const size of [1, 200, 1 << 20]) {
        const segs = planTree(dir, size)!;
        const out: Buffer[] = [];
        let i = 0;
        for (const g of segs) {
          if (typeof g === 'string') out.push(Buffer.from(g));
          else {
            const f = join(work, `${v}.${size}.${i++}`);
            await encodeGroup(g, f, {}, () => {}, () => {});
            out.push(readFileSync(f));
            groups++;
          }
        }
        expect(Buffer.concat(out).toString('utf8'), `${v} by ${size}`).toBe(readFileSync(whole, 'utf8'));
      }
    }
    expect(groups).toBeGreaterThan(10);
    // Over the file limit: no plan (the pool then encodes the tree as one streaming job).
    const maildir = join(work, 'tree-maildir.xml');
    expect(planTree(maildir, 1, 2)).toBeNull();
    expect(planTree(maildir, 1, 100)).not.toBeNull();
  });
});
