/**
 * Just enough header parsing to find a body's structure: the media type, its
 * boundary parameter and whether the body is transfer-encoded.
 * Works on raw field-value bytes (folds included).
 * @module
 */

/** What the tokenizer needs from Content-Type. */
export interface MediaType {
  /** `type/subtype`, lower-cased ASCII. */
  type: string;
  boundary: Uint8Array | null;
  /** The charset parameter, if any (for readable text). */
  charset: Uint8Array | null;
}

const SP = 0x20, TAB = 0x09, CR = 0x0d, LF = 0x0a;

function isWsp(c: number): boolean {
  return c === SP || c === TAB || c === CR || c === LF;
}

/** Skips folding white space and (nested) comments. */
function skipCfws(d: Uint8Array, i: number, e: number): number {
  for (;;) {
    while (i < e && isWsp(d[i])) i++;
    if (i >= e || d[i] !== 0x28 /* ( */) return i;
    let depth = 0;
    while (i < e) {
      const c = d[i++];
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
    }
  }
}

/** Token characters (RFC 2045), but liberal: everything up to a separator that matters here. */
function tokenEnd(d: Uint8Array, i: number, e: number, stops: number[]): number {
  while (i < e) {
    const c = d[i];
    if (c <= 0x20 || c === 0x7f || stops.includes(c)) break;
    i++;
  }
  return i;
}

function lowerAscii(d: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) {
    const c = d[i];
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
  }
  return out;
}

const SLASH = 0x2f, SEMI = 0x3b, EQ = 0x3d, QUOTE = 0x22;

/** Parses a Content-Type field value. Unparseable values give `type: ''`. */
export function parseContentType(d: Uint8Array, s: number, e: number): MediaType {
  let i = skipCfws(d, s, e);
  const t0 = i;
  i = tokenEnd(d, i, e, [SLASH, SEMI]);
  const t1 = i;
  i = skipCfws(d, i, e);
  if (t1 === t0 || i >= e || d[i] !== SLASH) return { type: '', boundary: null, charset: null };
  i = skipCfws(d, i + 1, e);
  const u0 = i;
  i = tokenEnd(d, i, e, [SEMI, 0x28]);
  if (i === u0) return { type: '', boundary: null, charset: null };
  const type = lowerAscii(d, t0, t1) + '/' + lowerAscii(d, u0, i);
  let boundary: Uint8Array | null = null, charset: Uint8Array | null = null;
  while (i < e) {
    // Advance to the next ';' (skipping quoted strings), then read one parameter.
    while (i < e && d[i] !== SEMI) {
      if (d[i] === QUOTE) i = quotedEnd(d, i, e);
      else i++;
    }
    if (i >= e) break;
    i = skipCfws(d, i + 1, e);
    const n0 = i;
    i = tokenEnd(d, i, e, [EQ, SEMI]);
    const n1 = i;
    i = skipCfws(d, i, e);
    if (i >= e || d[i] !== EQ) continue;
    i = skipCfws(d, i + 1, e);
    let value: Uint8Array;
    if (i < e && d[i] === QUOTE) {
      const close = closingQuote(d, i, e);
      // An unterminated quoted string runs to the end of the value.
      value = unquote(d, i + 1, close < 0 ? e : close);
      i = close < 0 ? e : close + 1;
    } else {
      const v0 = i;
      i = tokenEnd(d, i, e, [SEMI]);
      value = d.slice(v0, i);
    }
    const pname = n1 - n0 === 8 || n1 - n0 === 7 ? lowerAscii(d, n0, n1) : '';
    if (boundary === null && pname === 'boundary') boundary = value;
    else if (charset === null && pname === 'charset') charset = value;
  }
  return { type, boundary, charset };
}

/** Index of the quote that closes the quoted string at `i`, or -1 if it is not closed before `e`. */
function closingQuote(d: Uint8Array, i: number, e: number): number {
  for (i++; i < e; i++) {
    if (d[i] === 0x5c) i++;
    else if (d[i] === QUOTE) return i;
  }
  return -1;
}

/** Index just past the quoted string at `i` (or `e`). */
function quotedEnd(d: Uint8Array, i: number, e: number): number {
  const close = closingQuote(d, i, e);
  return close < 0 ? e : close + 1;
}

/** The content of a quoted string: backslash escapes resolved, folds removed. */
function unquote(d: Uint8Array, s: number, e: number): Uint8Array {
  const out: number[] = [];
  for (let i = s; i < e; i++) {
    let c = d[i];
    if (c === CR || c === LF) continue;
    if (c === 0x5c && i + 1 < e) c = d[++i];
    out.push(c);
  }
  return Uint8Array.from(out);
}

/** A Content-Transfer-Encoding value: its first token, lower-cased. */
export function cteValue(d: Uint8Array, s: number, e: number): string {
  const i = skipCfws(d, s, e);
  return lowerAscii(d, i, tokenEnd(d, i, e, [SEMI, 0x28]));
}

/** The body's transfer encoding, from its Content-Transfer-Encoding value ({@link cteValue}; null when there is none). */
export function cteKind(v: string | null): 'identity' | 'base64' | 'other' {
  if (v === null || v === '' || v === '7bit' || v === '8bit' || v === 'binary') return 'identity';
  return v === 'base64' ? 'base64' : 'other';
}

/** Case-insensitive comparison of raw name bytes with a lower-case ASCII name. */
export function nameIs(d: Uint8Array, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = d[s + i];
    if (c >= 0x41 && c <= 0x5a) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
