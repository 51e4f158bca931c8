/**
 * Readable mode, property-tested: random Unicode text is written into a
 * text/plain body by encoders that are independent of xmime (Node's Buffer
 * base64 and a textbook RFC 2045 quoted-printable encoder), in several
 * charsets. The XMIME must carry the text itself in `<text>`, and decode to
 * the same bytes, whole and in random chunks.
 */
import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { qpEncode } from '../../src/views/transfer.js';
import { charsetEncoder, decodeCharset } from '../../src/views/charset.js';
import { concat } from '../../src/core/bytes.js';
import { decodeChunks, firstDiff, split, utf8 } from '../support/helpers.js';
import { decodeRef } from '../../scripts/charset-reference.mjs';

/** RFC 2045 §6.7, the usual way: escape what must be, soft-break greedily at 76. */
function textbookQp(d: Uint8Array): string {
  let out = '', line = '';
  const lines: number[][] = [[]];
  for (let i = 0; i < d.length; i++) {
    if (d[i] === 13 && d[i + 1] === 10) {
      lines.push([]);
      i++;
    } else lines[lines.length - 1].push(d[i]);
  }
  lines.forEach((l, li) => {
    line = '';
    l.forEach((c, k) => {
      const last = k === l.length - 1;
      const esc = c === 61 || c > 126 || (c < 32 && c !== 9) || (last && (c === 32 || c === 9));
      const tok = esc ? '=' + c.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(c);
      if (line.length + tok.length > (last ? 76 : 75)) {
        out += line + '=\r\n';
        line = '';
      }
      line += tok;
    });
    out += line + (li < lines.length - 1 ? '\r\n' : '');
  });
  return out;
}

function base64Lines(d: Uint8Array): string {
  return (Buffer.from(d).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') + (d.length > 0 ? '\r\n' : '');
}

/** The characters of `<text>`, as spec §7.4 maps them back: "\n" is the line ending, U+F7xx a control. */
function viewOf(xml: string): string | null {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const t = doc.getElementsByTagNameNS('urn:xmpp:xmime:0', 'text')[0];
  if (t === undefined) return null;
  const nl = t.getAttribute('eol') === 'lf' ? '\n' : '\r\n';
  return (t.textContent ?? '').replace(/[\n\uf700-\uf7ff]/g, (m) => (m === '\n' ? nl : String.fromCharCode(m.charCodeAt(0) - 0xf700)));
}

const piece = fc.oneof(
  { arbitrary: fc.constantFrom('\r\n', ' ', '\t', '=', '.', '-', 'From ', 'é', '€', '😀', '\u0007', '<&>', ']]>', 'x'.repeat(90), ' \r\n'), weight: 100 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 100 },
  // Now and then a character spec §7.4 rules out of a view, so both outcomes of check() occur.
  { arbitrary: fc.constantFrom('\uf705', '\u2028', '\uffff'), weight: 2 },
);
/** Text a mail can carry as text/plain: line breaks are CRLF (no bare CR or LF). */
const text = fc.array(piece, { maxLength: 40 }).map((a) => a.join('').replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n'));

const mail = (charset: string, cte: string, body: string | Uint8Array): Uint8Array =>
  concat([utf8(`Content-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`), typeof body === 'string' ? utf8(body) : body]);

/** Whether the view may be readable at all: characters spec §7.4 rules out. */
const carriable = (s: string) => !/[\uf700-\uf7ff\u2028\u2029\ufffe\uffff]/.test(s);

/** How often check() saw text with a view and text without one. */
const outcomes = { view: 0, none: 0 };

function check(mime: Uint8Array, s: string, chunks: number[]): void {
  outcomes[s !== '' && carriable(s) ? 'view' : 'none']++;
  const xml = toXml(mime);
  expect(firstDiff(toMime(xml), mime)).toBe(-1);
  expect(firstDiff(decodeChunks(split(utf8(xml), chunks)), mime)).toBe(-1);
  // An empty body has no leaf element at all (spec §6.2); text §7.4 rules out has no <text> view.
  expect(viewOf(xml)).toBe(s === '' || !carriable(s) ? null : s);
}

const sizes = fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 });

describe('readable text bodies (property)', () => {
  it('UTF-8, quoted-printable from a textbook encoder: the view is the text', () => {
    fc.assert(fc.property(text, sizes, (s, c) => check(mail('utf-8', 'quoted-printable', textbookQp(utf8(s))), s, c)), { numRuns: 300 });
  });

  it('UTF-8, base64 from Buffer: the view is the text', () => {
    fc.assert(fc.property(text, sizes, (s, c) => check(mail('utf-8', 'base64', base64Lines(utf8(s))), s, c)), { numRuns: 300 });
  });

  it('UTF-8, 8bit: the view is the text', () => {
    const before = { ...outcomes };
    fc.assert(fc.property(text, sizes, (s, c) => check(mail('utf-8', '8bit', s), s, c)), { numRuns: 300 });
    // Both kinds of text are really generated (measured: about 85% and 15%).
    expect(outcomes.view - before.view).toBeGreaterThan(150);
    expect(outcomes.none - before.none).toBeGreaterThan(15);
  });

  it('ISO-8859-1 quoted-printable: the view is the text', () => {
    const latin = fc.array(fc.oneof(fc.constantFrom('\r\n', ' ', '=', 'ü', 'ß', '\u00a0', 'ÿ'), fc.string({ maxLength: 10 })), { maxLength: 40 }).map((a) =>
      a.join('').replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n').replace(/[^\x00-\xff]/g, '?'),
    );
    fc.assert(
      fc.property(latin, sizes, (s, c) => check(mail('iso-8859-1', 'quoted-printable', textbookQp(Uint8Array.from(s, (ch) => ch.charCodeAt(0)))), s, c)),
      { numRuns: 200 },
    );
  });

  it('quoted-printable-like and base64-like bodies of any layout round-trip exactly (short soft lines, blank tails)', () => {
    const qpish = fc.array(fc.constantFrom('a', 'b', '=\r\n', '=41', '=e9', ' ', '\t', '\r\n', '.', '-', '=', 'é'), { maxLength: 60 }).map((a) => a.join(''));
    const b64ish = fc.array(fc.constantFrom('QUJD', 'QQ==', 'QUI=', '\r\n', '\n', 'AAAA'), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(qpish.map((b) => ['quoted-printable', b]), b64ish.map((b) => ['base64', b])), sizes, ([t, body], ch) => {
        const m = mail('utf-8', t, body);
        const xml = toXml(m);
        expect(firstDiff(toMime(xml), m)).toBe(-1);
        expect(firstDiff(decodeChunks(split(utf8(xml), ch)), m)).toBe(-1);
      }),
      { numRuns: 1000 },
    );
    // Found by review: layouts whose learned line length is below 4 once made the decoder reject the encoder's output.
    for (const body of ['a=\r\nb', 'a=\r\nb=\r\nc', 'QUJD\r\n' + '\r\n'.repeat(8)]) {
      const m = mail('utf-8', body.startsWith('QUJD') ? 'base64' : 'quoted-printable', body);
      const xml = toXml(m);
      expect(xml).toContain('<text');
      expect(firstDiff(toMime(xml), m)).toBe(-1);
    }
  });

  it('a breaks list that does not fit the text is an xmime-attribute-value error', () => {
    expect(() => toMime('<mime xmlns="urn:xmpp:xmime:0"><text transfer="quoted-printable" breaks="99">ab</text></mime>')).toThrow(/xmime-attribute-value/);
  });

  it('any bytes under any declared charset and transfer encoding round-trip exactly', () => {
    const cs = fc.constantFrom('utf-8', 'iso-8859-1', 'us-ascii', 'shift_jis', 'iso-2022-jp', 'big5', 'koi8-r', 'utf-16le', 'x-unknown');
    const cte = fc.constantFrom('7bit', '8bit', 'quoted-printable', 'base64', 'binary');
    fc.assert(
      fc.property(cs, cte, fc.uint8Array({ maxLength: 300 }), sizes, (c, t, body, ch) => {
        const m = mail(c, t, body);
        const xml = toXml(m);
        expect(firstDiff(toMime(xml), m)).toBe(-1);
        expect(firstDiff(decodeChunks(split(utf8(xml), ch)), m)).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('quoted-printable encoder', () => {
  it('the one-pass greedy layout writes exactly what the general layout writes', () => {
    const bytes = fc.uint8Array({ maxLength: 400 }).map((b) => b.map((c) => (c % 5 === 0 ? [0x20, 0x09, 0x0d, 0x0a, 0x3d][c % 25 / 5] : c)));
    const chars = fc.constantFrom('', '.', '-', 'F', '.-F', '\t ');
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 90 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), chars, chars, (d, line, lower, rawTrailing, fill, crlf, always, start) => {
        const p = { line, lower, always: always.replace(/[^!-<>-~\t ]/g, ''), start, rawTrailing, softSpace: false, word: false, fill, breaks: null };
        expect(qpEncode(d, p, crlf)).toEqual(qpEncode(d, p, crlf, undefined, true));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('single-byte charset encoders', () => {
  // Every WHATWG single-byte charset xmime encodes (those Node's TextDecoder knows here).
  const names = ['ibm866', 'iso-8859-2', 'iso-8859-5', 'iso-8859-7', 'iso-8859-8', 'iso-8859-15', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251', 'windows-1252', 'windows-1253', 'windows-1255', 'windows-1256', 'windows-1258', 'x-mac-cyrillic'];

  it('encode exactly the characters the charset decodes to, each to the lowest byte, and nothing else', () => {
    for (const name of names) {
      const enc = charsetEncoder(name)!;
      const want = new Map<number, number>();
      for (let b = 0; b < 256; b++) {
        const s = decodeCharset(name, Uint8Array.of(b));
        if (s !== null && s.length === 1 && !want.has(s.charCodeAt(0))) want.set(s.charCodeAt(0), b);
      }
      expect(want.size, name).toBeGreaterThan(200);
      const chars = [...want.keys()];
      expect([...enc.encode(String.fromCharCode(...chars))!], name).toEqual(chars.map((c) => want.get(c)));
      const encodedAnyway: number[] = [];
      for (let c = 0; c < 0x10000; c++) if (!want.has(c) && enc.encode(`a${String.fromCharCode(c)}`) !== null) encodedAnyway.push(c);
      expect(encodedAnyway, name).toEqual([]);
      expect(enc.encode('a\u{1f600}'), name).toBeNull();
    }
  });

  it('decode a long run of every byte as they decode one at a time (windows-1252 is decoded by xmime itself)', () => {
    const all = Uint8Array.from({ length: 3 * 256 + 7 }, (_, i) => (i * 7) % 256);
    // The bytes that map to nothing, from the WHATWG index files read by scripts/charset-reference.mjs
    // (independent of src/): a charset's run leaves them out.
    const unmappedOf = (name: string): number[] => Array.from({ length: 256 }, (_, b) => b).filter((b) => decodeRef(name, Uint8Array.of(b)) === null);
    const unmapped: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, unmappedOf(n)]));
    expect(Object.values(unmapped).some((g) => g.length > 0)).toBe(true); // the gaps are really exercised
    for (const name of names) {
      const gaps = new Set(unmapped[name] ?? []);
      for (const b of gaps) expect(decodeCharset(name, Uint8Array.of(b)), `${name} ${b}`).toBeNull();
      const run = all.filter((b) => !gaps.has(b));
      const one = [...run].map((b) => decodeCharset(name, Uint8Array.of(b)));
      expect(one.includes(null), name).toBe(false);
      expect(decodeCharset(name, run), name).toBe(one.join(''));
    }
    const w = [...all].map((b) => decodeCharset('windows-1252', Uint8Array.of(b))).join('');
    expect(w.length).toBe(all.length);
    expect(w.slice(0, 4)).toBe('\x00\x07\x0e\x15');
    expect(decodeCharset('windows-1252', Uint8Array.of(0x80, 0x9f, 0xff, 0x81))).toBe('\u20ac\u0178\u00ff\x81');
  });
});
