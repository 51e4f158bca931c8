/**
 * Line and column of a byte offset, for errors, in input that streams past:
 * counted lazily and only forward, over the bytes a streaming tokenizer
 * still holds (its input window), and skipping over text runs whose line
 * feeds the tokenizer already counted.
 * @module
 */
import { C } from '../core/chars.js';
import { type ErrorCode, XmimeError } from '../core/errors.js';
import { countByte, WordView } from '../core/scan.js';
import type { InputWindow } from '../core/window.js';
import { excerptAt } from '../core/excerpt.js';

export class Locator {
  private counted = 0;
  private line = 1;
  private col = 0;
  /** The last text run's span (absolute offsets) and its LF count, so counting lines need not scan it again. */
  runFrom = 0;
  runTo = 0;
  runLfs = 0;

  /** @param words the tokenizer's word view of the same buffers (one view, not one each). */
  constructor(
    private readonly w: InputWindow,
    private readonly words: WordView,
  ) {}

  /** Counts lines and columns up to absolute offset `to` (within the window, at or after what it still holds). */
  advance(to: number): void {
    if (to <= this.counted) return;
    const d = this.w.d, base = this.w.base;
    let i = Math.max(0, this.counted - base);
    const e = to - base;
    const a = this.runFrom - base, b = this.runTo - base;
    const lines = a >= i && b <= e && a < b
      ? countByte(d, i, a, C.LF, this.words) + this.runLfs + countByte(d, b, e, C.LF, this.words)
      : countByte(d, i, e, C.LF, this.words);
    if (lines > 0) {
      this.line += lines;
      this.col = 0;
      i = d.lastIndexOf(C.LF, e - 1) + 1;
    }
    for (; i < e; i++) if ((d[i] & 0xc0) !== 0x80) this.col++;
    this.counted = to;
  }

  /** The error for `code` at absolute offset `at`, with line, column and an excerpt (only called when failing). */
  error(code: ErrorCode, detail: string, at: number): XmimeError {
    const d = this.w.d, rel = Math.max(0, Math.min(at - this.w.base, d.length));
    // Counted on a copy: an error may be built and then dropped (a cut tag is read again), and counting only goes forward.
    const counted = this.counted, line0 = this.line, col0 = this.col;
    this.advance(this.w.base + rel);
    const line = this.line, col = this.col;
    this.counted = counted;
    this.line = line0;
    this.col = col0;
    return new XmimeError(code, detail, at, line, col + 1, excerptAt(d, rel));
  }
}
