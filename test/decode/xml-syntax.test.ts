/**
 * The XML 1.0 character classes (src/decode/xml-syntax.ts) against the
 * productions of XML 1.0 Fifth Edition, transcribed here as regular
 * expressions (https://www.w3.org/TR/xml/ [2] Char, [3] S, [4] NameStartChar,
 * [4a] NameChar): every code point below U+3100, both sides of every range
 * edge of every production, and a stride through the rest.
 */
import { describe, expect, it } from 'vitest';
import { codePoint, isNameChar, isNameStart, isWs, isXmlChar, NAME_ASCII } from '../../src/decode/xml-syntax.js';

const NAME_START = /^[:A-Z_a-z\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{2FF}\u{370}-\u{37D}\u{37F}-\u{1FFF}\u{200C}-\u{200D}\u{2070}-\u{218F}\u{2C00}-\u{2FEF}\u{3001}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFFD}\u{10000}-\u{EFFFF}]$/u;
const NAME_CHAR_ONLY = /^[-.0-9\u{B7}\u{300}-\u{36F}\u{203F}-\u{2040}]$/u;
const CHAR = /^[\u{9}\u{A}\u{D}\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]$/u;
const S = /^[\u{20}\u{9}\u{D}\u{A}]$/u;

/** The edges of the productions' ranges, each with its neighbours. */
function edges(): number[] {
  const out = new Set<number>();
  for (const re of [NAME_START, NAME_CHAR_ONLY, CHAR])
    for (const m of re.source.matchAll(/\\u\{([0-9A-F]+)\}/g)) for (const d of [-1, 0, 1]) out.add(parseInt(m[1], 16) + d);
  return [...out].filter((c) => c >= 0 && c <= 0x10ffff);
}
const codePoints = [...new Set([...Array.from({ length: 0x3100 }, (_, i) => i), ...edges(), ...Array.from({ length: 0x110000 / 257 }, (_, i) => i * 257)])];
// A lone surrogate has no string form a /u expression can test as one character: the productions exclude it.
const str = (cp: number) => (cp >= 0xd800 && cp <= 0xdfff ? '' : String.fromCodePoint(cp));

describe('XML character classes (XML 1.0 Fifth Edition)', () => {
  it('[4] NameStartChar and [4a] NameChar, edge by edge', () => {
    const bad = codePoints.filter((cp) => isNameStart(cp) !== NAME_START.test(str(cp)) || isNameChar(cp) !== (NAME_START.test(str(cp)) || NAME_CHAR_ONLY.test(str(cp))));
    expect(bad.map((c) => c.toString(16))).toEqual([]);
    expect(codePoints.length).toBeGreaterThan(0x3100 + 4000);
  });

  it('the ASCII name table marks NameStartChar 2, other NameChar 1, the rest 0', () => {
    const want = Array.from({ length: 128 }, (_, c) => (NAME_START.test(String.fromCharCode(c)) ? 2 : NAME_CHAR_ONLY.test(String.fromCharCode(c)) ? 1 : 0));
    expect([...NAME_ASCII]).toEqual(want);
  });

  it('[2] Char: TAB, LF, CR and U+0020 up, without surrogates, U+FFFE, U+FFFF or anything past U+10FFFF', () => {
    const bad = codePoints.filter((cp) => isXmlChar(cp) !== CHAR.test(str(cp)));
    expect(bad.map((c) => c.toString(16))).toEqual([]);
    for (const cp of [0xd800, 0xdbff, 0xdc00, 0xdfff, 0x110000, 0x7fffffff, -1]) expect(isXmlChar(cp), cp.toString(16)).toBe(false);
  });

  it('[3] S is SP, TAB, CR and LF only', () => {
    expect(codePoints.filter((cp) => isWs(cp) !== S.test(str(cp)))).toEqual([]);
  });

  it('codePoint reads the valid UTF-8 sequence of each length at any offset', () => {
    const enc = new TextEncoder();
    for (const cp of codePoints) {
      if (cp < 0x80 || (cp >= 0xd800 && cp <= 0xdfff)) continue;
      const b = enc.encode('ab' + String.fromCodePoint(cp) + 'z');
      expect(codePoint(b, 2, b.length - 3), cp.toString(16)).toBe(cp);
    }
  });
});
