/**
 * A second, deliberately naive XMIME decoder written from the spec over a DOM
 * (@xmldom/xmldom), sharing no code with src/: its `<text>` encoders (spec
 * §7.4, test/support/reference-text.ts) and header-view renderer (§7.6.8,
 * test/support/reference-header.ts) are its own. Used as a differential oracle:
 * whatever the streaming decoder accepts must decode to the same bytes here.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { type Box, renderView, type View } from './reference-header.js';
import { base64Lines, encodeCharset, quotedPrintable, ReferenceError, resolveLabel, utf8Bytes } from './reference-text.js';

export { ReferenceError };

const NS = 'urn:xmpp:xmime:0';

function eolBytes(v: string | null, dflt: number[]): number[] {
  if (v === null) return dflt;
  if (v === 'crlf') return [13, 10];
  if (v === 'lf') return [10];
  if (v === 'none') return [];
  throw new ReferenceError(`bad line-ending value ${v}`);
}

/** Characters to bytes: U+F700..U+F7FF are raw bytes, "\n" the line ending, the rest UTF-8. */
function charsToBytes(s: string, eol: number[] | null, out: number[]): void {
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp >= 0xf700 && cp <= 0xf7ff) out.push(cp - 0xf700);
    else if (cp === 10 && eol !== null) for (const b of eol) out.push(b);
    else if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
}

function attr(e: Element, name: string): string | null {
  return e.hasAttributeNS(null, name) ? e.getAttributeNS(null, name) : null;
}

function children(e: Element): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = e.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const c = n as Element;
      if (c.namespaceURI !== NS) throw new ReferenceError(`foreign element ${c.nodeName}`);
      out.push(c);
    } else if ((n.nodeType === 3 || n.nodeType === 4) && /[^ \t\r\n]/.test(n.nodeValue ?? '')) {
      throw new ReferenceError(`text in <${e.localName}>`);
    }
  }
  return out;
}

function textOf(e: Element): string {
  let s = '';
  for (let n: Node | null = e.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 3 || n.nodeType === 4) s += n.nodeValue;
    else throw new ReferenceError(`element inside <${e.localName}>`);
  }
  return s;
}

export function referenceDecode(xml: string): Uint8Array {
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') throw new ReferenceError(msg);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (root === null || root.namespaceURI !== NS || root.localName !== 'mime') throw new ReferenceError('root is not <mime>');
  const eol = eolBytes(attr(root, 'eol'), [13, 10]);
  const out: number[] = [];
  const boundaries: number[][] = [];

  const leaf = (e: Element) => charsToBytes(textOf(e), eol, out);
  const bytesAttr = (e: Element, n: string, d: string) => {
    const b: number[] = [];
    charsToBytes(attr(e, n) ?? d, null, b);
    return b;
  };

  const entity = (e: Element, isRoot: boolean) => {
    for (const c of children(e)) {
      switch (c.localName) {
        case 'from-line':
          if (!isRoot) throw new ReferenceError('from-line outside the root');
          charsToBytes('From ', null, out);
          leaf(c);
          out.push(...eolBytes(attr(c, 'end'), eol));
          break;
        case 'headers':
          for (const h of children(c)) {
            if (h.localName !== 'header' || attr(h, 'name') === null) throw new ReferenceError('bad header');
            for (const x of [...bytesAttr(h, 'name', ''), ...bytesAttr(h, 'sep', ': ')]) out.push(x);
            if (hasElements(h)) fieldValue(h, eol, out);
            else leaf(h);
            out.push(...eolBytes(attr(h, 'end'), eol));
          }
          out.push(...eolBytes(attr(c, 'end'), eol));
          break;
        case 'body':
          leaf(c);
          break;
        case 'text':
          for (const b of textBytes(c, eol)) out.push(b);
          break;
        case 'message':
          entity(c, false);
          break;
        case 'multipart': {
          const b = bytesAttr(c, 'boundary', '');
          if (b.length === 0) throw new ReferenceError('empty boundary');
          boundaries.push(b);
          let first = true, prev = '';
          for (const p of children(c)) {
            // Consecutive preambles or epilogues are pieces of one (spec §9.7.1): their texts are joined.
            if (p.localName === 'preamble' || (p.localName === 'epilogue' && prev === 'epilogue')) leaf(p);
            else if (p.localName === 'part' || p.localName === 'epilogue') {
              out.push(...eolBytes(attr(p, 'before'), first ? [] : eol), 45, 45, ...b);
              if (p.localName === 'epilogue') out.push(45, 45);
              out.push(...bytesAttr(p, 'pad', ''), ...eolBytes(attr(p, 'after'), eol));
              if (p.localName === 'part') entity(p, false);
              else leaf(p);
            } else throw new ReferenceError(`<${p.localName}> in multipart`);
            first = false;
            prev = p.localName;
          }
          boundaries.pop();
          break;
        }
        default:
          throw new ReferenceError(`<${c.localName}> in an entity`);
      }
    }
  };
  entity(root, true);
  return Uint8Array.from(out);
}

function hasElements(e: Element): boolean {
  for (let n: Node | null = e.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) return true;
  return false;
}

/** The value of a `<header>` with a view (spec §7.6): `<raw>` when present, else the view rendered (§7.6.8). */
function fieldValue(h: Element, eol: number[], out: number[]): void {
  const kids = children(h);
  if (kids[0]?.localName === 'raw') return charsToBytes(textOf(kids[0]), eol, out);
  const nameBytes: number[] = [];
  charsToBytes(attr(h, 'name')!, null, nameBytes);
  const name = String.fromCharCode(...nameBytes);
  const box = (m: Element): Box => (attr(m, 'name') === null ? { addr: attr(m, 'addr')! } : { name: attr(m, 'name')!, addr: attr(m, 'addr')! });
  let view: View;
  switch (kids[0]?.localName) {
    case 'decoded':
      view = { kind: 'text', text: textOf(kids[0]) };
      break;
    case 'date':
      view = { kind: 'date', iso: textOf(kids[0]) };
      break;
    case 'id':
      view = { kind: 'ids', ids: kids.map(textOf) };
      break;
    case 'media':
      view = { kind: 'media', value: attr(kids[0], 'value')!, params: children(kids[0]).map((p) => ({ name: attr(p, 'name')!, value: textOf(p) })) };
      break;
    case 'mailbox':
    case 'group':
      view = { kind: 'addresses', list: kids.map((k) => (k.localName === 'group' ? { group: attr(k, 'name')!, members: children(k).map(box) } : box(k))) };
      break;
    default:
      throw new ReferenceError(`<${kids[0]?.localName}> in a header`);
  }
  out.push(...utf8Bytes(renderView(name, view, eol.length === 2 ? '\r\n' : '\n')));
}

/** A `<text>` element's bytes (spec §7.4): content → *T* → charset → *D* → transfer → *W*. */
function textBytes(e: Element, eol: number[]): number[] {
  const a = (n: string) => attr(e, n);
  const bytes = (n: string) => {
    const b: number[] = [];
    charsToBytes(a(n) ?? '', null, b);
    return new Set(b);
  };
  const num = (n: string, d: number) => {
    const v = a(n);
    if (v !== null && !/^[0-9]+$/.test(v)) throw new ReferenceError(`bad ${n}`);
    return v === null ? d : Number(v);
  };
  const tEol = a('eol') === null ? (eol.length === 2 ? '\r\n' : '\n') : a('eol') === 'lf' ? '\n' : '\r\n';
  let t = '';
  for (const ch of textOf(e)) {
    const cp = ch.codePointAt(0)!;
    t += cp === 10 ? tEol : cp >= 0xf700 && cp <= 0xf7ff ? String.fromCharCode(cp - 0xf700) : ch;
  }
  const enc = resolveLabel(a('charset') ?? 'utf-8');
  if (enc === null) throw new ReferenceError(`unknown charset ${a('charset')}`);
  const d = encodeCharset(t, enc, a('direct') === 'optional');
  switch (a('transfer')) {
    case null:
      return d;
    case 'base64':
      return base64Lines(d, num('line', 76), a('end') !== 'none', num('blank', 0), eol);
    case 'quoted-printable':
      return quotedPrintable(
        d,
        {
          line: num('line', 76),
          lower: a('hex') === 'lower',
          always: bytes('always'),
          start: bytes('start'),
          rawTrailing: a('trailing') === 'raw',
          softSpace: a('soft-space') === 'encoded',
          word: a('wrap') === 'word',
          fill: a('fill') !== 'no',
          breaks: a('breaks') === null ? null : a('breaks')!.split(' ').map(Number),
        },
        eol,
      );
    default:
      throw new ReferenceError(`transfer ${a('transfer')}`);
  }
}
