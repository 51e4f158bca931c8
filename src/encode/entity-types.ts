/**
 * What the encoder's stages ask of a body's type. The MIME tokenizer reads an
 * entity's Content-Type and Content-Transfer-Encoding once, for its own
 * structure, and hands what it read on with the Body event (`Attrs.body`);
 * stages that decide something per body (readable text, out-of-band bodies)
 * read it from there instead of parsing the fields again.
 * @module
 */
import type { BodyType } from '../xmime/events.js';

/** The body is text: its type is text/* or unparseable (RFC 2045 §5.2), or it has none and is not in a digest. */
export function isTextBody(t: BodyType): boolean {
  return t.type === null ? !t.inDigest : t.type === '' || t.type.startsWith('text/');
}

/** The body's media type, with the RFC 2045/2046 defaults; '' if unparseable. */
export function mediaTypeOf(t: BodyType): string {
  return t.type ?? (t.inDigest ? 'message/rfc822' : 'text/plain');
}
