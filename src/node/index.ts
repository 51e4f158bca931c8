/**
 * Node.js helpers: Node stream transforms and file conversion that never
 * leaves a partial output file behind. The core (`xmime`) needs none of this.
 * @module
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decoder, type DecodeOptions, Encoder, type EncodeOptions } from '../api/codec.js';
import './host.js';

function transform(make: (push: (c: Uint8Array) => void) => { push(c: Uint8Array | string): void; end(): void }): Transform {
  let codec: ReturnType<typeof make>;
  return new Transform({
    construct(cb) {
      codec = make((c) => this.push(c));
      cb();
    },
    transform(chunk: Buffer, _enc, cb) {
      try {
        codec.push(chunk);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        codec.end();
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/**
 * A Node `Transform`: MIME bytes in, XMIME out.
 *
 * @example
 * ```ts
 * await pipeline(createReadStream('a.eml'), createEncodeStream(), createWriteStream('a.xml'));
 * ```
 */
export function createEncodeStream(options: EncodeOptions = {}): Transform {
  return transform((push) => new Encoder(push, options));
}

/** A Node `Transform`: XMIME in, MIME bytes out; errors with an `XmimeError`. */
export function createDecodeStream(options: DecodeOptions = {}): Transform {
  return transform((push) => new Decoder(push, options));
}

/**
 * Streams `input` (a path, or "-" for stdin) through `codec` to `output`
 * (a path, or null for stdout). A file output is written to a temporary
 * name and renamed only on success.
 */
export async function convertFile(input: string, output: string | null, codec: Transform): Promise<void> {
  const src: Readable = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: 1 << 16 });
  if (output === null) {
    await pipeline(src, codec, process.stdout as Writable, { end: false });
    return;
  }
  const tmp = `${output}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await pipeline(src, codec, createWriteStream(tmp));
    await rename(tmp, output);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}
