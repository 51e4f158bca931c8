/**
 * The byte values the tokenizers and writers test for, by name.
 * @module
 */
export const enum C {
  TAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SP = 0x20,
  BANG = 0x21,
  DQ = 0x22,
  AMP = 0x26,
  SQ = 0x27,
  DASH = 0x2d,
  SLASH = 0x2f,
  COLON = 0x3a,
  SEMI = 0x3b,
  LT = 0x3c,
  EQ = 0x3d,
  GT = 0x3e,
  QM = 0x3f,
  RB = 0x5d,
}
