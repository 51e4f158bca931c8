/**
 * The half of test/browser/embed.browser.ts that runs inside Chromium. It is
 * bundled with the library by esbuild (platform 'browser') and talks to the
 * host only through browser APIs: `document`, DOMParser, XMLSerializer, Web
 * Streams, crypto.subtle (through toXmlAsync/toMimeAsync). Node sends mails
 * as base64 and gets plain JSON back, so nothing here can lean on Node.
 */
import { ERROR_CODES, XmimeError } from '../../src/core/errors.js';
import { type ElementLike, elementToXml, fromElement, toElement } from '../../src/api/embed.js';
import { MimeToXmlStream, XmlToMimeStream } from '../../src/api/streams.js';
import { NS } from '../../src/xmime/events.js';
import { toMime, toXml } from '../../src/api/codec.js';
import { toMimeAsync, toXmlAsync } from '../../src/index.js';
// The multi-byte encodings, with no index of their own: Chromium's decoders must serve them (hostIndexes).
import { fromHost } from '../../src/views/charset-multibyte.js';
import { singleFromHost } from '../../src/views/charset.js';
import { SINGLE_HASH } from '../../src/views/charsets/tables.js';

export interface MailIn {
  name: string;
  b64: string;
}

export interface MailOut {
  name: string;
  /** toXml in the page, for the Node-vs-Chromium comparison. */
  xml: string;
  /** One entry per check that did not give the original bytes back. */
  failures: string[];
  /** toXmlAsync moved at least one body out of band. */
  external: boolean;
}

export interface ErrorOut {
  isXmimeError: boolean;
  /** String(error), for the failure message. */
  message: string;
  code: string;
  known: boolean;
  line: number;
  column: number;
  offset: number;
  /** What the decoder read: the input, or elementToXml's serialization. */
  input: string;
}

const STANZA = '<message xmlns="jabber:client" from="sam@example.org/laptop" to="alex@example.net" type="normal" id="m1"/>';
const MAX_INLINE = 8192;

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function diff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Parses with the browser's XML parser; Chromium reports errors as a <parsererror> element, not an exception. */
function parseXml(s: string): XMLDocument {
  const doc = new DOMParser().parseFromString(s, 'application/xml');
  const err = doc.getElementsByTagName('parsererror');
  if (err.length > 0) throw new Error(`DOMParser: ${err[0].textContent}`);
  return doc;
}

/** The XMIME child of a stanza, found by namespace as a client would. */
function mimeChild(parent: Element): Element {
  for (const c of Array.from(parent.children)) if (c.namespaceURI === NS && c.localName === 'mime') return c;
  throw new Error('no urn:xmpp:xmime:0 mime child');
}

/** Chunk sizes 1..97 from a seeded xorshift, so stream chunks split tags, references and UTF-8 sequences. */
function chunked(data: Uint8Array, seed: number): ReadableStream<Uint8Array> {
  let s = seed >>> 0 || 1;
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i >= data.length) return c.close();
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const n = 1 + ((s >>> 0) % 97);
      c.enqueue(data.slice(i, i + n));
      i += n;
    },
  });
}

/** Reads a stream to its end. Not `new Response(r).arrayBuffer()`: Chromium turns a stream error there into "TypeError: Failed to fetch". */
async function drain(r: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = r.getReader();
  for (let c = await reader.read(); !c.done; c = await reader.read()) parts.push(c.value);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((n, p) => (out.set(p, n), n + p.length), 0);
  return out;
}

async function checkMail(m: MailIn, seed: number): Promise<MailOut> {
  const mime = fromB64(m.b64);
  const failures: string[] = [];
  const expect = async (how: string, f: () => Uint8Array | Promise<Uint8Array>) => {
    try {
      const d = diff(await f(), mime);
      if (d >= 0) failures.push(`${how}: differs at byte ${d}`);
    } catch (e) {
      failures.push(`${how}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  };

  const xml = toXml(mime);
  await expect('toXml/toMime', () => toMime(xml));

  // A Strophe-like stanza in an XMLDocument made by the DOM, through the browser's serializer and parser.
  await expect('XMLDocument stanza', () => {
    const doc = document.implementation.createDocument('jabber:client', 'message', null);
    const stanza = doc.documentElement;
    stanza.setAttribute('to', 'alex@example.net');
    stanza.setAttribute('type', 'normal');
    stanza.appendChild(doc.createElementNS('jabber:client', 'body')).appendChild(doc.createTextNode('A mail.'));
    const el = toElement(doc, mime);
    stanza.appendChild(el);
    const live = fromElement(el);
    if (diff(live, mime) >= 0) throw new Error('fromElement of the built element differs');
    const wire = new XMLSerializer().serializeToString(stanza);
    return fromElement(mimeChild(parseXml(wire).documentElement));
  });

  // The same from a stanza parsed by DOMParser, without the indentation white space.
  await expect('DOMParser stanza, indent false', () => {
    const doc = parseXml(STANZA);
    doc.documentElement.appendChild(toElement(doc, mime, { indent: false }));
    const wire = new XMLSerializer().serializeToString(doc);
    return fromElement(mimeChild(parseXml(wire).documentElement));
  });

  // The page's own HTML document is a DocumentLike too: build there, read the live
  // element, then serialize its HTML host (XHTML serialization) and parse it as XML.
  await expect('HTML document', () => {
    const host = document.getElementById('host')!;
    const div = host.appendChild(document.createElement('div'));
    try {
      const el = toElement(document, mime);
      div.appendChild(el);
      const live = fromElement(el as unknown as ElementLike);
      if (diff(live, mime) >= 0) throw new Error('fromElement of the live element differs');
      return fromElement(mimeChild(parseXml(new XMLSerializer().serializeToString(div)).documentElement));
    } finally {
      div.remove();
    }
  });

  // Web Streams, both ways, in small uneven chunks.
  const xmlBytes = new TextEncoder().encode(xml);
  try {
    const streamed = await drain(chunked(mime, seed).pipeThrough(new MimeToXmlStream()));
    if (diff(streamed, xmlBytes) >= 0) failures.push(`MimeToXmlStream: differs from toXml at byte ${diff(streamed, xmlBytes)}`);
  } catch (e) {
    failures.push(`MimeToXmlStream: ${String(e)}`);
  }
  await expect('XmlToMimeStream', () => drain(chunked(xmlBytes, seed + 1).pipeThrough(new XmlToMimeStream())));

  // Out of band through crypto.subtle, with an in-page store standing in for XEP-0363.
  const store = new Map<string, Uint8Array>();
  let external = false;
  await expect('toXmlAsync/toMimeAsync', async () => {
    const upload = async (b: Uint8Array) => {
      const uri = `cid:${store.size}@xmime.test`;
      store.set(uri, b.slice());
      return uri;
    };
    const small = await toXmlAsync(mime, { maxInlineBytes: MAX_INLINE, upload });
    if (new TextEncoder().encode(small).length > MAX_INLINE) throw new Error(`document over ${MAX_INLINE} bytes`);
    external = store.size > 0;
    return toMimeAsync(small, { resolve: async (uri) => store.get(uri)! });
  });

  return { name: m.name, xml, failures, external };
}

export async function checkMails(mails: MailIn[], seed: number): Promise<MailOut[]> {
  const out: MailOut[] = [];
  for (const [k, m] of mails.entries()) out.push(await checkMail(m, seed + k));
  return out;
}

function describeError(e: unknown, input: string): ErrorOut {
  const x = e as XmimeError;
  return {
    isXmimeError: e instanceof XmimeError && x.name === 'XmimeError',
    message: String(e),
    code: String(x?.code),
    known: Object.hasOwn(ERROR_CODES, x?.code),
    line: x?.line,
    column: x?.column,
    offset: x?.offset,
    input,
  };
}

/** Decodes `bad` three ways in the page; each must throw. */
export async function checkErrors(bad: string): Promise<{ toMime: ErrorOut; fromElement: ErrorOut; stream: ErrorOut }> {
  const fail = () => new Error('no error thrown');
  let a!: ErrorOut, b!: ErrorOut, c!: ErrorOut;
  try {
    toMime(bad);
    throw fail();
  } catch (e) {
    a = describeError(e, bad);
  }
  // An element of a stanza the browser parsed: the error refers to elementToXml's serialization.
  const el = mimeChild(parseXml(`<message xmlns="jabber:client">${bad}</message>`).documentElement);
  try {
    fromElement(el);
    throw fail();
  } catch (e) {
    b = describeError(e, elementToXml(el));
  }
  try {
    await drain(chunked(new TextEncoder().encode(bad), 7).pipeThrough(new XmlToMimeStream()));
    throw fail();
  } catch (e) {
    c = describeError(e, bad);
  }
  return { toMime: a, fromElement: b, stream: c };
}

export interface CrossIn {
  name: string;
  b64: string;
  /** Node's toXml of the mail. */
  xml: string;
}

export interface CrossOut {
  name: string;
  /** The page's toXml, only where it differs from Node's. */
  xml: string | null;
  /** What went wrong decoding Node's document in the page, or null. */
  failure: string | null;
}

/**
 * Node against Chromium for charsets: the page's toXml of each mail beside
 * Node's, and Node's document decoded in the page. The page bundle has no
 * CJK index of its own: Chromium's decoders serve them after the self-test.
 */
export function crossCheck(mails: CrossIn[]): CrossOut[] {
  return mails.map((m) => {
    const mime = fromB64(m.b64);
    const xml = toXml(mime);
    let failure: string | null = null;
    try {
      const d = diff(toMime(m.xml), mime);
      if (d >= 0) failure = `Node's document decodes in Chromium to other bytes (from byte ${d})`;
    } catch (e) {
      failure = `Node's document is refused in Chromium: ${String(e)}`;
    }
    return { name: m.name, xml: xml === m.xml ? null : xml, failure };
  });
}

/** Which CJK indexes the page takes from Chromium's decoders (each only if equal to the standard's). */
export function hostIndexes(): Record<string, boolean> {
  return Object.fromEntries(['jis0208', 'jis0212', 'euc-kr', 'big5', 'gb18030'].map((n) => [n, fromHost(n) !== null]));
}

/** Which single-byte tables the page takes from Chromium's decoders (each only if equal to the standard's). */
export function hostSingleByte(): Record<string, boolean> {
  return Object.fromEntries(Object.keys(SINGLE_HASH).map((n) => [n, singleFromHost(n) !== null]));
}

(globalThis as Record<string, unknown>).xmimePage = { checkMails, checkErrors, crossCheck, hostIndexes, hostSingleByte };
