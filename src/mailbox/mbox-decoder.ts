/**
 * Mailbox documents (spec §18), the way back: `<mbox>` (or a single
 * `<mime>`) to the mbox file. Each `<mime>` goes to a single-message reader.
 * @module
 */
import { type DecodeOptions, pushString, StringEncoder } from '../api/codec.js';
import { xmlInput } from '../api/guard.js';
import { Output } from '../core/output.js';
import { type ExternalRef, NS } from '../xmime/events.js';
import type { XmimeError } from '../core/errors.js';
import { MimeWriter } from '../decode/mime-writer.js';
import { XmimeReader } from '../decode/xmime-reader.js';
import { XmlTokenizer } from '../decode/xml-tokenizer.js';
import type { TextHint, XmlAttr, XmlHandler } from '../decode/xml-handler.js';
import type { Reporter } from '../decode/reporter.js';
import { WireStage } from '../decode/wire-stage.js';
import { type MboxVariant, MBOX_VARIANTS } from './mbox-split.js';
import { readLeaf } from './leaf.js';
import { concatBytes, swapCrLf } from './mbox-encoder.js';

const GT = 0x3e;

/** Options of the mailbox reader: the decoder's, and what writes `<external>` bodies. */
export interface MailboxDecodeOptions extends DecodeOptions {
  /**
   * @internal Writes the bytes of an `<external>` body into `out` (where the body goes), or
   * throws (an XmimeError at `where`). Without it an `<external>` is `external-unresolved`.
   */
  external?: (ref: ExternalRef, where: XmimeError, out: Output) => void;
}

/** Where the reader is in a mailbox document. */
const enum At {
  Root,
  /** Inside `<mbox>`: before, between or after its children. */
  Mbox,
  Prefix,
  Tail,
  /** Inside a `<mime>` of the mailbox (depth counts its open elements). */
  Message,
  /** A single-message document: everything goes to the XMIME reader. */
  Single,
}

const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20];

/**
 * mboxrd quoting on the way out (spec §18.2): after the separator line,
 * every line that is `>`* then `From ` gets one more `>`.
 */
class Requoter {
  /** -1: in the separator line; -2: inside a line; ≥0: `>` counted at a line start. */
  private gts = -1;
  /** Bytes of `From ` matched after the `>` run. */
  private m = 0;

  /** The byte that ends lines: LF, or CR in a `lines="cr"` mailbox. */
  nl = 0x0a;

  constructor(private readonly out: Output) {}

  reset(): void {
    this.gts = -1;
    this.m = 0;
  }

  push(d: Uint8Array): void {
    const out = this.out;
    let i = 0;
    const n = d.length;
    while (i < n) {
      if (this.gts < 0) {
        const j = d.indexOf(this.nl, i);
        const e = j < 0 ? n : j + 1;
        out.bytes(d, i, e);
        i = e;
        if (j >= 0) this.gts = 0;
        continue;
      }
      const c = d[i];
      if (this.m === 0 && c === GT) {
        this.gts++;
        i++;
        continue;
      }
      if (c === FROM_[this.m]) {
        this.m++;
        i++;
        if (this.m === 5) this.release(true);
        continue;
      }
      this.release(false);
    }
  }

  /** The line start is decided: write the `>` run (one more if quoted) and what matched of `From `. */
  private release(quoted: boolean): void {
    const out = this.out;
    for (let k = this.gts + (quoted ? 1 : 0); k > 0; k--) out.byte(GT);
    for (let k = 0; k < this.m; k++) out.byte(FROM_[k]);
    this.gts = -2;
    this.m = 0;
  }

  end(): void {
    if (this.gts >= 0) this.release(false);
    this.gts = -1;
  }
}

/**
 * The reader of any XMIME document: a single message (`<mime>`) or a
 * mailbox (`<mbox>`), written out as the message's or the file's bytes.
 */
export class MailboxReader implements XmlHandler {
  private at = At.Root;
  private depth = 0;
  private variant: MboxVariant = 'auto';
  private inner: XmimeReader | null = null;
  private readonly requote: Requoter;
  private messages = 0;
  private phase = 0; // 0: nothing yet, 1: prefix, 2: messages, 3: tail
  private sawFromLine = false;
  private readonly attrs: XmlAttr[] = [];

  /**
   * @param collect when given, each message's bytes (separator line first,
   *   quoting not redone) go to the Output that `begin` returns instead of
   *   `out`, and nothing else is written: for reading messages one by one.
   */
  constructor(
    private readonly tok: Reporter,
    private readonly out: Output,
    private readonly options: MailboxDecodeOptions = {},
    private readonly collect: { begin(index: number): Output; end(index: number): void } | null = null,
  ) {
    this.requote = new Requoter(out);
  }

  /** Where a mailbox's messages are written; made for the first one (a single message needs none). */
  private mo: Output | null = null;
  private get msgOut(): Output {
    // c is a view of the buffer, consumed before it is reused: a CR-only mailbox swaps back in place.
    return (this.mo ??= new Output(
      (c) => {
        if (this.crLines) swapCrLf(c);
        if (this.target !== null) this.target.bytes(c);
        else if (this.variant === 'mboxrd') this.requote.push(c);
        else this.out.bytes(c);
      },
      65536,
      false,
    ));
  }

  private target: Output | null = null;
  /** A CR-only mailbox (`lines="cr"`). */
  crLines = false;

  /** The root element is `<mbox>`. */
  isMailbox = false;

  private newInner(out: Output): XmimeReader {
    const ext = this.options.external;
    return new XmimeReader(new WireStage(new MimeWriter(out), this.tok), this.tok, this.options.maxTextBytes, ext === undefined ? null : (ref, where) => ext(ref, where, out));
  }

  start(ns: string | null, local: string, attrs: XmlAttr[], at: number): void {
    const tok = this.tok;
    if (this.at === At.Single) return this.inner!.start(ns, local, attrs, at);
    if (this.at === At.Message) {
      if (!this.sawFromLine && !(ns === NS && local === 'from-line'))
        tok.fail('xmime-placement', 'a <mime> in a mailbox begins with its <from-line> (the separator)', at);
      this.sawFromLine = true;
      this.depth++;
      return this.inner!.start(ns, local, attrs, at);
    }
    if (ns !== NS) tok.fail('xmime-namespace', `<${local}> is in namespace ${ns === null ? '(none)' : `"${ns}"`}, not "${NS}"`, at);
    if (this.at === At.Root) {
      if (local === 'tree') tok.fail('xmime-placement', '<tree> is a directory: decode it from a file into a directory (xmime decode DOC -o DIR)', at);
      if (local !== 'mbox') {
        this.at = At.Single;
        this.inner = this.newInner(this.out);
        return this.inner.start(ns, local, attrs, at);
      }
      for (const a of attrs) {
        if (a.ns !== null) continue;
        if (a.local === 'lines') {
          if (a.value !== 'cr') tok.fail('xmime-attribute-value', `lines="${a.value}" is not allowed on <mbox> (only "cr")`, at);
          this.crLines = true;
          this.requote.nl = 0x0d;
          continue;
        }
        if (a.local === 'part') {
          // Part K of a mailbox split into several documents (§18.6): nothing changes in its bytes.
          if (!/^[1-9][0-9]{0,14}$/.test(a.value)) tok.fail('xmime-attribute-value', `part="${a.value}" is not a part number (1, 2, …)`, at);
          continue;
        }
        if (a.local !== 'variant') tok.fail('xmime-attribute', `<mbox> has no attribute "${a.local}"`, at);
        if (!(MBOX_VARIANTS as readonly string[]).includes(a.value)) tok.fail('xmime-attribute-value', `variant="${a.value}" is not allowed on <mbox>`, at);
        this.variant = a.value as MboxVariant;
      }
      this.at = At.Mbox;
      this.isMailbox = true;
      return;
    }
    if (this.at !== At.Mbox) tok.fail('xmime-placement', `<${local}> cannot appear inside <${this.at === At.Prefix ? 'prefix' : 'tail'}>, which holds text`, at);
    const order = local === 'prefix' ? 1 : local === 'mime' ? 2 : local === 'tail' ? 3 : -1;
    if (order < 0) tok.fail(['from-line', 'headers', 'body', 'header'].includes(local) ? 'xmime-placement' : 'xmime-element', `<${local}> cannot appear inside <mbox>`, at);
    if (order < this.phase || (order === this.phase && order !== 2)) tok.fail('xmime-placement', `<${local}> is out of order in <mbox> (prefix?, mime*, tail?)`, at);
    this.phase = order;
    if (order !== 2) {
      for (const a of attrs) if (a.ns === null) tok.fail('xmime-attribute', `<${local}> has no attribute "${a.local}"`, at);
      this.at = order === 1 ? At.Prefix : At.Tail;
      return;
    }
    // A message: `gap` is the mailbox's; the rest goes to the XMIME reader.
    let gap: string | null = null;
    let eol = 'crlf';
    this.attrs.length = 0;
    for (const a of attrs) {
      if (a.ns === null && a.local === 'split') {
        // mboxcl2: how the encoder found this boundary (spec §18.2); no byte depends on it.
        if (a.value !== 'auto' && a.value !== 'lf') tok.fail('xmime-attribute-value', `split="${a.value}" is not allowed on <mime> (auto or lf)`, at);
        if (this.variant !== 'mboxcl2') tok.fail('xmime-attribute', 'split is an attribute of a message of a variant="mboxcl2" mailbox', at);
      } else if (a.ns === null && a.local === 'gap') {
        if (this.crLines ? a.value !== 'none' : a.value !== 'crlf' && a.value !== 'lf' && a.value !== 'none')
          tok.fail('xmime-attribute-value', `gap="${a.value}" is not allowed on <mime>${this.crLines ? ' in a lines="cr" mailbox (only "none")' : ''}`, at);
        if (this.messages === 0) tok.fail('xmime-attribute', 'the first <mime> of a mailbox has no gap (bytes before it are its <prefix>)', at);
        gap = a.value;
      } else {
        if (a.ns === null && a.local === 'eol') eol = a.value;
        this.attrs.push({ ns: a.ns, local: a.local, value: a.value });
      }
    }
    if (this.collect !== null) this.target = this.collect.begin(this.messages + 1);
    else if (this.messages > 0) {
      const g = gap ?? (this.crLines ? 'cr' : eol);
      if (g === 'cr') this.out.byte(0x0d);
      else if (g === 'lf') this.out.byte(0x0a);
      else if (g === 'crlf') this.out.ascii('\r\n');
    }
    this.messages++;
    this.at = At.Message;
    this.depth = 0;
    this.sawFromLine = false;
    this.requote.reset();
    this.inner = this.newInner(this.msgOut);
    this.inner.start(ns, local, this.attrs, at);
  }

  text(d: Uint8Array, s: number, e: number, hint: TextHint | null): void {
    switch (this.at) {
      case At.Single:
      case At.Message:
        this.inner!.text(d, s, e, hint);
        if (this.at === At.Message) this.msgOut.flush();
        return;
      case At.Prefix:
      case At.Tail:
        if (this.collect === null) readLeaf(this.out, d, s, e);
        return;
      default:
        for (let i = s; i < e; i++) {
          const c = d[i];
          if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) this.tok.fail('xmime-text', `<mbox> holds only elements, not text`, this.tok.offsetOf(d, i));
        }
    }
  }

  end(at: number): void {
    switch (this.at) {
      case At.Single:
        return this.inner!.end(at);
      case At.Message:
        if (this.depth === 0) {
          if (!this.sawFromLine) this.tok.fail('xmime-placement', 'a <mime> in a mailbox begins with its <from-line> (the separator)', at);
          this.inner!.end(at);
          this.msgOut.flush();
          if (this.target !== null) {
            this.target = null;
            this.collect!.end(this.messages);
          } else if (this.variant === 'mboxrd') this.requote.end();
          this.inner = null;
          this.at = At.Mbox;
          return;
        }
        this.depth--;
        this.inner!.end(at);
        this.msgOut.flush();
        return;
      case At.Prefix:
      case At.Tail:
        this.at = At.Mbox;
        return;
      default:
        this.at = At.Root; // the root closed; the tokenizer rejects anything after it
    }
  }
}

/** Output is handed on once this much is buffered. */
const OUT_FLUSH = 16384;

/**
 * Push-style decoder of any XMIME document: a `<mime>` gives the message's
 * bytes, an `<mbox>` the mbox file's. Accepts UTF-8 bytes or strings.
 * Throws {@link XmimeError} if the input is not XMIME.
 *
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * const d = new MailboxDecoder((c) => parts.push(c));
 * d.push('<mbox xmlns="urn:xmpp:xmime:0"><mime eol="lf"><from-line>a</from-line></mime></mbox>');
 * d.end(); // parts hold "From a\n"
 * ```
 */
export class MailboxDecoder {
  private readonly out: Output;
  private readonly tok: XmlTokenizer;
  /** @internal The reader behind the decoder (what kind of document it read). */
  readonly reader: MailboxReader;
  /** Strings to UTF-8, as the message decoder takes them: a split surrogate pair waits, a lone one fails. */
  private readonly se = new StringEncoder();
  private bytesIn = 0;

  constructor(onChunk: (bytes: Uint8Array) => void, options: MailboxDecodeOptions = {}) {
    this.out = new Output(onChunk);
    let reader: MailboxReader;
    this.tok = new XmlTokenizer((report) => (reader = new MailboxReader(report, this.out, options)), options);
    this.reader = reader!;
  }

  /** Feeds the next piece of the document (UTF-8 bytes or a string). */
  push(xml: Uint8Array | string): void {
    xml = xmlInput('MailboxDecoder.push', xml);
    if (typeof xml === 'string') this.bytesIn += pushString(this.tok, this.se, xml, false, this.bytesIn);
    else {
      this.bytesIn += xml.length;
      this.tok.push(xml);
    }
    this.out.flush(OUT_FLUSH);
  }

  /** The document is complete: checks that it ended and writes the rest. */
  end(): void {
    if (this.se.pending) this.tok.fail('xml-char', 'the text ends with half a surrogate pair', this.bytesIn);
    this.tok.end();
    this.out.flush();
  }
}

/**
 * Any XMIME document (a `<mbox>` or a single `<mime>`) back to its bytes.
 *
 * @example
 * ```ts
 * const bytes = xmlToMbox(mboxToXml(mbox)); // equal to mbox
 * ```
 */
export function xmlToMbox(xml: string | Uint8Array, options: DecodeOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new MailboxDecoder((c) => parts.push(c), options);
  d.push(xmlInput('xmlToMbox', xml));
  d.end();
  return concatBytes(parts);
}
