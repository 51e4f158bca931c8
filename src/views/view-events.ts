/**
 * A header view as events and back, side by side: {@link emitView} writes a
 * view as the events of its elements (spec §7.6) for the encoder, and
 * {@link ViewReader} reads those events back into the view, and the view
 * into the field's bytes, for the decoder.
 * @module
 */
import { type Attrs, Kind, type Sink } from '../xmime/events.js';
import { TAG } from '../xmime/schema.js';
import { type Group, type HeaderView, type Mailbox, viewKind } from './headers/kinds.js';
import { checkView, renderHeader } from './header-views.js';

/**
 * The events of `view`'s elements, in document order: the children of its
 * `<header>` after `<raw>`. `a` is the attribute object to fill (reused).
 */
export function emitView(view: HeaderView, sink: Sink, a: Attrs): void {
  const leaf = (kind: Kind, text: string): void => {
    sink.open(kind, a);
    sink.chars(text);
    sink.close(kind);
  };
  const mailbox = (m: Mailbox): void => {
    a.label = m.name ?? null;
    a.addr = m.addr;
    sink.open(Kind.Mailbox, a);
    sink.close(Kind.Mailbox);
  };
  switch (view.kind) {
    case 'text':
      return leaf(Kind.Decoded, view.text);
    case 'date':
      return leaf(Kind.Date, view.iso);
    case 'ids':
      for (const id of view.ids) leaf(Kind.Id, id);
      return;
    case 'addresses':
      for (const m of view.list) {
        if (!('group' in m)) {
          mailbox(m);
          continue;
        }
        a.label = m.group;
        sink.open(Kind.Group, a);
        for (const x of m.members) mailbox(x);
        sink.close(Kind.Group);
      }
      return;
    case 'media':
      a.value = view.value;
      sink.open(Kind.Media, a);
      for (const p of view.params) {
        a.label = p.name;
        leaf(Kind.Param, p.value);
      }
      sink.close(Kind.Media);
      return;
  }
}

/** How the reader reports an error at the current element. */
export type Fail = (code: 'xmime-placement' | 'xmime-missing-attribute' | 'xmime-view', detail: string) => never;

/** The view kind each element belongs to. */
const VIEW_OF: Partial<Record<Kind, HeaderView['kind']>> = {
  [Kind.Decoded]: 'text',
  [Kind.Mailbox]: 'addresses',
  [Kind.Group]: 'addresses',
  [Kind.Date]: 'date',
  [Kind.Id]: 'ids',
  [Kind.Media]: 'media',
};

/**
 * Events back into a header view: the decoder's mirror of {@link emitView}.
 * Checks what the view elements may hold (spec §7.6) and renders the view
 * to the field's bytes at the end.
 */
export class ViewReader {
  private name = '';
  private raw = false;
  /** The view read so far. */
  view: HeaderView | null = null;
  /** The group being filled, inside `<group>`. */
  private group: Group | null = null;
  private paramName = '';
  /** Characters of the open view leaf. */
  private text = '';

  /** A `<header>` named `name` starts. */
  begin(name: string): void {
    this.name = name;
    this.raw = false;
    this.view = null;
    this.group = null;
  }

  /**
   * A child element of the header (or of its view) starts, under `parent`,
   * with the view attributes of `a` (`label`, `addr`, `value`; the caller
   * checked that the required ones are there).
   */
  open(kind: Kind, parent: Kind, a: Attrs, fail: Fail): void {
    this.text = '';
    if (parent === Kind.Group) {
      if (kind !== Kind.Mailbox) fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <group>`);
      this.group!.members.push(mailbox(a));
      return;
    }
    if (parent === Kind.Media) {
      if (kind !== Kind.Param) fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <media>`);
      this.paramName = a.label!;
      return;
    }
    if (parent !== Kind.Header) fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <${TAG[parent]}>`);
    if (kind === Kind.Raw) {
      if (this.raw || this.view !== null) fail('xmime-placement', '<raw> comes once, before the view');
      this.raw = true;
      return;
    }
    const vk = VIEW_OF[kind];
    if (vk === undefined) fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <header>`);
    if (viewKind(this.name) !== vk) fail('xmime-view', `a ${this.name} field does not take <${TAG[kind]}>`);
    const v = this.view;
    if (v !== null && !(vk === 'addresses' || vk === 'ids')) fail('xmime-placement', `<${TAG[kind]}> comes once in a header`);
    switch (kind) {
      case Kind.Mailbox:
      case Kind.Group: {
        const list = v === null ? [] : (v as { list: (Mailbox | Group)[] }).list;
        if (kind === Kind.Mailbox) list.push(mailbox(a));
        else list.push((this.group = { group: a.label!, members: [] }));
        this.view = { kind: 'addresses', list };
        return;
      }
      case Kind.Media:
        this.view = { kind: 'media', value: a.value, params: [] };
        return;
      default: // text content follows
        if (v === null) this.view = kind === Kind.Id ? { kind: 'ids', ids: [] } : kind === Kind.Date ? { kind: 'date', iso: '' } : { kind: 'text', text: '' };
    }
  }

  /** Characters of the open `<decoded>`, `<date>`, `<id>` or `<param>`. */
  chars(c: string): void {
    this.text += c;
  }

  /** A view element ends. */
  close(kind: Kind): void {
    const v = this.view, text = this.text;
    if (v === null) return; // after <raw>
    if (kind === Kind.Group) this.group = null;
    else if (kind === Kind.Decoded && v.kind === 'text') v.text = text;
    else if (kind === Kind.Date && v.kind === 'date') v.iso = text;
    else if (kind === Kind.Id && v.kind === 'ids') v.ids.push(text);
    else if (kind === Kind.Param && v.kind === 'media') v.params.push({ name: this.paramName, value: text });
  }

  /**
   * At `</header>`: the value's bytes when the view stands in place, or null
   * when `<raw>` gave them.
   */
  finish(eol: '\r\n' | '\n', fail: Fail): Uint8Array | null {
    if (this.view === null) return fail('xmime-view', this.raw ? '<raw> needs a view after it' : '<header> has neither text, <raw> nor a view');
    try {
      // A view beside <raw> is checked as fully as one in place (§10.2): it too must have a
      // rendering, though the rendering itself is not needed.
      if (this.raw) {
        checkView(this.name, this.view);
        return null;
      }
      return renderHeader(this.name, this.view, eol);
    } catch (e) {
      return fail('xmime-view', `the ${this.name} view has no wire form: ${(e as Error).message}`);
    }
  }
}

function mailbox(a: Attrs): Mailbox {
  return a.label === null ? { addr: a.addr } : { name: a.label, addr: a.addr };
}
