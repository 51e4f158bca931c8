/**
 * Mailboxes: mbox files as `<mbox>` documents, and their messages one at a time.
 * @module
 */
export { MboxEncoder, MailboxDecoder, MailboxReader, mboxToXml, xmlToMbox, type MboxEncodeOptions } from './mbox-codec.js';
export { readMbox, MboxWriter, separatorLine, type MboxMessage, type ReadMboxOptions } from './mbox-messages.js';
export { type MboxVariant, MBOX_VARIANTS, separatorShape } from './mbox-split.js';
export { parseMailbox } from './parse.js';
