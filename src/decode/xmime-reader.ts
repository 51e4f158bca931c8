/**
 * XMIME reader: XML tokens in, {@link Sink} events out. It checks that the
 * document is XMIME (elements, placement, attributes), resolves the defaults
 * the XML writer left out, and turns character data back into MIME bytes.
 * @module
 */
import { attrBytes, textFromXml } from '../xmime/leaf-text.js';
import { type Attrs, DEFAULT_SEP, type ExternalRef, Kind, MAX_BOUNDARY, NS, defaultBefore, newAttrs, type Sink } from '../xmime/events.js';
import { Content, isLeaf, isView, kindOf, missingAttribute, placeIn, SCHEMA, TAG } from '../xmime/schema.js';
import { Eol } from '../core/eol.js';
import { Output } from '../core/output.js';
import { span } from '../core/bytes.js';
import { indexAll, indexOfByte, WordView } from '../core/scan.js';
import { charsetEncoder, charsetName } from '../views/charset.js';
import { type TextForm } from '../xmime/text-form.js';
import { B64_LINE, MAX_BREAKS, QP_LINE } from '../xmime/text-form.js';
import type { XmimeError } from '../core/errors.js';
import { DEFAULT_MAX_TEXT_BYTES_DECODE } from './xml-tokenizer.js';
import { type TextHint, type XmlAttr, type XmlHandler } from './xml-handler.js';
import type { Reporter } from './reporter.js';

const LF = 0x0a;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/** Character data is converted at most this many bytes at a time. */
const SLICE = 32768;

/** White space at the start of a `<header>` longer than this is its value, not indentation before a view. */
const MAX_INDENT = 65536;

/** Whether an open `<header>` has shown what it holds: not yet, text (its value), or elements (a view). */
const enum HeaderMode {
  Undecided,
  Value,
  View,
}

/** `<external>` attribute forms (spec §7.5): an absolute URI without white space, a size, a SHA-256. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[!-~]*$/;
const SIZE = /^[0-9]{1,15}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Called for each `<external>`, where its bytes belong in the output. `where`
 * is an error located at the element, for the caller to copy if the bytes
 * later turn out to be unusable.
 */
export type ExternalHook = (ref: ExternalRef, where: XmimeError) => void;

/** Attributes of `<text>` that only a transfer encoding has. */
const FOR_TRANSFER: Record<string, TextForm['transfer']> = {
  end: 'base64', blank: 'base64', hex: 'quoted-printable', always: 'quoted-printable', start: 'quoted-printable',
  trailing: 'quoted-printable', 'soft-space': 'quoted-printable', breaks: 'quoted-printable', wrap: 'quoted-printable', fill: 'quoted-printable',
};

interface Open {
  kind: Kind;
  /** How far the element's children have got (see `place`). */
  phase: number;
}

/** Header names seen (bytes 0x21–0x7E but ":", written as themselves or as byte escapes), with their bytes; a few dozen repeat. */
const names = new Map<string, Uint8Array>();

/** The bytes of a header `name` attribute, or null if it is not a field name. */
function nameBytes(v: string): Uint8Array | null {
  const hit = names.get(v);
  if (hit !== undefined) return hit;
  if (v.length === 0) return null;
  const b = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let c = v.charCodeAt(i);
    if (c >= 0xf700 && c <= 0xf7ff) c -= 0xf700; // a byte escape (§7.2), even of a printable byte
    if (c <= 0x20 || c >= 0x7f || c === 0x3a) return null;
    b[i] = c;
  }
  if (names.size >= 1024) names.clear(); // bounded: the names come from the input
  names.set(v, b);
  return b;
}

/**
 * A reader's scratch buffers. A reader that reaches the end of its document
 * passes them on to the next reader, so decoding many small documents one
 * after another allocates none (a reader that fails keeps them: it may have
 * been stopped in the middle of using one).
 */
interface Scratch {
  buf: Uint8Array;
  lfs: Int32Array;
  textBuf: Output;
  utf8Out: Output;
  ws: Output;
  viewText: Output;
}
const spares: Scratch[] = [];
/** Buffers that grew past this are not passed on. */
const SPARE_MAX = 1 << 16;

function newScratch(): Scratch {
  return { buf: new Uint8Array(4096), lfs: new Int32Array(256), textBuf: new Output(null, 4096), utf8Out: new Output(null, 1024), ws: new Output(null, 64), viewText: new Output(null, 256) };
}

export class XmimeReader implements XmlHandler {
  private readonly a: Attrs = newAttrs();
  private readonly stack: Open[] = [];
  private eol = Eol.CrLf;
  /** Scratch buffers, from a reader that finished its document when there is one (see {@link Scratch}). */
  private readonly s: Scratch = spares.pop() ?? newScratch();
  private buf = this.s.buf;

  private lfs = this.s.lfs;
  private lfN = 0;
  private readonly words = new WordView();

  /** The content of an open `<text>`, its form and where it started. */
  private textBuf = this.s.textBuf;
  private form: TextForm | null = null;
  /** Where a UTF-8 `<text>` is turned into its bytes (reused likewise). */
  private readonly utf8Out = this.s.utf8Out;

  /** The open header: what it holds, its leading white space while undecided, and its view. */
  private hmode = HeaderMode.Undecided;
  private readonly ws = this.s.ws;
  /** The text of a view leaf. */
  private readonly viewText = this.s.viewText;

  /** Where leaf bytes go when the sink takes them directly (see `Sink.direct`), for the piece being converted. */
  private out: Output | null = null;
  /** The tokenizer's hint about the text piece being handled (only for that piece's buffer). */
  private hint: TextHint | null = null;

  /**
   * @param sink receives the events.
   * @param report locates errors (the tokenizer's).
   * @param onExternal receives `<external>` references; without it they are an error (`external-unresolved`).
   */
  constructor(
    private readonly sink: Sink,
    private readonly report: Reporter,
    private readonly maxText = DEFAULT_MAX_TEXT_BYTES_DECODE,
    private readonly onExternal: ExternalHook | null = null,
  ) {}

  start(ns: string | null, local: string, attrs: XmlAttr[], at: number): void {
    const tok = this.report;
    if (ns !== NS) tok.fail('xmime-namespace', `<${local}> is in namespace ${ns === null ? '(none)' : `"${ns}"`}, not "${NS}"`, at);
    const kind = kindOf(local);
    if (kind === -1) return tok.fail('xmime-element', `XMIME has no element <${local}>`, at);
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined && (parent.kind === Kind.Header || isView(parent.kind))) return this.viewChild(kind, parent.kind, attrs, at);
    const first = this.place(kind, parent, at);
    this.attributes(kind, attrs, first, at);
    this.stack.push({ kind, phase: 0 });
    if (kind === Kind.Header) {
      this.hmode = HeaderMode.Undecided;
      this.ws.n = 0;
    }
    if (kind === Kind.External) {
      const where = tok.error('external-unresolved', 'an <external> body needs a resolver: decode with toMimeAsync', at);
      if (this.onExternal === null) throw where;
      this.onExternal(this.a.ref!, where);
    }
    this.sink.open(kind, this.a);
  }

  /** A child of `<header>` (`<raw>` or a view), or of a view element. */
  private viewChild(kind: Kind, parent: Kind, attrs: XmlAttr[], at: number): void {
    if (kind !== Kind.Raw && !isView(kind)) this.report.fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <${TAG[parent]}>`, at);
    if (parent === Kind.Header) {
      if (this.hmode === HeaderMode.Value) this.report.fail('xmime-placement', `<${TAG[kind]}> cannot follow text in <header>`, at);
      this.hmode = HeaderMode.View; // white space before it was indentation
    }
    this.attributes(kind, attrs, false, at);
    this.viewText.n = 0;
    this.stack.push({ kind, phase: 0 });
    this.sink.open(kind, this.a);
  }

  /** Checks where `kind` may appear (the parent's content model); returns whether it is the first child of a multipart. */
  private place(kind: Kind, parent: Open | undefined, at: number): boolean {
    const bad = (why: string): never => this.report.fail('xmime-placement', `<${TAG[kind]}> ${why}`, at);
    if (parent === undefined) {
      if (kind !== Kind.Mime) bad('cannot be the root element; the root is <mime>');
      return false;
    }
    const pk = parent.kind, content = SCHEMA[pk].content;
    if (content === Content.Empty) bad(`cannot appear inside <${TAG[pk]}>, which is empty`);
    if (content !== Content.Elements) bad(`cannot appear inside <${TAG[pk]}>, which holds text`);
    const first = parent.phase === 0;
    const phase = placeIn(pk, kind, parent.phase);
    if (phase === -1) bad(`cannot appear inside <${TAG[pk]}>`);
    if (phase === -2) bad(`is out of order inside <${TAG[pk]}>`);
    parent.phase = phase;
    return first;
  }

  private attributes(kind: Kind, attrs: XmlAttr[], first: boolean, at: number): void {
    const a = this.a, tok = this.report;
    const eol = this.eol;
    a.end = a.after = eol;
    a.before = defaultBefore(first, eol);
    a.sep = DEFAULT_SEP;
    a.pad = null;
    a.name = a.boundary = null;
    a.eol = Eol.CrLf;
    a.form = null;
    a.ref = kind === Kind.External ? { uri: '', size: -1, sha256: '', type: '' } : null;
    const allowed = SCHEMA[kind].attrs;
    // `<text>` attributes depend on each other: they are read together once all are known.
    const seen = kind === Kind.Text || isView(kind) ? new Map<string, string>() : null;
    for (const { ns, local, value } of attrs) {
      if (ns === NS) tok.fail('xmime-attribute', `<${TAG[kind]}> has no attribute "${local}" in the XMIME namespace; XMIME attributes are unprefixed`, at);
      if (ns !== null) continue;
      if (!allowed.includes(local)) tok.fail('xmime-attribute', `<${TAG[kind]}> has no attribute "${local}"`, at);
      if (seen !== null) {
        seen.set(local, value);
        continue;
      }
      const bad = (): never => tok.fail('xmime-attribute-value', `${local}="${value}" is not allowed on <${TAG[kind]}>`, at);
      switch (local) {
        case 'eol':
          if (value === 'crlf') a.eol = Eol.CrLf;
          else if (value === 'lf') a.eol = Eol.Lf;
          else bad();
          break;
        case 'end':
        case 'before':
        case 'after': {
          const e = value === 'crlf' ? Eol.CrLf : value === 'lf' ? Eol.Lf : value === 'none' ? Eol.None : bad();
          if (local === 'end') a.end = e;
          else if (local === 'before') a.before = e;
          else a.after = e;
          break;
        }
        case 'name':
          a.name = nameBytes(value) ?? bad();
          break;
        case 'sep': {
          const b = attrBytes(value);
          let i = 0;
          while (i < b.length && (b[i] === 0x20 || b[i] === 0x09)) i++;
          if (b[i++] !== 0x3a || !(i === b.length || (i === b.length - 1 && b[i] === 0x20))) bad();
          a.sep = b;
          break;
        }
        case 'pad': {
          const b = attrBytes(value);
          if (b.some((c) => c !== 0x20 && c !== 0x09)) bad();
          a.pad = b;
          break;
        }
        case 'boundary': {
          const b = attrBytes(value);
          if (b.length === 0 || b.length > MAX_BOUNDARY) bad();
          a.boundary = b;
          break;
        }
        case 'uri':
          if (!URI.test(value)) bad();
          a.ref!.uri = value;
          break;
        case 'size':
          if (!SIZE.test(value)) bad();
          a.ref!.size = +value;
          break;
        case 'sha256':
          if (!SHA256.test(value)) bad();
          a.ref!.sha256 = value;
          break;
        case 'type':
          a.ref!.type = value;
          break;
      }
    }
    if (seen !== null) {
      if (kind === Kind.Text) return this.textForm(seen, at);
      const missing = missingAttribute(kind, (name) => seen.has(name));
      if (missing !== null) tok.fail('xmime-missing-attribute', `<${TAG[kind]}> needs ${missing}`, at);
      a.label = seen.get('name') ?? null;
      a.addr = seen.get('addr') ?? '';
      a.value = seen.get('value') ?? '';
      return;
    }
    if (kind === Kind.Header && a.name === null) tok.fail('xmime-missing-attribute', '<header> needs a name', at);
    if (kind === Kind.Multipart && a.boundary === null) tok.fail('xmime-missing-attribute', '<multipart> needs a boundary', at);
    if (kind === Kind.External) {
      const r = a.ref!;
      const missing = r.uri === '' ? 'uri' : r.size < 0 ? 'size' : r.sha256 === '' ? 'sha256' : null;
      if (missing !== null) tok.fail('xmime-missing-attribute', `<external> needs ${missing}`, at);
    }
    if (kind === Kind.Mime) this.eol = a.eol;
  }

  /** Reads the attributes of `<text>` (spec §7.4) into a form. */
  private textForm(seen: Map<string, string>, at: number): void {
    const tok = this.report;
    const f: TextForm = { charset: 'utf-8', transfer: 'identity', qp: null, b64: null, eol: this.eol };
    const bad = (name: string): never => tok.fail('xmime-attribute-value', `${name}="${seen.get(name)}" is not allowed on <text>`, at);
    const int = (name: string, min: number, max: number): number | undefined => {
      const v = seen.get(name);
      if (v === undefined) return undefined;
      if (!/^[0-9]{1,9}$/.test(v) || +v < min || +v > max) bad(name);
      return +v;
    };
    const charset = seen.get('charset');
    if (charset !== undefined) {
      const name = charsetName(charset);
      if (name === null || charsetEncoder(name) === null) tok.fail('xmime-attribute-value', `charset="${charset}" is not a charset xmime can encode`, at);
      f.charset = charset;
    }
    const transfer = seen.get('transfer');
    if (transfer !== undefined) {
      f.transfer = transfer === 'quoted-printable' || transfer === 'base64' ? transfer : bad('transfer');
    }
    for (const k of seen.keys())
      if (FOR_TRANSFER[k] !== undefined && FOR_TRANSFER[k] !== f.transfer) tok.fail('xmime-attribute', `<text> has "${k}" only with transfer="${FOR_TRANSFER[k]}"`, at);
    const eol = seen.get('eol');
    if (eol !== undefined) f.eol = eol === 'crlf' ? Eol.CrLf : eol === 'lf' ? Eol.Lf : bad('eol');
    const flag = (name: string, on: string): boolean => seen.has(name) && (seen.get(name) === on || bad(name));
    if (flag('direct', 'optional')) {
      if (charsetName(f.charset) !== 'utf-7') tok.fail('xmime-attribute', '<text> has "direct" only with a UTF-7 charset', at);
      f.utf7Direct = true;
    }
    if (f.transfer === 'base64') {
      const line = int('line', 4, 999999999) ?? B64_LINE;
      if (line % 4 !== 0) bad('line');
      f.b64 = { line, end: !flag('end', 'none'), blank: int('blank', 0, 999999999) ?? 0 };
    } else if (f.transfer === 'quoted-printable') {
      const chars = (name: string): string => {
        const v = seen.get(name);
        if (v === undefined) return '';
        const b = attrBytes(v);
        if (b.some((c) => c !== 0x09 && (c < 0x20 || c > 0x7e || c === 0x3d))) bad(name);
        return String.fromCharCode(...b);
      };
      let breaks: number[] | null = null;
      const bv = seen.get('breaks');
      if (bv !== undefined) {
        if (!/^[0-9]{1,9}( [0-9]{1,9})*$/.test(bv)) bad('breaks');
        breaks = bv.split(' ').map(Number);
        if (breaks.length > MAX_BREAKS) bad('breaks');
      }
      f.qp = {
        line: int('line', 1, 999999999) ?? QP_LINE,
        lower: flag('hex', 'lower'),
        always: chars('always'),
        start: chars('start'),
        rawTrailing: flag('trailing', 'raw'),
        softSpace: flag('soft-space', 'encoded'),
        word: flag('wrap', 'word'),
        fill: !flag('fill', 'no'),
        breaks,
      };
    } else if (seen.has('line')) tok.fail('xmime-attribute', '<text> has "line" only with a transfer encoding', at);
    this.a.form = this.form = f;
    this.textBuf.n = 0;
  }

  /** Collects the content of `<text>`; it is encoded at its end tag. */
  private textContent(d: Uint8Array, s: number, e: number): void {
    if (this.textBuf.n + e - s > this.maxText) this.report.fail('limit-text', `<text> holds more than ${this.maxText} bytes`, this.report.offsetOf(d, s + this.maxText - this.textBuf.n));
    this.textBuf.bytes(d, s, e);
  }

  /** A finished `<text>`: its characters, with "\n" as the text's line ending and U+F7xx as the controls they stand for (spec §7.4). */
  private endText(): void {
    const b = this.textBuf;
    this.sink.chars(textFromXml(b.buf, b.n, this.form!.eol, this.utf8Out));
    this.form = null;
    if (b.buf.length > 65536) this.textBuf = new Output(null, 4096); // a big one is not kept
  }

  text(d: Uint8Array, s: number, e: number, hint: TextHint | null): void {
    this.hint = hint;
    this.content(d, s, e);
  }

  private content(d: Uint8Array, s: number, e: number): void {
    const top = this.stack[this.stack.length - 1];
    if (top.kind === Kind.Text) return this.textContent(d, s, e);
    if (top.kind === Kind.Header && this.hmode !== HeaderMode.Value) return this.headerText(d, s, e);
    if (isView(top.kind) && top.kind !== Kind.Mailbox && top.kind !== Kind.Group && top.kind !== Kind.Media) {
      if (this.viewText.n + e - s > this.maxText) this.report.fail('limit-text', `<${TAG[top.kind]}> holds more than ${this.maxText} bytes`, this.report.offsetOf(d, s + this.maxText - this.viewText.n));
      return this.viewText.bytes(d, s, e);
    }
    if (!isLeaf(top.kind)) {
      for (let i = s; i < e; i++) {
        const c = d[i];
        if (c !== 0x20 && c !== LF && c !== 0x09 && c !== 0x0d)
          this.report.fail('xmime-text', top.kind === Kind.External ? '<external> is empty; its bytes are at its uri' : `<${TAG[top.kind]}> holds only elements, not text`, this.report.offsetOf(d, i));
      }
      return;
    }
    // Convert in slices so the scratch buffer stays small; never split a UTF-8 sequence.
    while (e - s > SLICE) {
      let m = s + SLICE;
      while ((d[m] & 0xc0) === 0x80) m--;
      this.leafText(d, s, m);
      s = m;
    }
    this.leafText(d, s, e);
  }

  /**
   * Text of a `<header>` before it is known to hold a value: white space is
   * held back, since it is indentation if a view follows; anything else makes
   * it a value.
   */
  private headerText(d: Uint8Array, s: number, e: number): void {
    let i = s;
    while (i < e && (d[i] === 0x20 || d[i] === LF || d[i] === 0x09 || d[i] === 0x0d)) i++;
    if (this.hmode === HeaderMode.View) {
      if (i < e) this.report.fail('xmime-text', '<header> with a view holds only elements, not text', this.report.offsetOf(d, i));
      return;
    }
    // Indentation is short: white space past MAX_INDENT is a value (so memory stays bounded and a long
    // white-space value streams like any other).
    if (i === e && this.ws.n + e - s <= MAX_INDENT) return this.ws.bytes(d, s, e);
    this.hmode = HeaderMode.Value;
    this.flushWs();
    this.content(d, s, e);
  }

  /** The held white space of a header, as its value's first bytes. */
  private flushWs(): void {
    if (this.ws.n === 0) return;
    const w = this.ws.buf.slice(0, this.ws.n);
    this.ws.n = 0;
    this.leafText(w, 0, w.length);
  }

  /**
   * Character data of a leaf element to MIME bytes: "\n" is the document's
   * line ending; U+F700–U+F7FF (EF 9C 80 – EF 9F BF) are raw bytes. Writes
   * straight into the output when the reader was given one, else through
   * the sink.
   */
  private leafText(d: Uint8Array, s: number, e: number): void {
    const crlf = this.eol === Eol.CrLf, len = e - s;
    this.out = this.sink.direct?.() ?? null;
    const seg = len >= 64 ? span(d, s, e) : null; // short runs: the byte loop is cheaper
    const hint = this.hint !== null && this.hint.d === d ? this.hint : null;
    // No raw bytes (U+F7xx, lead byte EF) in it: ASCII by the tokenizer's word, else looked for.
    if (seg !== null && ((hint !== null && hint.ascii) || indexOfByte(seg, 0xef, 0, this.words) < 0)) {
      if (!crlf) return this.sink.text(d, s, e);
      // Copy the run once, then spread it from the end, inserting a CR before each LF.
      // LF indexes, from lfs[j0] to lfs[j1 - 1], relative to `from`: the tokenizer's (indexes into d) when
      // it noted this piece's LFs while scanning it, else found here in seg.
      const known = hint !== null ? hint.lfs : null;
      let lfs: Int32Array, j0 = 0, j1: number, from = 0;
      if (known !== null) {
        lfs = known.at;
        j0 = firstAtLeast(lfs, known.n, s);
        j1 = firstAtLeast(lfs, known.n, e);
        from = s;
      } else {
        lfs = this.lineFeeds(seg);
        j1 = this.lfN;
      }
      const m = j1 - j0;
      const [buf, k] = this.space(len + m);
      buf.set(seg, k);
      let shift = m, stop = len;
      for (let j = j1 - 1; j >= j0; j--) {
        const p = lfs[j] - from;
        if (shift > 0 && stop > p + 1) buf.copyWithin(k + p + 1 + shift, k + p + 1, k + stop);
        buf[k + p + shift] = LF;
        buf[k + p + shift - 1] = 0x0d;
        shift--;
        stop = p;
      }
      return this.commit(len + m);
    }
    // Byte by byte (no tuple from space(): this path runs once per short run, and runs between references are short).
    let out: Uint8Array, k0 = 0;
    if (this.out !== null) {
      this.out.ensure(2 * len);
      out = this.out.buf;
      k0 = this.out.n;
    } else out = this.scratch(2 * len);
    let k = k0;
    for (let i = s; i < e; i++) {
      const c = d[i];
      if (c === LF) {
        if (crlf) out[k++] = 0x0d;
        out[k++] = LF;
      } else if (c === 0xef && d[i + 1] >= 0x9c && d[i + 1] <= 0x9f) {
        out[k++] = ((d[i + 1] & 3) << 6) | (d[i + 2] & 0x3f);
        i += 2;
      } else out[k++] = c;
    }
    this.commit(k - k0);
  }

  /** Positions of the LFs in `seg` (in `lfs`, count in `lfN`), when the tokenizer did not note them. */
  private lineFeeds(seg: Uint8Array): Int32Array {
    let n = indexAll(seg, 0, seg.length, LF, this.words, this.lfs);
    if (n > this.lfs.length) {
      this.lfs = new Int32Array(Math.max(n, 2 * this.lfs.length));
      n = indexAll(seg, 0, seg.length, LF, this.words, this.lfs);
    }
    this.lfN = n;
    return this.lfs;
  }

  /** Room for `n` bytes: in the output buffer when writing directly, else in the scratch buffer. */
  private space(n: number): [Uint8Array, number] {
    if (this.out !== null) {
      this.out.ensure(n);
      return [this.out.buf, this.out.n];
    }
    return [this.scratch(n), 0];
  }

  /** Hands on the `k` bytes just written into {@link space}. */
  private commit(k: number): void {
    if (this.out !== null) this.out.n += k;
    else this.sink.text(this.buf, 0, k);
  }

  /** A reusable buffer of at least `n` bytes. */
  private scratch(n: number): Uint8Array {
    if (this.buf.length < n) this.buf = new Uint8Array(Math.max(n, 2 * this.buf.length));
    return this.buf;
  }

  end(at: number): void {
    const kind = this.stack.pop()!.kind;
    if (isView(kind) && SCHEMA[kind].content === Content.Chars) this.sink.chars(utf8.decode(this.viewText.buf.subarray(0, this.viewText.n)));
    else if (kind === Kind.Text) this.endText();
    else if (kind === Kind.Header && this.hmode === HeaderMode.Undecided) this.flushWs();
    this.sink.close(kind);
    if (this.stack.length === 0) this.release();
  }

  /** At the end of the document: the scratch buffers go to the next reader (none is used after the root closes). */
  private release(): void {
    const s = this.s;
    s.buf = this.buf;
    s.lfs = this.lfs;
    s.textBuf = this.textBuf;
    for (const o of [s.textBuf, s.utf8Out, s.ws, s.viewText]) {
      if (o.buf.length > SPARE_MAX) return;
      o.n = 0;
    }
    if (s.buf.length <= SPARE_MAX && s.lfs.length <= SPARE_MAX && spares.length < 4) spares.push(s);
  }
}

/** The first j < n with a[j] >= x (a ascending), or n. */
function firstAtLeast(a: Int32Array, n: number, x: number): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
