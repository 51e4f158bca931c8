/**
 * Charsets exactly as the WHATWG Encoding Standard (§7.4.3), checked against
 * the standard's own index files (scripts/whatwg/, read by
 * scripts/charset-reference.mjs, which shares no code with src/): every
 * sequence of every legacy encoding decodes as the index says, every table
 * entry encodes to its shortest, then lowest, sequence, nothing else encodes;
 * the torture mails of fixtures/charsets/ become exactly those characters
 * (or stay bytes) and come back byte for byte; and the cross-implementation
 * findings (../shared/findings/cross-implementation/) are settled.
 */
import { DOMParser } from '@xmldom/xmldom';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { XmimeError } from '../../src/core/errors.js';
import { charsetEncoder, charsetName, decodeCharset } from '../../src/views/charset.js';
import { fromHost } from '../../src/views/charset-multibyte.js';
// @ts-expect-error: plain JavaScript module
import { decodeRef, encodeRef, index, lowest, MULTI, sequences, SINGLE } from '../../scripts/charset-reference.mjs';
// @ts-expect-error: plain JavaScript module
import { fixtures } from '../../scripts/gen-charset-fixtures.mjs';
import { ROOT } from '../support/helpers.js';

type Seq = [number[], number[] | null];

const str = (x: string | Uint8Array): string => (typeof x === 'string' ? x : new TextDecoder().decode(x));
const hex = (b: ArrayLike<number> | null): string | null => (b === null ? null : Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' '));

/** The characters of the document's first text view (§7.4.1 undone, CR LF line ends), or null if it has none. */
function viewText(xml: string): string | null {
  const t = new DOMParser().parseFromString(xml, 'application/xml').getElementsByTagNameNS('urn:xmpp:xmime:0', 'text');
  if (t.length === 0) return null;
  const eol = t[0].getAttribute('eol') === 'lf' ? '\n' : '\r\n';
  return t[0].textContent!.replace(/\n/g, eol).replace(/[\uF700-\uF7FF]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xf700));
}

describe('generated files', () => {
  it('src/views/charsets/ is what scripts/gen-charsets.mjs makes of the index files', () => {
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts/gen-charsets.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
  it('fixtures/charsets/ is what scripts/gen-charset-fixtures.mjs makes of them', () => {
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts/gen-charset-fixtures.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('every legacy encoding, against the index files', () => {
  for (const name of [...SINGLE, ...MULTI] as string[]) {
    it(`${name}: every listed sequence decodes as the index says, every table entry encodes to its lowest sequence, nothing else encodes`, () => {
      const seqs: Seq[] = sequences(name);
      let wrong = 0;
      for (const [bytes, cps] of seqs) {
        const got = decodeCharset(name, Uint8Array.from(bytes));
        const want = cps === null ? null : String.fromCodePoint(...cps);
        if (got !== want) {
          if (wrong++ < 5) expect.soft(got, `${name} ${hex(bytes)}`).toBe(want);
        }
      }
      expect(wrong, `${name}: sequences decoded wrongly`).toBe(0);
      const table: Map<number, number[]> = lowest(name);
      const enc = charsetEncoder(name)!;
      for (const [cp, bytes] of table) {
        const got = enc.encode(String.fromCodePoint(cp));
        if (hex(got) !== hex(bytes) && wrong++ < 5) expect.soft(hex(got), `${name} U+${cp.toString(16)}`).toBe(hex(bytes));
      }
      for (let cp = 0; cp < 0x10000; cp++) {
        if (table.has(cp) || (cp >= 0xd800 && cp < 0xe000)) continue;
        const got = enc.encode(String.fromCharCode(cp));
        if (got !== null && wrong++ < 5) expect.soft(hex(got), `${name} U+${cp.toString(16)} has no table entry`).toBe(null);
      }
      expect(wrong, `${name}: characters encoded wrongly`).toBe(0);
    });
  }

  it('gb18030 four-byte sequences decode by index gb18030 ranges; §7.4.3 has no table entry for them', () => {
    const ranges = [...(index('gb18030-ranges') as Map<number, number>)];
    const four = (p: number) => Uint8Array.of(0x81 + Math.floor(p / 12600), 0x30 + (Math.floor(p / 1260) % 10), 0x81 + (Math.floor(p / 10) % 126), 0x30 + (p % 10));
    const at = (q: number): number => {
      const [p, cp] = ranges.filter(([r]) => r <= q).pop()!;
      return cp + q - p;
    };
    for (const [p, cp] of ranges) {
      if (p === 7457) continue;
      for (const q of [p, p + 1]) expect(decodeCharset('gb18030', four(q)), `pointer ${q}`).toBe(String.fromCodePoint(at(q)));
      expect(charsetEncoder('gb18030')!.encode(String.fromCodePoint(cp)), `U+${cp.toString(16)}`).toBe(null);
    }
    expect(decodeCharset('gb18030', four(7457))).toBe('\ue7c7');
    expect(decodeCharset('gb18030', four(39419))).toBe('\uffff');
    expect(decodeCharset('gb18030', four(39420))).toBe(null);
    expect(decodeCharset('gb18030', four(189000))).toBe('\u{10000}');
    expect(decodeCharset('gb18030', four(1237575))).toBe('\u{10ffff}');
    expect(decodeCharset('gbk', four(189000))).toBe('\u{10000}'); // GBK decodes as gb18030
    expect(decodeCharset('gb18030', Uint8Array.of(0x81, 0x30, 0x81))).toBe(null);
  });

  it('ISO-2022-JP decodes by the standard (escape sequences, Roman, katakana, errors) and encodes as §7.4.3 says', () => {
    const d = (...b: number[]) => decodeCharset('iso-2022-jp', Uint8Array.from(b));
    const ESC = 0x1b;
    expect(d(0x41, ESC, 0x24, 0x42, 0x30, 0x21, ESC, 0x28, 0x42, 0x41)).toBe('A\u4e9cA');
    expect(d(ESC, 0x28, 0x4a, 0x5c, 0x7e)).toBe('\u00a5\u203e');
    expect(d(ESC, 0x28, 0x49, 0x21, 0x5f)).toBe('\uff61\uff9f');
    expect(d(ESC, 0x24, 0x40, 0x30, 0x21)).toBe('\u4e9c');
    expect(d(ESC, 0x24, 0x42, ESC, 0x28, 0x42)).toBe(null); // two escape sequences with nothing between
    expect(d(ESC, 0x24, 0x42, 0x30)).toBe(null); // lead byte at the end
    expect(d(ESC, 0x24, 0x42, 0x30, 0x21, 0x0a)).toBe(null); // LF in JIS mode
    expect(d(0x0e)).toBe(null);
    expect(d(0x80)).toBe(null);
    expect(d(ESC, 0x28, 0x43)).toBe(null);
    const enc = charsetEncoder('iso-2022-jp')!;
    expect(hex(enc.encode('A\u4e9c\u4e9c'))).toBe('41 1b 24 42 30 21 30 21');
    expect(hex(enc.end())).toBe('1b 28 42');
    expect(enc.encode('\uff61')).toBe(null); // half-width katakana: not written
    const only0212 = [...(lowest('euc-jp') as Map<number, number[]>)].find(([, b]) => b.length === 3)![0];
    expect(enc.encode(String.fromCodePoint(only0212))).toBe(null); // JIS X 0212 only
  });

  it('UTF-16LE/BE: strict, a byte order mark stays U+FEFF', () => {
    expect(decodeCharset('utf-16le', Uint8Array.of(0xff, 0xfe, 0x41, 0x00, 0x3d, 0xd8, 0x01, 0xde))).toBe('\ufeffA\u{1f601}');
    expect(decodeCharset('utf-16be', Uint8Array.of(0xd8, 0x3d, 0xde, 0x01))).toBe('\u{1f601}');
    expect(decodeCharset('utf-16le', Uint8Array.of(0x41))).toBe(null);
    expect(decodeCharset('utf-16le', Uint8Array.of(0x3d, 0xd8))).toBe(null);
    expect(decodeCharset('utf-16le', Uint8Array.of(0x01, 0xde, 0x41, 0x00))).toBe(null);
  });

  it('labels: "get an encoding", ASCII white space and ASCII case only; replacement and x-user-defined name no charset', () => {
    expect(charsetName(' \tLatin1\n')).toBe('windows-1252');
    expect(charsetName('ISO-8859-16')).toBe('iso-8859-16');
    expect(charsetName('latin1\u00a0')).toBe(null);
    expect(charsetName('\u212aoi8-r')).toBe(null); // KELVIN SIGN: not ASCII case-insensitive
    expect(charsetName('iso-2022-kr')).toBe(null);
    expect(charsetName('hz-gb-2312')).toBe(null);
    expect(charsetName('x-user-defined')).toBe(null);
    expect(charsetName('x-mac-ukrainian')).toBe('x-mac-cyrillic');
    expect(charsetName('utf-7')).toBe('utf-7');
  });

  it('the host decoder serves an index only if it is exactly the standard\'s (Node\'s ICU is not, for EUC-KR and Big5)', () => {
    expect(fromHost('euc-kr')).toBe(null);
    expect(fromHost('big5')).toBe(null);
    for (const name of ['jis0208', 'jis0212', 'euc-kr', 'big5', 'gb18030']) {
      const a = fromHost(name);
      if (a === null) continue;
      const ix: Map<number, number> = index(name);
      for (let p = 0; p < a.length; p++) if (a[p] >= 0) expect(a[p], `${name} ${p}`).toBe(ix.get(p));
    }
  });
});

describe('the torture suite (fixtures/charsets/)', () => {
  const all: Map<string, { bytes: Uint8Array; text: string | null }> = fixtures();
  it('has a mail of every table entry for every legacy encoding', () => {
    for (const name of [...SINGLE, ...MULTI, 'iso-2022-jp']) expect(all.has(`${name}.eml`), name).toBe(true);
  });
  for (const [f, { bytes, text }] of all) {
    it(`${f}: ${text === null ? 'stays bytes' : 'becomes exactly the index\'s characters'}, and comes back byte for byte`, () => {
      const xml = str(toXml(bytes));
      expect(viewText(xml)).toBe(text);
      expect(hex(toMime(xml)) === hex(bytes)).toBe(true);
    });
  }
});

const FINDINGS = join(ROOT, '..', 'shared', 'findings', 'cross-implementation');

describe.skipIf(!existsSync(FINDINGS))('cross-implementation findings (charsets)', () => {
  it('c3-*: the view, where there is one, is the standard\'s decoding of the body, and every mail comes back', () => {
    let views = 0;
    for (const f of readdirSync(FINDINGS).filter((x) => x.startsWith('c3-'))) {
      const m = new Uint8Array(readFileSync(join(FINDINGS, f)));
      const xml = str(toXml(m));
      expect(hex(toMime(xml)) === hex(m), f).toBe(true);
      const label = /charset="?([\w-]+)/i.exec(new TextDecoder('latin1').decode(m))?.[1].toLowerCase();
      const name = label === undefined ? null : charsetName(label);
      if (name === null || name === 'utf-8' || name === 'windows-1252') continue;
      const at = m.findIndex((_, i) => m[i] === 0x0d && m[i + 1] === 0x0a && m[i + 2] === 0x0d && m[i + 3] === 0x0a);
      const body = m.subarray(at + 4);
      const want: string | null = decodeRef(name, body);
      const round = want === null ? null : encodeRef(name, want);
      const expected = want !== null && round !== null && hex(round) === hex(body) ? want : null;
      expect(viewText(xml), f).toBe(expected);
      if (expected !== null) views++;
    }
    expect(views).toBeGreaterThanOrEqual(5);
  });

  it('c2-* charset documents: each decodes to the §7.4.3 table\'s bytes, or is refused when the table has none', () => {
    for (const f of readdirSync(FINDINGS).filter((x) => /^c2-(0[3-9]|1[0-4]|2[67])/.test(x))) {
      const xml = readFileSync(join(FINDINGS, f), 'utf8');
      const label = /charset="([^"]*)"/.exec(xml)![1].replace(/&#xA0;/g, '\u00a0');
      const text = viewText(xml)!;
      const name = charsetName(label);
      const want = name === null ? null : encodeRef(name, text);
      let got: Uint8Array | null = null;
      try {
        got = toMime(xml);
      } catch (e) {
        expect(e, f).toBeInstanceOf(XmimeError);
      }
      expect(hex(got), f).toBe(hex(want));
    }
  });
});

describe.skipIf(!existsSync(FINDINGS))('cross-implementation findings (not charsets)', () => {
  it('c2-01: a header name written with a byte escape of a printable byte is that byte (§7.2)', () => {
    const xml = readFileSync(join(FINDINGS, 'c2-01-name-escaped-byte.xml'), 'utf8');
    expect(new TextDecoder().decode(toMime(xml))).toBe('A: v\r\n\r\n');
    expect(() => toMime('<mime xmlns="urn:xmpp:xmime:0"><headers><header name="&#xF73A;">v</header></headers></mime>')).toThrow(XmimeError);
  });
});

describe('specific departures of Node\'s ICU, now gone', () => {
  const d = (name: string, ...b: number[]) => decodeCharset(name, Uint8Array.from(b));
  const e = (name: string, s: string) => hex(charsetEncoder(name)!.encode(s));
  it('EUC-KR is the UHC superset, with U+20AC, and no single-byte C1', () => {
    expect(d('euc-kr', 0x81, 0x41)).toBe('\uac02');
    expect(d('euc-kr', 0xa2, 0xe6)).toBe('\u20ac');
    expect(e('euc-kr', '\u0081')).toBe(null);
  });
  it('KOI8-U 0xAE/0xBE are ў/Ў; Shift_JIS and IBM866 keep 0x1A/0x1C/0x7F; windows-1253 0xAA and EUC-JP C1 are unmapped', () => {
    expect(d('koi8-u', 0xae, 0xbe)).toBe('\u045e\u040e');
    expect(d('shift_jis', 0x1a, 0x1c, 0x7f)).toBe('\x1a\x1c\x7f');
    expect(d('ibm866', 0x1a, 0x1c, 0x7f)).toBe('\x1a\x1c\x7f');
    expect(d('windows-1253', 0xaa)).toBe(null);
    expect(d('euc-jp', 0x81)).toBe(null);
    expect(e('euc-jp', '\u0081')).toBe(null);
  });
  it('windows-874 has no private-use characters; windows-1255 0xCA is U+05BA; ISO-8859-16 exists', () => {
    expect(d('windows-874', 0xdb)).toBe(null);
    expect(d('windows-1255', 0xca)).toBe('\u05ba');
    expect(d('iso-8859-16', 0xc3)).toBe('\u0102');
  });
  it('Big5 duplicates encode to the numerically lowest sequence (U+4EDD → C6 DF... or lower)', () => {
    const t: Map<number, number[]> = lowest('big5');
    expect(e('big5', '\u4edd')).toBe(hex(t.get(0x4edd)!));
    expect(d('big5', 0xc9, 0x69)).toBe('\u4edd');
    expect(parseInt(hex(t.get(0x4edd)!)!.replace(' ', ''), 16)).toBeLessThan(0xc969);
  });
});
