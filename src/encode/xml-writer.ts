/**
 * XML writer: {@link Sink} events in, XMIME bytes out.
 *
 * Text is written as UTF-8 character data where it is valid and XML can carry
 * it; "\n" stands for the document's line ending; every other byte is written
 * as the character U+F700 + byte (as a character reference). Structural
 * elements are indented; leaf elements hold exactly their content.
 * @module
 */
import { utf8Seq } from '../core/utf8.js';
import { mustEscape } from '../xmime/leaf-text.js';
import { type Attrs, DEFAULT_SEP, EOL_NAMES, Kind, NS, defaultBefore, type Sink } from '../xmime/events.js';
import { Content, SCHEMA, TAG } from '../xmime/schema.js';
import { Eol } from '../core/eol.js';
import { bytesEqual } from '../core/bytes.js';
import type { Output } from '../core/output.js';
import { flagged, skipPlain, WordView } from '../core/scan.js';
import type { TextForm } from '../xmime/text-form.js';
import { formAttributes } from '../xmime/attributes.js';
import { escapeAttr, escapeText } from '../xmime/xml-escape.js';

const LF = 0x0a, CR = 0x0d, LT = 0x3c, GT = 0x3e, AMP = 0x26, RB = 0x5d;

/**
 * Byte classes for text: 0 = copy, 1 = ASCII needing care, 2 = start of a
 * multi-byte sequence. In an LF document a LF is copied as it is.
 */
const CLASS_CRLF = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) CLASS_CRLF[c] = 1;
CLASS_CRLF[0x09] = 0;
CLASS_CRLF[0x7f] = 1; // DEL: allowed by XML 1.0, but XML 1.1 tools want it escaped
CLASS_CRLF[LT] = CLASS_CRLF[GT] = CLASS_CRLF[AMP] = 1;
for (let c = 0x80; c < 0x100; c++) CLASS_CRLF[c] = 2;
const CLASS_LF = CLASS_CRLF.slice();
CLASS_LF[LF] = 0;

/** What {@link XmlWriter.charsUtf8} looks at: controls but TAB, DEL, markup, and lead bytes (for C1 controls). */
const CHARS_UTF8 = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) CHARS_UTF8[c] = 1;
CHARS_UTF8[0x09] = 0;
CHARS_UTF8[0x7f] = CHARS_UTF8[LT] = CHARS_UTF8[GT] = CHARS_UTF8[AMP] = CHARS_UTF8[0xc2] = 1;

const HEX = '0123456789ABCDEF';
/** What `chars` escapes: line endings, controls, markup. */
const CHARS_ESCAPED = /\r\n|[\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f<&]|]]>/g;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();


const INDENT = new Uint8Array(1 + 2 * 24).fill(0x20);
INDENT[0] = LF;

export class XmlWriter implements Sink {
  private eol = Eol.CrLf;
  private depth = 0;
  private gtPending = false;
  /** For each open multipart: has it had a child yet (decides the default of `before`). */
  private readonly mpFirst: boolean[] = [];
  // Text state carried between text() calls of one element.
  private crPending = false;
  private readonly pend = new Uint8Array(4);
  private pendN = 0;
  private brackets = 0;
  /** Positions of the CRLFs inside the run being copied (their CRs are dropped). */
  private crs = new Int32Array(16);
  private readonly words = new WordView();
  private crN = 0;

  /** The open header holds a view (its end tag goes on a line of its own). */
  private viewed = false;
  /** Inside `<group>` or `<media>`: children go on the same line. */
  private inline = 0;
  /** Inside `<text>`, and the line ending its "\n" stands for. */
  private inText = false;
  private textEol = Eol.CrLf;

  constructor(private readonly out: Output) {}

  open(kind: Kind, a: Attrs): void {
    const out = this.out;
    if (this.gtPending) out.byte(GT);
    if (kind !== Kind.Mime && this.inline === 0) out.bytes(INDENT, 0, 1 + 2 * Math.min(this.depth, 24));
    out.byte(LT);
    out.ascii(TAG[kind]);
    const eol = this.eol;
    switch (kind) {
      case Kind.Mime:
        this.eol = a.eol;
        out.ascii(` xmlns="${NS}"`);
        if (a.eol !== Eol.CrLf) this.enumAttr('eol', a.eol);
        break;
      case Kind.Header:
        this.bytesAttr('name', a.name!);
        if (!bytesEqual(a.sep!, DEFAULT_SEP)) this.bytesAttr('sep', a.sep!);
        if (a.end !== eol) this.enumAttr('end', a.end);
        break;
      case Kind.FromLine:
      case Kind.Headers:
        if (a.end !== eol) this.enumAttr('end', a.end);
        break;
      case Kind.Multipart:
        this.bytesAttr('boundary', a.boundary!);
        this.mpFirst.push(true);
        break;
      case Kind.Preamble:
        this.mpFirst[this.mpFirst.length - 1] = false;
        break;
      case Kind.Text:
        this.formAttrs(a.form!, eol);
        this.inText = true;
        this.textEol = a.form!.eol;
        break;
      case Kind.Raw:
      case Kind.Decoded:
      case Kind.Date:
      case Kind.Id:
        this.viewed = true;
        break;
      case Kind.Mailbox:
        if (a.label !== null) this.stringAttr('name', a.label);
        this.stringAttr('addr', a.addr);
        this.viewed = true;
        break;
      case Kind.Group:
      case Kind.Param:
        this.stringAttr('name', a.label!);
        this.viewed = true;
        if (kind === Kind.Group) this.inline++;
        break;
      case Kind.Media:
        this.stringAttr('value', a.value);
        this.viewed = true;
        this.inline++;
        break;
      case Kind.External: {
        // Values are ASCII without white space (checked by the external stage).
        const r = a.ref!;
        out.ascii(` uri="${escapeAttr(r.uri)}" size="${r.size}" sha256="${r.sha256}"`);
        if (r.type !== '') out.ascii(` type="${escapeAttr(r.type)}"`);
        break;
      }
      case Kind.Part:
      case Kind.Epilogue: {
        const first = this.mpFirst[this.mpFirst.length - 1];
        this.mpFirst[this.mpFirst.length - 1] = false;
        if (a.before !== defaultBefore(first, eol)) this.enumAttr('before', a.before);
        if (a.pad !== null && a.pad.length > 0) this.bytesAttr('pad', a.pad);
        if (a.after !== eol) this.enumAttr('after', a.after);
        break;
      }
    }
    this.gtPending = true;
    this.depth++;
  }

  close(kind: Kind): void {
    const out = this.out;
    this.depth--;
    // Structural elements end on a line of their own; leaves, and a view's elements, where they are.
    let ownLine = false;
    const content = SCHEMA[kind].content;
    if (kind === Kind.Header) {
      ownLine = this.viewed;
      this.viewed = false;
    } else if (content === Content.Elements) {
      if (kind === Kind.Group || kind === Kind.Media) this.inline--;
      else ownLine = true;
    }
    if (kind === Kind.Text) this.inText = false;
    if (!ownLine) this.flushText();
    if (kind === Kind.Multipart) this.mpFirst.pop();
    if (this.gtPending) {
      // A view's leaf and <raw> are written out even when empty, like <decoded></decoded>.
      if (kind === Kind.Raw || (content === Content.Chars && kind !== Kind.Text)) {
        out.byte(GT);
        this.endTag(kind);
      } else {
        out.byte(0x2f);
        out.byte(GT);
      }
      this.gtPending = false;
    } else {
      if (ownLine) out.bytes(INDENT, 0, 1 + 2 * Math.min(this.depth, 24));
      this.endTag(kind);
    }
    if (kind === Kind.Mime) out.byte(LF);
  }

  private endTag(kind: Kind): void {
    const out = this.out;
    out.byte(LT);
    out.byte(0x2f);
    out.ascii(TAG[kind]);
    out.byte(GT);
  }

  /**
   * Characters: the decoded text of `<text>` ({@link textChars}), or the
   * text of a view's leaf (markup escaped; the caller checked that it holds
   * nothing else that needs escaping).
   */
  chars(c: string | Uint8Array): void {
    if (this.inText) {
      if (typeof c === 'string') this.textChars(c, this.textEol);
      else this.textUtf8(c, this.textEol);
      return;
    }
    const s = typeof c === 'string' ? c : utf8d.decode(c);
    if (s.length === 0) return;
    if (this.gtPending) {
      this.out.byte(GT);
      this.gtPending = false;
    }
    this.utf8(escapeText(s));
  }

  /** A string as UTF-8. */
  private utf8(s: string): void {
    const out = this.out;
    out.ensure(3 * s.length);
    out.n += utf8.encodeInto(s, out.buf.subarray(out.n)).written;
  }

  /** A string-valued attribute (a view's): markup and quotes escaped, the rest as UTF-8. */
  private stringAttr(name: string, v: string): void {
    this.out.ascii(` ${name}="`);
    this.utf8(escapeAttr(v));
    this.out.byte(0x22);
  }

  text(d: Uint8Array, s: number, e: number): void {
    if (s >= e) return;
    const out = this.out;
    if (this.gtPending) {
      out.byte(GT);
      this.gtPending = false;
    }
    let i = s;
    if (this.crPending || this.pendN > 0) i = this.resume(d, s, e);
    let run = i;
    const crlf = this.eol === Eol.CrLf;
    const CLASS = crlf ? CLASS_CRLF : CLASS_LF;
    while (i < e) {
      const from = i;
      i = skipPlain(d, i, e, CLASS, this.words);
      if (i >= e) break;
      const c = d[i];
      if (c === CR && crlf && i + 1 < e && d[i + 1] === LF) {
        // The document's line ending: keep the run going; the CR is dropped when it is copied.
        if (this.crN === this.crs.length) {
          if (this.crs.length < 4096) {
            const next = new Int32Array(this.crs.length * 4);
            next.set(this.crs);
            this.crs = next;
          } else {
            this.flushRun(d, run, i);
            run = i;
          }
        }
        this.crs[this.crN++] = i;
        // After a long plain line (base64 above all) more are likely: cross them in one loop.
        i = i - from >= 64 ? this.skipCrlf(d, i + 2, e) : i + 2;
        continue;
      }
      const cls = CLASS[c];
      if (cls === 2) {
        const len = utf8Seq(d, i, e);
        if (len > 0 && !mustEscape(d, i, len)) {
          i += len;
          continue;
        }
        this.flushRun(d, run, i);
        if (len === 0) {
          // Cut off by the end of this call: finish it with the next one.
          for (let k = i; k < e; k++) this.pend[this.pendN++] = d[k];
          this.brackets = 0;
          return;
        }
        const n = len > 0 ? len : 1;
        for (let k = 0; k < n; k++) this.escByte(d[i + k]);
        i += n;
        run = i;
        continue;
      }
      this.flushRun(d, run, i);
      if (c === LT) out.ascii('&lt;');
      else if (c === AMP) out.ascii('&amp;');
      else if (c === GT) {
        // Only "]]>" must be escaped; look back at the two bytes before.
        const b1 = i - 1 >= s ? d[i - 1] === RB : this.brackets >= 1;
        const b2 = i - 2 >= s ? d[i - 2] === RB : i - 1 >= s ? this.brackets >= 1 : this.brackets >= 2;
        if (b1 && b2) out.ascii('&gt;');
        else out.byte(GT);
      } else if (c === LF) {
        if (crlf) this.escByte(LF);
        else out.byte(LF);
      } else if (c === CR && crlf && i + 1 === e) {
        this.crPending = true;
        this.brackets = 0;
        return;
      } else this.escByte(c);
      i++;
      run = i;
    }
    this.flushRun(d, run, e);
    this.trackBrackets(d, s, e);
  }

  /**
   * {@link skipPlain} for a CRLF document that also passes each CRLF, noting
   * its CR in `crs`: a body of lines (base64 above all) is crossed in one
   * word loop instead of one call per line. Stops at any other byte needing
   * care, at a CR whose LF is not in [i, e), and when `crs` is full.
   */
  private skipCrlf(d: Uint8Array, i: number, e: number): number {
    const crs = this.crs, cap = crs.length, off = d.byteOffset, w = this.words.of(d);
    let m = this.crN;
    const small = off + e < 0x80000000; // shifts are exact below 2^31
    const we = small ? (off + e) >> 2 : Math.floor((off + e) / 4);
    // Bytes before `lim` are decided one at a time; words start at a word boundary.
    let lim = i;
    for (;;) {
      while (i < lim) {
        const c = d[i];
        if (CLASS_CRLF[c] === 0) i++;
        else if (c === CR && i + 1 < e && d[i + 1] === LF && m < cap) {
          crs[m++] = i;
          i += 2;
        } else {
          this.crN = m;
          return i;
        }
      }
      if (i >= e) break;
      const r = (off + i) % 4;
      if (r !== 0) {
        lim = Math.min(e, i + 4 - r);
        continue;
      }
      let k = small ? (off + i) >> 2 : (off + i) / 4;
      while (k < we && flagged(w[k]) === 0) k++;
      i = small ? (k << 2) - off : k * 4 - off;
      lim = k < we ? i + 4 : e; // the flagged word, or the tail
    }
    this.crN = m;
    return i;
  }

  /**
   * Copies d[run, end) to the output, dropping the CR of each CRLF recorded
   * in `crs`: one bulk copy, then the lines slide left in place.
   */
  private flushRun(d: Uint8Array, run: number, end: number): void {
    const out = this.out, crs = this.crs, m = this.crN;
    if (m === 0) {
      out.bytes(d, run, end);
      return;
    }
    this.crN = 0;
    out.ensure(end - run); // may hand on a full buffer: take the offset after it
    const n0 = out.n;
    out.bytes(d, run, end);
    const buf = out.buf;
    let dst = n0 + (crs[0] - run);
    for (let k = 0; k < m; k++) {
      const from = crs[k] + 1, to = k + 1 < m ? crs[k + 1] : end;
      buf.copyWithin(dst, n0 + (from - run), n0 + (to - run));
      dst += to - from;
    }
    out.n = dst;
  }

  /** Counts the "]" that end the text so far (at most 2 matter). */
  private trackBrackets(d: Uint8Array, s: number, e: number): void {
    let k = 0;
    while (k < 2 && e - 1 - k >= s && d[e - 1 - k] === RB) k++;
    this.brackets = k === e - s ? Math.min(2, this.brackets + k) : k;
  }

  /** Completes a CR or a UTF-8 sequence left over from the previous call; returns where to go on. */
  private resume(d: Uint8Array, s: number, e: number): number {
    if (this.crPending) {
      this.crPending = false;
      if (d[s] === LF) {
        this.out.byte(LF);
        return s + 1;
      }
      this.escByte(CR);
      return s;
    }
    const pend = this.pend;
    const have = this.pendN;
    const take = Math.min(4 - have, e - s);
    const tmp = new Uint8Array(have + take);
    tmp.set(pend.subarray(0, have));
    tmp.set(d.subarray(s, s + take), have);
    const len = utf8Seq(tmp, 0, tmp.length);
    if (len === 0) {
      tmp.forEach((b, k) => (pend[k] = b));
      this.pendN = tmp.length;
      return e;
    }
    this.pendN = 0;
    if (len < 0 || mustEscape(tmp, 0, len)) {
      // Escape what was pending; the bytes of this call are looked at afresh.
      const n = len < 0 ? have : len;
      for (let k = 0; k < n; k++) this.escByte(tmp[k]);
      return s + (n - have);
    }
    this.out.bytes(tmp, 0, len);
    return s + (len - have);
  }

  private flushText(): void {
    if (this.crPending) this.escByte(CR);
    for (let k = 0; k < this.pendN; k++) this.escByte(this.pend[k]);
    this.crPending = false;
    this.pendN = 0;
    this.brackets = 0;
  }

  /** Writes byte `b` as the escape character U+F700 + b. */
  private escByte(b: number): void {
    const out = this.out;
    out.ascii('&#xF7');
    out.byte(HEX.charCodeAt(b >> 4));
    out.byte(HEX.charCodeAt(b & 15));
    out.byte(0x3b);
  }

  /** The attributes of `<text>` (spec §7.4), written as byte-valued attributes are. */
  private formAttrs(f: TextForm, eol: Eol): void {
    const out = this.out;
    for (const [name, v] of formAttributes(f, eol)) {
      out.ascii(` ${name}="`);
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0xf700 && c <= 0xf7ff) this.escByte(c - 0xf700);
        else if (c === 0x22) out.ascii('&quot;');
        else if (c === AMP) out.ascii('&amp;');
        else if (c === LT) out.ascii('&lt;');
        else if (c === GT) out.ascii('&gt;');
        else if (c < 0x80) out.byte(c);
        else {
          const cp = v.codePointAt(i)!; // a charset label as written (never seen: WHATWG labels are ASCII)
          this.utf8(String.fromCodePoint(cp));
          if (cp > 0xffff) i++;
        }
      }
      out.byte(0x22);
    }
  }

  /**
   * The decoded text of a `<text>` element. "\n" stands for the text's line
   * ending `eol`; control characters (and a CR or LF that is not that line
   * ending) become U+F700 + their code.
   */
  private textChars(s: string, eol: Eol): void {
    this.flushText();
    const crlf = eol === Eol.CrLf;
    const x = s.replace(CHARS_ESCAPED, (m) => {
      if (m === '\r\n') return crlf ? '\n' : '&#xF70D;\n';
      if (m === '\n') return crlf ? '&#xF70A;' : '\n';
      if (m === '<') return '&lt;';
      if (m === '&') return '&amp;';
      if (m === ']]>') return ']]&gt;';
      const c = m.charCodeAt(0);
      return `&#xF7${HEX[c >> 4]}${HEX[c & 15]};`;
    });
    if (this.gtPending && x.length > 0) {
      this.out.byte(GT);
      this.gtPending = false;
    }
    const out = this.out;
    out.ensure(3 * x.length);
    out.n += utf8.encodeInto(x, out.buf.subarray(out.n)).written;
  }

  /**
   * {@link textChars} for text given as its UTF-8 bytes (valid, and carriable:
   * checked by the caller), without a string: the same escapes, byte-wise.
   */
  private textUtf8(d: Uint8Array, eol: Eol): void {
    this.flushText();
    const out = this.out, n = d.length, crlf = eol === Eol.CrLf;
    if (this.gtPending && n > 0) {
      out.byte(GT);
      this.gtPending = false;
    }
    let i = 0, run = 0;
    while (i < n) {
      i = skipPlain(d, i, n, CHARS_UTF8, this.words);
      if (i >= n) break;
      const c = d[i];
      if (c >= 0x80) {
        // Only C2 needs a look: U+0080–U+009F are escaped; every other sequence is copied.
        if (c === 0xc2 && d[i + 1] <= 0x9f) {
          out.bytes(d, run, i);
          this.escByte(d[i + 1]);
          run = i += 2;
        } else i++;
        continue;
      }
      if (c === GT) {
        if (i >= 2 && d[i - 1] === RB && d[i - 2] === RB) {
          out.bytes(d, run, i);
          out.ascii('&gt;');
          run = i + 1;
        }
        i++;
        continue;
      }
      out.bytes(d, run, i);
      if (c === CR && i + 1 < n && d[i + 1] === LF) {
        if (!crlf) this.escByte(CR);
        out.byte(LF);
        i += 2;
      } else {
        if (c === LT) out.ascii('&lt;');
        else if (c === AMP) out.ascii('&amp;');
        else if (c === LF && !crlf) out.byte(LF);
        else this.escByte(c);
        i++;
      }
      run = i;
    }
    out.bytes(d, run, n);
  }

  private enumAttr(name: string, v: Eol): void {
    this.out.ascii(` ${name}="${EOL_NAMES[v]}"`);
  }

  /** A byte-valued attribute: printable ASCII as itself, everything else escaped. */
  private bytesAttr(name: string, v: Uint8Array): void {
    const out = this.out;
    out.ascii(` ${name}="`);
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (c === 0x22) out.ascii('&quot;');
      else if (c === AMP) out.ascii('&amp;');
      else if (c === LT) out.ascii('&lt;');
      else if (c === GT) out.ascii('&gt;');
      else if (c > 0x20 && c < 0x7f) out.byte(c);
      else this.escByte(c);
    }
    out.byte(0x22);
  }
}
