/** The mailbox commands of `xmime`, run as a user would (needs `npm run build`). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mboxToXml } from '../../src/mailbox/mbox-codec.js';
import { ROOT } from '../support/helpers.js';

const CLI = join(ROOT, 'dist', 'node', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'xmime-mbox-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

const MBOX = Buffer.from(
  'From a@example.org Mon Jan  1 00:00:00 2024\nMessage-ID: <one@example.org>\nSubject: one\n\n>From quoted\n\n' +
    'From b@example.org Mon Jan  1 00:00:01 2024\nMessage-ID: <two@example.org>\nSubject: two\n\nbody\n\n',
);

describe('xmime encode --mbox, decode, verify --mbox, extract', () => {
  const f = join(tmp, 'box');
  writeFileSync(f, MBOX);
  it('encode --mbox FILE and - give the <mbox> document; decode gives the file back', () => {
    const a = run(['encode', '--mbox', f]);
    expect(a.code).toBe(0);
    expect(a.out.toString()).toBe(mboxToXml(MBOX));
    expect(run(['encode', '--mbox', '-'], MBOX).out.toString()).toBe(mboxToXml(MBOX));
    expect(run(['encode', '--mbox'], MBOX).out.toString()).toBe(mboxToXml(MBOX));
    expect(run(['encode', '--mbox', '--variant', 'mboxrd', f]).out.toString()).toBe(mboxToXml(MBOX, { variant: 'mboxrd' }));
    const x = join(tmp, 'box.xml');
    expect(run(['encode', '--mbox', f, '-o', x]).code).toBe(0);
    expect(run(['decode', x]).out.equals(MBOX)).toBe(true);
    expect(run(['decode', x, '-o', join(tmp, 'back')]).code).toBe(0);
    expect(readFileSync(join(tmp, 'back')).equals(MBOX)).toBe(true);
    expect(run(['decode', '-'], readFileSync(x)).out.equals(MBOX)).toBe(true);
  });
  it('a file named *.mbox or *.mbx selects --mbox by itself, and --help says so', () => {
    for (const ext of ['mbox', 'MBX']) {
      const g = join(tmp, `box.${ext}`);
      writeFileSync(g, MBOX);
      expect(run(['encode', g]).out.toString()).toBe(mboxToXml(MBOX));
    }
    expect(run(['encode', '--help']).out.toString().replace(/\s+/g, ' ')).toMatch(/\*\.mbox or \*\.mbx selects --mbox/);
  });
  it('verify --mbox ends with "N ok, M failed"', () => {
    const r = run(['verify', '--mbox', f, join(tmp, 'missing')]);
    expect(r.code).toBe(1);
    const lines = r.out.toString().trim().split('\n');
    expect(lines.at(-1)).toBe('1 ok, 1 failed');
    expect(lines[0]).toMatch(/^FAIL .*missing/);
    expect(run(['verify', '--mbox', f]).out.toString()).toBe('1 ok, 0 failed\n');
  });
  it('extract --index N and --message-id ID give the message as it was before quoting', () => {
    const x = join(tmp, 'rd.xml');
    expect(run(['encode', '--mbox', '--variant', 'mboxrd', f, '-o', x]).code).toBe(0);
    expect(run(['extract', x, '--index', '1']).out.toString()).toBe('Message-ID: <one@example.org>\nSubject: one\n\nFrom quoted\n');
    expect(run(['extract', x, '--message-id', '<two@example.org>']).out.toString()).toBe('Message-ID: <two@example.org>\nSubject: two\n\nbody\n');
    expect(run(['extract', x, '--message-id', 'two@example.org']).out.toString()).toContain('Subject: two');
    const o = join(tmp, 'two.eml');
    expect(run(['extract', x, '--index', '2', '-o', o]).code).toBe(0);
    expect(readFileSync(o, 'utf8')).toContain('Subject: two');
    const miss = run(['extract', x, '--index', '3']);
    expect(miss.code).toBe(1);
    expect(miss.err).toMatch(/no message 3/);
    expect(run(['extract', x]).code).toBe(2);
    expect(run(['extract', x, '--index', '0']).code).toBe(2);
    expect(run(['extract', x, '--index', '1', '--message-id', 'a']).code).toBe(2);
  });
  it('bad usage exits 2; a broken document exits 1 with file:line:col: code', () => {
    expect(run(['encode', '--mbox', '--variant', 'mmdf', f]).code).toBe(2);
    expect(run(['encode', '--mbox', '--tree', f]).code).toBe(2);
    expect(run(['decode', '--mbox', f]).code).toBe(2);
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<mbox xmlns="urn:xmpp:xmime:0"><mime><headers/></mime></mbox>');
    const r = run(['decode', bad, '-o', join(tmp, 'nothing')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.xml:1:\d+: xmime-placement:/);
    expect(existsSync(join(tmp, 'nothing'))).toBe(false);
  });
});

describe('xmime encode --tree, decode to a directory, verify --tree', () => {
  it('round-trips a Maildir through the CLI', () => {
    const d = join(tmp, 'Maildir');
    for (const s of ['cur', 'new', 'tmp']) mkdirSync(join(d, s), { recursive: true });
    writeFileSync(join(d, 'cur', '1.host:2,RS'), 'Subject: x\n\nbody\n');
    writeFileSync(join(d, 'dovecot-uidlist'), 'V1 1\n');
    const x = join(tmp, 'tree.xml');
    expect(run(['encode', '--tree', d, '-o', x]).code).toBe(0);
    expect(readFileSync(x, 'utf8')).toContain('flags="RS"');
    const out = join(tmp, 'out');
    expect(run(['decode', x, '-o', out]).code).toBe(0);
    expect(readdirSync(join(out, 'cur'))).toEqual(['1.host:2,RS']);
    expect(readFileSync(join(out, 'cur', '1.host:2,RS'), 'utf8')).toBe('Subject: x\n\nbody\n');
    const again = run(['decode', x, '-o', out]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/tree-target/);
    expect(run(['decode', x]).code).toBe(2); // a tree needs -o DIR
    expect(run(['verify', '--tree', d]).out.toString()).toBe('1 ok, 0 failed\n');
  });
});
