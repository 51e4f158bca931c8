/**
 * Errors for XMIME that cannot be decoded. MIME → XMIME never fails: every
 * byte sequence is a valid input.
 * @module
 */

/** Every error code, with its meaning. The codes are stable; the spec lists them. */
export const ERROR_CODES = {
  'xml-syntax': 'malformed XML markup',
  'xml-truncated': 'the input ended inside the document',
  'xml-utf8': 'the XML bytes are not valid UTF-8',
  'xml-char': 'a character that XML 1.0 does not allow',
  'xml-char-ref': 'a character reference to a character that XML 1.0 does not allow, or a malformed one',
  'xml-entity': 'an entity reference other than the five predefined ones',
  'xml-dtd': 'a document type declaration (restricted XML forbids it)',
  'xml-comment': 'a comment (restricted XML forbids it)',
  'xml-pi': 'a processing instruction (restricted XML forbids it)',
  'xml-encoding': 'an encoding other than UTF-8 (declared, or by a byte order mark)',
  'xml-version': 'an XML version other than 1.0',
  'xml-mismatch': 'an end tag that does not match the open element',
  'xml-duplicate-attribute': 'an attribute given twice',
  'xml-namespace': 'an undeclared prefix or an illegal namespace declaration',
  'xml-trailing': 'content after the root element',
  'limit-depth': 'elements nested deeper than the maxDepth limit',
  'limit-tag': 'a tag longer than the maxTagBytes limit',
  'limit-text': 'a <text> element longer than the maxTextBytes limit',
  'xmime-namespace': 'an element outside the XMIME namespace',
  'xmime-element': 'an element that XMIME does not define',
  'xmime-placement': 'an XMIME element where it may not appear',
  'xmime-attribute': 'an attribute that the element does not have',
  'xmime-attribute-value': 'an attribute value outside its allowed form',
  'xmime-missing-attribute': 'a required attribute is missing',
  'xmime-text': 'text in an element that holds only elements',
  'xmime-charset': 'a character of a <text> element that its charset cannot encode',
  'xmime-view': 'a header view that does not fit its field, or has no wire form',
  'xmime-base64': 'an <attachment> whose content is not base64 (compose)',
  'xmime-author': 'minimal XMIME that compose cannot turn into MIME',
  'external-unresolved': 'an <external> body, but no resolver (decode with toMimeAsync)',
  'external-scheme': 'an <external> URI whose scheme the decoder does not accept',
  'external-resolve': 'the resolver failed to fetch an <external> body',
  'external-size': 'the bytes of an <external> body do not have its size',
  'external-hash': 'the bytes of an <external> body do not have its SHA-256',
  'limit-external': 'an <external> body larger than the maxExternalBytes limit',
  'tree-name': 'a tree document names a file that may not be created: empty, ".", "..", with "/" or NUL, or too long',
  'tree-duplicate': 'a name given twice in one directory of a tree document, or two names that are one file on the target (case, Unicode normalisation)',
  'tree-target': 'the target of a tree is not a new or empty directory (or is a symbolic link)',
  'tree-symlink': 'a symbolic link, or a file that is not a regular file or directory, in a tree to encode',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Thrown when XMIME cannot be decoded.
 *
 * @example
 * ```ts
 * try {
 *   toMime('<mime xmlns="urn:xmpp:xmime:0"><body>x</mime>');
 * } catch (e) {
 *   if (e instanceof XmimeError) console.log(e.code, e.line, e.column); // xml-mismatch 1 39
 * }
 * ```
 */
export class XmimeError extends Error {
  override readonly name = 'XmimeError';

  constructor(
    /** A stable code from {@link ERROR_CODES}. */
    readonly code: ErrorCode,
    /** What went wrong, in words. */
    readonly detail: string,
    /** Byte offset in the UTF-8 input (0-based). */
    readonly offset: number,
    /** Line (1-based; lines end at LF). */
    readonly line: number,
    /** Column in characters (1-based). */
    readonly column: number,
    /** The input around the error, with control characters made visible. */
    readonly excerpt: string,
  ) {
    super(`${code} at ${line}:${column}: ${detail}`);
  }
}
