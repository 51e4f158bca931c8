/**
 * What the XML tokenizer reports to: start tags with resolved names and
 * attributes, character data, end tags.
 * @module
 */
import type { LineFeeds } from '../core/scan.js';

export interface XmlAttr {
  /** Namespace URI, or null for an unprefixed attribute. */
  ns: string | null;
  local: string;
  value: string;
}

/**
 * What the tokenizer reports to. `at` is the byte offset of the tag. The
 * `attrs` array and its objects are reused for the next tag: a handler that
 * keeps them must copy them.
 */
export interface XmlHandler {
  start(ns: string | null, local: string, attrs: XmlAttr[], at: number): void;
  /** Character data d[s, e) (UTF-8, line endings normalized), with what the tokenizer learned of it while scanning, if anything. */
  text(d: Uint8Array, s: number, e: number, hint: TextHint | null): void;
  end(at: number): void;
}

/**
 * What the tokenizer learned about a text piece while scanning it, so its
 * consumer need not look again. Valid only during the `text` call, and only
 * for the buffer `d` it names.
 */
export interface TextHint {
  d: Uint8Array;
  /** The piece is all ASCII. */
  ascii: boolean;
  /** Its line feeds (indexes into `d`). */
  lfs: LineFeeds;
}

