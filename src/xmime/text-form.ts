/**
 * How the decoded text of `<text>` turns back into the body's bytes (spec §7.4):
 * the parameters the text-form attributes carry.
 * @module
 */
import type { Eol } from '../core/eol.js';

/** Soft breaks are listed explicitly (`breaks`) only up to this many. */
export const MAX_BREAKS = 4096;
/** The default `line` of quoted-printable and of base64 text. */
export const QP_LINE = 76;
export const B64_LINE = 76;

/** How decoded text turns back into the body's bytes (the attributes of `<text>`). */
export interface TextForm {
  /** MIME charset label (WHATWG Encoding Standard labels); "utf-8" by default. */
  charset: string;
  transfer: 'identity' | 'quoted-printable' | 'base64';
  qp: QpParams | null;
  b64: B64Params | null;
  /** The line ending that "\n" in the text stands for. */
  eol: Eol;
  /** UTF-7 only: RFC 2152's optional direct characters are written as themselves (`direct="optional"`). */
  utf7Direct?: boolean;
}

/** How a quoted-printable body was written (spec §7.4). */
export interface QpParams {
  /** Longest encoded line, counting the "=" of a soft line break. */
  line: number;
  /** Hexadecimal digits in lower case. */
  lower: boolean;
  /** Printable ASCII characters (and SP, TAB) encoded wherever they occur, although they need not be. */
  always: string;
  /** Characters encoded when they start a line ("." and "-" guard against SMTP dot-stuffing and delimiters). */
  start: string;
  /** White space at the end of a line is left as it is instead of being encoded. */
  rawTrailing: boolean;
  /** White space just before a soft break is encoded too (with explicit `breaks` only). */
  softSpace: boolean;
  /** A soft break goes after the last white space that fits, not after the last character that fits. */
  word: boolean;
  /** The last character of a line may take the last column (else every line leaves room for "="). */
  fill: boolean;
  /**
   * Where the soft breaks go, when no rule above places them as the body
   * has them: the number of decoded bytes before each, counted from the
   * previous soft break or the start. Overrides `line`, `word` and `fill`.
   */
  breaks: number[] | null;
}

export interface B64Params {
  /** Characters per line (a multiple of 4); the last line may be shorter. */
  line: number;
  /** The last line has a line ending. */
  end: boolean;
  /** Empty lines after the last line. */
  blank: number;
}
