/**
 * The mbox splitter (spec §18.2): mbox bytes in, streaming, with a bounded
 * look-ahead; out come the bytes before the first separator, then each
 * message (its separator line first, `>From` quoting undone where the
 * variant says so), the blank line before each separator, and the blank
 * line at the end. Every input byte is accounted for exactly once.
 * @module
 */

/** The split and quoting rules (spec §18.2). */
export type MboxVariant = 'auto' | 'mboxo' | 'mboxrd' | 'mboxcl2';
/** The variants `--variant` and the `variant` option accept. */
export const MBOX_VARIANTS: readonly MboxVariant[] = ['auto', 'mboxo', 'mboxrd', 'mboxcl2'];

/**
 * mboxcl2: how the boundary before a message was found (spec §18.2).
 * `length`: the previous message's Content-Length; `lf`: it, counting each
 * CR LF as one byte; `auto`: the auto rule (Content-Length missing, wrong,
 * or too far ahead to check).
 */
export type MboxSplitBy = 'length' | 'lf' | 'auto';
/** mboxcl2: a Content-Length is checked only if the end it names is at most this far after the header. */
export const LENGTH_WINDOW = 8 * 1024 * 1024;

/** What the splitter reports, in input order. */
export interface MboxEvents {
  /** Bytes before the first separator. */
  prefix(d: Uint8Array, s: number, e: number): void;
  /**
   * A separator starts a message at input `offset`. `gap` is the blank line
   * before it (LF or CR LF, 1 or 2 bytes) that the mbox writer added, or
   * null; `line` is the separator line with its line ending (null for none).
   */
  start(offset: number, gap: Uint8Array | null, line: Uint8Array, by?: MboxSplitBy): void;
  /** Bytes of the current message (the separator line first), unquoted per the variant. */
  content(d: Uint8Array, s: number, e: number): void;
  /** A line of the current message that begins `From ` and was not taken as a separator (spec: evidence). */
  kept?(offset: number): void;
  /** The blank line at the end of the file after the last message, then the end. */
  end(tail: Uint8Array | null): void;
}

const LF = 0x0a, CR = 0x0d, GT = 0x3e;
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20];
/** A separator line the auto rule looks at is at most this long (line ending included). */
export const MAX_SEPARATOR = 4096;
/** How much of the next line the auto rule reads to see whether it is a header field. */
const NEXT_LOOK = 1000;
const BLANK_LF = new Uint8Array([LF]);
const BLANK_CRLF = new Uint8Array([CR, LF]);
const BLANK_CR = new Uint8Array([CR]);
/** How far the splitter looks for the first line ending to tell a CR-only file (spec §18.2). */
const EOL_PROBE = 65536;
const GTS = new Uint8Array(256).fill(GT);

/** True if `rest` (after `From `, without the line ending) has the shape of a separator line (spec §18.2). */
export function separatorShape(rest: string): boolean {
  if (/^\s*$/.test(rest)) return true; // bare "From "
  if (/^\S*@/.test(rest)) return true; // "From addr date", Gmail Takeout "From 1234@xxx", Eudora "From ???@???"
  // A date: a time and a year (asctime, pipermail "user at host  date", git format-patch "From <sha> date").
  const date = /(^|\s)\d{1,2}:\d\d(:\d\d)?(\s|$)/.test(rest) && /(^|\s)\d{4}(\s|$)/.test(rest);
  if (/^-(\s|$)/.test(rest)) return /^-\s*$/.test(rest) || date; // Thunderbird "From - date", "From - "
  return date;
}

/** True if the line at d[s..e) begins like a header field: a name of 0x21–0x7E but ':', WSP*, ':'. */
function fieldStart(d: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e && d[i] > 0x20 && d[i] < 0x7f && d[i] !== 0x3a) i++;
  if (i === s) return false;
  while (i < e && (d[i] === 0x20 || d[i] === 0x09)) i++;
  return i < e && d[i] === 0x3a;
}

function latin1(d: Uint8Array, s: number, e: number): string {
  let r = '';
  for (let i = s; i < e; i++) r += String.fromCharCode(d[i]);
  return r;
}

export class MboxSplitter {
  private carry: Uint8Array = new Uint8Array(0);
  /** Input offset of the first byte not yet consumed. */
  private pos = 0;
  private inMessage = false;
  private atLineStart = true;
  /** The held-back blank line (may be the gap before the next separator). */
  private gap: Uint8Array | null = null;
  /** The previous line was blank (prefix phase; in a message, `gap` says it). */
  private prevBlank = false;
  /** mboxrd: `>` bytes counted at the start of the current line, not yet written. */
  private gts = -1;
  private ended = false;
  /** The byte that ends lines: LF, or CR in a file whose first line ends with a CR alone; -1 until known. */
  nl = -1;
  // mboxcl2 (spec §18.2): in the header of a message; its Content-Length; where its checked body ends.
  private inHeader = false;
  private length = -1;
  private bodyEnd = -1;
  /** The `From ` line after a checked body is the next separator, whatever its shape. */
  private forced = false;
  /** How the boundary before the next separator was found (mboxcl2). */
  private by: MboxSplitBy = 'auto';
  /** Input is gathered here, unprocessed, until this many bytes are there (a Content-Length look-ahead). */
  private want = 0;
  private waiting: Uint8Array[] = [];
  private waitingBytes = 0;

  constructor(
    private readonly ev: MboxEvents,
    readonly variant: MboxVariant = 'auto',
  ) {}

  push(chunk: Uint8Array): void {
    if (this.want > 0) {
      // Waiting for a Content-Length's end: gather the chunks, join them once (no copying per chunk).
      this.waiting.push(chunk.slice());
      this.waitingBytes += chunk.length;
      if (this.carry.length + this.waitingBytes < this.want) return;
      chunk = this.joinWaiting();
    }
    if (this.carry.length === 0) this.run(chunk, false);
    else {
      const d = new Uint8Array(this.carry.length + chunk.length);
      d.set(this.carry);
      d.set(chunk, this.carry.length);
      this.run(d, false);
    }
  }

  private joinWaiting(): Uint8Array {
    const d = new Uint8Array(this.waitingBytes);
    let k = 0;
    for (const w of this.waiting) {
      d.set(w, k);
      k += w.length;
    }
    this.waiting = [];
    this.waitingBytes = 0;
    this.want = 0;
    return d;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.want > 0) {
      const w = this.joinWaiting();
      const d = new Uint8Array(this.carry.length + w.length);
      d.set(this.carry);
      d.set(w, this.carry.length);
      this.carry = d;
    }
    this.run(this.carry, true);
    if (this.gts > 0) this.emit(GTS, 0, 0, this.gts); // a line of only `>` at the end
    this.gts = -1;
    this.ev.end(this.gap);
  }

  /** Writes d[s..e) as prefix or message content. */
  private emit(d: Uint8Array, s: number, e: number, gts = 0): void {
    if (this.inMessage) {
      for (let k = gts; k > 0; k -= 256) this.ev.content(GTS, 0, Math.min(k, 256));
      if (e > s) this.ev.content(d, s, e);
    } else if (e > s) this.ev.prefix(d, s, e);
  }

  /** The held blank line was content after all. */
  private flushGap(): void {
    if (this.gap !== null) {
      this.ev.content(this.gap, 0, this.gap.length);
      this.gap = null;
    }
  }

  /** Decides the line-ending byte from the first line ending; false if more input is needed. */
  private probe(d: Uint8Array, eof: boolean): boolean {
    const n = Math.min(d.length, EOL_PROBE);
    for (let k = 0; k < n; k++) {
      if (d[k] === LF) break;
      if (d[k] === CR) {
        if (k + 1 === d.length && !eof) return false;
        if (d[k + 1] !== LF) this.nl = CR;
        break;
      }
    }
    if (this.nl < 0 && d.length < EOL_PROBE && !eof && d.indexOf(LF) < 0) return false;
    if (this.nl < 0) this.nl = LF;
    return true;
  }

  private run(d: Uint8Array, eof: boolean): void {
    const n = d.length;
    let i = 0;
    const ev = this.ev;
    if (this.nl < 0 && !this.probe(d, eof)) {
      this.carry = d.slice();
      return;
    }
    const NL = this.nl;
    while (i < n) {
      if (this.bodyEnd >= 0) {
        // mboxcl2: a body whose Content-Length was checked is content, whatever its lines.
        const e = Math.min(n, i + this.bodyEnd - this.pos);
        this.emit(d, i, e);
        this.pos += e - i;
        i = e;
        if (this.pos < this.bodyEnd) break;
        this.bodyEnd = -1;
        this.forced = true;
        this.atLineStart = true;
        this.prevBlank = false;
        continue;
      }
      if (this.gts >= 0) {
        // mboxrd: counting `>` at a line start; then "From " decides whether one is quoting.
        let j = i;
        while (j < n && d[j] === GT) j++;
        this.gts += j - i;
        this.pos += j - i;
        i = j;
        if (i === n) break;
        if (n - i < 5 && !eof && this.prefixOfFrom(d, i, n)) break;
        const quoted = this.isFrom(d, i, n);
        this.emit(d, i, i, quoted ? this.gts - 1 : this.gts);
        this.gts = -1;
        this.atLineStart = false;
        continue;
      }
      if (!this.atLineStart) {
        const j = d.indexOf(NL, i);
        const e = j < 0 ? n : j + 1;
        this.emit(d, i, e);
        this.pos += e - i;
        i = e;
        if (j >= 0) {
          this.atLineStart = true;
          this.prevBlank = false;
        }
        continue;
      }
      // At a line start: classify the line.
      const c = d[i];
      if (NL === CR ? c === CR : c === LF || c === CR) {
        if (NL === LF && c === CR && i + 1 === n && !eof) break;
        if (NL === CR || c === LF || d[i + 1] === LF) {
          const len = NL === CR || c === LF ? 1 : 2;
          if (this.inHeader) {
            // mboxcl2: the header ends; check its Content-Length (spec §18.2).
            const r = this.checkLength(d, i, i + len, n, eof);
            if (r === -1) break;
            this.inHeader = false;
            if (r >= 0) {
              this.flushGap();
              this.emit(d, i, i + len);
              this.pos += len;
              i += len;
              this.bodyEnd = r;
              this.prevBlank = true;
              continue;
            }
          }
          if (this.inMessage) {
            this.flushGap();
            this.gap = NL === CR ? BLANK_CR : len === 1 ? BLANK_LF : BLANK_CRLF;
          } else this.emit(d, i, i + len);
          this.prevBlank = true;
          this.pos += len;
          i += len;
          continue;
        }
      }
      if (this.pos === 0 && c === 0xef) {
        // A UTF-8 byte order mark before the first line: prefix, and the line after it counts as the first.
        if (n - i < 3 && !eof) break;
        if (d[i + 1] === 0xbb && d[i + 2] === 0xbf) {
          this.emit(d, i, i + 3);
          this.bomBefore = true;
          this.pos += 3;
          i += 3;
          continue;
        }
      }
      if (c === 0x46 /* F */) {
        if (n - i < 5 && !eof && this.prefixOfFrom(d, i, n)) break;
        if (this.isFrom(d, i, n)) {
          const r = this.separator(d, i, n, eof);
          if (r === -1) break; // needs more input
          if (r >= 0) {
            const lineEnd = r;
            const gap = this.gap;
            this.gap = null;
            const by = this.variant === 'mboxcl2' && this.inMessage ? (this.forced ? this.by : 'auto') : undefined;
            this.inMessage = true;
            this.forced = false;
            if (this.variant === 'mboxcl2') {
              this.inHeader = true;
              this.length = -1;
            }
            ev.start(this.pos, gap, d.slice(i, lineEnd), by);
            ev.content(d, i, lineEnd);
            this.pos += lineEnd - i;
            i = lineEnd;
            this.atLineStart = d[lineEnd - 1] === NL;
            this.prevBlank = false;
            continue;
          }
          if (this.inMessage) ev.kept?.(this.pos);
        }
      }
      if (this.inHeader && (c === 0x43 || c === 0x63) && this.length < 0) {
        // mboxcl2: a Content-Length field (its first one counts).
        const j = d.indexOf(NL, i);
        if (j < 0 && n - i < 1000 && !eof) break;
        const m = /^content-length[ \t]*:[ \t]*(\d{1,15})[ \t]*\r?$/i.exec(latin1(d, i, j < 0 ? Math.min(n, i + 1000) : j));
        if (m !== null) this.length = Number(m[1]);
      }
      this.forced = false; // only the line at a confirmed end (or after its blank line) is forced
      if (this.inMessage) this.flushGap();
      if (c === GT && this.variant === 'mboxrd' && this.inMessage) {
        this.gts = 0;
        continue;
      }
      this.atLineStart = false;
    }
    this.carry = i < n ? d.slice(i) : new Uint8Array(0);
    if (eof && i < n) {
      // Only a fragment of a line that could not be classified is left: it is content.
      this.flushGap();
      this.emit(d, i, n);
      this.pos += n - i;
      this.carry = new Uint8Array(0);
    }
  }

  /**
   * mboxcl2: the header ended and the body begins at `b`. Returns the end of
   * the body if the Content-Length is confirmed there (the end of the file,
   * or `From `, or a blank line then `From ` or the end), counting bytes or,
   * in a CR LF message, counting each CR LF as one; -2 if not (the auto rule
   * then splits this message); -1 if more input is needed.
   */
  private checkLength(d: Uint8Array, i: number, b: number, n: number, eof: boolean): number {
    const len = this.length;
    this.by = 'auto';
    if (len < 0 || this.nl !== LF || len > LENGTH_WINDOW) return -2;
    // Enough input to see the end (each CR LF may count as one byte: up to twice as far) and what follows it.
    if (b + 2 * len + MAX_SEPARATOR + 2 > n && !eof) {
      this.want = b - i + 2 * len + MAX_SEPARATOR + 2;
      return -1;
    }
    if (this.endsAt(d, b, b + len, n, eof)) {
      this.by = 'length';
      return this.pos + (b + len - i);
    }
    // Content-Length counted LF line ends in a CR LF message.
    let k = b,
      c = 0;
    while (k < n && c < len) {
      if (d[k] === CR && d[k + 1] === LF) k++;
      k++;
      c++;
    }
    if (c === len && k > b + len && this.endsAt(d, b, k, n, eof)) {
      this.by = 'lf';
      return this.pos + (k - i);
    }
    return -2;
  }

  /**
   * True if a message may end at `p`: the end of the input, or a separator
   * line (`From ` with a separator's shape), or one blank line then one or
   * the end.
   */
  private endsAt(d: Uint8Array, b: number, p: number, n: number, eof: boolean): boolean {
    if (p > n) return false;
    if (p === n) return eof;
    if (this.shapedFrom(d, p, n, eof)) return true;
    // A blank line is one only at a line start (the LF of a body's last CR LF is not one).
    if (p > b && d[p - 1] !== LF) return false;
    const q = d[p] === LF ? p + 1 : d[p] === CR && d[p + 1] === LF ? p + 2 : -1;
    if (q < 0) return false;
    return (q === n && eof) || this.shapedFrom(d, q, n, eof);
  }

  private shapedFrom(d: Uint8Array, p: number, n: number, eof: boolean): boolean {
    if (!this.isFrom(d, p, n)) return false;
    let j = d.indexOf(LF, p);
    if (j < 0 || j - p >= MAX_SEPARATOR) {
      if (!eof || n - p >= MAX_SEPARATOR) return false;
      j = n;
    }
    let te = j;
    if (te > p && d[te - 1] === CR) te--;
    return separatorShape(latin1(d, p + 5, te));
  }

  private prefixOfFrom(d: Uint8Array, i: number, n: number): boolean {
    for (let k = 0; i + k < n; k++) if (d[i + k] !== FROM_[k]) return false;
    return true;
  }

  private isFrom(d: Uint8Array, i: number, n: number): boolean {
    if (n - i < 5) return false;
    for (let k = 0; k < 5; k++) if (d[i + k] !== FROM_[k]) return false;
    return true;
  }

  /**
   * Decides whether the `From ` line at `i` is a separator: returns the end
   * of the line (after its line ending) if it is, -2 if it is not, -1 if more
   * input is needed.
   */
  private separator(d: Uint8Array, i: number, n: number, eof: boolean): number {
    // A field line ("From :", "From  :") is a header, never a separator (the tokenizer agrees, §9.3).
    let w = i + 5;
    while (w < n && w - i < 1003 && (d[w] === 0x20 || d[w] === 0x09)) w++;
    if (w === n && !eof) return -1;
    if (w < n && d[w] === 0x3a && w - i - 4 <= 998) return -2;
    const lim = Math.min(n, i + MAX_SEPARATOR);
    const NL = this.nl;
    let j = d.indexOf(NL, i);
    if (j >= lim) j = -1;
    if (j < 0 && lim === n && !eof) return -1;
    // Longer than the look-ahead: never a separator for the auto rule; mboxo/mboxrd take every `From ` line.
    const auto = this.variant === 'auto' || (this.variant === 'mboxcl2' && !this.forced);
    if (j < 0 && lim < n) return auto ? -2 : n;
    const lineEnd = j < 0 ? n : j + 1;
    if (!auto) return lineEnd;
    const first = this.pos === 0 || (this.pos === 3 && !this.inMessage && this.bomBefore);
    if (first) return lineEnd;
    let te = j < 0 ? n : j;
    if (NL === LF && te > i && d[te - 1] === CR) te--;
    if (!separatorShape(latin1(d, i + 5, te))) return -2;
    if (this.inMessage ? this.gap !== null : this.prevBlank) return lineEnd;
    // No blank line before it: it is a separator only if a header field follows.
    const nl = Math.min(n, lineEnd + NEXT_LOOK);
    let k = lineEnd;
    while (k < nl && d[k] !== 0x3a && d[k] !== NL && d[k] > 0x20 && d[k] < 0x7f) k++;
    while (k < nl && (d[k] === 0x20 || d[k] === 0x09)) k++;
    if (k === n && !eof) return -1;
    return fieldStart(d, lineEnd, nl) ? lineEnd : -2;
  }

  /** The input began with a byte order mark (prefix); the line after it is the first line. */
  private bomBefore = false;
}
