/**
 * Embedding in a real browser: headless Debian Chromium runs test/browser/page.ts
 * (bundled with src/ for platform 'browser') over the fixtures, a few hand-made
 * mails and a corpus sample. In the page: toElement/fromElement with browser
 * documents and the browser's XMLSerializer/DOMParser, toXml/toMime, Web
 * Streams, toXmlAsync/toMimeAsync over crypto.subtle, and XmimeErrors. Here:
 * the page's toXml must equal Node's, string for string. Then, for charsets,
 * the torture suite, the c3-* findings and the whole corpus: the same
 * document on both sides, and Node's decoded in the page.
 *
 * Run with `npm run test:browser`. Chromium missing fails under CI and skips
 * (loudly) elsewhere.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { XmimeError } from '../../src/core/errors.js';
import { corpusDir, NO_CORPUS, ROOT, STRICT, utf8, walk } from '../support/helpers.js';
import type { CrossIn, CrossOut, ErrorOut, MailIn, MailOut } from './page.js';

const CHROMIUM = process.env.XMIME_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const CORPUS_SAMPLE = 150;
const BATCH = 25; // mails per page.evaluate: keeps each message to the page small
const CROSS_BATCH = 40;

interface Mail {
  name: string;
  mime: Uint8Array;
}

function mails(): Mail[] {
  const read = (base: string, f: string): Mail => ({ name: relative(base, f), mime: new Uint8Array(readFileSync(f)) });
  const fx = join(ROOT, 'fixtures');
  // fixtures/authoring/ holds inputs of compose(), not mails to round-trip.
  const out = walk(fx)
    .filter((f) => f.endsWith('.eml') && !relative(fx, f).startsWith('authoring'))
    .map((f) => read(fx, f));
  // The characters each host's serializer may treat specially.
  const tricky: [string, string][] = [
    ['tricky/cdata-end', 'Subject: a ]]> b\r\n\r\nx ]]> y ]] > ]]]]>>\r\n'],
    ['tricky/stray-cr', 'Subject: a\rb\r\n\r\nline\rmore\r\r\n'],
    ['tricky/escape-chars', 'Subject: \uF70D\u2028\u0085\r\n\r\n\uF700\uFFFD \u2029 \u0000\u007F\r\n'],
    ['tricky/xml-specials', 'Subject: <&"\'>\r\nX-Tab:\ta\tb\r\n\r\n<a href="x">&amp;</a>\r\n'],
  ];
  out.push(...tricky.map(([name, s]) => ({ name, mime: utf8(s) })));
  out.push({ name: 'tricky/bytes', mime: Uint8Array.from([0x53, 0x3a, 0xff, 0x0a, 0x0a, 0x00, 0x0d, 0xc3, 0x28, 0xed, 0xa0, 0x80]) });
  const dir = corpusDir();
  if (dir === null && STRICT) throw new Error(`${NO_CORPUS} (CI is set: the browser corpus sample may not be left out)`);
  if (dir === null) console.warn(`browser corpus sample left out: ${NO_CORPUS}`);
  else {
    // Only whole messages are read as bytes; nothing in the corpus is opened or extracted.
    const files = walk(dir).filter((f) => /\.(eml|mbox)$/.test(f));
    const step = Math.max(1, Math.floor(files.length / CORPUS_SAMPLE));
    out.push(...files.filter((_, i) => i % step === 0).map((f) => ({ ...read(dir, f), name: `corpus/${relative(dir, f)}` })));
  }
  return out;
}

/** The page's bundle; a Node built-in imported by src/ makes this throw, naming it. */
async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'test', 'browser', 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

/** Serves the page over loopback HTTP: crypto.subtle needs a secure context, and about:blank is not one. */
async function serve(js: string): Promise<Server> {
  const html = '<!doctype html><meta charset="utf-8"><title>xmime</title><div id="host"></div><script src="/xmime.js"></script>';
  const server = createServer((req, res) => {
    const [type, body] = req.url === '/xmime.js' ? ['text/javascript', js] : ['text/html', html];
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}

const input = mails();

const FINDINGS = join(ROOT, '..', 'shared', 'findings', 'cross-implementation');

/** Node against Chromium, for charsets: the torture suite, the c3-* findings and every file of the corpus. */
function crossMails(): Mail[] {
  const read = (base: string, f: string, tag: string): Mail => ({ name: `${tag}/${relative(base, f)}`, mime: new Uint8Array(readFileSync(f)) });
  const out = walk(join(ROOT, 'fixtures', 'charsets')).map((f) => read(join(ROOT, 'fixtures', 'charsets'), f, 'charsets'));
  if (existsSync(FINDINGS)) out.push(...walk(FINDINGS).filter((f) => /\/c3-[^/]*\.eml$/.test(f)).map((f) => read(FINDINGS, f, 'findings')));
  else console.warn('c3-* findings skipped: no ../shared/findings/cross-implementation');
  const dir = corpusDir();
  if (dir !== null) out.push(...walk(dir).map((f) => read(dir, f, 'corpus')));
  return out;
}
const cross = crossMails();
let crossResults: CrossOut[] = [];
let hostIndexes: Record<string, boolean> = {};
let hostSingleByte: Record<string, boolean> = {};
let bundleError: unknown = null;
let launchError: unknown = null;
let browser: Browser | null = null;
let server: Server | null = null;
let page: Page;
let results: MailOut[] = [];
let errors: { toMime: ErrorOut; fromElement: ErrorOut; stream: ErrorOut };
const started = performance.now();

const BAD = '<mime xmlns="urn:xmpp:xmime:0">\n  <headers>\n    <bogus/>\n  </headers>\n</mime>';

beforeAll(async () => {
  let js: string;
  try {
    js = await bundle();
  } catch (e) {
    bundleError = e;
    return;
  }
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  } catch (e) {
    launchError = e;
    const how = process.env.CI ? 'failing (CI is set)' : 'skipping the browser tests';
    console.warn(`\n*** WARNING: cannot launch ${CHROMIUM}: ${String(e).split('\n')[0]}\n*** ${how}; install it: apt-get install --no-install-recommends chromium\n`);
    return;
  }
  server = await serve(js);
  page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  if (pageErrors.length > 0) throw new Error(`page failed to load: ${pageErrors.join('; ')}`);
  for (let i = 0; i < input.length; i += BATCH) {
    const batch: MailIn[] = input.slice(i, i + BATCH).map((m) => ({ name: m.name, b64: Buffer.from(m.mime).toString('base64') }));
    // A string, not a closure: vitest's transform could wrap a closure in helpers the page lacks.
    results.push(...(await page.evaluate(`xmimePage.checkMails(${JSON.stringify(batch)}, ${i + 1})`) as MailOut[]));
  }
  errors = (await page.evaluate(`xmimePage.checkErrors(${JSON.stringify(BAD)})`)) as typeof errors;
  hostIndexes = (await page.evaluate('xmimePage.hostIndexes()')) as Record<string, boolean>;
  hostSingleByte = (await page.evaluate('xmimePage.hostSingleByte()')) as Record<string, boolean>;
  for (let i = 0; i < cross.length; i += CROSS_BATCH) {
    const batch: CrossIn[] = cross.slice(i, i + CROSS_BATCH).map((m) => ({ name: m.name, b64: Buffer.from(m.mime).toString('base64'), xml: toXml(m.mime) }));
    crossResults.push(...((await page.evaluate(`xmimePage.crossCheck(${JSON.stringify(batch)})`)) as CrossOut[]));
  }
}, 300_000);

afterAll(async () => {
  if (browser !== null) {
    const exact = results.filter((r) => r.failures.length === 0).length;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const oob = results.filter((r) => r.external).length;
    console.log(`browser embedding: ${exact} of ${input.length} mails byte-exact in Chromium ${browser.version()} (${oob} with bodies out of band; ${secs} s)`);
    await browser.close();
  }
  server?.close();
});

/** Runs only with a browser: fails without one under CI, else skips. */
function needsBrowser(ctx: TestContext): void {
  if (bundleError !== null) throw new Error(`esbuild cannot bundle src/ for the browser: ${String(bundleError)}`);
  if (launchError === null) return;
  if (process.env.CI) throw new Error(`Chromium did not launch: ${String(launchError)}`);
  ctx.skip(`Chromium did not launch (${CHROMIUM})`);
}

/** The failures whose check name starts with `check`, one line per mail. */
function failed(check: string): string[] {
  return results.flatMap((r) => r.failures.filter((f) => f.startsWith(`${check}:`)).map((f) => `${r.name}: ${f}`));
}

function nodeError(s: string): Partial<ErrorOut> {
  try {
    toMime(s);
  } catch (e) {
    if (e instanceof XmimeError) return { code: e.code, line: e.line, column: e.column, offset: e.offset };
    throw e;
  }
  throw new Error('Node decoded the bad input');
}

describe('in Chromium', () => {
  it('bundles src/ for the browser and checks every mail in the page', (ctx) => {
    needsBrowser(ctx);
    expect(results.map((r) => r.name)).toEqual(input.map((m) => m.name));
    expect(input.length).toBeGreaterThan(60);
  });

  it('toXml then toMime gives the bytes back', (ctx) => {
    needsBrowser(ctx);
    expect(failed('toXml/toMime')).toEqual([]);
  });

  it('toElement into an XMLDocument stanza, XMLSerializer, DOMParser, fromElement: byte-exact', (ctx) => {
    needsBrowser(ctx);
    expect([...failed('XMLDocument stanza'), ...failed('DOMParser stanza, indent false')]).toEqual([]);
  });

  it('toElement into the HTML document: the live element and its XML serialization are byte-exact', (ctx) => {
    needsBrowser(ctx);
    expect(failed('HTML document')).toEqual([]);
  });

  it('MimeToXmlStream and XmlToMimeStream in small chunks', (ctx) => {
    needsBrowser(ctx);
    expect([...failed('MimeToXmlStream'), ...failed('XmlToMimeStream')]).toEqual([]);
  });

  it('toXmlAsync/toMimeAsync over crypto.subtle with bodies out of band', (ctx) => {
    needsBrowser(ctx);
    expect(failed('toXmlAsync/toMimeAsync')).toEqual([]);
    // Several mails must really have gone out of band, or the check proves little.
    expect(results.filter((r) => r.external).length).toBeGreaterThan(10);
  });

  it('a decode error is an XmimeError with the code, line and column Node reports', (ctx) => {
    needsBrowser(ctx);
    for (const e of [errors.toMime, errors.fromElement, errors.stream]) {
      expect(e).toMatchObject({ isXmimeError: true, known: true });
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
      expect({ code: e.code, line: e.line, column: e.column, offset: e.offset }).toEqual(nodeError(e.input));
    }
    expect(errors.toMime).toMatchObject({ code: 'xmime-element', line: 3 });
  });

  it('toXml in Chromium is the same string as toXml in Node (readable text included)', (ctx) => {
    needsBrowser(ctx);
    expect(nodeDiffers().map((d) => d.how)).toEqual([]);
  });
});

describe('Node and Chromium agree on charsets (torture suite, c3-* findings, whole corpus)', () => {
  it('Chromium\'s decoders pass the self-test for every CJK index, so the page bundle needs none of its own', (ctx) => {
    needsBrowser(ctx);
    expect(hostIndexes).toEqual({ jis0208: true, jis0212: true, 'euc-kr': true, big5: true, gb18030: true });
  });

  it('Chromium\'s decoders pass the self-test for all 28 single-byte tables, so the page bundle needs none of its own', (ctx) => {
    needsBrowser(ctx);
    expect(Object.keys(hostSingleByte)).toHaveLength(28);
    expect(Object.entries(hostSingleByte).filter(([, ok]) => !ok).map(([n]) => n)).toEqual([]);
  });

  it('toXml gives the same document in Chromium as in Node, for every mail', (ctx) => {
    needsBrowser(ctx);
    expect(crossResults.map((r) => r.name)).toEqual(cross.map((m) => m.name));
    expect(cross.length).toBeGreaterThan(process.env.CI || corpusDir() !== null ? 1000 : 50);
    expect(crossResults.filter((r) => r.xml !== null).map((r) => r.name)).toEqual([]);
  });

  it('every document made in Node decodes in Chromium to the original bytes, and Chromium\'s (the same) in Node', (ctx) => {
    needsBrowser(ctx);
    expect(crossResults.filter((r) => r.failure !== null).map((r) => `${r.name}: ${r.failure}`)).toEqual([]);
    const bad = crossResults.flatMap((r, k) => {
      const xml = r.xml ?? toXml(cross[k].mime);
      return Buffer.compare(Buffer.from(toMime(xml)), Buffer.from(cross[k].mime)) === 0 ? [] : [r.name];
    });
    expect(bad).toEqual([]);
  });
});

/** Mails whose toXml in the page differs from Node's; `how` says where. */
function nodeDiffers(): { name: string; how: string }[] {
  return results.flatMap((r, k) => {
    const node = toXml(input[k].mime);
    if (node === r.xml) return [];
    let i = 0;
    while (node[i] === r.xml[i]) i++;
    const at = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 30), i + 30));
    return [{ name: r.name, how: `${r.name}: differs at char ${i}: Node ${at(node)} vs Chromium ${at(r.xml)}` }];
  });
}
