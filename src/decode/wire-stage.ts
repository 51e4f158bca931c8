/**
 * The wire stage of the decoder, between the XMIME reader and the MIME
 * writer: the mirror of the encoder's readable stage. It passes every event
 * through, except that it turns views back into bytes: the view elements of
 * a `<header>` into the field's value (unless `<raw>` gave it), and the
 * characters of `<text>` into the body's bytes (charset, transfer encoding
 * and line layout as the text's form says).
 *
 *   XMIME → XmlTokenizer → XmimeReader → WireStage → MimeWriter → MIME bytes
 * @module
 */
import { Eol } from '../core/eol.js';
import type { ErrorCode } from '../core/errors.js';
import { asciiString } from '../core/intern.js';
import { Output } from '../core/output.js';
import { type Attrs, Kind, type Sink } from '../xmime/events.js';
import { isView } from '../xmime/schema.js';
import type { TextForm } from '../xmime/text-form.js';
import { charsetName } from '../views/charset.js';
import { writeEncoded, writeText } from '../views/text-body.js';
import { ViewReader } from '../views/view-events.js';
import type { Reporter } from './reporter.js';

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/**
 * Buffers where quoted-printable bodies are encoded (each is handed on at
 * once, so a stage reuses one). A stage that reaches the end of its document
 * passes its buffer on to the next stage, so decoding many small documents
 * allocates none; live stages never share one (a sink may run another
 * decoder from inside its callback).
 */
const spareQp: Output[] = [];
const te = new TextEncoder();

export class WireStage implements Sink {
  private qpOut: Output | null = null;
  private eol = Eol.CrLf;
  /** The open `<text>`: its form, where its start tag was, and its characters so far. */
  private form: TextForm | null = null;
  private textAt = 0;
  private chunk: string | Uint8Array | null = null;
  private textBuf: Output | null = null; // made at the first <text> that comes in pieces: most documents need none
  /** The open `<header>`'s view, and the kinds open inside it. */
  private readonly views = new ViewReader();
  /** The open `<header>`'s name. */
  private name: Uint8Array | null = null;
  /** The kinds open inside the open `<header>` (the header itself first), and how many: 0 outside a header. */
  private readonly inHeader: Kind[] = [Kind.Header, Kind.Header, Kind.Header, Kind.Header];
  private depth = 0;
  /** The open `<header>` has elements (raw or a view), not a value. */
  private viewed = false;

  constructor(
    private readonly sink: Sink,
    private readonly report: Reporter,
  ) {}

  /**
   * Where a producer may write a leaf's bytes itself instead of calling
   * {@link text}: the writer's output, when this stage would pass the bytes
   * on unchanged to a writer that only appends them.
   */
  direct(): Output | null {
    return this.depth > 1 || this.form !== null ? null : (this.sink.direct?.() ?? null);
  }

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Mime) this.eol = a.eol;
    if (kind === Kind.Header) {
      this.name = a.name!; // its string only once a view needs it
      this.inHeader[0] = Kind.Header;
      this.depth = 1; // (no Array length writes here: V8's length setter showed in profiles)
      this.viewed = false;
    } else if (kind === Kind.Raw || isView(kind)) {
      const at = this.report.here();
      if (!this.viewed) this.views.begin(asciiString(this.name!, 0, this.name!.length));
      this.viewed = true;
      this.views.open(kind, this.inHeader[this.depth - 1], a, (code, detail) => this.report.fail(code, detail, at));
      this.inHeader[this.depth++] = kind;
      if (kind !== Kind.Raw) return; // a view's elements have no bytes of their own
    } else if (kind === Kind.Text) {
      this.form = a.form;
      this.textAt = this.report.here();
      this.chunk = null;
      if (this.textBuf !== null) this.textBuf.n = 0;
    }
    this.sink.open(kind, a);
  }

  text(d: Uint8Array, s: number, e: number): void {
    this.sink.text(d, s, e);
  }

  chars(c: string | Uint8Array): void {
    if (this.form === null) return this.views.chars(typeof c === 'string' ? c : utf8.decode(c));
    if (this.chunk === null && (this.textBuf === null || this.textBuf.n === 0)) {
      this.chunk = c; // usually the only one: kept without a copy
      return;
    }
    if (this.chunk !== null) this.keep(this.chunk);
    this.chunk = null;
    this.keep(c);
  }

  close(kind: Kind): void {
    if (isView(kind)) {
      this.views.close(kind);
      this.depth--;
      return;
    }
    if (kind === Kind.Raw) this.depth--;
    else if (kind === Kind.Text) this.endText();
    else if (kind === Kind.Header) {
      const at = this.report.here();
      const bytes = !this.viewed ? null : this.views.finish(this.eol === Eol.CrLf ? '\r\n' : '\n', (code, detail) => this.report.fail(code, detail, at));
      if (bytes !== null) this.sink.text(bytes, 0, bytes.length);
      this.depth = 0;
      this.viewed = false;
    }
    this.sink.close(kind);
    if (kind === Kind.Mime && this.qpOut !== null && this.qpOut.buf.length <= 65536 && spareQp.length < 4) {
      spareQp.push(this.qpOut); // nothing of it is used after the root closes
      this.qpOut = null;
    }
  }

  /** Characters of a `<text>` that came in more than one call, as UTF-8. */
  private keep(c: string | Uint8Array): void {
    const o = (this.textBuf ??= new Output(null, 1024));
    if (typeof c !== 'string') return o.bytes(c);
    o.ensure(3 * c.length);
    o.n += te.encodeInto(c, o.buf.subarray(o.n)).written;
  }

  /** The bytes of a finished `<text>`: its characters in its charset, then its transfer encoding. */
  private endText(): void {
    const f = this.form!, c = this.chunk ?? this.textBuf!.buf.subarray(0, this.textBuf!.n);
    const qp = (this.qpOut ??= spareQp.pop() ?? new Output(null, 1024));
    this.form = this.chunk = null;
    let bytes: Uint8Array | null;
    try {
      if (typeof c !== 'string' && charsetName(f.charset) === 'utf-8') bytes = writeEncoded(c, f, this.eol, qp);
      else bytes = writeText(typeof c === 'string' ? c : utf8.decode(c), f, this.eol, qp);
    } catch {
      return this.fail('xmime-attribute-value', 'breaks="…" names an offset that is not inside a line of the decoded text');
    }
    if (bytes === null) this.fail('xmime-charset', `<text> holds a character that charset "${f.charset}" cannot encode`);
    this.sink.text(bytes, 0, bytes.length);
    if (this.textBuf !== null && this.textBuf.buf.length > 65536) this.textBuf = null; // a big one is not kept
  }

  private fail(code: ErrorCode, detail: string): never {
    return this.report.fail(code, detail, this.textAt);
  }
}
