/**
 * The tree built from the encoder's events (tree/tree-sink.ts) is the tree
 * an XML parser builds from toXml's output: same elements, attributes and
 * characters, for every fixture and corpus mail, readable and wire.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toTree } from '../../src/api/codec.js';
import { toXml } from '../../src/index.js';
import { parseTree, type XNode } from '../../src/tree/xml-tree.js';
import { Content, kindOf, SCHEMA } from '../../src/xmime/schema.js';
import { corpusDir, ROOT, walk } from '../support/helpers.js';
import { join } from 'node:path';

/** The parsed tree without what only serialization adds: indentation between elements, and offsets. */
function infoset(n: XNode): unknown {
  const k = kindOf(n.name);
  const structural = k !== -1 && (SCHEMA[k].content === Content.Elements || n.kids.length > 0);
  return { name: n.name, attrs: [...n.attrs], text: structural ? '' : n.text, kids: n.kids.map(infoset) };
}

const corpus = corpusDir();
if (corpus === null) console.log('corpus not found (set XMIME_CORPUS): TreeSink checked on the fixtures only');
const mails = (dir: string): string[] => walk(dir).filter((f) => !/\.(xml|md|tsv|rng|json)$/.test(f));
const inputs = [...mails(join(ROOT, 'fixtures')), ...(corpus === null ? [] : mails(corpus))];

describe('TreeSink', () => {
  it(`builds the parser's tree of toXml, readable and wire, for ${inputs.length} inputs`, () => {
    let n = 0;
    for (const f of inputs) {
      const mime = new Uint8Array(readFileSync(f));
      for (const readable of [true, false]) {
        const built = infoset(toTree(mime, { readable }));
        const parsed = infoset(parseTree(toXml(mime, { readable })).root);
        expect(built, `${f} (${readable ? 'readable' : 'wire'})`).toEqual(parsed);
        n++;
      }
    }
    expect(n).toBe(2 * inputs.length);
  });

  it('gives views as elements, the raw value beside a view, and bytes as XMIME characters', () => {
    const mime = new TextEncoder().encode('From: a@b.c, G: x@y.z;\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nX: \x01\r\n\r\na\rb\r\n');
    const t = toTree(mime);
    const [from, subject, x] = t.kids[0].kids;
    expect(from.kids.map((k) => [k.name, [...k.attrs], k.kids.map((m) => [...m.attrs])])).toEqual([
      ['mailbox', [['addr', 'a@b.c']], []],
      ['group', [['name', 'G']], [[['addr', 'x@y.z']]]],
    ]);
    expect(subject.kids.map((k) => [k.name, k.text])).toEqual([
      ['raw', '=?utf-8?q?Gr=C3=BC=C3=9Fe?='],
      ['decoded', 'Grüße'],
    ]);
    expect(x.text).toBe('\uf701');
    expect([t.kids[1].name, t.kids[1].text]).toEqual(['text', 'a\uf70db\n']);
  });
});
