/**
 * The attributes an element is written with (spec §6, §7.4–§7.6): each only
 * where it differs from its default, as name and value (the value as XML
 * characters: bytes of MIME as {@link bytesAttrToXml} gives them).
 * @module
 */
import { bytesEqual } from '../core/bytes.js';
import { Eol } from '../core/eol.js';
import { type Attrs, DEFAULT_SEP, defaultBefore, EOL_NAMES, Kind } from './events.js';
import { bytesAttrToXml } from './leaf-text.js';
import { B64_LINE, QP_LINE, type TextForm } from './text-form.js';

/**
 * The attributes of an element of `kind` opened with `a`, in the order they
 * are written. `eol` is the document's line ending; `first`, for a part or
 * epilogue, whether it is the first child of its multipart.
 */
export function attributesOf(kind: Kind, a: Attrs, eol: Eol, first: boolean): [string, string][] {
  const out: [string, string][] = [];
  switch (kind) {
    case Kind.Mime:
      if (a.eol !== Eol.CrLf) out.push(['eol', EOL_NAMES[a.eol]]);
      break;
    case Kind.Header:
      out.push(['name', bytesAttrToXml(a.name!)]);
      if (!bytesEqual(a.sep!, DEFAULT_SEP)) out.push(['sep', bytesAttrToXml(a.sep!)]);
      if (a.end !== eol) out.push(['end', EOL_NAMES[a.end]]);
      break;
    case Kind.FromLine:
    case Kind.Headers:
      if (a.end !== eol) out.push(['end', EOL_NAMES[a.end]]);
      break;
    case Kind.Multipart:
      out.push(['boundary', bytesAttrToXml(a.boundary!)]);
      break;
    case Kind.Part:
    case Kind.Epilogue:
      if (a.before !== defaultBefore(first, eol)) out.push(['before', EOL_NAMES[a.before]]);
      if (a.pad !== null && a.pad.length > 0) out.push(['pad', bytesAttrToXml(a.pad)]);
      if (a.after !== eol) out.push(['after', EOL_NAMES[a.after]]);
      break;
    case Kind.Text:
      formAttributes(a.form!, eol, out);
      break;
    case Kind.External: {
      const r = a.ref!;
      out.push(['uri', r.uri], ['size', String(r.size)], ['sha256', r.sha256]);
      if (r.type !== '') out.push(['type', r.type]);
      break;
    }
    case Kind.Mailbox:
      if (a.label !== null) out.push(['name', a.label]);
      out.push(['addr', a.addr]);
      break;
    case Kind.Group:
    case Kind.Param:
      out.push(['name', a.label!]);
      break;
    case Kind.Media:
      out.push(['value', a.value]);
      break;
  }
  return out;
}

/** The attributes of `<text>` for form `f` in a document whose line ending is `eol` (spec §7.4), appended to `out`. */
export function formAttributes(f: TextForm, eol: Eol, out: [string, string][] = []): [string, string][] {
  if (f.charset !== 'utf-8') out.push(['charset', f.charset]);
  if (f.transfer !== 'identity') out.push(['transfer', f.transfer]);
  if (f.eol !== eol) out.push(['eol', EOL_NAMES[f.eol]]);
  if (f.utf7Direct === true) out.push(['direct', 'optional']);
  const b = f.b64, q = f.qp;
  if (b !== null) {
    if (b.line !== B64_LINE) out.push(['line', String(b.line)]);
    if (!b.end) out.push(['end', 'none']);
    if (b.blank !== 0) out.push(['blank', String(b.blank)]);
  }
  if (q !== null) {
    if (q.line !== QP_LINE && q.breaks === null) out.push(['line', String(q.line)]);
    if (q.lower) out.push(['hex', 'lower']);
    if (q.always !== '') out.push(['always', bytesAttrToXml(latin1(q.always))]);
    if (q.start !== '') out.push(['start', bytesAttrToXml(latin1(q.start))]);
    if (q.rawTrailing) out.push(['trailing', 'raw']);
    if (q.softSpace) out.push(['soft-space', 'encoded']);
    if (q.breaks !== null) out.push(['breaks', q.breaks.join(' ')]);
    else {
      if (q.word) out.push(['wrap', 'word']);
      if (!q.fill) out.push(['fill', 'no']);
    }
  }
  return out;
}

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
