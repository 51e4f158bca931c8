/**
 * Web Streams wrappers (Node ≥ 20 and browsers).
 * @module
 */
import { Decoder, type DecodeOptions, Encoder, type EncodeOptions } from './codec.js';
import { mimeChunk, xmlInput } from './guard.js';

/**
 * MIME bytes in, XMIME (UTF-8 bytes) out.
 *
 * @example
 * ```ts
 * // Node: file to file in constant memory.
 * import { createWriteStream, openAsBlob } from 'node:fs';
 * import { Writable } from 'node:stream';
 * await (await openAsBlob('mail.eml')).stream()
 *   .pipeThrough(new MimeToXmlStream())
 *   .pipeTo(Writable.toWeb(createWriteStream('mail.xml')));
 * ```
 * @category Streams
 */
export class MimeToXmlStream extends TransformStream<Uint8Array, Uint8Array> {
  constructor(options: EncodeOptions = {}) {
    let enc: Encoder;
    super({
      start: (c) => {
        enc = new Encoder((chunk) => c.enqueue(chunk), options);
      },
      transform: (chunk) => enc.push(mimeChunk('MimeToXmlStream', chunk)),
      flush: () => enc.end(),
    });
  }
}

/**
 * XMIME (UTF-8 bytes or strings) in, MIME bytes out. The stream errors with
 * an {@link XmimeError} if the input is not XMIME.
 *
 * @example
 * ```ts
 * const chunks: Uint8Array[] = [];
 * const reader = new Response(xmlText).body!.pipeThrough(new XmlToMimeStream()).getReader();
 * for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
 * // A reader rejects with the XmimeError itself. (Collecting with
 * // `new Response(stream).arrayBuffer()` would do too, but browsers then
 * // reject with a generic TypeError instead of the XmimeError.)
 * ```
 * @category Streams
 */
export class XmlToMimeStream extends TransformStream<Uint8Array | string, Uint8Array> {
  constructor(options: DecodeOptions = {}) {
    let dec: Decoder;
    super({
      start: (c) => {
        dec = new Decoder((chunk) => c.enqueue(chunk), options);
      },
      transform: (chunk) => dec.push(xmlInput('XmlToMimeStream', chunk)),
      flush: () => dec.end(),
    });
  }
}
