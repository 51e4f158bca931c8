/**
 * Line endings, the one fact about lines every stage shares.
 * @module
 */

/** A line terminator: none (end of data), LF, or CR LF. */
export const enum Eol {
  None = 0,
  Lf = 1,
  CrLf = 2,
}
