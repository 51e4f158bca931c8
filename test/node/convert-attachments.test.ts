/**
 * Attachments by hash (`xmime convert --attachments DIR`), run as a user
 * would (needs `npm run build`): the corpus goes out and back through the
 * store byte for byte, with the deduplication measured; a stored body that
 * was changed is refused (size, hash), and URIs that try to leave the store
 * are refused with their codes, leaving no output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusDir, needs, NO_CORPUS, ROOT } from '../support/helpers.js';

const CLI = join(ROOT, 'dist', 'node', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'xmime-attach-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, maxBuffer: 1 << 26, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function sizes(dir: string): { files: number; bytes: number } {
  let files = 0, bytes = 0;
  const walk = (p: string): void => {
    for (const n of readdirSync(p)) {
      const q = join(p, n);
      const st = statSync(q);
      if (st.isDirectory()) walk(q);
      else (files++, (bytes += st.size));
    }
  };
  walk(dir);
  return { files, bytes };
}

function same(a: string, b: string): string | null {
  const na = readdirSync(a).sort(), nb = readdirSync(b).sort();
  if (na.join('/') !== nb.join('/')) return `${a}: ${na.filter((x) => !nb.includes(x)).join(', ')} | ${nb.filter((x) => !na.includes(x)).join(', ')}`;
  for (const n of na) {
    const p = join(a, n), q = join(b, n);
    if (statSync(p).isDirectory()) {
      const d = same(p, q);
      if (d !== null) return d;
    } else if (!readFileSync(p).equals(readFileSync(q))) return `${p}: the bytes differ`;
  }
  return null;
}

const ATT = Buffer.from('%PDF-1.4 attachment bytes\n'.repeat(400)).toString('base64').replace(/.{76}/g, '$&\n');
const mail = (to: string) =>
  `From: a@example.org\nTo: ${to}\nSubject: report\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee attached.\n--b\nContent-Type: application/pdf; name=r.pdf\nContent-Disposition: attachment; filename=r.pdf\nContent-Transfer-Encoding: base64\n\n${ATT}\n--b--\n`;

describe('xmime convert --attachments: one copy per SHA-256, and back', () => {
  const src = join(work, 'sent');
  mkdirSync(src);
  for (let i = 0; i < 20; i++) writeFileSync(join(src, `m${String(i).padStart(2, '0')}.eml`), mail(`u${i}@example.org`));
  const enc = run(['convert', src, '-o', 'a-out', '--attachments', 'store', '--attachment-size', '1024', '--manifest', 'a.csv']);

  it('the same attachment sent to 20 people is stored once, referenced 20 times', () => {
    expect(enc.code).toBe(0);
    expect(enc.err).toMatch(/20 bodies \(\d+ kB\) in the attachment store/);
    const st = sizes(join(work, 'store'));
    expect(st.files).toBe(1);
    const blob = readdirSync(join(work, 'store'))[0];
    const hex = readdirSync(join(work, 'store', blob))[0];
    expect(hex.startsWith(blob)).toBe(true);
    const doc = readFileSync(join(work, 'a-out', 'sent', 'm00.eml.xml'), 'utf8');
    expect(doc).toContain(`<external uri="cid:sha256+${hex}@bob.xmpp.org" size="${st.bytes}" sha256="${hex}" type="application/pdf"/>`);
    expect(doc).not.toContain('JVBERi0'); // the base64 is not in the document
  });

  it('--decode with --attachments gives back every message; without the store it fails with external-unresolved', () => {
    const d = run(['convert', '--decode', join(work, 'a-out', 'sent'), '-o', 'a-back', '--attachments', 'store']);
    expect(d.code).toBe(0);
    expect(same(join(work, 'a-back', 'sent'), src)).toBeNull();
    const n = run(['convert', '--decode', join(work, 'a-out', 'sent', 'm01.eml.xml'), '-o', 'a-none']);
    expect(n.code).toBe(1);
    expect(n.err).toMatch(/external-unresolved/);
    expect(existsSync(join(work, 'a-none', 'm01.eml'))).toBe(false);
  });

  it('a stored body whose bytes changed is refused: external-hash (same size), external-size (longer); no output', () => {
    const dir = join(work, 'store');
    const fan = readdirSync(dir)[0];
    const blob = join(dir, fan, readdirSync(join(dir, fan))[0]);
    const good = readFileSync(blob);
    const bad = Buffer.from(good);
    bad[10] ^= 1;
    writeFileSync(blob, bad);
    const h = run(['convert', '--decode', join(work, 'a-out', 'sent', 'm02.eml.xml'), '-o', 'a-h', '--attachments', 'store']);
    expect([h.code, h.err]).toEqual([1, expect.stringMatching(/m02\.eml\.xml: \d+:\d+: external-hash: /)]);
    expect(existsSync(join(work, 'a-h', 'm02.eml'))).toBe(false);
    writeFileSync(blob, good);
    appendFileSync(blob, 'x');
    const s = run(['convert', '--decode', join(work, 'a-out', 'sent', 'm02.eml.xml'), '-o', 'a-s', '--attachments', 'store']);
    expect([s.code, s.err]).toEqual([1, expect.stringMatching(/external-size: /)]);
    expect(existsSync(join(work, 'a-s', 'm02.eml'))).toBe(false);
    writeFileSync(blob, good);
  });

  it('URIs that try to leave the store are refused with their codes, and nothing is read or written', () => {
    const doc = readFileSync(join(work, 'a-out', 'sent', 'm03.eml.xml'), 'utf8');
    const hex = /sha256="([0-9a-f]{64})"/.exec(doc)![1];
    writeFileSync(join(work, 'secret'), 'not for you');
    const cases: [string, string][] = [
      ['cid:../../secret', 'external-store'],
      [`cid:sha256+${hex}@bob.xmpp.org/../../../secret`, 'external-store'],
      [`cid:sha256+../${hex}@bob.xmpp.org`, 'external-store'],
      [`cid:${join(work, 'secret')}`, 'external-store'],
      [`file://${join(work, 'secret')}`, 'external-scheme'],
      [`https://example.org/${hex}`, 'external-scheme'],
      [`data:,x`, 'external-scheme'],
    ];
    for (const [uri, code] of cases) {
      const name = `evil-${code}-${cases.findIndex((c) => c[0] === uri)}.xml`;
      writeFileSync(join(work, name), doc.replace(/uri="[^"]*"/, `uri="${uri.replaceAll('&', '&amp;')}"`));
      const r = run(['convert', '--decode', join(work, name), '-o', 'evil', '--attachments', 'store']);
      expect([uri, r.code, r.err]).toEqual([uri, 1, expect.stringContaining(`: ${code}: `)]);
      expect(existsSync(join(work, 'evil', name.slice(0, -4)))).toBe(false);
    }
  });
});

describe('xmime convert --attachments over the corpus', () => {
  const corpus = corpusDir();
  needs(corpus !== null, NO_CORPUS);
  it('goes out and back byte for byte; deduplication measured (stored vs referenced bytes)', () => {
    const out = join(work, 'c-out'), store = join(work, 'c-store');
    const e = run(['convert', corpus!, '-o', out, '--attachments', store, '--attachment-size', '4096', '-j', '2', '--manifest', join(work, 'c.csv')]);
    expect(e.code, e.err).toBe(0);
    const m = /(\d+) bodies \(([\d.]+ [kMG]?B)\) in the attachment store/.exec(e.err)!;
    const st = sizes(store);
    const referenced = Number(m[1]);
    // The manifest counts every message of the corpus (mbox files hold several).
    const rows = readFileSync(join(work, 'c.csv'), 'utf8').trimEnd().split('\r\n').length - 1;
    console.log(`corpus through the attachment store (bodies over 4096 bytes): ${referenced} bodies referenced (${m[2]}), ${st.files} stored (${(st.bytes / 1e6).toFixed(2)} MB); ${rows} manifest rows`);
    expect(st.files).toBeGreaterThan(0);
    expect(st.files).toBeLessThan(referenced); // the corpus repeats some attachments
    const d = run(['convert', '--decode', join(out, relative(join(corpus!, '..'), corpus!)), '-o', join(work, 'c-back'), '--attachments', store, '-j', '2']);
    expect(d.code, d.err).toBe(0);
    expect(same(join(work, 'c-back', relative(join(corpus!, '..'), corpus!)), corpus!)).toBeNull();
  }, 120_000);
});
