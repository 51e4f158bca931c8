/**
 * Web Streams for mailboxes.
 * @module
 */
import type { DecodeOptions } from '../api/codec.js';
import { MailboxDecoder, MboxEncoder, type MboxEncodeOptions } from './mbox-codec.js';

/**
 * mbox bytes in, an `<mbox>` document (UTF-8) out, in constant memory.
 *
 * @example
 * ```ts
 * await Readable.toWeb(createReadStream('inbox.mbox'))
 *   .pipeThrough(new MboxToXmlStream())
 *   .pipeTo(Writable.toWeb(createWriteStream('inbox.xml')));
 * ```
 */
export class MboxToXmlStream extends TransformStream<Uint8Array, Uint8Array> {
  constructor(options: MboxEncodeOptions = {}) {
    let e: MboxEncoder;
    super({
      start: (c) => {
        e = new MboxEncoder((chunk) => c.enqueue(chunk), options);
      },
      transform: (chunk) => e.push(chunk),
      flush: () => e.end(),
    });
  }
}

/**
 * Any XMIME document in (`<mbox>` or `<mime>`, bytes or strings), its bytes
 * out: the mbox file, or the message.
 *
 * @example
 * ```ts
 * const mbox = await new Response(new Response(xml).body!.pipeThrough(new XmlToMailboxStream())).arrayBuffer();
 * ```
 */
export class XmlToMailboxStream extends TransformStream<Uint8Array | string, Uint8Array> {
  constructor(options: DecodeOptions = {}) {
    let d: MailboxDecoder;
    super({
      start: (c) => {
        d = new MailboxDecoder((chunk) => c.enqueue(chunk), options);
      },
      transform: (chunk) => d.push(chunk),
      flush: () => d.end(),
    });
  }
}
