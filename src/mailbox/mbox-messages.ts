/**
 * Messages of an mbox one at a time, and the writer that puts messages back
 * into an mbox: for programs that index, migrate or convert mail.
 * @module
 */
import { Output } from '../core/output.js';
import { MboxSplitter, type MboxSplitBy, type MboxVariant } from './mbox-split.js';

/** One message of an mbox file. */
export interface MboxMessage {
  /** 1 for the first message. */
  index: number;
  /** Byte offset of its separator line in the file. */
  offset: number;
  /** The separator line as in the file, with its line ending (the `From ` line). */
  separator: Uint8Array;
  /** The blank line before the separator that the mbox writer added (LF or CR LF), or null. */
  gap: Uint8Array | null;
  /** The message as delivered: the bytes after the separator line, with the variant's quoting undone. */
  message: Uint8Array;
  /** Its bytes in the file, from the separator to the next gap or separator. */
  raw: Uint8Array;
  /** Byte offsets of lines that begin `From ` but were not taken as separators (evidence of a doubtful split). */
  kept: number[];
  /**
   * mboxcl2 (not the first message): how the boundary before it was found,
   * `length` (the previous message's Content-Length), `lf` (it, counting CR
   * LF as one byte) or `auto` (the auto rule: a doubtful boundary).
   */
  splitBy?: MboxSplitBy;
}

/** Options of {@link readMbox}. */
export interface ReadMboxOptions {
  /** The split rule (spec §18.2). Default `auto`. */
  variant?: MboxVariant;
  /** Receives the bytes before the first separator, if any. */
  onPrefix?: (bytes: Uint8Array) => void;
}

/** mboxrd quoting of message content (spec §18.2): a line of `>`* then `From ` gets one more `>`. */
export function quoteMboxrd(content: Uint8Array, out: Output, mboxo = false, nl = 0x0a): void {
  let start = true;
  for (let i = 0; i < content.length; i++) {
    if (start) {
      let j = i;
      if (!mboxo) while (j < content.length && content[j] === 0x3e) j++;
      if (j + 5 <= content.length && content[j] === 0x46 && content[j + 1] === 0x72 && content[j + 2] === 0x6f && content[j + 3] === 0x6d && content[j + 4] === 0x20) out.byte(0x3e);
    }
    const c = content[i];
    out.byte(c);
    start = c === nl;
  }
}

/**
 * Reads an mbox one message at a time. Memory holds one message, never the
 * file: a mailbox of any size can be read.
 *
 * @example
 * ```ts
 * for await (const m of readMbox(Readable.toWeb(createReadStream('inbox.mbox')))) {
 *   console.log(m.index, m.offset, m.message.length);
 * }
 * ```
 */
export async function* readMbox(input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array, options: ReadMboxOptions = {}): AsyncGenerator<MboxMessage> {
  const variant = options.variant ?? 'auto';
  const ready: MboxMessage[] = [];
  let cur: { m: MboxMessage; body: Output } | null = null;
  let prefix: Output | null = null;
  const finish = (): void => {
    if (cur === null) return;
    const all = cur.body.take();
    const lf = all.indexOf(split.nl);
    const sepLen = lf < 0 ? all.length : lf + 1;
    cur.m.separator = all.slice(0, sepLen);
    cur.m.message = all.slice(sepLen);
    if (variant === 'mboxrd') {
      const q = new Output(null, all.length + 64);
      q.bytes(all, 0, sepLen);
      quoteMboxrd(all.subarray(sepLen), q, false, split.nl);
      cur.m.raw = q.take();
    } else cur.m.raw = all;
    ready.push(cur.m);
    cur = null;
  };
  let index = 0;
  const split = new MboxSplitter(
    {
      prefix: (d, s, e) => (prefix ??= new Output(null, 1024)).bytes(d, s, e),
      start: (offset, gap, line, by) => {
        finish();
        if (prefix !== null && options.onPrefix) options.onPrefix(prefix.take());
        prefix = null;
        // The separator line may be longer than the splitter's look-ahead: `finish` re-reads it from the content.
        cur = { m: { index: ++index, offset, separator: line, gap, message: new Uint8Array(0), raw: new Uint8Array(0), kept: [], ...(by === undefined ? {} : { splitBy: by }) }, body: new Output(null, 4096) };
      },
      content: (d, s, e) => cur!.body.bytes(d, s, e),
      kept: (offset) => cur?.m.kept.push(offset),
      end: () => {
        finish();
        if (prefix !== null && options.onPrefix) options.onPrefix(prefix.take());
      },
    },
    variant,
  );
  if (input instanceof Uint8Array) {
    split.push(input);
    split.end();
    yield* ready;
    return;
  }
  const it: AsyncIterable<Uint8Array> = Symbol.asyncIterator in input ? (input as AsyncIterable<Uint8Array>) : streamIterable(input as ReadableStream<Uint8Array>);
  for await (const chunk of it) {
    split.push(chunk);
    while (ready.length > 0) yield ready.shift()!;
  }
  split.end();
  yield* ready;
}

async function* streamIterable(s: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const r = s.getReader();
  try {
    for (let x = await r.read(); !x.done; x = await r.read()) yield x.value;
  } finally {
    r.releaseLock();
  }
}

const enc = new TextEncoder();
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A separator line `From sender asctime` (UTC), without the line ending.
 *
 * @example
 * ```ts
 * separatorLine('a@b', new Date(Date.UTC(2024, 0, 1))); // "From a@b Mon Jan  1 00:00:00 2024"
 * ```
 */
export function separatorLine(sender = 'MAILER-DAEMON', date = new Date(0)): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const d = date;
  return `From ${sender} ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/**
 * Writes messages into an mbox: a separator line, the message with its
 * `From ` lines quoted (mboxrd by default, or mboxo), a final line ending if
 * it had none, and a blank line. {@link readMbox} with the same variant gives
 * back the messages.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const w = new MboxWriter((c) => parts.push(c));
 * w.add(new TextEncoder().encode('Subject: hi\n\nFrom here on\n'), 'From a@b Mon Jan  1 00:00:00 2024');
 * w.end(); // "From a@b …\nSubject: hi\n\n>From here on\n\n"
 * ```
 */
export class MboxWriter {
  private readonly out: Output;
  private readonly mboxo: boolean;

  constructor(onChunk: (mbox: Uint8Array) => void, options: { variant?: 'mboxrd' | 'mboxo' } = {}) {
    this.out = new Output(onChunk);
    this.mboxo = options.variant === 'mboxo';
  }

  /** Adds one message; `separator` is its `From ` line (without line ending), by default {@link separatorLine}(). */
  add(message: Uint8Array, separator: string | Uint8Array = separatorLine()): void {
    const out = this.out;
    const sep = typeof separator === 'string' ? enc.encode(separator) : separator;
    if (sep.length < 5 || sep[0] !== 0x46 || sep[1] !== 0x72 || sep[2] !== 0x6f || sep[3] !== 0x6d || sep[4] !== 0x20 || sep.includes(0x0a)) throw new RangeError('a separator is one line that begins "From "');
    const crlf = message.indexOf(0x0a) > 0 && message[message.indexOf(0x0a) - 1] === 0x0d;
    const nl = crlf ? '\r\n' : '\n';
    out.bytes(sep);
    out.ascii(nl);
    quoteMboxrd(message, out, this.mboxo);
    if (message.length > 0 && message[message.length - 1] !== 0x0a) out.ascii(nl);
    out.ascii(nl);
    out.flush(16384);
  }

  /** Hands on what is still buffered. */
  end(): void {
    this.out.flush();
  }
}
