/**
 * The CLI streams a 256 MiB message in a small peak RSS. Slow and writes
 * 512 MiB of temporary files, so it is not part of `npm test`: `npm run
 * test:slow` runs it (CI does).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers.js';

const CLI = join(ROOT, 'dist', 'node', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'xmime-cli-mem-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
 
    // verify streams too (issue 18): encode, decode and compare, chunk by chunk.
    const ver = peak(['verify', eml]);
    const ver1 = peak(['verify', small]);
    console.log(`peak RSS: verify 256 MiB ${ver.toFixed(0)} MB, 1 MiB ${ver1.toFixed(0)} MB`);
    expect(ver - ver1).toBeLessThan(48);
    expect(ver).toBeLessThan(160);
  });
  it('verify --mbox of a 128 MiB mailbox stays small', async () => {
    const mbox = join(tmp, 'big.mbox');
    const ws = createWriteStream(mbox);
    const msg = (i: number) => `From a@b Mon Jan  1 00:00:00 2024\nSubject: message ${i}\nContent-Type: text/plain; charset=utf-8\n\n${'Grüße from the body of a message\n'.repeat(1000)}\n`;
    let n = 0;
    for (let i = 0; n < 128 << 20; i++) {
      const m = msg(i);
      n += Buffer.byteLength(m);
      if (!ws.write(m)) await new Promise((r) => ws.once('drain', r));
    }
    await new Promise((r) => ws.end(r));
    const small = join(tmp, 'small.mbox');
    writeFileSync(small, msg(0) + msg(1));
    const peak = (args: string[]) => {
      const code = `process.argv=[process.argv[0],'xmime',...${JSON.stringify(args)}];process.on('exit',()=>process.stderr.write('MAXRSS '+process.resourceUsage().maxRSS+'\\n'));await import(${JSON.stringify(CLI)});`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code]);
      expect(r.stdout.toString().trim().split('\n').pop()).toBe('1 ok, 0 failed');
      return Number(/MAXRSS (\d+)/.exec(r.stderr.toString())![1]) / 1024;
    };
    const big = peak(['verify', '--mbox', mbox]);
    const one = peak(['verify', '--mbox', small]);
    console.log(`peak RSS: verify --mbox 128 MiB ${big.toFixed(0)} MB, 2 messages ${one.toFixed(0)} MB`);
    expect(big - one).toBeLessThan(48);
    expect(big).toBeLessThan(160);
  });
});
