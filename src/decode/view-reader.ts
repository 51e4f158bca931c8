/**
 * Reads the children of a `<header>` that holds a view (spec §7.6): an
 * optional `<raw>` with the exact value, then the view's elements. Without
 * `<raw>`, the value is the view rendered canonically ({@link renderHeader}).
 * The XMIME reader checks namespaces and attribute names, and hands on the
 * rest here.
 * @module
 */
import { Kind } from '../xmime/events.js';
import { TAG } from '../xmime/schema.js';
import { type Group, type HeaderView, type Mailbox, renderHeader, viewKind } from '../views/header-views.js';

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

export class ViewReader {
  private name = '';
  private raw = false;
  /** The view read so far. */
  view: HeaderView | null = null;
  /** The group being filled, inside `<group>`. */
  private group: Group | null = null;
  private paramName = '';

  /** A `<header>` named `name` starts. */
  begin(name: string): void {
    this.name = name;
    this.raw = false;
    this.view = null;
    this.group = null;
  }

  /** A child element of the header (or of its view) starts, under `parent`. */
  open(kind: Kind, parent: Kind, attrs: Map<string, string>, fail: Fail): void {
    const need = (a: string): string => attrs.get(a) ?? fail('xmime-missing-attribute', `<${TAG[kind]}> needs ${a}`);
    if (parent === Kind.Group) {
      if (kind !== Kind.Mailbox) fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <group>`);
      this.group!.members.push(mailbox(attrs, need));
      return;
    }
    if (parent === Kind.Media) {
      if (kind !== Kind.Param) fail('xmime-placement', `<${TAG[kind]}> cannot appear inside <media>`);
      this.paramName = need('name');
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
        if (kind === Kind.Mailbox) list.push(mailbox(attrs, need));
        else list.push((this.group = { group: need('name'), members: [] }));
        this.view = { kind: 'addresses', list };
        return;
      }
      case Kind.Media:
        this.view = { kind: 'media', value: need('value'), params: [] };
        return;
      default: // text content follows
        if (v === null) this.view = kind === Kind.Id ? { kind: 'ids', ids: [] } : kind === Kind.Date ? { kind: 'date', iso: '' } : { kind: 'text', text: '' };
    }
  }

  /** The text of a finished `<decoded>`, `<date>`, `<id>` or `<param>`. */
  close(kind: Kind, text: string): void {
    const v = this.view!;
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
    if (this.raw) return null;
    if (this.view === null) return fail('xmime-view', '<header> has neither text, <raw> nor a view');
    try {
      return renderHeader(this.name, this.view, eol);
    } catch (e) {
      return fail('xmime-view', `the ${this.name} view has no wire form: ${(e as Error).message}`);
    }
  }
}

function mailbox(attrs: Map<string, string>, need: (a: string) => string): Mailbox {
  const name = attrs.get('name');
  return name === undefined ? { addr: need('addr') } : { name, addr: need('addr') };
}
