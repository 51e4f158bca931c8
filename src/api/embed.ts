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
import { NS } from '../xmime/events.js';
import { XML_NS, XMLNS_NS } from '../decode/namespaces.js';
import type { XNode } from '../tree/xml-tree.js';
import type { XmimeError } from '../core/errors.js'; // for the {@link XmimeError}s of the docs


/**
 * Options of {@link toElement} and {@link toLtx}: the encoder's limits, and layout.
 *
 * @example
 * ```ts
 * const el = toElement(document, mail, { indent: false, maxHeaderBytes: 65536 });
 * ```
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
// Structural types of the hosts
// ---------------------------------------------------------------------------

/**
 * What {@link toElement} needs of a host document: a browser `Document`, an
 * `@xmldom/xmldom` `Document`, or anything with the same two methods.
 *
 * @example
 * ```ts
 * const doc: DocumentLike<Element> = document; // or an @xmldom/xmldom Document, or Strophe.xmlGenerator()
 * ```
 */
export interface DocumentLike<E extends BuildElementLike = BuildElementLike> {
  createElementNS(namespace: string | null, qualifiedName: string): E;
  createTextNode(data: string): unknown;
}

/**
 * What {@link toElement} needs of the elements it creates.
 *
 * @example
 * ```ts
 * const el: BuildElementLike = document.createElementNS('urn:xmpp:xmime:0', 'mime');
 * ```
 */
export interface BuildElementLike {
  setAttribute(qualifiedName: string, value: string): void;
  setAttributeNS(namespace: string | null, qualifiedName: string, value: string): void;
  appendChild(node: unknown): unknown;
}

/**
 * A node as {@link fromElement} reads it: the DOM `Node` properties it uses.
 *
 * @example
 * ```ts
 * const n: NodeLike = document.createTextNode('Hi');
 * ```
 */
export interface NodeLike {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
}

/**
 * An attribute as {@link fromElement} reads it (a DOM `Attr`).
 *
 * @example
 * ```ts
 * const a: AttrLike = el.attributes[0];
 * ```
 */
export interface AttrLike {
  readonly name: string;
  readonly value: string;
  readonly namespaceURI: string | null;
  readonly prefix: string | null;
  readonly localName: string | null;
}

/**
 * An element as {@link fromElement} reads it: a DOM `Element` of a browser or
 * of `@xmldom/xmldom`. The DOM must be namespace-aware (built by a
 * `DOMParser`, or with `createElementNS`): `namespaceURI` is taken as the
 * truth, and `null` means no namespace.
 *
 * @example
 * ```ts
 * const el: ElementLike = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
 * ```
 */
export interface ElementLike extends NodeLike {
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly prefix: string | null;
  readonly attributes: { readonly length: number; item(index: number): AttrLike | null };
  readonly childNodes: { readonly length: number; item(index: number): NodeLike | null };
}

/**
 * The element factory of `@xmpp/xml` (its default export `xml`, or ltx's
 * `createElement`): `xml(name, attrs, ...children)`.
 *
 * @example
 * ```ts
 * import xml from '@xmpp/xml';
 * const factory: LtxFactory<ReturnType<typeof xml>> = xml;
 * ```
 */
export type LtxFactory<E> = (name: string, attrs: Record<string, string>, ...children: (E | string)[]) => E;

/**
 * An ltx element as {@link fromLtx} reads it (`@xmpp/xml`'s `Element`, or a
 * plain object of the same shape). `name` is the qualified name as written
 * (`"mime"`, `"x:mime"`); namespace declarations are the `xmlns` and
 * `xmlns:*` entries of `attrs`, here or on the `parent` chain.
 *
 * @example
 * ```ts
 * const el: LtxElementLike = { name: 'mime', attrs: { xmlns: 'urn:xmpp:xmime:0' }, children: [] };
 * ```
 */
export interface LtxElementLike {
  readonly name: string;
  readonly attrs?: Readonly<Record<string, unknown>> | null;
  readonly children?: ReadonlyArray<unknown> | null;
  readonly parent?: LtxElementLike | null;
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
 * doc.documentElement.appendChild(toElement(doc, mail));
 * new XMLSerializer().serializeToString(doc);
 * // <message xmlns="jabber:client" to="alex@example.net"><mime xmlns="urn:xmpp:xmime:0">…</mime></message>
 * ```
 */
export function toElement<E extends BuildElementLike>(doc: DocumentLike<E>, mime: Uint8Array, options: EmbedOptions = {}): E {
  const build = (n: XNode, depth: number): E => {
    const el = doc.createElementNS(NS, n.name);
    if (depth === 0) el.setAttributeNS(XMLNS_NS, 'xmlns', NS);
    for (const [k, v] of n.attrs) el.setAttribute(k, v);
    for (const c of content(n, depth, options.indent !== false)) el.appendChild(typeof c === 'string' ? doc.createTextNode(c) : build(c, depth + 1));
    return el;
  };
  return build(toTree(mime, options), 0);
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
 */
export function toLtx<E>(mime: Uint8Array, xml: LtxFactory<E>, options: EmbedOptions = {}): E {
  const build = (n: XNode, depth: number): E => {
    const attrs: Record<string, string> = depth === 0 ? { xmlns: NS } : {};
    for (const [k, v] of n.attrs) attrs[k] = v;
    return xml(n.name, attrs, ...content(n, depth, options.indent !== false).map((c) => (typeof c === 'string' ? c : build(c, depth + 1))));
  };
  return build(toTree(mime, options), 0);
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
 * ).documentElement;
 * const el = stanza.getElementsByTagNameNS('urn:xmpp:xmime:0', 'mime')[0];
 * new TextDecoder().decode(fromElement(el)); // "Hello"
 * ```
 */
export function fromElement(el: ElementLike, options: DecodeOptions = {}): Uint8Array {
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
 */
export function fromLtx(el: LtxElementLike, options: DecodeOptions = {}): Uint8Array {
  return toMime(ltxToXml(el), options);
}

/**
 * Serializes a DOM element as a standalone XML document, as
 * {@link fromElement} decodes it: every namespace the element and its
 * descendants use is declared (on the root, unless a descendant rebinds a
 * prefix), the source's own declarations are dropped, `&`, `<`, `>` and CR
 * in text and `&`, `<`, `>`, `"`, TAB, LF and CR in attribute values are
 * character references, CDATA sections become text. Comments and processing
 * instructions are written as they are (and rejected by the decoder).
 *
 * @example
 * ```ts
 * elementToXml(doc.createElementNS('urn:xmpp:xmime:0', 'x:mime'));
 * // <x:mime xmlns:x="urn:xmpp:xmime:0"/>
 * ```
 */
export function elementToXml(el: ElementLike): string {
  if (el.nodeType !== 1) throw new TypeError('elementToXml: not an element');
  const w = new Writer(escDomText, escDomAttr);
  type Frame = { el: ElementLike; q: string; i: number };
  const stack: Frame[] = [];
  const start = (e: ElementLike): void => {
    const local = e.localName ?? afterColon(e.nodeName);
    const prefix = e.prefix ?? beforeColon(e.nodeName);
    const attrs: QAttr[] = [];
    const list = e.attributes;
    for (let k = 0; k < list.length; k++) {
      const a = list.item(k)!;
      const ns = a.namespaceURI || '';
      if (ns === XMLNS_NS || (ns === '' && isDecl(a.name))) continue;
      if (ns === '' && a.name.includes(':')) attrs.push({ prefix: beforeColon(a.name), local: afterColon(a.name), ns: undefined, value: a.value });
      else attrs.push({ prefix: a.prefix ?? '', local: a.localName ?? afterColon(a.name), ns, value: a.value });
    }
    const q = w.open({ prefix, local, ns: e.namespaceURI || '' }, attrs, e.childNodes.length === 0);
    if (e.childNodes.length > 0) stack.push({ el: e, q, i: 0 });
  };
  start(el);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i === f.el.childNodes.length) {
      w.close(f.q);
      stack.pop();
      continue;
    }
    const n = f.el.childNodes.item(f.i++)!;
    switch (n.nodeType) {
      case 1:
        start(n as ElementLike);
        break;
      case 3: // text
      case 4: // CDATA section
        w.text(n.nodeValue ?? '');
        break;
      case 7: // processing instruction
        w.raw(`<?${n.nodeName} ${n.nodeValue ?? ''}?>`);
        break;
      case 8: // comment
        w.raw(`<!--${n.nodeValue ?? ''}-->`);
        break;
      default:
        throw new TypeError(`elementToXml: cannot serialize a node of type ${n.nodeType} (${n.nodeName})`);
    }
  }
  return w.result();
}

/**
 * Serializes an ltx element as a standalone XML document, as {@link fromLtx}
 * decodes it: like ltx's own `toString()` (text escapes `&`, `<`, `>`;
 * attribute values `&`, `<`, `>`, `"`, `'`; null attributes and children are
 * skipped), except that every namespace the element and its descendants use
 * is declared, looked up through `parent` when it is inherited, and the
 * source's own declarations are dropped.
 *
 * @example
 * ```ts
 * import parse from '@xmpp/xml/lib/parse.js'; // or take the stanza from a session
 * const stanza = parse('<message xmlns:x="urn:xmpp:xmime:0"><x:mime/></message>');
 * ltxToXml(stanza.children[0]); // <x:mime xmlns:x="urn:xmpp:xmime:0"/>
 * ```
 */
export function ltxToXml(el: LtxElementLike): string {
  if (el === null || typeof el !== 'object' || typeof el.name !== 'string') throw new TypeError('ltxToXml: not an ltx element');
  const w = new Writer(escLtxText, escLtxAttr);
  type Frame = { el: LtxElementLike; q: string; i: number; kids: ReadonlyArray<unknown> };
  const stack: Frame[] = [];
  // The parent chain gives the declarations in scope; a child's parent may be unset
  // (plain objects), so the frames of this walk stand in for it below the root.
  const lookup = (e: LtxElementLike, depth: number, prefix: string): string | undefined => {
    const key = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
    for (let k = depth; k >= 0; k--) {
      const v = declValue(k === depth ? e : stack[k].el, key);
      if (v !== undefined) return v;
    }
    for (let p = depth === 0 ? e.parent : stack[0].el.parent; p; p = p.parent) {
      const v = declValue(p, key);
      if (v !== undefined) return v;
    }
    return prefix === '' ? '' : prefix === 'xml' ? XML_NS : undefined;
  };
  const start = (e: LtxElementLike): void => {
    const depth = stack.length;
    const prefix = beforeColon(e.name);
    const attrs: QAttr[] = [];
    for (const k in e.attrs ?? {}) {
      const v = e.attrs![k];
      if (v === null || v === undefined || isDecl(k)) continue;
      const value = typeof v === 'string' ? v : typeof v === 'number' ? v.toString(10) : String(v);
      if (!k.includes(':')) attrs.push({ prefix: '', local: k, ns: '', value });
      else {
        const p = beforeColon(k);
        attrs.push({ prefix: p, local: afterColon(k), ns: lookup(e, depth, p), value });
      }
    }
    const kids = (e.children ?? []).filter((c) => c !== null && c !== undefined && c !== '');
    const q = w.open({ prefix, local: afterColon(e.name), ns: lookup(e, depth, prefix) }, attrs, kids.length === 0);
    if (kids.length > 0) stack.push({ el: e, q, i: 0, kids });
  };
  start(el);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i === f.kids.length) {
      w.close(f.q);
      stack.pop();
      continue;
    }
    const c = f.kids[f.i++];
    if (typeof c === 'string') w.text(c);
    else if (typeof c === 'number') w.text(c.toString(10));
    else if (typeof c === 'object' && typeof (c as LtxElementLike).name === 'string') start(c as LtxElementLike);
    else throw new TypeError(`ltxToXml: cannot serialize a child of type ${typeof c}`);
  }
  return w.result();
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

function isDecl(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

function beforeColon(q: string): string {
  const k = q.indexOf(':');
  return k < 0 ? '' : q.slice(0, k);
}

function afterColon(q: string): string {
  return q.slice(q.indexOf(':') + 1);
}

function declValue(e: LtxElementLike, key: string): string | undefined {
  const v = e.attrs?.[key];
  return v === null || v === undefined ? undefined : String(v);
}

/** A qualified name to write: `ns` '' is no namespace, undefined an unresolvable prefix (written as it is). */
interface QName {
  prefix: string;
  local: string;
  ns: string | undefined;
}
interface QAttr extends QName {
  value: string;
}

function escDomText(s: string): string {
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => DOM_TEXT[c]) : s;
}
const DOM_TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

function escDomAttr(s: string): string {
  return /[&<>"\t\n\r]/.test(s) ? s.replace(/[&<>"\t\n\r]/g, (c) => DOM_ATTR[c]) : s;
}
const DOM_ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

/** As ltx's escapeXMLText. */
function escLtxText(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/[&<>]/g, (c) => DOM_TEXT[c]) : s;
}

/** As ltx's escapeXML. */
function escLtxAttr(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : DOM_ATTR[c])) : s;
}

/**
 * Writes elements with the namespace declarations they need: each element
 * declares a prefix (or the default namespace) only when the binding in
 * scope in the output differs from the one it uses.
 */
class Writer {
  private readonly parts: string[] = [];
  private readonly b = new Map<string, string[]>([
    ['xml', [XML_NS]],
    ['', ['']],
  ]);
  private readonly declared: string[][] = [];
  private gen = 0;

  constructor(
    private readonly escText: (s: string) => string,
    private readonly escAttr: (s: string) => string,
  ) {}

  private bound(p: string): string | undefined {
    const s = this.b.get(p);
    return s && s.length > 0 ? s[s.length - 1] : undefined;
  }

  private bind(p: string, ns: string, here: string[], decls: string[]): void {
    let s = this.b.get(p);
    if (!s) this.b.set(p, (s = []));
    s.push(ns);
    here.push(p);
    decls.push(` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escDomAttr(ns)}"`);
  }

  /** Writes a start tag (an empty-element tag if `empty`); returns the qualified name for the end tag. */
  open(el: QName, attrs: QAttr[], empty: boolean): string {
    const here: string[] = [];
    const decls: string[] = [];
    if (el.ns !== undefined && el.ns !== XML_NS && this.bound(el.prefix) !== el.ns) this.bind(el.prefix, el.ns, here, decls);
    const q = el.prefix === '' ? el.local : `${el.prefix}:${el.local}`;
    let out = `<${q}`;
    let rest = '';
    for (const a of attrs) {
      let p = a.prefix;
      if (a.ns === '') p = '';
      else if (a.ns === XML_NS) p = 'xml';
      else if (a.ns !== undefined && (p === '' || this.bound(p) !== a.ns)) {
        if (p === '' || p === 'xml' || p === 'xmlns' || p === el.prefix || here.includes(p)) {
          // Find a prefix for the namespace, or make one up.
          p = '';
          for (const [k, s] of this.b) if (k !== '' && s.length > 0 && s[s.length - 1] === a.ns) p = k;
          if (p === '') {
            do p = `ns${++this.gen}`;
            while (this.bound(p) !== undefined);
            this.bind(p, a.ns, here, decls);
          }
        } else this.bind(p, a.ns, here, decls);
      }
      rest += ` ${p === '' ? a.local : `${p}:${a.local}`}="${this.escAttr(a.value)}"`;
    }
    out += decls.join('') + rest;
    this.parts.push(out + (empty ? '/>' : '>'));
    if (empty) this.unbind(here);
    else this.declared.push(here);
    return q;
  }

  close(q: string): void {
    this.parts.push(`</${q}>`);
    this.unbind(this.declared.pop()!);
  }

  private unbind(here: string[]): void {
    for (const p of here) this.b.get(p)!.pop();
  }

  text(s: string): void {
    if (s !== '') this.parts.push(this.escText(s));
  }

  raw(s: string): void {
    this.parts.push(s);
  }

  result(): string {
    return this.parts.join('');
  }
}
