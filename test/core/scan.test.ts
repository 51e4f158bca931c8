/**
 * The word scans of core/scan.ts (and the buffers they are given) agree with
 * byte loops: at every alignment, on long runs, on views at any offset.
 */
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { countByte, flagged, indexAll, indexOfByte, LineFeeds, setByteSearch, skipLines, skipPlain, WordView } from '../../src/core/scan.js';
import { utf8 } from '../support/helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('word scans', () => {
  it('data more than 2 GiB into its buffer is scanned correctly', () => {
    let big: Uint8Array;
    try {
      big = new Uint8Array(2 ** 31 + 4096);
    } catch {
      return; // no room for a 2 GiB buffer here
    }
    const mail = utf8('Subject: far\r\n\r\n' + 'abcdefgh'.repeat(40) + '&<\r\n');
    const v = big.subarray(2 ** 31 + 8, 2 ** 31 + 8 + mail.length);
    v.set(mail);
    expect(skipPlain(v, 0, v.length, new Uint8Array(256).fill(1, 0x26, 0x27), new WordView())).toBe(mail.indexOf(0x26));
    expect(countByte(v, 0, v.length, 0x0a, new WordView())).toBe(mail.filter((c) => c === 0x0a).length);
    const xml = toXml(v);
    expect(hex(toMime(xml))).toBe(hex(mail));
    const x = utf8(xml), w = big.subarray(2 ** 31 + 8, 2 ** 31 + 8 + x.length);
    w.set(x);
    expect(hex(toMime(w))).toBe(hex(mail));
  });

  it('line counting by words agrees with a byte loop at every alignment', () => {
    const words = new WordView();
    const base = Uint8Array.from({ length: 300 }, (_, i) => [0x0a, 0x0a, 0x41, 0x8a, 0x0b, 0x00, 0xff][(i * 7 + (i >> 3)) % 7]);
    for (let off = 0; off < 8; off++)
      for (let s = 0; s < 9; s++)
        for (const e of [s, s + 1, s + 5, 150, 300 - off]) {
          const d = base.subarray(off);
          let n = 0;
          for (let i = s; i < Math.min(e, d.length); i++) if (d[i] === 0x0a) n++;
          expect(countByte(d, s, Math.min(e, d.length), 0x0a, words)).toBe(n);
        }
  });

  it('the word test flags every byte that needs attention, beside any other bytes', () => {
    const attention = (c: number) => c < 0x20 || c >= 0x7f || c === 0x3c || c === 0x3e || c === 0x26;
    const others = [0x00, 0x0a, 0x1f, 0x20, 0x26, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x41, 0x7e, 0x7f, 0x80, 0xff];
    let missed = 0, clean = 0;
    for (let c = 0; c < 256; c++)
      for (let lane = 0; lane < 4; lane++)
        for (const a of others)
          for (const b of others)
            for (const x of others) {
              const lanes = [a, b, x];
              lanes.splice(lane, 0, c);
              const w = (lanes[0] | (lanes[1] << 8) | (lanes[2] << 16) | (lanes[3] << 24)) >>> 0;
              const need = lanes.some(attention);
              if (need && flagged(w) === 0) missed++;
              if (!need && flagged(w) === 0) clean++;
            }
    expect(missed).toBe(0);
    expect(clean).toBeGreaterThan(0); // plain words do pass
  });

  it('counting and indexing a byte by words agree with a byte loop, also on long runs of it', () => {
    const words = new WordView();
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const mixed = Uint8Array.from({ length: 5000 }, () => [0x0a, 0x41, 0x8a, 0x0b, 0xff][rnd() % 5]);
    for (const base of [new Uint8Array(5000).fill(0x0a), mixed])
      for (let off = 0; off < 4; off++)
        for (const [s, e] of [[0, 4999], [1, 3000], [3, 1027], [2, 2]]) {
          const d = base.subarray(off);
          const want: number[] = [];
          for (let i = s; i < Math.min(e, d.length); i++) if (d[i] === 0x0a) want.push(i - s);
          expect(countByte(d, s, Math.min(e, d.length), 0x0a, words)).toBe(want.length);
          const at = new Int32Array(want.length);
          expect(indexAll(d, s, Math.min(e, d.length), 0x0a, words, at)).toBe(want.length);
          expect([...at]).toEqual(want);
          // Too small an array: filled as far as it goes, and the full count asks for more.
          const few = new Int32Array(want.length >> 1);
          expect(indexAll(d, s, Math.min(e, d.length), 0x0a, words, few)).toBe(want.length);
          expect([...few]).toEqual(want.slice(0, few.length));
        }
  });

  it('a resizable buffer that grew is not scanned with a stale view', () => {
    const buf = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(64, { maxByteLength: 1 << 16 });
    const u = new Uint8Array(buf);
    u.fill(65);
    u[0] = 10;
    toXml(u);
    (buf as unknown as { resize(n: number): void }).resize(256);
    u.fill(65);
    u[0] = 10;
    u[100] = 0x26;
    u[200] = 0x3c;
    const copy = u.slice();
    expect(hex(toMime(toXml(u)))).toBe(hex(copy));
  });

});

describe('line feeds noted while scanning text (skipLines)', () => {
  // The XML tokenizer's table: controls other than TAB, DEL, 8-bit bytes, < > & need attention (a LF is noted).
  const table = new Uint8Array(256).map((_, c) => (c < 0x20 && c !== 0x09) || c >= 0x7f || c === 0x3c || c === 0x3e || c === 0x26 ? 1 : 0);

  it('stops where a byte loop stops and notes the same line feeds, at every alignment', () => {
    const words = new WordView();
    let seed = 11;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    // Mostly plain with LFs, sometimes a byte that stops the scan, some LFs next to each other.
    const pick = () => { const r = rnd(); return r < 200 ? 0x41 + (r % 26) : r < 240 ? 0x0a : [0x3c, 0x26, 0x0d, 0x8a, 0x09, 0x3e, 0x7f, 0x00][r % 8]; };
    for (let trial = 0; trial < 300; trial++) {
      const base = Uint8Array.from({ length: 1 + (rnd() << 2) }, pick);
      for (let off = 0; off < 4; off++) {
        const d = base.subarray(Math.min(off, base.length));
        let i = rnd() % (d.length + 1);
        const lf = new LineFeeds();
        const got: number[] = [], want: number[] = [];
        // Scan the whole buffer stop by stop, as a tokenizer does.
        while (i < d.length) {
          let j = i;
          while (j < d.length && (d[j] === 0x0a || table[d[j]] === 0)) if (d[j++] === 0x0a) want.push(j - 1);
          lf.n = 0;
          const stop = skipLines(d, i, d.length, table, words, lf);
          expect(stop).toBe(j);
          got.push(...lf.at.subarray(0, lf.n));
          i = stop + 1;
        }
        expect(got).toEqual(want);
      }
    }
  });

  it('indexOfByte, with and without a host search, agrees with a byte loop on views at any offset', () => {
    const words = new WordView();
    const base = Uint8Array.from({ length: 9000 }, (_, i) => (i * 7919) % 251);
    base.fill(0x41, 3000, 8000); // a long stretch where the search finds nothing
    for (const host of [true, false]) {
      expect(setByteSearch(host ? Buffer.prototype.indexOf : null)).toBe(host);
      for (const off of [0, 1, 3, 1000])
        for (const len of [100, 2000, 7990])
          for (const b of [0, 0x2d, 0x41, 0xef, 250, 255])
            for (const from of [0, 1, 17, 1999, 2999, 5000, 7989]) {
              const d = base.subarray(off, off + len);
              let want = -1;
              for (let i = from; i < d.length; i++) if (d[i] === b) { want = i; break; }
              expect(indexOfByte(d, b, from, words)).toBe(want);
            }
    }
    setByteSearch(null);
  });

  it('hands back a full list at a line feed, and goes on from there', () => {
    const words = new WordView();
    const d = utf8('ab\n'.repeat(100_000) + '<');
    const lf = new LineFeeds();
    const all: number[] = [];
    let i = 0, stops = 0;
    for (;;) {
      lf.n = 0;
      i = skipLines(d, i, d.length, table, words, lf);
      all.push(...lf.at.subarray(0, lf.n));
      if (d[i] !== 0x0a) break;
      expect(lf.n).toBe(lf.at.length); // stopped at a LF only because the list was full
      stops++;
    }
    expect(d[i]).toBe(0x3c);
    expect(stops).toBe(1); // the list grows to 65,536 and no further
    expect(all.length).toBe(100_000);
    expect(all.every((p, k) => p === 3 * k + 2)).toBe(true);
  });
});
