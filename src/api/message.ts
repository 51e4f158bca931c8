/**
 * A tree API over readable XMIME: read headers, parts, text and attachments
 * of a message, edit a header or a part, and write the message back. Only
 * what is edited is regenerated; every other byte comes back exactly, so an
 * untouched signed part still verifies.
 * @module
 */
import { decoderInto, feedAll, toTree, treeToMime, type EncodeOptions } from './codec.js';
import { documentOrBytes, optionsArg } from './guard.js';
import { concat } from '../core/bytes.js';
import { Output } from '../core/output.js';
import { readView } from '../tree/read-view.js';
import { compose } from './compose.js';
import { charsetName, decodeCharset } from '../views/charset.js';
import { carriable, headerView, renderHeader } from '../views/header-views.js';
import { type Group, type HeaderView, type Mailbox, viewKind } from '../views/headers/kinds.js';
import { renderText } from '../views/headers/text.js';
import { attrBytes } from '../xmime/leaf-text.js';
import { b64DecodeLenient, qpDecodeLenient } from '../views/transfer.js';
import { parseTree, serializeTree, type XNode } from '../tree/xml-tree.js';

/**
 * Parses MIME bytes (a `Uint8Array`) or an XMIME document (a `string`) into
 * a message tree. Throws {@link XmimeError} for a string that is not XMIME.
 *
 * @example
 * ```ts
 * const msg = parse(new TextEncoder().encode('Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nFrom: Jo <jo@example.org>\r\n\r\nHi\r\n'));
 * msg.headers.get('subject');        // 'Grüße'
 * msg.headers.addresses('from');     // [{ name: 'Jo', addr: 'jo@example.org' }]
 * msg.text;                          // 'Hi\n'
 * msg.headers.set('Subject', 'Re: Grüße');
 * msg.toMime();                      // the same bytes, but for the Subject field
 * ```
 * @category Message tree
 */
export function parse(input: Uint8Array | string, options: EncodeOptions = {}): XmimeMessage {
  input = documentOrBytes('parse', input, 'a message (MIME)');
  optionsArg('parse', options);
  // A document from elsewhere is checked by the decoder first (out-of-band bodies are not fetched), so
  // the tree is XMIME and its errors are XmimeErrors with a position.
  if (typeof input === 'string') feedAll(decoderInto(new Output(() => {}, 65536, false), {}, () => {}), input);
  return new XmimeMessage(typeof input === 'string' ? parseTree(input).root : toTree(input, options));
}

/**
 * An attachment (or any leaf part that is not the message's text).
 * @category Message tree
 */
export interface Attachment {
  /** The Content-Disposition `filename`, else the Content-Type `name`, decoded; undefined if neither. */
  filename: string | undefined;
  /** Media type, lower case. */
  type: string;
  /** The content, transfer encoding removed. */
  bytes: Uint8Array;
  /** The part itself, to read its headers or replace it. */
  part: XmimeEntity;
}

const te = new TextEncoder();
const BODY = new Set(['body', 'text', 'multipart', 'message', 'external']);

/**
 * The header fields of one entity. Names are case-insensitive.
 * @category Message tree
 */
export class XmimeHeaders {
  constructor(private readonly entity: XmimeEntity) {}

  private get list(): XNode[] {
    return this.entity.node.kids.find((k) => k.name === 'headers')?.kids ?? [];
  }

  private named(name: string): XNode[] {
    const n = name.toLowerCase();
    return this.list.filter((h) => h.attrs.get('name')!.toLowerCase() === n);
  }

  /** Field names in order. */
  names(): string[] {
    return this.list.map((h) => h.attrs.get('name')!);
  }

  /** The first field's value as text (see {@link getAll}), or undefined. */
  get(name: string): string | undefined {
    return this.getAll(name)[0];
  }

  /** Every field's value as text: decoded for text fields (Subject…), else the value unfolded. */
  getAll(name: string): string[] {
    return this.named(name).map((h) => {
      // A text field without a view in the XML (one it cannot hold) is still decoded here.
      const v = viewOf(h) ?? (viewKind(name) === 'text' ? headerView(name, fieldBytes(h, this.entity.eol)) : null);
      return v?.kind === 'text' ? v.text : unfold(fieldText(h, this.entity.eol));
    });
  }

  /** The first field's decoded view (addresses, date, ids, media, text), if it has one. */
  view(name: string): HeaderView | undefined {
    const h = this.named(name)[0];
    return h === undefined ? undefined : (viewOf(h) ?? headerView(name, fieldBytes(h, this.entity.eol)) ?? undefined);
  }

  /** The mailboxes of every field of that name, groups flattened. */
  addresses(name: string): Mailbox[] {
    return this.named(name).flatMap((h) => {
      const v = viewOf(h) ?? headerView(name, fieldBytes(h, this.entity.eol));
      return v?.kind === 'addresses' ? v.list.flatMap((m: Mailbox | Group) => ('group' in m ? m.members : [m])) : [];
    });
  }

  /**
   * Sets the first field of that name (or adds one at the end): a view, or
   * text (parsed as a view for structured fields, written as RFC 2047 text
   * for others). Only this field's bytes change.
   */
  set(name: string, value: string | HeaderView): void {
    const node = fieldNode(name, value, this.entity.eol);
    const h = this.named(name)[0];
    if (h === undefined) return this.add(name, value);
    const end = h.attrs.get('end');
    if (end !== undefined) node.attrs.set('end', end);
    Object.assign(h, node);
  }

  /** Adds a field at the end of the header section. */
  add(name: string, value: string | HeaderView): void {
    const headers = this.entity.headersNode();
    lineEnded(headers.kids);
    headers.kids.push(fieldNode(name, value, this.entity.eol));
  }

  /** Removes every field of that name. */
  remove(name: string): void {
    const headers = this.entity.node.kids.find((k) => k.name === 'headers');
    if (headers !== undefined) headers.kids = headers.kids.filter((h) => h.attrs.get('name')!.toLowerCase() !== name.toLowerCase());
  }
}

/**
 * An entity: the message, a part, or a forwarded message.
 * @category Message tree
 */
export class XmimeEntity {
  /** This entity's header fields. */
  readonly headers = new XmimeHeaders(this);

  /** @internal */
  constructor(
    /** @internal */ readonly node: XNode,
    /** @internal */ readonly eol: '\r\n' | '\n',
    private readonly parent: XmimeEntity | null,
  ) {}

  private get body(): XNode | undefined {
    return this.node.kids.find((k) => BODY.has(k.name));
  }

  /** The media type, lower case (`text/plain` when there is no Content-Type). */
  get type(): string {
    const v = this.headers.view('content-type');
    return v?.kind === 'media' ? v.value : 'text/plain';
  }

  /** The parts of a multipart, or the message of a message/rfc822 part, in order. */
  get parts(): XmimeEntity[] {
    const b = this.body;
    if (b?.name === 'message') return [new XmimeEntity(b, this.eol, this)];
    if (b?.name !== 'multipart') return [];
    return b.kids.filter((k) => k.name === 'part').map((p) => new XmimeEntity(p, this.eol, this));
  }

  /** Content-Disposition `attachment`, or a `filename`/`name` parameter. */
  get filename(): string | undefined {
    for (const [field, param] of [['content-disposition', 'filename'], ['content-type', 'name']]) {
      const v = this.headers.view(field);
      const p = v?.kind === 'media' ? v.params.find((x) => x.name === param) : undefined;
      if (p !== undefined) return p.value;
    }
    return undefined;
  }

  /** The body exactly as in the MIME (transfer encoding included); empty for none. */
  bodyBytes(): Uint8Array {
    const b = this.body;
    if (b === undefined) return new Uint8Array();
    const doc: XNode = { name: 'mime', attrs: new Map(this.eol === '\n' ? [['eol', 'lf']] : []), kids: [b], text: '', at: 0 };
    return treeToMime(doc);
  }

  /** The body's content: transfer encoding removed (base64 and quoted-printable, read leniently). */
  content(): Uint8Array {
    const cte = (this.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
    const w = this.bodyBytes();
    return cte === 'base64' ? b64DecodeLenient(w) : cte === 'quoted-printable' ? qpDecodeLenient(w) : w;
  }

  /** The text of a `text/*` leaf part, line breaks as "\n"; undefined for other parts. */
  get text(): string | undefined {
    return this.bodyText();
  }

  /** The text of this entity's own body, if it is a `text/*` leaf. */
  bodyText(): string | undefined {
    const b = this.body;
    if (!this.type.startsWith('text/') || this.parts.length > 0) return undefined;
    if (b === undefined) return ''; // an empty body has no element
    if (b.name !== 'text' && b.name !== 'body') return undefined;
    if (b.name === 'text') {
      // Back to the characters first (a line feed is the text's line ending, U+F7xx a control), then
      // line breaks as for <body>: a bare CR before CR LF is a line break of its own there too.
      const eol = b.attrs.get('eol') === 'lf' ? '\n' : b.attrs.get('eol') === 'crlf' ? '\r\n' : this.eol;
      return b.text.replace(/[\n\uf700-\uf7ff]/g, (c) => (c === '\n' ? eol : String.fromCharCode(c.charCodeAt(0) - 0xf700))).replace(/\r\n?/g, '\n');
    }
    const v = this.headers.view('content-type');
    const label = (v?.kind === 'media' ? v.params.find((p) => p.name === 'charset')?.value : undefined) ?? 'utf-8';
    const d = this.content();
    return (decodeCharset(charsetName(label) ?? 'utf-8', d) ?? new TextDecoder().decode(d)).replace(/\r\n?/g, '\n');
  }

  /**
   * Replaces this entity's body with `text` (UTF-8, in the transfer encoding
   * compose chooses), and its Content-Type and Content-Transfer-Encoding to
   * match; its other header fields keep their bytes. Only this entity is
   * regenerated.
   */
  setText(text: string, subtype = 'plain'): void {
    // The new Content-Type, Content-Transfer-Encoding and body, composed on their own and read back as XMIME.
    const media: HeaderView = { kind: 'media', value: `text/${subtype}`, params: [{ name: 'charset', value: 'utf-8' }] };
    const doc = el('mime', [el('headers', [fieldNode('Content-Type', media, '\r\n')]), { ...el('text', []), text }]);
    const mime = compose(serializeTree(doc), { date: false, messageId: false, entity: true, avoid: this.boundaries() });
    const fresh = toTree(mime);
    const freshFields = fresh.kids.find((k) => k.name === 'headers')!.kids;
    const freshBody = fresh.kids.find((k) => BODY.has(k.name));
    // Spliced in: the other fields keep their nodes (their bytes); "\n" in the new
    // nodes now stands for this document's line ending, so an LF message stays LF.
    const headers = this.headersNode();
    const isContent = (h: XNode) => /^content-(type|transfer-encoding)$/i.test(h.attrs.get('name')!);
    let at = headers.kids.findIndex(isContent);
    if (at < 0) at = headers.kids.length;
    headers.kids = headers.kids.filter((h) => !isContent(h)); // fields before `at` are all kept, so `at` still points there
    if (at === headers.kids.length) lineEnded(headers.kids);
    headers.kids.splice(at, 0, ...freshFields);
    this.node.kids = this.node.kids.filter((k) => !BODY.has(k.name));
    if (freshBody !== undefined) this.node.kids.push(freshBody);
  }

  /** @internal This entity's `<headers>`, created (after a From line) if it has none. */
  headersNode(): XNode {
    let headers = this.node.kids.find((k) => k.name === 'headers');
    if (headers === undefined) {
      headers = el('headers', []);
      this.node.kids.splice(this.node.kids[0]?.name === 'from-line' ? 1 : 0, 0, headers);
    }
    return headers;
  }

  /** The delimiters of every enclosing multipart, which new content must not contain. */
  private boundaries(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let e = this.parent; e !== null; e = e.parent) {
      const b = e.node.kids.find((k) => k.name === 'multipart')?.attrs.get('boundary');
      if (b !== undefined) out.push(concat([te.encode('--'), attrBytes(b)]));
    }
    return out;
  }
}

/** The last field, when a field follows it, must end its line. */
function lineEnded(fields: XNode[]): void {
  const last = fields[fields.length - 1];
  if (last?.attrs.get('end') === 'none') last.attrs.delete('end');
}


/**
 * A whole message.
 * @category Message tree
 */
export class XmimeMessage extends XmimeEntity {
  /** @internal */
  constructor(root: XNode) {
    super(root, root.attrs.get('eol') === 'lf' ? '\n' : '\r\n', null);
  }

  /** Every leaf entity, depth first (forwarded messages included). */
  leaves(): XmimeEntity[] {
    const out: XmimeEntity[] = [];
    const walk = (e: XmimeEntity) => {
      const p = e.parts;
      if (p.length === 0) out.push(e);
      else p.forEach(walk);
    };
    walk(this);
    return out;
  }

  /** The first text/plain leaf that is not an attachment, as text. */
  override get text(): string | undefined {
    return this.leaves().find((e) => e.type === 'text/plain' && !isAttachment(e))?.bodyText();
  }

  /** The first text/html leaf that is not an attachment. */
  get html(): string | undefined {
    return this.leaves().find((e) => e.type === 'text/html' && !isAttachment(e))?.bodyText();
  }

  /**
   * Leaves that are attachments: marked so, or not text. A message that is
   * one such leaf (a single-part PDF, a text marked as an attachment) is its
   * own attachment, if it has a body.
   */
  attachments(): Attachment[] {
    return this.leaves()
      .filter((e) => (e !== (this as XmimeEntity) || e.bodyBytes().length > 0) && (isAttachment(e) || !e.type.startsWith('text/')))
      .map((e) => ({ filename: e.filename, type: e.type, bytes: e.content(), part: e }));
  }

  /** The message as XMIME. */
  toXml(): string {
    return serializeTree(this.node);
  }

  /** The message as MIME bytes. */
  toMime(): Uint8Array {
    return treeToMime(this.node);
  }
}

function isAttachment(e: XmimeEntity): boolean {
  const v = e.headers.view('content-disposition');
  return v?.kind === 'media' && v.value === 'attachment';
}

function el(name: string, kids: XNode[], attrs: [string, string][] = []): XNode {
  return { name, attrs: new Map(attrs), kids, text: '', at: 0 };
}

/** The view a header node carries, if any (the tree was checked by the decoder, so nothing fails). */
function viewOf(h: XNode): HeaderView | null {
  return h.kids.length === 0 ? null : readView(h, (_, code, detail) => {
    throw new Error(`${code}: ${detail}`);
  });
}

/** A header's value as XMIME leaf text ("\n" for the line ending, U+F7xx for bytes). */
function fieldText(h: XNode, eol: string): string {
  const raw = h.kids.find((x) => x.name === 'raw');
  if (raw !== undefined) return raw.text;
  const v = viewOf(h);
  if (v === null) return h.text;
  return new TextDecoder().decode(renderHeader(h.attrs.get('name')!, v, eol as '\r\n')).replace(/\r\n/g, '\n');
}

/** A header's value as bytes. */
function fieldBytes(h: XNode, eol: string): Uint8Array {
  return attrBytes(fieldText(h, eol).replace(/\n/g, eol));
}

function unfold(s: string): string {
  return s.replace(/\n(?=[ \t])/g, '').replace(/[\uf700-\uf7ff]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xf700));
}

/** A new header node: a view in place, or rendered text. */
function fieldNode(name: string, value: string | HeaderView, eol: string): XNode {
  const kind = viewKind(name);
  let view: HeaderView | null = typeof value === 'string' ? null : value;
  if (view === null && kind !== null && kind !== 'text') view = headerView(name, te.encode(value as string));
  if (view === null && kind === 'text') view = { kind: 'text', text: value as string };
  const h = el('header', [], [['name', name]]);
  // A view whose strings XML text cannot hold as they are (controls, U+F7xx…) is written as its rendering, which encodes them.
  const rendered = view === null ? renderText(name, value as string, eol as '\r\n') : renderHeader(name, view, eol as '\r\n'); // RangeError: no wire form
  if (view !== null && carriable(view)) h.kids = viewNodes(view);
  else h.text = new TextDecoder().decode(rendered).replace(/\r\n/g, '\n');
  return h;
}

function viewNodes(v: HeaderView): XNode[] {
  const mailbox = (m: Mailbox) => el('mailbox', [], m.name === undefined ? [['addr', m.addr]] : [['name', m.name], ['addr', m.addr]]);
  switch (v.kind) {
    case 'text':
      return [{ ...el('decoded', []), text: v.text }];
    case 'date':
      return [{ ...el('date', []), text: v.iso }];
    case 'ids':
      return v.ids.map((id) => ({ ...el('id', []), text: id }));
    case 'media':
      return [el('media', v.params.map((p) => ({ ...el('param', [], [['name', p.name]]), text: p.value })), [['value', v.value]])];
    case 'addresses':
      return v.list.map((m) => ('group' in m ? el('group', m.members.map(mailbox), [['name', m.group]]) : mailbox(m)));
  }
}
