/**
 * The readable stage of the encoder, between the MIME tokenizer and the XML
 * writer: it passes every event through, except that a header field of a
 * kind with a view gets the view's events (after a Raw event with its exact
 * value when the view does not render back to it), and a `text/*` leaf body
 * whose bytes can be rebuilt from decoded text becomes a Text event with its
 * characters.
 *
 *   MIME bytes → MimeTokenizer → ReadableStage → XmlWriter → XMIME
 *
 * Its mirror in the decoder is the wire stage (../decode/wire-stage.ts).
 *
 * A body is held until its end (at most `maxTextBytes`) because the check
 * needs all of it; a longer body streams through as it is.
 * @module
 */
import { isTextBody } from './entity-types.js';
import { type Attrs, type BodyType, Kind, newAttrs, type Sink } from '../xmime/events.js';
import { Eol } from '../core/eol.js';
import { bytesEqual } from '../core/bytes.js';
import { asciiString } from '../core/intern.js';
import { Output } from '../core/output.js';
import { readText } from '../views/text-body.js';
import { carriable, headerView, renderString } from '../views/header-views.js';
import { viewKind } from '../views/headers/kinds.js';
import { emitView } from '../views/view-events.js';

/**
 * Counts of text parts and header fields, for `xmime verify --stats`.
 * @category Header views
 */
export interface ReadableStats {
  /** `text/*` leaf bodies (an empty body has no leaf and is not counted). */
  textParts: number;
  /** Those carried as decoded text. */
  readableParts: number;
  /** Header fields of a kind that has a view (spec §7.6). */
  viewFields?: number;
  /** Those written with a view. */
  views?: number;
  /** Those whose view stands in place of the raw value. */
  viewsInPlace?: number;
}

const enc = new TextEncoder();

/** `s` in UTF-8 equals `b`: compared code unit by byte while ASCII (a rendered field usually is), else encoded. */
function utf8Equals(s: string, b: Uint8Array): boolean {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    if (i >= b.length || b[i] !== c) return false;
  }
  return i === s.length ? i === b.length : bytesEqual(enc.encode(s), b);
}

/** Largest body the encoder considers for a readable view. */
export const DEFAULT_MAX_TEXT_BYTES = 1 << 20;

export class ReadableStage implements Sink {
  private eol = Eol.CrLf;
  /** A text body is being held back for the check (in `body`, reused). */
  private holding = false;
  /** The held body's type (from its Body event). */
  private bodyType: BodyType | null = null;
  private readonly body = new Output(null, 4096);
  private readonly a: Attrs = newAttrs();
  /** A header field of a view kind is held until its end (its value in `field`). */
  private holdingField = false;
  private readonly fieldAttrs: Attrs = newAttrs();
  private fieldName = '';
  private readonly field = new Output(null, 256);

  constructor(
    private readonly sink: Sink,
    private readonly maxText = DEFAULT_MAX_TEXT_BYTES,
    private readonly stats: ReadableStats | null = null,
  ) {}

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Mime) this.eol = a.eol;
    if (kind === Kind.Header) {
      const name = asciiString(a.name!, 0, a.name!.length);
      if (viewKind(name) !== null) {
        // The tokenizer's buffers move on before the field ends: keep copies.
        const h = this.fieldAttrs;
        h.name = a.name!.slice();
        h.sep = a.sep!.slice();
        h.end = a.end;
        this.fieldName = name;
        this.field.n = 0;
        this.holdingField = true;
        return;
      }
    }
    if (kind === Kind.Body && a.body !== null && isTextBody(a.body)) {
      if (this.stats !== null) this.stats.textParts++;
      this.holding = true;
      this.bodyType = a.body;
      this.body.n = 0;
      return; // opened once the check is done
    }
    this.sink.open(kind, a);
  }

  text(d: Uint8Array, s: number, e: number): void {
    if (this.holding) {
      if (this.body.n + e - s <= this.maxText) return this.body.bytes(d, s, e);
      // Too long for a view: let it, and everything after it, through as bytes.
      this.sink.open(Kind.Body, this.a);
      this.sink.text(this.body.buf, 0, this.body.n);
      this.holding = false;
    } else if (this.holdingField) return this.field.bytes(d, s, e);
    this.sink.text(d, s, e);
  }

  chars(c: string | Uint8Array): void {
    this.sink.chars(c); // the tokenizer sends none; passed on for a stage in front that might
  }

  close(kind: Kind): void {
    if (kind === Kind.Body && this.holding) return this.decide();
    if (kind === Kind.Header && this.holdingField) return this.decideField();
    this.sink.close(kind);
  }

  /** Writes the held field with its view: in place of the value when it renders back to it, else beside it. */
  private decideField(): void {
    this.holdingField = false;
    const value = this.field.buf.subarray(0, this.field.n), st = this.stats;
    const view = headerView(this.fieldName, value);
    this.sink.open(Kind.Header, this.fieldAttrs);
    if (st !== null) st.viewFields = (st.viewFields ?? 0) + 1;
    // An empty list has no elements to show, and `<header/>` already says "empty".
    const empty = view !== null && ((view.kind === 'addresses' && view.list.length === 0) || (view.kind === 'ids' && view.ids.length === 0));
    if (view === null || empty || !carriable(view)) {
      this.sink.text(value, 0, value.length);
      return this.sink.close(Kind.Header);
    }
    let rendered: string;
    try {
      rendered = renderString(this.fieldName, view, this.eol === Eol.CrLf ? '\r\n' : '\n');
    } catch {
      // No rendering: a decoder rejects such a view even beside <raw> (§10.2), so the value stays text.
      this.sink.text(value, 0, value.length);
      return this.sink.close(Kind.Header);
    }
    const inPlace = utf8Equals(rendered, value);
    if (st !== null) {
      st.views = (st.views ?? 0) + 1;
      if (inPlace) st.viewsInPlace = (st.viewsInPlace ?? 0) + 1;
    }
    if (!inPlace) {
      this.sink.open(Kind.Raw, this.a);
      this.sink.text(value, 0, value.length);
      this.sink.close(Kind.Raw);
    }
    emitView(view, this.sink, this.a);
    this.sink.close(Kind.Header);
  }

  private decide(): void {
    const top = this.bodyType!;
    const w = this.body.buf.subarray(0, this.body.n);
    this.holding = false;
    const r = readText(w, top.charset, top.cte, this.eol);
    if (r === null) {
      this.sink.open(Kind.Body, this.a);
      this.sink.text(w, 0, w.length);
      this.sink.close(Kind.Body);
      return;
    }
    if (this.stats !== null) this.stats.readableParts++;
    this.a.form = r.form;
    this.sink.open(Kind.Text, this.a);
    this.sink.chars(r.utf8 ?? r.text);
    this.sink.close(Kind.Text);
  }
}
