/**
 * One comparable view of a mail, computed three independent ways:
 *
 * - {@link xmlView}: from XMIME through @xmldom/xmldom. For authored minimal
 *   XMIME it is what the author *said*; for `toXml` output it is what the
 *   readable encoding shows.
 * - {@link pythonViews}: Python's `email` package, policy.default
 *   (test/py/mail_view.py; one process for many mails).
 * - {@link postalView}: postal-mime.
 *
 * The shape is mail_view.py's: `structure` (content types of the tree),
 * the headers of interest in order (names lower-cased; text, address lists,
 * ISO dates, id lists), and the leaves in order (text, attachment file
 * digests, forwarded messages recursively). Each parser's output is
 * normalised only where that parser cannot say more; every such step is
 * commented where it is done.
 */
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import type { Address, Email } from 'postal-mime';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export const NS = 'urn:xmpp:xmime:0';

export interface Mbox {
  name: string;
  addr: string;
}
export interface Grp {
  group: string;
  members: Mbox[];
}
export type Value = string | string[] | (Mbox | Grp)[] | null;
export interface Hdr {
  name: string;
  value: Value;
}
export interface TextLeaf {
  type: string;
  text: string;
  /** Set by {@link postalView} only: see there. */
  lastEol?: 'parser-added';
}
export interface FileLeaf {
  type: string;
  filename: string | null;
  size: number;
  sha256: string;
}
export interface MessageLeaf {
  type: 'message/rfc822';
  structure: string;
  headers: Hdr[];
  parts: Leaf[];
}
export type Leaf = TextLeaf | FileLeaf | MessageLeaf;
export interface MailView {
  defects: string[];
  structure: string;
  headers: Hdr[];
  parts: Leaf[];
}

// ---------------------------------------------------------------------------
// Headers of interest: the same sets as mail_view.py.

const ADDRESS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc']);
const DATE = new Set(['date', 'resent-date']);
const IDS = new Set(['message-id', 'in-reply-to', 'references', 'resent-message-id']);
const TEXT = new Set(['subject', 'comments', 'keywords']);

export type Kind = 'address' | 'date' | 'ids' | 'text';
export function kindOf(name: string): Kind | null {
  const n = name.toLowerCase();
  if (ADDRESS.has(n)) return 'address';
  if (DATE.has(n)) return 'date';
  if (IDS.has(n)) return 'ids';
  if (TEXT.has(n) || n.startsWith('x-')) return 'text';
  return null;
}

const ID_LIST = /^\s*(?:<[^<>\s]+>\s*)*$/;
const idsOf = (s: string): string[] => [...s.matchAll(/<([^<>\s]*)>/g)].map((m) => m[1]);

/**
 * `YYYY-MM-DDTHH:MM[:SS]±HH:MM` with the seconds always written, as Python's
 * isoformat() writes them (the authoring format may leave them out); `Z` as
 * `+00:00` likewise. A notation change only: the instant and offset stay.
 */
export function isoSeconds(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d)(:\d\d)?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (m === null) throw new Error(`not an ISO 8601 date-time: ${iso}`);
  return m[1] + (m[2] ?? ':00') + (m[3] === 'Z' ? '+00:00' : m[3]);
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fileLeaf = (type: string, filename: string | null, b: Uint8Array): FileLeaf => ({ type, filename, size: b.length, sha256: sha256(b) });
const crlfToLf = (s: string): string => s.replace(/\r\n/g, '\n');

// ---------------------------------------------------------------------------
// XMIME (authored, or toXml output) through xmldom.

type El = XmlElement;

function children(el: El): El[] {
  const out: El[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const e = n as El;
      if (e.namespaceURI !== NS) throw new Error(`<${e.tagName}> is not in ${NS}`);
      out.push(e);
    } else if (n.nodeType === 3 && /\S/.test(n.nodeValue ?? '') && el.localName !== 'header') {
      throw new Error(`text directly inside <${el.localName}>`);
    }
  }
  return out;
}

/** Spec §7.1: leaf text to bytes (line feed = CRLF, U+F7xx = one byte). */
function leafBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '\n') out.push(13, 10);
    else if (cp >= 0xf700 && cp <= 0xf7ff) out.push(cp - 0xf700);
    else out.push(...Buffer.from(c, 'utf8'));
  }
  return Uint8Array.from(out);
}

/** Spec §7.4.1: the characters T of a readable `<text>`. */
function readableText(el: El): string {
  const nl = el.getAttribute('eol') === 'lf' ? '\n' : '\r\n';
  return (el.textContent ?? '').replace(/[\n\uf700-\uf7ff]/g, (m) => (m === '\n' ? nl : String.fromCharCode(m.charCodeAt(0) - 0xf700)));
}

/** Strict base64 (white space ignored), as the authoring format says. */
function base64(s: string): Uint8Array {
  const t = s.replace(/[ \t\r\n]+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) throw new Error('bad base64');
  return new Uint8Array(Buffer.from(t, 'base64'));
}

function fail(e: El): never {
  throw new Error(`<${e.localName}> in authored XMIME`);
}

function quotedPrintable(b: Uint8Array): Uint8Array {
  const s = Buffer.from(b).toString('latin1').replace(/[ \t]+(?=\r\n|$)/g, '').replace(/=\r\n/g, '');
  return new Uint8Array(Buffer.from(s.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1'));
}

interface Media {
  value: string;
  params: Map<string, string>;
}

/** A raw ASCII `type/subtype; a=b; c="d"` (what toXml leaves without a view). */
function rawMedia(s: string): Media {
  const [head, ...rest] = s.replace(/\r?\n(?=[ \t])/g, '').split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s";]+))\s*$/.exec(p);
    if (m === null) throw new Error(`cannot read parameter ${p} (expected a view)`);
    params.set(m[1].toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
  }
  return { value: head.trim().toLowerCase(), params };
}

interface Entity {
  headers: Hdr[];
  type: Media | null;
  disposition: Media | null;
  cte: string;
  body: El | null;
}

function entity(el: El, mode: 'authored' | 'encoded'): Entity {
  const kids = children(el);
  const hs = kids[0]?.localName === 'headers' ? kids.shift()! : null;
  if (kids.length > 1) throw new Error(`<${el.localName}> has more than one body`);
  const out: Entity = { headers: [], type: null, disposition: null, cte: '7bit', body: kids[0] ?? null };
  for (const h of hs === null ? [] : children(hs)) {
    if (h.localName !== 'header') throw new Error(`<${h.localName}> in <headers>`);
    const name = h.getAttribute('name') ?? '';
    const lname = mode === 'encoded' ? Buffer.from(leafBytes(name)).toString('latin1').toLowerCase() : name.toLowerCase();
    const view = children(h).filter((c) => c.localName !== 'raw');
    const raw = view.length === 0 ? (h.textContent ?? '') : null;
    if (lname === 'content-type' || lname === 'content-disposition') {
      let media: Media;
      if (view.length === 1 && view[0].localName === 'media') {
        const params = new Map<string, string>();
        for (const p of children(view[0])) params.set(p.getAttribute('name')!.toLowerCase(), p.textContent ?? '');
        media = { value: view[0].getAttribute('value')!.toLowerCase(), params };
      } else if (raw !== null) media = rawMedia(raw);
      else throw new Error(`${name}: expected <media>`);
      if (lname === 'content-type') out.type = media;
      else out.disposition = media;
      continue;
    }
    if (lname === 'content-transfer-encoding') {
      if (raw === null) throw new Error('Content-Transfer-Encoding with a view');
      out.cte = raw.trim().toLowerCase();
      continue;
    }
    const kind = kindOf(lname);
    if (kind === null) continue;
    out.headers.push({ name: lname, value: headerValue(name, kind, view, raw, mode) });
  }
  return out;
}

function headerValue(name: string, kind: Kind, view: El[], raw: string | null, mode: 'authored' | 'encoded'): Value {
  if (raw !== null) {
    // A raw value: the authoring format uses it as is; in toXml output it is
    // the wire value. Only unstructured text reads the same raw, once unfolded
    // (RFC 5322 §2.2.3: the CRLF goes, the white space stays). Anything else
    // should have had a view; null makes the comparison fail and say where.
    if (kind !== 'text') {
      if (mode === 'authored') throw new Error(`${name}: the fixtures give a view for structured headers`);
      return null;
    }
    // Authored: line breaks in a plain value become spaces (spec §9.10).
    return mode === 'encoded' ? raw.replace(/\n(?=[ \t])/g, '') : raw.replace(/\n/g, ' ');
  }
  const want = { text: ['decoded'], date: ['date'], ids: ['id'], address: ['mailbox', 'group'] }[kind];
  for (const v of view) if (!want.includes(v.localName!)) throw new Error(`${name}: <${v.localName}> is not a ${kind} view`);
  const mbox = (m: El): Mbox => ({
    // No name and an empty name are the same to both parsers (RFC 5322 has
    // no way to say "empty display name" that they keep apart).
    name: m.getAttribute('name') ?? '',
    addr: m.getAttribute('addr')!,
  });
  switch (kind) {
    case 'text':
      if (view.length !== 1) throw new Error(`${name}: one <decoded>`);
      return view[0].textContent ?? '';
    case 'date':
      if (view.length !== 1) throw new Error(`${name}: one <date>`);
      return isoSeconds(view[0].textContent ?? '');
    case 'ids':
      return view.map((v) => v.textContent ?? '');
    case 'address':
      return view.map((v) => (v.localName === 'mailbox' ? mbox(v) : { group: v.getAttribute('name')!, members: children(v).map(mbox) }));
  }
}

function message(el: El, mode: 'authored' | 'encoded'): Omit<MailView, 'defects'> {
  const e = entity(el, mode);
  const { structure, parts } = body(e, mode);
  return { structure, headers: e.headers, parts };
}

function body(e: Entity, mode: 'authored' | 'encoded'): { structure: string; parts: Leaf[] } {
  const b = e.body;
  const kind = b?.localName ?? 'none';
  const defaultType = { text: 'text/plain', multipart: 'multipart/mixed', message: 'message/rfc822', attachment: '', body: 'text/plain', none: 'text/plain' }[kind];
  if (defaultType === undefined) throw new Error(`unexpected <${kind}>`);
  const type = kind === 'attachment' ? (b!.getAttribute('type') ?? 'application/octet-stream') : (e.type?.value ?? defaultType);
  const attached = kind === 'attachment' || e.disposition?.value === 'attachment';
  const filename = e.disposition?.params.get('filename') ?? e.type?.params.get('name') ?? null;
  if (kind === 'multipart') {
    // toXml output also has <preamble> and <epilogue>: not content.
    const ps = children(b!).filter((c) => c.localName === 'part' || (mode === 'authored' && c.localName !== 'part' ? fail(c) : false));
    const subs = ps.map((p) => body(entity(p, mode), mode));
    return { structure: `${type}(${subs.map((s) => s.structure).join(',')})`, parts: subs.flatMap((s) => s.parts) };
  }
  if (kind === 'message') {
    const m = message(b!, mode);
    return { structure: type, parts: [{ type: 'message/rfc822', structure: m.structure, headers: m.headers, parts: m.parts }] };
  }
  if (kind === 'attachment') {
    if (mode !== 'authored') throw new Error('<attachment> in encoded XMIME');
    return { structure: type, parts: [fileLeaf(type, b!.getAttribute('filename'), base64(b!.textContent ?? ''))] };
  }
  const text = type.startsWith('text/') && !attached;
  if (kind === 'text' && mode === 'authored') {
    if (b!.attributes.length > 0) throw new Error('<text> takes no attributes in authored XMIME');
    // The author's characters as they are: a line feed is a line break, a CR
    // (written &#13;) a CR; compose ends a non-empty text with a line break (spec §9.10).
    const t = b!.textContent ?? '';
    return { structure: type, parts: [{ type, text: t === '' || t.endsWith('\n') ? t : `${t}\n` }] };
  }
  if (kind === 'text') {
    const charset = (b!.getAttribute('charset') ?? 'utf-8').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'us-ascii') throw new Error(`charset ${charset}`);
    // T has the wire's CRLF line breaks; a line feed of the authored text is one.
    const t = readableText(b!);
    return { structure: type, parts: [text ? { type, text: crlfToLf(t) } : fileLeaf(type, filename, new Uint8Array(Buffer.from(t, 'utf8')))] };
  }
  // `<body>` (toXml output: the body bytes as on the wire) or no body at all.
  const wire = kind === 'none' ? new Uint8Array(0) : leafBytes(b!.textContent ?? '');
  const data = e.cte === 'base64' ? base64(Buffer.from(wire).toString('latin1')) : e.cte === 'quoted-printable' ? quotedPrintable(wire) : wire;
  if (!text) return { structure: type, parts: [fileLeaf(type, filename, data)] };
  const charset = (e.type?.params.get('charset') ?? 'us-ascii').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'us-ascii') throw new Error(`charset ${charset}`);
  const t = new TextDecoder('utf-8', { fatal: true }).decode(data);
  // A text has a readable view unless it holds what spec §7.4.1 rules out.
  if (kind === 'body' && !/[\u2028\u2029\uf700-\uf7ff\ufffe\uffff]/.test(t)) throw new Error(`${type} came back as <body>, not as <text>`);
  return { structure: type, parts: [{ type, text: crlfToLf(t) }] };
}

/**
 * The view of an XMIME document. `authored`: minimal XMIME as written by hand
 * (no wire details; a part's type defaults by its body). `encoded`: toXml
 * output (header views or raw values, `<text>` per spec §7.4, `<body>` wire
 * bytes per §7.1 decoded by the part's transfer encoding).
 */
export function xmlView(xml: string, mode: 'authored' | 'encoded'): MailView {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => level !== 'warning' && errors.push(msg) }).parseFromString(xml, 'text/xml');
  if (errors.length > 0) throw new Error(errors.join('; '));
  const root = doc.documentElement!;
  if (root.localName !== 'mime' || root.namespaceURI !== NS) throw new Error('not <mime>');
  // The mails here are CRLF; leafBytes() reads a line feed as CRLF.
  if (mode === 'encoded' && root.getAttribute('eol') === 'lf') throw new Error('an LF document');
  return { defects: [], ...message(root, mode) };
}

// ---------------------------------------------------------------------------
// Python's email package.

/** Whether python3 runs here (the tests skip, saying so, when it does not). */
export const hasPython = spawnSync('python3', ['--version']).status === 0;

/** mail_view.py over all `mails` in one process. */
export function pythonViews(mails: Uint8Array[]): MailView[] {
  const dir = mkdtempSync(join(tmpdir(), 'xmime-pyview-'));
  try {
    const files = mails.map((m, i) => {
      const f = join(dir, `${i}.eml`);
      writeFileSync(f, m);
      return f;
    });
    const r = spawnSync('python3', [join(ROOT, 'test', 'py', 'mail_view.py'), ...files], { maxBuffer: 1 << 28, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mail_view.py failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as MailView[]).map(normalisePython);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One long-running mail_view.py (--serve) for many single mails: a property
 * test cannot batch its runs, and starting Python costs ~0.1 s a run.
 */
export class PythonServer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private stderr = '';
  private readonly waiting: { resolve: (v: MailView) => void; reject: (e: Error) => void }[] = [];

  constructor() {
    this.proc = spawn('python3', [join(ROOT, 'test', 'py', 'mail_view.py'), '--serve']);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d: string) => (this.stderr += d));
    this.proc.stdout.on('data', (d: string) => {
      this.buf += d;
      for (let i; (i = this.buf.indexOf('\n')) >= 0; ) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const w = this.waiting.shift()!;
        const r = JSON.parse(line) as MailView | { error: string };
        if ('error' in r) w.reject(new Error(`mail_view.py: ${r.error}`));
        else w.resolve(normalisePython(r));
      }
    });
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`mail_view.py exited (${code}): ${this.stderr}`));
    });
  }

  view(mime: Uint8Array): Promise<MailView> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(Buffer.from(mime).toString('base64') + '\n');
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/**
 * get_content() keeps the body's line endings as they are on the wire, CRLF;
 * a line break of the authored text is one CRLF, so CRLF becomes LF. A lone
 * CR stays a CR. Nothing else: Python drops the CRLF before a delimiter
 * (RFC 2046 §5.1.1: it belongs to the delimiter) and keeps everything else
 * of a body, including the last line's CRLF at the end of a message.
 */
function normalisePython(v: MailView): MailView {
  const leaf = (l: Leaf): Leaf => ('text' in l ? { ...l, text: crlfToLf(l.text) } : 'parts' in l ? { ...l, parts: l.parts.map(leaf) } : l);
  return { ...v, parts: v.parts.map(leaf) };
}

// ---------------------------------------------------------------------------
// postal-mime.

/**
 * postal-mime's parse tree. It is not in the published types (the class
 * strips its internals), but Email.text and Email.html join every inline
 * text part with "\n" and convert HTML to text and back, so the text of each
 * part, and the tree's shape, are only visible here.
 */
interface PostalNode {
  childNodes: PostalNode[];
  contentType: { parsed: { value: string; params: Record<string, string> }; multipart: string | false };
  contentDisposition: { parsed: { value: string; params: Record<string, string> } };
  contentTransferEncoding: { encoding: string };
  getTextContent(): string;
}

function postalMbox(a: Address): Mbox {
  return { name: a.name, addr: a.address! };
}

/**
 * addressParser() ends a group at the first ";" after its ":", even inside
 * a quoted string or a comment (its tokenizer looks for nothing else there),
 * so `G: "a;b" <x@y>;` is not readable to it. Such a header gets this value,
 * and {@link forPostal} gives the authored header the same.
 */
export const POSTAL_GROUP = 'postal-mime cannot read a group with a quoted ";"';

/** Whether a ";" occurs in a quoted string or comment inside a group of an address list. */
function semicolonInGroup(v: string): boolean {
  let group = false, quote = false, angle = false, comment = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if ((quote || comment > 0) && c === '\\') i++;
    else if (quote) {
      if (c === '"') quote = false;
      else if (c === ';' && group) return true;
    } else if (comment > 0) {
      if (c === '(') comment++;
      else if (c === ')') comment--;
      else if (c === ';' && group) return true;
    } else if (c === '"') quote = true;
    else if (c === '(') comment = 1;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ':' && !angle) group = true;
    else if (c === ';') group = false;
  }
  return false;
}

/**
 * The headers as buildMessage() reads them for Email.from/.to/.subject/...:
 * the unfolded value (Email.headers), addressParser() for addresses,
 * decodeWords() for text and ids, `new Date(v).toISOString()` for dates.
 * Computed per header rather than taken from those fields, which keep only
 * the first From/Subject/... and merge every To.
 */
function postalHeaders(email: Email, defects: string[]): Hdr[] {
  const out: Hdr[] = [];
  for (const h of email.headers) {
    const kind = kindOf(h.key);
    if (kind === null) continue;
    let value: Value;
    if (kind === 'address' && semicolonInGroup(h.value)) value = POSTAL_GROUP;
    else if (kind === 'address') value = addressParser(h.value).map((a) => (a.group !== undefined ? { group: a.name, members: a.group.map(postalMbox) } : postalMbox(a)));
    else if (kind === 'date') {
      const d = new Date(h.value);
      value = isNaN(d.getTime()) ? h.value : d.toISOString();
    } else if (kind === 'ids') {
      const s = decodeWords(h.value);
      if (!ID_LIST.test(s)) defects.push(`postal: ${h.key} is not a list of <id>: ${s}`);
      value = idsOf(s);
    } else value = decodeWords(h.value);
    out.push({ name: h.key, value });
  }
  return out;
}

/**
 * What postal-mime sees: parsed with forceRfc822Attachments, so that a
 * forwarded message stays an attachment (by default an inline one is merged
 * into the outer text and attachments) whose bytes are parsed again here.
 *
 * Text of a part: the body decoded by transfer encoding and charset, then
 * - base64: the bytes exactly; CRLF becomes LF as for Python.
 * - otherwise postal-mime reads the body line by line and writes each line
 *   with "\n" after it (QP: each hard line), so its line breaks are LF
 *   already (and a CR before one is an encoded =0D: kept), and a body that
 *   ends with the CRLF before a delimiter gains a "\n": it is taken off
 *   again. A body that runs to the end of the message is ambiguous: its last
 *   line gets a "\n" whether or not it had a CRLF. That leaf is marked
 *   `lastEol: 'parser-added'` and {@link forPostal} gives the authored text
 *   a final line feed to match.
 *   Not so in a forwarded message that was a part of a multipart
 *   (`endAdded`): postal-mime hands over a message/rfc822 part read the same
 *   way (CRLF as "\n", a "\n" after the last line, which the CRLF before the
 *   delimiter ended), so the inner message always ends with a line break
 *   that is not its own: taken off. A message/rfc822 body that runs to the
 *   end of its message passes the ambiguity on instead.
 * The public fields are checked against the tree: Email.attachments are the
 * non-text leaves in order, and Email.text/.html are the text leaves joined
 * with "\n" where no HTML-to-text conversion is involved.
 */
export async function postalView(mime: Uint8Array, endAdded = false): Promise<MailView> {
  const parser = new PostalMime({ forceRfc822Attachments: true });
  const email = await parser.parse(mime);
  const root = (parser as unknown as { root: PostalNode }).root;
  const defects: string[] = [];
  const attachments = [...email.attachments];
  /**
   * Text leaves by the node that selects them, the nearest multipart/alternative
   * or the leaf itself: Email.text is every selector's plain leaves, in the
   * order the selectors were first seen, joined with "\n".
   */
  const selectors = new Map<PostalNode, { plain: string[]; html: string[] }>();

  async function walk(node: PostalNode, alternative: PostalNode | null): Promise<{ structure: string; parts: Leaf[] }> {
    const type = node.contentType.parsed.value;
    if (node.contentType.multipart) {
      const alt = node.contentType.multipart === 'alternative' ? node : alternative;
      const subs: { structure: string; parts: Leaf[] }[] = [];
      for (const c of node.childNodes) subs.push(await walk(c, alt));
      return { structure: `${type}(${subs.map((s) => s.structure).join(',')})`, parts: subs.flatMap((s) => s.parts) };
    }
    const inline = (type === 'text/plain' || type === 'text/html') && node.contentDisposition.parsed.value !== 'attachment';
    if (inline) {
      const raw = node.getTextContent();
      const sel = selectors.get(alternative ?? node) ?? { plain: [], html: [] };
      selectors.set(alternative ?? node, sel);
      (type === 'text/html' ? sel.html : sel.plain).push(raw);
      let text = raw;
      let lastEol: TextLeaf['lastEol'];
      if (node.contentTransferEncoding.encoding === 'base64') text = crlfToLf(raw);
      else if (text !== '') {
        // Line breaks are "\n" already; a CR before one is a CR of the text.
        if (!text.endsWith('\n')) defects.push('postal: text without its final "\\n"');
        if (node === root && !endAdded) lastEol = 'parser-added';
        else text = text.slice(0, -1);
      }
      return { structure: type, parts: [lastEol ? { type, text, lastEol } : { type, text }] };
    }
    const a = attachments.shift();
    if (a === undefined || a.mimeType !== type) throw new Error(`postal: attachment list does not match the tree at ${type}`);
    const data = new Uint8Array(a.content as ArrayBuffer);
    if (type === 'message/rfc822') {
      const m = await postalView(data, node === root ? endAdded : true);
      defects.push(...m.defects);
      return { structure: type, parts: [{ type, structure: m.structure, headers: m.headers, parts: m.parts }] };
    }
    return { structure: type, parts: [fileLeaf(type, a.filename, data)] };
  }

  const { structure, parts } = await walk(root, null);
  if (attachments.length > 0) throw new Error('postal: more attachments than non-text leaves');
  // Only where every selector has its own leaves of the kind: otherwise
  // postal-mime converts the other kind (textToHtml, htmlToText) for it.
  const sels = [...selectors.values()];
  if (sels.every((s) => s.plain.length > 0) && (email.text ?? '') !== sels.flatMap((s) => s.plain).join('\n')) defects.push('postal: Email.text is not the text parts');
  if (sels.every((s) => s.html.length > 0) && (email.html ?? '') !== sels.flatMap((s) => s.html).join('\n')) defects.push('postal: Email.html is not the HTML parts');
  return { defects, structure, headers: postalHeaders(email, defects), parts };
}

/**
 * The authored view as postal-mime can show it: dates as the UTC instant
 * (Email.date is toISOString(): the offset is gone); where postal-mime
 * marked a text's final line break ambiguous, the authored text with one;
 * an address header it cannot read ({@link POSTAL_GROUP}) as that; file
 * names that hold encoded-word-like text decoded, as postal-mime does. `postal`
 * only lends those marks, leaf by leaf and header by header.
 */
export function forPostal(v: MailView, postal: MailView): MailView {
  const hdrs = (hs: Hdr[], ps: Hdr[]): Hdr[] =>
    hs.map((h) => {
      if (DATE.has(h.name) && typeof h.value === 'string') return { ...h, value: new Date(h.value).toISOString() };
      // The same header of postal-mime's view: the k-th of this name.
      const k = hs.filter((x) => x.name === h.name).indexOf(h);
      return ps.filter((x) => x.name === h.name)[k]?.value === POSTAL_GROUP ? { ...h, value: POSTAL_GROUP } : h;
    });
  const leaves = (ls: Leaf[], ps: Leaf[]): Leaf[] =>
    ls.map((l, i) => {
      const p = ps[i];
      if ('parts' in l) {
        const pm = p !== undefined && 'parts' in p ? p : { headers: [], parts: [] };
        return { ...l, headers: hdrs(l.headers, pm.headers), parts: leaves(l.parts, pm.parts) };
      }
      if ('text' in l && p !== undefined && 'lastEol' in p && p.lastEol !== undefined) return { ...l, text: l.text === '' || l.text.endsWith('\n') ? l.text : l.text + '\n', lastEol: p.lastEol };
      // postal-mime runs decodeWords() over every file name (for the common
      // but non-standard name="=?UTF-8?B?...?="), also over one that RFC 2231
      // or a quoted string carries exactly: text that looks like an
      // encoded-word there reads decoded.
      if ('filename' in l && l.filename !== null && l.filename.includes('=?')) return { ...l, filename: decodeWords(l.filename) };
      return l;
    });
  return { ...v, headers: hdrs(v.headers, postal.headers), parts: leaves(v.parts, postal.parts) };
}
