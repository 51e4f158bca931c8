/**
 * A small element tree of an XMIME document, for the paths that need the
 * whole document at once (authoring). Built on the streaming XML tokenizer,
 * so it accepts exactly the restricted XML the decoder accepts and reports
 * errors the same way.
 * @module
 */
import { NS } from '../xmime/events.js';
import { escapeAttr, escapeText } from '../xmime/xml-escape.js';
import { type ErrorCode, XmimeError } from '../core/errors.js';
import { excerptAt, lineColumn } from '../core/excerpt.js';
import { type DecodeLimits, XmlTokenizer } from '../decode/xml-tokenizer.js';
import { type XmlHandler } from '../decode/xml-handler.js';
import type { Reporter } from '../decode/reporter.js';

/** One element: its XMIME-namespace local name, unqualified attributes, children and text. */
export interface XNode {
  name: string;
  attrs: Map<string, string>;
  kids: XNode[];
  /** All character data directly inside, concatenated. */
  text: string;
  /** Byte offset of the start tag in the input. */
  at: number;
}

/** A parsed document, with what is needed to locate errors in it. */
export class XTree {
  constructor(
    readonly root: XNode,
    private readonly input: Uint8Array,
  ) {}

  /** An error located at `node`'s start tag (line and column computed now, only for errors). */
  error(node: XNode, code: ErrorCode, detail: string): XmimeError {
    const { line, column } = lineColumn(this.input, node.at);
    return new XmimeError(code, detail, node.at, line, column, excerptAt(this.input, node.at));
  }

}

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

class Builder implements XmlHandler {
  root: XNode | null = null;

  constructor(private readonly tok: Reporter) {}

  private readonly stack: { node: XNode; dec: TextDecoder | null }[] = [];

  start(ns: string | null, local: string, attrs: { ns: string | null; local: string; value: string }[], at: number): void {
    if (ns !== NS) this.tok.fail('xmime-namespace', `<${local}> is in namespace ${ns === null ? '(none)' : `"${ns}"`}, not "${NS}"`, at);
    const node: XNode = { name: local, attrs: new Map(), kids: [], text: '', at };
    for (const a of attrs) {
      if (a.ns === NS) this.tok.fail('xmime-attribute', `<${local}> has no attribute "${a.local}" in the XMIME namespace; XMIME attributes are unprefixed`, at);
      if (a.ns === null) node.attrs.set(a.local, a.value); // other namespaces: extensions, ignored
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.root = node;
    else parent.node.kids.push(node);
    this.stack.push({ node, dec: null });
  }

  text(d: Uint8Array, s: number, e: number): void {
    const top = this.stack[this.stack.length - 1];
    top.dec ??= new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is content
    top.node.text += top.dec.decode(d.subarray(s, e), { stream: true });
  }

  end(): void {
    const top = this.stack.pop()!;
    if (top.dec !== null) top.node.text += top.dec.decode();
  }
}

/**
 * Parses a whole document into a tree. Every element must be in the XMIME
 * namespace; attributes in other namespaces are dropped.
 */
export function parseTree(xml: string | Uint8Array, limits: DecodeLimits = {}): XTree {
  if (typeof xml === 'string' && LONE.test(xml)) {
    const at = new TextEncoder().encode(xml.slice(0, LONE.exec(xml)!.index)).length;
    throw new XTree({ name: '', attrs: new Map(), kids: [], text: '', at }, new TextEncoder().encode(xml)).error({ name: '', attrs: new Map(), kids: [], text: '', at }, 'xml-char', 'a lone surrogate is not a character');
  }
  const input = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml;
  let b: Builder;
  const tok = new XmlTokenizer((report) => (b = new Builder(report)), limits);
  tok.push(input);
  tok.end();
  return new XTree(b!.root!, input);
}

/**
 * Writes a tree as XMIME text. Elements with children are indented (white
 * space there carries nothing); the text of the others is written exactly,
 * escaped so that XML parsing gives it back (CR as `&#13;`, and TAB, LF and
 * CR in attributes as references, which attribute normalization keeps).
 */
export function serializeTree(root: XNode): string {
  const out: string[] = [];
  const write = (n: XNode, depth: number): void => {
    out.push('<', n.name);
    if (depth === 0) out.push(` xmlns="${NS}"`);
    for (const [k, v] of n.attrs) out.push(' ', k, '="', escapeAttr(v), '"');
    if (n.kids.length > 0) {
      out.push('>');
      for (const k of n.kids) {
        out.push('\n', '  '.repeat(depth + 1));
        write(k, depth + 1);
      }
      out.push('\n', '  '.repeat(depth), '</', n.name, '>');
    } else if (n.text !== '') out.push('>', escapeText(n.text), '</', n.name, '>');
    else out.push('/>');
  };
  write(root, 0);
  out.push('\n');
  return out.join('');
}
