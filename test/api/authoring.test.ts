/**
 * compose(): minimal XMIME (what an author writes) to new standard MIME,
 * checked by parsers that are not ours. For each hand-written fixture in
 * fixtures/authoring/ and for random authored trees (property test):
 * - Python's `email` package (policy.default) reports no defects, and it and
 *   postal-mime read the headers, texts and attachment bytes the XML says;
 * - toXml() of the MIME shows the same readable content again;
 * - the wire form is what compose promises: CRLF only, 7-bit, header lines
 *   folded to 78 columns, MIME-Version, Date and Message-ID, boundaries that
 *   occur nowhere inside the parts, short encoded lines.
 * The three readings are in test/authoring-view.ts.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/api/compose.js';
import { toXml } from '../../src/api/codec.js';
import { forPostal, hasPython, type Hdr, isoSeconds, type Leaf, type MailView, type Mbox, type Grp, postalView, PythonServer, pythonViews, sha256, xmlView } from '../support/authoring-view.js';
import { ROOT, xmllint } from '../support/helpers.js';

// The independent Python check must not vanish quietly in CI.
if (!hasPython && process.env.CI) throw new Error('python3 not found: the authoring tests need it in CI');
if (!hasPython) console.warn('authoring tests: python3 not found, the Python checks are skipped');

const DIR = join(ROOT, 'fixtures', 'authoring');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.xml'))
  .sort();
const DATE = new Date('2026-11-21T08:00:00Z');
const AUTHORING_SCHEMA = join(ROOT, 'spec', 'xmime-authoring.rng');

/** A seeded generator for compose's boundaries and Message-ID (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

// ---------------------------------------------------------------------------
// The wire form, read by hand (only what compose writes: no parser's leniency).

interface Wire {
  fields: string[][]; // each field's physical lines
  type: string;
  params: Map<string, string>;
  cte: string;
  disposition: string;
  dispParams: Map<string, string>;
  body: string;
  parts: Wire[];
}

function params(v: string): { value: string; params: Map<string, string> } {
  const out = new Map<string, string>();
  const [head] = /^[^;]*/.exec(v)!;
  // `; name=token` or `; name="quoted \" string"`, to the end.
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s";]*))\s*/gy;
  re.lastIndex = head.length;
  for (let m; (m = re.exec(v)) !== null; ) {
    out.set(m[1].toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
    if (re.lastIndex === v.length) break;
  }
  if (re.lastIndex !== v.length && !(head.length === v.length)) throw new Error(`parameter syntax: ${v}`);
  return { value: head.trim().toLowerCase(), params: out };
}

function wire(s: string): Wire {
  // The header section ends at a blank line, or at the end of an entity
  // without a body (its last CRLF is then the delimiter's).
  const blank = s.startsWith('\r\n') ? 0 : s.indexOf('\r\n\r\n') + 2;
  const end = blank >= 2 || s.startsWith('\r\n') ? blank : s.endsWith('\r\n') ? s.length : -1;
  if (end < 0) throw new Error('no end of header section');
  const lines = s.slice(0, end).split('\r\n').slice(0, -1);
  const fields: string[][] = [];
  for (const l of lines) {
    if (/^[ \t]/.test(l)) fields[fields.length - 1].push(l);
    else fields.push([l]);
  }
  const get = (name: string): string | undefined => {
    const f = fields.filter((x) => x[0].toLowerCase().startsWith(name + ':'));
    if (f.length > 1) throw new Error(`${name} twice`);
    return f[0]?.join('').slice(name.length + 1);
  };
  const ct = params(get('content-type') ?? 'text/plain');
  const cd = params(get('content-disposition') ?? '');
  const w: Wire = {
    fields,
    type: ct.value,
    params: ct.params,
    cte: (get('content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
    disposition: cd.value,
    dispParams: cd.params,
    body: end === s.length ? '' : s.slice(end + 2),
    parts: [],
  };
  if (w.type.startsWith('multipart/')) {
    const d = '--' + w.params.get('boundary')!;
    const chunks = ('\r\n' + w.body).split('\r\n' + d);
    // Every occurrence of the delimiter is one of the delimiter lines: the
    // boundary occurs nowhere inside a part (RFC 2046 §5.1.1).
    expect(w.body.split(d).length, `boundary ${d} inside a part`).toBe(chunks.length);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks[chunks.length - 1].startsWith('--')).toBe(true);
    for (const c of chunks.slice(1, -1)) {
      expect(c.startsWith('\r\n')).toBe(true);
      w.parts.push(wire(c.slice(2)));
    }
  } else if (w.type === 'message/rfc822') w.parts.push(wire(w.body));
  return w;
}

/** The promises of compose about the bytes, entity by entity. */
function checkWire(mime: Uint8Array): Wire {
  const s = latin1(mime);
  expect(s, 'CRLF only').not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  // 7bit, quoted-printable and base64 only: nothing but US-ASCII anywhere,
  // so every non-ASCII header is RFC 2047 (or RFC 2231) encoded.
  expect(s, '7-bit').toMatch(/^[\x00-\x7f]*$/);
  for (const l of s.split('\r\n')) expect(l.length, 'RFC 5322 §2.1.1 line limit').toBeLessThanOrEqual(998);
  const top = wire(s);
  const named = (n: string) => top.fields.filter((f) => f[0].toLowerCase().startsWith(n + ':'));
  expect(named('mime-version').map((f) => f.join('').slice(13).trim())).toEqual(['1.0']);
  expect(named('date')).toHaveLength(1);
  expect(named('message-id')).toHaveLength(1);
  const visit = (w: Wire): void => {
    for (const f of w.fields) {
      expect(f[0], 'a field line').toMatch(/^[!-9;-~]+:/);
      for (const l of f) {
        expect(l, 'no controls in headers').toMatch(/^[\t -~]*$/);
        // Over 78 only when it cannot be folded: one token after the name.
        if (l.length > 78) expect(l, 'header line over 78 columns').toMatch(/^(?:[!-9;-~]+:)?[ \t]*[^ \t]+$/);
      }
    }
    if (w.type.startsWith('multipart/') || w.type === 'message/rfc822') {
      expect(['7bit', '8bit', 'binary']).toContain(w.cte); // RFC 2045 §6.4
      // A forwarded message is a message: MIME-Version again (spec §9.10).
      if (w.type === 'message/rfc822') expect(w.parts[0].fields.filter((f) => /^mime-version:\s*1\.0\s*$/i.test(f.join('')))).toHaveLength(1);
      w.parts.forEach(visit);
      return;
    }
    expect(['7bit', 'quoted-printable', 'base64']).toContain(w.cte);
    if (w.type.startsWith('text/') && w.disposition !== 'attachment') expect(w.params.get('charset')).toBe('utf-8');
    // Authored leaves are text or attachments: anything not text/* is an attachment, with its file name.
    if (!w.type.startsWith('text/')) expect(w.disposition).toBe('attachment');
    if (w.disposition === 'attachment') expect([...w.dispParams.keys()].some((k) => /^filename(\*0?\*?)?$/.test(k)), 'filename parameter').toBe(true);
    if (w.cte !== '7bit') for (const l of w.body.split('\r\n')) expect(l.length, `${w.cte} line`).toBeLessThanOrEqual(76);
    if (w.cte === 'base64') expect(w.body).toMatch(/^[A-Za-z0-9+/=\r\n]*$/);
  };
  visit(top);
  return top;
}

// ---------------------------------------------------------------------------
// Comparing views.

/**
 * `parsed` less the Date and Message-ID that compose added where the
 * authored top level has none (spec §9.10): there once each, the Date the
 * option's instant in UTC, the id 24 letters and digits at the domain of
 * the first From address.
 */
function lessGenerated(parsed: MailView, authored: MailView): MailView {
  let headers = parsed.headers;
  for (const name of ['date', 'message-id']) {
    if (authored.headers.some((h) => h.name === name)) continue;
    const got = headers.filter((h) => h.name === name);
    expect(got, `generated ${name}`).toHaveLength(1);
    if (name === 'date') {
      const v = got[0].value as string;
      expect(new Date(v).getTime()).toBe(DATE.getTime());
      expect(v, 'Date in UTC').toMatch(/(\+00:00|Z)$/);
    } else {
      const from = authored.headers.find((h) => h.name === 'from')?.value as Mbox[] | undefined;
      const domain = from?.[0]?.addr.split('@')[1] ?? 'xmime.invalid';
      expect(got[0].value).toEqual([expect.stringMatching(new RegExp(`^[A-Za-z0-9]{24}@${domain.replace(/\./g, '\\.')}$`))]);
    }
    headers = headers.filter((h) => h.name !== name);
  }
  return { ...parsed, headers };
}

async function checkAll(label: string, authored: MailView, mime: Uint8Array, py: MailView | null): Promise<void> {
  checkWire(mime);
  if (py !== null) {
    expect(py.defects, `${label}: Python defects`).toEqual([]);
    expect(lessGenerated(py, authored), `${label}: Python`).toEqual(authored);
  }
  const postal = await postalView(mime);
  expect(postal.defects, `${label}: postal-mime`).toEqual([]);
  expect(lessGenerated(postal, authored), `${label}: postal-mime`).toEqual(forPostal(authored, postal));
  // Encoding the composed MIME again: the same readable content, and every
  // header compose wrote is the canonical rendering of its view (no <raw>).
  const xml = toXml(mime);
  expect(xml, `${label}: toXml needs <raw>`).not.toMatch(/<raw>/);
  const again = xmlView(xml, 'encoded');
  expect(lessGenerated(again, authored), `${label}: toXml`).toEqual(authored);
}

// ---------------------------------------------------------------------------
// Fixtures.

describe('compose: fixtures/authoring', () => {
  interface Case {
    name: string;
    xml: string;
    authored: MailView;
    mime: Uint8Array;
  }
  let cases: Case[] = [];
  let py: MailView[] | null = null;
  beforeAll(() => {
    cases = NAMES.map((name) => {
      const xml = readFileSync(join(DIR, name), 'utf8');
      return { name, xml, authored: xmlView(xml, 'authored'), mime: compose(xml, { date: DATE, random: seeded(7) }) };
    });
    // One Python process for all fixtures.
    if (hasPython) py = pythonViews(cases.map((c) => c.mime));
  });

  it('every fixture is valid minimal XMIME (spec/xmime-authoring.rng), and its MIME encodes to valid XMIME', async () => {
    const lint = await xmllint(cases.map((c) => c.xml), 'relaxng', AUTHORING_SCHEMA);
    expect(lint.filter((r) => !r.valid).map((r) => r.output)).toEqual([]);
    const encoded = await xmllint(cases.map((c) => toXml(c.mime)), 'relaxng');
    expect(encoded.filter((r) => !r.valid).map((r) => r.output)).toEqual([]);
  });

  it('has the fixtures the README lists', () => {
    expect(NAMES).toEqual(['alternative.xml', 'attachment.xml', 'forward.xml', 'plain.xml', 'reply.xml', 'utf8-names.xml']);
  });

  it.each(NAMES.map((name, i) => [name, i] as const))('%s', async (name, i) => {
    const c = cases[i];
    await checkAll(name, c.authored, c.mime, py?.[i] ?? null);
  });

  it('is deterministic given date and random', () => {
    for (const c of cases) expect(compose(c.xml, { date: DATE, random: seeded(7) })).toEqual(c.mime);
  });

  it('messageId: a given id is used, false leaves it out', () => {
    const xml = readFileSync(join(DIR, 'alternative.xml'), 'utf8');
    const given = latin1(compose(xml, { date: DATE, messageId: 'given.1@example.com', random: seeded(1) }));
    expect(given).toMatch(/\r\nMessage-ID: <given\.1@example\.com>\r\n/i);
    const none = latin1(compose(xml, { date: DATE, messageId: false, random: seeded(1) }));
    expect(none).not.toMatch(/^Message-ID:/im);
  });
});

// ---------------------------------------------------------------------------
// Random authored trees.

type Body =
  | { kind: 'text'; html: boolean; text: string }
  | { kind: 'attachment'; filename: string; type: string; data: Uint8Array }
  | { kind: 'multipart'; alternative: boolean; parts: Body[] }
  | { kind: 'message'; headers: Hdr[]; body: Body };
interface Tree {
  headers: Hdr[];
  body: Body;
}

/**
 * A code point XML 1.0 can carry. Not U+F700..U+F7FF either: in XMIME those
 * stand for bytes (spec §7.1), which is not what an author means by text.
 */
const xmlChar = (c: string): boolean => !/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\uf700-\uf7ff]/u.test(c);
/** Random Unicode text: astral characters, CR and LF alone and together, long lines, mail hazards. */
const textPiece = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('\n', '\r', '\r\n', '\n\n', ' \n', '\t', 'From ', '\n.\n', '=', '=?utf-8?q?x?=', '-- \n', '😀', '𝄞', 'é', '\u0085', '\u2028', '<&>', ']]>', '--'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 999, max: 1500 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 80, max: 400 }).map((n) => 'wörd '.repeat(n / 5)) },
);
const bodyText = fc.array(textPiece, { maxLength: 12 }).map((a) => [...a.join('')].filter(xmlChar).join(''));

/** A word for names and subjects: no white space, no controls (header text cannot hold them). */
const word = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.constantFrom('"', '\\', ',', '(x)', '<a@b>', ':', ';', '@', 'Re:', '=?', '?=', '🎉', 'Ünï', '李'))
  .map((w) => [...w].filter((c) => xmlChar(c) && !/[\s\x7f-\x9f\u2028\u2029]/u.test(c)).join(''))
  .filter((w) => w !== '');
/** Display names: the view joins words with one space (header-views: Mailbox.name). */
const phrase = fc.array(word, { minLength: 1, maxLength: 6 }).map((a) => a.join(' '));
/** Unstructured text keeps its white space (header-views: nothing but folding changes), so runs, tabs and ends too. */
const subject = fc
  .array(fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: fc.constantFrom(' ', '  ', '\t', ' \t ') }), { minLength: 1, maxLength: 25 })
  .map((a) => a.join(' '));
const addr = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,10}[a-z0-9]$/), fc.constantFrom('example.com', 'example.de', 'mail.example.org'))
  .filter(([l]) => !l.includes('..'))
  .map(([l, d]) => `${l}@${d}`);
const mailbox: fc.Arbitrary<Mbox> = fc.record({ name: fc.oneof(fc.constant(''), phrase), addr });
const address: fc.Arbitrary<Mbox | Grp> = fc.oneof(
  { weight: 4, arbitrary: mailbox },
  { weight: 1, arbitrary: fc.record({ group: phrase, members: fc.array(mailbox, { maxLength: 3 }) }) },
);
const msgId = fc.tuple(fc.stringMatching(/^[A-Za-z0-9.$+_-]{1,20}$/), fc.constantFrom('example.com', 'x.example.net')).filter(([l]) => !/^\.|\.$|\.\./.test(l)).map(([l, d]) => `${l}@${d}`);
const isoDate = fc
  .tuple(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -12 * 4, max: 14 * 4 }))
  .map(([d, q]) => {
    const off = q * 15;
    const local = new Date(Math.floor(d.getTime() / 1000) * 1000 + off * 60_000).toISOString().slice(0, 19);
    const a = Math.abs(off);
    return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  });

/** The headers of a message: each kind at most once, in a random order. */
const headersArb = (top: boolean): fc.Arbitrary<Hdr[]> =>
  fc
    .record(
      {
        from: fc.array(mailbox, { minLength: 1, maxLength: 2 }),
        to: fc.array(address, { minLength: 1, maxLength: 4 }),
        cc: fc.array(address, { minLength: 1, maxLength: 3 }),
        subject,
        date: isoDate,
        'message-id': msgId.map((i) => [i]),
        'in-reply-to': msgId.map((i) => [i]),
        references: fc.array(msgId, { minLength: 1, maxLength: 8 }),
        'x-note': subject,
        // Written as a plain value, not a view: unstructured text all the same (spec §9.10).
        'x-plain': subject,
      },
      { requiredKeys: top ? ['from'] : [] },
    )
    .chain((r) => fc.shuffledSubarray(Object.entries(r), { minLength: Object.keys(r).length }))
    .map((es) => es.map(([name, value]) => ({ name, value }) as Hdr));

/** Odd file names: quotes, backslashes, non-ASCII, spaces, very long (Python's get_filename() strips outer white space, so none there). */
const filename = fc
  .array(fc.oneof(word, fc.constantFrom(' ', '"', '\\', "'", '%', '*', '=?utf-8?q?', ';', 'é', '📎', 'a'.repeat(90))), { minLength: 1, maxLength: 8 })
  .map((a) => a.join('').trim() + '.bin');
const attachmentType = fc.constantFrom('application/octet-stream', 'image/png', 'application/pdf', 'audio/ogg');

const bodyArb: fc.Memo<Body> = fc.memo((n) =>
  n <= 1
    ? leafArb
    : fc.oneof(
        { weight: 3, arbitrary: leafArb },
        {
          weight: 2,
          arbitrary: fc.record({ kind: fc.constant('multipart' as const), alternative: fc.boolean(), parts: fc.array(bodyArb(n - 1), { minLength: 1, maxLength: 3 }) }),
        },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('message' as const), headers: headersArb(false), body: bodyArb(n - 1) }) },
      ),
);
const leafArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('text' as const), html: fc.boolean(), text: bodyText }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('attachment' as const), filename, type: attachmentType, data: fc.uint8Array({ maxLength: 300 }) }) },
);
const treeArb: fc.Arbitrary<Tree> = fc.record({ headers: headersArb(true), body: bodyArb(3) });

// Writing the tree as minimal XMIME. In text a CR must be &#13; (a literal
// CR is line-end normalised away); in attributes TAB, LF and CR too. C1
// controls, U+2028 and U+2029 as references as well: xmldom applies XML 1.1
// line-end handling (a literal U+0085 or U+2028 reads as LF, or as a space
// in an attribute), as other XML 1.1-minded tools may.
const escText = (s: string): string => s.replace(/[&<>\r\x80-\x9f\u2028\u2029]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? `&#${c.charCodeAt(0)};`);
const escAttr = (s: string): string => s.replace(/[&<>"\t\n\r\x80-\x9f\u2028\u2029]/g, (c) => `&#${c.charCodeAt(0)};`);

function headersXml(hs: Hdr[], extra: string): string {
  const one = (h: Hdr): string => {
    const v = h.value;
    const mb = (m: Mbox): string => `<mailbox${m.name === '' ? '' : ` name="${escAttr(m.name)}"`} addr="${escAttr(m.addr)}"/>`;
    let inner: string;
    if (h.name === 'x-plain') inner = escText(v as string);
    else if (h.name === 'date') inner = `<date>${v}</date>`;
    else if (typeof v === 'string') inner = `<decoded>${escText(v)}</decoded>`;
    else if (h.name === 'message-id' || h.name === 'in-reply-to' || h.name === 'references') inner = (v as string[]).map((i) => `<id>${escText(i)}</id>`).join('');
    else inner = (v as (Mbox | Grp)[]).map((a) => ('group' in a ? `<group name="${escAttr(a.group)}">${a.members.map(mb).join('')}</group>` : mb(a))).join('');
    return `<header name="${h.name}">${inner}</header>`;
  };
  const all = hs.map(one).join('') + extra;
  return all === '' ? '' : `<headers>${all}</headers>`;
}

function bodyXml(b: Body): { media: string; xml: string } {
  switch (b.kind) {
    case 'text':
      return { media: b.html ? 'text/html' : '', xml: `<text>${escText(b.text)}</text>` };
    case 'attachment':
      return { media: '', xml: `<attachment filename="${escAttr(b.filename)}" type="${b.type}">${Buffer.from(b.data).toString('base64').replace(/.{1,60}/g, '$&\n')}</attachment>` };
    case 'multipart':
      return {
        media: b.alternative ? 'multipart/alternative' : '',
        xml: `<multipart>${b.parts.map((p) => `<part>${entityXml([], p)}</part>`).join('')}</multipart>`,
      };
    case 'message':
      return { media: '', xml: `<message>${entityXml(b.headers, b.body)}</message>` };
  }
}

function entityXml(hs: Hdr[], b: Body): string {
  const { media, xml } = bodyXml(b);
  return headersXml(hs, media === '' ? '' : `<header name="Content-Type"><media value="${media}"/></header>`) + xml;
}

const treeXml = (t: Tree): string => `<mime xmlns="urn:xmpp:xmime:0">${entityXml(t.headers, t.body)}</mime>`;

/** The tree's view, straight from the tree (xmlView of its XML must agree: that checks the writing). */
function treeView(t: Tree): MailView {
  const norm = (hs: Hdr[]): Hdr[] => hs.map((h) => (h.name === 'date' ? { ...h, value: isoSeconds(h.value as string) } : h));
  const walk = (b: Body): { structure: string; parts: Leaf[] } => {
    switch (b.kind) {
      case 'text': {
        const type = b.html ? 'text/html' : 'text/plain';
        // compose ends a non-empty text with a line break (spec §9.10).
        return { structure: type, parts: [{ type, text: b.text === '' || b.text.endsWith('\n') ? b.text : `${b.text}\n` }] };
      }
      case 'attachment':
        return { structure: b.type, parts: [{ type: b.type, filename: b.filename, size: b.data.length, sha256: sha256(b.data) }] };
      case 'multipart': {
        const subs = b.parts.map(walk);
        return { structure: `multipart/${b.alternative ? 'alternative' : 'mixed'}(${subs.map((s) => s.structure).join(',')})`, parts: subs.flatMap((s) => s.parts) };
      }
      case 'message': {
        const m = walk(b.body);
        return { structure: 'message/rfc822', parts: [{ type: 'message/rfc822', structure: m.structure, headers: norm(b.headers), parts: m.parts }] };
      }
    }
  };
  return { defects: [], headers: norm(t.headers), ...walk(t.body) };
}

describe('compose: random authored trees (property)', () => {
  let py: PythonServer | null = null;
  beforeAll(() => {
    if (hasPython) py = new PythonServer();
  });
  afterAll(() => py?.close());

  it('Python and postal-mime read back what was authored; toXml shows it again', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(treeArb, fc.integer(), async (tree, seed) => {
        const xml = treeXml(tree);
        const authored = treeView(tree);
        expect(xmlView(xml, 'authored')).toEqual(authored);
        const mime = compose(xml, { date: DATE, random: seeded(seed) });
        await checkAll(`run ${n++}`, authored, mime, py === null ? null : await py.view(mime));
      }),
      { numRuns: Number(process.env.XMIME_FC_RUNS ?? 100), seed: Number(process.env.XMIME_FC_SEED ?? 20261121), endOnFailure: false },
    );
  });
});

describe('compose: review regressions', () => {
  const doc = (headers: string, body: string) => `<mime xmlns="urn:xmpp:xmime:0"><headers>${headers}</headers>${body}</mime>`;
  const out = (headers: string, body: string) => latin1(compose(doc(headers, body), { date: DATE, messageId: 'id@example.org' }));
  const code = (headers: string, body: string) => {
    try {
      compose(doc(headers, body), { date: DATE, messageId: 'id@example.org' });
    } catch (e) {
      return (e as { code?: string }).code ?? (e as Error).name;
    }
    return 'none';
  };

  it('the text is labelled UTF-8 whatever charset a plain Content-Type names', () => {
    expect(out('<header name="Content-Type">text/plain; charset=iso-8859-1; format=flowed</header>', '<text>Grüße</text>')).toContain('Content-Type: text/plain; format=flowed; charset=utf-8\r\n');
  });

  it("the author's Content-Transfer-Encoding is replaced by the one the body is written in", () => {
    const m = out('<header name="Content-Transfer-Encoding">7bit</header>', '<text>Grüße</text>');
    expect(m.match(/Content-Transfer-Encoding: .*/g)).toEqual(['Content-Transfer-Encoding: base64']);
    expect(xmimeText(toXml(new Uint8Array(Buffer.from(m, 'latin1'))))).toBe('Grüße\n');
  });

  it('a line break in a structured plain value must be a fold (no injected fields or body)', () => {
    expect(code('<header name="To">a@b.c\nBcc: evil@x.y</header>', '<text>x</text>')).toBe('xmime-author');
    expect(code('<header name="From">a@b.c\n\nINJECTED</header>', '<text>x</text>')).toBe('xmime-author');
    expect(out('<header name="To">a@b.c,\n d@e.f</header>', '<text>x</text>')).toContain('To: a@b.c,\r\n d@e.f\r\n');
    // A CR (written &#13;) is a line break too: a bare one in a structured value is refused (found by the fuzzer),
    // in an unstructured one it is encoded; CRLF then a space or tab is a fold.
    expect(code('<header name="To">a@b.c&#13;"x@y.z"</header>', '<text>x</text>')).toBe('xmime-author');
    expect(code('<header name="Message-ID">&lt;a@b&gt;&#13;</header>', '<text>x</text>')).toBe('xmime-author');
    expect(out('<header name="To">a@b.c,&#13;\n d@e.f</header>', '<text>x</text>')).toContain('To: a@b.c,\r\n d@e.f\r\n');
    const m = out('<header name="Subject">a&#13;b</header>', '<text>x</text>');
    expect(m).toContain('Subject: =?UTF-8?B?YQ1i?=\r\n');
    expect(/[^\r]\n|\r(?!\n)/.test(m)).toBe(false);
  });

  it('no header line over 998 characters: long parameters are split, unsplittable tokens refused', () => {
    const m = out('<header name="Content-Type"><media value="text/plain"><param name="x">' + 'a'.repeat(1100) + '</param></media></header>', '<text>x</text>');
    expect(m.split('\r\n').every((l) => l.length <= 78)).toBe(true);
    expect(code('<header name="Message-ID"><id>' + 'a'.repeat(1000) + '@b</id></header>', '<text>x</text>')).toBe('xmime-author');
  });

  it('<body> holds exact bytes as in XMIME (U+F7xx are bytes), and <raw> is not authoring', () => {
    const m = compose(doc('<header name="Content-Type">application/octet-stream</header>', '<body>A&#xF780;&#xF70D;B</body>'), { date: false, messageId: false });
    expect([...m.slice(-4)]).toEqual([0x41, 0x80, 0x0d, 0x42]);
    expect(code('<header name="Subject"><raw>x</raw></header>', '<text>x</text>')).toBe('xmime-placement');
  });

  it('bad options are RangeErrors that say what is wrong', () => {
    expect(() => compose(doc('', '<text>x</text>'), { date: new Date(NaN) })).toThrow(/invalid Date/);
    expect(() => compose(doc('', '<text>x</text>'), { messageId: 'a b' })).toThrow(/not a message id/);
  });
});

/** The content of the first <text> of an XMIME document. */
function xmimeText(xml: string): string {
  return /<text[^>]*>([^<]*)<\/text>/.exec(xml)![1];
}
