/**
 * Mailbox documents: the mbox conformance vectors both ways (one-shot and in
 * any chunking), the corpus mbox files (round trip, split, the reference
 * split of mbox.rlug), readMbox/MboxWriter, decoder errors, and property
 * tests (arbitrary bytes round-trip; generated mailboxes split exactly).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailboxDecoder, MboxEncoder, mboxToXml, xmlToMbox } from '../../src/mailbox/mbox-codec.js';
import { MboxWriter, readMbox, separatorLine, type MboxMessage } from '../../src/mailbox/mbox-messages.js';
import type { MboxVariant } from '../../src/mailbox/mbox-split.js';
import { XmimeError } from '../../src/core/errors.js';
import { toMime, toXml } from '../../src/api/codec.js';
import { concat, corpusDir, ROOT, walk, xmllint } from '../support/helpers.js';

const FIX = join(ROOT, 'fixtures', 'mbox');
const te = new TextEncoder();
const td = new TextDecoder();

function encodeIn(b: Uint8Array, variant: MboxVariant, size: (i: number) => number): string {
  const parts: Uint8Array[] = [];
  const e = new MboxEncoder((c) => parts.push(c.slice()), { variant });
  for (let i = 0, k = 0; i < b.length; k++) {
    const n = size(k);
    e.push(b.slice(i, i + n));
    i += n;
  }
  e.end();
  return td.decode(concat(parts));
}

function decodeIn(x: Uint8Array, size: (i: number) => number): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new MailboxDecoder((c) => parts.push(c.slice()));
  for (let i = 0, k = 0; i < x.length; k++) {
    const n = size(k);
    d.push(x.slice(i, i + n));
    i += n;
  }
  d.end();
  return concat(parts);
}

function rng(seed: number): (i: number) => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return 1 + ((s >>> 0) % 64);
  };
}

async function messages(b: Uint8Array, variant: MboxVariant = 'auto'): Promise<MboxMessage[]> {
  const r: MboxMessage[] = [];
  for await (const m of readMbox(b, { variant })) r.push(m);
  return r;
}

describe('mbox conformance vectors (fixtures/mbox/VARIANT/NAME.mbox ⇄ NAME.xml)', () => {
  const vectors: [MboxVariant, string][] = [];
  for (const v of ['auto', 'mboxrd', 'mboxo', 'mboxcl2'] as MboxVariant[])
    for (const f of readdirSync(join(FIX, v)).sort()) if (f.endsWith('.mbox')) vectors.push([v, join(FIX, v, f)]);
  it('there are vectors for every variant', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(33);
  });
  for (const [variant, f] of vectors) {
    const name = `${variant}/${f.split('/').pop()}`;
    it(name, () => {
      const mbox = new Uint8Array(readFileSync(f));
      const want = readFileSync(f.replace(/\.mbox$/, '.xml'), 'utf8');
      expect(mboxToXml(mbox, { variant })).toBe(want);
      expect(encodeIn(mbox, variant, () => 1)).toBe(want);
      for (const seed of [1, 7, 0x5eed]) expect(encodeIn(mbox, variant, rng(seed))).toBe(want);
      expect(Buffer.from(xmlToMbox(want)).equals(Buffer.from(mbox))).toBe(true);
      expect(Buffer.from(decodeIn(te.encode(want), () => 1)).equals(Buffer.from(mbox))).toBe(true);
      expect(Buffer.from(decodeIn(te.encode(want), rng(3))).equals(Buffer.from(mbox))).toBe(true);
    });
  }
  it('each <mime> of a mailbox is the single-message document of that message (its separator line first)', async () => {
    for (const [variant, f] of vectors) {
      const mbox = new Uint8Array(readFileSync(f));
      const xml = mboxToXml(mbox, { variant });
      const mimes = xml.match(/<mime [^]*?<\/mime>\n/g) ?? [];
      const ms = await messages(mbox, variant);
      expect(mimes.length, f).toBe(ms.length);
      // In a CR-only file (lines="cr") it is the document of the message with CR and LF swapped (§18.2).
      const cr = / lines="cr"/.test(xml.slice(0, xml.indexOf('>')));
      const swap = (b: Uint8Array) => b.map((c) => (c === 13 ? 10 : c === 10 ? 13 : c));
      ms.forEach((m, i) => expect(mimes[i].replace(/ gap="[a-z]+"/, '').replace(/ split="[a-z]+"/, ''), f).toBe(toXml(cr ? swap(concat([m.separator, m.message])) : concat([m.separator, m.message]))));
    }
  });
});

describe('how the vectors split', () => {
  const count = async (v: MboxVariant, n: string) => (await messages(new Uint8Array(readFileSync(join(FIX, v, n + '.mbox'))), v)).length;
  it('auto: every separator shape, body From lines, missing blank lines', async () => {
    expect(await count('auto', 'separator-shapes')).toBe(7);
    expect(await count('auto', 'body-from-after-blank')).toBe(2); // "From Russia with love" has no separator shape
    expect(await count('auto', 'body-from-no-blank')).toBe(1); // no blank line before, no header after
    expect(await count('auto', 'body-from-shapes-in-body')).toBe(3); // a time without a year, "-" before words, a year alone
    expect(await count('auto', 'no-blank-between')).toBe(3); // GYB: a header follows
    expect(await count('auto', 'from-line-as-header')).toBe(1);
    expect(await count('auto', 'content-length-wrong')).toBe(3);
    expect(await count('auto', 'crlf')).toBe(2);
    expect(await count('auto', 'mixed-eol')).toBe(2);
    expect(await count('auto', 'cr-only')).toBe(2);
    expect(await count('auto', 'no-separator')).toBe(0);
    expect(await count('auto', 'empty')).toBe(0);
    expect(await count('mboxrd', 'body-from-splits')).toBe(2);
    expect(await count('mboxo', 'quoting')).toBe(3);
  });
  it('mboxrd undoes one level of quoting; auto and mboxo show the lines as they stand', async () => {
    const [rd] = await messages(new Uint8Array(readFileSync(join(FIX, 'mboxrd', 'quoting-depths.mbox'))), 'mboxrd');
    expect(td.decode(rd.message)).toContain('\nFrom one\n>From two\n>>From three\n>From\n>>Fromage\n');
    expect(td.decode(rd.raw)).toContain('\n>From one\n>>From two\n>>>From three\n>From\n>>Fromage\n');
    const [o] = await messages(new Uint8Array(readFileSync(join(FIX, 'mboxo', 'quoting.mbox'))), 'mboxo');
    expect(td.decode(o.message)).toContain('>From one\n>>From two\n');
  });
  it('readMbox accounts for every byte: prefix + (gap + raw)* + tail is the file', async () => {
    for (const v of ['auto', 'mboxrd', 'mboxo', 'mboxcl2'] as MboxVariant[])
      for (const f of readdirSync(join(FIX, v))) {
        if (!f.endsWith('.mbox')) continue;
        const b = new Uint8Array(readFileSync(join(FIX, v, f)));
        const parts: Uint8Array[] = [];
        for await (const m of readMbox(b, { variant: v, onPrefix: (p) => parts.push(p) })) {
          if (m.gap) parts.push(m.gap);
          parts.push(m.raw);
        }
        const got = concat(parts);
        // What is left is the tail: the final blank line.
        const rest = b.subarray(got.length);
        expect(Buffer.from(b.subarray(0, got.length)).equals(Buffer.from(got)), f).toBe(true);
        expect(['', '\n', '\r\n', '\r'], f).toContain(td.decode(rest));
      }
  });
  it('offsets point at the separators', async () => {
    const b = new Uint8Array(readFileSync(join(FIX, 'auto', 'prefix.mbox')));
    const [m] = await messages(b);
    expect(td.decode(b.subarray(m.offset, m.offset + 5))).toBe('From ');
    expect(m.offset).toBe(b.indexOf(0x46));
  });
});

const corpus = corpusDir();
describe.skipIf(corpus === null)('corpus mbox files', () => {
  const files = corpus === null ? [] : walk(corpus).filter((f) => f.endsWith('.mbox'));
  const expected: Record<string, number> = {
    'non-ascii-headers.mbox': 6, 'nice.mbox': 3, 'mbox.rlug.mbox': 5, 'content-length.mbox': 29, 'issue1189.mbox': 4, 'simple.mbox': 3, 'unmunged.mbox': 2,
  };
  it('there are seven', () => expect(files.length).toBe(7));
  for (const f of files) {
    const name = f.split('/').pop()!;
    it(`${name}: round trip in every variant and chunking, ${expected[name]} messages`, async () => {
      const b = new Uint8Array(readFileSync(f));
      for (const v of ['auto', 'mboxo', 'mboxrd'] as MboxVariant[]) {
        const xml = mboxToXml(b, { variant: v });
        expect(Buffer.from(xmlToMbox(xml)).equals(Buffer.from(b))).toBe(true);
        expect(encodeIn(b, v, rng(11))).toBe(xml);
        expect(Buffer.from(decodeIn(te.encode(xml), rng(5))).equals(Buffer.from(b))).toBe(true);
      }
      const ms = await messages(b);
      expect(ms.length).toBe(expected[name]);
      // Each message is a message: it starts with a header field and toMime(toXml()) gives it back.
      for (const m of ms) {
        expect(td.decode(m.message.subarray(0, 40))).toMatch(/^[\x21-\x39\x3b-\x7e]+:/);
        expect(Buffer.from(toMime(toXml(m.message))).equals(Buffer.from(m.message))).toBe(true);
      }
    });
  }
  it('mbox.rlug splits like the reference (mime4j mbox.rlug-N.eml, which keeps the blank line before the next separator)', async () => {
    const dir = join(corpus!, 'mime4j', 'mbox');
    const ms = await messages(new Uint8Array(readFileSync(join(dir, 'mbox.rlug.mbox'))));
    expect(ms.length).toBe(5);
    ms.forEach((m, i) => {
      const ref = readFileSync(join(dir, `mbox.rlug-${i}.eml`));
      expect(Buffer.concat([m.message, m.gap ?? ms[i + 1]?.gap ?? Buffer.from('\n')]).equals(ref), `message ${i}`).toBe(true);
    });
  });
  it('unmunged.mbox: the BOM is the prefix, "From Russia with love" stays in the bodies', async () => {
    const f = files.find((x) => x.endsWith('unmunged.mbox'))!;
    let prefix = '';
    const ms: MboxMessage[] = [];
    for await (const m of readMbox(new Uint8Array(readFileSync(f)), { onPrefix: (p) => (prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(p)) })) ms.push(m);
    expect(prefix).toBe('\ufeff');
    expect(ms.map((m) => td.decode(m.message).includes('\nFrom Russia with love\n'))).toEqual([true, true]);
    expect(ms.every((m) => m.kept.length === 1)).toBe(true);
  });
});

describe('decoding mailbox documents: errors', () => {
  const bad = (xml: string, code: string) => {
    try {
      xmlToMbox(xml);
    } catch (e) {
      expect(e).toBeInstanceOf(XmimeError);
      expect((e as XmimeError).code).toBe(code);
      return;
    }
    expect.fail(`accepted: ${xml}`);
  };
  const M = '<mime><from-line>a</from-line></mime>';
  it('refuses what the format does not allow', () => {
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><mime gap="lf"><from-line>a</from-line></mime></mbox>`, 'xmime-attribute');
    bad(`<mbox xmlns="urn:xmpp:xmime:0">${M}<mime gap="cr"><from-line>a</from-line></mime></mbox>`, 'xmime-attribute-value');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><mime><headers/></mime></mbox>`, 'xmime-placement');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><mime/></mbox>`, 'xmime-placement');
    bad(`<mbox xmlns="urn:xmpp:xmime:0" variant="mmdf"></mbox>`, 'xmime-attribute-value');
    bad(`<mbox xmlns="urn:xmpp:xmime:0" x="1"></mbox>`, 'xmime-attribute');
    bad(`<mbox xmlns="urn:xmpp:xmime:0">${M}<prefix/></mbox>`, 'xmime-placement');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><tail/>${M}</mbox>`, 'xmime-placement');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><body/></mbox>`, 'xmime-placement');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><foo/></mbox>`, 'xmime-element');
    bad(`<mbox xmlns="urn:xmpp:xmime:0">text</mbox>`, 'xmime-text');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><prefix><b/></prefix></mbox>`, 'xmime-placement');
    bad(`<mbox xmlns="urn:xmpp:xmime:0">${M}`, 'xml-truncated');
    bad(`<mbox xmlns="urn:xmpp:xmime:0">${M}</mbox><x/>`, 'xml-trailing');
    bad(`<mbox xmlns="urn:xmpp:xmime:0"><mime><from-line>a</from-line><bogus/></mime></mbox>`, 'xmime-element');
    bad(`<tree xmlns="urn:xmpp:xmime:0"/>`, 'xmime-placement'); // a directory, not bytes
    bad(`<mbox xmlns="urn:xmpp:xmime:0" lines="lf"/>`, 'xmime-attribute-value');
    bad(`<mbox xmlns="urn:xmpp:xmime:0" lines="cr">${M}<mime gap="lf"><from-line>a</from-line></mime></mbox>`, 'xmime-attribute-value');
  });
  it('decodes a single <mime> document like toMime', () => {
    const x = toXml(te.encode('Subject: x\r\n\r\nbody\r\n'));
    expect(td.decode(xmlToMbox(x))).toBe('Subject: x\r\n\r\nbody\r\n');
  });
});

describe('MboxWriter and readMbox', () => {
  it('writes mboxrd: quotes From lines at every depth, adds the blank line', () => {
    const parts: Uint8Array[] = [];
    const w = new MboxWriter((c) => parts.push(c));
    w.add(te.encode('Subject: a\n\nFrom x\n>From y\nno newline'), 'From a@b Mon Jan  1 00:00:00 2024');
    w.add(te.encode('Subject: b\r\n\r\nhi\r\n'));
    w.end();
    expect(td.decode(concat(parts))).toBe(`From a@b Mon Jan  1 00:00:00 2024\nSubject: a\n\n>From x\n>>From y\nno newline\n\n${separatorLine()}\r\nSubject: b\r\n\r\nhi\r\n\r\n`);
  });
});

/** Random message bytes: header-ish lines, body lines that tempt the splitter, any line endings. */
const line = fc.oneof(
  fc.constantFrom('From me', 'From a@b Mon Jan  1 00:00:00 2024', '>From x', '>>From y', '', 'X: y', 'From : z', '>', 'text', 'From '),
  fc.string({ maxLength: 12 }),
);
const body = fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n'));
const message = fc.tuple(fc.constantFrom('Subject: s', 'From: a@b', 'X-A: 1'), body).map(([h, b]) => te.encode(`${h}\n\n${b}\n`));
const separator = fc.constantFrom('From a@b Mon Jan  1 00:00:00 2024', 'From - Mon Jan  1 00:00:00 2024', 'From - ', 'From 123@xxx', 'From u at h.org  Tue Jul 10 11:29:44 2012', 'From ');

it('a CR-only mailbox is readable: its messages are shown as LF lines (CR and LF swapped), and come back exact', () => {
  const file = new Uint8Array(readFileSync(join(FIX, 'auto', 'cr-only.mbox')));
  const xml = mboxToXml(file);
  expect(xml).toContain('<decoded>old mac one</decoded>');
  expect(xml).toContain('<text>Hello.\n</text>');
  expect(xml).not.toContain('end="none"');
  // A stray LF (and CR LF) inside a CR-only message is carried exactly.
  const odd = te.encode('From a@b Mon Jan  1 00:00:00 2024\rSubject: x\r\rline\nwith LF\r\nand CR LF\r\rFrom a@b Mon Jan  1 00:00:00 2024\rSubject: y\r\rz\r');
  const x2 = mboxToXml(odd);
  expect(x2).toContain('lines="cr"');
  expect(Buffer.from(xmlToMbox(x2)).equals(Buffer.from(odd))).toBe(true);
  expect(Buffer.from(decodeIn(te.encode(x2), () => 1)).equals(Buffer.from(odd))).toBe(true);
  expect(encodeIn(odd, 'auto', () => 1)).toBe(x2);
});

describe('mboxcl2: Content-Length where the file confirms it (spec §18.2)', () => {
  const read = async (n: string, v: MboxVariant = 'mboxcl2') => messages(new Uint8Array(readFileSync(join(FIX, 'mboxcl2', n + '.mbox'))), v);
  it('a confirmed Content-Length keeps separator-shaped body lines in the body; auto splits there', async () => {
    for (const n of ['exact', 'crlf-exact', 'crlf-lf-counted']) {
      const ms = await read(n);
      expect(ms.length, n).toBe(2);
      expect(td.decode(ms[0].message), n).toContain('From bob@example.org Mon Jan  1 00:00:00 2024');
      expect(td.decode(ms[0].message), n).toContain('>From as it was written'); // mboxcl2 writers do not quote: shown as it stands
      expect((await read(n, 'auto')).length, n).toBe(3);
    }
    expect((await read('exact'))[1].splitBy).toBe('length');
    expect((await read('crlf-exact'))[1].splitBy).toBe('length');
    expect((await read('crlf-lf-counted'))[1].splitBy).toBe('lf');
    expect((await read('no-gap')).map((m) => [m.splitBy, m.gap])).toEqual([[undefined, null], ['length', null]]);
    expect((await read('empty-body')).map((m) => m.message.length > 0)).toEqual([true, true]);
  });
  it('a missing or wrong Content-Length falls back to the auto rule, and the boundary says so (split="auto")', async () => {
    expect((await read('missing-length')).map((m) => m.splitBy)).toEqual([undefined, 'auto', 'auto']);
    expect((await read('wrong-length')).map((m) => m.splitBy)).toEqual([undefined, 'auto', 'auto', 'auto']);
    expect((await read('cr-only')).map((m) => m.splitBy)).toEqual([undefined, 'auto']);
    const xml = readFileSync(join(FIX, 'mboxcl2', 'wrong-length.xml'), 'utf8');
    expect(xml.match(/ split="auto"/g)?.length).toBe(3);
  });
  it('the decoder takes split only in a mboxcl2 mailbox, and only auto or lf', () => {
    const doc = (v: string, s: string) => `<mbox xmlns="urn:xmpp:xmime:0" variant="${v}"><mime eol="lf"><from-line>a</from-line></mime><mime eol="lf" ${s}><from-line>b</from-line></mime></mbox>`;
    expect(td.decode(xmlToMbox(doc('mboxcl2', 'split="auto"')))).toBe('From a\n\nFrom b\n');
    expect(() => xmlToMbox(doc('mboxcl2', 'split="length"'))).toThrow(XmimeError);
    expect(() => xmlToMbox(doc('auto', 'split="auto"'))).toThrow(XmimeError);
  });
});

describe('property tests', () => {
  it('arbitrary bytes as an mbox round-trip exactly, in any chunking and variant', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.constantFrom('From ', 'From a@b 1:00 x', '\n', '\r\n', '\r', '>', 'From: x', 'a', '\ufeff', '\u00e9', '\xff', 'Content-Length: 2', 'content-length:0', 'Content-Length: 9'), { maxLength: 40 }).map((a) => new Uint8Array(Buffer.from(a.join(''), 'latin1'))),
    );
    fc.assert(
      fc.property(bytes, fc.constantFrom<MboxVariant>('auto', 'mboxo', 'mboxrd', 'mboxcl2'), fc.integer({ min: 1, max: 1 << 30 }), (b, v, seed) => {
        const xml = mboxToXml(b, { variant: v });
        expect(Buffer.from(xmlToMbox(xml)).equals(Buffer.from(b))).toBe(true);
        expect(encodeIn(b, v, rng(seed))).toBe(xml);
        expect(Buffer.from(decodeIn(te.encode(xml), rng(seed + 1))).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
  it('generated mboxcl2 mailboxes (unquoted From lines, right, LF-counted, wrong or missing Content-Length) split into exactly the messages generated wherever Content-Length is right, in any chunking', async () => {
    const clBody = fc.array(fc.constantFrom('Hello', 'From a@b Mon Jan  1 00:00:00 2024', 'From x', '>From y', '', 'Subject: z'), { maxLength: 6 }).map((l) => l.map((x) => x + '\n').join(''));
    const kind = fc.constantFrom('right', 'right', 'missing', 'wrong');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(clBody, kind, fc.boolean()), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.integer({ min: 1, max: 1 << 30 }), async (msgs, crlf, seed) => {
        // CR LF files always have the blank line before a separator here: without it, a Content-Length that counts
        // LF in a body ending in a blank line is also an exact count with that blank line as the gap (both are confirmed
        // ends; the exact count wins, as §18.2 says).
        const eol = crlf ? '\r\n' : '\n';
        const text = msgs.map(([b, k, gap], i) => {
          const cl = k === 'right' ? `Content-Length: ${b.length}${eol}` : k === 'wrong' ? `Content-Length: 100000${eol}` : '';
          return `From a@b Mon Jan  1 00:00:00 2024${eol}Subject: ${i}${eol}${cl}${eol}${b.replace(/\n/g, eol)}${gap || crlf || i === msgs.length - 1 ? eol : ''}`;
        });
        const file = te.encode(text.join(''));
        const got = await messages(file, 'mboxcl2');
        expect(Buffer.from(xmlToMbox(mboxToXml(file, { variant: 'mboxcl2' }))).equals(Buffer.from(file))).toBe(true);
        expect(encodeIn(file, 'mboxcl2', rng(seed))).toBe(mboxToXml(file, { variant: 'mboxcl2' }));
        if (msgs.every(([, k]) => k === 'right')) {
          // Every Content-Length right (counting LF in CR LF files): exactly the messages generated, each as written.
          expect(got.length).toBe(msgs.length);
          got.forEach((m, i) => expect(td.decode(m.message)).toContain(msgs[i][0].replace(/\n/g, eol)));
          got.slice(1).forEach((m, i) => expect(m.splitBy).toBe(crlf && msgs[i][0] !== '' ? 'lf' : 'length'));
        } else expect(got.length).toBeGreaterThanOrEqual(1);
        // A boundary not confirmed by Content-Length is recorded as doubtful.
        got.forEach((m, i) => {
          if (i > 0 && msgs[i - 1] !== undefined && msgs[i - 1][1] !== 'right' && got.length === msgs.length) expect(m.splitBy).toBe('auto');
        });
      }),
      { numRuns: 300 },
    );
  });
  it('generated mailboxes split into exactly the messages generated (mboxrd: as written; auto: as they stand)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(message, separator), { maxLength: 6 }), async (msgs) => {
        const parts: Uint8Array[] = [];
        const w = new MboxWriter((c) => parts.push(c));
        for (const [m, s] of msgs) w.add(m, s);
        w.end();
        const file = concat(parts);
        const rd = await messages(file, 'mboxrd');
        expect(rd.map((m) => td.decode(m.message))).toEqual(msgs.map(([m]) => td.decode(m)));
        expect(rd.map((m) => td.decode(m.separator))).toEqual(msgs.map(([, s]) => `${s}\n`));
        const auto = await messages(file, 'auto');
        expect(auto.length).toBe(msgs.length);
        expect(Buffer.from(xmlToMbox(mboxToXml(file, { variant: 'mboxrd' }))).equals(Buffer.from(file))).toBe(true);
        // The same mailbox with CR alone for every line ending (old Mac OS) splits the same way.
        const cr = new Uint8Array(Buffer.from(Buffer.from(file).toString('latin1').replace(/\n/g, '\r'), 'latin1'));
        const crs = await messages(cr, 'mboxrd');
        expect(crs.map((m) => td.decode(m.message))).toEqual(msgs.map(([m]) => td.decode(m).replace(/\n/g, '\r')));
        expect(Buffer.from(xmlToMbox(mboxToXml(cr, { variant: 'mboxrd' }))).equals(Buffer.from(cr))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

it('mailbox documents (vectors, corpus mbox files, tree vectors, random mailboxes) are valid against spec/xmime.rng, and wrong ones are not', async () => {
  const docs: string[] = [];
  for (const v of ['auto', 'mboxrd', 'mboxo', 'mboxcl2']) for (const f of readdirSync(join(FIX, v))) if (f.endsWith('.xml')) docs.push(readFileSync(join(FIX, v, f), 'utf8'));
  for (const f of readdirSync(join(ROOT, 'fixtures', 'tree'))) if (f.endsWith('.xml')) docs.push(readFileSync(join(ROOT, 'fixtures', 'tree', f), 'utf8'));
  if (corpus !== null) for (const f of walk(corpus).filter((x) => x.endsWith('.mbox'))) docs.push(mboxToXml(new Uint8Array(readFileSync(f))));
  fc.sample(fc.uint8Array({ maxLength: 200 }), { numRuns: 50, seed: 42 }).forEach((b) => docs.push(mboxToXml(concat([te.encode('From a@b 1:00\n'), b]), { variant: 'mboxrd' })));
  const res = await xmllint(docs, 'relaxng');
  expect(res.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.output.slice(0, 200)}`]))).toEqual([]);
  const wrong = await xmllint(
    ['<mbox xmlns="urn:xmpp:xmime:0"><mime gap="lf"><from-line>a</from-line></mime></mbox>', '<mbox xmlns="urn:xmpp:xmime:0"><mime/></mbox>', '<tree xmlns="urn:xmpp:xmime:0"><file name="a" mtime="now"/></tree>'],
    'relaxng',
  );
  expect(wrong.map((r) => r.valid)).toEqual([false, false, false]);
});

it('fixtures/mbox/make.py is what made the vectors', () => {
  expect(existsSync(join(FIX, 'make.py'))).toBe(true);
});

describe('parseMailbox: the tree API on each message', () => {
  it('gives each message as parse gives a single one, from bytes or from the document', async () => {
    const { parseMailbox } = await import('../../src/mailbox/parse.js');
    const { parse } = await import('../../src/api/message.js');
    const b = new Uint8Array(readFileSync(join(FIX, 'auto', 'no-blank-between.mbox')));
    const ms = parseMailbox(b);
    const raw = await messages(b);
    expect(ms.length).toBe(3);
    ms.forEach((m, i) => {
      expect(m.toXml()).toBe(parse(concat([raw[i].separator, raw[i].message])).toXml());
      expect(Buffer.from(m.toMime()).equals(Buffer.from(concat([raw[i].separator, raw[i].message])))).toBe(true);
    });
    expect(parseMailbox(mboxToXml(b)).map((m) => m.headers.get('subject'))).toEqual(ms.map((m) => m.headers.get('subject')));
    expect(() => parseMailbox('<mbox xmlns="urn:xmpp:xmime:0"><mime/></mbox>')).toThrow(XmimeError);
  });
});
