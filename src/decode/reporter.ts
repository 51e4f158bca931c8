/**
 * How the stages after the XML tokenizer locate what they report: the
 * tokenizer knows where in the input each token is, and builds the error
 * (code, line, column, offset, excerpt) for them.
 * @module
 */
import type { ErrorCode, XmimeError } from '../core/errors.js';

export interface Reporter {
  /** Absolute offset of the tag being handled (the start or end tag just read). */
  here(): number;
  /** Absolute offset of `d[i]`, where `d` is a text piece being handed on (or, inside a reference, of the reference). */
  offsetOf(d: Uint8Array, i: number): number;
  /** The error for `code` at absolute offset `at`, with its line, column and excerpt. */
  error(code: ErrorCode, detail: string, at: number): XmimeError;
  /** Throws {@link error}. */
  fail(code: ErrorCode, detail: string, at: number): never;
}
