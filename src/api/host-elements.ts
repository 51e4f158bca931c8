/**
 * The host libraries' elements, typed structurally (never imported): a DOM
 * (browser, @xmldom/xmldom) and @xmpp/xml / ltx.
 * @module
 */

/**
 * What {@link toElement} needs of a host document: a browser `Document`, an
 * `@xmldom/xmldom` `Document`, or anything with the same two methods.
 *
 * @example
 * ```ts
 * const doc: DocumentLike<Element> = document; // or an @xmldom/xmldom Document, or Strophe.xmlGenerator()
 * ```
 * @category XMPP
 */
export interface DocumentLike<E extends BuildElementLike = BuildElementLike> {
  /** Creates an element in a namespace (`null`: none), as `Document.createElementNS`. */
  createElementNS(namespace: string | null, qualifiedName: string): E;
  /** Creates a text node, as `Document.createTextNode`. */
  createTextNode(data: string): unknown;
}

/**
 * What {@link toElement} needs of the elements it creates.
 *
 * @example
 * ```ts
 * const el: BuildElementLike = document.createElementNS('urn:xmpp:xmime:0', 'mime');
 * ```
 * @category XMPP
 */
export interface BuildElementLike {
  /** Sets an attribute without a namespace, as `Element.setAttribute`. */
  setAttribute(qualifiedName: string, value: string): void;
  /** Sets an attribute in a namespace (`xmlns` declarations too), as `Element.setAttributeNS`. */
  setAttributeNS(namespace: string | null, qualifiedName: string, value: string): void;
  /** Appends a child element or text node, as `Node.appendChild`. */
  appendChild(node: unknown): unknown;
}

/**
 * A node as {@link fromElement} reads it: the DOM `Node` properties it uses.
 *
 * @example
 * ```ts
 * const n: NodeLike = document.createTextNode('Hi');
 * ```
 * @category XMPP
 */
export interface NodeLike {
  /** The DOM node type: 1 element, 3 text, 4 CDATA section, 7 processing instruction, 8 comment. */
  readonly nodeType: number;
  /** The node's name (a processing instruction's target). */
  readonly nodeName: string;
  /** The text of a text, CDATA, comment or processing instruction node; `null` for an element. */
  readonly nodeValue: string | null;
}

/**
 * An attribute as {@link fromElement} reads it (a DOM `Attr`).
 *
 * @example
 * ```ts
 * const a: AttrLike = el.attributes[0];
 * ```
 * @category XMPP
 */
export interface AttrLike {
  /** The qualified name as written (`xmlns:x`, `charset`). */
  readonly name: string;
  /** The attribute's value. */
  readonly value: string;
  /** Its namespace, `null` for none (an unprefixed attribute). */
  readonly namespaceURI: string | null;
  /** Its prefix, `null` for none. */
  readonly prefix: string | null;
  /** Its local name (`null` in DOM level 1 nodes; `name` is used then). */
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
 * @category XMPP
 */
export interface ElementLike extends NodeLike {
  /** The element's namespace, `null` for none. */
  readonly namespaceURI: string | null;
  /** Its local name. */
  readonly localName: string | null;
  /** Its prefix, `null` for none. */
  readonly prefix: string | null;
  /** Its attributes (a `NamedNodeMap`: `length` and `item(i)`). */
  readonly attributes: {
    /** How many attributes. */
    readonly length: number;
    /** The attribute at `index`. */
    item(index: number): AttrLike | null;
  };
  /** Its children (a `NodeList`: `length` and `item(i)`). */
  readonly childNodes: {
    /** How many children. */
    readonly length: number;
    /** The child at `index`. */
    item(index: number): NodeLike | null;
  };
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
 * @category XMPP
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
 * @category XMPP
 */
export interface LtxElementLike {
  /** The qualified name as written (`"mime"`, `"x:mime"`). */
  readonly name: string;
  /** Attributes, namespace declarations (`xmlns`, `xmlns:*`) included. */
  readonly attrs?: Readonly<Record<string, unknown>> | null;
  /** Child elements and text strings, in order. */
  readonly children?: ReadonlyArray<unknown> | null;
  /** The enclosing element, for namespaces declared above this one. */
  readonly parent?: LtxElementLike | null;
}
