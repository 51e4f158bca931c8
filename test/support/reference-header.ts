/**
 * The reference decoder's header-view renderer (spec §7.6.8), written from the
 * spec alone: the folder, encoded words, and the text, phrase, address, date,
 * ids and media rules. Shares no code with src/. Throws {@link ReferenceError}
 * for a view without a rendering.
 */
import { base64, ReferenceError, utf8Bytes } from './reference-text.js';

export type View =
  | { kind: 'text'; text: string }
  | { kind: 'date'; iso: string }
  | { kind: 'ids'; ids: string[] }
  | { kind: 'media'; value: string; params: { name: string; value: string }[] }
  | { kind: 'addresses'; list: (Box | { group: string; members: Box[] })[] };
export interface Box {
  name?: string;
  addr: string;
}

/** §7.6.1: the view kind of a field name. */
function kindOf(name: string): View['kind'] | null {
  const n = name.toLowerCase();
  if (['subject', 'comments', 'keywords', 'content-description', 'thread-topic', 'organization'].includes(n) || n.startsWith('x-')) return 'text';
  if (['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'disposition-notification-to', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc'].includes(n)) return 'addresses';
  if (n === 'date' || n === 'resent-date') return 'date';
  if (['message-id', 'in-reply-to', 'references', 'resent-message-id', 'content-id'].includes(n)) return 'ids';
  if (n === 'content-type' || n === 'content-disposition') return 'media';
  return null;
}

const width = (s: string) => s.length; // UTF-16 code units
const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const Q_SAFE = /[0-9A-Za-z!*+\-/ ]/;

/** The folder of §7.6.8. */
class Folder {
  out = '';
  col: number;
  written = false;
  ewLine = false;
  constructor(name: string, private eol: string) {
    this.col = width(name) + 2;
  }
  private fold(): void {
    this.out += this.eol;
    this.col = 0;
    this.ewLine = false;
  }
  private put(gap: string, tok: string, encoded: boolean): void {
    this.out += gap + tok;
    this.col += width(gap) + width(tok);
    this.written = true;
    if (encoded) this.ewLine = true;
  }
  literal(gap: string, tok: string): void {
    if (gap !== '' && this.written && this.col + width(gap) + width(tok) > (this.ewLine ? 76 : 78)) this.fold();
    this.put(gap, tok, false);
  }
  /** A span written as UTF-8 encoded words. */
  span(gap: string, t: string): void {
    const bytes = utf8Bytes(t);
    const qlen = (b: number[]) => b.reduce((n, x) => n + (Q_SAFE.test(String.fromCharCode(x)) ? 1 : 3), 0);
    const useB = 4 * Math.ceil(bytes.length / 3) < qlen(bytes);
    const encLen = (cs: string[]) => (useB ? base64(utf8Bytes(cs.join(''))).length : qlen(utf8Bytes(cs.join(''))));
    const word = (cs: string[]) => {
      const b = utf8Bytes(cs.join(''));
      if (useB) return `=?UTF-8?B?${base64(b)}?=`;
      return `=?UTF-8?Q?${b.map((x) => (x === 0x20 ? '_' : Q_SAFE.test(String.fromCharCode(x)) ? String.fromCharCode(x) : '=' + x.toString(16).toUpperCase().padStart(2, '0'))).join('')}?=`;
    };
    const chars = [...t];
    if (12 + encLen(chars) <= 75 && gap !== '' && this.written && this.col + width(gap) + 12 + encLen(chars) > 76) this.fold();
    const take = (from: number, room: number) => {
      let k = 0;
      while (from + k < chars.length && encLen(chars.slice(from, from + k + 1)) <= room - 12) k++;
      return k;
    };
    for (let i = 0, first = true; i < chars.length; first = false) {
      const g = first ? gap : ' ';
      let k = take(i, Math.min(75, 76 - this.col - width(g)));
      if (k === 0 && g !== '' && this.written) {
        this.fold();
        k = take(i, 76 - width(g));
      }
      if (k === 0) k = Math.max(1, take(i, 75));
      this.put(g, word(chars.slice(i, i + k)), true);
      i += k;
    }
  }
}

/** Tokens of a phrase or a text: literal or encoded, each with its gap. */
interface Tok {
  gap: string;
  text: string;
  enc: boolean;
}
/** Writes tokens: literal ones one by one, consecutive encoded ones as one span. */
function writeToks(f: Folder, toks: Tok[]): void {
  for (let i = 0; i < toks.length; ) {
    if (!toks[i].enc) {
      f.literal(toks[i].gap, toks[i].text);
      i++;
      continue;
    }
    let t = toks[i].text;
    let j = i + 1;
    for (; j < toks.length && toks[j].enc; j++) t += toks[j].gap + toks[j].text;
    f.span(toks[i].gap, t);
    i = j;
  }
}

function renderText(f: Folder, text: string): void {
  if (text === '') return;
  const m = /^([ \t]*)([^]*?)([ \t]*)$/.exec(text)!;
  const [, lead, mid, trail] = m;
  const parts = mid === '' ? [] : mid.split(/([ \t]+)/); // word, gap, word, …
  const toks: Tok[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const w = parts[i];
    toks.push({ gap: i === 0 ? '' : parts[i - 1], text: w, enc: /[^\x21-\x7e]/.test(w) || w.includes('=?') || w.length > 997 });
  }
  if (toks.length === 0) toks.push({ gap: '', text: lead + trail, enc: true });
  else {
    if (lead !== '') Object.assign(toks[0], { text: lead + toks[0].text, enc: true });
    if (trail !== '') Object.assign(toks[toks.length - 1], { text: toks[toks.length - 1].text + trail, enc: true });
  }
  writeToks(f, toks);
}

const isAtomWord = (w: string) => /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]{1,997}$/.test(w) && !w.includes('=?');

/** A phrase (display or group name) with the item's gap and a suffix (§7.6.8 "Phrases"). */
function renderPhrase(f: Folder, name: string, gap: string, suffix: string): void {
  const words = name.split(' ');
  let toks: Tok[];
  if (words.every(isAtomWord)) toks = words.map((w, i) => ({ gap: i === 0 ? gap : ' ', text: w, enc: false }));
  else if (/^[\x20-\x7e]*$/.test(name) && !name.includes('=?')) toks = [{ gap, text: `"${name.replace(/[\\"]/g, (c) => '\\' + c)}"`, enc: false }];
  else {
    toks = words.map((w, i) => ({ gap: i === 0 ? gap : ' ', text: w, enc: !isAtomWord(w) }));
    for (let i = 0; i < toks.length; i++) {
      if (toks[i].text !== '' || toks[i - 1]?.enc || toks[i + 1]?.enc) continue;
      const j = i === 0 ? 1 : i - 1;
      if (toks[j] !== undefined) toks[j].enc = true;
    }
  }
  const last = toks[toks.length - 1];
  if (suffix !== '' && !last.enc) last.text += suffix;
  writeToks(f, toks);
  if (suffix !== '' && last.enc) f.literal(' ', suffix);
}

// §7.6.4's addr-spec, with no cfws.
const ATOM = `[^\\x00-\\x20\\x7f()<>\\[\\]:;@\\\\,".]+`;
const QUOTED = `"(?:\\\\[^]|[^"\\\\])*"`;
const LWORD = `(?:${QUOTED}|${ATOM})`;
const DWORD = `(?:\\[[^\\]]*\\]|${ATOM})`;
const ADDR = new RegExp(`^${LWORD}(?:\\.${LWORD})*(?:@${DWORD}(?:\\.${DWORD})*)?$`);

function renderBox(f: Folder, b: Box, gap: string, suffix: string): void {
  if (/[\x00-\x1f\x7f]/.test(b.addr) || !(b.addr === '' ? b.name !== undefined : ADDR.test(b.addr))) throw new ReferenceError(`addr ${JSON.stringify(b.addr)} has no rendering`);
  if (b.name === undefined) f.literal(gap, b.addr + suffix);
  else if (b.name === '') f.literal(gap, `<${b.addr}>${suffix}`);
  else {
    renderPhrase(f, b.name, gap, '');
    f.literal(' ', `<${b.addr}>${suffix}`);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function renderDate(iso: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(?:(Z)|([+-])(\d\d):(\d\d))$/.exec(iso);
  if (m === null) throw new ReferenceError(`date ${iso} has no rendering`);
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const mdays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  const zh = m[7] ? 0 : Number(m[9]), zm = m[7] ? 0 : Number(m[10]);
  if (mdays === undefined || d < 1 || d > mdays || h > 23 || mi > 59 || (m[6] !== undefined && Number(m[6]) > 60) || zh > 23 || zm > 59) throw new ReferenceError(`date ${iso} has no rendering`);
  // Sakamoto's day of the week, proleptic Gregorian.
  const yy = mo < 3 ? y - 1 : y;
  const dow = (yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) + [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4][mo - 1] + d) % 7;
  const zone = m[7] ? '+0000' : `${m[8]}${m[9]}${m[10]}`;
  return `${DAYS[dow]}, ${m[3]} ${MONTHS[mo - 1]} ${m[1]} ${m[4]}:${m[5]}${m[6] === undefined ? '' : ':' + m[6]} ${zone}`;
}

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/; // 0x21..0x7E but tspecials
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`{|}~]/;

/** The tokens of one parameter (§7.6.8 "media"). */
function paramTokens(n: string, v: string, split: Set<string>): string[] {
  const L = 76;
  const fname = n === 'name' || n === 'filename';
  if (TOKEN.test(v) && n !== 'boundary' && !fname && width(n) + 1 + width(v) <= L) return [`${n}=${v}`];
  if (/^[\x20-\x7e]*$/.test(v) && !(fname && v.includes('=?'))) {
    const units = [...v].map((c) => (c === '\\' || c === '"' ? '\\' + c : c));
    const whole = `${n}="${units.join('')}"`;
    if (width(whole) <= L || split.has(n)) return [whole];
    split.add(n);
    const out: string[] = [];
    for (let i = 0; i < units.length; ) {
      let s = `${n}*${out.length}="${units[i++]}`;
      while (i < units.length && width(s + units[i] + '"') <= L) s += units[i++];
      out.push(s + '"');
    }
    return out;
  }
  const enc = [...v].map((c) => (ATTR_CHAR.test(c) ? c : utf8Bytes(c).map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')));
  const whole = `${n}*=utf-8''${enc.join('')}`;
  if (width(whole) <= L || split.has(n)) return [whole];
  split.add(n);
  const out: string[] = [];
  for (let i = 0; i < enc.length; ) {
    let s = `${n}*${out.length}*=${out.length === 0 ? "utf-8''" : ''}${enc[i++]}`;
    while (i < enc.length && width(s + enc[i]) <= L) s += enc[i++];
    out.push(s);
  }
  return out;
}

/** The rendering of a view for a field name and the document line ending `eol` (spec §7.6.8). */
export function renderView(name: string, view: View, eol: string): string {
  if (kindOf(name) !== view.kind) throw new ReferenceError(`a ${view.kind} view in ${name}`);
  const f = new Folder(name, eol);
  switch (view.kind) {
    case 'text':
      renderText(f, view.text);
      break;
    case 'date':
      f.literal('', renderDate(view.iso));
      break;
    case 'ids': {
      if (view.ids.some((id) => !/^[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff<>\x00-\x1f\x7f]+$/.test(id))) throw new ReferenceError('an id without a rendering');
      const ids = view.ids.map((id) => `<${id}>`);
      return width(name) + 2 + width(ids.join(' ')) > 78 ? ids.join(eol + ' ') : ids.join(' ');
    }
    case 'media': {
      const value = lower(view.value);
      const parts = value.split('/');
      if (!(name.toLowerCase() === 'content-type' ? parts.length === 2 : parts.length === 1) || !parts.every((p) => TOKEN.test(p))) throw new ReferenceError(`media ${value} has no rendering`);
      const split = new Set<string>();
      const toks = [value];
      for (const p of view.params) {
        const n = lower(p.name);
        if (!TOKEN.test(n) || n.includes('*')) throw new ReferenceError(`param ${n} has no rendering`);
        toks.push(...paramTokens(n, p.value, split));
      }
      toks.forEach((t, i) => f.literal(i === 0 ? '' : ' ', t + (i < toks.length - 1 ? ';' : '')));
      break;
    }
    case 'addresses':
      view.list.forEach((item, i) => {
        const gap = i === 0 ? '' : ' ';
        const suffix = i < view.list.length - 1 ? ',' : '';
        if (!('group' in item)) return renderBox(f, item, gap, suffix);
        const { group, members } = item;
        const head = members.length === 0 ? ':;' + suffix : ':';
        if (group === '') f.literal(gap, head);
        else renderPhrase(f, group, gap, head);
        members.forEach((b, j) => renderBox(f, b, ' ', j < members.length - 1 ? ',' : ';' + suffix));
      });
      break;
  }
  return f.out;
}
