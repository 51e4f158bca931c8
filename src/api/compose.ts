/**
 * Authoring: minimal XMIME (headers as views, text, attachments, parts; no
 * wire details) in, new standard MIME out (spec §9.10). The output is what a
 * careful mail client writes: CRLF, folded headers, RFC 2047 and RFC 2231 for
 * non-ASCII, `MIME-Version`, UTF-8 text in the lightest safe transfer
 * encoding, base64 attachments, boundaries that occur nowhere in the content,
 * and `Date` and `Message-ID` when the message has none.
 * @module
 */
import { optionsArg, xmlInput } from './guard.js';
import type { ErrorCode } from '../core/errors.js';
import { checkView, headerView, renderHeader } from '../views/header-views.js';
import { type HeaderView, viewKind } from '../views/headers/kinds.js';
import { renderText } from '../views/headers/text.js';
import { b64DecodeString, b64Encode, qpEncode } from '../views/transfer.js';
import { readView } from '../tree/read-view.js';
import { attrBytes } from '../xmime/leaf-text.js';
import { concat } from '../core/bytes.js';
import { renderDate } from '../views/headers/date.js';
import { parseTree, type XNode, type XTree } from '../tree/xml-tree.js';

/**
 * Options of {@link compose}.
 * @category Authoring
 */
export interface ComposeOptions {
  /**
   * The `Date` a message without one gets; `false`: add none. Default: now.
   * (Only the top-level message gets one: a forwarded message keeps its own.)
   */
  date?: Date | false;
  /** Add a `Message-ID` when the message has none (default true), or this id (without angle brackets). */
  messageId?: boolean | string;
  /** Random numbers in [0, 1) for boundaries and ids. Default: Web Crypto. */
  random?: () => number;
  /** @internal The root is a part being regenerated (no MIME-Version, Date or Message-ID). */
  entity?: boolean;
  /** @internal Byte strings the text must not contain once encoded (an enclosing boundary): base64 then. */
  avoid?: Uint8Array[];
}

const CRLF = '\r\n';
const te = new TextEncoder();
/** Body elements an authored entity may hold. */
const BODIES = new Set(['text', 'attachment', 'multipart', 'message', 'body']);
/** Standard QP: 76 columns, upper-case hex, trailing white space encoded. */
const QP = { line: 76, lower: false, always: '', start: '', rawTrailing: false, softSpace: false, word: false, fill: true, breaks: null };

/** A header field as it will be written: name and value bytes (no line ending). */
interface Field {
  name: string;
  value: Uint8Array;
  /** The view it was rendered from, if any. */
  view?: HeaderView;
}

/**
 * Turns minimal XMIME into new MIME. The document's `header`s hold views
 * (spec §7.6) or plain values; its bodies are `text` (Unicode, any length,
 * CR and LF included), `attachment` (base64 of the file, with `type` and
 * `filename`), `multipart` (no boundary needed; `multipart/mixed` unless the
 * entity's Content-Type says otherwise) and `message` (a forwarded message).
 * Header fields the document gives are kept, in order; what MIME needs and
 * is missing is added after them.
 *
 * @example
 * ```ts
 * const mime = compose(`<mime xmlns="urn:xmpp:xmime:0">
 *   <headers>
 *     <header name="From"><mailbox name="Jörg" addr="joerg@example.de"/></header>
 *     <header name="Subject"><decoded>Grüße</decoded></header>
 *   </headers>
 *   <text>Hallo!</text>
 * </mime>`);
 * // From: =?UTF-8?B?SsO2cmc=?= <joerg@example.de>
 * // Subject: =?UTF-8?B?R3LDvMOfZQ==?=
 * // Date: …, Message-ID: <…@example.de>, MIME-Version: 1.0,
 * // Content-Type: text/plain; charset=utf-8, then "Hallo!"
 * ```
 * @throws XmimeError, located at the element, for a document that is not
 *   minimal XMIME (codes as for {@link toMime}, and `xmime-author` for what
 *   cannot be authored, e.g. a multipart whose Content-Type is not multipart).
 * @category Authoring
 */
export function compose(xml: string | Uint8Array, options: ComposeOptions = {}): Uint8Array {
  xml = xmlInput('compose(xml)', xml);
  optionsArg('compose', options);
  const tree = parseTree(xml);
  if (tree.root.name !== 'mime') throw tree.error(tree.root, 'xmime-placement', `the root is <mime>, not <${tree.root.name}>`);
  return new Composer(tree, options).entity(tree.root, options.entity !== true);
}

class Composer {
  private readonly random: () => number;

  constructor(
    private readonly tree: XTree,
    private readonly options: ComposeOptions,
  ) {
    this.random = options.random ?? (() => crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32);
  }

  private fail(node: XNode, code: ErrorCode, detail: string): never {
    throw this.tree.error(node, code, detail);
  }

  /** An entity (mime, part, message): its header section and body. */
  entity(node: XNode, top: boolean): Uint8Array {
    let headersNode: XNode | null = null, body: XNode | null = null;
    for (const k of node.kids) {
      if (k.name === 'headers' && headersNode === null && body === null) headersNode = k;
      else if (BODIES.has(k.name) && body === null) body = k;
      else this.fail(k, 'xmime-placement', `<${k.name}> cannot appear here inside <${node.name}>`);
    }
    this.onlyWhiteSpace(node);
    for (const a of node.attrs.keys()) this.fail(node, 'xmime-attribute', `<${node.name}> has no attribute "${a}" in minimal XMIME`);
    const fields = headersNode === null ? [] : this.headers(headersNode);
    const has = (n: string) => fields.some((f) => f.name.toLowerCase() === n);
    const given = (n: string) => fields.find((f) => f.name.toLowerCase() === n);
    const add = (name: string, view: HeaderView | string) => fields.push({ name, value: typeof view === 'string' ? te.encode(view) : renderHeader(name, view, CRLF) });

    if (top) {
      const date = this.options.date;
      if (date instanceof Date && Number.isNaN(date.getTime())) throw new RangeError('compose: the date option is an invalid Date');
      if (!has('date') && date !== false) add('Date', rfc5322Date(date ?? new Date()));
      const mid = this.options.messageId ?? true;
      if (!has('message-id') && mid !== false) {
        const id = typeof mid === 'string' ? mid : this.newId(fields);
        try {
          add('Message-ID', { kind: 'ids', ids: [id] });
        } catch {
          throw new RangeError(`compose: the messageId option ${JSON.stringify(id)} is not a message id (no white space, angle brackets or controls)`);
        }
      }
    }
    if ((top || node.name === 'message') && !has('mime-version')) add('MIME-Version', '1.0');

    const type = given('content-type');
    const typeText = type === undefined ? null : new TextDecoder().decode(type.value);
    const mediaOf = (t: string | null) => (t === null ? null : t.split(';')[0].trim().toLowerCase());
    let content: Uint8Array;
    let cte: string | null = null;
    switch (body?.name) {
      case undefined:
        content = new Uint8Array();
        break;
      case 'body':
        this.noAttrs(body);
        content = attrBytes(body.text.replace(/\n/g, CRLF)); // exact bytes, read as the decoder reads <body> (§7.1)
        break;
      case 'text': {
        this.noAttrs(body);
        const m = mediaOf(typeText);
        if (m !== null && !m.startsWith('text/')) this.fail(body, 'xmime-author', `<text> in an entity of type ${m}`);
        // The text is written in UTF-8, whatever charset the author named.
        const utf8: HeaderView = { kind: 'media', value: 'text/plain', params: [{ name: 'charset', value: 'utf-8' }] };
        if (type === undefined) add('Content-Type', utf8);
        else if (type.view?.kind === 'media') {
          const params = [...type.view.params.filter((p) => p.name !== 'charset'), utf8.params[0]];
          type.value = renderHeader(type.name, { ...type.view, params }, CRLF);
        }
        // A new message's text ends with a line break, as a text file does (spec §9.10). A part
        // regenerated by setText keeps the text exactly as given.
        const text = this.options.entity === true && node === this.tree.root ? body.text : withFinalBreak(body.text);
        const d = te.encode(text.replace(/\n/g, CRLF));
        [content, cte] = textTransfer(d, this.options.avoid ?? []);
        break;
      }
      case 'attachment': {
        const t = body.attrs.get('type') ?? 'application/octet-stream';
        const filename = body.attrs.get('filename');
        for (const a of body.attrs.keys()) if (a !== 'type' && a !== 'filename') this.fail(body, 'xmime-attribute', `<attachment> has no attribute "${a}"`);
        const bytes = this.base64(body);
        const params = filename === undefined ? [] : [{ name: 'name', value: filename }];
        if (type === undefined) add('Content-Type', this.media(body, 'Content-Type', t, params));
        if (!has('content-disposition'))
          add('Content-Disposition', this.media(body, 'Content-Disposition', 'attachment', filename === undefined ? [] : [{ name: 'filename', value: filename }]));
        content = b64Encode(bytes, { line: 76, end: true, blank: 0 }, true);
        cte = 'base64';
        break;
      }
      case 'multipart': {
        this.noAttrs(body);
        const m = mediaOf(typeText) ?? 'multipart/mixed';
        if (!m.startsWith('multipart/')) this.fail(body, 'xmime-author', `<multipart> in an entity of type ${m}`);
        const parts = body.kids.map((p) => (p.name === 'part' ? this.entity(p, false) : this.fail(p, 'xmime-placement', `<${p.name}> cannot appear inside an authored <multipart>`)));
        this.onlyWhiteSpace(body);
        const boundary = this.boundary(parts);
        const ct: HeaderView = { kind: 'media', value: m, params: [{ name: 'boundary', value: boundary }] };
        if (type === undefined) add('Content-Type', ct);
        else if (type.view?.kind === 'media') {
          const params = type.view.params.filter((p) => p.name !== 'boundary');
          type.value = renderHeader('Content-Type', { ...type.view, params: [...params, { name: 'boundary', value: boundary }] }, CRLF);
        } else this.fail(body, 'xmime-author', 'the Content-Type of an authored multipart is given as a <media> view, so that its boundary can be set');
        content = joinParts(parts, boundary);
        break;
      }
      case 'message':
        this.noAttrs(body);
        if (type === undefined) add('Content-Type', { kind: 'media', value: 'message/rfc822', params: [] });
        content = this.entity(body, false);
        break;
      default:
        throw new Error('unreachable');
    }
    // The transfer encoding is compose's choice for what it encodes; one the author gave is replaced (or
    // dropped for 7bit), since the body is not written in it. A <body> keeps the author's fields.
    if (body !== null && body.name !== 'body') {
      const at = fields.findIndex((f) => f.name.toLowerCase() === 'content-transfer-encoding');
      const name = at >= 0 ? fields[at].name : 'Content-Transfer-Encoding';
      if (at >= 0) fields.splice(at, 1);
      if (cte !== null) fields.splice(at >= 0 ? at : fields.length, 0, { name, value: te.encode(cte) });
    }
    // RFC 5322 §2.1.1: no line over 998 characters. Folding cannot split a single long token.
    for (const f of fields) {
      const lines = new TextDecoder().decode(f.value).split(CRLF);
      lines[0] = `${f.name}: ${lines[0]}`;
      if (lines.some((l) => te.encode(l).length > 998)) this.fail(headersNode ?? node, 'xmime-author', `the ${f.name} field has a line over 998 characters that cannot be folded`);
    }
    return concat([...fields.map((f) => te.encode(`${f.name}: `)).flatMap((n, i) => [n, fields[i].value, te.encode(CRLF)]), te.encode(CRLF), content]);
  }

  /** The fields of a `<headers>`, each rendered from its view or taken as written. */
  private headers(node: XNode): Field[] {
    this.onlyWhiteSpace(node);
    return node.kids.map((h) => {
      if (h.name !== 'header') this.fail(h, 'xmime-placement', `<${h.name}> cannot appear inside <headers>`);
      const name = h.attrs.get('name') ?? this.fail(h, 'xmime-missing-attribute', '<header> needs a name');
      if (!/^[!-9;-~]+$/.test(name)) this.fail(h, 'xmime-attribute-value', `name="${name}" is not a field name`);
      for (const a of h.attrs.keys()) if (a !== 'name') this.fail(h, 'xmime-attribute', `<header> has no attribute "${a}" in minimal XMIME`);
      if (h.kids.length === 0) {
        const value = this.plainValue(h, name);
        // A structured value given as text is read as a view when it parses, so compose can adjust it (charset, boundary).
        return { name, value, view: viewKind(name) === 'media' ? (headerView(name, value) ?? undefined) : undefined };
      }
      const [value, view] = this.viewValue(h, name);
      return { name, value, view };
    });
  }

  /** A value written as text: unstructured fields are folded and RFC 2047-encoded as needed. */
  private plainValue(h: XNode, name: string): Uint8Array {
    const kind = viewKind(name);
    if (kind === null || kind === 'text') return renderText(name, h.text.replace(/\r?\n[ \t]*/g, ' '), CRLF);
    // A structured field given as text is the author's exact wording (ASCII, or UTF-8 per RFC 6532); a line
    // break must be a fold, or the text would start a field (or the body) of its own.
    if (/\r(?!\n)|\n(?![ \t])/.test(h.text)) this.fail(h, 'xmime-author', `a line break in the ${name} value is not a fold (CRLF or LF, then a space or tab)`);
    return te.encode(h.text.replace(/\r?\n/g, CRLF));
  }

  /** A value given as a view: read with the decoder's view reader, rendered canonically. */
  private viewValue(h: XNode, name: string): [Uint8Array, HeaderView] {
    this.onlyWhiteSpace(h);
    const raw = h.kids.find((k) => k.name === 'raw');
    if (raw !== undefined) this.fail(raw, 'xmime-placement', '<raw> cannot appear inside <header> in minimal XMIME');
    const view = readView(h, (n, code, detail) => this.fail(n, code, detail));
    if (view === null) return this.fail(h, 'xmime-view', '<header> has neither text, <raw> nor a view');
    try {
      return [renderHeader(name, view, CRLF), view];
    } catch (e) {
      return this.fail(h, 'xmime-view', `the ${name} view has no wire form: ${(e as Error).message}`);
    }
  }


  /** The bytes of an attachment's base64 content (white space ignored). */
  private base64(node: XNode): Uint8Array {
    const s = node.text.replace(/[ \t\r\n]+/g, '');
    const bytes = s.length % 4 === 0 ? b64DecodeString(s) : null; // padded, as MIME writes it
    return bytes ?? this.fail(node, 'xmime-base64', '<attachment> holds text that is not base64');
  }


  private media(node: XNode, field: string, value: string, params: { name: string; value: string }[]): HeaderView {
    const v: HeaderView = { kind: 'media', value, params };
    try {
      checkView(field, v); // rendered later, once its boundary is known
    } catch (e) {
      this.fail(node, 'xmime-attribute-value', `${field}: ${(e as Error).message}`);
    }
    return v;
  }

  /** A boundary that occurs in none of the parts (RFC 2046 §5.1.1 asks no more; "=_" cannot occur in QP or base64). */
  private boundary(parts: Uint8Array[]): string {
    for (let attempt = 0; ; attempt++) {
      let b = '=_xmime_';
      for (let i = 0; i < 24; i++) b += '0123456789abcdef'[Math.floor(this.random() * 16)];
      if (attempt > 0) b += `_${attempt}`; // ends even with a `random` that repeats itself
      const bb = te.encode(b);
      if (!parts.some((p) => indexOf(p, bb) >= 0)) return b;
    }
  }

  /** A new message id: random, at the domain of the first From address when it has a plain one. */
  private newId(fields: Field[]): string {
    const from = fields.find((f) => f.name.toLowerCase() === 'from');
    const view = from?.view ?? (from === undefined ? null : headerView('From', from.value));
    const first = view?.kind === 'addresses' ? view.list.flatMap((m) => ('group' in m ? m.members : [m]))[0] : undefined;
    const domain = first === undefined ? null : /@([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)$/.exec(first.addr)?.[1];
    let r = '';
    for (let i = 0; i < 24; i++) r += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(this.random() * 36)];
    return `${r}@${domain ?? 'xmime.invalid'}`;
  }

  private noAttrs(node: XNode): void {
    for (const a of node.attrs.keys()) this.fail(node, 'xmime-attribute', `<${node.name}> has no attribute "${a}" in minimal XMIME`);
  }

  private onlyWhiteSpace(node: XNode): void {
    if (/[^ \t\r\n]/.test(node.text)) this.fail(node, 'xmime-text', `<${node.name}> holds only elements, not text`);
  }
}

/**
 * Text bytes (CRLF line breaks) and their transfer encoding: none (7bit) when
 * they are short-lined ASCII with no stray CR, LF or NUL; quoted-printable
 * when few bytes need escaping; base64 otherwise.
 */
function textTransfer(d: Uint8Array, avoid: Uint8Array[]): [Uint8Array, string | null] {
  let escapes = 0, line = 0, longest = 0, plain = true;
  for (let i = 0; i < d.length; i++) {
    const c = d[i];
    if (c === 0x0d && d[i + 1] === 0x0a) {
      longest = Math.max(longest, line);
      line = 0;
      i++;
      continue;
    }
    line++;
    if (c >= 0x80 || (c < 0x20 && c !== 0x09) || c === 0x7f) {
      plain = false;
      escapes++;
    } else if (c === 0x3d) escapes++;
  }
  longest = Math.max(longest, line);
  const clear = (w: Uint8Array) => avoid.every((a) => indexOf(w, a) < 0);
  if (plain && longest <= 998 && clear(d)) return [d, null];
  if (escapes * 6 <= d.length) {
    const qp = qpEncode(d, QP, true);
    if (clear(qp)) return [qp, 'quoted-printable'];
  }
  return [b64Encode(d, { line: 76, end: d.length > 0, blank: 0 }, true), 'base64'];
}


function joinParts(parts: Uint8Array[], boundary: string): Uint8Array {
  const pieces: Uint8Array[] = [];
  parts.forEach((p, i) => pieces.push(te.encode(`${i ? CRLF : ''}--${boundary}${CRLF}`), p));
  pieces.push(te.encode(`${parts.length ? CRLF : ''}--${boundary}--${CRLF}`));
  return concat(pieces);
}


function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** RFC 5322 date-time in UTC. */
function rfc5322Date(d: Date): string {
  return renderDate(d.toISOString().slice(0, 19) + 'Z');
}

/** `text`, with a line feed at its end unless it is empty or ends with one. */
function withFinalBreak(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
