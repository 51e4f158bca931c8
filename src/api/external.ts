/**
 * Bodies out of band. XMPP servers cap stanza size (ejabberd 64 KiB, prosody
 * 256 KiB), so a gateway moves big bodies out of the XMIME document: each
 * becomes `<external uri size sha256 type/>`, and its bytes travel by
 * XEP-0363 HTTP File Upload, XEP-0231 Bits of Binary or any other store.
 *
 * The bytes referenced are the body exactly as it stood in the MIME
 * (transfer encoding and line layout included), so a faithful store keeps
 * the round trip byte-exact, and the size and SHA-256 let the decoder prove
 * it did.
 * @module
 */
import { decoderInto, type DecodeOptions, type EncodeOptions, encoderInto, feedAll } from './codec.js';
import { fnArg, mimeBytes, optionsArg, xmlInput } from './guard.js';
import { mediaTypeOf } from '../encode/entity-types.js';
import { type Attrs, type ExternalRef, Kind, newAttrs, type Sink } from '../xmime/events.js';
import { Eol } from '../core/eol.js';
import { XmimeError } from '../core/errors.js';
import { MimeWriter } from '../decode/mime-writer.js';
import { concat } from '../core/bytes.js';
import { Output } from '../core/output.js';
import { XmlWriter } from '../encode/xml-writer.js';

export type { ExternalRef } from '../xmime/events.js';

/**
 * Stores `bytes` and returns the URI they can be fetched from.
 * @category External bodies
 */
export type Uploader = (bytes: Uint8Array, ref: Omit<ExternalRef, 'uri'>) => Promise<string>;

/**
 * Fetches the bytes at `uri`.
 * @category External bodies
 */
export type Resolver = (uri: string, ref: ExternalRef) => Promise<Uint8Array>;

/**
 * Options of {@link toXmlAsync}.
 * @category External bodies
 */
export interface ExternalEncodeOptions extends EncodeOptions {
  /**
   * Largest XMIME document, in UTF-8 bytes, to produce. Bodies are moved out,
   * largest first, until the document fits; if the header sections alone do
   * not fit, the whole message is moved out as one reference.
   */
  maxInlineBytes: number;
  /** Stores one body. Called once per body moved out, one at a time. */
  upload: Uploader;
}

/**
 * Options of {@link toMimeAsync}.
 * @category External bodies
 */
export interface ExternalDecodeOptions extends DecodeOptions {
  /** Fetches one body. Called once per `<external>`, at most {@link RESOLVE_CONCURRENCY} at a time. */
  resolve: Resolver;
  /** URI schemes accepted, lower case. Default {@link DEFAULT_SCHEMES}. */
  schemes?: readonly string[];
  /** Largest `size` accepted, checked before fetching. Default 1 GiB. */
  maxExternalBytes?: number;
}

/**
 * Schemes a decoder accepts by default: `https` (XEP-0363 slots) and `cid`
 * (XEP-0231 Bits of Binary). Plain `http` and everything else, `file` and
 * `data` included, must be allowed explicitly.
 * @category External bodies
 */
export const DEFAULT_SCHEMES: readonly string[] = ['https', 'cid'];
/**
 * Default of {@link ExternalDecodeOptions.maxExternalBytes} (1 GiB): a larger `size` is `limit-external`.
 * @category External bodies
 */
export const DEFAULT_MAX_EXTERNAL_BYTES = 2 ** 30;
/**
 * How many `<external>` bodies are fetched at once.
 * @category External bodies
 */
export const RESOLVE_CONCURRENCY = 4;
/**
 * Room reserved per reference when choosing what to move out; the document
 * is measured again once the URIs are known.
 */
const REF_COST = 400;

/**
 * SHA-256 of `bytes` as 64 lowercase hexadecimal digits (Web Crypto: Node and browsers).
 * @category External bodies
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of h) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** A leaf body seen by the survey: where its bytes are, and what its element costs. */
interface Leaf {
  index: number;
  mimeStart: number;
  mimeEnd: number;
  xmlBytes: number;
  type: string;
}

/**
 * First pass: notes each leaf body's byte range in the MIME (by writing the
 * MIME again into a counter) and the size of the element it became.
 */
class Survey implements Sink {
  readonly leaves: Leaf[] = [];
  private count = 0;
  private readonly mimeOut = new Output((c) => (this.count += c.length), 65536, false);
  private readonly mime = new MimeWriter(this.mimeOut);
  private open_: Leaf | null = null;

  constructor(
    private readonly next: Sink,
    private readonly xml: Output,
  ) {}

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Body) {
      const at = this.count + this.mimeOut.n;
      this.open_ = { index: this.leaves.length, mimeStart: at, mimeEnd: at, xmlBytes: -this.xml.n, type: printable(a.body === null ? '' : mediaTypeOf(a.body)) };
    }
    this.mime.open(kind, a);
    this.next.open(kind, a);
  }

  text(d: Uint8Array, s: number, e: number): void {
    this.mime.text(d, s, e);
    this.next.text(d, s, e);
  }

  chars(c: string | Uint8Array): void {
    this.next.chars(c); // in front of the readable stage: the tokenizer sends none
  }

  close(kind: Kind): void {
    this.mime.close(kind);
    this.next.close(kind);
    if (kind === Kind.Body) {
      const leaf = this.open_!;
      leaf.mimeEnd = this.count + this.mimeOut.n;
      leaf.xmlBytes += this.xml.n;
      this.leaves.push(leaf);
    }
  }
}

/** Second pass: the chosen leaf bodies become `<external>`, the rest pass through. */
class Swap implements Sink {
  private index = 0;
  private skipping = false;
  private readonly a = newAttrs();

  constructor(
    private readonly next: Sink,
    private readonly refs: Map<number, ExternalRef>,
  ) {}

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Body) {
      const ref = this.refs.get(this.index++);
      if (ref !== undefined) {
        this.skipping = true;
        this.a.ref = ref;
        return this.next.open(Kind.External, this.a);
      }
    }
    this.next.open(kind, a);
  }

  text(d: Uint8Array, s: number, e: number): void {
    if (!this.skipping) this.next.text(d, s, e);
  }

  chars(c: string | Uint8Array): void {
    this.next.chars(c); // in front of the readable stage: the tokenizer sends none
  }

  close(kind: Kind): void {
    if (kind === Kind.Body && this.skipping) {
      this.skipping = false;
      return this.next.close(Kind.External);
    }
    this.next.close(kind);
  }
}

/** Media types are ASCII tokens; anything else is not worth carrying. */
function printable(type: string): string {
  return /^[!-~]{1,255}$/.test(type) ? type : '';
}

const utf8 = new TextDecoder();

/**
 * {@link toXml}, keeping the document within `maxInlineBytes` by moving
 * bodies out of band through `upload`. A message that fits is returned as
 * `toXml` would return it, and `upload` is not called.
 *
 * @example
 * ```ts
 * const xml = await toXmlAsync(mime, {
 *   maxInlineBytes: 60_000, // under ejabberd's 64 KiB, with room for the stanza
 *   upload: async (bytes, { type }) => await xep0363Upload(bytes, type), // returns the GET URL
 * });
 * ```
 * @throws RangeError if `maxInlineBytes` cannot hold even one reference, or
 *   `upload` returns something that is not an absolute URI without white space.
 * @category External bodies
 */
export async function toXmlAsync(mime: Uint8Array, options: ExternalEncodeOptions): Promise<string> {
  mime = mimeBytes('toXmlAsync(mime, options)', mime);
  optionsArg('toXmlAsync', options);
  fnArg('toXmlAsync', 'options.upload', options.upload);
  const { maxInlineBytes: max, upload } = options;
  const xml = new Output(null, Math.max(4096, mime.length + (mime.length >> 1)));
  let survey: Survey | null = null;
  const tok = encoderInto(xml, options, (next) => (survey = new Survey(next, xml)));
  tok.push(mime);
  tok.end();
  if (xml.n <= max) return utf8.decode(xml.take());

  // Move out the largest bodies until the estimate fits.
  const leaves = [...survey!.leaves].sort((p, q) => q.xmlBytes - p.xmlBytes);
  let size = xml.n;
  const chosen: Leaf[] = [];
  for (const leaf of leaves) {
    if (size <= max || leaf.xmlBytes <= REF_COST) break;
    chosen.push(leaf);
    size -= leaf.xmlBytes - REF_COST;
  }
  if (size <= max) {
    const refs = new Map<number, ExternalRef>();
    for (const leaf of chosen.sort((p, q) => p.index - q.index)) refs.set(leaf.index, await store(mime.subarray(leaf.mimeStart, leaf.mimeEnd), leaf.type, upload));
    const out = new Output(null, xml.n);
    // `stats` were counted in the first pass: the message's parts, wherever they travel.
    const tok2 = encoderInto(out, { ...options, stats: undefined }, (next) => new Swap(next, refs));
    tok2.push(mime);
    tok2.end();
    if (out.n <= max) return utf8.decode(out.take());
  }
  // The header sections alone are too big (or the URIs were very long): the whole message goes.
  const whole = wholeMessage(await store(mime, 'message/rfc822', upload));
  if (new TextEncoder().encode(whole).length > max) throw new RangeError(`maxInlineBytes ${max} cannot hold even one <external> reference`);
  return whole;
}

/** Uploads one body and checks the URI it gets back. */
async function store(bytes: Uint8Array, type: string, upload: Uploader): Promise<ExternalRef> {
  const info = { size: bytes.length, sha256: await sha256Hex(bytes), type };
  const uri = await upload(bytes, info);
  if (typeof uri !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:[!-~]*$/.test(uri)) throw new RangeError(`upload returned ${JSON.stringify(uri)}, not an absolute URI without white space`);
  return { uri, ...info };
}

/** `<mime>` whose one child is a reference to all its bytes (a headerless entity, spec §7.5). */
function wholeMessage(ref: ExternalRef): string {
  const out = new Output(null, 1024);
  const w = new XmlWriter(out);
  const a = newAttrs();
  a.eol = Eol.CrLf;
  w.open(Kind.Mime, a);
  a.ref = ref;
  w.open(Kind.External, a);
  w.close(Kind.External);
  w.close(Kind.Mime);
  return utf8.decode(out.take());
}

/** An `<external>` met while parsing, and the error to report at its place. */
interface Pending {
  ref: ExternalRef;
  where: XmimeError;
}

/** An error of `code` at the place of an `<external>`. */
function errorAt(p: Pending, code: XmimeError['code'], detail: string, cause?: unknown): XmimeError {
  const w = p.where;
  const e = new XmimeError(code, detail, w.offset, w.line, w.column, w.excerpt);
  if (cause !== undefined) (e as { cause?: unknown }).cause = cause;
  return e;
}

/**
 * {@link toMime} for documents with `<external>` bodies: each is fetched
 * through `resolve` and must have exactly its `size` and `sha256`.
 *
 * Errors are {@link XmimeError}s located at the `<external>` element:
 * `external-scheme` (a URI scheme not in `schemes`), `limit-external`
 * (a `size` above `maxExternalBytes`), `external-resolve` (the resolver threw;
 * its error is the `cause`), `external-size` and `external-hash`.
 *
 * @example
 * ```ts
 * const mime = await toMimeAsync(xml, {
 *   resolve: async (uri) => new Uint8Array(await (await fetch(uri)).arrayBuffer()),
 * });
 * ```
 * @category External bodies
 */
export async function toMimeAsync(xml: string | Uint8Array, options: ExternalDecodeOptions): Promise<Uint8Array> {
  xml = xmlInput('toMimeAsync(xml, options)', xml);
  optionsArg('toMimeAsync', options);
  const schemes = options.schemes ?? DEFAULT_SCHEMES;
  const maxBytes = options.maxExternalBytes ?? DEFAULT_MAX_EXTERNAL_BYTES;
  const segments: (Uint8Array | Pending)[] = [];
  const out = new Output((c) => segments.push(c), 65536);
  const tok = decoderInto(out, options, (ref, where) => {
    const p = { ref: { ...ref }, where };
    const scheme = ref.uri.slice(0, ref.uri.indexOf(':')).toLowerCase();
    if (!schemes.includes(scheme)) throw errorAt(p, 'external-scheme', `URI scheme "${scheme}:" is not accepted (schemes: ${schemes.join(', ')})`);
    if (ref.size > maxBytes) throw errorAt(p, 'limit-external', `size ${ref.size} is over the maxExternalBytes limit of ${maxBytes}`);
    out.flush();
    segments.push(p);
  });
  feedAll(tok, xml);
  out.flush();

  const pending = segments.filter((s): s is Pending => !(s instanceof Uint8Array));
  const bodies = new Map<Pending, Uint8Array>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      const p = pending[next++];
      bodies.set(p, await fetchChecked(p, options.resolve));
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESOLVE_CONCURRENCY, pending.length) }, worker));

  return concat(segments.map((s) => (s instanceof Uint8Array ? s : bodies.get(s)!)));
}

/** Fetches one body and checks its size and hash. */
async function fetchChecked(p: Pending, resolve: Resolver): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await resolve(p.ref.uri, p.ref);
  } catch (e) {
    throw errorAt(p, 'external-resolve', `resolving ${p.ref.uri} failed: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  if (!(bytes instanceof Uint8Array)) throw errorAt(p, 'external-resolve', `resolving ${p.ref.uri} gave no bytes`);
  if (bytes.length !== p.ref.size) throw errorAt(p, 'external-size', `${p.ref.uri} gave ${bytes.length} bytes; size says ${p.ref.size}`);
  const h = await sha256Hex(bytes);
  if (h !== p.ref.sha256) throw errorAt(p, 'external-hash', `${p.ref.uri} gave bytes with SHA-256 ${h}; sha256 says ${p.ref.sha256}`);
  return bytes;
}
