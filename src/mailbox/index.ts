/**
 * Mailboxes: mbox files as `<mbox>` documents, and their messages one at a time.
 * @module
 */
export {
  MboxEncoder,
  MboxPartEncoder,
  MailboxDecoder,
  MailboxReader,
  mboxToXml,
  mboxToXmlParts,
  xmlToMbox,
  type MboxEncodeOptions,
  type MboxPartOptions,
  type MboxPartSink,
  type MailboxDecodeOptions,
} from './mbox-codec.js';
export { readMbox, MboxWriter, separatorLine, type MboxMessage, type ReadMboxOptions } from './mbox-messages.js';
export { type MboxSplitBy, type MboxVariant, MBOX_VARIANTS, separatorShape } from './mbox-split.js';
export { parseMailbox } from './parse.js';
