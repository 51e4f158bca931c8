/**
 * The event vocabulary shared by both pipelines.
 *
 *   MIME bytes → MimeTokenizer → [ReadableStage] → XmlWriter → XMIME
 *   XMIME      → XmlTokenizer → XmimeReader → [WireStage] → MimeWriter → MIME bytes
 *
 * The readable stages are mirrors: the encoder's turns bytes into views
 * (header fields into view elements, text bodies into characters), the
 * decoder's turns views back into bytes. Every event maps to exactly one
 * XMIME element, so the two writers are mirror images and the round trip is
 * concatenation.
 * @module
 */
import { Eol } from '../core/eol.js';
import type { Output } from '../core/output.js';
import type { TextForm } from './text-form.js';

/**
 * The XMIME namespace; also the XEP-0030 feature a gateway advertises.
 * @category Codec
 */
export const NS = 'urn:xmpp:xmime:0';

/** Element kinds: one per XMIME element (names and rules in ./schema.ts). */
export const enum Kind {
  Mime = 0,
  FromLine,
  Headers,
  Header,
  Body,
  Multipart,
  Preamble,
  Part,
  Epilogue,
  Message,
  /** A readable text body (decoded text plus how to re-encode it). */
  Text,
  /** A leaf body carried out of band: a reference to its bytes. */
  External,
  // Inside a header: its raw value beside a view, and the view's elements (spec §7.6).
  Raw,
  Decoded,
  Mailbox,
  Group,
  Date,
  Id,
  Media,
  Param,
}

export const EOL_NAMES: readonly string[] = ['none', 'lf', 'crlf'];

/**
 * Attributes of an open event. One object is reused for every event, so a
 * sink must copy what it keeps. Byte-valued fields may be views into the
 * producer's buffers.
 */
export interface Attrs {
  /** Mime: the document's line ending (Lf or CrLf). */
  eol: Eol;
  /** FromLine, Header, Headers: how the line (or the header section) ends. */
  end: Eol;
  /** Part, Epilogue: line ending before the delimiter line. */
  before: Eol;
  /** Part, Epilogue: line ending after the delimiter line. */
  after: Eol;
  /** Header: the field name. */
  name: Uint8Array | null;
  /** Header: the bytes between name and value (default ": "). */
  sep: Uint8Array | null;
  /** Multipart: the boundary. */
  boundary: Uint8Array | null;
  /** Part, Epilogue: transport padding after the delimiter (spaces and tabs). */
  pad: Uint8Array | null;
  /** Text: how the decoded text becomes the body's bytes again. */
  form: TextForm | null;
  /** External: where the body's bytes are, and how to check them. */
  ref: ExternalRef | null;
  /** Mailbox, Group, Param: the `name` attribute (a display name, group name or parameter name); null when absent. */
  label: string | null;
  /** Mailbox: the address. */
  addr: string;
  /** Media: the media type. */
  value: string;
  /**
   * Body, in the encoder only: what the entity's header says of it, as the
   * MIME tokenizer parsed it, so that later stages need not parse it again.
   */
  body: BodyType | null;
}

/**
 * What an entity's header says of its body: the first Content-Type and the
 * first Content-Transfer-Encoding, as RFC 2045 readers take them.
 */
export interface BodyType {
  /** Media type (lower case); '' if unparseable; null if there was no Content-Type. */
  type: string | null;
  /** The charset parameter's bytes, one character per byte; null if none. */
  charset: string | null;
  /** The transfer encoding's first token (lower case); null if there was no field. */
  cte: string | null;
  /** The entity is a part of a multipart/digest (its default type is message/rfc822). */
  inDigest: boolean;
}

/**
 * A body carried out of band (`<external>`): the exact bytes of the body as
 * they stood in the MIME (transfer encoding and line layout included).
 */
export interface ExternalRef {
  /** Where the bytes are, e.g. an XEP-0363 `https:` URL or a XEP-0231 `cid:` URI. */
  uri: string;
  /** Length of the bytes. */
  size: number;
  /** SHA-256 of the bytes, 64 lowercase hexadecimal digits. */
  sha256: string;
  /** The entity's media type, for the reader's information ('' if none was given). */
  type: string;
}

export function newAttrs(): Attrs {
  return { eol: Eol.CrLf, end: Eol.CrLf, before: Eol.CrLf, after: Eol.CrLf, name: null, sep: null, boundary: null, pad: null, form: null, ref: null, label: null, addr: '', value: '', body: null };
}

/**
 * The consumer of events. Content comes in two kinds, as the schema says
 * (./schema.ts `Content`): `text` is always MIME bytes, `chars` always
 * Unicode characters.
 */
export interface Sink {
  open(kind: Kind, a: Attrs): void;
  /** Bytes of a leaf that holds bytes: from-line, a header's value, body, preamble, epilogue, raw. */
  text(data: Uint8Array, start: number, end: number): void;
  /**
   * Characters of `<text>` (the decoded body: real line endings, control
   * characters as themselves) or of a view's leaf (decoded, date, id,
   * param): as a string, or as its UTF-8. May come in several calls.
   */
  chars(c: string | Uint8Array): void;
  close(kind: Kind): void;
  /**
   * Optional: where a producer may write the bytes of the open leaf itself
   * instead of calling {@link text}, saving a copy of every body. A sink
   * offers its writer's output only when it would append those bytes there
   * unchanged; null when it would not (or not now).
   */
  direct?(): Output | null;
}

/**
 * Longest boundary either side accepts. The encoder carries a multipart with
 * a longer boundary as a leaf body; the decoder rejects a longer attribute.
 * (RFC 2046 allows 70.) Bounds the memory held per open multipart.
 */
export const MAX_BOUNDARY = 16384;

/** ": ", the separator a Header has when `sep` is absent. */
export const DEFAULT_SEP = new Uint8Array([0x3a, 0x20]);

/**
 * Default `before` of a Part or Epilogue: no line ending when it is the first
 * thing in its multipart (the body began with the delimiter), else the
 * document's line ending.
 */
export function defaultBefore(firstInMultipart: boolean, eol: Eol): Eol {
  return firstInMultipart ? Eol.None : eol;
}

