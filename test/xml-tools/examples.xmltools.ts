/**
 * The XML tool examples of examples/xml-tools and the README's XPath
 * cookbook, run with the real tools: the XSLT page with xsltproc and in
 * Chromium (DOM test and screenshot check), every cookbook row with lxml
 * (XPath 1.0) or Saxon-HE (XPath 3.1), the XQuery report with BaseX. The
 * expected values come from the library's own reading of the mails
 * (`parse`), not from copies of the tools' output.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, toXml, type XmimeEntity } from '../../src/index.node.js';
import { ROOT } from '../support/helpers.js';

const EX = join(ROOT, 'examples/xml-tools');
const MAILS = readdirSync(join(EX, 'mail')).filter((f) => f.endsWith('.eml')).sort();
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SAXON = ['/usr/share/java/Saxon-HE.jar', ...readdirSync('/usr/share/java').filter((f) => /^Saxon-HE.*\.jar$/.test(f)).map((f) => `/usr/share/java/${f}`)].find((p) => existsSync(p))!;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

const work = mkdtempSync(join(tmpdir(), 'xmime-examples-'));
const xmlDir = join(work, 'xml');
let browser: Browser;
let server: Server;
let base = '';

function run(cmd: string, args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    p.stdout!.on('data', (c: Buffer) => out.push(c));
    p.stderr!.on('data', (c: Buffer) => err.push(c));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    if (input !== undefined) p.stdin!.end(input);
  });
}

const mail = (f: string): Uint8Array => readFileSync(join(EX, 'mail', f));
const xmlOf = (f: string): string => join(xmlDir, f.replace(/\.eml$/, '.xml'));

/** A cookbook table of the README: [what, expression, expected result] per row. */
function cookbook(marker: string): [string, string, string][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = readme.split(`<!-- ${marker} -->`)[1]?.split(`<!-- /${marker} -->`)[0];
  expect(block, `README block ${marker}`).toBeDefined();
  const rows = block!.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| what') && !l.startsWith('|---'));
  return rows.map((l) => {
    const m = /^\| (.+?) \| `(.+)` \| `(.*)` \|$/.exec(l);
    expect(m, `cookbook row: ${l}`).not.toBeNull();
    return [m![1], m![2], m![3].replace(/⏎/g, '\n')];
  });
}

/** What the HTML page shows, read from its DOM. */
interface PageFacts {
  title: string;
  h1: string;
  from: string;
  to: string;
  date: string;
  texts: string[];
  htmlFrames: { srcdoc: string; sandbox: string | null }[];
  attachments: string[][];
}

const FACTS = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const t = (s) => (document.querySelector(s)?.textContent ?? '').trim();
  return {
    title: document.title,
    h1: t('h1.subject'),
    from: t('table.headers td.from'),
    to: t('table.headers td.to'),
    date: t('table.headers td.date'),
    texts: q('section.text-plain pre').map((e) => e.textContent),
    htmlFrames: q('section.text-html iframe').map((e) => ({ srcdoc: e.getAttribute('srcdoc'), sandbox: e.getAttribute('sandbox') })),
    attachments: q('tr.attachment').map((r) => Array.from(r.cells, (c) => c.textContent.trim())),
  };
})()`;

async function facts(page: Page, url: string): Promise<PageFacts> {
  await page.goto(url);
  return (await page.evaluate(FACTS)) as PageFacts;
}

/** The same page made by Chromium's own XSLT 1.0 engine (XSLTProcessor). */
async function factsInBrowser(page: Page, xmlUrl: string): Promise<PageFacts> {
  await page.goto(`${base}/blank.html`);
  await page.evaluate(`(async () => {
    const get = async (u) => new DOMParser().parseFromString(await (await fetch(u)).text(), 'application/xml');
    const p = new XSLTProcessor();
    p.importStylesheet(await get('/mail.xsl'));
    const out = p.transformToDocument(await get(${JSON.stringify(xmlUrl)}));
    document.documentElement.replaceWith(document.importNode(out.documentElement, true));
  })()`);
  return (await page.evaluate(FACTS)) as PageFacts;
}

/** What the page should show for a mail, from the library's reading of it. */
function expected(f: string): Pick<PageFacts, 'h1' | 'attachments'> & { from: string } {
  const msg = parse(mail(f));
  const from = msg.headers.addresses('from').map((m) => ('addr' in m ? `${m.name === undefined ? '' : `${m.name} `}<${m.addr}>` : '')).join(', ');
  return {
    h1: msg.headers.get('subject') ?? '(no subject)',
    from,
    attachments: msg.attachments().map((a) => [a.filename ?? '(unnamed)', a.type, String(a.bytes.length)]),
  };
}

beforeAll(async () => {
  mkdirSync(xmlDir, { recursive: true });
  for (const f of MAILS) writeFileSync(xmlOf(f), toXml(mail(f)));
  server = createServer((req, res) => {
    const u = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const p = u === '/mail.xsl' ? join(EX, 'mail.xsl') : u === '/blank.html' ? null : join(work, u.slice(1).replace(/\.\.+/g, ''));
    if (p === null) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title>');
    if (!existsSync(p)) return void res.writeHead(404).end();
    const type = p.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/xml';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(p));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('examples/xml-tools/mail.xsl (XSLT 1.0 to HTML)', () => {
  it('xsltproc renders every example mail; the DOM shows its subject, sender, text, HTML and attachments', async () => {
    const page = await browser.newPage();
    for (const f of MAILS) {
      const html = join(work, f.replace(/\.eml$/, '.html'));
      const r = await run('xsltproc', ['-o', html, join(EX, 'mail.xsl'), xmlOf(f)]);
      expect(r.status, r.stderr).toBe(0);
      const got = await facts(page, `${base}/${f.replace(/\.eml$/, '.html')}`);
      const want = expected(f);
      expect(got.title).toBe(want.h1);
      expect(got.h1).toBe(want.h1);
      expect(got.from).toBe(want.from);
      expect(got.attachments).toEqual(want.attachments);
      const msg = parse(mail(f));
      const leaves = (e: XmimeEntity): XmimeEntity[] => (e.parts.length > 0 ? e.parts.flatMap(leaves) : [e]);
      const plain = leaves(msg).filter((p) => p.type === 'text/plain' && p.parts.length === 0 && !/attachment/i.test(p.headers.get('content-disposition') ?? ''));
      expect(got.texts).toEqual(plain.map((p) => p.text));
    }
    // The first mail has an HTML alternative: shown in a sandboxed frame, its markup intact.
    const first = await facts(page, `${base}/${MAILS[0].replace(/\.eml$/, '.html')}`);
    expect(first.htmlFrames.length).toBe(1);
    expect(first.htmlFrames[0].sandbox).toBe('');
    expect(first.htmlFrames[0].srcdoc).toContain('<b>Plan</b> für nächste Woche');
    expect(first.to).toBe('Alex <alex@example.net>, Kim <kim@example.org>');
    expect(first.date).toBe('2026-12-07T09:15:00+01:00');
    await page.close();
  });

  it('Chromium runs the same stylesheet (XSLTProcessor) to the same page', async () => {
    const page = await browser.newPage();
    for (const f of MAILS) {
      const fromXsltproc = await facts(page, `${base}/${f.replace(/\.eml$/, '.html')}`);
      const inBrowser = await factsInBrowser(page, `/xml/${f.replace(/\.eml$/, '.xml')}`);
      expect(inBrowser).toEqual(fromXsltproc);
    }
    await page.close();
  });

  it('the page is visibly rendered (screenshot)', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    await page.goto(`${base}/${MAILS[0].replace(/\.eml$/, '.html')}`);
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(join(work, 'page.png'), png);
    // Count the pixels that are not background, and the dark ones (text), in the page itself.
    const ink = (await page.evaluate(`(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let marked = 0, dark = 0;
      for (let i = 0; i < d.length; i += 4) {
        const v = (d[i] + d[i + 1] + d[i + 2]) / 3;
        if (v < 245) marked++;
        if (v < 100) dark++;
      }
      return { width: c.width, height: c.height, marked: marked / (d.length / 4), dark: dark / (d.length / 4) };
    })(${JSON.stringify(png.toString('base64'))})`)) as { width: number; height: number; marked: number; dark: number };
    expect(ink.width).toBe(900);
    expect(ink.height).toBeGreaterThan(400); // headers, two parts, the attachment table
    expect(ink.dark).toBeGreaterThan(0.005); // text was drawn
    expect(ink.marked).toBeLessThan(0.5); // on a light page, not an error screen
    await page.close();
  });
});

describe('README XPath cookbook', () => {
  it('XPath 1.0 rows give their results with lxml', async () => {
    const rows = cookbook('xpath-cookbook');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const script = `
import json, sys
from lxml import etree
t = etree.parse(sys.argv[1])
out = []
for e in json.load(sys.stdin):
    r = t.xpath(e, namespaces={'x': 'urn:xmpp:xmime:0'})
    if isinstance(r, list): r = ', '.join(x if isinstance(x, str) else (x.text or '') for x in r)
    elif isinstance(r, float) and r.is_integer(): r = str(int(r))
    out.append(str(r))
print(json.dumps(out))`;
    const r = await run(PY, ['-c', script, xmlOf(MAILS[0])], JSON.stringify(rows.map((x) => x[1])));
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as string[];
    rows.forEach(([what, , want], i) => expect(got[i], what).toBe(want));
  });

  it('XPath 3.1 rows give their results over the folder with Saxon-HE', async () => {
    const rows = cookbook('xpath31-cookbook');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [what, expr, want] of rows) {
      const q = `declare namespace x = "urn:xmpp:xmime:0";
declare variable $mail := collection('file://${xmlDir}/?select=*.xml');
string-join(for $v in (${expr}) return string($v), ', ')`;
      const r = await run('java', ['-cp', SAXON, 'net.sf.saxon.Query', `-qs:${q}`, '!method=text']);
      expect(r.status, `${what}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim(), what).toBe(want);
    }
  });
});

describe('examples/xml-tools/mail-report.xq (XQuery in BaseX)', () => {
  it('lists the ten largest attachments and mail per sender per month', async () => {
    const r = await run('java', [`-Dorg.basex.DBPATH=${join(work, 'basex')}`, '-cp', '/usr/share/java/basex.jar', 'org.basex.BaseX', '-b', `dir=${xmlDir}`, join(EX, 'mail-report.xq')]);
    expect(r.status, r.stderr).toBe(0);
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const atts: { size: number; name: string; line: string }[] = [];
    const perSender = new Map<string, number>();
    for (const f of MAILS) {
      const msg = parse(mail(f));
      for (const a of msg.attachments()) atts.push({ size: a.bytes.length, name: a.filename ?? '(unnamed)', line: `  ${a.bytes.length}  ${a.filename}  ${a.type}  (${msg.headers.get('subject')})` });
      const from = msg.headers.addresses('from').flatMap((m) => ('addr' in m ? [m.addr] : []))[0];
      const d = /(\d{1,2}) (\w{3}) (\d{4})/.exec(msg.headers.get('date')!)!;
      const key = `  ${d[3]}-${String(MONTHS.indexOf(d[2]) + 1).padStart(2, '0')}  ${from}`;
      perSender.set(key, (perSender.get(key) ?? 0) + 1);
    }
    atts.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
    const want = [
      'Ten largest attachments:',
      ...atts.slice(0, 10).map((a) => a.line),
      'Mail per sender per month:',
      ...[...perSender].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}  ${n}`),
    ];
    expect(r.stdout.trim().split('\n')).toEqual(want);
  });
});
