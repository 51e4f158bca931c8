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
import { C } from '../core/chars.js';
import { LineFeeds, skipLines } from '../core/scan.js';
import { utf8Seq } from '../core/utf8.js';
import type { Reporter } from './reporter.js';
import { ascii, XmlInput } from './xml-input.js';
import type { TextHint, XmlAttr, XmlHandler } from './xml-handler.js';
import { legalDeclaration, NamespaceScope } from './namespaces.js';
import { codePoint, isNameChar, isNameStart, isWs, NAME_ASCII } from './xml-syntax.js';

/** Resource limits of the decoder. */
export interface DecodeLimits {
  /** Element nesting limit. Default 4096. */
  maxDepth?: number;
  /** Longest start or end tag, attributes included. Default 1 MiB. */
  maxTagBytes?: number;
  /** Longest content of a `<text>` element (UTF-8 bytes), which is re-encoded whole. Default 16 MiB. */
  maxTextBytes?: number;
}

export const DEFAULT_XML_MAX_DEPTH = 4096;
export const DEFAULT_MAX_TAG_BYTES = 1 << 20;
export const DEFAULT_MAX_TEXT_BYTES_DECODE = 16 << 20;

const LF_BYTES = new Uint8Array([C.LF]);

/** Text bytes that need attention (1); 0 for printable ASCII other than < & >, for DEL and for C.TAB. */
const ATTN = new Uint8Array(256).fill(1);
for (let c = 0x20; c < 0x80; c++) ATTN[c] = 0;
ATTN[C.LT] = ATTN[C.AMP] = ATTN[C.GT] = 1;
ATTN[C.TAB] = 0; // C.LF stays marked: skipLines notes it and goes on

const enum St { Start, Prolog, Content, Cdata, Epilog }

export class XmlTokenizer extends XmlInput {
  private readonly maxDepth: number;
  private readonly maxTag: number;


  private st = St.Start;
  private crPending = false;
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
  private readonly scope = new NamespaceScope();


  /** The LFs of the text piece being handed on (handed on in a {@link TextHint}). */
  private readonly lf = new LineFeeds();


  private readonly h: XmlHandler;
  private readonly hint: TextHint;

  /**
   * @param handler makes the handler of the tokens, given the tokenizer as
   *   the {@link Reporter} that locates its errors.
   */
  constructor(handler: (report: Reporter) => XmlHandler, limits: DecodeLimits = {}) {
    super();
    this.h = handler(this);
    this.hint = { d: this.d, ascii: false, lfs: this.lf };
    this.maxDepth = limits.maxDepth ?? DEFAULT_XML_MAX_DEPTH;
    this.maxTag = limits.maxTagBytes ?? DEFAULT_MAX_TAG_BYTES;
  }

  push(chunk: Uint8Array): void {
    const w = this.w;
    if (this.p >= this.d.length) this.loc.advance(w.base + this.d.length); // the consumed chunk is about to go
    w.feed(chunk);
    this.d = w.d;
    this.p = 0;
    this.run();
    const tail = this.d.length - this.p;
    if (tail > 0) this.loc.advance(w.base + this.p); // bytes before the tail are about to go
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



  private run(): void {
    for (;;) {
      const d = this.d;
      if (this.p >= d.length) return;
      let more: boolean;
      switch (this.st) {
        case St.Start: more = this.start(); break;
        case St.Prolog:
        case St.Epilog: more = this.misc(); break;
        case St.Content: more = d[this.p] === C.LT ? this.markup() : this.textRun(); break;
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
      const q = d.indexOf(C.GT, p);
      if (q < 0) {
        if (n - p > 1024) this.fail('xml-syntax', 'unterminated XML declaration', this.w.base + p);
        if (!this.eof) {
          this.st = St.Start;
          return false;
        }
        this.fail('xml-truncated', 'unterminated XML declaration', this.w.base + n);
      }
      if (d[q - 1] !== C.QM) this.fail('xml-syntax', 'malformed XML declaration', this.w.base + p);
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
    if (d[p] !== C.LT) this.fail(this.st === St.Epilog ? 'xml-trailing' : 'xml-syntax', 'text outside the root element', this.w.base + p);
    if (this.st === St.Epilog) {
      if (p + 1 >= n && !this.eof) return false;
      const c = d[p + 1];
      if (c !== C.BANG && c !== C.QM) this.fail('xml-trailing', 'a second root element', this.w.base + p);
    }
    return this.markup();
  }

  /** Markup at `p` ('<'). Returns false when the tag is not complete yet. */
  private markup(): boolean {
    const d = this.d, n = d.length, p = this.p;
    this.crPending = false; // the C.CR that ended the last chunk was followed by '<', not C.LF
    if (p + 1 >= n) return this.needTag(p);
    const c = d[p + 1];
    if (c === C.BANG) {
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
    if (c === C.QM) {
      const xmlDecl = /^<\?xml[\s?]/i.test(ascii(d, p, Math.min(n, p + 6)));
      this.fail('xml-pi', xmlDecl ? 'an XML declaration is only allowed at the very start' : 'processing instructions are not allowed', this.w.base + p);
    }
    if (!this.tagPending) {
      // Most tags are whole in the window: read them in one pass. The first
      // error of a malformed tag must not depend on chunking, so an error here
      // is decided again as a cut tag would be (scan for '>', then read).
      let gt = -1;
      try {
        gt = this.tag(p, n, c === C.SLASH);
      } catch (err) {
        if (this.scanTag(p, n) >= 0) throw err;
        this.tagPending = true;
        return this.needTag(p);
      }
      if (gt >= 0) {
        this.process(p, gt, c === C.SLASH);
        this.p = gt + 1;
        return true;
      }
      this.tagPending = true;
    }
    // Cut off: find the tag's '>' outside quoted values, resuming where the last push stopped.
    const gt = this.scanTag(p, n);
    if (gt < 0) return this.needTag(p);
    this.tagPending = false;
    if (this.tag(p, n, c === C.SLASH) !== gt) throw new Error('xmime: tag end mismatch'); // cannot happen: both stop at the first unquoted '>'
    this.process(p, gt, c === C.SLASH);
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
      } else if (b === C.GT) break;
      else if (b === C.DQ || b === C.SQ) q = b;
      else if (b === C.LT) this.fail('xml-syntax', "'<' inside a tag", this.w.base + i);
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
    const uri = this.scope.resolve(prefix);
    if (uri === undefined) this.fail('xml-namespace', `prefix "${prefix}" is not declared`, at);
    return uri;
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
      if (d[i] !== C.GT) this.fail('xml-syntax', 'malformed end tag', this.w.base + i);
      return i;
    }
    let m = 0;
    this.selfClose = false;
    for (;;) {
      const ws = i;
      while (i < n && isWs(d[i])) i++;
      if (i >= n) return -1;
      if (d[i] === C.GT) break;
      if (d[i] === C.SLASH) {
        if (i + 1 >= n) return -1;
        if (d[i + 1] !== C.GT) this.fail('xml-syntax', "'/' must end the tag", this.w.base + i);
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
      if (d[i] !== C.EQ) this.fail('xml-syntax', `attribute "${an}" has no value`, this.w.base + i);
      i++;
      while (i < n && isWs(d[i])) i++;
      if (i >= n) return -1;
      const quote = d[i];
      if (quote !== C.DQ && quote !== C.SQ) this.fail('xml-syntax', 'attribute values must be quoted', this.w.base + i);
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
        if (!legalDeclaration(prefix, v)) this.fail('xml-namespace', `illegal namespace declaration ${name}="${v}"`, this.w.base + aAt[k]);
        this.scope.declare(prefix, v);
        added++;
      } else if (name.includes(':')) prefixed = true;
    }
    this.scope.enter(added);
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
    this.tagAt = at;
    this.h.start(ns, local, attrs, at);
    if (this.selfClose) this.close(at);
    else if (this.st === St.Prolog) this.st = St.Content;
  }

  private close(at: number): void {
    this.stack.pop();
    this.tagAt = at;
    this.scope.leave();
    this.h.end(at);
    this.st = this.stack.length === 0 ? St.Epilog : St.Content;
  }

  /** Hands on d[s, e), whose LFs are in {@link lf}, and starts a new piece. */
  private piece(d: Uint8Array, s: number, e: number, ascii: boolean): void {
    this.loc.runLfs += this.lf.n;
    const hint = this.hint;
    hint.d = d;
    hint.ascii = ascii;
    this.h.text(d, s, e, hint);
    this.lf.n = 0;
  }

  /** Character data up to the next '<'. Returns false when it needs more input. */
  private textRun(): boolean {
    const d = this.d, n = d.length, h = this.h, lf = this.lf;
    let i = this.p;
    this.loc.runFrom = this.loc.runTo = this.w.base + i;
    this.loc.runLfs = lf.n = 0;
    if (this.crPending) {
      this.crPending = false;
      if (d[i] === C.LF) {
        i++;
        this.loc.runLfs++;
      }
    }
    let run = i, lit = i, stalled = false, ascii = true;
    while (i < n) {
      i = skipLines(d, i, n, ATTN, this.words, lf);
      if (i >= n) break;
      const c = d[i];
      if (c >= 0x20 && c < 0x80) {
        if (c === C.LT) break;
        if (c === C.AMP) {
          if (i > run) this.piece(d, run, i, ascii);
          const next = this.reference(i, n, null);
          if (next < 0) {
            this.p = i;
            this.loc.runTo = this.w.base + i;
            return false;
          }
          this.pieceAt = this.w.base + i;
          h.text(this.refBytes, 0, this.refLen, null);
          i = run = lit = next;
          ascii = true;
          continue;
        }
        // "]]>" is never split between chunks: trailing ']' wait for the next one (below).
        if (c === C.GT && i - 2 >= lit && d[i - 1] === C.RB && d[i - 2] === C.RB) {
          if (i - 2 > run) this.piece(d, run, i - 2, ascii); // earlier text first, so errors come in input order
          this.fail('xml-syntax', "']]>' is not allowed in text", this.w.base + i - 2);
        }
        i++;
        continue;
      }
      if (c === C.LF) {
        // skipLines stopped here because `lf` is full: hand on what it holds.
        this.piece(d, run, i, ascii);
        run = i;
        ascii = true;
        continue;
      }
      if (c === C.TAB) {
        i++;
        continue;
      }
      if (c === C.CR) {
        if (i > run) this.piece(d, run, i, ascii);
        this.pieceAt = this.w.base + i;
        h.text(LF_BYTES, 0, 1, null);
        i++;
        if (i < n) {
          if (d[i] === C.LF) {
            i++;
            this.loc.runLfs++;
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
      while (i > run && i > n - 2 && d[i - 1] === C.RB) i--;
      stalled = stalled || i < n;
    }
    if (i > run) this.piece(d, run, i, ascii);
    this.p = i;
    this.loc.runTo = this.w.base + i;
    return !stalled && i < n;
  }

  /** Inside <![CDATA[ ... ]]>. */
  private cdata(): boolean {
    const d = this.d, n = d.length, h = this.h;
    let i = this.p;
    if (this.crPending) {
      this.crPending = false;
      if (d[i] === C.LF) i++;
    }
    let run = i;
    while (i < n) {
      const c = d[i];
      if (c === C.RB) {
        if (i + 2 >= n) {
          if (this.eof) this.fail('xml-truncated', 'the input ended inside a CDATA section', this.w.base + n);
          break;
        }
        if (d[i + 1] === C.RB && d[i + 2] === C.GT) {
          if (i > run) h.text(d, run, i, null);
          this.p = i + 3;
          this.st = St.Content;
          return true;
        }
        i++;
      } else if (c >= 0x20 && c < 0x80 || c === C.LF || c === C.TAB) i++;
      else if (c === C.CR) {
        if (i > run) h.text(d, run, i, null);
        this.pieceAt = this.w.base + i;
        h.text(LF_BYTES, 0, 1, null);
        i++;
        if (i < n) {
          if (d[i] === C.LF) i++;
        } else this.crPending = true;
        run = i;
      } else if (c < 0x20) this.fail('xml-char', `control character U+${c.toString(16).padStart(4, '0')}`, this.w.base + i);
      else {
        if (utf8Seq(d, i, n) === 0 && !this.eof) break;
        i += this.checkUtf8(i, n);
      }
    }
    if (i > run) h.text(d, run, i, null);
    this.p = i;
    if (this.eof && i >= n) this.fail('xml-truncated', 'the input ended inside a CDATA section', this.w.base + n);
    return false;
  }
}
