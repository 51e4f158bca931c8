/**
 * A tree fed to the decoder's stages as the XML tokenizer would feed the
 * document {@link serializeTree} writes of it, so that a tree becomes MIME
 * without being written as XML and read back. White space between elements,
 * which carries nothing, is not sent; an element's text is sent only when it
 * has no children, as serializeTree writes it.
 * @module
 */
import { NS } from '../xmime/events.js';
import { type ErrorCode, XmimeError } from '../core/errors.js';
import type { Reporter } from '../decode/reporter.js';
import type { XmlAttr, XmlHandler } from '../decode/xml-handler.js';
import type { XNode } from './xml-tree.js';

/**
 * What the walk leaves to the tree's serialization to decide: an error (a
 * tree has no text to point into, its serialization has), or a limit the
 * walk checks only roughly. See `treeToMime` in ../api/codec.ts.
 */
export class TreeWalkError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** What XML cannot hold (not a Char of XML 1.0 §2.2, a lone surrogate included): serializeTree would write it and the tokenizer refuse it. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const enc = new TextEncoder();

function checked(s: string): string {
  if (NOT_XML_CHAR.test(s)) throw new TreeWalkError('xml-char', 'a character XML cannot hold');
  return s;
}

/**
 * Walks `root` into the handler that `make` builds. Throws a TreeWalkError for
 * whatever the XML tokenizer might refuse in the serialization: characters XML
 * cannot hold, depth over `maxDepth`, and a start tag that could be longer than
 * `maxTag` bytes (bounded from above: 10 bytes per UTF-16 unit covers any escape).
 */
export function walkTree(root: XNode, make: (report: Reporter) => XmlHandler, maxDepth: number, maxTag: number): void {
  let at = 0;
  const report: Reporter = {
    here: () => at,
    offsetOf: () => at,
    error: (code, detail) => new TreeWalkError(code, detail) as unknown as XmimeError,
    fail: (code, detail) => {
      throw new TreeWalkError(code, detail);
    },
  };
  const h = make(report);
  const attrs: XmlAttr[] = [];
  const walk = (n: XNode, depth: number): void => {
    if (depth > maxDepth) throw new TreeWalkError('limit-depth', `elements nested deeper than ${maxDepth}`);
    at = n.at;
    attrs.length = 0;
    let tag = 64 + n.name.length; // '<', the name, the root's xmlns, '/>'
    for (const [local, value] of n.attrs) {
      attrs.push({ ns: null, local, value: checked(value) });
      tag += local.length + 4 + 10 * value.length;
    }
    if (tag > maxTag) throw new TreeWalkError('limit-tag', 'a start tag that may be too long');
    h.start(NS, n.name, attrs, at);
    if (n.kids.length > 0) for (const k of n.kids) walk(k, depth + 1);
    else if (n.text !== '') {
      const b = enc.encode(checked(n.text));
      h.text(b, 0, b.length, null);
    }
    at = n.at;
    h.end(at);
  };
  walk(root, 1);
}
