/**
 * What an archive manifest says about each message, gathered from the
 * encoder's events as they pass (a stage in front of the readable stage), so
 * a 200 MB message is described without building its tree or holding it.
 * Browser-safe: the hashes are supplied by the host (Web Crypto has no
 * synchronous digest).
 * @module
 */
import { type Attrs, Kind, type Sink } from '../xmime/events.js';
import { MimeWriter } from '../decode/mime-writer.js';
import { Output } from '../core/output.js';
import type { ReadableStats } from '../encode/readable-stage.js';
import { decodeWords } from '../views/rfc2047.js';
import { parseDate } from '../views/headers/date.js';

/** A running hash the host supplies (Node: `crypto.createHash`). */
export interface RunningHash {
  update(d: Uint8Array): void;
  /** Lowercase hexadecimal. */
  digest(): string;
}

/** One manifest row's facts about a message, in the order of {@link COLUMNS}. */
export interface MessageFacts {
  /** The input file, relative to the run's inputs. */
  source: string;
  /** The message's number in its file (1 for a message file), EA-PDF's LocalId within that file. */
  index: number;
  /** Byte offset of the message (its separator line, in an mbox) in the file. */
  offset: number;
  /** Its length in bytes as delivered (without the separator line, quoting undone). */
  length: number;
  /** SHA-256 of the message as delivered (without the mbox separator line): what `xmime extract` writes. */
  sha256: string;
  /** SHA-1 of the same bytes (the DArcMail CSV's hash). */
  sha1: string;
  messageId: string;
  /** The Date field as ISO 8601, or '' if it does not parse (the raw field is then an anomaly). */
  date: string;
  from: string;
  to: string;
  cc: string;
  subject: string;
  /** Leaf entities (the message itself when it is not multipart). */
  parts: number;
  /** Leaf entities with `Content-Disposition: attachment` or a file name. */
  attachments: number;
  /** `text/*` leaf bodies, and those carried as readable text. */
  textParts: number;
  readableParts: number;
  /** Things worth a look, each a word: see {@link ANOMALIES}. */
  anomalies: string[];
  /** Errors (a message that failed has no other facts). */
  errors: string[];
  /** The output document, relative to the output directory. */
  output: string;
}

/** The anomaly words a row may carry. */
export const ANOMALIES: Record<string, string> = {
  'no-close-delimiter': 'a multipart without its close delimiter',
  'doubtful-split': 'a line beginning "From " inside the message that was not taken as a separator',
  'bare-cr': 'a CR not followed by LF',
  '8bit-header': 'header bytes above 0x7F',
  'bad-date': 'a Date field that does not parse',
  'no-date': 'no Date field',
  'no-message-id': 'no Message-ID field',
  'not-mail': 'the file does not look like mail (empty, binary, or no header field at the start); converted all the same',
};

/**
 * The manifest's columns. They cover the EA-PDF `MessageBrief` CSV (LocalId =
 * source+index, From, To, Date, Subject, MessageID, Hash, Errors, First Error
 * Message) and the DArcMail CSV (From, To, Date, Subject, Message ID, SHA1
 * Hash, number of errors, first error message).
 */
export const COLUMNS = ['source', 'index', 'offset', 'length', 'sha256', 'sha1', 'message_id', 'date', 'from', 'to', 'cc', 'subject', 'parts', 'attachments', 'text_parts', 'readable_parts', 'anomalies', 'errors', 'first_error', 'output'] as const;

const ORDER = Object.keys(ANOMALIES);

/** Anomalies in the order of {@link ANOMALIES}, whatever order they were seen in. */
function sorted(a: readonly string[]): string[] {
  return [...a].sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y));
}

/** A row's values, in column order. */
export function rowValues(f: MessageFacts): (string | number)[] {
  return [f.source, f.index, f.offset, f.length, f.sha256, f.sha1, f.messageId, f.date, f.from, f.to, f.cc, f.subject, f.parts, f.attachments, f.textParts, f.readableParts, sorted(f.anomalies).join(' '), f.errors.length, f.errors[0] ?? '', f.output];
}

/** One CSV record (RFC 4180: quoted when needed, CRLF). */
export function csvRow(values: readonly (string | number)[]): string {
  return `${values.map((v) => (typeof v === 'number' ? String(v) : /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')}\r\n`;
}

/** One JSON Lines record, keys as {@link COLUMNS} (anomalies and errors as arrays). */
export function jsonRow(f: MessageFacts): string {
  const v = rowValues(f);
  const o: Record<string, unknown> = {};
  COLUMNS.forEach((c, i) => (o[c] = v[i]));
  o.anomalies = sorted(f.anomalies);
  o.errors = f.errors;
  delete o.first_error;
  return `${JSON.stringify(o)}\n`;
}

/** An empty row for `source` (filled by {@link FactsSink}, or left so for a file that failed). */
export function blankFacts(source: string, index: number, output: string): MessageFacts {
  return { source, index, offset: 0, length: 0, sha256: '', sha1: '', messageId: '', date: '', from: '', to: '', cc: '', subject: '', parts: 0, attachments: 0, textParts: 0, readableParts: 0, anomalies: [], errors: [], output };
}

const WANTED = new Set(['message-id', 'date', 'from', 'to', 'cc', 'subject']);
const latin1 = new TextDecoder('latin1');

/** Header bytes as text: UTF-8 when they are, else Latin-1 (an 8-bit header is reported all the same). */
function headerText(b: Uint8Array): string {
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    s = latin1.decode(b);
  }
  return s.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]+$/, '').trim();
}

function display(s: string): string {
  return (decodeWords(s) ?? s).replace(/[\x00-\x1f\x7f]+/g, ' ');
}

/** One entity being read: its disposition and type, and whether it has children. */
interface Entity {
  disposition: string;
  type: string;
  container: boolean;
}

/**
 * A stage in front of the readable stage: passes every event on unchanged,
 * and fills `facts` as the message goes by. The message's bytes are rebuilt
 * (a MIME writer into the hashes), so they are hashed exactly as delivered.
 * `done` is called once the message's `<mime>` has closed.
 */
export class FactsSink implements Sink {
  private readonly hashes: RunningHash[];
  private readonly out: Output;
  private readonly writer: MimeWriter;
  private inFromLine = false;
  private depth = 0;
  private readonly entities: Entity[] = [];
  private header: string | null = null;
  private value: Uint8Array[] = [];
  private lastCr = false;
  private statsAt = { t: 0, r: 0 };
  private multipartHasEpilogue: boolean[] = [];
  private found = new Map<string, string>();

  constructor(
    private readonly next: Sink,
    readonly facts: MessageFacts,
    newHash: (alg: 'sha256' | 'sha1') => RunningHash,
    private readonly stats: ReadableStats | null,
    private readonly done: (f: MessageFacts) => void,
  ) {
    this.hashes = [newHash('sha256'), newHash('sha1')];
    this.out = new Output((c) => this.bytes(c), 65536, false);
    this.writer = new MimeWriter(this.out);
  }

  private bytes(c: Uint8Array): void {
    for (const h of this.hashes) h.update(c);
    this.facts.length += c.length;
    if (!this.facts.anomalies.includes('bare-cr')) {
      if (this.lastCr && c.length > 0 && c[0] !== 0x0a) this.anomaly('bare-cr');
      for (let i = c.indexOf(0x0d); i >= 0 && i < c.length - 1; i = c.indexOf(0x0d, i + 1)) {
        if (c[i + 1] !== 0x0a) {
          this.anomaly('bare-cr');
          break;
        }
      }
      this.lastCr = c.length > 0 && c[c.length - 1] === 0x0d;
    }
  }

  private anomaly(w: string): void {
    if (!this.facts.anomalies.includes(w)) this.facts.anomalies.push(w);
  }

  open(kind: Kind, a: Attrs): void {
    switch (kind) {
      case Kind.Mime:
        if (this.stats !== null) this.statsAt = { t: this.stats.textParts, r: this.stats.readableParts };
        this.entities.push({ disposition: '', type: '', container: false });
        break;
      case Kind.Part:
      case Kind.Message:
        this.entities[this.entities.length - 1].container = true;
        this.entities.push({ disposition: '', type: '', container: false });
        break;
      case Kind.Multipart:
        this.entities[this.entities.length - 1].container = true;
        this.multipartHasEpilogue.push(false);
        break;
      case Kind.Epilogue:
        this.multipartHasEpilogue[this.multipartHasEpilogue.length - 1] = true;
        break;
      case Kind.Header: {
        const name = latin1.decode(a.name!).toLowerCase();
        for (const b of a.name!) if (b > 0x7f) this.anomaly('8bit-header');
        this.header = name;
        this.value = [];
        break;
      }
    }
    if (kind === Kind.FromLine) this.inFromLine = true;
    else {
      // The separator line is not part of the message as delivered: it is counted, not hashed.
      this.writer.open(kind, a);
    }
    this.depth++;
    this.next.open(kind, a);
  }

  text(d: Uint8Array, s: number, e: number): void {
    if (!this.inFromLine) this.writer.text(d, s, e);
    if (this.header !== null) {
      for (let i = s; i < e; i++) if (d[i] > 0x7f) {
        this.anomaly('8bit-header');
        break;
      }
      this.value.push(d.slice(s, e));
    }
    this.out.flush(65536);
    this.next.text(d, s, e);
  }

  chars(c: string | Uint8Array): void {
    this.next.chars(c);
  }

  close(kind: Kind): void {
    this.depth--;
    if (kind === Kind.FromLine) this.inFromLine = false;
    else this.writer.close(kind);
    switch (kind) {
      case Kind.Header: {
        const n = this.header!;
        this.header = null;
        // Only the message's own header section (not a part's): the Mime entity is the only one open.
        if (this.entities.length === 1 && WANTED.has(n) && !this.found.has(n)) {
          this.found.set(n, headerText(concat(this.value)));
        }
        if (n === 'content-disposition' || n === 'content-type') {
          const ent = this.entities[this.entities.length - 1];
          const t = headerText(concat(this.value));
          if (n === 'content-disposition') ent.disposition = t;
          else ent.type = t;
        }
        this.value = [];
        break;
      }
      case Kind.Multipart:
        if (!this.multipartHasEpilogue.pop()) this.anomaly('no-close-delimiter');
        break;
      case Kind.Part:
      case Kind.Message:
      case Kind.Mime: {
        const ent = this.entities.pop()!;
        if (!ent.container) {
          this.facts.parts++;
          const filename = /(?:^|;)\s*(?:file)?name\*?\s*=/i;
          if (/^\s*attachment\b/i.test(ent.disposition) || filename.test(ent.disposition) || /;\s*name\*?\s*=/i.test(ent.type)) this.facts.attachments++;
        }
        break;
      }
    }
    this.next.close(kind);
    if (kind === Kind.Mime) this.finish();
  }

  private finish(): void {
    this.out.flush();
    const f = this.facts;
    f.sha256 = this.hashes[0].digest();
    f.sha1 = this.hashes[1].digest();
    const get = (n: string) => this.found.get(n);
    const id = get('message-id');
    if (id === undefined) this.anomaly('no-message-id');
    else f.messageId = id.replace(/^<|>$/g, '');
    const date = get('date');
    if (date === undefined) this.anomaly('no-date');
    else {
      try {
        f.date = parseDate(date);
      } catch {
        this.anomaly('bad-date');
      }
    }
    f.from = display(get('from') ?? '');
    f.to = display(get('to') ?? '');
    f.cc = display(get('cc') ?? '');
    f.subject = display(get('subject') ?? '');
    if (this.stats !== null) {
      f.textParts = this.stats.textParts - this.statsAt.t;
      f.readableParts = this.stats.readableParts - this.statsAt.r;
    }
    this.done(f);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const r = new Uint8Array(n);
  n = 0;
  for (const p of parts) r.set(p, n), (n += p.length);
  return r;
}
