/**
 * A tree to MIME by walking it into the decoder's stages (tree/tree-walk.ts,
 * `treeToMime`) gives what writing the tree as XML and decoding that gives:
 * the same bytes, or the same error at the same place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMime, toTree, treeToMime } from '../../src/api/codec.js';
import { parse } from '../../src/api/message.js';
import { XmimeError } from '../../src/core/errors.js';
import { serializeTree, type XNode } from '../../src/tree/xml-tree.js';
import { corpusDir, ROOT, utf8, walk } from '../support/helpers.js';

const corpus = corpusDir();
if (corpus === null) console.log('corpus not found (set XMIME_CORPUS): the tree walk checked on the fixtures only');
const mails = (dir: string): string[] => walk(dir).filter((f) => !/\.(xml|md|tsv|rng|json)$/.test(f));
const inputs = [...mails(join(ROOT, 'fixtures')), ...(corpus === null ? [] : mails(corpus))];
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The outcome of a call: its bytes, or its error's code and position. */
function outcome(f: () => Uint8Array): string {
  try {
    return hex(f());
  } catch (e) {
    if (!(e instanceof XmimeError)) throw e;
    return `${e.code} at ${e.offset} (${e.line}:${e.column})`;
  }
}

describe('treeToMime', () => {
  it(`gives back every fixture and corpus mail from its tree, readable and wire (${inputs.length} inputs)`, () => {
    let n = 0;
    for (const f of inputs) {
      const mime = new Uint8Array(readFileSync(f));
      for (const readable of [true, false]) {
        expect(hex(treeToMime(toTree(mime, { readable }))), f).toBe(hex(mime));
        n++;
      }
    }
    expect(n).toBe(2 * inputs.length);
  });

  it('is what a message gives back, edited or not', () => {
    const m = parse(utf8('From: a@b.example\r\nSubject: hi\r\n\r\nbody\r\n'));
    m.headers.set('Subject', 'Grüße');
    expect(hex(m.toMime())).toBe(hex(toMime(m.toXml())));
    expect(new TextDecoder().decode(m.toMime())).toBe('From: a@b.example\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\nbody\r\n');
  });

  it('keeps the decoder limits on depth and tag length as decoding its serialization does', () => {
    const root = toTree(utf8('Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\nend\r\n'));
    for (const options of [{ maxDepth: 3 }, { maxDepth: 6 }, { maxDepth: 7 }, { maxTagBytes: 20 }, { maxTagBytes: 40 }, {}]) {
      const expected = outcome(() => toMime(serializeTree(root), options));
      expect(outcome(() => treeToMime(root, options)), JSON.stringify(options)).toBe(expected);
    }
    expect(outcome(() => treeToMime(root, { maxDepth: 3 }))).toMatch(/^limit-depth at/);
    expect(outcome(() => treeToMime(root, { maxTagBytes: 20 }))).toMatch(/^limit-tag at/);
  });

  /** A tree with one node changed: text or an attribute replaced, a child dropped or repeated, a name changed. */
  const mail = utf8('From: "A" <a@b.example>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhé\r\n--b\r\n\r\nx\r\n--b--\r\n');
  const nodes = (n: XNode): XNode[] => [n, ...n.kids.flatMap(nodes)];
  const wild = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: fc.constantFrom('a', ' ', '\r', '\n', '\t', '\0', '\x01', '\ud800', '\udc00', '\uf700', '\ufffe', '<', '&', '"', 'é'), maxLength: 8 }),
    fc.constantFrom('', 'crlf', 'lf', 'none', 'text/plain', 'b', '2024-01-01T00:00:00Z'),
  );
  const edit = fc.record({
    readable: fc.boolean(),
    at: fc.nat(),
    what: fc.constantFrom('text', 'attr', 'drop', 'repeat', 'rename', 'nest'),
    value: wild,
    name: fc.constantFrom('name', 'eol', 'end', 'boundary', 'value', 'addr', 'x', 'before'),
    tag: fc.constantFrom('body', 'text', 'header', 'raw', 'part', 'decoded', 'mailbox', 'x', 'epilogue', 'mime'),
  });

  it('refuses what decoding its serialization refuses, with the same error at the same place, and gives the same bytes otherwise', () => {
    let refused = 0, total = 0;
    fc.assert(
      fc.property(edit, ({ readable, at, what, value, name, tag }) => {
        const root = toTree(mail, { readable });
        const all = nodes(root);
        const n = all[at % all.length];
        const parent = all.find((p) => p.kids.includes(n));
        if (what === 'text') n.text = value;
        else if (what === 'attr') n.attrs.set(n.attrs.size > 0 && at % 3 !== 0 ? [...n.attrs.keys()][at % n.attrs.size] : name, value);
        else if (what === 'rename') n.name = tag;
        else if (what === 'nest') n.kids.push({ name: tag, attrs: new Map(), kids: [], text: value, at: 0 });
        else if (parent !== undefined) {
          const i = parent.kids.indexOf(n);
          if (what === 'drop') parent.kids.splice(i, 1);
          else parent.kids.splice(i, 0, structuredClone(n));
        }
        const expected = outcome(() => toMime(serializeTree(root)));
        expect(outcome(() => treeToMime(root))).toBe(expected);
        total++;
        if (!/^[0-9a-f]*$/.test(expected)) refused++;
      }),
      { numRuns: 4000 },
    );
    // Both outcomes are exercised.
    expect(refused).toBeGreaterThan(total / 5);
    expect(refused).toBeLessThan(total - total / 10);
  });
});
