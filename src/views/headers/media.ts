/**
 * Media types and dispositions with their parameters (RFC 2045 §5.1,
 * RFC 2183, RFC 2231): parsed, RFC 2231 sections joined, and rendered back,
 * side by side.
 * @module
 */
import { concat } from '../../core/bytes.js';
import { decodeLabel } from '../charset.js';
import { decodeWords, type Folder, hexPair, LINE } from '../rfc2047.js';
import { fail, type MediaParam } from './kinds.js';
import { cfws, quoted } from './lexical.js';

const TSPECIALS = '()<>@,;:\\"/[]?=';
export function tokenEnd(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) > 0x20 && s.charCodeAt(i) < 0x7f && !TSPECIALS.includes(s[i])) i++;
  return i;
}
const isToken = (v: string): boolean => v !== '' && tokenEnd(v, 0) === v.length;
/** Parameters whose values real mail RFC 2047-encodes (inside quotes, against the rules). */
const NAME_LIKE = new Set(['name', 'filename']);
/** Parameters that mailers quote even when the value is a token; quoting them too keeps most real headers as they are. */
const ALWAYS_QUOTED = new Set(['boundary', 'name', 'filename']);

export const UTF8_ENC = new TextEncoder();

/** RFC 2231 `charset'lang'%XX…` (first section) or `%XX…` as bytes, and the charset. */
function extBytes(v: string, first: boolean): [Uint8Array, string] {
  let cs = '';
  if (first) {
    const a = v.indexOf("'"), b = a < 0 ? -1 : v.indexOf("'", a + 1);
    if (b < 0) fail();
    cs = v.slice(0, a) || 'us-ascii';
    v = v.slice(b + 1);
  }
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const h = hexPair(v, i);
      if (h < 0) fail();
      out.push(h);
      i += 2;
    } else if (c < 0x80) out.push(c);
    else fail(); // extended values are ASCII: raw 8-bit text under a declared charset would be a guess
  }
  return [Uint8Array.from(out), cs];
}

export function parseMedia(s: string, isType: boolean): { value: string; params: MediaParam[] } {
  let i = cfws(s, 0), e = tokenEnd(s, i);
  if (e === i) fail();
  let value = s.slice(i, e).toLowerCase();
  i = cfws(s, e);
  if (isType) {
    if (s[i] !== '/') fail();
    i = cfws(s, i + 1);
    e = tokenEnd(s, i);
    if (e === i) fail();
    value += '/' + s.slice(i, e).toLowerCase();
    i = cfws(s, e);
  }
  const params: MediaParam[] = [];
  const sections = new Map<string, { param: MediaParam; segs: Map<number, { ext: boolean; v: string }> }>();
  while (i < s.length) {
    if (s[i] !== ';') fail();
    i = cfws(s, i + 1);
    if (i >= s.length || s[i] === ';') continue; // empty parameter, as in a trailing ';'
    e = tokenEnd(s, i);
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(s.slice(i, e)) ?? fail();
    i = cfws(s, e);
    if (s[i] !== '=') fail();
    i = cfws(s, i + 1);
    let v: string;
    if (s[i] === '"') [v, i] = quoted(s, i);
    else {
      for (e = i; e < s.length && !' \t;"('.includes(s[e]); ) e++; // liberal token: real values carry '/', '=', '@', '?'
      v = s.slice(i, (i = e));
    }
    i = cfws(s, i);
    const name = m[1].toLowerCase(), ext = m[3] !== undefined;
    if (m[2] === undefined) {
      if (ext) {
        const [bytes, cs] = extBytes(v, true);
        v = decodeLabel(cs, bytes) ?? fail();
      } else if (NAME_LIKE.has(name)) v = decodeWords(v) ?? fail();
      params.push({ name, value: v });
      continue;
    }
    let g = sections.get(name);
    if (g === undefined) {
      sections.set(name, (g = { param: { name, value: '' }, segs: new Map() }));
      params.push(g.param);
    }
    if (g.segs.has(+m[2])) fail();
    g.segs.set(+m[2], { ext, v });
  }
  for (const { param, segs } of sections.values()) {
    const parts: Uint8Array[] = [];
    let cs = 'utf-8';
    for (let n = 0; n < segs.size; n++) {
      const seg = segs.get(n) ?? fail(); // a missing section
      if (!seg.ext) {
        if (/[^\x00-\x7f]/.test(seg.v) && !/^utf-?8$/i.test(cs)) fail(); // raw UTF-8 only joins UTF-8
        parts.push(UTF8_ENC.encode(seg.v));
      }
      else {
        const [bytes, c] = extBytes(seg.v, n === 0);
        if (n === 0) cs = c;
        parts.push(bytes);
      }
    }
    param.value = decodeLabel(cs, concat(parts)) ?? fail();
  }
  return { value, params };
}


/** RFC 2231 attribute-char: kept as is in extended values; every other byte is %XX. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`{|}~]$/;

export function pct(c: string): string {
  if (ATTR_CHAR.test(c)) return c;
  let s = '';
  for (const b of UTF8_ENC.encode(c)) s += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
  return s;
}

/**
 * One parameter as one or more tokens: token, else quoted string, else RFC
 * 2231 UTF-8, with continuations when long. Only the first parameter of a
 * name may use continuations: two sets of sections for one name would merge.
 */
function paramTokens(p: MediaParam, continued: Set<string>): string[] {
  const name = checkParamName(p);
  const v = p.value;
  const decodable = NAME_LIKE.has(name) && v.includes('=?'); // would be taken for RFC 2047
  // A token that does not fit a line is written like a quoted value, which can be split into sections.
  if (isToken(v) && !ALWAYS_QUOTED.has(name) && name.length + 1 + v.length <= LINE - 2) return [`${name}=${v}`];
  if (/^[\x20-\x7e]*$/.test(v) && !decodable) {
    const quoted = `${name}="${v.replace(/[\\"]/g, '\\$&')}"`;
    if (quoted.length <= LINE - 2 || continued.has(name)) return [quoted];
    // Too long for a line: RFC 2231 sections name*0="…", name*1="…", never splitting an escape.
    continued.add(name);
    const units = Array.from(v, (c) => (c === '\\' || c === '"' ? '\\' + c : c));
    const out: string[] = [];
    for (let k = 0; k < units.length; ) {
      let tok = `${name}*${out.length}="`;
      const head = tok.length;
      while (k < units.length && (tok.length === head || tok.length + units[k].length + 1 <= LINE - 2)) tok += units[k++];
      out.push(tok + '"');
    }
    return out;
  }
  const cps = Array.from(v, pct);
  const single = `${name}*=utf-8''${cps.join('')}`;
  if (single.length <= LINE - 2 || continued.has(name)) return [single]; // LINE - 2: room for the leading space and a ';'
  continued.add(name);
  const out: string[] = [];
  for (let k = 0; k < cps.length; ) {
    let tok = out.length === 0 ? `${name}*0*=utf-8''` : `${name}*${out.length}*=`;
    const head = tok.length;
    while (k < cps.length && (tok.length === head || tok.length + cps[k].length <= LINE - 2)) tok += cps[k++];
    out.push(tok);
  }
  return out;
}

/** ASCII letters lower-cased, nothing else (toLowerCase would turn U+212A KELVIN SIGN into a token's `k`). */
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

/** A parameter's name as written (ASCII lower case); throws a RangeError if it is not a token without '*'. */
function checkParamName(p: MediaParam): string {
  const name = asciiLower(p.name);
  if (!isToken(name) || name.includes('*')) throw new RangeError(`not a parameter name: ${JSON.stringify(p.name)}`);
  return name;
}

/** The media (or disposition) type as written; throws a RangeError if it is not `token/token` (or a token). */
function checkValue(v: { value: string }, isType: boolean): string {
  const value = asciiLower(v.value);
  const [t, sub, more] = value.split('/');
  if (!isToken(t) || (isType ? sub === undefined || !isToken(sub) || more !== undefined : sub !== undefined))
    throw new RangeError(`not a ${isType ? 'media type' : 'disposition type'}: ${JSON.stringify(v.value)}`);
  return value;
}

/** Throws the RangeError {@link renderMedia} would, without rendering. */
export function checkMedia(v: { value: string; params: MediaParam[] }, isType: boolean): void {
  checkValue(v, isType);
  v.params.forEach(checkParamName);
}

export function renderMedia(f: Folder, v: { value: string; params: MediaParam[] }, isType: boolean): void {
  const value = checkValue(v, isType);
  const continued = new Set<string>();
  const toks = [value, ...v.params.flatMap((p) => paramTokens(p, continued))];
  toks.forEach((tok, k) => f.add(k ? ' ' : '', tok + (k < toks.length - 1 ? ';' : '')));
}

