/**
 * Pieces (spec §9.7.1) in an element tree. The tree of a document has one
 * node per body, preamble or epilogue (the tree sink builds it from the
 * encoder's events, and parsing joins pieces), while the document writes
 * long ones as consecutive pieces. A tree that becomes a host document
 * (toElement, toLtx) is cut the same way, so it too stays within XML
 * processors' limits.
 * @module
 */
import { DEFAULT_MAX_PIECE_BYTES, PIECE_NAMES, pieceTexts } from '../xmime/pieces.js';
import type { XNode } from './xml-tree.js';

/** Cuts every long body, preamble and epilogue of the tree into pieces, in place; returns the root. */
export function cutPieces(root: XNode, maxPieceBytes = DEFAULT_MAX_PIECE_BYTES): XNode {
  if (maxPieceBytes === Infinity) return root;
  const crlf = root.attrs.get('eol') !== 'lf';
  const walk = (n: XNode): void => {
    if (n.kids.length === 0) return;
    n.kids = n.kids.flatMap((k) => {
      walk(k);
      if (!PIECE_NAMES.has(k.name) || k.kids.length > 0 || 3 * k.text.length <= maxPieceBytes) return [k];
      const texts = pieceTexts(k.text, crlf, Math.floor(maxPieceBytes));
      return texts.map((text, i) => (i === 0 ? { ...k, text } : { name: k.name, attrs: new Map(), kids: [], text, at: k.at }));
    });
  };
  walk(root);
  return root;
}
