/**
 * The shared corpus: every file round-trips byte-exact (one-shot and
 * streaming), every XMIME output is valid against spec/xmime.rng, and it
 * still decodes to the same bytes after other XML tools re-serialize it.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/index.node.js'; // the Node entry: the core with Node's byte search
import fc from 'fast-check';
import { anyBytes } from '../support/arbitraries.js';
import { referenceDecode } from '../support/reference-decoder.js';
import { CORPUS_MAILS, corpusDir, decodeChunks, encodeChunks, firstDiff, hasSystemXmllint, needs, NO_CORPUS, randomSizes, split, text, utf8, walk, xmllint } from '../support/helpers.js';

const dir = corpusDir();

interface Item {
  name: string;
  mime: Uint8Array;
  xml: string;
}

/** Decodes each re-serialized document; returns "name: reason" for every one that is not byte-exact. */
function mismatches(items: Item[], reserialized: (string | Error)[]): string[] {
  const bad: string[] = [];
  items.forEach((it, i) => {
    const r = reserialized[i];
    if (r instanceof Error) {
      bad.push(`${it.name}: ${r.message}`);
      return;
    }
    try {
      const d = firstDiff(toMime(r), it.mime);
      if (d >= 0) bad.push(`${it.name}: differs at byte ${d}`);
    } catch (e) {
      bad.push(`${it.name}: ${(e as Error).message}`);
    }
  });
  return bad;
}

describe(`corpus (${dir ?? NO_CORPUS})`, () => {
  needs(dir !== null, NO_CORPUS);
  const items: Item[] = [];
  beforeAll(() => {
    if (dir === null) return;
    for (const f of walk(dir)) {
      const mime = new Uint8Array(readFileSync(f));
      items.push({ name: relative(dir, f), mime, xml: toXml(mime) });
    }
  });

  it('holds the 1,065 mails', () => {
    expect(items.filter((i) => /\.(eml|mbox)$/.test(i.name)).length).toBe(CORPUS_MAILS);
  });

  it('every file round-trips byte-exact, one-shot and in random chunks', () => {
    const bad: string[] = [];
    items.forEach((it, k) => {
      const d = firstDiff(toMime(it.xml), it.mime);
      if (d >= 0) bad.push(`${it.name}: one-shot differs at ${d}`);
      const sizes = randomSizes(k + 1, 64, 4096);
      const xs = encodeChunks(split(it.mime, sizes));
      if (text(xs) !== it.xml) bad.push(`${it.name}: streaming XML differs`);
      const d2 = firstDiff(decodeChunks(split(xs, sizes.slice(7))), it.mime);
      if (d2 >= 0) bad.push(`${it.name}: streaming MIME differs at ${d2}`);
    });
    expect(bad).toEqual([]);
  });

  it('default limits keep the full structure of every mail but the one nested past maxDepth', () => {
    const unlimited = { maxDepth: Number.MAX_SAFE_INTEGER, maxHeaderBytes: Number.MAX_SAFE_INTEGER };
    // nested.eml nests 105 multiparts: past Postfix's mime_nesting_limit of 100, the encoder's default
    // maxDepth (spec §13.1), so its innermost five levels are carried as one exact <body>.
    expect(items.filter((it) => toXml(it.mime, unlimited) !== it.xml).map((it) => it.name)).toEqual(['rust-mailparse/nested.eml']);
  });

  it('an independent DOM-based decoder (test/reference-decoder.ts) gives the same bytes', () => {
    const out = items.map((it) => {
      try {
        return referenceDecode(it.xml);
      } catch (e) {
        return e as Error;
      }
    });
    const bad = out.flatMap((r, i) => (r instanceof Error ? [`${items[i].name}: ${r.message}`] : firstDiff(r, items[i].mime) >= 0 ? [`${items[i].name}: differs at ${firstDiff(r, items[i].mime)}`] : []));
    expect(bad).toEqual([]);
  });

  it('XMIME has no raw CR, comment, PI or DTD', () => {
    const bad = items.filter((it) => /\r|<!--|<\?|<!DOCTYPE/.test(it.xml)).map((it) => it.name);
    expect(bad).toEqual([]);
  });

  it(`is valid against spec/xmime.rng (${hasSystemXmllint ? 'xmllint' : 'xmllint-wasm'})`, async () => {
    const res = await xmllint(items.map((i) => i.xml), 'relaxng');
    const bad = res.flatMap((r, i) => (r.valid ? [] : [`${items[i].name}: ${r.output.slice(0, 300)}`]));
    expect(bad).toEqual([]);
  });

  it('decodes the same after @xmldom/xmldom parse + serialize', () => {
    const out = items.map((it) => {
      try {
        const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(`${level}: ${msg}`); } }).parseFromString(it.xml, 'text/xml');
        return new XMLSerializer().serializeToString(doc);
      } catch (e) {
        return e as Error;
      }
    });
    expect(mismatches(items, out)).toEqual([]);
  });

  it('decodes the same after fast-xml-parser (preserveOrder) parse + build', () => {
    const parser = new XMLParser({
      preserveOrder: true, ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false,
      trimValues: false, processEntities: true, htmlEntities: true, maxNestedTags: 10_000,
    });
    const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, processEntities: true, suppressEmptyNode: true, maxNestedTags: 10_000 });
    const out = items.map((it) => {
      try {
        return builder.build(parser.parse(it.xml)) as string;
      } catch (e) {
        return e as Error;
      }
    });
    expect(mismatches(items, out)).toEqual([]);
  });

  for (const mode of ['format', 'c14n'] as const) {
    it(`decodes the same after xmllint --${mode}`, async () => {
      const res = await xmllint(items.map((i) => i.xml), mode);
      const out = res.map((r) => (r.valid ? r.output : new Error(`xmllint --${mode} failed`)));
      // Re-serialization must really have changed something, or the check proves nothing.
      expect(out.filter((o, i) => o === items[i].xml).length).toBe(0);
      expect(mismatches(items, out)).toEqual([]);
    });
  }
});

describe('outputs for non-corpus inputs are valid too', () => {
  it('fixtures, hostile samples and 400 random inputs validate against spec/xmime.rng', async () => {
    const samples: Uint8Array[] = [
      new Uint8Array(0),
      utf8('x'),
      Uint8Array.from({ length: 256 }, (_, i) => i),
      utf8('From a@b\nSubject : x\nX:y\n\n\r--b\n'),
      utf8('Content-Type: multipart/mixed; boundary="a b"\r\n\r\n--a b \t\r\nX: 1\r\n\r\n\x00\r\n--a b--'),
      utf8('Content-Type: message/rfc822\n\nContent-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: in\n\nhi\n--d--\n'),
    ];
    for (const f of walk(new URL('../../fixtures', import.meta.url).pathname)) if (f.endsWith('.eml')) samples.push(new Uint8Array(readFileSync(f)));
    samples.push(...fc.sample(anyBytes, { numRuns: 400, seed: 42 }));
    const res = await xmllint(samples.map((s) => toXml(s)), 'relaxng');
    expect(res.flatMap((r, i) => (r.valid ? [] : [`sample ${i}: ${r.output.slice(0, 300)}`]))).toEqual([]);
  });
});

describe('the schema rejects what the decoder rejects', () => {
  const M = (inner: string, attrs = '') => `<mime xmlns="urn:xmpp:xmime:0"${attrs}>${inner}</mime>`;
  const bad = [
    M('<part/>'), M('<body>a</body><text>b</text>'), M('<multipart boundary="b"><epilogue/><epilogue after="none"/></multipart>'), M('<body>a</body><headers/>'), M('<body><part/></body>'),
    M('', ' charset="x"'), M('', ' eol="cr"'), M('<headers><header>x</header></headers>'),
    M('<headers><header name="A B">x</header></headers>'), M('<multipart/>'), M('<headers>oops</headers>'),
    M('<attachment/>'), M('<message><from-line>x</from-line></message>'),
    M('<multipart boundary="b"><part pad="x"/></multipart>'), M('<headers><header name="A" sep="-">x</header></headers>'),
    M('<multipart boundary="b"><epilogue/><part/></multipart>'), '<mime xmlns="urn:other"/>',
    '<mime xmlns="urn:xmpp:xmime:0" xmlns:x="urn:xmpp:xmime:0" x:eol="lf"/>', M('', ' eol=" lf"'),
  ];
  it('each invalid document is rejected by both', async () => {
    for (const x of bad) expect(() => toMime(x), x).toThrow();
    const res = await xmllint(bad, 'relaxng');
    expect(res.flatMap((r, i) => (r.valid ? [bad[i]] : []))).toEqual([]);
  });
});
