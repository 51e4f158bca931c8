/**
 * The tree API over a mailbox: each message of an mbox as the
 * {@link XmimeMessage} a single message gives.
 * @module
 */
import { documentOrBytes } from '../api/guard.js';
import { XmimeMessage } from '../api/message.js';
import { parseTree } from '../tree/xml-tree.js';
import { mboxToXml, type MboxEncodeOptions, xmlToMbox } from './mbox-codec.js';

/**
 * Parses an mbox file (bytes) or a mailbox document (a string) into its
 * messages, each read like {@link parse} reads one. The whole document is
 * held in memory: for mailboxes of any size use `readMbox`.
 *
 * @example
 * ```ts
 * const msgs = parseMailbox(new TextEncoder().encode('From a@b Mon Jan  1 00:00:00 2024\nSubject: hi\n\nHello\n'));
 * msgs[0].headers.get('Subject'); // "hi"
 * ```
 */
export function parseMailbox(input: Uint8Array | string, options: MboxEncodeOptions = {}): XmimeMessage[] {
  input = documentOrBytes('parseMailbox', input, 'an mbox file', "the mbox file's bytes");
  // A document from elsewhere is checked by the decoder first, so its errors are XmimeErrors with a position.
  if (typeof input === 'string') xmlToMbox(input);
  const xml = typeof input === 'string' ? input : mboxToXml(input, options);
  const root = parseTree(xml).root;
  if (root.name !== 'mbox') throw new TypeError(`not a mailbox document: the root is <${root.name}>`);
  return root.kids
    .filter((k) => k.name === 'mime')
    .map((k) => {
      k.attrs.delete('gap'); // the mailbox's, not the message's: each message stands alone
      return new XmimeMessage(k);
    });
}
