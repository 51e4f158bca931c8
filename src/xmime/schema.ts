/**
 * The XMIME schema as one table (spec §5–§8, spec/xmime.rng): for each
 * element kind its name, what its content is, its attributes and which
 * children it takes in which order. The writer, the reader and the tree
 * code read names, leaf-ness, attributes and content models from here.
 * @module
 */
import { Kind } from './events.js';

/** What an element holds. */
export const enum Content {
  /** Only child elements (white space between them is indentation). */
  Elements,
  /** Text that is MIME bytes (spec §7.1). */
  Bytes,
  /** `<header>`: its value as bytes, or `<raw>` and a view (spec §7.6). */
  BytesOrView,
  /** Text that is Unicode characters: decoded text (`<text>`) or a view's text. */
  Chars,
  /** Nothing: all it says is in its attributes. */
  Empty,
}

/** One place in a content model: which kinds may stand there, and whether more than one may. */
export interface Slot {
  kinds: readonly Kind[];
  many: boolean;
}

export interface ElementRule {
  tag: string;
  content: Content;
  /** Unprefixed attributes it may carry (attributes of other namespaces are ignored). */
  attrs: readonly string[];
  /** Attributes it must carry (beyond these, the reader checks `<header>`, `<multipart>` and `<external>` itself). */
  required?: readonly string[];
  /** Its children, in order, each slot optional (empty when it holds no elements). */
  model: readonly Slot[];
  /** An element of a header view (spec §7.6). */
  view: boolean;
}

const one = (...kinds: Kind[]): Slot => ({ kinds, many: false });
const many = (...kinds: Kind[]): Slot => ({ kinds, many: true });
const BODIES = one(Kind.Body, Kind.Text, Kind.External, Kind.Multipart, Kind.Message);

/** The rules, indexed by {@link Kind}. */
export const SCHEMA: readonly ElementRule[] = [
  { tag: 'mime', content: Content.Elements, attrs: ['eol'], model: [one(Kind.FromLine), one(Kind.Headers), BODIES], view: false },
  { tag: 'from-line', content: Content.Bytes, attrs: ['end'], model: [], view: false },
  { tag: 'headers', content: Content.Elements, attrs: ['end'], model: [many(Kind.Header)], view: false },
  { tag: 'header', content: Content.BytesOrView, attrs: ['name', 'sep', 'end'], model: [], view: false },
  { tag: 'body', content: Content.Bytes, attrs: [], model: [], view: false },
  { tag: 'multipart', content: Content.Elements, attrs: ['boundary'], model: [one(Kind.Preamble), many(Kind.Part), one(Kind.Epilogue)], view: false },
  { tag: 'preamble', content: Content.Bytes, attrs: [], model: [], view: false },
  { tag: 'part', content: Content.Elements, attrs: ['before', 'pad', 'after'], model: [one(Kind.Headers), BODIES], view: false },
  { tag: 'epilogue', content: Content.Bytes, attrs: ['before', 'pad', 'after'], model: [], view: false },
  { tag: 'message', content: Content.Elements, attrs: [], model: [one(Kind.Headers), BODIES], view: false },
  {
    tag: 'text',
    content: Content.Chars,
    attrs: ['charset', 'transfer', 'eol', 'direct', 'line', 'end', 'blank', 'hex', 'always', 'start', 'trailing', 'soft-space', 'breaks', 'wrap', 'fill'],
    model: [],
    view: false,
  },
  { tag: 'external', content: Content.Empty, attrs: ['uri', 'size', 'sha256', 'type'], model: [], view: false },
  { tag: 'raw', content: Content.Bytes, attrs: [], model: [], view: false },
  { tag: 'decoded', content: Content.Chars, attrs: [], model: [], view: true },
  { tag: 'mailbox', content: Content.Empty, attrs: ['name', 'addr'], required: ['addr'], model: [], view: true },
  { tag: 'group', content: Content.Elements, attrs: ['name'], required: ['name'], model: [many(Kind.Mailbox)], view: true },
  { tag: 'date', content: Content.Chars, attrs: [], model: [], view: true },
  { tag: 'id', content: Content.Chars, attrs: [], model: [], view: true },
  { tag: 'media', content: Content.Elements, attrs: ['value'], required: ['value'], model: [many(Kind.Param)], view: true },
  { tag: 'param', content: Content.Chars, attrs: ['name'], required: ['name'], model: [], view: true },
];

/** Element local names, indexed by {@link Kind}. */
export const TAG: readonly string[] = SCHEMA.map((r) => r.tag);

/** The kind of the element named `local`, or -1 if XMIME has none. */
export function kindOf(local: string): Kind | -1 {
  return TAG.indexOf(local) as Kind | -1; // the names are interned strings: a scan of 20 beats a Map's hashing (measured)
}

/** Kinds whose content is the text of a MIME construct (bytes), or decoded text (`<text>`). */
export function isLeaf(k: Kind): boolean {
  const c = SCHEMA[k].content;
  return c === Content.Bytes || c === Content.BytesOrView || k === Kind.Text;
}

/** Elements of a header view (their text, where they have any, is Unicode, not bytes). */
export function isView(k: Kind): boolean {
  return SCHEMA[k].view;
}

/**
 * Where `child` goes in `parent`'s content model, given `phase`, the number
 * of slots already passed: the new phase, -1 if `parent` never takes
 * `child`, or -2 if it does but not here (out of order or once too often).
 */
export function placeIn(parent: Kind, child: Kind, phase: number): number {
  const model = SCHEMA[parent].model;
  let known = false;
  for (let j = 0; j < model.length; j++) {
    if (!model[j].kinds.includes(child)) continue;
    known = true;
    if (j >= phase || (j === phase - 1 && model[j].many)) return j + 1;
  }
  return known ? -2 : -1;
}

/** The first attribute `kind` requires that `has` says is missing, or null. */
export function missingAttribute(kind: Kind, has: (name: string) => boolean): string | null {
  for (const name of SCHEMA[kind].required ?? []) if (!has(name)) return name;
  return null;
}
