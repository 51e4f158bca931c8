/**
 * The mailbox commands of the CLI: `encode --mbox`, decoding `<mbox>`
 * documents, `verify --mbox` and `extract`.
 * @module
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { convertFile } from './index.js';
import { transform } from './transform.js';
import { verifyFileStreaming } from './verify-stream.js';
import { MailboxDecoder, MailboxReader, MboxEncoder, type MboxEncodeOptions } from '../mailbox/mbox-codec.js';
import { Output } from '../core/output.js';
import { XmlTokenizer } from '../decode/xml-tokenizer.js';
import type { MboxVariant } from '../mailbox/mbox-split.js';

/** A Node `Transform`: mbox bytes in, an `<mbox>` document out. */
export function createMboxEncodeStream(options: MboxEncodeOptions = {}): Transform {
  return transform((push) => new MboxEncoder(push, options));
}

/** A Node `Transform`: any XMIME document in (`<mbox>` or `<mime>`), its bytes out. */
export function createMailboxDecodeStream(): Transform {
  return transform((push) => new MailboxDecoder(push));
}

/** The local name of a document's root element, read from its first bytes ('' if not found there). */
export async function rootName(file: string): Promise<string> {
  if (file === '-') return '';
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, 4096, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    const m = /^(?:\uFEFF)?(?:<\?xml[^>]*\?>)?\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(head);
    return m?.[1] ?? '';
  } finally {
    await fh.close();
  }
}

export async function encodeMbox(input: string, output: string | null, options: MboxEncodeOptions): Promise<void> {
  await convertFile(input, output, createMboxEncodeStream(options));
}

/** Reads a file in 64 KiB chunks (or stdin for "-"). */
async function* chunks(file: string): AsyncGenerator<Uint8Array> {
  const src = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
  for await (const c of src) yield c as Uint8Array;
}

/**
 * Round-trips one mbox file streaming, in two chunkings that must agree, in
 * memory that does not grow with the file; returns a failure or null.
 */
export function verifyMboxFile(file: string, options: MboxEncodeOptions): Promise<string | null> {
  return verifyFileStreaming(
    file,
    (onChunk) => new MboxEncoder(onChunk, options),
    (onChunk) => new MailboxDecoder(onChunk),
  );
}

/** The Message-ID of a message's header section, without angle brackets, or null. */
export function messageId(msg: Uint8Array): string | null {
  const end = (() => {
    for (let i = 0; i < msg.length; i++) if (msg[i] === 0x0a && (msg[i + 1] === 0x0a || (msg[i + 1] === 0x0d && msg[i + 2] === 0x0a))) return i + 1;
    return msg.length;
  })();
  const head = Buffer.from(msg.subarray(0, end)).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id[ \t]*:[ \t]*<?([^>\r\n]*?)>?[ \t]*\r?$/im.exec(head);
  return m === null ? null : m[1].trim();
}

/**
 * The message of a mailbox document with this index (from 1) or Message-ID:
 * the bytes after its separator line, as the document holds them (spec §18.3).
 * Streams the document; holds one message at a time.
 */
export async function extractMessage(doc: string, pick: { index?: number; messageId?: string }): Promise<Uint8Array | null> {
  let found: Uint8Array | null = null;
  let cur: Output | null = null;
  const sink = new Output(() => {}, 1024);
  const want = pick.messageId?.replace(/^<|>$/g, '');
  let reader!: MailboxReader;
  const tok = new XmlTokenizer((report) => (reader = new MailboxReader(report, sink, {}, {
    begin: () => {
      cur = new Output(null, 4096);
      return cur;
    },
    end: (index) => {
      const all = cur!.take();
      const lf = all.indexOf(reader.crLines ? 0x0d : 0x0a);
      const msg = all.slice(lf < 0 ? all.length : lf + 1);
      if (found === null && (pick.index === index || (want !== undefined && messageId(msg) === want))) found = msg;
      cur = null;
    },
  })));
  for await (const c of chunks(doc)) {
    tok.push(c);
    if (found !== null) return found;
  }
  tok.end();
  if (!reader.isMailbox) throw new Error('not a mailbox document (its root is not <mbox>)');
  return found;
}

export type { MboxVariant };
