/**
 * The XML processor matrix (issue 19): every mainstream processor, at its
 * default settings, reads every document the encoder writes (the whole
 * corpus and generated edge cases past libxml2's limits), and wherever it
 * serializes, its output decodes to the original bytes.
 *
 * One line per processor: "PROCESSOR: N of M documents read, K of K re-serialized exactly".
 * Run by `npm run test:xml-tools` (and by .ci/run); not part of `npm test`,
 * which it would slow down by minutes.
 *
 * Settings that are not the processor's defaults, and why:
 * - fast-xml-parser: `htmlEntities: true` (else it leaves every character
 *   reference unresolved), `processEntities`, `preserveOrder`,
 *   `trimValues: false`, `parseTagValue: false`, `parseAttributeValue: false`,
 *   `ignoreAttributes: false` (else it drops or changes content), and
 *   `maxNestedTags: 256` for the parser and the builder (libxml2's depth; the
 *   default of 100 is below the 205 a document nested to the encoder's default
 *   `maxDepth` needs).
 * - BaseX 9: `SET CHOP false`. Its default (`CHOP true`, dropped in BaseX 10)
 *   trims leading and trailing white space of every text node, which changes
 *   content; storing, querying and exporting are otherwise at their defaults.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
// @ts-expect-error ltx ships no type declarations
import * as ltx from 'ltx';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/index.node.js';
import { corpusDir, ROOT, SCHEMA, walk } from '../support/helpers.js';
// @ts-expect-error a plain ES module script, without types
import { edgeCases } from '../../scripts/edge-cases.mjs';

const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SAXON = ['/usr/share/java/Saxon-HE.jar', ...(existsSync('/usr/share/java') ? readdirSync('/usr/share/java').filter((f) => /^Saxon-HE.*\.jar$/.test(f)).map((f) => `/usr/share/java/${f}`) : [])].find((p) => existsSync(p));
const BASEX = '/usr/share/java/basex.jar';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const IDENTITY_XSLT1 = join(ROOT, 'test/xml-tools/identity.xsl');
const IDENTITY_XSLT3 = join(ROOT, 'test/xml-tools/identity3.xsl');
const COUNTS_XQ = join(ROOT, 'test/xml-tools/counts.xq');

interface Doc {
  /** File name in the documents folder. */
  file: string;
  /** Where the mail came from (for messages). */
  source: string;
  /** SHA-256 of the mail. */
  sha: string;
  /** `<part>` and `<header>` elements, counted in the encoder's own output (for the XPath check). */
  parts: number;
  headers: number;
}

interface Result {
  name: string;
  /** Documents the processor parsed. */
  read: number;
  /** Documents it serialized, and how many of those decoded to the original bytes; null if it does not serialize. */
  serialized: number | null;
  exact: number;
  /** A few failures, for the message. */
  misses: string[];
}

const work = mkdtempSync(join(tmpdir(), 'xmime-xmltools-'));
const docsDir = join(work, 'docs');
const docs: Doc[] = [];
const results: Result[] = [];
let browser: Browser | null = null;

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function addDoc(file: string, source: string, mail: Uint8Array): void {
  const xml = toXml(mail);
  writeFileSync(join(docsDir, file), xml);
  docs.push({ file, source, sha: sha(mail), parts: (xml.match(/<part[ />]/g) ?? []).length, headers: (xml.match(/<header /g) ?? []).length });
}

/** Checks a processor's serializations (files named like the documents, in `dir`) against the mails. */
function checkOutputs(name: string, read: Set<string>, dir: string | null, misses: string[] = []): Result {
  let serialized = 0, exact = 0;
  if (dir !== null) {
    for (const d of docs) {
      const p = join(dir, d.file);
      if (!read.has(d.file) || !existsSync(p)) continue;
      serialized++;
      try {
        if (sha(toMime(readFileSync(p))) === d.sha) exact++;
        else misses.push(`${d.file} (${d.source}): decodes to other bytes`);
      } catch (e) {
        misses.push(`${d.file} (${d.source}): ${String(e).slice(0, 200)}`);
      }
    }
  }
  for (const d of docs) if (!read.has(d.file)) misses.push(`${d.file} (${d.source}): not read`);
  return { name, read: read.size, serialized: dir === null ? null : serialized, exact, misses };
}

function line(r: Result): string {
  const s = `${r.name}: ${r.read} of ${docs.length} documents read`;
  return r.serialized === null ? s : `${s}, ${r.exact} of ${r.serialized} re-serialized exactly`;
}

function report(r: Result): void {
  results.push(r);
  process.stdout.write(`${line(r)}\n`);
  expect(r.misses.slice(0, 10), r.name).toEqual([]);
  expect(r.read).toBe(docs.length);
  if (r.serialized !== null) expect(r.exact).toBe(docs.length);
}

function outDir(name: string): string {
  const d = join(work, 'out', name);
  mkdirSync(d, { recursive: true });
  return d;
}

const paths = (): string[] => docs.map((d) => join(docsDir, d.file));

/** Runs a command; resolves with its status and output (never rejects on a non-zero status). */
function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** Runs `cmd args… file` for every document, `jobs` at a time; returns the files for which it succeeded. */
async function perFile(cmd: string, args: (file: string) => string[], jobs = 2): Promise<{ ok: Set<string>; errors: string[] }> {
  const ok = new Set<string>(), errors: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < docs.length) {
      const d = docs[next++];
      const r = await run(cmd, args(d.file), { cwd: docsDir });
      if (r.status === 0) ok.add(d.file);
      else errors.push(`${d.file} (${d.source}): ${r.stderr.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return { ok, errors };
}

beforeAll(async () => {
  mkdirSync(docsDir, { recursive: true });
  const corpus = corpusDir();
  if (corpus === null) console.warn('\n*** no corpus ($XMIME_CORPUS or ../shared/corpus): the matrix runs over the edge cases only\n');
  else {
    let i = 0;
    for (const p of walk(corpus)) if (/\.(eml|mbox)$/i.test(p)) addDoc(`c${String(i++).padStart(4, '0')}.xml`, p.slice(corpus.length + 1), readFileSync(p));
  }
  for (const [name, mail] of edgeCases() as Iterable<[string, Uint8Array]>) addDoc(`edge-${name}.xml`, `edge case ${name}`, mail);
});

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
  if (results.length > 0) process.stdout.write(`\nXML processor matrix (${docs.length} documents):\n${results.map((r) => `  ${line(r)}`).join('\n')}\n`);
});

describe('XML processors at their default settings', () => {
  it('the documents stay inside libxml2 limits (text ≤ 10,000,000 bytes, depth ≤ 256)', () => {
    // Measured on the encoder's own output, so a failure below is the processor's, not the size's.
    let maxText = 0, maxDepth = 0;
    for (const d of docs) {
      const xml = readFileSync(join(docsDir, d.file), 'utf8');
      let depth = 0;
      for (const m of xml.matchAll(/<(\/?)[a-z-]+[^>]*?(\/?)>|[^<]+/g)) {
        const t = m[0];
        if (t[0] !== '<') {
          // Character data as a parser sees it: each reference is one character.
          const chars = t.replace(/&#x([0-9A-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&(lt|gt|amp|quot);/g, 'x');
          maxText = Math.max(maxText, Buffer.byteLength(chars));
        } else if (m[1] === '/') depth--;
        else if (m[2] !== '/') maxDepth = Math.max(maxDepth, ++depth);
        else maxDepth = Math.max(maxDepth, depth + 1);
      }
    }
    process.stdout.write(`largest text node: ${maxText} bytes; deepest element: ${maxDepth}\n`);
    expect(maxText).toBeLessThanOrEqual(4_000_000);
    expect(maxDepth).toBeLessThanOrEqual(256);
  });

  it('libxml2: xmllint --noout', async () => {
    const bad = new Set<string>();
    const all = docs.map((d) => d.file);
    for (let i = 0; i < all.length; i += 200) {
      const r = await run('xmllint', ['--noout', ...all.slice(i, i + 200)], { cwd: docsDir });
      for (const m of r.stderr.matchAll(/^([^\s:]+\.xml):\d+:/gm)) bad.add(m[1]);
      if (r.status !== 0 && bad.size === 0) throw new Error(`xmllint failed: ${r.stderr.slice(0, 500)}`);
    }
    report(checkOutputs('xmllint --noout', new Set(all.filter((f) => !bad.has(f))), null));
  });

  it('libxml2: xmllint --relaxng spec/xmime.rng', async () => {
    const valid = new Set<string>();
    const all = docs.map((d) => d.file);
    for (let i = 0; i < all.length; i += 200) {
      const r = await run('xmllint', ['--noout', '--relaxng', SCHEMA, ...all.slice(i, i + 200)], { cwd: docsDir });
      for (const m of r.stderr.matchAll(/^(\S+\.xml) validates$/gm)) valid.add(m[1]);
    }
    report(checkOutputs('xmllint --relaxng (valid)', valid, null));
  });

  it('libxml2: xmllint serializes', async () => {
    const out = outDir('xmllint');
    const { ok, errors } = await perFile('xmllint', (f) => ['--output', join(out, f), f]);
    report(checkOutputs('xmllint', ok, out, errors));
  });

  it('libxml2: xsltproc, identity transform', async () => {
    const out = outDir('xsltproc');
    const { ok, errors } = await perFile('xsltproc', (f) => ['-o', join(out, f), IDENTITY_XSLT1, f]);
    report(checkOutputs('xsltproc (identity)', ok, out, errors));
  });

  for (const [mode, name] of [['lxml', 'lxml'], ['etree', 'Python ElementTree (expat)']] as const) {
    it(`Python: ${name}`, async () => {
      const out = outDir(mode);
      const list = join(work, `${mode}.txt`);
      writeFileSync(list, paths().join('\n') + '\n');
      const r = await run(PY, [join(ROOT, 'test/xml-tools/py_parsers.py'), mode, list, out]);
      if (r.status !== 0) throw new Error(`${PY} failed: ${r.stderr.slice(0, 1000)}`);
      const res = JSON.parse(r.stdout) as { failed: Record<string, string> };
      const failed = new Set(Object.keys(res.failed).map((p) => basename(p)));
      report(checkOutputs(name, new Set(docs.map((d) => d.file).filter((f) => !failed.has(f))), out, Object.entries(res.failed).map(([p, e]) => `${basename(p)}: ${e}`)));
    });
  }

  it('Java: Saxon-HE, identity transform (XSLT 3.0)', async () => {
    expect(SAXON, 'Saxon-HE jar in /usr/share/java (apt-get install libsaxonhe-java)').toBeDefined();
    const out = outDir('saxon');
    const r = await run('java', ['-cp', SAXON!, 'net.sf.saxon.Transform', `-s:${docsDir}`, `-o:${out}`, `-xsl:${IDENTITY_XSLT3}`]);
    const ok = new Set(docs.map((d) => d.file).filter((f) => existsSync(join(out, f))));
    report(checkOutputs('Saxon-HE (identity)', ok, out, r.status === 0 ? [] : [r.stderr.slice(0, 1000)]));
  });

  it('Java: Saxon-HE, XPath over every document (XQuery collection)', async () => {
    const r = await run('java', ['-cp', SAXON!, 'net.sf.saxon.Query', `-q:${COUNTS_XQ}`, `dir=${docsDir}`, '!method=text']);
    if (r.status !== 0) throw new Error(`Saxon Query failed: ${r.stderr.slice(0, 1000)}`);
    const got = new Map(r.stdout.trim().split('\n').map((l) => l.split('\t')).map(([f, p, h]) => [f, `${p} ${h}`]));
    const agree = new Set(docs.filter((d) => got.get(d.file) === `${d.parts} ${d.headers}`).map((d) => d.file));
    const misses = docs.filter((d) => !agree.has(d.file) && got.has(d.file)).map((d) => `${d.file}: XPath counts ${got.get(d.file)}, the encoder wrote ${d.parts} ${d.headers}`);
    report(checkOutputs('Saxon-HE (XPath: count(//part), count(//header))', agree, null, misses));
  });

  it('Java: BaseX, store as a database, query, export', async () => {
    const out = outDir('basex');
    const script = join(work, 'matrix.bxs');
    writeFileSync(script, [
      'SET CHOP false',
      `CREATE DB xmime_matrix ${docsDir}`,
      "XQUERY declare default element namespace 'urn:xmpp:xmime:0'; 'documents ' || count(db:open('xmime_matrix')) || ', parts ' || count(db:open('xmime_matrix')//part)",
      `EXPORT ${out}`,
      'DROP DB xmime_matrix',
    ].join('\n') + '\n');
    const r = await run('java', [`-Dorg.basex.DBPATH=${join(work, 'basex-db')}`, '-cp', BASEX, 'org.basex.BaseX', script]);
    const m = /documents (\d+), parts (\d+)/.exec(r.stdout);
    if (r.status !== 0 || m === null) throw new Error(`BaseX failed: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 1000)}`);
    expect(+m[2]).toBe(docs.reduce((n, d) => n + d.parts, 0));
    const ok = new Set(docs.map((d) => d.file).filter((f) => existsSync(join(out, f))));
    report(checkOutputs(`BaseX (${m[1]} stored)`, ok, out));
  });

  /** What the page runs for one document: fetch, DOMParser, XMLSerializer. */
const IN_PAGE = `async (file) => {
  const xml = await (await fetch('/' + file)).text();
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const err = doc.getElementsByTagName('parsererror')[0];
  if (err !== undefined) return { error: err.textContent || 'parsererror' };
  return { xml: new XMLSerializer().serializeToString(doc) };
}`;

  /** An in-process JavaScript processor: parse and serialize each document. */
  function jsProcessor(name: string, roundtrip: (xml: string) => string): void {
    it(`JavaScript: ${name}`, () => {
      const out = outDir(name.replace(/\W+/g, '_'));
      const ok = new Set<string>(), misses: string[] = [];
      for (const d of docs) {
        try {
          writeFileSync(join(out, d.file), roundtrip(readFileSync(join(docsDir, d.file), 'utf8')));
          ok.add(d.file);
        } catch (e) {
          misses.push(`${d.file} (${d.source}): ${String(e).slice(0, 200)}`);
        }
      }
      report(checkOutputs(name, ok, out, misses));
    });
  }

  jsProcessor('@xmldom/xmldom', (xml) => {
    const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(`${level}: ${msg}`); } }).parseFromString(xml, 'text/xml');
    return new XMLSerializer().serializeToString(doc);
  });

  const fxpParser = new XMLParser({
    preserveOrder: true, ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false,
    trimValues: false, processEntities: true, htmlEntities: true, maxNestedTags: 256,
  });
  const fxpBuilder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, processEntities: true, suppressEmptyNode: true, maxNestedTags: 256 });
  jsProcessor('fast-xml-parser', (xml) => fxpBuilder.build(fxpParser.parse(xml)) as string);

  jsProcessor('ltx', (xml) => ltx.parse(xml).toString());

  it('Chromium: DOMParser and XMLSerializer', async () => {
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
    } catch (e) {
      throw new Error(`cannot launch ${CHROMIUM} (apt-get install --no-install-recommends chromium): ${String(e).split('\n')[0]}`);
    }
    const server: Server = createServer((req, res) => {
      const f = decodeURIComponent((req.url ?? '/').slice(1));
      if (f === '') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>matrix</title>');
      const p = join(docsDir, basename(f));
      if (!existsSync(p)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/xml' }).end(readFileSync(p));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const out = outDir('chromium');
      const ok = new Set<string>(), misses: string[] = [];
      for (const d of docs) {
        // A source string: vitest rewrites identifiers in functions (DOMParser is also imported above).
        const r = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(d.file)})`)) as { error?: string; xml?: string };
        if ('error' in r) misses.push(`${d.file} (${d.source}): ${String(r.error).slice(0, 200)}`);
        else {
          writeFileSync(join(out, d.file), r.xml!);
          ok.add(d.file);
        }
      }
      report(checkOutputs('Chromium DOMParser + XMLSerializer', ok, out, misses));
    } finally {
      server.close();
    }
  });
});
