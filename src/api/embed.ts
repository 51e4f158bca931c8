/**
 * XMIME inside host XML documents: a DOM (a browser `document`, an
 * `@xmldom/xmldom` `Document`) or `@xmpp/xml` / ltx elements, for XMPP
 * clients that carry mail in stanzas.
 *
 * Platform-neutral: no Node built-ins, and the host libraries are typed
 * structurally, never imported.
 *
 * - {@link toElement} and {@link toLtx} build the `<mime xmlns="urn:xmpp:xmime:0">`
 *   element that {@link toXml} would write, node by node with the host's own
 *   factories. The host never parses a string.
 * - {@link fromElement} and {@link fromLtx} serialize an element (declaring
 *   every namespace it uses, also one inherited from an ancestor such as the
 *   stanza) and decode the result with {@link toMime}, so every check and
 *   error code of the decoder applies. An {@link XmimeError}'s offset, line and
 *   column refer to that serialization, which {@link elementToXml} and
 *   {@link ltxToXml} return.
 *
 * @module
 */
import { type DecodeOptions, type EncodeOptions, toMime, toTree, toXml } from './codec.js';
import { cutPieces } from '../tree/pieces.js';
import { NS } from '../xmime/events.js';
import { XMLNS_NS } from '../decode/namespaces.js';
import type { XNode } from '../tree/xml-tree.js';
import { fnArg, mimeBytes, objectArg } from './guard.js';
import type { XmimeError } from '../core/errors.js'; // for the {@link XmimeError}s of the docs
import type { BuildElementLike, DocumentLike, ElementLike, LtxElementLike, LtxFactory } from './host-elements.js';
import { elementToXml, ltxToXml } from './embed-xml.js';

export type { AttrLike, BuildElementLike, DocumentLike, ElementLike, LtxElementLike, LtxFactory, NodeLike } from './host-elements.js';
export { elementToXml, ltxToXml } from './embed-xml.js';


/**
 * Options of {@link toElement} and {@link toLtx}: the encoder's limits, and layout.
 *
 * @example
 * ```ts
 * const el = toElement(document, mail, { indent: false, maxHeaderBytes: 65536 });
 * ```
 * @category XMPP
 */
export interface EmbedOptions extends EncodeOptions {
  /**
   * Keep the line feeds and spaces that {@link toXml} puts between the
   * children of structural elements (`mime`, `headers`, `multipart`, `part`,
   * `message`). They carry no information; leaving them out (`false`) makes a
   * stanza a little smaller. Leaf text is never touched. Default `true`.
   */
  indent?: boolean;
}

// ---------------------------------------------------------------------------
// MIME → element
// ---------------------------------------------------------------------------

/**
 * Converts MIME bytes to an XMIME `<mime xmlns="urn:xmpp:xmime:0">` element
 * of the host document `doc`, ready to be appended to a stanza. The element
 * is built with `createElementNS`, `setAttribute`, `setAttributeNS` and `createTextNode`:
 * text nodes hold the XMIME characters themselves (a stray CR is the
 * character U+F70D, never entity text), and the root carries an explicit
 * `xmlns` attribute, so serializers that only copy attributes (Strophe's)
 * write a correct namespace too. The result is the infoset of
 * {@link toXml}`(mime, options)`; never fails.
 *
 * @param doc the host document: a browser `document`, an `@xmldom/xmldom`
 *   `Document`, or an XML document such as Strophe's `xmlGenerator()`.
 * @param mime the message, as bytes.
 * @param options the encoder's limits, and `indent` ({@link EmbedOptions}).
 * @returns the detached `mime` element, owned by `doc`.
 *
 * @example
 * ```ts
 * import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
 * const doc = new DOMParser().parseFromString('<message xmlns="jabber:client" to="alex@example.net"/>', 'text/xml');
 * const mail = new TextEncoder().encode('Subject: hi\r\n\r\nHello\r\n');
 * doc.documentElement!.appendChild(toElement(doc, mail));
 * new XMLSerializer().serializeToString(doc);
 * // <message xmlns="jabber:client" to="alex@example.net"><mime xmlns="urn:xmpp:xmime:0">…</mime></message>
 * ```
 * @category XMPP
 */
export function toElement<E extends BuildElementLike>(doc: DocumentLike<E>, mime: Uint8Array, options: EmbedOptions = {}): E {
  objectArg('toElement(doc, mime)', 'doc', doc);
  mime = mimeBytes('toElement(doc, mime)', mime);
  const build = (n: XNode, depth: number): E => {
    const el = doc.createElementNS(NS, n.name);
    if (depth === 0) el.setAttributeNS(XMLNS_NS, 'xmlns', NS);
    for (const [k, v] of n.attrs) el.setAttribute(k, v);
    for (const c of content(n, depth, options.indent !== false)) el.appendChild(typeof c === 'string' ? doc.createTextNode(c) : build(c, depth + 1));
    return el;
  };
  return build(cutPieces(toTree(mime, options), options.maxPieceBytes), 0);
}
/**
 * Converts MIME bytes to an XMIME element built with an ltx element factory,
 * for xmpp.js clients: pass `@xmpp/xml`'s `xml`. The element has
 * `xmlns="urn:xmpp:xmime:0"` among its attributes, text children are the
 * XMIME characters, and it is the infoset of {@link toXml}`(mime, options)`.
 * Its `toString()` is XMIME that conformant parsers and ltx's own parser
 * both read back to the same bytes; never fails.
 *
 * @param mime the message, as bytes.
 * @param xml the element factory, `(name, attrs, ...children) => element`.
 * @param options the encoder's limits, and `indent` ({@link EmbedOptions}).
 * @returns the `mime` element, whatever `xml` returns.
 *
 * @example
 * ```ts
 * import xml from '@xmpp/xml';
 * const mail = new TextEncoder().encode('Subject: hi\r\n\r\nHello\r\n');
 * const stanza = xml('message', { to: 'alex@example.net', type: 'normal' }, toLtx(mail, xml));
 * await client.send(stanza); // an @xmpp/client session
 * ```
 * @category XMPP
 */
export function toLtx<E>(mime: Uint8Array, xml: LtxFactory<E>, options: EmbedOptions = {}): E {
  mime = mimeBytes('toLtx(mime, xml)', mime);
  fnArg('toLtx(mime, xml)', 'xml', xml);
  const build = (n: XNode, depth: number): E => {
    const attrs: Record<string, string> = depth === 0 ? { xmlns: NS } : {};
    for (const [k, v] of n.attrs) attrs[k] = v;
    return xml(n.name, attrs, ...content(n, depth, options.indent !== false).map((c) => (typeof c === 'string' ? c : build(c, depth + 1))));
  };
  return build(cutPieces(toTree(mime, options), options.maxPieceBytes), 0);
}

/**
 * The children of `n` (at `depth`) in document order, with the white space
 * {@link toXml} puts between the children of an element that holds elements
 * when `indent` (a line feed and two spaces a level, at most 24 levels; none
 * inside `<group>` and `<media>`, whose children share a line).
 */
function content(n: XNode, depth: number, indent: boolean): (XNode | string)[] {
  if (n.kids.length === 0) return n.text === '' ? [] : [n.text];
  if (!indent || n.name === 'group' || n.name === 'media') return n.kids;
  const inner = '\n' + '  '.repeat(Math.min(depth + 1, 24)), outer = '\n' + '  '.repeat(Math.min(depth, 24));
  const out: (XNode | string)[] = [];
  for (const k of n.kids) out.push(inner, k);
  out.push(outer);
  return out;
}
// ---------------------------------------------------------------------------
// element → MIME
// ---------------------------------------------------------------------------

/**
 * Converts an XMIME element of a DOM back to MIME bytes. The element may be
 * anywhere in its document (inside a stanza), may use a prefix
 * (`<x:mime xmlns:x="urn:xmpp:xmime:0">`) and may inherit its namespace from
 * an ancestor. Equals {@link toMime} of the element serialized on its own
 * ({@link elementToXml}); throws {@link XmimeError} when that is not XMIME,
 * with offset, line and column in that serialization.
 *
 * @param el a namespace-aware DOM element (browser or `@xmldom/xmldom`).
 * @param options the decoder's limits.
 * @returns the message, as bytes.
 *
 * @example
 * ```ts
 * import { DOMParser } from '@xmldom/xmldom';
 * const stanza = new DOMParser().parseFromString(
 *   '<message xmlns="jabber:client"><mime xmlns="urn:xmpp:xmime:0"><body>Hello</body></mime></message>',
 *   'text/xml',
 * ).documentElement!;
 * const el = stanza.getElementsByTagNameNS('urn:xmpp:xmime:0', 'mime')[0];
 * new TextDecoder().decode(fromElement(el)); // "Hello"
 * ```
 * @category XMPP
 */
export function fromElement(el: ElementLike, options: DecodeOptions = {}): Uint8Array {
  objectArg('fromElement(el)', 'el', el);
  return toMime(elementToXml(el), options);
}

/**
 * Converts an XMIME ltx element (`@xmpp/xml`) back to MIME bytes. The element
 * may sit inside a stanza, use a prefix, or inherit its namespace through
 * `parent`. Equals {@link toMime}`(el.toString())` for an element that
 * declares its own namespace: text and attribute values are taken as ltx
 * writes them, raw CR, TAB and LF included, which an XML parser then
 * normalizes (ltx's parser does not, so this is how a conformant receiver of
 * the same stanza would read it). Throws {@link XmimeError} when the element
 * is not XMIME, with offset, line and column in {@link ltxToXml}`(el)`.
 *
 * @param el an ltx element, such as a stanza child from an `@xmpp/client` session.
 * @param options the decoder's limits.
 * @returns the message, as bytes.
 *
 * @example
 * ```ts
 * client.on('stanza', (stanza) => {
 *   const el = stanza.getChild('mime', 'urn:xmpp:xmime:0');
 *   if (el) deliver(fromLtx(el));
 * });
 * ```
 * @category XMPP
 */
export function fromLtx(el: LtxElementLike, options: DecodeOptions = {}): Uint8Array {
  objectArg('fromLtx(el)', 'el', el);
  return toMime(ltxToXml(el), options);
}
