/**
 * The header view of a parsed `<header>` node, read with the streaming
 * reader's checks ({@link ViewReader}).
 * @module
 */
import { Kind } from '../xmime/events.js';
import { isView, kindOf, TAG } from '../xmime/schema.js';
import { type Fail, ViewReader } from '../decode/view-reader.js';
import type { HeaderView } from '../views/header-views.js';
import type { XNode } from './xml-tree.js';

/**
 * The view a `<header>` node of a parsed tree holds (null when it holds
 * none), read with the same checks as the streaming reader; `fail` reports a
 * problem at the node where it was found.
 */
export function readView(h: XNode, fail: (node: XNode, code: Parameters<Fail>[0], detail: string) => never): HeaderView | null {
  const views = new ViewReader();
  views.begin(h.attrs.get('name')!);
  const walk = (n: XNode, parent: Kind): void => {
    const k = kindOf(n.name);
    const kind = k !== -1 && (k === Kind.Raw || isView(k)) ? k : undefined;
    const here: Fail = (code, detail) => fail(n, code, detail);
    if (kind === undefined) here('xmime-placement', `<${n.name}> cannot appear inside <${TAG[parent]}>`);
    views.open(kind, parent, n.attrs, here);
    for (const k of n.kids) walk(k, kind);
    views.close(kind, n.text);
  };
  for (const k of h.kids) walk(k, Kind.Header);
  return views.view;
}
