/**
 * Tracks, along the event stream, each open entity's Content-Type and
 * Content-Transfer-Encoding (the first of each field, as RFC 2045 readers
 * do). Stages that decide something per body (readable text, out-of-band
 * bodies) feed it every event and ask about the innermost entity.
 * @module
 */
import { cteValue, nameIs, parseContentType } from '../views/content-type.js';
import { type Attrs, Kind } from '../xmime/events.js';
import { Output } from '../core/output.js';

export interface Entity {
  /** Media type (lower case), '' if unparseable, null if there was no Content-Type. */
  type: string | null;
  charset: string | null;
  cte: string | null;
  /** The entity is a part of a multipart/digest (its default type is message/rfc822). */
  inDigest: boolean;
}

const latin1 = new TextDecoder('latin1');

export class EntityTypes {
  private readonly stack: Entity[] = [];
  /** The field being read when it is Content-Type (1) or Content-Transfer-Encoding (2), and its value. */
  private field = 0;
  private readonly value = new Output(null, 256);

  /** The innermost open entity. */
  get top(): Entity {
    return this.stack[this.stack.length - 1];
  }

  /** The innermost entity's body is text: its type is text/*, or it has none and is not in a digest. */
  isText(): boolean {
    const top = this.top;
    return top.type === null ? !top.inDigest : top.type === '' || top.type.startsWith('text/');
  }

  /** The innermost entity's media type, with the RFC 2045/2046 defaults; '' if unparseable. */
  mediaType(): string {
    const top = this.top;
    return top.type ?? (top.inDigest ? 'message/rfc822' : 'text/plain');
  }

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Mime || kind === Kind.Part || kind === Kind.Message) {
      const parent = this.top;
      const inDigest = kind === Kind.Part && parent !== undefined && parent.type === 'multipart/digest';
      this.stack.push({ type: null, charset: null, cte: null, inDigest });
    } else if (kind === Kind.Header) {
      const top = this.top, n = a.name!;
      this.field = nameIs(n, 0, n.length, 'content-type') && top.type === null ? 1 : nameIs(n, 0, n.length, 'content-transfer-encoding') && top.cte === null ? 2 : 0;
      this.value.n = 0;
    }
  }

  text(d: Uint8Array, s: number, e: number): void {
    if (this.field !== 0) this.value.bytes(d, s, e);
  }

  close(kind: Kind): void {
    if (kind === Kind.Header) {
      if (this.field !== 0) this.record();
      this.field = 0;
    } else if (kind === Kind.Mime || kind === Kind.Part || kind === Kind.Message) this.stack.pop();
  }

  private record(): void {
    const top = this.top, v = this.value.buf, n = this.value.n;
    if (this.field === 1) {
      const mt = parseContentType(v, 0, n);
      top.type = mt.type;
      top.charset = mt.charset === null ? null : latin1.decode(mt.charset);
    } else top.cte = cteValue(v, 0, n);
  }
}
