/**
 * Cutting one large mbox into byte ranges that workers encode in parallel
 * (`MboxEncodeOptions.range`): each cut is at a `From ` line after a blank
 * line that the split rule (spec §18.2) takes as a separator wherever it is
 * read from, so the ranges' documents, concatenated, are the document of the
 * whole file byte for byte, whatever the cuts.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { separatorShape, type MboxVariant } from '../../mailbox/mbox-split.js';

export interface MboxRange {
  start: number;
  end: number;
  /** The blank line before `start` (the gap of its first message); null for the first range. */
  gap: Uint8Array | null;
}

const LF = 0x0a, CR = 0x0d;
const WINDOW = 1 << 20;

function read(fd: number, pos: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let k = 0;
  while (k < n) {
    const r = readSync(fd, b, k, n - k, pos + k);
    if (r === 0) break;
    k += r;
  }
  return b.subarray(0, k);
}

/** True if the `From ` line at b[i] is a separator for `variant` when a blank line is before it. */
function sure(b: Buffer, i: number, variant: MboxVariant): boolean {
  let w = i + 5;
  while (w < b.length && w - i < 1003 && (b[w] === 0x20 || b[w] === 0x09)) w++;
  if (w >= b.length) return false;
  if (b[w] === 0x3a && w - i - 4 <= 998) return false; // a field line "From :"
  const j = b.indexOf(LF, i);
  if (j < 0 || j - i + 1 > 4096) return false; // too long (or not in the window) to be sure
  if (variant !== 'auto') return true;
  const te = b[j - 1] === CR ? j - 1 : j;
  return separatorShape(b.toString('latin1', i + 5, te));
}

/**
 * Ranges of about `target` bytes covering the mbox at `path` (`size` bytes),
 * or one range when the file is small, CR-only, or has no sure cut.
 */
export function mboxRanges(path: string, size: number, variant: MboxVariant, target: number): MboxRange[] {
  const whole = [{ start: 0, end: size, gap: null }];
  // mboxcl2 splits by Content-Length (a body may hold any "From " line): not cut.
  if (size <= target || !(variant === 'auto' || variant === 'mboxo' || variant === 'mboxrd')) return whole;
  const fd = openSync(path, 'r');
  try {
    // A CR-only file (its first line ending a CR not followed by LF) is not cut.
    const head = read(fd, 0, 65536);
    const e = head.findIndex((c) => c === LF || c === CR);
    if (e >= 0 && head[e] === CR && head[e + 1] !== LF && e + 1 < head.length) return whole;
    const ranges: MboxRange[] = [];
    let start = 0, gap: Uint8Array | null = null;
    for (let at = target; at < size; ) {
      const base = Math.max(start, at - 3);
      const b = read(fd, base, WINDOW);
      let cut = false;
      for (let i = b.indexOf('\nFrom ', 2, 'latin1'); i >= 0; i = b.indexOf('\nFrom ', i + 1, 'latin1')) {
        const f = i + 1;
        const blankLf = b[i - 1] === LF;
        const blankCrLf = b[i - 1] === CR && b[i - 2] === LF;
        if (!(blankLf || blankCrLf) || !sure(b, f, variant)) continue;
        ranges.push({ start, end: base + f, gap });
        start = base + f;
        gap = blankLf ? new Uint8Array([LF]) : new Uint8Array([CR, LF]);
        cut = true;
        break;
      }
      // The next cut about `target` after this one; with none in the window, look after the window.
      if (cut) at = start + target;
      else if (b.length < WINDOW) break; // no sure cut before the end of the file
      else at = base + b.length - 4096; // the window's last line may be cut short: look again from before it
    }
    ranges.push({ start, end: size, gap });
    return ranges;
  } finally {
    closeSync(fd);
  }
}
