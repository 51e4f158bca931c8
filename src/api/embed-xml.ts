/**
 * Host elements as XMIME text: a DOM element or an ltx element serialized
 * with every namespace it uses declared (also one inherited from an ancestor
 * such as the stanza), for the decoder to read.
 * @module
 */
import { XML_NS, XMLNS_NS } from '../decode/namespaces.js';
import type { ElementLike, LtxElementLike } from './host-elements.js';

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
 * @category XMPP
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
 * ltxToXml(stanza.getChild('mime', 'urn:xmpp:xmime:0')!); // <x:mime xmlns:x="urn:xmpp:xmime:0"/>
 * ```
 * @category XMPP
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
