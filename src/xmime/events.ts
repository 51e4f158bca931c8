/**
 * The event vocabulary shared by both pipelines.
 *
 *   MIME bytes → MimeTokenizer → events → [Readable] → XmlWriter → XMIME
 *   XMIME      → XmlTokenizer → XmimeReader → events → MimeWriter → MIME bytes
 *
 * (The optional Readable stage turns text bodies into Text events.)
 *
 * Every event maps to exactly one XMIME element, so the two writers are
 * mirror images and the round trip is concatenation.
 * @module
 */
import { Eol } from '../core/eol.js';
import type { TextForm } from './text-form.js';

/**
 * The XMIME namespace; also the XEP-0030 feature a gateway advertises.
 * @category Codec
 */
export const NS = 'urn:xmpp:xmime:0';

/** Element kinds, in the order of {@link TAG}. */
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

/** Element local names, indexed by {@link Kind}. */
export const TAG: readonly string[] = [
  'mime',
  'from-line',
  'headers',
  'header',
  'body',
  'multipart',
  'preamble',
  'part',
  'epilogue',
  'message',
  'text',
  'external',
  'raw',
  'decoded',
  'mailbox',
  'group',
  'date',
  'id',
  'media',
  'param',
];

/** Kinds whose content is text (the bytes of the MIME construct); the rest hold only elements. */
export function isLeaf(k: Kind): boolean {
  return k === Kind.FromLine || k === Kind.Header || k === Kind.Body || k === Kind.Preamble || k === Kind.Epilogue || k === Kind.Text || k === Kind.Raw;
}

/** Elements of a header view (their text, where they have any, is Unicode, not bytes). */
export function isView(k: Kind): boolean {
  return k >= Kind.Decoded && k <= Kind.Param;
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
  return { eol: Eol.CrLf, end: Eol.CrLf, before: Eol.CrLf, after: Eol.CrLf, name: null, sep: null, boundary: null, pad: null, form: null, ref: null };
}

/** The consumer of events. Text is always the exact MIME bytes. */
export interface Sink {
  open(kind: Kind, a: Attrs): void;
  text(data: Uint8Array, start: number, end: number): void;
  close(kind: Kind): void;
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

