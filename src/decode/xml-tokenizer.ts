/**
 * Streaming tokenizer for restricted XML (RFC 6120 §11.1): elements,
 * attributes, namespaces, character data, CDATA sections, the five
 * predefined entities and character references. DTDs, comments and
 * processing instructions are rejected; so is anything not well-formed.
 *
 * Text is delivered as UTF-8 character data with line endings normalized,
 * in ranges of the input wherever possible. Only an unfinished tag or
 * reference is carried between chunks, bounded by `maxTagBytes`.
 * @module
 */
import { type ErrorCode, XmimeError } from '../core/errors.js';
import { asciiString } from '../core/intern.js';
import { countByte, LineFeeds, skipLines, WordView } from '../core/scan.js';
import { InputWindow } from '../core/window.js';
import { utf8Seq } from '../core/utf8.js';

export interface XmlAttr {
  /** Namespace URI, or null for an unprefixed attribute. */
  ns: string | null;
  local: string;
  value: string;
}

/**
 * What the tokenizer reports to. `at` is the byte offset of the tag. The
 * `attrs` array and its objects are reused for the next tag: a handler that
 * keeps them must copy them.
 */
export interface XmlHandler {
  start(ns: string | null, local: string, attrs: XmlAttr[], at: number): void;
  text(d: Uint8Array, s: number, e: number): void;
  end(at: number): void;
}

/**
 * Resource limits of the decoder.
 * @category Limits
 */
export interface DecodeLimits {
  /** Element nesting limit. Default 4096. */
  maxDepth?: number;
  /** Longest start or end tag, attributes included. Default 1 MiB. */
  maxTagBytes?: number;
  /** Longest content of a `<text>` element (UTF-8 bytes), which is re-encoded whole. Default 16 MiB. */
  maxTextBytes?: number;
}

/**
 * Default of {@link DecodeLimits.maxDepth}: deeper elements are `limit-depth`.
 * @category Limits
 */
export const DEFAULT_XML_MAX_DEPTH = 4096;
/**
 * Default of {@link DecodeLimits.maxTagBytes} (1 MiB): a longer tag is `limit-tag`.
 * @category Limits
 */
export const DEFAULT_MAX_TAG_BYTES = 1 << 20;
export const DEFAULT_MAX_TEXT_BYTES_DECODE = 16 << 20;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const LF = 0x0a, CR = 0x0d, TAB = 0x09, SP = 0x20, LT = 0x3c, GT = 0x3e, AMP = 0x26, RB = 0x5d;
const SLASH = 0x2f, QM = 0x3f, BANG = 0x21, EQ = 0x3d, DQ = 0x22, SQ = 0x27, SEMI = 0x3b;
const LF_BYTES = new Uint8Array([LF]);
/** Longest reference, '&' to ';' (leading zeros make any length legal XML). */
const MAX_REF = 1024;

/** Text bytes that need attention (1); 0 for printable ASCII other than < & >, for DEL and for TAB. */
const ATTN = new Uint8Array(256).fill(1);
for (let c = 0x20; c < 0x80; c++) ATTN[c] = 0;
ATTN[LT] = ATTN[AMP] = ATTN[GT] = 1;
ATTN[TAB] = 0; // LF stays marked: skipLines notes it and goes on

const enum St { Start, Prolog, Content, Cdata, Epilog }

function isWs(c: number): boolean {
  return c === SP || c === LF || c === TAB || c === CR;
}

/** ASCII name characters: 2 NameStartChar, 1 NameChar only, 0 neither. */
const NAME_ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) NAME_ASCII[c] = isNameStart(c) ? 2 : isNameChar(c) ? 1 : 0;

/** XML 1.0 (5th edition) NameStartChar, by code point. */
function isNameStart(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || cp === 0x3a;
  return (
    (cp >= 0xc0 && cp <= 0xd6) || (cp >= 0xd8 && cp <= 0xf6) || (cp >= 0xf8 && cp <= 0x2ff) || (cp >= 0x370 && cp <= 0x37d) ||
    (cp >= 0x37f && cp <= 0x1fff) || cp === 0x200c || cp === 0x200d || (cp >= 0x2070 && cp <= 0x218f) ||
    (cp >= 0x2c00 && cp <= 0x2fef) || (cp >= 0x3001 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfdcf) ||
    (cp >= 0xfdf0 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0xeffff)
  );
}

/** XML 1.0 NameChar, by code point. */
function isNameChar(cp: number): boolean {
  return (
    isNameStart(cp) || (cp >= 0x30 && cp <= 0x39) || cp === 0x2d || cp === 0x2e || cp === 0xb7 ||
    (cp >= 0x300 && cp <= 0x36f) || cp === 0x203f || cp === 0x2040
  );
}

/** The code point of the valid UTF-8 sequence of `len` bytes at `i`. */
function codePoint(d: Uint8Array, i: number, len: number): number {
  const c = d[i];
  if (len === 2) return ((c & 0x1f) << 6) | (d[i + 1] & 0x3f);
  if (len === 3) return ((c & 0x0f) << 12) | ((d[i + 1] & 0x3f) << 6) | (d[i + 2] & 0x3f);
  return ((c & 0x07) << 18) | ((d[i + 1] & 0x3f) << 12) | ((d[i + 2] & 0x3f) << 6) | (d[i + 3] & 0x3f);
}

/** XML 1.0 Char production. */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const dec = new TextDecoder('utf-8', { ignoreBOM: true }); // a U+FEFF inside a name or value is data

/** Decodes a short run of bytes (names, declarations); plain ASCII skips the TextDecoder. */
function ascii(d: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) {
    const c = d[i];
    if (c >= 0x80) return dec.decode(d.subarray(s, e));
    out += String.fromCharCode(c);
  }
  return out;
}

export class XmlTokenizer {
  private readonly maxDepth: number;
  private readonly maxTag: number;

  private readonly w = new InputWindow();
  /** The window's bytes (kept in a field for speed) and the read position. */
  private d: Uint8Array = new Uint8Array(0);
  private p = 0;
  private eof = false;

  private st = St.Start;
  private crPending = false;
  /** Offset of the reference or CR whose replacement text is being handed on. */
  private pieceAt = 0;
  private readonly words = new WordView();
  private tagScan = 0;
  private tagQuote = 0;
  /** The tag at `p` was cut off by the end of the data: it is found by {@link scanTag} first. */
  private tagPending = false;
  /** The tag just read: end of its name, its attributes (names, values, offsets) and whether it ends in "/>". */
  private qnEnd = 0;
  private readonly an: string[] = [];
  private readonly av: string[] = [];
  private readonly aAt: number[] = [];
  private attrN = 0;
  private selfClose = false;
  /** Handed to {@link XmlHandler.start}: reused from tag to tag. */
  private readonly attrs: XmlAttr[] = [];

  private readonly stack: string[] = [];
  /** Namespace bindings, innermost last, and how many each open element added. */
  private readonly bindings = new Map<string, string[]>([['xml', [XML_NS]]]);
  /** Prefixes bound by the open elements, in order, and how many each element bound. */
  private readonly bound: string[] = [];
  private readonly added: number[] = [];

  // Line/column bookkeeping, advanced lazily and only forward.
  private counted = 0;
  private line = 1;
  private col = 0;
  /** The last text run's span (absolute offsets) and its LF count, so counting lines need not scan it again. */
  private runFrom = 0;
  private runTo = 0;
  private runLfs = 0;

  /** The LFs of the text piece being handed on (see {@link lineFeeds}). */
  private readonly lf = new LineFeeds();
  private lfLive = false;
  /** The piece being handed on is all ASCII. */
  private lfAscii = false;

  private readonly scratch: number[] = [];
  private readonly refBytes = new Uint8Array(4);
  private refLen = 0;

  constructor(private readonly h: XmlHandler, limits: DecodeLimits = {}) {
    this.maxDepth = limits.maxDepth ?? DEFAULT_XML_MAX_DEPTH;
    this.maxTag = limits.maxTagBytes ?? DEFAULT_MAX_TAG_BYTES;
  }

  push(chunk: Uint8Array): void {
    const w = this.w;
    if (this.p >= this.d.length) this.advanceLines(w.base + this.d.length); // the consumed chunk is about to go
    w.feed(chunk);
    this.d = w.d;
    this.p = 0;
    this.run();
    const tail = this.d.length - this.p;
    if (tail > 0) this.advanceLines(w.base + this.p); // bytes before the tail are about to go
    w.keep(this.p);
    this.d = w.d;
    if (tail > 0) this.p = 0;
  }

  end(): void {
    this.eof = true;
    this.run();
    if (this.st !== St.Epilog) {
      const what = this.stack.length > 0 ? `<${this.stack[this.stack.length - 1]}> is not closed` : 'no root element';
      this.fail('xml-truncated', `the input ended early: ${what}`, this.w.base + this.d.length);
    }
  }

  /** Builds the error for `code` at absolute offset `at` (only called when failing). */
  error(code: ErrorCode, detail: string, at: number): XmimeError {
    const rel = Math.max(0, Math.min(at - this.w.base, this.d.length));
    // Counted on a copy: an error may be built and then dropped (a cut tag is read again), and counting only goes forward.
    const counted = this.counted, line0 = this.line, col0 = this.col;
    this.advanceLines(this.w.base + rel);
    const line = this.line, col = this.col;
    this.counted = counted;
    this.line = line0;
    this.col = col0;
    const from = Math.max(0, rel - 30), to = Math.min(this.d.length, rel + 30);
    // eslint-disable-next-line no-control-regex
    const excerpt = dec.decode(this.d.subarray(from, to)).replace(/[\u0000-\u001f]/g, (c) => (c === '\n' ? '\u2424' : '\ufffd'));
    return new XmimeError(code, detail, at, line, col + 1, excerpt);
  }

  /** Absolute offset of `d[i]` when `d` is the input window, else of the token being read. */
  offsetOf(d: Uint8Array, i: number): number {
    return d === this.d ? this.w.base + i : this.pieceAt;
  }

  fail(code: ErrorCode, detail: string, at: number): never {
    throw this.error(code, detail, at);
  }

  /** Counts lines and columns up to absolute offset `to` (within the current window). */
  private advanceLines(to: number): void {
    if (to <= this.counted) return;
    const d = this.d;
    let i = Math.max(0, this.counted - this.w.base);
    const e = to - this.w.base;
    const a = this.runFrom - this.w.base, b = this.runTo - this.w.base;
    const lines = a >= i && b <= e && a < b
      ? countByte(d, i, a, LF, this.words) + this.runLfs + countByte(d, b, e, LF, this.words)
      : countByte(d, i, e, LF, this.words);
    if (lines > 0) {
      this.line += lines;
      this.col = 0;
      i = d.lastIndexOf(LF, e - 1) + 1;
    }
    for (; i < e; i++) if ((d[i] & 0xc0) !== 0x80) this.col++;
    this.counted = to;
  }

  private run(): void {
    for (;;) {
      const d = this.d;
      if (this.p >= d.length) return;
      let more: boolean;
      switch (this.st) {
        case St.Start: more = this.start(); break;
        case St.Prolog:
        case St.Epilog: more = this.misc(); break;
        case St.Content: more = d[this.p] === LT ? this.markup() : this.textRun(); break;
        default: more = this.cdata(); break;
      }
      if (!more) return;
    }
  }

  /** Byte order mark and XML declaration. */
  private start(): boolean {
    const d = this.d, n = d.length;
    if (n - this.p < 9 && !this.eof) return false;
    let p = this.p;
    if (d[p] === 0xfe || d[p] === 0xff || d[p] === 0x00) this.fail('xml-encoding', 'UTF-16 or UTF-32 input; XMIME is UTF-8', this.w.base + p);
    if (d[p] === 0xef && d[p + 1] === 0xbb && d[p + 2] === 0xbf) p = this.p += 3; // one byte order mark, no more
    this.st = St.Prolog;
    if (ascii(d, p, Math.min(n, p + 5)) === '<?xml' && p + 5 < n && isWs(d[p + 5])) {
      const q = d.indexOf(GT, p);
      if (q < 0) {
        if (n - p > 1024) this.fail('xml-syntax', 'unterminated XML declaration', this.w.base + p);
        if (!this.eof) {
          this.st = St.Start;
          return false;
        }
        this.fail('xml-truncated', 'unterminated XML declaration', this.w.base + n);
      }
      if (d[q - 1] !== QM) this.fail('xml-syntax', 'malformed XML declaration', this.w.base + p);
      this.xmlDecl(ascii(d, p + 5, q - 1), p);
      this.p = q + 1;
    }
    return true;
  }

  private xmlDecl(s: string, at: number): void {
    const m = /^[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])([^"']*)\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([^"']*)\3)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(yes|no)\5)?[ \t\r\n]*$/.exec(' ' + s);
    if (!m) this.fail('xml-syntax', 'malformed XML declaration', this.w.base + at);
    if (m[2] !== '1.0') this.fail('xml-version', `XML version ${m[2]}; only 1.0 is accepted`, this.w.base + at);
    if (m[4] !== undefined && !/^utf-?8$/i.test(m[4])) this.fail('xml-encoding', `encoding "${m[4]}"; XMIME is UTF-8`, this.w.base + at);
  }

  /** Outside the root element: only white space and (before it) the root's start tag. */
  private misc(): boolean {
    const d = this.d, n = d.length;
    let p = this.p;
    while (p < n && isWs(d[p])) p++;
    this.p = p;
    if (p >= n) return false;
    if (d[p] !== LT) this.fail(this.st === St.Epilog ? 'xml-trailing' : 'xml-syntax', 'text outside the root element', this.w.base + p);
    if (this.st === St.Epilog) {
      if (p + 1 >= n && !this.eof) return false;
      const c = d[p + 1];
      if (c !== BANG && c !== QM) this.fail('xml-trailing', 'a second root element', this.w.base + p);
    }
    return this.markup();
  }

  /** Markup at `p` ('<'). Returns false when the tag is not complete yet. */
  private markup(): boolean {
    const d = this.d, n = d.length, p = this.p;
    this.crPending = false; // the CR that ended the last chunk was followed by '<', not LF
    if (p + 1 >= n) return this.needTag(p);
    const c = d[p + 1];
    if (c === BANG) {
      const want = (s: string) => ascii(d, p, Math.min(n, p + s.length)) === s;
      if (n - p < 9 && !this.eof && '<![CDATA['.startsWith(ascii(d, p, n)) || (n - p < 4 && !this.eof)) return false;
      if (want('<!--')) this.fail('xml-comment', 'comments are not allowed in restricted XML', this.w.base + p);
      if (n - p < 9 && !this.eof) return false;
      if (want('<![CDATA[')) {
        if (this.st !== St.Content) this.fail('xml-syntax', 'CDATA outside the root element', this.w.base + p);
        this.st = St.Cdata;
        this.p = p + 9;
        return true;
      }
      if (want('<!DOCTYPE')) this.fail('xml-dtd', 'document type declarations are not allowed', this.w.base + p);
      this.fail('xml-syntax', 'unknown markup declaration', this.w.base + p);
    }
    if (c === QM) {
      const xmlDecl = /^<\?xml[\s?]/i.test(ascii(d, p, Math.min(n, p + 6)));
      this.fail('xml-pi', xmlDecl ? 'an XML declaration is only allowed at the very start' : 'processing instructions are not allowed', this.w.base + p);
    }
    if (!this.tagPending) {
      // Most tags are whole in the window: read them in one pass. The first
      // error of a malformed tag must not depend on chunking, so an error here
      // is decided again as a cut tag would be (scan for '>', then read).
      let gt = -1;
      try {
        gt = this.tag(p, n, c === SLASH);
      } catch (err) {
        if (this.scanTag(p, n) >= 0) throw err;
        this.tagPending = true;
        return this.needTag(p);
      }
      if (gt >= 0) {
        this.process(p, gt, c === SLASH);
        this.p = gt + 1;
        return true;
      }
      this.tagPending = true;
    }
    // Cut off: find the tag's '>' outside quoted values, resuming where the last push stopped.
    const gt = this.scanTag(p, n);
    if (gt < 0) return this.needTag(p);
    this.tagPending = false;
    if (this.tag(p, n, c === SLASH) !== gt) throw new Error('xmime: tag end mismatch'); // cannot happen: both stop at the first unquoted '>'
    this.process(p, gt, c === SLASH);
    this.p = gt + 1;
    return true;
  }

  /**
   * The first unquoted '>' of the tag at `p`, or -1 when the data ends first
   * (the scan resumes there next time). Fails at an unquoted '<' and at a
   * tag over the length limit.
   */
  private scanTag(p: number, n: number): number {
    const d = this.d;
    let i = p + 1 + this.tagScan, q = this.tagQuote;
    for (; i < n; i++) {
      const b = d[i];
      if (q !== 0) {
        if (b === q) q = 0;
      } else if (b === GT) break;
      else if (b === DQ || b === SQ) q = b;
      else if (b === LT) this.fail('xml-syntax', "'<' inside a tag", this.w.base + i);
    }
    if (i >= n) {
      this.tagScan = i - p - 1;
      this.tagQuote = q;
      return -1;
    }
    this.tagScan = 0;
    this.tagQuote = 0;
    if (i - p + 1 > this.maxTag) this.fail('limit-tag', `tag longer than ${this.maxTag} bytes`, this.w.base + p);
    return i;
  }

  private needTag(p: number): boolean {
    if (this.d.length - p > this.maxTag) this.fail('limit-tag', `tag longer than ${this.maxTag} bytes`, this.w.base + p);
    if (this.eof) this.fail('xml-truncated', 'the input ended inside a tag', this.w.base + this.d.length);
    return false;
  }

  /** Reads a Name at `i`; returns its end. */
  private name(i: number, e: number): number {
    const d = this.d, s = i;
    while (i < e) {
      const c = d[i];
      if (c < 0x80) {
        // ASCII by table: 2 may start a name, 1 only continue one.
        const t = NAME_ASCII[c];
        if (t === 0 || (t === 1 && i === s)) break;
        i++;
        continue;
      }
      const len = this.checkUtf8(i, e);
      const cp = len === 1 ? c : codePoint(d, i, len);
      if (!(i === s ? isNameStart(cp) : isNameChar(cp))) break;
      i += len;
    }
    if (i === s) this.fail('xml-syntax', 'a name was expected', this.w.base + s);
    return i;
  }

  private qname(s: string, at: number): [string, string] {
    const k = s.indexOf(':');
    if (k < 0) return ['', s];
    if (k === 0 || k === s.length - 1 || s.indexOf(':', k + 1) >= 0) this.fail('xml-namespace', `"${s}" is not a valid qualified name`, at);
    return [s.slice(0, k), s.slice(k + 1)];
  }

  private resolve(prefix: string, at: number): string | null {
    const uris = this.bindings.get(prefix);
    if (uris !== undefined && uris.length > 0) return uris[uris.length - 1] === '' ? null : uris[uris.length - 1];
    if (prefix === '') return null;
    this.fail('xml-namespace', `prefix "${prefix}" is not declared`, at);
  }

  /**
   * Reads the tag at `p` up to its '>' (within the data, `n`): the name, and
   * each attribute's name and decoded value into `an`/`av`/`aAt`. Returns the
   * index of '>', or -1 when the data ends first. Nothing else changes, so a
   * cut tag can be read again.
   */
  private tag(p: number, n: number, end: boolean): number {
    const d = this.d;
    let i = this.name(end ? p + 2 : p + 1, n);
    this.qnEnd = i;
    if (end) {
      while (i < n && isWs(d[i])) i++;
      if (i >= n) return -1;
      if (d[i] !== GT) this.fail('xml-syntax', 'malformed end tag', this.w.base + i);
      return i;
    }
    let m = 0;
    this.selfClose = false;
    for (;;) {
      const ws = i;
      while (i < n && isWs(d[i])) i++;
      if (i >= n) return -1;
      if (d[i] === GT) break;
      if (d[i] === SLASH) {
        if (i + 1 >= n) return -1;
        if (d[i + 1] !== GT) this.fail('xml-syntax', "'/' must end the tag", this.w.base + i);
        this.selfClose = true;
        i++;
        break;
      }
      if (i === ws) this.fail('xml-syntax', 'white space is required between attributes', this.w.base + i);
      const n0 = i;
      i = this.name(i, n);
      if (i >= n) return -1;
      const an = this.str(n0, i);
      while (i < n && isWs(d[i])) i++;
      if (i >= n) return -1;
      if (d[i] !== EQ) this.fail('xml-syntax', `attribute "${an}" has no value`, this.w.base + i);
      i++;
      while (i < n && isWs(d[i])) i++;
      if (i >= n) return -1;
      const quote = d[i];
      if (quote !== DQ && quote !== SQ) this.fail('xml-syntax', 'attribute values must be quoted', this.w.base + i);
      const v0 = i + 1;
      const v1 = d.indexOf(quote, v0);
      if (v1 < 0 || v1 >= n) return -1;
      this.an[m] = an;
      this.av[m] = this.attrValue(v0, v1);
      this.aAt[m] = n0;
      m++;
      i = v1 + 1;
    }
    this.attrN = m;
    return i;
  }

  /** Acts on the tag read by {@link tag}, which ends at `gt`. */
  private process(p: number, gt: number, end: boolean): void {
    const at = this.w.base + p;
    if (gt - p + 1 > this.maxTag) this.fail('limit-tag', `tag longer than ${this.maxTag} bytes`, at);
    const qn = this.str(end ? p + 2 : p + 1, this.qnEnd);
    if (end) {
      const open = this.stack[this.stack.length - 1];
      if (open === undefined) this.fail('xml-syntax', `end tag </${qn}> without a start tag`, at);
      if (qn !== open) this.fail('xml-mismatch', `</${qn}> does not close <${open}>`, at);
      this.close(at);
      return;
    }
    const m = this.attrN, an = this.an, av = this.av, aAt = this.aAt;
    if (this.stack.length >= this.maxDepth) this.fail('limit-depth', `elements nested deeper than ${this.maxDepth}`, at);
    // Namespace declarations first, then resolve names.
    let added = 0, prefixed = false;
    for (let k = 0; k < m; k++) {
      const name = an[k];
      if (name.charCodeAt(0) === 0x78 /* x */ && (name === 'xmlns' || name.startsWith('xmlns:'))) {
        const v = av[k];
        const prefix = name === 'xmlns' ? '' : this.qname(name, this.w.base + aAt[k])[1];
        if (prefix === 'xmlns' || (prefix === 'xml') !== (v === XML_NS) || v === XMLNS_NS || (prefix !== '' && v === ''))
          this.fail('xml-namespace', `illegal namespace declaration ${name}="${v}"`, this.w.base + aAt[k]);
        const uris = this.bindings.get(prefix);
        if (uris === undefined) this.bindings.set(prefix, [v]);
        else uris.push(v);
        this.bound.push(prefix);
        added++;
      } else if (name.includes(':')) prefixed = true;
    }
    this.added.push(added);
    const colon = qn.indexOf(':');
    const ns = colon < 0 ? this.resolve('', at) : this.resolve(this.qname(qn, at)[0], at);
    const local = colon < 0 ? qn : qn.slice(colon + 1);
    // Duplicates by name; with prefixes, also by expanded name.
    const seen = m > 8 || prefixed ? new Set<string>() : null;
    const attrs = this.attrs;
    let count = 0;
    for (let k = 0; k < m; k++) {
      const name = an[k], a0 = this.w.base + aAt[k];
      if (seen !== null) {
        if (seen.has(name)) this.fail('xml-duplicate-attribute', `attribute "${name}" appears twice`, a0);
        seen.add(name);
      } else for (let j = 0; j < k; j++) if (an[j] === name) this.fail('xml-duplicate-attribute', `attribute "${name}" appears twice`, a0);
      if (name.charCodeAt(0) === 0x78 && (name === 'xmlns' || name.startsWith('xmlns:'))) continue;
      let ans: string | null = null, al = name;
      if (prefixed && name.includes(':')) {
        const [ap, l] = this.qname(name, a0);
        ans = this.resolve(ap, a0);
        al = l;
        const key = `{${ans}}${al}`;
        if (seen!.has(key)) this.fail('xml-duplicate-attribute', `attribute "${name}" appears twice`, a0);
        seen!.add(key);
      }
      if (count < attrs.length) {
        const x = attrs[count];
        x.ns = ans;
        x.local = al;
        x.value = av[k];
      } else attrs.push({ ns: ans, local: al, value: av[k] });
      count++;
    }
    if (attrs.length !== count) attrs.length = count;
    this.stack.push(qn);
    this.h.start(ns, local, attrs, at);
    if (this.selfClose) this.close(at);
    else if (this.st === St.Prolog) this.st = St.Content;
  }

  private close(at: number): void {
    this.stack.pop();
    for (let k = this.added.pop()!; k > 0; k--) this.bindings.get(this.bound.pop()!)!.pop();
    this.h.end(at);
    this.st = this.stack.length === 0 ? St.Epilog : St.Content;
  }

  /** A name or value of bytes d[s, e) without references (valid UTF-8, checked by the caller). */
  private str(s: number, e: number): string {
    const d = this.d;
    for (let i = s; i < e; i++) if (d[i] >= 0x80) return dec.decode(d.subarray(s, e));
    return asciiString(d, s, e);
  }

  /** Decodes an attribute value (references resolved, white space normalized). */
  private attrValue(s: number, e: number): string {
    const d = this.d;
    // Most values are printable text without references: the value is the bytes.
    let i = s, ascii = true;
    while (i < e) {
      const c = d[i];
      if (c >= 0x20 && c < 0x80 && c !== AMP && c !== LT) i++;
      else if (c >= 0x80) {
        i += this.checkUtf8(i, e);
        ascii = false;
      } else break;
    }
    if (i === e) return ascii ? asciiString(d, s, e) : dec.decode(d.subarray(s, e));
    const out = this.scratch;
    out.length = 0;
    for (let k = s; k < i; k++) out.push(d[k]);
    while (i < e) {
      const c = d[i];
      if (c === AMP) {
        i = this.reference(i, e, out);
      } else if (c === LT) {
        this.fail('xml-syntax', "'<' in an attribute value", this.w.base + i);
      } else if (c === CR) {
        out.push(SP);
        i += i + 1 < e && d[i + 1] === LF ? 2 : 1;
      } else if (c === LF || c === TAB) {
        out.push(SP);
        i++;
      } else if (c < 0x20) {
        this.fail('xml-char', `control character U+${c.toString(16).padStart(4, '0')}`, this.w.base + i);
      } else if (c < 0x80) {
        out.push(c);
        i++;
      } else {
        const len = this.checkUtf8(i, e);
        for (let k = 0; k < len; k++) out.push(d[i + k]);
        i += len;
      }
    }
    return dec.decode(Uint8Array.from(out));
  }

  /** Validates the UTF-8 sequence at `i` (complete within `e`); returns its length. */
  private checkUtf8(i: number, e: number): number {
    const d = this.d;
    const len = utf8Seq(d, i, e);
    if (len <= 0) this.fail('xml-utf8', 'invalid UTF-8', this.w.base + i);
    if (len === 3 && d[i] === 0xef && d[i + 1] === 0xbf && d[i + 2] >= 0xbe) this.fail('xml-char', 'U+FFFE and U+FFFF are not XML characters', this.w.base + i);
    return len;
  }

  /**
   * Resolves the reference at `i` ('&') within `e`. Appends its UTF-8 to `out`,
   * or with `out` null leaves it in `refBytes`/`refLen`. Returns the index
   * after ';', or -1 if the reference is cut off by `e` (streamed text only).
   */
  private reference(i: number, e: number, out: number[] | null): number {
    const d = this.d;
    let semi = i + 1;
    // References may carry any number of leading zeros; MAX_REF bounds what is carried between chunks.
    while (semi < e && semi < i + MAX_REF && d[semi] !== SEMI) semi++;
    if (semi >= e || d[semi] !== SEMI) {
      if (semi >= e && e - i < MAX_REF && out === null && !this.eof) return -1;
      this.fail('xml-syntax', "'&' must start a reference ending in ';'", this.w.base + i);
    }
    let cp = -1;
    if (d[i + 1] === 0x23) {
      const hex = d[i + 2] === 0x78;
      let k = hex ? i + 3 : i + 2;
      if (k < semi) cp = 0;
      for (; k < semi && cp >= 0; k++) {
        const c = d[k], v = c >= 0x30 && c <= 0x39 ? c - 0x30 : hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
        cp = v < 0 || cp > 0x10ffff ? -1 : cp * (hex ? 16 : 10) + v;
      }
      if (!isXmlChar(cp)) this.fail('xml-char-ref', `${ascii(d, i, semi + 1)} is not an XML character`, this.w.base + i);
    } else {
      const len = semi - i - 1, c1 = d[i + 1], c2 = d[i + 2];
      if (len === 2 && c2 === 0x74) cp = c1 === 0x6c ? 0x3c : c1 === 0x67 ? 0x3e : -1; // lt gt
      else if (len === 3 && c1 === 0x61 && c2 === 0x6d && d[i + 3] === 0x70) cp = 0x26; // amp
      else if (len === 4 && ascii(d, i + 1, semi) === 'quot') cp = 0x22;
      else if (len === 4 && ascii(d, i + 1, semi) === 'apos') cp = 0x27;
      if (cp < 0) this.fail('xml-entity', `undeclared entity ${ascii(d, i, semi + 1)}`, this.w.base + i);
    }
    const r = this.refBytes;
    let n = 0;
    if (cp < 0x80) r[n++] = cp;
    else if (cp < 0x800) { r[n++] = 0xc0 | (cp >> 6); r[n++] = 0x80 | (cp & 63); }
    else if (cp < 0x10000) { r[n++] = 0xe0 | (cp >> 12); r[n++] = 0x80 | ((cp >> 6) & 63); r[n++] = 0x80 | (cp & 63); }
    else { r[n++] = 0xf0 | (cp >> 18); r[n++] = 0x80 | ((cp >> 12) & 63); r[n++] = 0x80 | ((cp >> 6) & 63); r[n++] = 0x80 | (cp & 63); }
    this.refLen = n;
    if (out !== null) for (let k = 0; k < n; k++) out.push(r[k]);
    return semi + 1;
  }

  /**
   * The line feeds of the text piece being handed to {@link XmlHandler.text}
   * (indexes into `d`, the piece's buffer), when the tokenizer noted them
   * while scanning it; null for any other text. Only valid during that call.
   */
  lineFeeds(d: Uint8Array): LineFeeds | null {
    return this.lfLive && d === this.d ? this.lf : null;
  }

  /**
   * True when the text piece being handed to {@link XmlHandler.text} is `d`'s
   * and all ASCII (the tokenizer checked each byte above 0x7F as it scanned).
   * Only valid during that call.
   */
  asciiPiece(d: Uint8Array): boolean {
    return this.lfLive && this.lfAscii && d === this.d;
  }

  /** Hands on d[s, e), whose LFs are in {@link lf}, and starts a new piece. */
  private piece(d: Uint8Array, s: number, e: number, ascii: boolean): void {
    this.runLfs += this.lf.n;
    this.lfLive = true;
    this.lfAscii = ascii;
    this.h.text(d, s, e);
    this.lfLive = false;
    this.lf.n = 0;
  }

  /** Character data up to the next '<'. Returns false when it needs more input. */
  private textRun(): boolean {
    const d = this.d, n = d.length, h = this.h, lf = this.lf;
    let i = this.p;
    this.runFrom = this.runTo = this.w.base + i;
    this.runLfs = lf.n = 0;
    this.lfLive = false;
    if (this.crPending) {
      this.crPending = false;
      if (d[i] === LF) {
        i++;
        this.runLfs++;
      }
    }
    let run = i, lit = i, stalled = false, ascii = true;
    while (i < n) {
      i = skipLines(d, i, n, ATTN, this.words, lf);
      if (i >= n) break;
      const c = d[i];
      if (c >= 0x20 && c < 0x80) {
        if (c === LT) break;
        if (c === AMP) {
          if (i > run) this.piece(d, run, i, ascii);
          const next = this.reference(i, n, null);
          if (next < 0) {
            this.p = i;
            this.runTo = this.w.base + i;
            return false;
          }
          this.pieceAt = this.w.base + i;
          h.text(this.refBytes, 0, this.refLen);
          i = run = lit = next;
          ascii = true;
          continue;
        }
        // "]]>" is never split between chunks: trailing ']' wait for the next one (below).
        if (c === GT && i - 2 >= lit && d[i - 1] === RB && d[i - 2] === RB) {
          if (i - 2 > run) this.piece(d, run, i - 2, ascii); // earlier text first, so errors come in input order
          this.fail('xml-syntax', "']]>' is not allowed in text", this.w.base + i - 2);
        }
        i++;
        continue;
      }
      if (c === LF) {
        // skipLines stopped here because `lf` is full: hand on what it holds.
        this.piece(d, run, i, ascii);
        run = i;
        ascii = true;
        continue;
      }
      if (c === TAB) {
        i++;
        continue;
      }
      if (c === CR) {
        if (i > run) this.piece(d, run, i, ascii);
        this.pieceAt = this.w.base + i;
        h.text(LF_BYTES, 0, 1);
        i++;
        if (i < n) {
          if (d[i] === LF) {
            i++;
            this.runLfs++;
          }
        } else this.crPending = true;
        run = i;
        ascii = true;
        continue;
      }
      const len = c < 0x80 ? -1 : utf8Seq(d, i, n);
      if (len > 0 && !(c === 0xef && d[i + 1] === 0xbf && d[i + 2] >= 0xbe)) {
        i += len;
        ascii = false;
        continue;
      }
      if (len === 0 && !this.eof) {
        stalled = true; // a multi-byte character continues in the next chunk
        break;
      }
      if (i > run) this.piece(d, run, i, ascii); // earlier text first, so errors come in input order
      if (c < 0x20) this.fail('xml-char', `control character U+${c.toString(16).padStart(4, '0')}`, this.w.base + i);
      if (len <= 0) this.fail('xml-utf8', 'invalid UTF-8', this.w.base + i);
      this.fail('xml-char', 'U+FFFE and U+FFFF are not XML characters', this.w.base + i);
    }
    if (i >= n && !this.eof) {
      // Up to two ']' at the end may start "]]>": decide them with the next chunk.
      while (i > run && i > n - 2 && d[i - 1] === RB) i--;
      stalled = stalled || i < n;
    }
    if (i > run) this.piece(d, run, i, ascii);
    this.p = i;
    this.runTo = this.w.base + i;
    return !stalled && i < n;
  }

  /** Inside <![CDATA[ ... ]]>. */
  private cdata(): boolean {
    const d = this.d, n = d.length, h = this.h;
    let i = this.p;
    if (this.crPending) {
      this.crPending = false;
      if (d[i] === LF) i++;
    }
    let run = i;
    while (i < n) {
      const c = d[i];
      if (c === RB) {
        if (i + 2 >= n) {
          if (this.eof) this.fail('xml-truncated', 'the input ended inside a CDATA section', this.w.base + n);
          break;
        }
        if (d[i + 1] === RB && d[i + 2] === GT) {
          if (i > run) h.text(d, run, i);
          this.p = i + 3;
          this.st = St.Content;
          return true;
        }
        i++;
      } else if (c >= 0x20 && c < 0x80 || c === LF || c === TAB) i++;
      else if (c === CR) {
        if (i > run) h.text(d, run, i);
        this.pieceAt = this.w.base + i;
        h.text(LF_BYTES, 0, 1);
        i++;
        if (i < n) {
          if (d[i] === LF) i++;
        } else this.crPending = true;
        run = i;
      } else if (c < 0x20) this.fail('xml-char', `control character U+${c.toString(16).padStart(4, '0')}`, this.w.base + i);
      else {
        if (utf8Seq(d, i, n) === 0 && !this.eof) break;
        i += this.checkUtf8(i, n);
      }
    }
    if (i > run) h.text(d, run, i);
    this.p = i;
    if (this.eof && i >= n) this.fail('xml-truncated', 'the input ended inside a CDATA section', this.w.base + n);
    return false;
  }
}
