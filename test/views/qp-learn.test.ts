/**
 * `qpDecodeLearn` reads quoted-printable in one loop over the bytes. This
 * checks it against a reference written the plain way (split into lines
 * first, then each line decoded and measured), on bytes built from the
 * pieces that matter: escapes of every class, soft breaks, white space
 * before line ends, bare CR and LF, "=" where it is not an escape.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { qpDecode, qpDecodeLearn } from '../../src/views/transfer.js';

// The reference shares no code with src/: its own line search and hex digits (RFC 2045 §6.7),
// written another way (a regular expression, a string search), so one bug cannot be in both.
/** RFC 2045 §6.7: lines are at most 76 characters. */
const QP_LINE = 76;
/** The index of the next line ending (CRLF, or with `crlf` false any LF) at or after `i`, or the length. */
function lineEnd(w: Uint8Array, i: number, crlf: boolean): number {
  const s = Buffer.from(w.buffer, w.byteOffset, w.length).toString('latin1');
  const m = (crlf ? /\r\n/g : /\n/g);
  m.lastIndex = i;
  const hit = m.exec(s);
  return hit === null ? w.length : hit.index;
}
/** The value of a hex digit of either case, or -1. */
const hexVal = (c: number): number => '0123456789abcdef'.indexOf(String.fromCharCode(c).toLowerCase());

const EQ = 0x3d, SP = 0x20, TAB = 0x09;
const isHexLower = (c: number): boolean => c >= 0x61 && c <= 0x66;

/** The reference: one line at a time. */
function reference(w: Uint8Array, crlf: boolean) {
  const out: number[] = [];
  const el = crlf ? 2 : 1;
  let i = 0, line = 0, longest = 0, lower = false, rawTrailing = false, softSpace = false;
  const seen = new Uint8Array(256);
  const starts: number[] = [];
  while (i <= w.length) {
    const e = lineEnd(w, i, crlf);
    starts.push(i);
    const soft = e > i && w[e - 1] === EQ;
    if (soft && e === w.length) return null;
    if (soft) line = Math.max(line, e - i);
    longest = Math.max(longest, e - i);
    if (!soft && e > i && (w[e - 1] === SP || w[e - 1] === TAB)) rawTrailing = true;
    const stop = soft ? e - 1 : e;
    for (let k = i; k < stop; k++) {
      const c = w[k];
      if (c !== EQ) {
        out.push(c);
        continue;
      }
      const h = hexVal(w[k + 1]), l = k + 2 < e ? hexVal(w[k + 2]) : -1;
      if (h < 0 || l < 0) return null;
      const v = h * 16 + l;
      out.push(v);
      if (isHexLower(w[k + 1]) || isHexLower(w[k + 2])) lower = true;
      const ws = v === SP || v === TAB;
      if (ws && soft && k + 3 === e - 1) softSpace = true;
      else if (((v > SP && v < 0x7f) || (ws && k + 3 < e)) && v !== EQ) seen[v] |= k === i ? 2 : 1;
      k += 2;
    }
    if (e === w.length) break;
    if (!soft) for (let k = e; k < e + el; k++) out.push(w[k]);
    i = e + el;
  }
  // Literal at a position that is not a line start (escapes skipped).
  for (const s of starts) {
    const e = lineEnd(w, s, crlf);
    const stop = e > s && w[e - 1] === EQ ? e - 1 : e;
    for (let k = s; k < stop; k++) {
      if (w[k] === EQ) k += 2;
      else if (k > s) seen[w[k]] |= 4;
    }
  }
  let always = '', start = '';
  for (let c = 0; c < 256; c++) {
    const f = seen[c];
    if (f & 1 || (f & 2 && !(f & 4))) always += String.fromCharCode(c);
    else if (f & 2) start += String.fromCharCode(c);
  }
  return { d: Uint8Array.from(out), learned: { line: line > 0 ? line : Math.max(QP_LINE, longest), lower, always, start, rawTrailing, softSpace, softLine: line } };
}

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const piece = fc.constantFrom('a', 'Z', '.', '-', '=', '=\r\n', '=\n', '\r\n', '\n', '\r', ' ', '\t', '=20', '=09', '=2E', '=2e', '=2D', '=41', '=3D', '=E9', '=c3', '=4', '=G1', '\xe9', '\0');
const body = fc.array(piece, { maxLength: 50 }).map((a) => bytes(a.join('')));

describe('qpDecodeLearn', () => {
  it('decodes and learns as the line-by-line reference does, for either line ending', () => {
    fc.assert(
      fc.property(body, fc.boolean(), (w, crlf) => {
        const got = qpDecodeLearn(w, crlf), want = reference(w, crlf);
        expect(got).toEqual(want);
        // and decodes exactly as qpDecode
        expect(got?.d ?? null).toEqual(qpDecode(w, crlf));
      }),
      { numRuns: 5000 },
    );
  });

  it('learns from examples', () => {
    const l = (s: string, crlf = true) => qpDecodeLearn(bytes(s), crlf)?.learned;
    expect(l('ab=\r\ncd=\r\nef')).toMatchObject({ line: 3, softLine: 3 });
    expect(l('=2Eab\r\n.x')).toMatchObject({ always: '.', start: '' }); // literal only at a line start: encoded always
    expect(l('=2Eab\r\nx.')).toMatchObject({ always: '', start: '.' });
    expect(l('a=20=\r\nb')).toMatchObject({ softSpace: true, always: '' });
    expect(l('a \r\nb')).toMatchObject({ rawTrailing: true });
    expect(l('a=20\r\nb=')).toBeUndefined(); // "=" at the very end: a soft break needs a line after it
    expect(l('a=3d')).toMatchObject({ lower: true, always: '' });
    expect(l('a=\nb', false)).toMatchObject({ line: 2 });
    expect(l('a=\nb', true)).toBeUndefined(); // "=" before a bare LF in CRLF text is not a soft break
  });
});
