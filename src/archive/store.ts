/**
 * Attachments by hash: a stage in front of the readable stage that moves
 * every leaf body over a size into a content-addressed store and writes an
 * `<external>` reference in its place (spec §7.5), streaming: a body is held
 * only up to the threshold, then goes to the store as it arrives.
 * Browser-safe: the store itself is the host's (Node: files under a
 * directory, `src/node/convert/store-fs.ts`).
 * @module
 */
import { type Attrs, Kind, newAttrs, type Sink } from '../xmime/events.js';
import { mediaTypeOf } from '../encode/entity-types.js';

/** One body on its way into the store. */
export interface StoreWriter {
  write(d: Uint8Array, s: number, e: number): void;
  /** The body is complete: returns its SHA-256 (lowercase hex) once stored. */
  end(): string;
}

/** Where bodies go: `begin` is called for each body larger than `minBytes`. */
export interface BodyStore {
  /** Bodies of more than this many bytes are stored. */
  readonly minBytes: number;
  begin(): StoreWriter;
}

/** The URI of a stored body: a XEP-0231 Bits of Binary content ID, named by the body's SHA-256. */
export function storeUri(sha256: string): string {
  return `cid:sha256+${sha256}@bob.xmpp.org`;
}

/** The SHA-256 a store URI names, or null if the URI does not name a body in the store (`../`, paths, other forms). */
export function storeHash(uri: string): string | null {
  return /^cid:sha256\+([0-9a-f]{64})@bob\.xmpp\.org$/.exec(uri)?.[1] ?? null;
}

/** Media types are ASCII tokens; anything else is not worth carrying (as `toXmlAsync` does). */
function printable(type: string): string {
  return /^[!-~]{1,255}$/.test(type) ? type : '';
}

/**
 * Passes events on, except that a leaf body of more than `store.minBytes`
 * bytes becomes `<external uri size sha256 type>` and its bytes go to the
 * store. Counts what it stored in `stored` (bodies, bytes).
 */
export class StoreSink implements Sink {
  private type = '';
  private inBody = false;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private writer: StoreWriter | null = null;
  private size = 0;
  private readonly bodyAttrs = newAttrs();
  private readonly extAttrs = newAttrs();
  readonly stored = { bodies: 0, bytes: 0 };

  constructor(
    private readonly next: Sink,
    private readonly store: BodyStore,
  ) {}

  open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Body) {
      // Held until the body is known to be small (passed on as it was) or large (stored).
      Object.assign(this.bodyAttrs, a);
      this.bodyAttrs.body = a.body === null ? null : { ...a.body };
      this.type = a.body === null ? '' : printable(mediaTypeOf(a.body));
      this.inBody = true;
      this.held = [];
      this.heldBytes = 0;
      this.size = 0;
      this.writer = null;
      return;
    }
    this.next.open(kind, a);
  }

  text(d: Uint8Array, s: number, e: number): void {
    if (!this.inBody) return this.next.text(d, s, e);
    this.size += e - s;
    if (this.writer !== null) return this.writer.write(d, s, e);
    this.held.push(d.slice(s, e));
    this.heldBytes += e - s;
    if (this.heldBytes > this.store.minBytes) {
      this.writer = this.store.begin();
      for (const h of this.held) this.writer.write(h, 0, h.length);
      this.held = [];
    }
  }

  chars(c: string | Uint8Array): void {
    this.next.chars(c);
  }

  close(kind: Kind): void {
    if (kind === Kind.Body && this.inBody) {
      this.inBody = false;
      if (this.writer !== null) {
        const sha256 = this.writer.end();
        this.writer = null;
        this.stored.bodies++;
        this.stored.bytes += this.size;
        this.extAttrs.ref = { uri: storeUri(sha256), size: this.size, sha256, type: this.type };
        this.next.open(Kind.External, this.extAttrs);
        this.next.close(Kind.External);
        return;
      }
      this.next.open(Kind.Body, this.bodyAttrs);
      for (const h of this.held) this.next.text(h, 0, h.length);
      this.held = [];
    }
    this.next.close(kind);
  }
}
