/**
 * The two codecs, as push-style classes and one-shot functions.
 * @module
 */
import { MimeTokenizer, type EncodeLimits } from '../encode/mime-tokenizer.js';
import { MimeWriter } from '../decode/mime-writer.js';
import { WireStage } from '../decode/wire-stage.js';
import { Output } from '../core/output.js';
import { Utf8Joiner, utf8String } from '../core/utf8.js';
import { type ExternalHook, XmimeReader } from '../decode/xmime-reader.js';
import type { Sink } from '../xmime/events.js';
import { type DecodeLimits, DEFAULT_MAX_TAG_BYTES, DEFAULT_XML_MAX_DEPTH, XmlTokenizer } from '../decode/xml-tokenizer.js';
import type { Reporter } from '../decode/reporter.js';
import type { XmlHandler } from '../decode/xml-handler.js';
import { TreeWalkError, walkTree } from '../tree/tree-walk.js';
import { xmlWriter } from '../encode/pieces.js';
import { ReadableStage, type ReadableStats } from '../encode/readable-stage.js';
import { TreeSink } from '../tree/tree-sink.js';
import { fnArg, mimeBytes, mimeChunk, optionsArg, xmlInput } from './guard.js';
import { serializeTree, type XNode } from '../tree/xml-tree.js';

/**
 * Options of MIME → XMIME.
 * @category Codec
 */
export interface EncodeOptions extends EncodeLimits {
  /**
   * Carry `text/*` bodies as decoded text (`<text>`) wherever their exact
   * bytes can be rebuilt from it. Default true; false gives the pure wire
   * form, the fastest path. Both decode with the same {@link toMime}.
   */
  readable?: boolean;
  /** Bodies longer than this stay bytes. Default 1 MiB. */
  maxTextBytes?: number;
  /** Counts text parts and readable ones into this object, if given. */
  stats?: ReadableStats;
  /**
   * Longest piece of a `body`, `preamble` or `epilogue`, in bytes of the mail:
   * longer content is written as consecutive elements of the same name (spec
   * §9.7.1), so that XML processors read it at their default settings.
   * Default 1 MiB; `Infinity` writes each as one element.
   *
   * @example
   * ```ts
   * toXml(eml, { maxPieceBytes: Infinity }); // one <body> however long
   * ```
   */
  maxPieceBytes?: number;
}
/**
 * Options of XMIME → MIME.
 * @category Codec
 */
export type DecodeOptions = DecodeLimits;

/**
 * The encoder pipeline into `out`: tokenizer → (`front` stage) → (readable
 * stage) → XML writer.
 */
export function encoderInto(out: Output, options: EncodeOptions, front?: (next: Sink) => Sink): MimeTokenizer {
  return encoderTo(xmlWriter(out, options.maxPieceBytes), options, front);
}

/** The encoder pipeline into any sink of the vocabulary (the XML writer, or a tree builder). */
function encoderTo(last: Sink, options: EncodeOptions, front?: (next: Sink) => Sink): MimeTokenizer {
  const sink = options.readable === false ? last : new ReadableStage(last, options.maxTextBytes, options.stats ?? null);
  return new MimeTokenizer(front === undefined ? sink : front(sink), options);
}

/**
 * The element tree of the XMIME document of `mime`: what {@link toXml}
 * writes, as the tree a parser would build from it (no indentation), built
 * from the encoder's events without writing or parsing XML.
 * @internal
 */
export function toTree(mime: Uint8Array, options: EncodeOptions = {}): XNode {
  const tree = new TreeSink();
  const tok = encoderTo(tree, options);
  tok.push(mime);
  tok.end();
  return tree.root!;
}

/** The decoder pipeline into `out`: XML tokenizer → XMIME reader → wire stage → MIME writer. */
export function decoderInto(out: Output, options: DecodeOptions, onExternal: ExternalHook | null = null): XmlTokenizer {
  return new XmlTokenizer(decoderStages(out, options, onExternal), options);
}

/** The decoder's stages after the XML tokenizer, writing MIME into `out`. */
function decoderStages(out: Output, options: DecodeOptions, onExternal: ExternalHook | null): (report: Reporter) => XmlHandler {
  return (report) => new XmimeReader(new WireStage(new MimeWriter(out), report), report, options.maxTextBytes, onExternal);
}

/**
 * A tree (as {@link toTree} or `parse` build it, edited or not) to MIME: the
 * bytes `toMime(serializeTree(root))` gives, without writing XML and reading
 * it back. An error is reported as that call reports it, located in the
 * serialization (the tree has no text of its own to point into).
 * The walk sends the reader exactly the events the tokenizer would send for
 * that serialization, but for white space between elements, which the
 * reader ignores.
 * @internal
 */
export function treeToMime(root: XNode, options: DecodeOptions = {}): Uint8Array {
  const out = new Output(null, 4096);
  try {
    walkTree(root, decoderStages(out, options, null), options.maxDepth ?? DEFAULT_XML_MAX_DEPTH, options.maxTagBytes ?? DEFAULT_MAX_TAG_BYTES);
  } catch (e) {
    if (!(e instanceof TreeWalkError)) throw e;
    // Left to the document the tree stands for: the same error, with a line and column (or, for a limit the walk checks roughly, the bytes).
    return toMime(serializeTree(root), options);
  }
  return out.take();
}

/** Output is handed on once this much is buffered (and at the end). */
const FLUSH_AT = 16384;

/**
 * Push-style MIME → XMIME encoder. Feed bytes with `push`, finish with `end`;
 * XMIME (UTF-8) arrives through `onChunk`. The output does not depend on how
 * the input is cut into chunks.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const enc = new Encoder((c) => parts.push(c));
 * enc.push(new TextEncoder().encode('Subject: hi\r\n\r\nHello\r\n'));
 * enc.end();
 * ```
 * @category Codec
 */
export class Encoder {
  private readonly out: Output;
  private readonly tok: MimeTokenizer;

  constructor(onChunk: (xml: Uint8Array) => void, options: EncodeOptions = {}) {
    fnArg('new Encoder(onChunk)', 'onChunk', onChunk);
    optionsArg('new Encoder', options);
    this.out = new Output(onChunk);
    this.tok = encoderInto(this.out, options);
  }

  /**
   * Feeds the next chunk of the message. XMIME is handed to `onChunk` as it
   * is ready (in pieces of about 16 KiB). Chunks may be cut anywhere.
   * @throws TypeError if `mime` is not a `Uint8Array`.
   */
  push(mime: Uint8Array): void {
    this.tok.push(mimeChunk('Encoder.push', mime));
    this.out.flush(FLUSH_AT);
  }

  /** Ends the message: the rest of the XMIME goes to `onChunk`. Never fails. */
  end(): void {
    this.tok.end();
    this.out.flush();
  }
}

/**
 * Push-style XMIME → MIME decoder. Accepts UTF-8 bytes or strings (a
 * surrogate pair may be split between strings). Throws {@link XmimeError}
 * for input that is not XMIME.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const dec = new Decoder((c) => parts.push(c));
 * dec.push('<mime xmlns="urn:xmpp:xmime:0"><body>Hi</body></mime>');
 * dec.end(); // parts now hold the bytes "Hi"
 * ```
 * @category Codec
 */
export class Decoder {
  private readonly out: Output;
  private readonly tok: XmlTokenizer;
  private readonly se = new StringEncoder();
  private bytesIn = 0;

  constructor(onChunk: (mime: Uint8Array) => void, options: DecodeOptions = {}) {
    fnArg('new Decoder(onChunk)', 'onChunk', onChunk);
    optionsArg('new Decoder', options);
    this.out = new Output(onChunk);
    this.tok = decoderInto(this.out, options);
  }

  /**
   * Feeds the next chunk of the document, UTF-8 bytes or a string. MIME is
   * handed to `onChunk` as it is ready.
   * @throws XmimeError as soon as the input cannot be XMIME; TypeError for
   *   a chunk that is neither a string nor a `Uint8Array`.
   */
  push(xml: Uint8Array | string): void {
    xml = xmlInput('Decoder.push', xml);
    if (typeof xml === 'string') this.bytesIn += pushString(this.tok, this.se, xml, false, this.bytesIn);
    else {
      this.bytesIn += xml.length;
      this.tok.push(xml);
    }
    this.out.flush(FLUSH_AT);
  }

  /**
   * Ends the document: the rest of the MIME goes to `onChunk`.
   * @throws XmimeError if the document is incomplete (`xml-truncated`).
   */
  end(): void {
    if (this.se.pending) this.tok.fail('xml-char', 'the text ends with half a surrogate pair', this.bytesIn);
    this.tok.end();
    this.out.flush();
  }
}

/**
 * UTF-8 of string chunks. A trailing high surrogate waits for its partner in
 * the next chunk. A lone surrogate is an error, never a silent U+FFFD: the
 * text before it is returned and `lone` is set, so the caller can feed that
 * text and then fail at the surrogate's exact offset.
 * @internal
 */
export class StringEncoder {
  private readonly te = new TextEncoder();
  private hi = '';
  lone = false;

  /** A high surrogate is waiting for its partner. */
  get pending(): boolean {
    return this.hi !== '';
  }

  /**
   * UTF-8 of the next string chunk. With `into`, written into that buffer
   * (grown as needed; valid until its next use) instead of a new array.
   */
  encode(s: string, last: boolean, into: Output | null = null): Uint8Array {
    if (this.hi !== '') {
      s = this.hi + s;
      this.hi = '';
    }
    const c = s.charCodeAt(s.length - 1);
    if (c >= 0xd800 && c <= 0xdbff) {
      if (last) this.lone = true;
      this.hi = s.slice(-1);
      s = s.slice(0, -1);
    }
    const wellFormed = (s as { isWellFormed?: () => boolean }).isWellFormed?.call(s);
    const m = wellFormed === true ? null : /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(s);
    if (m) {
      this.lone = true;
      s = s.slice(0, m.index);
    }
    if (into === null) return this.te.encode(s);
    into.n = 0;
    into.ensure(3 * s.length);
    const { written } = this.te.encodeInto(s, into.buf);
    return into.buf.subarray(0, written);
  }
}

/**
 * Feeds a string to `tok`; returns the number of bytes fed. A lone surrogate
 * fails at its offset (`offset` is where this string starts in the input).
 * @internal
 */
export function pushString(tok: XmlTokenizer, se: StringEncoder, s: string, last: boolean, offset: number, into: Output | null = null): number {
  const bytes = se.encode(s, last, into);
  tok.push(bytes);
  if (se.lone) tok.fail('xml-char', 'a lone surrogate is not a character', offset + bytes.length);
  return bytes.length;
}

/** Inputs above this size take the one-shot paths that bound their extra memory. */
const BIG = 1 << 20;

/**
 * Converts MIME bytes to an XMIME document. Never fails: every byte sequence
 * is valid input, and `toMime(toXml(b))` equals `b`.
 *
 * @example
 * ```ts
 * const xml = toXml(new TextEncoder().encode('Subject: hi\r\n\r\nHello\r\n'));
 * // <mime xmlns="urn:xmpp:xmime:0">
 * //   <headers>
 * //     <header name="Subject">hi</header>
 * //   </headers>
 * //   <body>Hello
 * // </body>
 * // </mime>
 * ```
 * @category Codec
 */
export function toXml(mime: Uint8Array, options: EncodeOptions = {}): string {
  mime = mimeBytes('toXml(mime)', mime);
  optionsArg('toXml', options);
  if (mime.length > BIG) {
    // Build the string piece by piece, so the whole output never sits in a buffer beside it; 64 KiB
    // chunks are the pieces utf8String decodes at once, and the buffer stays in cache.
    const join = new Utf8Joiner();
    const out = new Output((c) => join.push(c), 1 << 16, false);
    const tok = encoderInto(out, options);
    tok.push(mime);
    tok.end();
    out.flush();
    return join.s;
  }
  const out = borrow(Math.max(4096, mime.length + (mime.length >> 1)));
  try {
    const tok = encoderInto(out, options);
    tok.push(mime);
    tok.end();
    return utf8String(out.take());
  } finally {
    giveBack(out);
  }
}

/**
 * Converts an XMIME document (a string or UTF-8 bytes) back to MIME bytes.
 * Throws {@link XmimeError} with code, line, column and offset if the input
 * is not XMIME.
 *
 * @example
 * ```ts
 * const mime = toMime('<mime xmlns="urn:xmpp:xmime:0"><body>Hello</body></mime>');
 * new TextDecoder().decode(mime); // "Hello"
 * ```
 * @category Codec
 */
export function toMime(xml: string | Uint8Array, options: DecodeOptions = {}): Uint8Array {
  xml = xmlInput('toMime(xml)', xml);
  optionsArg('toMime', options);
  const out = new Output(null, xml.length + (xml.length >> 3) + 256);
  feedAll(decoderInto(out, options), xml);
  return out.take();
}

/** Feeds a whole document to `tok` and ends it. */
export function feedAll(tok: XmlTokenizer, xml: string | Uint8Array): void {
  if (typeof xml === 'string') {
    // A big string is encoded a slice at a time (a split surrogate pair waits for the next slice).
    const se = new StringEncoder();
    const bytes = borrow(Math.min(3 * xml.length, 3 * BIG));
    try {
      let fed = 0;
      for (let i = 0; i < xml.length; i += BIG) fed += pushString(tok, se, xml.slice(i, i + BIG), i + BIG >= xml.length, fed, bytes);
      tok.end(); // errors read the last bytes fed: still in the buffer
    } finally {
      giveBack(bytes);
    }
  } else {
    tok.push(xml);
    tok.end();
  }
}

/**
 * One spare buffer for the one-shot functions, which are synchronous and run
 * no user code: a small document then allocates no scratch space. A big
 * buffer is not kept.
 */
let spare: Output | null = null;
const SPARE_MAX = 4 << 20;

function borrow(size: number): Output {
  const o = spare;
  if (o === null) return new Output(null, size);
  spare = null;
  o.n = 0;
  o.ensure(size);
  return o;
}

function giveBack(o: Output): void {
  if (o.buf.length <= SPARE_MAX) spare = o;
}
