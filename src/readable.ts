/**
 * The readable stage of the encoder, between the MIME tokenizer and the XML
 * writer: it passes every event through, except that a `text/*` leaf body
 * whose bytes can be rebuilt from decoded text becomes a Text event.
 *
 *   MIME bytes → MimeTokenizer → Readable → XmlWriter → XMIME
 *
 * A body is held until its end (at most `maxTextBytes`) because the check
 * needs all of it; a longer body streams through as it is.
 * @module
 */
import { EntityTypes } from './entity-types.js';
import { type Attrs, Eol, Kind, newAttrs, type Sink } from './events.js';
import { Output } from './output.js';
import { readText } from './text-body.js';
import type { XmlWriter } from './xml-writer.js';

/** Counts of text parts, for `xmime verify --stats`. */
export interface ReadableStats {
  /** `text/*` leaf bodies (an empty body has no leaf and is not counted). */
  textParts: number;
  /** Those carried as decoded text. */
  readableParts: number;
}

/** Largest body the encoder considers for a readable view. */
export const DEFAULT_MAX_TEXT_BYTES = 1 << 20;

export class Readable implements Sink {
  private readonly entities = new EntityTypes();
  private eol = Eol.CrLf;
  /** A text body is being held back for the check (in `body`, reused). */
  private holding = false;
  private readonly body = new Output(null, 4096);
  private readonly a: Attrs = newAttrs();

  constructor(
    private readonly sink: XmlWriter,
    private readonly maxText = DEFAULT_MAX_TEXT_BYTES,
    private readonly stats: ReadableStats | null = null,
  ) {}

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Mime) this.eol = a.eol;
    this.entities.open(kind, a);
    if (kind === Kind.Body && this.entities.isText()) {
      if (this.stats !== null) this.stats.textParts++;
      this.holding = true;
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
    } else this.entities.text(d, s, e);
    this.sink.text(d, s, e);
  }

  close(kind: Kind): void {
    if (kind === Kind.Body && this.holding) return this.decide();
    this.entities.close(kind);
    this.sink.close(kind);
  }

  private decide(): void {
    const top = this.entities.top;
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
    this.sink.chars(r.text, r.form.eol);
    this.sink.close(Kind.Text);
  }
}
