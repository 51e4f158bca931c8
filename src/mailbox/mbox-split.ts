/**
 * The mbox splitter (spec §18.2): mbox bytes in, streaming, with a bounded
 * look-ahead; out come the bytes before the first separator, then each
 * message (its separator line first, `>From` quoting undone where the
 * variant says so), the blank line before each separator, and the blank
 * line at the end. Every input byte is accounted for exactly once.
 * @module
 */

/** The split and quoting rules (spec §18.2). */
export type MboxVariant = 'auto' | 'mboxo' | 'mboxrd';
export const MBOX_VARIANTS: readonly MboxVariant[] = ['auto', 'mboxo', 'mboxrd'];

/** What the splitter reports, in input order. */
export interface MboxEvents {
  /** Bytes before the first separator. */
  prefix(d: Uint8Array, s: number, e: number): void;
  /**
   * A separator starts a message at input `offset`. `gap` is the blank line
   * before it (LF or CR LF, 1 or 2 bytes) that the mbox writer added, or
   * null; `line` is the separator line with its line ending (null for none).
   */
  start(offset: number, gap: Uint8Array | null, line: Uint8Array): void;
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

  constructor(
    private readonly ev: MboxEvents,
    readonly variant: MboxVariant = 'auto',
  ) {}

  push(chunk: Uint8Array): void {
    if (this.carry.length === 0) this.run(chunk, false);
    else {
      const d = new Uint8Array(this.carry.length + chunk.length);
      d.set(this.carry);
      d.set(chunk, this.carry.length);
      this.run(d, false);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
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
            this.inMessage = true;
            ev.start(this.pos, gap, d.slice(i, lineEnd));
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
    if (j < 0 && lim < n) return this.variant === 'auto' ? -2 : n;
    const lineEnd = j < 0 ? n : j + 1;
    if (this.variant !== 'auto') return lineEnd;
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
