/**
 * xmime: lossless MIME ⇄ XML (XMIME, namespace `urn:xmpp:xmime:0`).
 *
 * `toMime(toXml(bytes))` returns `bytes` exactly, for any bytes. Both
 * directions also stream, chunk by chunk, in bounded memory. This entry
 * runs in browsers and any JavaScript host; under Node, `import 'xmime'`
 * gives the same API with Node's faster byte search installed.
 *
 * @example
 * ```ts
 * import { toXml, toMime } from 'xmime';
 * const eml = new TextEncoder().encode('Subject: hi\r\n\r\nHello\r\n');
 * const back = toMime(toXml(eml)); // the same bytes
 * ```
 * @module xmime
 */
// The multi-byte charsets (their code; their indexes come from a host decoder that passes the
// standard's hash, else from 'xmime/charsets'): a document from any platform decodes here too.
import './views/charset-multibyte.js';

export { toXml, toMime, Encoder, Decoder, type EncodeOptions, type DecodeOptions } from './api/codec.js';
export { MimeToXmlStream, XmlToMimeStream } from './api/streams.js';
export { XmimeError, ERROR_CODES, type ErrorCode } from './core/errors.js';
export { NS } from './xmime/events.js';
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_HEADER_BYTES, type EncodeLimits } from './encode/mime-tokenizer.js';
export { DEFAULT_XML_MAX_DEPTH, DEFAULT_MAX_TAG_BYTES, type DecodeLimits } from './decode/xml-tokenizer.js';
export * from './api/embed.js';
export {
  toXmlAsync,
  toMimeAsync,
  sha256Hex,
  DEFAULT_SCHEMES,
  DEFAULT_MAX_EXTERNAL_BYTES,
  RESOLVE_CONCURRENCY,
  type ExternalRef,
  type Uploader,
  type Resolver,
  type ExternalEncodeOptions,
  type ExternalDecodeOptions,
} from './api/external.js';
export { compose, type ComposeOptions } from './api/compose.js';
export { headerView, renderHeader, viewKind, type HeaderView, type Mailbox, type Group, type MediaParam } from './views/header-views.js';
export type { ReadableStats } from './encode/readable-stage.js';
export { parse, XmimeMessage, XmimeEntity, XmimeHeaders, type Attachment } from './api/message.js';
export {
  MboxEncoder,
  MboxPartEncoder,
  MailboxDecoder,
  mboxToXml,
  mboxToXmlParts,
  xmlToMbox,
  readMbox,
  MboxWriter,
  separatorLine,
  parseMailbox,
  MBOX_VARIANTS,
  type MboxEncodeOptions,
  type MboxPartOptions,
  type MboxPartSink,
  type MboxMessage,
  type ReadMboxOptions,
  type MboxVariant,
  type MboxSplitBy,
  type MailboxDecodeOptions,
} from './mailbox/index.js';
export { MboxToXmlStream, XmlToMailboxStream } from './mailbox/streams.js';
