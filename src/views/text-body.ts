/**
 * Readable text bodies: a `text/*` leaf body becomes Unicode text plus the
 * few parameters that rebuild its bytes (charset, transfer encoding, line
 * layout). {@link readText} keeps the view only after checking that
 * {@link writeText} gives back every byte; the decoder calls `writeText`.
 * @module
 */
import type { TextForm } from '../xmime/text-form.js';
import { ASCII_LABELS, charsetEncoder, charsetName, decodeCharset, unimplementedLabel } from './charset.js';
import { Eol } from '../core/eol.js';
import { bytesEqual } from '../core/bytes.js';
import { type B64Params, type QpParams } from '../xmime/text-form.js';
import { b64Decode, b64Encode, qpCandidates, qpDecodeLearn, qpEncode, qpFits } from './transfer.js';
import { Output } from '../core/output.js';
import { utf8Seq } from '../core/utf8.js';

/** Classifies a Content-Transfer-Encoding value (already lower-cased and trimmed). */
function transferOf(cte: string | null): TextForm['transfer'] | null {
  if (cte === null) return 'identity';
  if (cte === 'quoted-printable' || cte === 'base64') return cte;
  // 7bit, 8bit, binary, and the misspellings mail software understands as them.
  return /^(?:[78]-?bits?|binary|)$/.test(cte) ? 'identity' : null;
}

/**
 * Characters a readable view cannot carry: U+F700–U+F7FF (they escape
 * control characters in the view), U+2028, U+2029, U+FFFE, U+FFFF and lone
 * surrogates. Control characters are fine: the writer escapes them.
 */
function uncarriable(s: string): boolean {
  // A loop over code units: the equivalent regular expression (with look-behind for lone surrogates) is 10× slower.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x2028) continue;
    if (c === 0x2028 || c === 0x2029 || c === 0xfffe || c === 0xffff || (c >= 0xf700 && c <= 0xf7ff)) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
  return true;
}

/**
 * A readable view: the decoded text, as a string, or for UTF-8 as the bytes
 * themselves (valid, carriable UTF-8, written as they are).
 */
export type ReadableText = { form: TextForm; text: string; utf8: null } | { form: TextForm; text: null; utf8: Uint8Array };

/**
 * Valid UTF-8 (0), or not (1), or valid but holding a character a view
 * cannot carry (2; see {@link uncarriable}).
 */
function utf8Status(d: Uint8Array): 0 | 1 | 2 {
  const n = d.length;
  let status: 0 | 2 = 0; // not returned early: an invalid byte further on makes the bytes not UTF-8 (§9.8 step 2)
  for (let i = 0; i < n; ) {
    const c = d[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = utf8Seq(d, i, n);
    if (len <= 0) return 1;
    if (len === 3) {
      const c1 = d[i + 1], c2 = d[i + 2];
      // U+F700–U+F7FF, U+FFFE, U+FFFF, U+2028, U+2029
      if (c === 0xef && ((c1 >= 0x9c && c1 <= 0x9f) || (c1 === 0xbf && c2 >= 0xbe))) status = 2;
      if (c === 0xe2 && c1 === 0x80 && (c2 === 0xa8 || c2 === 0xa9)) status = 2;
    }
    i += len;
  }
  return status;
}

/** The line ending "\n" stands for in the text of bytes `d`: CRLF if it has one, else LF if it has one, else the document's. */
function textEol(d: Uint8Array, docEol: Eol): Eol {
  let j = d.indexOf(0x0a);
  if (j < 0) return docEol;
  for (; j >= 0; j = d.indexOf(0x0a, j + 1)) if (j > 0 && d[j - 1] === 0x0d) return Eol.CrLf;
  return Eol.Lf;
}

/**
 * The readable view of body bytes `w`, or null when none rebuilds them.
 * @param charset the Content-Type charset parameter, or null.
 * @param cte the Content-Transfer-Encoding, lower-cased, or null.
 */
export function readText(w: Uint8Array, charset: string | null, cte: string | null, docEol: Eol): ReadableText | null {
  const transfer = transferOf(cte);
  if (transfer === null) return null;
  const crlf = docEol === Eol.CrLf;
  let d: Uint8Array | null = w, qps: Iterable<QpParams> = [], b64: B64Params | null = null;
  if (transfer === 'quoted-printable') {
    const r = qpDecodeLearn(w, crlf);
    d = r && r.d;
    if (r !== null) qps = qpCandidates(w, crlf, r.learned);
  } else if (transfer === 'base64') {
    const r = b64Decode(w, crlf);
    d = r && r.d;
    b64 = r && r.p;
  }
  if (d === null) return null;
  // UTF-8 when the bytes are UTF-8 and the label allows it; else the declared charset.
  const lower = charset === null ? null : charset.trim().toLowerCase();
  const declared = lower === null ? null : charsetName(lower);
  // UTF-7, HZ and the like: their ASCII bytes are not ASCII text, so neither UTF-8 nor windows-1252 may show them.
  if (declared === null && lower !== null && unimplementedLabel(lower)) return null;
  let label = 'utf-8', text: string | null = null, utf8 = false;
  // ISO-2022-JP and UTF-7 (and UTF-16 text below U+0080 per byte) are ASCII bytes too: ASCII alone does not make UTF-8 the better reading.
  const asciiSuperset = declared !== 'iso-2022-jp' && declared !== 'utf-7' && declared !== 'utf-16le' && declared !== 'utf-16be';
  if (declared === null || declared === 'utf-8' || ASCII_LABELS.has(lower!) || (isAscii(d) && asciiSuperset)) {
    // UTF-8 stays bytes (no string): the writer escapes from them what it would escape in the text.
    const st = utf8Status(d);
    if (st === 2) return null;
    utf8 = st === 0;
  }
  if (!utf8 && declared !== null && declared !== 'utf-8') {
    label = lower!;
    text = decodeCharset(declared, d);
  } else if (!utf8 && declared === null) {
    // No usable label: windows-1252, as browsers and mail readers assume (every byte has a character).
    label = 'windows-1252';
    text = decodeCharset(label, d);
  }
  if (!utf8 && (text === null || uncarriable(text))) return null;
  const eol = utf8 ? textEol(d, docEol) : text!.includes('\r\n') ? Eol.CrLf : text!.includes('\n') ? Eol.Lf : docEol;
  let form: TextForm = { charset: label, transfer, qp: null, b64, eol };
  // Both stages must give back every byte: the charset (strict UTF-8 decoding
  // of valid, hence shortest-form, UTF-8 is undone exactly by encoding, so
  // only other charsets are checked) ...
  if (!utf8) {
    let bytes = encodeChars(text!, label);
    // UTF-7 writers differ in RFC 2152's optional direct characters: the second way is direct="optional".
    if (declared === 'utf-7' && bytes !== null && !bytesEqual(bytes, d)) {
      bytes = encodeChars(text!, label, true);
      form = { ...form, utf7Direct: true };
    }
    if (bytes === null || !bytesEqual(bytes, d)) return null;
  }
  // ... and the transfer encoding, with the first parameter set that fits.
  if (transfer === 'base64' && !bytesEqual(b64Encode(d, b64!, crlf), w)) return null;
  if (transfer === 'quoted-printable') {
    let fit: QpParams | null = null;
    for (const qp of qps) {
      if (qpFits(d, qp, crlf, w, scratch)) {
        fit = qp;
        break;
      }
    }
    if (fit === null) return null;
    form = { ...form, qp: fit };
  }
  return utf8 ? { form, text: null, utf8: d } : { form, text: text!, utf8: null };
}

/** Where candidate quoted-printable encodings are written to be compared (reused: one check at a time). */
const scratch = new Output(null, 4096);

/** `text` in the charset `label`, or null. */
function encodeChars(text: string, label: string, utf7Direct = false): Uint8Array | null {
  const name = charsetName(label);
  const enc = name === null ? null : charsetEncoder(name, utf7Direct);
  const body = enc === null ? null : enc.encode(text);
  if (body === null) return null;
  const tail = enc!.end();
  if (tail.length === 0) return body;
  const d = new Uint8Array(body.length + tail.length);
  d.set(body);
  d.set(tail, body.length);
  return d;
}

/**
 * The body bytes of a readable text: charset-encoded, then transfer-encoded.
 * Null when a character has no encoding in the charset. Quoted-printable is
 * written into `out` when given (a view, valid until its next use).
 */
export function writeText(text: string, form: TextForm, docEol: Eol, out?: Output): Uint8Array | null {
  const d = encodeChars(text, form.charset, form.utf7Direct === true);
  return d === null ? null : writeEncoded(d, form, docEol, out);
}

/** The body bytes of text already encoded in its charset (`d`): transfer-encoded as `form` says. */
export function writeEncoded(d: Uint8Array, form: TextForm, docEol: Eol, out?: Output): Uint8Array {
  const crlf = docEol === Eol.CrLf;
  if (form.transfer === 'quoted-printable') return qpEncode(d, form.qp!, crlf, out);
  if (form.transfer === 'base64') return b64Encode(d, form.b64!, crlf);
  return d;
}
