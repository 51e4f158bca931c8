/**
 * Regression tests for the findings of the adversarial review of 2026-11-21
 * (numbered as in that review). Each failed before its fix.
 */
import { describe, expect, it } from 'vitest';
import { Decoder, toMime, toXml } from '../src/api/codec.js';
import { XmimeError } from '../src/core/errors.js';
import { countByte, flagged, indexAll, indexOfByte, LineFeeds, setByteSearch, skipLines, skipPlain, WordView } from '../src/core/scan.js';
import { concat } from '../src/core/bytes.js';
import { decodeChunks, encodeChunks, randomSizes, split, text, timeRatio, utf8 } from './support/helpers.js';

const M = '<mime xmlns="urn:xmpp:xmime:0">';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function errorOf(f: () => unknown): XmimeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(XmimeError);
    return e as XmimeError;
  }
  throw new Error('no error');
}


describe('review findings', () => {
  it('1: a CR ending a chunk before markup does not swallow a later LF', () => {
    for (const parts of [[`${M}\r`, '<body>\nX</body></mime>'], [`${M}<body>a\r`, '<![CDATA[\nb]]></body></mime>']]) {
      expect(hex(decodeChunks(parts))).toBe(hex(toMime(parts.join(''))));
    }
  });

  it('2: U+FEFF is data in names and attribute values', () => {
    expect(text(toMime(`${M}<multipart boundary="&#xFEFF;b"><part/></multipart></mime>`))).toBe('--\ufeffb\r\n');
    expect(errorOf(() => toMime('<mime xmlns="&#xFEFF;urn:xmpp:xmime:0"/>')).code).toBe('xmime-namespace');
    expect(errorOf(() => toMime('<\ufeffmime xmlns="urn:xmpp:xmime:0"/>')).code).toBe('xmime-element');
    expect(toMime('<\ufeffa:mime xmlns:\ufeffa="urn:xmpp:xmime:0"/>').length).toBe(0);
  });

  it('3: data more than 2 GiB into its buffer is scanned correctly', () => {
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

  it('4: a resizable buffer that grew is not scanned with a stale view', () => {
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

  it('5: names follow the XML Name productions; xmlns: needs a local part', () => {
    for (const bad of [
      `<mime xmlns="urn:xmpp:xmime:0" xmlns:a="x" a:b\u00d7="1"/>`,
      `<x\u00d7:mime xmlns:x\u00d7="urn:xmpp:xmime:0"/>`,
      `<mime\u037e xmlns="urn:xmpp:xmime:0"/>`,
      `<mime xmlns:="urn:xmpp:xmime:0"/>`,
      `<mime xmlns="urn:xmpp:xmime:0" xmlns:a:b="x"/>`,
    ])
      expect(() => toMime(bad), bad).toThrow(XmimeError);
  });

  it('6: at most one byte order mark, and many give a clear error', () => {
    expect(() => toMime('\ufeff\ufeff<mime xmlns="urn:xmpp:xmime:0"/>')).toThrow(XmimeError);
    expect(errorOf(() => toMime('\ufeff'.repeat(100_000) + '<mime xmlns="urn:xmpp:xmime:0"/>')).code).toBe('xml-syntax');
  });

  it('7: the XML declaration takes only XML white space', () => {
    for (const bad of ['<?xml version="1.0"\u00a0?><mime xmlns="urn:xmpp:xmime:0"/>', '<?xml version\f=\f"1.0"?><mime xmlns="urn:xmpp:xmime:0"/>'])
      expect(() => toMime(bad)).toThrow(XmimeError);
  });

  it('8: error code and position do not depend on chunking', () => {
    for (const doc of [`${M}]]></mime>`, `${M}\n&#62;</mime>`, `${M}x]]]>y</mime>`]) {
      const whole = errorOf(() => toMime(doc));
      for (const n of [1, 2, 3, 5]) {
        const e = errorOf(() => decodeChunks(split(utf8(doc), [n])));
        expect([e.code, e.offset, e.line, e.column]).toEqual([whole.code, whole.offset, whole.line, whole.column]);
      }
    }
    expect(errorOf(() => toMime(`${M}\n&#62;</mime>`)).offset).toBe(M.length + 1);
  });

  it('9: namespace lookups stay linear with many declarations', () => {
    const doc = (n: number) => {
      const decl = Array.from({ length: n }, (_, i) => ` xmlns:p${i}="urn:x${i}"`).join('');
      const attrs = Array.from({ length: n }, (_, i) => ` p${i}:a="1"`).join('');
      return utf8(`<mime xmlns="urn:xmpp:xmime:0"${decl}><body${attrs}>x</body></mime>`);
    };
    const small = doc(10_000), big = doc(20_000);
    expect(timeRatio(() => toMime(small), () => toMime(big), 3)).toBeLessThan(3);
  });

  it('10: a long dash line awaiting input is not rescanned on every push', () => {
    const mail = (dash: string) => utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n' + `${dash}${'x'.repeat(16_000)}\r\n`.repeat(20) + '--b--\r\n');
    const withDash = mail('--'), without = mail('xx');
    expect(timeRatio(() => encodeChunks(split(without, [1])), () => encodeChunks(split(withDash, [1])), 5)).toBeLessThan(5);
    expect(text(encodeChunks(split(withDash, [1])))).toBe(toXml(withDash));
  });

  it('11: a quoted boundary ending in an escaped quote keeps the quote (spec §9.4)', () => {
    const b = utf8('Content-Type: multipart/mixed; boundary="ab\\"\r\n\r\n--ab"\r\n\r\nx\r\n--ab"--\r\n');
    expect(toXml(b)).toContain('<multipart boundary="ab&quot;">');
    expect(hex(toMime(toXml(b)))).toBe(hex(b));
  });

  it('12: maxTagBytes is the exact tag length allowed', () => {
    const doc = `${M}</mime>`; // the start tag is 31 bytes
    expect(toMime(doc, { maxTagBytes: 31 }).length).toBe(0);
    expect(errorOf(() => toMime(doc, { maxTagBytes: 30 })).code).toBe('limit-tag');
    const parts: Uint8Array[] = [];
    const dec = new Decoder((c) => parts.push(c), { maxTagBytes: 31 });
    for (const c of split(utf8(doc), [1])) dec.push(c);
    dec.end();
    expect(concat(parts).length).toBe(0);
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

  const lines = (n: number) => Array.from({ length: n }, (_, k) => `${k.toString(36).padStart(8, 'Q')}${'QUJD'.repeat(17)}\r\n`).join('');

  it('long bodies of many lines decode exactly, whole and in any chunks', () => {
    for (const n of [1, 63, 70_000]) {
      const mime = utf8('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n' + lines(n) + 'tail');
      const xml = utf8(toXml(mime, { readable: false }));
      expect(hex(toMime(xml))).toBe(hex(mime));
      expect(hex(toMime(text(xml)))).toBe(hex(mime));
      for (const sizes of [[65_536], [1000, 77, 3], randomSizes(n, 64, 40_000)])
        expect(hex(decodeChunks(split(xml, sizes)))).toBe(hex(mime));
    }
  });

  it('errors after and inside long text runs give the right line and column, whole and in any chunks', () => {
    const body = lines(70_000).replace(/\r\n/g, '\n');
    const docs = [
      `${M}<body>${body}</body>\n  <bogus/></mime>`, // after the run: line 70,002, column 3
      `${M}<body>${body.slice(0, 77 * 50_000 + 5)}\u0001${body.slice(77 * 50_000 + 5)}</body></mime>`, // inside it
      `${M}<body>${body.slice(0, 77 * 69_000)}\r\n${body.slice(77 * 69_000)}</body>\n<bogus/></mime>`, // a CRLF in it
    ];
    const want = [[70_002, 3], [50_001, 6], [70_003, 1]];
    docs.forEach((doc, k) => {
      const xml = utf8(doc);
      const whole = errorOf(() => toMime(xml));
      expect([whole.line, whole.column]).toEqual(want[k]);
      for (const sizes of [[65_536], [1_000_000], [4099, 77], randomSizes(k + 1, 64, 100_000)]) {
        const e = errorOf(() => decodeChunks(split(xml, sizes)));
        expect([e.code, e.line, e.column, e.offset]).toEqual([whole.code, whole.line, whole.column, whole.offset]);
      }
    });
  });
});
