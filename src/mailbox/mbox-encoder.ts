/**
 * Mailbox documents (spec §18): an mbox file to `<mbox>`, one `<mime>` per
 * message, each exactly the element a single message gets. The encoder
 * drives one single-message {@link Encoder} per message.
 * @module
 */
import { encoderInto, type EncodeOptions } from '../api/codec.js';
import { mimeBytes, mimeChunk } from '../api/guard.js';
import type { MimeTokenizer } from '../encode/mime-tokenizer.js';
import { Output } from '../core/output.js';
import { NS, type Sink } from '../xmime/events.js';
import { MboxSplitter, type MboxVariant, MBOX_VARIANTS } from './mbox-split.js';
import { writeLeaf } from './leaf.js';

/** Options of mbox → XMIME: the single-message options, and the split rule. */
export interface MboxEncodeOptions extends EncodeOptions {
  /** How the file is split and whether `>From` quoting is undone (spec §18.2). Default `auto`. */
  variant?: MboxVariant;
  /** @internal A stage in front of each message's encoder (archive conversion: manifest facts, attachment store); `offset` is its separator's. */
  front?: (next: Sink, offset: number) => Sink;
  /** @internal Receives the offset of each `From ` line that was not taken as a separator. */
  onKept?: (offset: number) => void;
  /**
   * @internal A byte range of a larger mbox that begins at a separator (archive conversion
   * encodes ranges in parallel): `head` false writes no root start tag and takes `gap` (the
   * blank line before the range) as its first message's gap; `foot` false writes no tail and
   * no end tag, and leaves the final blank line in {@link MboxEncoder.rangeTail}.
   */
  range?: { head: boolean; foot: boolean; gap: Uint8Array | null };
}

/** Options of {@link MboxPartEncoder}: those of one document, and the size of a part. */
export interface MboxPartOptions extends MboxEncodeOptions {
  /** The largest part in bytes of XML (spec §18.6); only a part holding one message (or the prefix) alone may be larger. */
  maxSize: number;
  /**
   * How much of a message's XML is held back while deciding whether it fits
   * in the current part (default 16 MiB): memory grows with this, never with
   * the mailbox. A message whose XML is larger starts a new part.
   */
  holdBytes?: number;
}

/** Where {@link MboxPartEncoder} writes: one document after another. */
export interface MboxPartSink {
  /** Part `part` (1, 2, …) begins; its chunks follow. */
  begin(part: number): void;
  /** The next bytes of the current part (UTF-8 XML). */
  chunk(xml: Uint8Array): void;
  /** The current part is complete. */
  end(part: number): void;
}

/** Room kept in a part for what may still close it: a gap as `<tail>`, `</mbox>`, a `gap` attribute. */
const PART_RESERVE = 64;
const DEFAULT_HOLD = 16 * 1024 * 1024;

const FLUSH_AT = 16384;
const enc = new TextEncoder();
const GT = 0x3e;

/**
 * Push-style mbox → XMIME encoder: mbox bytes in, one `<mbox>` document
 * (UTF-8) out through `onChunk`, in memory that does not grow with the file.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const e = new MboxEncoder((c) => parts.push(c));
 * e.push(new TextEncoder().encode('From a@b Mon Jan  1 00:00:00 2024\nSubject: hi\n\nHello\n\n'));
 * e.end();
 * ```
 */
export class MboxEncoder {
  private readonly out: Output;
  private readonly split: MboxSplitter;
  private inPrefix = false;
  private readonly gt = { b1: 0, b2: 0 };
  private pending: Uint8Array | null = null;
  private msg: MimeTokenizer | null = null;
  /** Where every message's encoder writes (one buffer for all: a mailbox of many messages allocates none per message). */
  private readonly msgOut = new Output((c) => this.messageXml(c), 65536, false);
  /** The start tag of the current message's `<mime>`, until it is complete. */
  private head: Uint8Array[] | null = null;
  private gapAttr = '';
  /** mboxcl2: how the boundary before the current message was found, as an attribute (none: by Content-Length). */
  private splitAttr = '';
  /** Messages seen so far. */
  count = 0;

  // Parts (spec §18.6): null when writing one document.
  private readonly sink: MboxPartSink | null;
  private readonly maxSize: number;
  private readonly hold: number;
  /** The current part's number; bytes of it already handed on; whether it holds a prefix or a message. */
  part = 0;
  private flushed = 0;
  private partFull = false;
  /** The current message's XML, held back until it is known to fit (its start tag without `gap`, then the rest). */
  private held: Uint8Array[] | null = null;
  private heldTag = '';
  private heldBytes = 0;
  private gapBytes: Uint8Array | null = null;

  /** @internal Use {@link MboxPartEncoder} for parts. */
  constructor(onChunk: (xml: Uint8Array) => void, options?: MboxEncodeOptions);
  constructor(onChunk: (xml: Uint8Array) => void, options: MboxEncodeOptions, parts: { sink: MboxPartSink; maxSize: number; hold: number });
  constructor(
    onChunk: (xml: Uint8Array) => void,
    private readonly options: MboxEncodeOptions = {},
    parts?: { sink: MboxPartSink; maxSize: number; hold: number },
  ) {
    this.sink = parts?.sink ?? null;
    this.maxSize = parts?.maxSize ?? 0;
    this.hold = parts?.hold ?? 0;
    this.out = new Output(
      parts === undefined
        ? onChunk
        : (c) => {
            this.flushed += c.length;
            parts.sink.chunk(c);
          },
    );
    const variant = options.variant ?? 'auto';
    if (!MBOX_VARIANTS.includes(variant)) throw new RangeError(`unknown mbox variant "${variant}"`);
    this.split = new MboxSplitter(
      {
        prefix: (d, s, e) => {
          this.begin();
          this.prefix(d, s, e, false);
        },
        start: (at, gap, _line, by) => {
          this.begin();
          this.start(gap, at, by === 'auto' ? ' split="auto"' : by === 'lf' ? ' split="lf"' : '');
        },
        content: (d, s, e) => {
          this.msg!.push(this.split.nl === 0x0d ? swapCrLf(new Uint8Array(d.subarray(s, e))) /* a copy: a Buffer's slice is a view */ : d.subarray(s, e));
          this.msgOut.flush(FLUSH_AT);
        },
        end: (tail) => {
          this.begin();
          this.finish(tail);
        },
        kept: options.onKept,
      },
      variant,
    );
    this.variant = variant;
  }

  private readonly variant: string;
  private begun = false;

  /** The root start tag, once the splitter knows the line ending (the first event comes after that). */
  private begin(): void {
    if (this.begun) return;
    this.begun = true;
    if (this.options.range?.head === false) return; // a range that continues a mailbox
    this.rootTag();
  }

  private rootTag(): void {
    const v = this.variant === 'auto' ? '' : ` variant="${this.variant}"`;
    if (this.sink !== null) {
      this.part++;
      this.flushed = 0;
      this.partFull = false;
      this.sink.begin(this.part);
    }
    const p = this.sink === null ? '' : ` part="${this.part}"`;
    this.out.ascii(`<mbox xmlns="${NS}"${v}${this.split.nl === 0x0d ? ' lines="cr"' : ''}${p}>\n`);
  }

  /** Closes the current part, the gap before the next message as its `<tail>`, and opens the next. */
  private nextPart(gap: Uint8Array | null): void {
    this.writeTail(gap);
    this.out.ascii('</mbox>\n');
    this.out.flush();
    this.sink!.end(this.part);
    this.rootTag();
  }

  /** Bytes the current part may still take. */
  private room(): number {
    return this.maxSize - this.flushed - this.out.n - PART_RESERVE;
  }

  /**
   * Parts: decides where the held message goes. `done` says the message is
   * complete (it fits: it stays). Otherwise it is moved to a new part if it
   * no longer fits or is too large to hold, unless the part is empty.
   */
  private place(done: boolean): void {
    const size = this.heldTag.length + 11 + this.splitAttr.length + this.heldBytes;
    if (!done && size <= this.room() && this.heldBytes <= this.hold) return;
    const move = !done && this.partFull;
    if (move) this.nextPart(this.gapBytes);
    this.out.bytes(enc.encode(move ? this.heldTag + this.splitAttr : this.withGap(this.heldTag)));
    for (const h of this.held!) this.out.bytes(h);
    this.held = null;
    this.heldBytes = 0;
    this.partFull = true;
  }

  /** Feeds the next bytes of the mbox file. */
  push(mbox: Uint8Array): void {
    this.split.push(mimeChunk('MboxEncoder.push', mbox, 'an mbox file'));
    this.out.flush(FLUSH_AT);
  }

  /** The file is complete: writes the rest of the document. */
  end(): void {
    this.split.end();
    this.out.flush();
  }

  private prefix(d: Uint8Array, s: number, e: number, last: boolean): void {
    const out = this.out;
    if (!this.inPrefix) {
      out.ascii('<prefix>');
      this.inPrefix = true;
    }
    if (this.pending !== null) {
      const p = this.pending;
      this.pending = null;
      const q = new Uint8Array(p.length + e - s);
      q.set(p);
      q.set(d.subarray(s, e), p.length);
      d = q;
      s = 0;
      e = q.length;
    }
    const stop = writeLeaf(out, d, s, e, last, this.gt);
    if (stop < e) this.pending = d.slice(stop, e);
    this.partFull = true;
  }

  private closePrefix(): void {
    if (!this.inPrefix) return;
    if (this.pending !== null) this.prefix(new Uint8Array(0), 0, 0, true);
    this.out.ascii('</prefix>\n');
    this.inPrefix = false;
  }

  private endMessage(): void {
    if (this.msg === null) return;
    this.msg.end();
    this.msgOut.flush();
    this.msg = null;
    if (this.held !== null) this.place(true);
  }

  private start(gap: Uint8Array | null, at: number, split = ''): void {
    this.closePrefix();
    this.endMessage();
    this.splitAttr = split;
    // The blank line before the separator: default, one with the message's own line ending (spec §18.3).
    // In a CR-only file the gap is a CR, or none.
    const range = this.options.range;
    if (this.count === 0 && range !== undefined && !range.head) {
      gap = range.gap; // the range continues a mailbox: its first message is not the first
      this.count = 1;
    }
    this.gapAttr = this.count === 0 ? '' : gap === null ? 'none' : this.split.nl === 0x0d ? '' : gap.length === 1 ? 'lf' : 'crlf';
    this.count++;
    this.head = [];
    this.gapBytes = gap;
    if (this.sink !== null) {
      this.held = [];
      this.heldBytes = 0;
    }
    const front = this.options.front;
    this.msg = encoderInto(this.msgOut, this.options, front === undefined ? undefined : (next) => front(next, at));
  }

  /** The `gap` attribute added to a message's start tag (none when it is the default). */
  private withGap(tag: string): string {
    const lf = tag.includes(' eol="lf"');
    let g = this.gapAttr;
    if ((g === 'lf' && lf) || (g === 'crlf' && !lf)) g = ''; // the default: the message's own line ending
    return (g === '' ? tag : `${tag} gap="${g}"`) + this.splitAttr;
  }

  /** Message XML: the start tag gets the mailbox attributes, the rest is copied. */
  private messageXml(c: Uint8Array): void {
    if (this.head === null) {
      if (this.held === null) return this.out.bytes(c);
      this.held.push(c.slice()); // c is a view of a reused buffer
      this.heldBytes += c.length;
      return this.place(false);
    }
    const gt = c.indexOf(GT);
    this.head.push(gt < 0 ? c.slice() : c.subarray(0, gt)); // c is a view of a reused buffer
    if (gt < 0) return;
    const tag = new TextDecoder().decode(concatBytes(this.head));
    this.head = null;
    // A self-closing tag cannot happen: every message has its separator line.
    if (this.held !== null) {
      this.heldTag = tag;
      this.held.push(c.slice(gt));
      this.heldBytes += c.length - gt;
      return this.place(false);
    }
    this.out.bytes(enc.encode(this.withGap(tag)));
    this.out.bytes(c, gt);
  }

  /** With `range.foot` false: the blank line at the end of the range (the next range's first gap). */
  rangeTail: Uint8Array | null = null;

  private writeTail(tail: Uint8Array | null): void {
    if (tail === null) return;
    this.out.ascii('<tail>');
    writeLeaf(this.out, tail, 0, tail.length, true, { b1: 0, b2: 0 });
    this.out.ascii('</tail>\n');
  }

  private finish(tail: Uint8Array | null): void {
    this.closePrefix();
    this.endMessage();
    if (this.options.range?.foot === false) {
      this.rangeTail = tail;
      return;
    }
    this.writeTail(tail);
    this.out.ascii('</mbox>\n');
    if (this.sink !== null) {
      this.out.flush();
      this.sink.end(this.part);
    }
  }
}

/**
 * mbox → several `<mbox>` documents ("parts", spec §18.6), each valid on its
 * own and at most `maxSize` bytes unless it holds a single message (or the
 * prefix) that alone is larger. Decoding the parts in order and
 * concatenating the bytes gives back the file. Streaming: memory is bounded
 * by `holdBytes`, not by the file or `maxSize`.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[][] = [];
 * const e = new MboxPartEncoder({ begin: () => parts.push([]), chunk: (c) => parts.at(-1)!.push(c), end: () => {} }, { maxSize: 1 << 20 });
 * e.push(mboxBytes);
 * e.end(); // parts.length documents, <mbox part="1">, <mbox part="2">, …
 * ```
 */
export class MboxPartEncoder {
  private readonly e: MboxEncoder;

  constructor(sink: MboxPartSink, options: MboxPartOptions) {
    const { maxSize, holdBytes, ...rest } = options;
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a positive integer, not ${maxSize}`);
    const hold = holdBytes ?? DEFAULT_HOLD;
    if (!Number.isSafeInteger(hold) || hold < 0) throw new RangeError(`holdBytes must be a non-negative integer, not ${hold}`);
    this.e = new MboxEncoder(() => {}, rest, { sink, maxSize, hold });
  }

  /** Feeds the next bytes of the mbox file. */
  push(mbox: Uint8Array): void {
    this.e.push(mbox);
  }

  /** The file is complete: writes the rest of the last part. */
  end(): void {
    this.e.end();
  }

  /** Parts begun so far. */
  get parts(): number {
    return this.e.part;
  }

  /** Messages seen so far. */
  get messages(): number {
    return this.e.count;
  }
}

/**
 * An mbox file to `<mbox>` documents of at most `maxSize` bytes each (spec
 * §18.6); {@link xmlToMbox} of each, concatenated, gives back the file.
 *
 * @example
 * ```ts
 * const docs = mboxToXmlParts(mbox, { maxSize: 10_000_000 });
 * ```
 */
export function mboxToXmlParts(mbox: Uint8Array, options: MboxPartOptions): string[] {
  const docs: string[] = [];
  let cur: Uint8Array[] = [];
  const e = new MboxPartEncoder({ begin: () => (cur = []), chunk: (c) => cur.push(c), end: () => docs.push(new TextDecoder().decode(concatBytes(cur))) }, options);
  e.push(mimeBytes('mboxToXmlParts', mbox, "the mbox file's bytes"));
  e.end();
  return docs;
}

/**
 * A message of a CR-only mailbox is encoded with CR and LF bytes swapped
 * (spec §18.2): its CR line endings become LF lines, readable as any
 * message, and any LF byte in it a CR, carried like any bare CR. The swap
 * is its own inverse, so the decoder swaps back. In place; returns `b`.
 */
export function swapCrLf(b: Uint8Array): Uint8Array {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x0d) b[i] = 0x0a;
    else if (c === 0x0a) b[i] = 0x0d;
  }
  return b;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const r = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    r.set(p, n);
    n += p.length;
  }
  return r;
}

/**
 * An mbox file to one XMIME `<mbox>` document. Never fails, and
 * {@link xmlToMbox} gives back the same bytes.
 *
 * @example
 * ```ts
 * const xml = mboxToXml(new TextEncoder().encode('From a@b Mon Jan  1 00:00:00 2024\nSubject: hi\n\nHello\n\n'));
 * ```
 */
export function mboxToXml(mbox: Uint8Array, options: MboxEncodeOptions = {}): string {
  const parts: Uint8Array[] = [];
  const e = new MboxEncoder((c) => parts.push(c), options);
  e.push(mimeBytes('mboxToXml', mbox, "the mbox file's bytes"));
  e.end();
  return new TextDecoder().decode(concatBytes(parts));
}

