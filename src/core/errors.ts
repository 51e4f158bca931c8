/**
 * Errors for XMIME that cannot be decoded. MIME → XMIME never fails: every
 * byte sequence is a valid input.
 * @module
 */

/**
 * Every error code, with its meaning. The codes are stable; the spec lists them.
 * @category Errors
 */
export const ERROR_CODES = {
  /** Malformed XML markup. */
  'xml-syntax': 'malformed XML markup',
  /** The input ended inside the document. */
  'xml-truncated': 'the input ended inside the document',
  /** The XML bytes are not valid UTF-8. */
  'xml-utf8': 'the XML bytes are not valid UTF-8',
  /** A character that XML 1.0 does not allow. */
  'xml-char': 'a character that XML 1.0 does not allow',
  /** A character reference to a character that XML 1.0 does not allow, or a malformed one. */
  'xml-char-ref': 'a character reference to a character that XML 1.0 does not allow, or a malformed one',
  /** An entity reference other than the five predefined ones. */
  'xml-entity': 'an entity reference other than the five predefined ones',
  /** A document type declaration (restricted XML forbids it). */
  'xml-dtd': 'a document type declaration (restricted XML forbids it)',
  /** A comment (restricted XML forbids it). */
  'xml-comment': 'a comment (restricted XML forbids it)',
  /** A processing instruction (restricted XML forbids it). */
  'xml-pi': 'a processing instruction (restricted XML forbids it)',
  /** An encoding other than UTF-8 (declared, or by a byte order mark). */
  'xml-encoding': 'an encoding other than UTF-8 (declared, or by a byte order mark)',
  /** An XML version other than 1.0. */
  'xml-version': 'an XML version other than 1.0',
  /** An end tag that does not match the open element. */
  'xml-mismatch': 'an end tag that does not match the open element',
  /** An attribute given twice. */
  'xml-duplicate-attribute': 'an attribute given twice',
  /** An undeclared prefix or an illegal namespace declaration. */
  'xml-namespace': 'an undeclared prefix or an illegal namespace declaration',
  /** Content after the root element. */
  'xml-trailing': 'content after the root element',
  /** Elements nested deeper than the maxDepth limit. */
  'limit-depth': 'elements nested deeper than the maxDepth limit',
  /** A tag longer than the maxTagBytes limit. */
  'limit-tag': 'a tag longer than the maxTagBytes limit',
  /** A <text> element longer than the maxTextBytes limit. */
  'limit-text': 'a <text> element longer than the maxTextBytes limit',
  /** An element outside the XMIME namespace. */
  'xmime-namespace': 'an element outside the XMIME namespace',
  /** An element that XMIME does not define. */
  'xmime-element': 'an element that XMIME does not define',
  /** An XMIME element where it may not appear. */
  'xmime-placement': 'an XMIME element where it may not appear',
  /** An attribute that the element does not have. */
  'xmime-attribute': 'an attribute that the element does not have',
  /** An attribute value outside its allowed form. */
  'xmime-attribute-value': 'an attribute value outside its allowed form',
  /** A required attribute is missing. */
  'xmime-missing-attribute': 'a required attribute is missing',
  /** Text in an element that holds only elements. */
  'xmime-text': 'text in an element that holds only elements',
  /** A character of a <text> element that its charset cannot encode. */
  'xmime-charset': 'a character of a <text> element that its charset cannot encode',
  /** A header view that does not fit its field, or has no wire form. */
  'xmime-view': 'a header view that does not fit its field, or has no wire form',
  /** An <attachment> whose content is not base64 (compose). */
  'xmime-base64': 'an <attachment> whose content is not base64 (compose)',
  /** Minimal XMIME that compose cannot turn into MIME. */
  'xmime-author': 'minimal XMIME that compose cannot turn into MIME',
  /** An <external> body, but no resolver (decode with toMimeAsync). */
  'external-unresolved': 'an <external> body, but no resolver (decode with toMimeAsync)',
  /** An <external> URI whose scheme the decoder does not accept. */
  'external-scheme': 'an <external> URI whose scheme the decoder does not accept',
  /** The resolver failed to fetch an <external> body. */
  'external-resolve': 'the resolver failed to fetch an <external> body',
  /** The bytes of an <external> body do not have its size. */
  'external-size': 'the bytes of an <external> body do not have its size',
  /** The bytes of an <external> body do not have its SHA-256. */
  'external-hash': 'the bytes of an <external> body do not have its SHA-256',
  /** An <external> body larger than the maxExternalBytes limit. */
  'limit-external': 'an <external> body larger than the maxExternalBytes limit',
  /** A tree document names a file that may not be created. */
  'tree-name': 'a tree document names a file that may not be created: empty, ".", "..", with "/" or NUL, or too long',
  /** A name given twice in one directory of a tree document, or two names that are one file on the target. */
  'tree-duplicate': 'a name given twice in one directory of a tree document, or two names that are one file on the target (case, Unicode normalisation)',
  /** The target of a tree is not a new or empty directory. */
  'tree-target': 'the target of a tree is not a new or empty directory (or is a symbolic link)',
  /** A symbolic link, or a file that is neither a regular file nor a directory, in a tree to encode. */
  'tree-symlink': 'a symbolic link, or a file that is not a regular file or directory, in a tree to encode',
  /** An `<external>` URI of an accepted scheme that does not name a body in the attachment store (spec §18.7). */
  'external-store': 'an <external> URI that does not name a body in the attachment store',
  /** Archive conversion: an input that cannot be read, or is not a regular file or directory (spec §18.7). */
  'input-read': 'an input file or directory that cannot be read',
  /** Archive conversion: an output that cannot be written (spec §18.7). */
  'output-write': 'an output that cannot be written',
} as const;

/**
 * One of the stable error codes, the keys of {@link ERROR_CODES}.
 * @category Errors
 */
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
 * @category Errors
 */
export class XmimeError extends Error {
  /** Always `'XmimeError'`. */
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
