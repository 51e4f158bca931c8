/** The `xmime` command, run as a user would (needs `npm run build`, which `npm test` does first). */
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toXml } from '../../src/api/codec.js';
import { toXmlAsync } from '../../src/index.js';
import { ROOT, utf8 } from '../support/helpers.js';

const CLI = join(ROOT, 'dist', 'node', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'xmime-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

const MAIL = utf8('From: Sam <sam@example.org>\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nHello \x00\r\n--x--\r\n');

describe('xmime encode / decode', () => {
  it('encodes a file to stdout and stdin to stdout', () => {
    const f = join(tmp, 'a.eml');
    writeFileSync(f, MAIL);
    const a = run(['encode', f]);
    expect(a.code).toBe(0);
    expect(a.out.toString()).toBe(toXml(MAIL));
    const b = run(['encode', '-'], MAIL);
    expect(b.out.toString()).toBe(toXml(MAIL));
    expect(run(['encode'], MAIL).out.toString()).toBe(toXml(MAIL));
  });

  it('round-trips through files with -o', () => {
    const f = join(tmp, 'b.eml');
    writeFileSync(f, MAIL);
    expect(run(['encode', f, '-o', join(tmp, 'b.xml')]).code).toBe(0);
    expect(run(['decode', join(tmp, 'b.xml'), '--output', join(tmp, 'b2.eml')]).code).toBe(0);
    expect(new Uint8Array(readFileSync(join(tmp, 'b2.eml')))).toEqual(MAIL);
  });

  it('reports bad XML as file:line:col: code, exits 1 and leaves no output file', () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<mime xmlns="urn:xmpp:xmime:0">\n<body>x</mime>\n');
    const out = join(tmp, 'out.eml');
    const r = run(['decode', bad, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`${bad}:2:8: xml-mismatch: </mime> does not close <body>`);
    expect(r.err).not.toContain('    at ');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.startsWith('out.eml'))).toEqual([]);
    expect(run(['decode', bad, '--debug']).err).toContain('    at ');
  });

  it('names a missing input file', () => {
    const r = run(['encode', join(tmp, 'nope.eml')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('nope.eml');
  });
});

describe('xmime verify', () => {
  it('checks every regular file under a directory and ends with "N ok, M failed"', () => {
    const d = join(tmp, 'mails');
    rmSync(d, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', join(d, 'sub')]);
    writeFileSync(join(d, 'one.eml'), MAIL);
    writeFileSync(join(d, 'sub', 'two.eml'), Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 255));
    writeFileSync(join(d, 'empty'), new Uint8Array(0));
    const r = run(['verify', d, join(tmp, 'a.eml')]);
    expect(r.code).toBe(0);
    expect(r.out.toString().trim().split('\n').at(-1)).toBe('4 ok, 0 failed');
  });

  it('keeps going past a bad path and exits 1', () => {
    const r = run(['verify', join(tmp, 'missing'), join(tmp, 'a.eml')]);
    expect(r.code).toBe(1);
    const lines = r.out.toString().trim().split('\n');
    expect(lines[0]).toMatch(/^FAIL .*missing/);
    expect(lines.at(-1)).toBe('1 ok, 1 failed');
  });
});

describe('usage', () => {
  it('--stats prints the readable rate just before the summary; --wire encodes without <text>', () => {
    const d = mkdtempSync(join(tmp, 'stats-'));
    writeFileSync(join(d, 'qp.eml'), utf8('Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nK=F6ln\r\n'));
    writeFileSync(join(d, 'bad.eml'), utf8('Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!not base64!!\r\n'));
    writeFileSync(join(d, 'img.eml'), utf8('Content-Type: image/png\r\n\r\nPNG\r\n'));
    const lines = run(['verify', '--stats', d]).out.toString().trim().split('\n');
    expect(lines.slice(-3)).toEqual(['header views: 3 of 3 fields (100.0%), 3 in place (100.0%)', 'readable text parts: 1 of 2 (50.0%)', '3 ok, 0 failed']);
    expect(run(['encode', join(d, 'qp.eml')]).out.toString()).toContain('<text charset="iso-8859-1" transfer="quoted-printable">Köln\n</text>');
    expect(run(['encode', '--wire', join(d, 'qp.eml')]).out.toString()).toContain('<body>K=F6ln\n</body>');
    expect(run(['decode', '--wire', join(d, 'qp.eml')]).code).toBe(2);
  });

  it('compose turns minimal XMIME into MIME, and reports bad input with its position', () => {
    const doc = utf8('<mime xmlns="urn:xmpp:xmime:0"><headers><header name="Subject"><decoded>Grüße</decoded></header></headers><text>Hallo\n</text></mime>');
    const r = run(['compose', '-'], doc);
    expect(r.code).toBe(0);
    const mime = r.out.toString('latin1');
    expect(mime).toMatch(/^Subject: =\?UTF-8\?B\?R3LDvMOfZQ==\?=\r\nDate: .+\r\nMessage-ID: <[a-z0-9]{24}@xmime\.invalid>\r\nMIME-Version: 1\.0\r\nContent-Type: text\/plain; charset=utf-8\r\n\r\nHallo\r\n$/);
    const bad = run(['compose', '-'], utf8('<mime xmlns="urn:xmpp:xmime:0">\n<attachment>!!</attachment></mime>'));
    expect([bad.code, bad.err.trim()]).toEqual([1, '<stdin>:2:1: xmime-base64: <attachment> holds text that is not base64']);
  });

  it('decode --fetch gets <external> bodies over HTTP and checks them; without it the error names the element', async () => {
    const store = new Map<string, Uint8Array>();
    const server = createServer((req, res) => {
      const b = store.get(req.url!);
      res.writeHead(b ? 200 : 404).end(b);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const run = (args: string[]) =>
      new Promise<{ code: number; out: Buffer; err: string }>((resolve) => {
        execFile(process.execPath, [CLI, ...args], { encoding: 'buffer', maxBuffer: 1 << 26 }, (e, out, err) => resolve({ code: e ? (e.code as number) : 0, out, err: err.toString() }));
      });
    try {
      const mime = utf8(`Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(30000, 7).toString('base64')}\r\n`);
      const xml = await toXmlAsync(mime, { maxInlineBytes: 2048, upload: async (bytes) => (store.set(`/b${store.size}`, bytes.slice()), `${base}/b${store.size - 1}`) });
      const f = join(tmp, 'external.xml');
      const at = `${xml.split('\n').findIndex((l) => l.includes('<external')) + 1}:3`;
      writeFileSync(f, xml);
      const ok = await run(['decode', '--fetch', '--schemes', 'http', f]);
      expect([ok.code, Buffer.compare(ok.out, Buffer.from(mime))]).toEqual([0, 0]);
      expect((await run(['decode', '--fetch', f])).err).toContain(`external.xml:${at}: external-scheme: `);
      expect((await run(['decode', f])).err).toContain(`external.xml:${at}: external-unresolved: `);
      store.set('/b0', new Uint8Array(store.get('/b0')!.length)); // same size, other bytes
      expect((await run(['decode', '--fetch', '--schemes', 'http', f])).err).toContain(`external.xml:${at}: external-hash: `);
      expect((await run(['encode', '--fetch', f])).code).toBe(2);
    } finally {
      server.close();
    }
  });

  it('the built CLI is executable, so `npx xmime` (the README quick start) runs it', () => {
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('--help and --version', () => {
    expect(run(['--help']).out.toString()).toContain('xmime encode');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version']).out.toString().trim()).toBe(pkg.version);
  });
  it('bad usage exits 2', () => {
    expect(run([]).code).toBe(2);
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['encode', 'a', 'b']).code).toBe(2);
    expect(run(['verify']).code).toBe(2);
    expect(run(['encode', '--bogus']).code).toBe(2);
  });
});

describe('streaming in constant memory', () => {
  it('encodes and decodes a 256 MiB message with a small peak RSS', async () => {
    // A multipart mail with a big base64 attachment, written in pieces.
    const eml = join(tmp, 'big.eml');
    const ws = createWriteStream(eml);
    ws.write('Subject: big\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n';
    const block = line.repeat(13_000);
    for (let n = 0; n < 256 << 20; n += block.length) if (!ws.write(block)) await new Promise((r) => ws.once('drain', r));
    ws.write('\r\n--zz--\r\n');
    await new Promise((r) => ws.end(r));
    const peak = (args: string[]) => {
      const code = `process.argv=[process.argv[0],'xmime',...${JSON.stringify(args)}];process.on('exit',()=>process.stderr.write('MAXRSS '+process.resourceUsage().maxRSS+'\\n'));await import(${JSON.stringify(CLI)});`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code]);
      expect(r.status).toBe(0);
      return Number(/MAXRSS (\d+)/.exec(r.stderr.toString())![1]) / 1024;
    };
    const enc = peak(['encode', eml, '-o', join(tmp, 'big.xml')]);
    const dec = peak(['decode', join(tmp, 'big.xml'), '-o', join(tmp, 'big2.eml')]);
    expect(spawnSync('cmp', [eml, join(tmp, 'big2.eml')]).status).toBe(0);
    // The same for a 1 MiB mail: Node's own footprint (which varies by version and load) is in both,
    // so the difference is what the input's size costs. Buffering 256 MiB would add at least 256 MB.
    const small = join(tmp, 'small.eml');
    writeFileSync(small, `Subject: small\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Transfer-Encoding: base64\r\n\r\n${line.repeat(13_500)}\r\n--zz--\r\n`);
    const enc1 = peak(['encode', small, '-o', join(tmp, 'small.xml')]);
    const dec1 = peak(['decode', join(tmp, 'small.xml'), '-o', join(tmp, 'small2.eml')]);
    console.log(`peak RSS: 256 MiB encode ${enc.toFixed(0)} MB, decode ${dec.toFixed(0)} MB; 1 MiB encode ${enc1.toFixed(0)} MB, decode ${dec1.toFixed(0)} MB`);
    expect(enc - enc1).toBeLessThan(48);
    expect(dec - dec1).toBeLessThan(48);
    expect(Math.max(enc, dec)).toBeLessThan(160); // and the whole stays small
  });
});
