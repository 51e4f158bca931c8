/**
 * Node.js helpers: Node stream transforms and file conversion that never
 * leaves a partial output file behind. The core (`xmime`) needs none of this.
 *
 * @example
 * ```ts
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import { createEncodeStream } from 'xmime/node';
 * await pipeline(createReadStream('mail.eml'), createEncodeStream(), createWriteStream('mail.xml'));
 * ```
 * @module xmime/node
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decoder, type DecodeOptions, Encoder, type EncodeOptions } from '../api/codec.js';
import './host.js';
import { transform } from './transform.js';

/**
 * A Node `Transform`: MIME bytes in, XMIME out.
 *
 * @example
 * ```ts
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(createReadStream('a.eml'), createEncodeStream(), createWriteStream('a.xml'));
 * ```
 * @category Node
 */
export function createEncodeStream(options: EncodeOptions = {}): Transform {
  return transform((push) => new Encoder(push, options));
}

/**
 * A Node `Transform`: XMIME in, MIME bytes out; errors with an `XmimeError`.
 * @category Node
 */
export function createDecodeStream(options: DecodeOptions = {}): Transform {
  return transform((push) => new Decoder(push, options));
}

/**
 * An error writing the output file of {@link convertFile}: its message names
 * the output (never the temporary file) and says what went wrong; `cause` is
 * the system error.
 *
 * @example
 * ```ts
 * try {
 *   await convertFile('mail.eml', '/no/such/dir/mail.xml', createEncodeStream());
 * } catch (e) {
 *   if (e instanceof OutputError) console.error(e.message); // cannot write /no/such/dir/mail.xml: no such directory
 * }
 * ```
 * @category Node
 */
export class OutputError extends Error {
  /** The output path, as given. */
  readonly path: string;
  constructor(path: string, cause: NodeJS.ErrnoException) {
    super(`cannot write ${path}: ${reason(cause)}`, { cause });
    this.name = 'OutputError';
    this.path = path;
  }
}

function reason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
  }
}

/**
 * Streams `input` (a path, or "-" for standard input) through `stages` (one
 * codec, such as {@link createEncodeStream}, or several transforms in order)
 * to `output` (a path, or null for standard output). A file output is
 * written to a temporary file beside it and renamed only on success, so a
 * failure leaves no partial file; an output that cannot be written fails
 * with an {@link OutputError} before any input is read.
 *
 * @example
 * ```ts
 * await convertFile('mail.eml', 'mail.xml', createEncodeStream());
 * ```
 * @category Node
 */
export async function convertFile(input: string, output: string | null, ...stages: Transform[]): Promise<void> {
  if (stages.length === 0) throw new TypeError('convertFile(input, output, codec): a codec (a Transform) is needed');
  if (output === null) {
    const src: Readable = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: 1 << 16 });
    await pipeline([src, ...stages, process.stdout as Writable], { end: false });
    return;
  }
  if ((await stat(output).catch(() => null))?.isDirectory()) throw new OutputError(output, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fh: FileHandle;
  try {
    fh = await open(tmp, 'wx');
  } catch (e) {
    throw new OutputError(output, e as NodeJS.ErrnoException);
  }
  try {
    const src: Readable = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: 1 << 16 });
    await pipeline([src, ...stages, fh.createWriteStream()]);
    try {
      await rename(tmp, output);
    } catch (e) {
      throw new OutputError(output, e as NodeJS.ErrnoException);
    }
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  } finally {
    await fh.close().catch(() => {});
  }
}
