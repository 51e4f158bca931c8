/**
 * MIME writer: {@link Sink} events in, MIME bytes out. The mirror image of
 * the MIME tokenizer: each event writes back exactly the bytes it stands for.
 * @module
 */
import { type Attrs, Kind, type Sink } from '../xmime/events.js';
import { Eol } from '../core/eol.js';
import type { Output } from '../core/output.js';

const CRLF = new Uint8Array([0x0d, 0x0a]);
const DASH2 = new Uint8Array([0x2d, 0x2d]);
const FROM_ = new Uint8Array([0x46, 0x72, 0x6f, 0x6d, 0x20]);

export class MimeWriter implements Sink {
  private readonly boundaries: Uint8Array[] = [];
  /** Pending line endings of open FromLine, Headers and Header elements. */
  private readonly ends: Eol[] = [];

  constructor(private readonly out: Output) {}

  open(kind: Kind, a: Attrs): void {
    const out = this.out;
    switch (kind) {
      case Kind.FromLine:
        out.bytes(FROM_);
        this.ends.push(a.end);
        break;
      case Kind.Headers:
        this.ends.push(a.end);
        break;
      case Kind.Header:
        out.bytes(a.name!);
        out.bytes(a.sep!);
        this.ends.push(a.end);
        break;
      case Kind.Multipart:
        this.boundaries.push(a.boundary!.slice());
        break;
      case Kind.Part:
      case Kind.Epilogue:
        this.term(a.before);
        out.bytes(DASH2);
        out.bytes(this.boundaries[this.boundaries.length - 1]);
        if (kind === Kind.Epilogue) out.bytes(DASH2);
        if (a.pad !== null) out.bytes(a.pad);
        this.term(a.after);
        break;
    }
  }

  text(d: Uint8Array, s: number, e: number): void {
    this.out.bytes(d, s, e);
  }

  /** Characters have no wire form of their own: the wire stage turns them into bytes first. */
  chars(): void {
    throw new Error('MimeWriter takes bytes: put the wire stage in front of it');
  }

  /** Leaf bytes may be written straight into the output: {@link text} would only append them. */
  direct(): Output {
    return this.out;
  }

  close(kind: Kind): void {
    if (kind === Kind.FromLine || kind === Kind.Headers || kind === Kind.Header) this.term(this.ends.pop()!);
    else if (kind === Kind.Multipart) this.boundaries.pop();
  }

  private term(e: Eol): void {
    if (e !== Eol.None) this.out.bytes(CRLF, e === Eol.CrLf ? 0 : 1, 2);
  }
}
