/**
 * Pieces (spec §9.7.1): a long `body`, `preamble` or `epilogue` is written as
 * a run of consecutive sibling elements of the same name, so that no text
 * node exceeds what XML processors accept at their default settings
 * (libxml2 refuses text nodes over 10,000,000 bytes).
 *
 * A layer over the XML writer rather than a change inside it: the events
 * upstream (readable stage, out-of-band survey) still see one body, and the
 * cut depends only on the bytes, never on how they arrive.
 * @module
 */
import { type Attrs, Kind, newAttrs } from '../xmime/events.js';
import { XmlWriter } from './xml-writer.js';
import type { Output } from '../core/output.js';
import { DEFAULT_MAX_PIECE_BYTES } from '../xmime/pieces.js';

export { DEFAULT_MAX_PIECE_BYTES };

const LF = 0x0a, CR = 0x0d;

/** Kinds whose content may be cut into pieces. */
function cuttable(k: Kind): boolean {
  return k === Kind.Body || k === Kind.Preamble || k === Kind.Epilogue;
}

/**
 * An {@link XmlWriter} that cuts the text of `body`, `preamble` and
 * `epilogue` into pieces of `max` to `max + 3` bytes: a piece ends once it
 * holds `max` bytes, before the next byte that neither continues a UTF-8
 * sequence (0x80..0xBF) nor is the LF of a CR LF, and at the latest at
 * `max + 3` bytes. So a piece never splits a character or a line ending
 * (what escapes a byte is the same cut or uncut), and the next piece is an
 * element without attributes.
 */
export class PiecedXmlWriter extends XmlWriter {
  private kind: Kind | -1 = -1;
  /** Bytes in the open piece. */
  private n = 0;
  private lastCr = false;
  private readonly cont: Attrs = newAttrs();

  constructor(
    out: Output,
    private readonly max: number,
  ) {
    super(out);
  }

  override open(kind: Kind, a: Attrs): void {
    if (kind === Kind.Mime) {
      // A continuation takes every default: before and after are the document's line ending.
      this.cont.before = this.cont.after = a.eol;
    }
    if (cuttable(kind)) {
      this.kind = kind;
      this.n = 0;
      this.lastCr = false;
    }
    super.open(kind, a);
  }

  override text(d: Uint8Array, s: number, e: number): void {
    const k = this.kind;
    if (k === -1) return super.text(d, s, e);
    const max = this.max;
    while (s < e) {
      if (this.n < max) {
        const take = Math.min(e - s, max - this.n);
        super.text(d, s, s + take);
        this.n += take;
        s += take;
        this.lastCr = d[s - 1] === CR;
        continue;
      }
      const b = d[s];
      if (this.n >= max + 3 || ((b < 0x80 || b > 0xbf) && !(b === LF && this.lastCr))) {
        super.close(k);
        super.open(k, this.cont);
        this.n = 0;
        this.lastCr = false;
        continue;
      }
      super.text(d, s, s + 1);
      this.n++;
      this.lastCr = b === CR;
      s++;
    }
  }

  override close(kind: Kind): void {
    if (cuttable(kind)) this.kind = -1;
    super.close(kind);
  }
}

/** The writer for `maxPieceBytes` (Infinity: no pieces). */
export function xmlWriter(out: Output, maxPieceBytes = DEFAULT_MAX_PIECE_BYTES): XmlWriter {
  if (!(maxPieceBytes >= 1)) throw new RangeError(`maxPieceBytes must be at least 1, not ${maxPieceBytes}`);
  return maxPieceBytes === Infinity ? new XmlWriter(out) : new PiecedXmlWriter(out, Math.floor(maxPieceBytes));
}
