/**
 * Streaming MIME tokenizer: any bytes in, {@link Sink} events out.
 *
 * Every input byte lands in exactly one event (text, or an attribute of an
 * open), so a writer that re-emits what the events say rebuilds the input.
 * Header sections are buffered whole (bounded by `maxHeaderBytes`) because
 * their shape attributes are only known at their end; bodies stream, holding
 * back at most one delimiter line of lookahead.
 * @module
 */
import { cteKind, cteValue, nameIs, parseContentType } from '../views/content-type.js';
import { type Attrs, type BodyType, Kind, MAX_BOUNDARY, newAttrs, type Sink } from '../xmime/events.js';
import { asciiString } from '../core/intern.js';
import { Eol } from '../core/eol.js';
import { span } from '../core/bytes.js';
import { indexOfByte, WordView } from '../core/scan.js';
import { InputWindow } from '../core/window.js';

/**
 * Resource limits of the encoder. A limit never loses bytes: past it, the rest is carried as body.
 * @category Limits
 */
export interface EncodeLimits {
  /**
   * Composite nesting (multipart or message) beyond which bodies are not
   * parsed. Default 100, Postfix's `mime_nesting_limit`: the document then
   * nests at most 205 elements deep, within libxml2's 256 (spec §9.1).
   */
  maxDepth?: number;
  /** Largest header section (including an mbox From line) parsed as headers. Default 1 MiB. */
  maxHeaderBytes?: number;
}

/**
 * Default of {@link EncodeLimits.maxDepth} (100, Postfix's `mime_nesting_limit`, which keeps every
 * document within libxml2's depth of 256): composites nested deeper are carried as opaque bodies.
 * @category Limits
 */
export const DEFAULT_MAX_DEPTH = 100;
/**
 * Default of {@link EncodeLimits.maxHeaderBytes} (1 MiB).
 * @category Limits
 */
export const DEFAULT_MAX_HEADER_BYTES = 1 << 20;
/** The line ending is taken from the first LF within this many bytes, else CRLF. */
const EOL_PROBE_BYTES = 65536;
/**
 * A field name, and the white space between it and the colon, may each be this
 * long at most (RFC 5322 lines are 998). Longer, the line is not a field line.
 * Keeps every start tag the encoder writes far below the decoder's tag limit.
 */
export const MAX_NAME = 998;
/** Transport padding longer than this makes a line not a delimiter. */
export const MAX_PAD = 1000;

const LF = 0x0a, CR = 0x0d, SP = 0x20, TAB = 0x09, DASH = 0x2d, COLON = 0x3a;
const CRLF_BYTES = new Uint8Array([CR, LF]);
const LF_BYTES = new Uint8Array([LF]);
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "

const enum St { Probe, Headers, Content, Done }
const enum Mode { Body, Preamble, Epilogue }
const NEED = -1, NO = 0, MATCH = 1;

/** Field-name characters: printable ASCII except colon. */
function isNameChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== COLON;
}

/** If the line [s, e) is a field line (name, white space, colon), the end of its name; else -1. */
function fieldName(d: Uint8Array, s: number, e: number): number {
  let q = s;
  while (q < e && isNameChar(d[q])) q++;
  const nameEnd = q;
  if (q === s || q - s > MAX_NAME) return -1;
  while (q < e && (d[q] === SP || d[q] === TAB)) q++;
  return q < e && d[q] === COLON && q - nameEnd <= MAX_NAME ? nameEnd : -1;
}

/** Bytes as a string key, one character per byte. */
function latin1(d: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i += 8192) out += String.fromCharCode.apply(null, span(d, i, Math.min(e, i + 8192)) as unknown as number[]);
  return out;
}

function trimmedKey(b: Uint8Array): string {
  let e = b.length;
  while (e > 0 && (b[e - 1] === SP || b[e - 1] === TAB)) e--;
  return latin1(b, 0, e);
}

interface Frame {
  boundary: Uint8Array;
  /** `boundary` without trailing white space, as a string: how lines find it. */
  key: string;
  digest: boolean;
  /** Index of the Multipart element in the element stack. */
  at: number;
  /** False once the close delimiter was seen (the epilogue is running). */
  open: boolean;
}

export class MimeTokenizer {
  private readonly a: Attrs = newAttrs();
  private readonly maxDepth: number;
  private readonly maxHeader: number;

  // Input: `d` is the window's bytes (kept in a field for speed), `p` the read position.
  private readonly w = new InputWindow();
  private d: Uint8Array = new Uint8Array(0);
  private p = 0;
  private eof = false;
  private readonly words = new WordView();

  private st = St.Probe;
  private probeScan = 0;
  private eol = Eol.CrLf;

  // Element stack and multipart frames.
  private readonly kinds: Kind[] = [];
  private readonly frames: Frame[] = [];
  /** Frame indexes (ascending) by boundary with trailing white space removed. */
  private readonly bounds = new Map<string, number[]>();
  private openFrames = 0;
  private depth = 0;
  private inDigest = false;
  /** The current entity's type, as its header says (see startBody). */
  private bodyType: BodyType = { type: null, charset: null, cte: null, inDigest: false };

  // Header section state; offsets are relative to `p`, which stays put until the section ends.
  private allowFrom = true;
  private hScan = 0;
  private hSearch = 0;
  private readonly fields: number[] = [];
  private from = -1;
  private fromEnd = 0;
  private fromTerm = Eol.None;

  // Content state.
  private mode = Mode.Body;
  private opened = false;
  private atLineStart = true;
  private held = Eol.None;
  private epiPending = false;
  private epiBefore = Eol.None;
  private epiPad = new Uint8Array(0);

  /** The line a delimiter check is waiting on (absolute offset), and how far its search got. */
  private mdLine = -1;
  private mdScan = 0;

  // Last delimiter match.
  private mF = 0;
  private mClose = false;
  private mPadS = 0;
  private mPadE = 0;
  private mAfter = Eol.None;
  private mEnd = 0;

  constructor(private readonly sink: Sink, limits: EncodeLimits = {}) {
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxHeader = limits.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  }

  /** Feeds the next chunk of MIME bytes. */
  push(chunk: Uint8Array): void {
    if (this.eof) throw new Error('push() after end()');
    this.w.feed(chunk);
    this.d = this.w.d;
    this.p = 0;
    this.run();
    const tail = this.d.length - this.p;
    this.w.keep(this.p);
    this.d = this.w.d;
    if (tail > 0) this.p = 0;
  }

  /** Signals the end of input and emits the remaining events. */
  end(): void {
    if (this.eof) return;
    this.eof = true;
    this.run();
  }

  private run(): void {
    for (;;) {
      let more: boolean;
      switch (this.st) {
        case St.Probe: more = this.probe(); break;
        case St.Headers: more = this.headers(); break;
        case St.Content: more = this.content(); break;
        default: return;
      }
      if (!more) return;
    }
  }

  /** Decides the document's line ending from the first LF. */
  private probe(): boolean {
    const d = this.d;
    const i = d.indexOf(LF, this.p + this.probeScan);
    if (i < 0) {
      this.probeScan = d.length - this.p;
      if (!this.eof && d.length - this.p < EOL_PROBE_BYTES) return false;
    } else if (i - this.p < EOL_PROBE_BYTES && (i === this.p || d[i - 1] !== CR)) {
      this.eol = Eol.Lf;
    }
    this.a.eol = this.eol;
    this.openEl(Kind.Mime);
    this.startEntity(true);
    return true;
  }

  private startEntity(top: boolean): void {
    this.st = St.Headers;
    this.allowFrom = top;
    this.hScan = 0;
    this.hSearch = 0;
    this.fields.length = 0;
    this.from = -1;
  }

  /** Scans the header section line by line; returns false when it needs more input. */
  private headers(): boolean {
    const d = this.d, base = this.p, n = d.length, max = this.maxHeader;
    let ls = base + this.hScan;
    let bodyAt: number;
    let sepKind = Eol.None;
    for (;;) {
      if (ls >= n || ls - base >= max) {
        if (ls - base < max && !this.eof) return this.wait(ls);
        bodyAt = ls;
        break;
      }
      if (d[ls] === DASH && this.openFrames > 0) {
        const r = this.matchDelimiter(ls);
        if (r === NEED) return this.wait(ls);
        if (r === MATCH) { bodyAt = ls; break; }
      }
      const lf = d.indexOf(LF, Math.max(ls, base + this.hSearch));
      let lineEnd: number, term: Eol, next: number;
      if (lf < 0) {
        if (n - base > max) { bodyAt = ls; break; }
        if (!this.eof) { this.hSearch = n - base; return this.wait(ls); }
        lineEnd = n; term = Eol.None; next = n;
      } else {
        next = lf + 1;
        if (next - base > max) { bodyAt = ls; break; }
        if (lf > ls && d[lf - 1] === CR) { lineEnd = lf - 1; term = Eol.CrLf; } else { lineEnd = lf; term = Eol.Lf; }
      }
      const nameEnd = fieldName(d, ls, lineEnd);
      if (this.allowFrom && ls === base && nameEnd < 0 && lineEnd - ls >= 5 && FROM_.every((c, k) => d[ls + k] === c)) {
        this.from = ls + 5 - base; this.fromEnd = lineEnd - base; this.fromTerm = term;
        ls = next; this.hScan = this.hSearch = ls - base;
        continue;
      }
      if (lineEnd === ls && term !== Eol.None) { sepKind = term; bodyAt = next; break; }
      const c = d[ls];
      const f = this.fields;
      if ((c === SP || c === TAB) && f.length > 0) {
        f[f.length - 2] = lineEnd - base; f[f.length - 1] = term;
        ls = next; this.hScan = this.hSearch = ls - base;
        continue;
      }
      if (nameEnd >= 0) {
        let q = nameEnd;
        while (d[q] !== COLON) q++;
        q++;
        if (q < lineEnd && d[q] === SP) q++;
        f.push(ls - base, nameEnd - base, q - base, lineEnd - base, term);
        ls = next; this.hScan = this.hSearch = ls - base;
        continue;
      }
      bodyAt = ls; // not a header line: the body starts here
      break;
    }
    this.emitHeaders(base, sepKind);
    this.p = bodyAt;
    this.startBody(base);
    return true;
  }

  private wait(ls: number): boolean {
    this.hScan = ls - this.p;
    return false;
  }

  private emitHeaders(base: number, sepKind: Eol): void {
    const d = this.d, a = this.a, f = this.fields;
    if (this.from >= 0) {
      a.end = this.fromTerm;
      this.openEl(Kind.FromLine);
      if (this.fromEnd > this.from) this.sink.text(d, base + this.from, base + this.fromEnd);
      this.closeEl();
    }
    if (f.length === 0 && sepKind === Eol.None) return;
    a.end = sepKind;
    this.openEl(Kind.Headers);
    for (let i = 0; i < f.length; i += 5) {
      a.name = span(d, base + f[i], base + f[i + 1]);
      a.sep = span(d, base + f[i + 1], base + f[i + 2]);
      a.end = f[i + 4];
      this.openEl(Kind.Header);
      if (f[i + 3] > f[i + 2]) this.sink.text(d, base + f[i + 2], base + f[i + 3]);
      this.closeEl();
    }
    this.closeEl();
  }

  /** Picks the body's form from the header fields just emitted. */
  private startBody(base: number): void {
    const d = this.d, f = this.fields;
    let ct = -1, cte = -1;
    for (let i = 0; i < f.length && (ct < 0 || cte < 0); i += 5) {
      const s = base + f[i], e = base + f[i + 1];
      if (ct < 0 && nameIs(d, s, e, 'content-type')) ct = i;
      else if (cte < 0 && nameIs(d, s, e, 'content-transfer-encoding')) cte = i;
    }
    const mt = ct >= 0 ? parseContentType(d, base + f[ct + 2], base + f[ct + 3]) : null;
    const cteV = cte >= 0 ? cteValue(d, base + f[cte + 2], base + f[cte + 3]) : null;
    const type = mt && mt.type !== '' ? mt.type : this.inDigest ? 'message/rfc822' : 'text/plain';
    const enc = cteKind(cteV);
    // The one parse of these fields: later stages read it from the Body event.
    const cs = mt === null ? null : mt.charset;
    this.bodyType = { type: mt === null ? null : mt.type, charset: cs === null ? null : asciiString(cs, 0, cs.length), cte: cteV, inDigest: this.inDigest };
    this.inDigest = false;
    this.st = St.Content;
    this.atLineStart = true;
    this.held = Eol.None;
    this.opened = false;
    this.mode = Mode.Body;
    if (this.depth >= this.maxDepth) return;
    if (type.startsWith('multipart/') && mt!.boundary !== null && mt!.boundary.length > 0 && mt!.boundary.length <= MAX_BOUNDARY && enc !== 'base64') {
      this.a.boundary = mt!.boundary;
      this.openEl(Kind.Multipart);
      const key = trimmedKey(mt!.boundary);
      const list = this.bounds.get(key);
      if (list) list.push(this.frames.length);
      else this.bounds.set(key, [this.frames.length]);
      this.frames.push({ boundary: mt!.boundary, key, digest: type === 'multipart/digest', at: this.kinds.length - 1, open: true });
      this.openFrames++;
      this.mode = Mode.Preamble;
    } else if ((type === 'message/rfc822' || type === 'message/global' || type === 'message/news') && enc === 'identity') {
      this.openEl(Kind.Message);
      this.startEntity(false);
    }
  }

  /** Streams body, preamble or epilogue bytes, watching each line start for a delimiter. */
  private content(): boolean {
    const d = this.d, n = d.length;
    for (;;) {
      if (this.atLineStart) {
        const p = this.p;
        if (p >= n) {
          if (!this.eof) return false;
          return this.finish();
        }
        if (d[p] === DASH && this.openFrames > 0) {
          const r = this.matchDelimiter(p);
          if (r === NEED) return false;
          if (r === MATCH) {
            if (this.delimiter()) return true;
            continue;
          }
        }
        if (this.epiPending) this.openEpilogue(this.held);
        else if (this.held !== Eol.None) this.emit(this.held === Eol.CrLf ? CRLF_BYTES : LF_BYTES, 0, this.held);
        else if (this.mode === Mode.Preamble && !this.opened) this.openContent();
        this.held = Eol.None;
        this.atLineStart = false;
      }
      const p = this.p;
      if (this.openFrames === 0) {
        // No delimiter can end this content: pass everything through.
        if (n > p) this.emit(d, p, n);
        this.p = n;
        if (!this.eof) return false;
        return this.finish();
      }
      // Only a line starting with '-' can be a delimiter, so look for dashes (base64 has none)
      // and pass everything before the line ending in front of one.
      let dash = indexOfByte(d, DASH, p, this.words);
      while (dash >= 0 && !(dash - 1 >= p && d[dash - 1] === LF)) dash = indexOfByte(d, DASH, dash + 1, this.words);
      // With no such dash, a line that starts exactly at the end of the data is still undecided.
      const lf = dash >= 0 ? dash - 1 : !this.eof && n > p && d[n - 1] === LF ? n - 1 : -1;
      if (lf < 0) {
        let e = n;
        if (!this.eof && e > p && d[e - 1] === CR) e--; // may be the CR of a delimiter's CRLF
        if (e > p) this.emit(d, p, e);
        this.p = e;
        if (!this.eof) return false;
        return this.finish();
      }
      let ce = lf;
      this.held = Eol.Lf;
      if (lf > p && d[lf - 1] === CR) { ce = lf - 1; this.held = Eol.CrLf; }
      if (ce > p) this.emit(d, p, ce);
      this.p = lf + 1;
      this.atLineStart = true;
    }
  }

  private emit(d: Uint8Array, s: number, e: number): void {
    if (!this.opened) this.openContent();
    this.sink.text(d, s, e);
  }

  private openContent(): void {
    if (this.mode === Mode.Body) this.a.body = this.bodyType;
    this.openEl(this.mode === Mode.Body ? Kind.Body : Kind.Preamble);
    this.opened = true;
  }

  private openEpilogue(after: Eol): void {
    const a = this.a;
    a.before = this.epiBefore;
    a.pad = this.epiPad;
    a.after = after;
    this.openEl(Kind.Epilogue);
    this.opened = true;
    this.epiPending = false;
  }

  /** Handles the delimiter line just matched; returns true when the state changed to headers. */
  private delimiter(): boolean {
    const before = this.held;
    this.held = Eol.None;
    if (this.epiPending) this.openEpilogue(Eol.None); // the held line ending was this delimiter's
    const fr = this.frames[this.mF];
    while (this.kinds.length - 1 > fr.at) this.closeEl();
    const d = this.d, a = this.a;
    if (!this.mClose) {
      a.before = before;
      a.pad = span(d, this.mPadS, this.mPadE);
      a.after = this.mAfter;
      this.openEl(Kind.Part);
      this.p = this.mEnd;
      this.startEntity(false);
      this.inDigest = fr.digest;
      return true;
    }
    fr.open = false;
    this.openFrames--;
    this.epiPending = true;
    this.epiBefore = before;
    this.epiPad = d.slice(this.mPadS, this.mPadE);
    this.mode = Mode.Epilogue;
    this.opened = false;
    this.held = this.mAfter; // the candidate line ending before the epilogue
    this.p = this.mEnd;
    this.atLineStart = true;
    return false;
  }

  /** End of input with everything consumed. */
  private finish(): boolean {
    if (this.atLineStart) {
      if (this.epiPending) this.openEpilogue(this.held);
      else if (this.held !== Eol.None) this.emit(this.held === Eol.CrLf ? CRLF_BYTES : LF_BYTES, 0, this.held);
      this.held = Eol.None;
    }
    while (this.kinds.length > 0) this.closeEl();
    this.st = St.Done;
    return false;
  }

  /**
   * Is the line at `s` a delimiter of an open multipart? Innermost first, and
   * strict: "--" boundary ["--"] padding (line ending | end of input).
   * Candidates are found by the line's trimmed text in a map, so the cost per
   * line does not grow with the nesting depth; each is then checked exactly.
   */
  private matchDelimiter(s: number): number {
    const d = this.d, n = d.length, eof = this.eof;
    if (s + 1 >= n) return eof ? NO : NEED;
    if (d[s + 1] !== DASH) return NO;
    // The line must end (CRLF, LF or end of input) within the longest possible delimiter line.
    const limit = s + 2 + MAX_BOUNDARY + 2 + MAX_PAD + 1;
    // While a line waits for more input, resume its search rather than start over.
    const at = this.w.base + s;
    let e = at === this.mdLine ? s + this.mdScan : s + 2;
    while (e < n && e < limit && d[e] !== LF && d[e] !== CR) e++;
    if (e >= limit) return NO;
    if (e >= n || (d[e] === CR && e + 1 >= n)) {
      if (!eof) {
        this.mdLine = at;
        this.mdScan = e - s;
        return NEED;
      }
    }
    if (e < n && d[e] === CR && (e + 1 >= n || d[e + 1] !== LF)) return NO; // a bare CR is not a line ending
    let t = e;
    while (t > s + 2 && (d[t - 1] === SP || d[t - 1] === TAB)) t--;
    const open = this.bounds.get(latin1(d, s + 2, t));
    let close: number[] | undefined;
    if (t - (s + 2) >= 2 && d[t - 1] === DASH && d[t - 2] === DASH) {
      let u = t - 2;
      while (u > s + 2 && (d[u - 1] === SP || d[u - 1] === TAB)) u--;
      close = this.bounds.get(latin1(d, s + 2, u));
    }
    // Innermost candidate first: walk both (ascending) index lists from their ends.
    let i = open ? open.length - 1 : -1, j = close ? close.length - 1 : -1;
    while (i >= 0 || j >= 0) {
      const f = j < 0 || (i >= 0 && open![i] > close![j]) ? open![i--] : close![j--];
      if (this.frames[f].open && this.exact(f, s)) return MATCH;
    }
    return NO;
  }

  /** Checks the complete line at `s` against frame `f`; on success records the match. */
  private exact(f: number, s: number): boolean {
    const d = this.d, n = d.length, b = this.frames[f].boundary, m = b.length;
    let q = s + 2;
    if (q + m > n) return false;
    for (let j = 0; j < m; j++) if (d[q + j] !== b[j]) return false;
    q += m;
    let close = false;
    if (q + 1 < n && d[q] === DASH && d[q + 1] === DASH) {
      close = true;
      q += 2;
    }
    const padS = q;
    while (q < n && (d[q] === SP || d[q] === TAB)) q++;
    if (q - padS > MAX_PAD) return false;
    let after: Eol, end: number;
    if (q >= n) {
      after = Eol.None; end = n;
    } else if (d[q] === LF) {
      after = Eol.Lf; end = q + 1;
    } else if (d[q] === CR && q + 1 < n && d[q + 1] === LF) {
      after = Eol.CrLf; end = q + 2;
    } else return false;
    this.mF = f; this.mClose = close; this.mPadS = padS; this.mPadE = q; this.mAfter = after; this.mEnd = end;
    return true;
  }

  private openEl(k: Kind): void {
    this.kinds.push(k);
    if (k === Kind.Multipart || k === Kind.Message) this.depth++;
    this.sink.open(k, this.a);
  }

  private closeEl(): void {
    const k = this.kinds.pop()!;
    if (k === Kind.Multipart) {
      const fr = this.frames.pop()!;
      if (fr.open) this.openFrames--;
      const list = this.bounds.get(fr.key)!;
      list.pop();
      if (list.length === 0) this.bounds.delete(fr.key);
      this.depth--;
    } else if (k === Kind.Message) this.depth--;
    if (k === Kind.Body || k === Kind.Preamble || k === Kind.Epilogue) this.opened = false;
    this.sink.close(k);
  }
}
