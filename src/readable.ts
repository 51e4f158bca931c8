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
import { cteValue, nameIs, parseContentType } from './content-type.js';
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

interface Entity {
  /** Media type (lower case), '' if unparseable, null if there was no Content-Type. */
  type: string | null;
  charset: string | null;
  cte: string | null;
  /** The entity is a part of a multipart/digest (its default type is message/rfc822). */
  inDigest: boolean;
}

const latin1 = new TextDecoder('latin1');

export class Readable implements Sink {
  private readonly entities: Entity[] = [];
  private eol = Eol.CrLf;
  /** The field being read when it is Content-Type (1) or Content-Transfer-Encoding (2), and its value. */
  private field = 0;
  private readonly value = new Output(null, 256);
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
    switch (kind) {
      case Kind.Mime:
      case Kind.Part:
      case Kind.Message: {
        if (kind === Kind.Mime) this.eol = a.eol;
        const parent = this.entities[this.entities.length - 1];
        const inDigest = kind === Kind.Part && parent !== undefined && parent.type === 'multipart/digest';
        this.entities.push({ type: null, charset: null, cte: null, inDigest });
        break;
      }
      case Kind.Header: {
        const top = this.entities[this.entities.length - 1];
        const n = a.name!;
        this.field = nameIs(n, 0, n.length, 'content-type') && top.type === null ? 1 : nameIs(n, 0, n.length, 'content-transfer-encoding') && top.cte === null ? 2 : 0;
        this.value.n = 0;
        break;
      }
      case Kind.Body:
        if (this.isText()) {
          if (this.stats !== null) this.stats.textParts++;
          this.holding = true;
          this.body.n = 0;
          return; // opened once the check is done
        }
        break;
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
    } else if (this.field !== 0) this.value.bytes(d, s, e);
    this.sink.text(d, s, e);
  }

  close(kind: Kind): void {
    switch (kind) {
      case Kind.Header:
        if (this.field !== 0) this.record();
        this.field = 0;
        break;
      case Kind.Body:
        if (this.holding) return this.decide();
        break;
      case Kind.Mime:
      case Kind.Part:
      case Kind.Message:
        this.entities.pop();
        break;
    }
    this.sink.close(kind);
  }

  /** The current entity's body is text: its type is text/*, or it has none and is not in a digest. */
  private isText(): boolean {
    const top = this.entities[this.entities.length - 1];
    return top.type === null ? !top.inDigest : top.type === '' || top.type.startsWith('text/');
  }

  private record(): void {
    const top = this.entities[this.entities.length - 1], v = this.value.buf, n = this.value.n;
    if (this.field === 1) {
      const mt = parseContentType(v, 0, n);
      top.type = mt.type;
      top.charset = mt.charset === null ? null : latin1.decode(mt.charset);
    } else top.cte = cteValue(v, 0, n);
  }

  private decide(): void {
    const top = this.entities[this.entities.length - 1];
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
