/**
 * The header view of a parsed `<header>` node, read with the streaming
 * reader's checks ({@link ViewReader}).
 * @module
 */
import { Kind, newAttrs } from '../xmime/events.js';
import { isView, kindOf, missingAttribute, TAG } from '../xmime/schema.js';
import { type Fail, ViewReader } from '../views/view-events.js';
import type { HeaderView } from '../views/headers/kinds.js';
import type { XNode } from './xml-tree.js';

/**
 * The view a `<header>` node of a parsed tree holds (null when it holds
 * none), read with the same checks as the streaming reader; `fail` reports a
 * problem at the node where it was found.
 */
export function readView(h: XNode, fail: (node: XNode, code: Parameters<Fail>[0], detail: string) => never): HeaderView | null {
  const views = new ViewReader(), a = newAttrs();
  views.begin(h.attrs.get('name')!);
  const walk = (n: XNode, parent: Kind): void => {
    const k = kindOf(n.name);
    const kind = k !== -1 && (k === Kind.Raw || isView(k)) ? k : undefined;
    const here: Fail = (code, detail) => fail(n, code, detail);
    if (kind === undefined) here('xmime-placement', `<${n.name}> cannot appear inside <${TAG[parent]}>`);
    a.label = n.attrs.get('name') ?? null;
    a.addr = n.attrs.get('addr') ?? '';
    a.value = n.attrs.get('value') ?? '';
    const missing = missingAttribute(kind, (name) => n.attrs.has(name));
    if (missing !== null) here('xmime-missing-attribute', `<${n.name}> needs ${missing}`);
    views.open(kind, parent, a, here);
    for (const k of n.kids) walk(k, kind);
    views.chars(n.text);
    views.close(kind);
  };
  for (const k of h.kids) walk(k, Kind.Header);
  return views.view;
}
