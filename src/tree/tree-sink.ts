/**
 * Events into an element tree: what the encoder's XML writer would write,
 * as the tree an XML parser would build from it (the same elements,
 * attributes and characters; no indentation), without writing or parsing
 * any XML. The tree API and the embedding of XMIME in host documents (DOM,
 * ltx) are built on it.
 * @module
 */
import { Eol } from '../core/eol.js';
import { attributesOf } from '../xmime/attributes.js';
import { type Attrs, Kind, type Sink } from '../xmime/events.js';
import { bytesToXml, textToXml } from '../xmime/leaf-text.js';
import { concat } from '../core/bytes.js';
import { Content, SCHEMA, TAG } from '../xmime/schema.js';
import type { XNode } from './xml-tree.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

export class TreeSink implements Sink {
  /** The document's root, once it is open. */
  root: XNode | null = null;
  private readonly stack: XNode[] = [];
  /** For each open multipart: has it had a child yet (decides the default of `before`). */
  private readonly mpFirst: boolean[] = [];
  private eol = Eol.CrLf;
  /** The bytes or characters of the open leaf, joined at its end. */
  private readonly parts: (Uint8Array | string)[] = [];
  private textEol = Eol.CrLf;

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Mime) this.eol = a.eol;
    let first = false;
    if (kind === Kind.Part || kind === Kind.Epilogue || kind === Kind.Preamble) {
      first = this.mpFirst[this.mpFirst.length - 1];
      this.mpFirst[this.mpFirst.length - 1] = false;
    }
    if (kind === Kind.Multipart) this.mpFirst.push(true);
    if (kind === Kind.Text) this.textEol = a.form!.eol;
    const node: XNode = { name: TAG[kind], attrs: new Map(attributesOf(kind, a, this.eol, first)), kids: [], text: '', at: 0 };
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.root = node;
    else parent.kids.push(node);
    this.stack.push(node);
    this.parts.length = 0;
  }

  text(d: Uint8Array, s: number, e: number): void {
    this.parts.push(d.slice(s, e));
  }

  chars(c: string | Uint8Array): void {
    this.parts.push(typeof c === 'string' ? c : utf8.decode(c));
  }

  close(kind: Kind): void {
    const node = this.stack.pop()!;
    if (kind === Kind.Multipart) this.mpFirst.pop();
    const content = SCHEMA[kind].content;
    if (content === Content.Elements || content === Content.Empty || node.kids.length > 0) return;
    if (kind === Kind.Text) node.text = textToXml(this.parts.join(''), this.textEol);
    else if (content === Content.Chars) node.text = this.parts.join('');
    else node.text = bytesToXml(concat(this.parts as Uint8Array[]), this.eol);
    this.parts.length = 0;
  }
}
