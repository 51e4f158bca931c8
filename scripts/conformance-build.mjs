#!/usr/bin/env node
// Builds spec/conformance/: manifest.json, the generated vector files and the
// coverage table of its README, from fixtures/ (referenced, not copied), the
// examples in spec/xmime.md and spec/conformance/cases.mjs. Expected outputs
// come from xmime (dist/, so build first); a case with a hand-worked `expect`
// or `error` code stops the build when xmime disagrees with it.
//   node scripts/conformance-build.mjs          write
//   node scripts/conformance-build.mjs --check  exit 1 if anything would change
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toMime, toXml } from 'xmime';
import { CASES } from '../spec/conformance/cases.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const suite = join(root, 'spec', 'conformance');
const check = process.argv.includes('--check');
const files = new Map(); // path relative to suite -> Buffer
const vectors = [];
const bytes = (s) => Buffer.from(s, 'latin1');
const rel = (p) => relative(suite, p).split('\\').join('/');
const put = (name, data) => (files.set(name, Buffer.from(data)), name);
const fail = (msg) => {
  console.error(`conformance-build: ${msg}`);
  process.exit(1);
};

// ---- Section tags of the fixtures, by name
const FIXTURE_SECTIONS = [
  [/^boundary-/, ['9.5', '9.6', '6.5']],
  [/^(preamble|epilogue)-/, ['9.6', '6.5']],
  [/^header/, ['9.3', '6.4', '7.2']],
  [/^eol-/, ['9.2', '7.1', '7.3']],
  [/^(mbox|from-line)/, ['6.3', '9.3']],
  [/^message-/, ['9.4', '6.5']],
  [/^(empty|no-separator)/, ['6.2', '9.3', '9.4']],
  [/^(nul|control|nel|xml-special|invalid-utf8|utf8)/, ['7.1']],
  [/^content-type/, ['9.4']],
  [/^(limit|deep|huge|long)/, ['9.1']],
  [/^multipart|^digest|^sam/, ['9.4', '9.6', '15']],
];
function fixtureSections(name, readable) {
  const s = new Set(['9.7', '10.3']);
  for (const [re, secs] of FIXTURE_SECTIONS) if (re.test(name)) secs.forEach((x) => s.add(x));
  if (readable) ['7.4', '9.8'].forEach((x) => s.add(x));
  if (/qp/.test(name)) s.add('7.4.4');
  if (/base64/.test(name)) s.add('7.4.5');
  if (/header-views/.test(name)) ['7.6.3', '7.6.4', '7.6.5', '7.6.6', '7.6.7', '7.6.9'].forEach((x) => s.add(x));
  if (/iso-2022|latin1|8bit/.test(name)) s.add('7.4.3');
  return [...s].sort(bySection);
}
function bySection(a, b) {
  const x = a.split('.').map(Number), y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

function encodeVector(id, sections, input, expected, mode, extra = {}) {
  vectors.push({ id, kind: 'encode', mode, sections, input, expected, ...extra });
}
function decodeVector(id, sections, input, expected, extra = {}) {
  vectors.push({ id, kind: 'decode', sections, input, expected, ...extra });
}

// ---- 1. fixtures/ (wire form at the top, readable in readable/)
const fx = join(root, 'fixtures');
const variantSources = [];
for (const [dir, readable] of [[fx, false], [join(fx, 'readable'), true]]) {
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.eml') || !existsSync(join(dir, f.slice(0, -4) + '.xml'))) continue;
    const name = f.slice(0, -4), eml = join(dir, f), xml = join(dir, name + '.xml');
    const mime = readFileSync(eml), doc = readFileSync(xml, 'utf8');
    const mode = readable ? 'readable' : 'wire', other = readable ? 'wire' : 'readable';
    if (toXml(mime, { readable }) !== doc) fail(`fixtures/${rel(xml)} is not what xmime writes: run the tests`);
    const id = (readable ? 'rd-' : 'fx-') + name;
    encodeVector(`${id}.${mode}.encode`, fixtureSections(name, readable), rel(eml), rel(xml), mode);
    decodeVector(`${id}.${mode}.decode`, fixtureSections(name, readable), rel(xml), rel(eml));
    const gen = put(`vectors/${id}.${other}.xml`, toXml(mime, { readable: !readable }));
    encodeVector(`${id}.${other}.encode`, fixtureSections(name, !readable), rel(eml), gen, other);
    decodeVector(`${id}.${other}.decode`, fixtureSections(name, !readable), gen, rel(eml));
    if (readable || /^(boundary-special-chars|control-chars|xml-special-chars|eol-mixed|header-8bit|nul-bytes|sam|message-rfc822-7bit)$/.test(name))
      variantSources.push({ id, doc: readable ? doc : toXml(mime), eml: rel(eml) });
  }
}

// ---- 2. the C-string examples of spec/xmime.md (wire form)
const spec = readFileSync(join(root, 'spec', 'xmime.md'), 'utf8');
function cString(lit) {
  const body = lit.trim().replace(/^"|"$/g, '');
  const out = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(...new TextEncoder().encode(c));
      continue;
    }
    const n = body[++i];
    if (n === 'x') (out.push(parseInt(body.slice(i + 1, i + 3), 16)), (i += 2));
    else out.push({ r: 13, n: 10, t: 9, 0: 0, '\\': 92, '"': 34 }[n]);
  }
  return Buffer.from(out);
}
const headings = [...spec.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? (.*)$/gm)].map((m) => ({ at: m.index, sec: m[1], title: m[2] }));
const sectionAt = (i) => headings.filter((h) => h.at <= i).pop().sec;
[...spec.matchAll(/```text\n("(?:[^"\\]|\\.)*")\n```\n```xml\n([\s\S]*?)```/g)].forEach((m, k) => {
  const mime = cString(m[1]);
  if (toXml(mime, { readable: false }) !== m[2]) fail(`spec example ${k + 1} is not what xmime writes`);
  const id = `spec-example-${k + 1}`, sec = sectionAt(m.index);
  const e = put(`vectors/${id}.eml`, mime), x = put(`vectors/${id}.wire.xml`, m[2]);
  encodeVector(`${id}.wire.encode`, [sec, '9.7'], e, x, 'wire');
  decodeVector(`${id}.wire.decode`, [sec, '10.3'], x, e);
});

// ---- 3. hand-written cases
for (const c of CASES) {
  const base = { sections: c.sections, ...(c.finding ? { finding: c.finding } : {}) };
  if (c.mime !== undefined) {
    const mode = c.mode ?? 'readable', mime = bytes(c.mime);
    const doc = toXml(mime, { readable: mode === 'readable' });
    if (c.expect !== undefined && doc !== c.expect) fail(`${c.id}: xmime writes\n${doc}\nnot\n${c.expect}`);
    if (!Buffer.from(toMime(doc)).equals(mime)) fail(`${c.id}: does not round-trip`);
    const e = put(`vectors/${c.id}.eml`, mime), x = put(`vectors/${c.id}.${mode}.xml`, doc);
    vectors.push({ id: `${c.id}.${mode}.encode`, kind: 'encode', mode, ...base, input: e, expected: x });
    vectors.push({ id: `${c.id}.${mode}.decode`, kind: 'decode', ...base, input: x, expected: e });
    if (/^view-(kinds|addresses-liberal|media-2231|encoded-words)$/.test(c.id)) variantSources.push({ id: c.id, doc, eml: e });
    continue;
  }
  const xml = c.xmlBytes !== undefined ? bytes(c.xmlBytes) : Buffer.from(c.xml, 'utf8');
  const x = put(`vectors/${c.id}.xml`, xml);
  let out = null, err = null;
  try {
    out = Buffer.from(toMime(xml));
  } catch (e) {
    if (!e.code) throw e;
    err = e;
  }
  if (c.error !== undefined) {
    if (err === null) fail(`${c.id}: xmime accepts it, expected ${c.error}`);
    if (err.code !== c.error) fail(`${c.id}: xmime says ${err.code} (${err.detail}), expected ${c.error}`);
    vectors.push({ id: c.id, kind: 'invalid', ...base, input: x, error: { code: err.code, line: err.line, column: err.column } });
    continue;
  }
  if (err !== null) fail(`${c.id}: xmime rejects it: ${err.code} ${err.detail}`);
  if (c.expect !== undefined && !out.equals(bytes(c.expect))) fail(`${c.id}: xmime writes ${JSON.stringify(out.toString('latin1'))}, not ${JSON.stringify(c.expect)}`);
  const e = put(`vectors/${c.id}.eml`, out);
  vectors.push({ id: `${c.id}.decode`, kind: 'decode', ...base, input: x, expected: e });
}

// ---- 4. re-serialization variants (§13): each must decode to the same bytes
/** Tags and text of a document as xmime writes it. */
function pieces(doc) {
  return doc.split(/(<[^>]*>)/).filter((p) => p !== '');
}
/** Indexes of text pieces that are leaf text (a start tag before, an end tag after). */
function leafText(ps) {
  const out = new Set();
  ps.forEach((p, i) => {
    if (p[0] !== '<' && i > 0 && /^<[^/!?][^>]*[^/]>$|^<[^/!?]>$/.test(ps[i - 1]) && ps[i + 1]?.startsWith('</')) out.add(i);
  });
  return out;
}
const unescape = (t) => t.replace(/&(lt|gt|amp|quot|apos|#x[0-9A-Fa-f]+|#[0-9]+);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));
const VARIANTS = {
  // prefixed element names, the default namespace undeclared
  prefix: (ps) => ps.map((p) => (p[0] === '<' ? p.replace(/^<(\/?)([a-z-]+)/, '<$1x:$2').replace(' xmlns="urn:xmpp:xmime:0"', ' xmlns:x="urn:xmpp:xmime:0"') : p)).join(''),
  // single quotes around attribute values
  quotes: (ps) => ps.map((p) => (p[0] === '<' ? p.replace(/="([^"]*)"/g, (_, v) => `='${v.replace(/'/g, '&apos;')}'`) : p)).join(''),
  // every non-ASCII character and every "e" as a character reference, in text and attributes
  charrefs: (ps) => ps.map((p) => {
    const ref = (s) => s.replace(/[^\x00-\x7f]|e/gu, (c) => `&#x${c.codePointAt(0).toString(16)};`);
    return p[0] === '<' ? p.replace(/="([^"]*)"/g, (_, v) => `="${ref(v)}"`) : ref(p);
  }).join(''),
  // leaf text in CDATA sections (escapes resolved; "]]>" split across two sections)
  cdata: (ps) => { const leaf = leafText(ps); return ps.map((p, i) => (leaf.has(i) ? `<![CDATA[${unescape(p).replace(/]]>/g, ']]]]><![CDATA[>')}]]>` : p)).join(''); },
  // no white space between structural children, and no final line feed
  compact: (ps) => { const leaf = leafText(ps); return ps.filter((p, i) => p[0] === '<' || leaf.has(i) || !/^\s+$/.test(p)).join(''); },
  // tabs and CR LF instead of the encoder's indentation; ">" escaped in text
  reindent: (ps) => { const leaf = leafText(ps); return ps.map((p, i) => (p[0] === '<' ? p : leaf.has(i) ? p.replace(/>/g, '&gt;') : /^\s+$/.test(p) ? p.replace(/\n/g, '\r\n').replace(/ {2}/g, '\t') : p)).join(''); },
  // an XML declaration, a byte order mark, a foreign attribute and reversed attribute order
  declaration: (ps) => '\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ps.map((p, k) => {
    if (p[0] !== '<' || p[1] === '/') return p;
    const m = /^<([a-z-]+)((?:\s+[a-z:-]+="[^"]*")*)(\s*\/?)>$/.exec(p);
    if (!m) return p;
    const attrs = m[2].match(/[a-z:-]+="[^"]*"/g) ?? [];
    if (k === 0) attrs.push('xmlns:f="urn:example:foreign"', 'f:seen="yes"');
    return `<${m[1]}${attrs.reverse().map((a) => ' ' + a).join('')}${m[3]}>`;
  }).join(''),
};
for (const { id, doc, eml } of variantSources) {
  const ps = pieces(doc);
  for (const [v, f] of Object.entries(VARIANTS)) {
    const out = f(ps);
    const got = Buffer.from(toMime(Buffer.from(out, 'utf8')));
    if (!got.equals(files.get(eml) ?? readFileSync(join(suite, eml)))) fail(`variant ${v} of ${id} does not decode to the same bytes`);
    const x = put(`vectors/variants/${id}.${v}.xml`, out);
    vectors.push({ id: `${id}.${v}.decode`, kind: 'decode', variant: v, sections: ['13', '10.1'], input: x, expected: eml });
  }
}

// ---- 5. coverage table
const INFORMATIVE = {
  '1': 'abstract', '2': 'introduction', '3': 'requirements (informative)', '4': 'glossary', '6.1': 'overview of 6.2–6.5',
  '7.4.6': 'examples (the ones with C strings are vectors)', '12': 'security considerations: the delimiter lookup rule is covered', '14.7': 'informative',
  '15.1': 'example (vector fx-sam)', '15.2': 'examples', '16': 'the schema (checked by test/conformance tests with xmllint)', '17': 'references',
};
const ELSEWHERE = {
  '5': 'service discovery (XMPP): test/xmpp/*.e2e.test.ts',
  '7.5': 'out-of-band bodies: one vector (external-unresolved); resolving needs a resolver, outside the two-command interface: test/api/external.test.ts',
  '9.1': 'limits: documents at the limits are megabytes; test/conformance/hostile-mime.test.ts',
  '9.9': 'out-of-band policy (not part of the format): test/api/external.test.ts',
  '9.7.1': 'pieces: the encoder cuts only bodies over 1 MiB, too large for the suite; test/encode/pieces.test.ts (sizes, cuts, chunking, joining) and test/decode/decoder-errors.test.ts (misplaced pieces)',
  '9.10': 'authoring (compose, not encode/decode): test/api/authoring.test.ts and fixtures/authoring',
  '10.4': 'decoder limits are the implementation\'s choice (MAY): test/decode/decoder-errors.test.ts',
  '13.1': 'XML processors at their default settings: npm run test:xml-tools (test/xml-tools/, the processor matrix over the corpus and generated edge cases)',
  '14': 'XMPP embedding: test/api/embed.test.ts, test/xmpp/',
  '14.1': 'XMPP embedding: test/api/embed.test.ts', '14.2': 'XMPP example: test/api/embed.test.ts', '14.3': 'XMPP: test/xmpp/', '14.4': 'XMPP: test/api/embed.test.ts',
  '14.5': 'XMPP: test/api/embed.test.ts', '14.6': 'XMPP: test/api/embed.test.ts',
  '18': 'mailboxes (encode --mbox/--tree, not the single-message interface): fixtures/mbox, fixtures/tree',
  '18.1': 'mbox documents: fixtures/mbox/*/*.mbox ⇄ .xml, test/mailbox/mbox.test.ts',
  '18.2': 'the split rule: fixtures/mbox/* (mboxcl2 in fixtures/mbox/mboxcl2), test/mailbox/mbox.test.ts (counts, property tests)',
  '18.3': 'messages one by one (library API, extract): test/mailbox/mbox.test.ts, test/node/mailbox-cli.test.ts',
  '18.4': 'tree documents: fixtures/tree/*.xml, test/node/tree-fs.test.ts',
  '18.5': 'safe tree decoding: test/node/tree-fs.test.ts (hostile trees)',
  '18.6': 'a mailbox in parts: fixtures/mbox/parts/NAME.mbox ⇄ NAME.K.xml, test/mailbox/mbox-parts.test.ts (size rule, property tests)',
  '18.7': 'archive conversion (xmime convert): test/node/convert.test.ts, test/node/convert-attachments.test.ts (the store\'s URIs and their codes), test/node/convert-ranges.test.ts, test/archive/archive.test.ts',
};
const covered = new Map();
for (const v of vectors) for (const s of v.sections) covered.set(s, (covered.get(s) ?? 0) + 1);
const rows = [];
let uncovered = 0;
for (const h of headings) {
  const own = covered.get(h.sec) ?? 0;
  const sub = [...covered.keys()].filter((k) => k.startsWith(h.sec + '.')).reduce((n, k) => n + covered.get(k), 0);
  const ids = vectors.filter((v) => v.sections.includes(h.sec)).map((v) => v.id);
  const sample = ids.slice(0, 4).map((i) => '`' + i + '`').join(', ') + (ids.length > 4 ? `, … (${ids.length})` : '');
  let status;
  if (own > 0) status = sample;
  else if (sub > 0) status = `in its subsections (${sub})`;
  else if (INFORMATIVE[h.sec]) status = `informative: ${INFORMATIVE[h.sec]}`;
  else if (ELSEWHERE[h.sec]) status = `not through encode/decode: ${ELSEWHERE[h.sec]}`;
  else (status = '**UNCOVERED**'), uncovered++;
  rows.push(`| ${h.sec} ${h.title} | ${status} |`);
}
const findings = [];
for (let n = 1; n <= 13; n++) {
  const ids = vectors.filter((v) => v.finding === n).map((v) => '`' + v.id + '`');
  findings.push(`| ${n} | ${ids.join(', ') || '**none**'} |`);
}
const table = `<!-- generated by scripts/conformance-build.mjs: do not edit by hand -->\n${vectors.length} vectors: ${vectors.filter((v) => v.kind === 'encode').length} encode, ${vectors.filter((v) => v.kind === 'decode').length} decode (${vectors.filter((v) => v.variant).length} of them re-serialization variants), ${vectors.filter((v) => v.kind === 'invalid').length} invalid. Sections with no vector: ${uncovered}.\n\n| section | vectors |\n|---|---|\n${rows.join('\n')}\n\n| finding (issue 20) | vectors |\n|---|---|\n${findings.join('\n')}\n<!-- end of generated table -->`;
const readmePath = join(suite, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const newReadme = readme.replace(/<!-- generated by[\s\S]*?<!-- end of generated table -->/, table);
if (!newReadme.includes(table)) fail('README.md lacks the generated-table markers');
files.set('README.md', Buffer.from(newReadme));
const manifest = { format: 'xmime-conformance/1', spec: 'spec/xmime.md', vectors };
files.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 1) + '\n'));
if (uncovered > 0) console.error(`conformance-build: ${uncovered} section(s) without a vector`);

// ---- write or check
const onDisk = new Set();
const walk = (d) => { for (const f of readdirSync(d, { withFileTypes: true })) f.isDirectory() ? walk(join(d, f.name)) : onDisk.add(rel(join(d, f.name))); };
if (existsSync(join(suite, 'vectors'))) walk(join(suite, 'vectors'));
let stale = 0;
for (const [name, data] of files) {
  const p = join(suite, name);
  if (existsSync(p) && readFileSync(p).equals(data)) continue;
  stale++;
  if (check) console.error(`stale: spec/conformance/${name}`);
  else (mkdirSync(dirname(p), { recursive: true }), writeFileSync(p, data));
}
for (const name of onDisk) {
  if (files.has(name)) continue;
  stale++;
  if (check) console.error(`extra: spec/conformance/${name}`);
  else rmSync(join(suite, name));
}
console.log(`${vectors.length} vectors, ${files.size} files, ${stale} ${check ? 'stale' : 'written'}`);
process.exit(check && stale > 0 ? 1 : 0);
