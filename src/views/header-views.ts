/**
 * Decoded header views: what a field means (Unicode text, addresses, an
 * instant, message ids, a media type with parameters), parsed from the raw
 * field value and rendered back to canonical wire form.
 *
 * A view may stand in place of the raw bytes only when rendering it gives the
 * raw bytes back exactly; {@link headerView} never guesses (a value it cannot
 * decode for certain has no view) and {@link renderHeader} output always
 * parses back to the view it came from (for an `X-` field: to it, or to no
 * view when the output is plain ASCII). Platform-neutral.
 * @module
 */
import { decodeWords, Folder } from './rfc2047.js';
import { addressList, checkAddresses, renderAddresses } from './headers/addresses.js';
import { checkDate, parseDate, renderDate } from './headers/date.js';
import { checkIds, msgIds, renderIds } from './headers/ids.js';
import { type Group, type HeaderView, type Mailbox, type MediaParam, fail, viewKind } from './headers/kinds.js';
import { checkMedia, parseMedia, renderMedia } from './headers/media.js';
import { LONE_SURROGATE, textString } from './headers/text.js';

const UTF8_ENC = new TextEncoder();

export { viewKind, type Group, type HeaderView, type Mailbox, type MediaParam };
export { renderText } from './headers/text.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text with folds removed (RFC 5322 §2.2.3: the line ending goes, the white space stays). */
function unfold(raw: Uint8Array): string {
  const s = UTF8.decode(raw).replace(/\r?\n(?=[ \t])/g, '');
  // Any other control (a bare CR or LF, NUL, …) is not something a view can promise to rebuild.
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) fail();
  return s;
}

/**
 * The decoded view of a field value, or `null` when there is no trustworthy
 * one: the name has no view kind, the value does not parse, or decoding would
 * need a guess (invalid UTF-8 outside encoded words, unknown charset, bad
 * base64 or Q). `raw` is the value exactly as after `Name: ` up to (not
 * including) the final line ending, folds included. Never throws.
 * An `X-` field has a view only when it has encoded words or non-ASCII text.
 *
 * @example
 * const b = new TextEncoder().encode('=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>');
 * headerView('From', b); // { kind: 'addresses', list: [{ name: 'André Pirard', addr: 'PIRARD@vm1.ulg.ac.be' }] }
 * @category Header views
 */
export function headerView(name: string, raw: Uint8Array): HeaderView | null {
  const kind = viewKind(name);
  if (kind === null) return null;
  try {
    const s = unfold(raw);
    switch (kind) {
      case 'text': {
        if (name.toLowerCase().startsWith('x-') && !/=\?|[^\x00-\x7f]/.test(s)) return null;
        const text = decodeWords(s);
        return text === null ? null : { kind, text };
      }
      case 'addresses':
        return { kind, list: addressList(s) };
      case 'date':
        return { kind, iso: parseDate(s) };
      case 'ids':
        return { kind, ids: msgIds(s, /^(in-reply-to|references)$/i.test(name)) };
      case 'media':
        return { kind, ...parseMedia(s, name.toLowerCase() === 'content-type') };
    }
  } catch {
    return null;
  }
}

function wellFormed(v: unknown): boolean {
  if (typeof v === 'string') return (v as { isWellFormed?: () => boolean }).isWellFormed?.() ?? !LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.every(wellFormed);
  if (typeof v !== 'object' || v === null) return true;
  for (const k in v) if (!wellFormed((v as Record<string, unknown>)[k])) return false; // no Object.values array per object
  return true;
}

/**
 * The canonical field value for a view (what follows `Name: `), folded to
 * lines of at most 78 characters where tokens allow. Non-ASCII text and
 * display names become UTF-8 encoded words, non-ASCII parameter values
 * RFC 2231; characters a header cannot carry literally (controls, CR, LF)
 * are encoded too, so `headerView(name, renderHeader(name, v, eol))` gives
 * `v` back. Throws a `RangeError` for what has no wire form: a lone
 * surrogate, an address that is not an addr-spec, a malformed date or media
 * type, an id with white space or brackets, or a view of the wrong kind.
 *
 * @example
 * const v = { kind: 'text', text: 'Grüße aus Köln' } as const;
 * new TextDecoder().decode(renderHeader('Subject', v, '\r\n')); // '=?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?='
 * @category Header views
 */
export function renderHeader(name: string, view: HeaderView, eol: '\r\n' | '\n'): Uint8Array {
  return UTF8_ENC.encode(renderString(name, view, eol));
}

/** {@link renderHeader} as a string (the encoder compares it with the value's bytes without encoding it). */
export function renderString(name: string, view: HeaderView, eol: '\r\n' | '\n'): string {
  checkKind(name, view);
  const f = new Folder(eol, name.length);
  switch (view.kind) {
    case 'text':
      return textString(name, view.text, eol);
    case 'addresses':
      renderAddresses(f, view.list);
      break;
    case 'date':
      f.add('', renderDate(view.iso));
      break;
    case 'ids':
      return renderIds(name, view.ids, eol);
    case 'media':
      renderMedia(f, view, name.toLowerCase() === 'content-type');
      break;
  }
  return f.out;
}

/** The checks common to every kind: the field takes this kind of view, and its strings are well formed. */
function checkKind(name: string, view: HeaderView): void {
  if (viewKind(name) !== view.kind) throw new RangeError(`${name} does not take a ${view.kind} view`);
  if (!wellFormed(view)) throw new RangeError('lone surrogate in header view');
}

/**
 * Throws the RangeError {@link renderString} would, without rendering: for a
 * view beside `<raw>`, which must have a rendering (spec §10.2) that is not
 * used. Each kind's check is the one its renderer makes.
 * @internal
 */
export function checkView(name: string, view: HeaderView): void {
  checkKind(name, view);
  switch (view.kind) {
    case 'addresses':
      return checkAddresses(view.list);
    case 'date':
      return checkDate(view.iso);
    case 'ids':
      return checkIds(view.ids);
    case 'media':
      return checkMedia(view, name.toLowerCase() === 'content-type');
  }
}

/**
 * Characters a view may not hold: those the XML text escapes byte-wise
 * (controls, U+F7xx, …), which a view would have to escape too. TAB is fine
 * in content but not in attributes, where XML turns it into a space.
 */
const CONTENT_BAD = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\uf700-\uf7ff\ufffe\uffff]/;
const ATTR_BAD = /[\x00-\x1f\x7f-\x9f\u2028\u2029\uf700-\uf7ff\ufffe\uffff]/;

/** The view's strings can be written as XML character data and attribute values as they are (spec §7.6). */
export function carriable(v: HeaderView): boolean {
  switch (v.kind) {
    case 'text':
      return !CONTENT_BAD.test(v.text);
    case 'date':
      return true;
    case 'ids':
      return v.ids.every((id) => !CONTENT_BAD.test(id));
    case 'addresses':
      return v.list.every((m) => ('group' in m ? !ATTR_BAD.test(m.group) && m.members.every(mailboxOk) : mailboxOk(m)));
    case 'media':
      return !ATTR_BAD.test(v.value) && v.params.every((p) => !ATTR_BAD.test(p.name) && !CONTENT_BAD.test(p.value));
  }
}

function mailboxOk(m: { name?: string; addr: string }): boolean {
  return (m.name === undefined || !ATTR_BAD.test(m.name)) && !ATTR_BAD.test(m.addr);
}

