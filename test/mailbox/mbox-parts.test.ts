/**
 * A mailbox written as several documents (spec §18.6, MboxPartEncoder /
 * mboxToXmlParts): the vectors in fixtures/mbox/parts both ways and in any
 * chunking, the size rule, each part decoding on its own, and property tests
 * (any bytes, generated mailboxes, any size and hold limit, any chunking).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MboxPartEncoder, mboxToXml, mboxToXmlParts, xmlToMbox } from '../../src/mailbox/mbox-codec.js';
import { MboxWriter } from '../../src/mailbox/mbox-messages.js';
import type { MboxVariant } from '../../src/mailbox/mbox-split.js';
import { XmimeError } from '../../src/core/errors.js';
import { concat, corpusDir, ROOT, walk, xmllint } from '../support/helpers.js';

const DIR = join(ROOT, 'fixtures', 'mbox', 'parts');
const te = new TextEncoder();
const td = new TextDecoder();
const MAX = 700;

function partsIn(b: Uint8Array, opts: { maxSize: number; holdBytes?: number; variant?: MboxVariant }, size: (k: number) => number): string[] {
  const docs: string[] = [];
  let cur: Uint8Array[] = [];
  let open = 0;
  const e = new MboxPartEncoder(
    {
      begin: (k) => {
        expect(k).toBe(docs.length + 1);
        open++;
        cur = [];
      },
      chunk: (c) => cur.push(c.slice()),
      end: (k) => {
        expect(k).toBe(docs.length + 1);
        open--;
        docs.push(td.decode(concat(cur)));
      },
    },
    opts,
  );
  for (let i = 0, k = 0; i < b.length; k++) {
    const n = size(k);
    e.push(b.slice(i, i + n));
    i += n;
  }
  e.end();
  expect(open).toBe(0);
  expect(e.parts).toBe(docs.length);
  return docs;
}

function rng(seed: number, max = 64): (i: number) => number {
  let s = seed | 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return 1 + ((s >>> 0) % max);
  };
}

const joined = (docs: string[]) => Buffer.from(concat(docs.map((d) => xmlToMbox(d))));
const messagesIn = (doc: string) => (doc.match(/<mime /g) ?? []).length;

/** The size rule: a part is at most maxSize bytes unless it holds one message alone, or only the prefix. */
function checkSizes(docs: string[], maxSize: number): void {
  docs.forEach((d, i) => {
    expect(d.startsWith(`<mbox xmlns="urn:xmpp:xmime:0"`), `part ${i + 1}`).toBe(true);
    expect(d.slice(0, d.indexOf('>')), `part ${i + 1}`).toContain(` part="${i + 1}"`);
    const size = Buffer.byteLength(d);
    if (size > maxSize) {
      const alone = messagesIn(d) === 1 && !d.includes('<prefix>');
      const prefixOnly = messagesIn(d) === 0;
      expect(alone || prefixOnly, `part ${i + 1} is ${size} > ${maxSize} bytes with ${messagesIn(d)} messages`).toBe(true);
    }
    if (i > 0) expect(d, `part ${i + 1}`).not.toContain('<prefix>');
    expect(d.match(/<mime [^>]*>/)?.[0] ?? '', `part ${i + 1}: its first message has no gap`).not.toContain('gap=');
  });
}

describe('mbox parts vectors (fixtures/mbox/parts/NAME.mbox ⇄ NAME.K.xml, maxSize 700)', () => {
  const names = readdirSync(DIR)
    .filter((f) => f.endsWith('.mbox'))
    .map((f) => f.slice(0, -5))
    .sort();
  it('there are vectors', () => expect(names.length).toBeGreaterThanOrEqual(4));
  for (const name of names) {
    it(name, () => {
      const mbox = new Uint8Array(readFileSync(join(DIR, `${name}.mbox`)));
      const variant: MboxVariant = name.startsWith('mboxrd-') ? 'mboxrd' : 'auto';
      const want = readdirSync(DIR)
        .filter((f) => f.startsWith(`${name}.`) && f.endsWith('.xml'))
        .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
        .map((f) => readFileSync(join(DIR, f), 'utf8'));
      expect(want.length).toBeGreaterThan(1);
      expect(mboxToXmlParts(mbox, { maxSize: MAX, variant })).toEqual(want);
      expect(partsIn(mbox, { maxSize: MAX, variant }, () => 1)).toEqual(want);
      for (const seed of [1, 7, 0x5eed]) expect(partsIn(mbox, { maxSize: MAX, variant }, rng(seed))).toEqual(want);
      checkSizes(want, MAX);
      expect(joined(want).equals(Buffer.from(mbox))).toBe(true);
      // One part per message at most as many as messages; never fewer messages than one document holds.
      expect(want.reduce((n, d) => n + messagesIn(d), 0)).toBe(messagesIn(mboxToXml(mbox, { variant })));
    });
  }
  it('a part holds as many messages as fit: a large limit gives one part, the document with part="1"', () => {
    const mbox = new Uint8Array(readFileSync(join(DIR, 'several.mbox')));
    const one = mboxToXmlParts(mbox, { maxSize: 1 << 20 });
    expect(one).toEqual([mboxToXml(mbox).replace('<mbox xmlns="urn:xmpp:xmime:0"', '<mbox xmlns="urn:xmpp:xmime:0" part="1"')]);
  });
  it('a message larger than holdBytes starts a new part (memory stays bounded), and the parts still join exactly', () => {
    const mbox = new Uint8Array(readFileSync(join(DIR, 'several.mbox')));
    const docs = mboxToXmlParts(mbox, { maxSize: 1 << 20, holdBytes: 500 });
    expect(docs.length).toBe(2); // the long fourth message (> 500 bytes of XML) begins part 2, the rest fits with it
    expect(docs[1]).toContain('four, larger than a part alone');
    expect(joined(docs).equals(Buffer.from(mbox))).toBe(true);
  });
  it('refuses a bad maxSize or holdBytes', () => {
    expect(() => mboxToXmlParts(new Uint8Array(0), { maxSize: 0 })).toThrow(RangeError);
    expect(() => mboxToXmlParts(new Uint8Array(0), { maxSize: 1.5 })).toThrow(RangeError);
    expect(() => mboxToXmlParts(new Uint8Array(0), { maxSize: 10, holdBytes: -1 })).toThrow(RangeError);
  });
  it('an empty file is one empty part', () => {
    expect(mboxToXmlParts(new Uint8Array(0), { maxSize: 10 })).toEqual(['<mbox xmlns="urn:xmpp:xmime:0" part="1">\n</mbox>\n']);
  });
});

describe('decoding parts', () => {
  it('each part decodes on its own; part must be a number from 1', () => {
    expect(td.decode(xmlToMbox('<mbox xmlns="urn:xmpp:xmime:0" part="12"><tail>\n</tail></mbox>'))).toBe('\n');
    for (const bad of ['0', '01', '-1', 'x', ''])
      expect(() => xmlToMbox(`<mbox xmlns="urn:xmpp:xmime:0" part="${bad}"/>`), bad).toThrow(XmimeError);
  });
  it('parts are valid against spec/xmime.rng, and a bad part number is not', async () => {
    const docs: string[] = [];
    for (const f of readdirSync(DIR)) if (f.endsWith('.xml')) docs.push(readFileSync(join(DIR, f), 'utf8'));
    const res = await xmllint(docs, 'relaxng');
    expect(res.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.output.slice(0, 200)}`]))).toEqual([]);
    const wrong = await xmllint(['<mbox xmlns="urn:xmpp:xmime:0" part="0"/>', '<mbox xmlns="urn:xmpp:xmime:0" part="01"/>'], 'relaxng');
    expect(wrong.map((r) => r.valid)).toEqual([false, false]);
  });
});

const corpus = corpusDir();
describe.skipIf(corpus === null)('corpus mbox files in parts', () => {
  it('every corpus mbox, at several sizes, in random chunks: parts obey the size rule and join exactly', () => {
    const files = walk(corpus!).filter((f) => f.endsWith('.mbox'));
    expect(files.length).toBe(7);
    for (const f of files) {
      const mbox = new Uint8Array(readFileSync(f));
      const whole = messagesIn(mboxToXml(mbox));
      for (const maxSize of [1, 3000, 20000]) {
        const docs = partsIn(mbox, { maxSize }, rng(maxSize, 4096));
        checkSizes(docs, maxSize);
        expect(joined(docs).equals(Buffer.from(mbox)), f).toBe(true);
        expect(docs.reduce((n, d) => n + messagesIn(d), 0), f).toBe(whole);
      }
    }
  });
});

describe('property tests (parts)', () => {
  const body = fc.array(fc.constantFrom('Hello', 'From here', '>From there', '', 'x'.repeat(200), 'Grüße'), { maxLength: 8 }).map((l) => l.join('\n'));
  const message = fc.tuple(fc.constantFrom('Subject: s', 'From: a@b'), body).map(([h, b]) => te.encode(`${h}\n\n${b}\n`));
  it('generated mailboxes: any maxSize, holdBytes and chunking give parts that obey the size rule, hold every message once, and join exactly', () => {
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 8 }),
        fc.constantFrom<MboxVariant>('auto', 'mboxrd', 'mboxo', 'mboxcl2'),
        fc.integer({ min: 1, max: 3000 }),
        fc.option(fc.integer({ min: 0, max: 3000 })),
        fc.boolean(),
        fc.integer({ min: 1, max: 1 << 30 }),
        (msgs, variant, maxSize, hold, crlf, seed) => {
          const out: Uint8Array[] = [];
          const w = new MboxWriter((c) => out.push(c));
          for (const m of msgs) w.add(m);
          w.end();
          let file = concat(out);
          if (crlf) file = te.encode(td.decode(file).replace(/\n/g, '\r\n'));
          const opts = { maxSize, variant, ...(hold === null ? {} : { holdBytes: hold }) };
          const docs = mboxToXmlParts(file, opts);
          expect(partsIn(file, opts, rng(seed))).toEqual(docs);
          if (hold === null) checkSizes(docs, maxSize);
          expect(joined(docs).equals(Buffer.from(file))).toBe(true);
          expect(docs.reduce((n, d) => n + messagesIn(d), 0)).toBe(msgs.length);
          // With no limit that binds, the one part is the one document.
          if (docs.length === 1) expect(docs[0].replace(/ part="1"/, '')).toBe(mboxToXml(file, { variant }));
        },
      ),
      { numRuns: 300 },
    );
  });
  it('arbitrary bytes in parts join exactly, in any chunking', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.array(fc.constantFrom('From ', 'From a@b 1:00 2024', '\n', '\r\n', '\r', '>', 'From: x', 'a', '\ufeff', '\xff'), { maxLength: 60 }).map((a) => new Uint8Array(Buffer.from(a.join(''), 'latin1'))),
    );
    fc.assert(
      fc.property(bytes, fc.constantFrom<MboxVariant>('auto', 'mboxrd', 'mboxo', 'mboxcl2'), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 1 << 30 }), (b, variant, maxSize, seed) => {
        const docs = mboxToXmlParts(b, { maxSize, variant });
        expect(partsIn(b, { maxSize, variant }, rng(seed))).toEqual(docs);
        checkSizes(docs, maxSize);
        expect(joined(docs).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
