/**
 * Text views that mean what they say (issue 16): UTF-7 is read as UTF-7
 * where xmime's encoder gives the bytes back, never as UTF-8; labels of
 * encodings xmime does not implement (HZ, ISO-2022-KR, x-user-defined, UTF-7
 * variants) give no view at all.
 */
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { charsetEncoder, decodeCharset } from '../../src/views/charset.js';

const mail = (label: string, body: string): Uint8Array =>
  new TextEncoder().encode(`Content-Type: text/plain; charset=${label}\r\n\r\n${body}`);
const xml = (m: Uint8Array): string => {
  const x = toXml(m);
  return typeof x === 'string' ? x : new TextDecoder().decode(x);
};

describe('UTF-7', () => {
  it('decodes strictly (RFC 2152) and encodes as §7.4.3 says', () => {
    const d = (s: string) => decodeCharset('utf-7', new TextEncoder().encode(s));
    expect(d('Fr+APY-sche a+-b +ADs- x+2D3eAQ-')).toBe('Frösche a+b ; x\u{1f601}');
    expect(d('+AOQ')).toBe('ä');
    expect(d('+AOR-')).toBe(null); // non-zero bits left over
    expect(d('+!')).toBe(null);
    expect(d('+2D0-')).toBe(null); // unpaired surrogate
    expect(d('\u00e4')).toBe(null);
    const e = (s: string) => new TextDecoder().decode(charsetEncoder('utf-7')!.encode(s)!);
    expect(e('Frösche; "a+b" ~')).toBe('Fr+APY-sche+ADs- +ACI-a+-b+ACI- +AH4-');
  });

  it('a UTF-7 body is shown as its characters, with charset="utf-7", and comes back exactly', () => {
    const m = mail('utf-7', 'Fr+APY-sche +ADs- and +ACI-Hasen+ACI-\r\n');
    const x = xml(m);
    expect(x).toContain('<text charset="utf-7">Frösche ; and "Hasen"');
    expect(Buffer.from(toMime(x)).equals(Buffer.from(m))).toBe(true);
  });

  it('UTF-7 with the optional direct characters as themselves: direct="optional"', () => {
    for (const [m, t] of [
      [mail('utf-7', 'Fr+APY-sche; "a"\r\n'), 'Frösche; "a"'],
      [mail('unicode-1-1-utf-7', 'userx@example.com\r\n'), 'userx@example.com'],
    ] as const) {
      const x = xml(m);
      expect(x).toMatch(/<text charset="[^"]+" direct="optional">/);
      expect(x).toContain(t);
      expect(Buffer.from(toMime(x)).equals(Buffer.from(m))).toBe(true);
    }
  });

  it('UTF-7 neither way writes (no "-" after a run), or plain ASCII, is no UTF-8 text: it stays bytes', () => {
    for (const m of [mail('UTF-7', '+AD4 quoted\r\n'), mail('utf-7', 'x +AD4- and; +ADs-\r\n')]) {
      const x = xml(m);
      expect(x).not.toContain('<text');
      expect(Buffer.from(toMime(x)).equals(Buffer.from(m))).toBe(true);
    }
  });

  it('direct="optional" is only for UTF-7, and decodes as it says', () => {
    const doc = (attrs: string, t: string) => `<mime xmlns="urn:xmpp:xmime:0"><text ${attrs}>${t}</text></mime>`;
    expect(new TextDecoder().decode(toMime(doc('charset="utf-7" direct="optional"', 'a; "b" ä')))).toBe('a; "b" +AOQ-');
    expect(new TextDecoder().decode(toMime(doc('charset="utf-7"', 'a; "b" ä')))).toBe('a+ADs- +ACI-b+ACI- +AOQ-');
    expect(() => toMime(doc('charset="utf-8" direct="optional"', 'a'))).toThrow(/direct/);
    expect(() => toMime(doc('charset="utf-7" direct="yes"', 'a'))).toThrow(/direct/);
  });
});

describe('labels of encodings xmime does not implement', () => {
  for (const label of ['hz-gb-2312', 'HZ', 'iso-2022-kr', 'iso-2022-jp-2', 'ISO-2022-CN', 'x-user-defined', 'utf-7-imap', 'x-utf7']) {
    it(`${label}: no view, even for ASCII bytes`, () => {
      const m = mail(label, 'plain ~{<:Ky2;S{#,~} ASCII\r\n');
      const x = xml(m);
      expect(x).not.toContain('<text');
      expect(Buffer.from(toMime(x)).equals(Buffer.from(m))).toBe(true);
    });
  }
  it('an unknown label that names no such encoding still reads as UTF-8, then windows-1252', () => {
    expect(xml(mail('x-unknown', 'caf\u00e9\r\n'))).toContain('<text>café');
  });
});
