/**
 * `xmime convert`, run as a user would (needs `npm run build`): a tree mixing
 * .eml files, an mbox, a Maildir++ tree, a binary file and an unreadable
 * input converts the same with -j 1 and -j 2, every message gets a manifest
 * row, the bad input is reported with exit status 1, and --decode gives back
 * the tree; shards are disjoint and their union is the whole run; a run
 * killed by SIGKILL at many points never leaves a partial output and
 * --resume completes it to the same outputs without redoing what was done.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers.js';

const CLI = join(ROOT, 'dist', 'node', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'xmime-convert-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ROOTUSER = process.getuid?.() === 0;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, env: { ...process.env, ...env }, maxBuffer: 1 << 26, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file under `dir` (relative path → bytes), journals and temporary files apart. */
function files(dir: string, keepAll = false): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (p: string): void => {
    for (const n of readdirSync(p).sort()) {
      const q = join(p, n);
      if (!keepAll && n.startsWith('.xmime-convert')) continue; // the journal and the manifest rows
      if (statSync(q).isDirectory()) walk(q);
      else m.set(relative(dir, q), readFileSync(q).toString('latin1'));
    }
  };
  walk(dir);
  return m;
}

const eml = (id: string, extra = '') => `From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: =?UTF-8?Q?caf=C3=A9_${id}?=\nDate: Mon, 1 Jan 2024 10:00:00 +0100\nMessage-ID: <${id}@example.org>\n${extra}\nHello ${id}\n`;
const MBOX =
  'From ann@example.org Mon Jan  1 00:00:00 2024\nMessage-ID: <m1@example.org>\nSubject: one\n\n>From quoted\n\n' +
  'From bob@example.org Mon Jan  1 00:00:01 2024\nMessage-ID: <m2@example.org>\nSubject: two\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Disposition: attachment; filename=a.txt\n\nx\n--b\n\ny\n\n' +
  'From carol@example.org Mon Jan  1 00:00:02 2024\nSubject: three\n\nFrom here on, no separator\nthree\n';

/** The mixed tree of the issue: .eml files, an mbox, a Maildir++ tree, a binary file and an unreadable input. */
function mixedTree(at: string): { src: string; bad: string } {
  const src = join(at, 'mail');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.eml'), eml('a'));
  writeFileSync(join(src, 'sub', 'b.eml'), eml('b', 'Content-Type: text/plain; charset=utf-8\n'));
  writeFileSync(join(src, 'sub', 'c.eml'), eml('c').replace('Hello', 'bare\rCR'));
  writeFileSync(join(src, 'inbox.mbox'), MBOX);
  for (const d of ['Maildir/cur', 'Maildir/new', 'Maildir/tmp', 'Maildir/.Sent/cur', 'Maildir/.Sent/new', 'Maildir/.Sent/tmp']) mkdirSync(join(src, d), { recursive: true });
  writeFileSync(join(src, 'Maildir', 'cur', '1700000000.M1P1.host:2,S'), eml('d'));
  writeFileSync(join(src, 'Maildir', 'new', '1700000001.M2P1.host'), eml('e'));
  writeFileSync(join(src, 'Maildir', '.Sent', 'cur', '1700000002.M3P1.host:2,RS'), eml('f'));
  writeFileSync(join(src, 'Maildir', '.Sent', 'maildirfolder'), '');
  writeFileSync(join(src, 'Maildir', 'dovecot-uidlist'), '3 V1 N4\n');
  writeFileSync(join(src, 'photo.bin'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0x0d, 0x0a, 0x80]));
  // Root reads any file, so the unreadable input is a named pipe (refused without opening it); others get mode 000.
  const bad = join(src, 'locked.eml');
  if (ROOTUSER) spawnSync('mkfifo', [bad]);
  else {
    writeFileSync(bad, eml('locked'));
    chmodSync(bad, 0);
  }
  // Fixed times: the tree document carries them, and two runs must agree.
  for (const p of [join(src, 'Maildir'), join(src, 'Maildir', '.Sent'), join(src, 'Maildir', 'cur'), join(src, 'Maildir', 'new'), join(src, 'Maildir', 'tmp')]) utimesSync(p, 1700000000, 1700000000);
  return { src, bad };
}

describe('xmime convert: a mixed tree', () => {
  const { src, bad } = mixedTree(join(work, 'mixed'));
  const r1 = run(['convert', src, '-o', 'out1', '-j', '1', '--manifest', 'm1.csv']);
  // -j 2 with the mbox cut into ranges encoded apart (the test hook lowers the 16 MiB threshold): the same documents.
  const r2 = run(['convert', src, '-o', 'out2', '-j', '2', '--manifest', 'm2.csv'], { XMIME_TEST_RANGE_BYTES: '50' });
  const j2 = run(['convert', src, '-o', 'out3', '-j', '2', '--manifest', 'm2.jsonl', '-q']);

  it('exit status 1, the bad input reported on stderr with its code, the binary file as a warning', () => {
    expect(r1.code).toBe(1);
    expect(r2.code).toBe(1);
    expect(r1.err).toMatch(/mail\/locked\.eml: input-read: /);
    expect(r1.err).toMatch(/warning: mail\/photo\.bin: it looks binary/);
    expect(r1.err).toMatch(/^xmime convert: 6 ok, 1 failed; 10 messages; /m);
    // --quiet: the error only.
    expect(j2.err.trim().split('\n')).toEqual([expect.stringMatching(/^xmime: mail\/locked\.eml: input-read: /)]);
  });

  it('-j 1 and -j 2 write the same documents and the same manifest, mirroring the input tree', () => {
    const a = files(join(work, 'out1')), b = files(join(work, 'out2'));
    expect([...a.keys()]).toEqual(['mail/Maildir.xml', 'mail/a.eml.xml', 'mail/inbox.mbox.xml', 'mail/photo.bin.xml', 'mail/sub/b.eml.xml', 'mail/sub/c.eml.xml']);
    expect(b).toEqual(a);
    expect(readFileSync(join(work, 'm2.csv'), 'utf8')).toBe(readFileSync(join(work, 'm1.csv'), 'utf8'));
    expect(readdirSync(join(work, 'out1'))).toEqual(['.xmime-convert.journal', '.xmime-convert.rows', 'mail']); // nothing temporary is left
    expect(readdirSync(join(work, 'out1', '.xmime-convert.rows')).every((n) => /^[0-9a-f]{40}\.jsonl$/.test(n))).toBe(true);
  });

  it('the manifest has a row per message, in input order, with the columns of EA-PDF and DArcMail', () => {
    const lines = readFileSync(join(work, 'm1.csv'), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('source,index,offset,length,sha256,sha1,message_id,date,from,to,cc,subject,parts,attachments,text_parts,readable_parts,anomalies,errors,first_error,output');
    const rows = lines.slice(1).map((l) => l.match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replaceAll('""', '"')));
    expect(rows.map((r) => `${r[0]}#${r[1]}`)).toEqual([
      'mail/Maildir/.Sent/cur/1700000002.M3P1.host:2,RS#1', 'mail/Maildir/cur/1700000000.M1P1.host:2,S#1', 'mail/Maildir/new/1700000001.M2P1.host#1',
      'mail/a.eml#1', 'mail/inbox.mbox#1', 'mail/inbox.mbox#2', 'mail/inbox.mbox#3', 'mail/locked.eml#0', 'mail/photo.bin#1', 'mail/sub/b.eml#1', 'mail/sub/c.eml#1',
    ]);
    const a = rows[3];
    const sha = (s: string) => spawnSync('sha256sum', { input: s, encoding: 'utf8' }).stdout.slice(0, 64);
    expect(a.slice(2, 5)).toEqual(['0', String(eml('a').length), sha(eml('a'))]);
    expect(a.slice(6, 12)).toEqual(['a@example.org', '2024-01-01T10:00:00+01:00', 'Ann <ann@example.org>', 'bob@example.org', '', 'café a']);
    expect(a.slice(12, 20)).toEqual(['1', '0', '1', '1', '', '0', '', 'mail/a.eml.xml']);
    const m2 = rows[5];
    expect([m2[2], m2[6], m2[12], m2[13], m2[16]]).toEqual([String(MBOX.indexOf('From bob')), 'm2@example.org', '2', '1', 'no-close-delimiter no-date']);
    expect(rows[6][16]).toBe('doubtful-split no-date no-message-id');
    expect(rows[7].slice(17, 19)).toEqual(['1', expect.stringMatching(/^input-read: /)]);
    expect(rows[8][16]).toContain('not-mail');
    expect(rows[10][16]).toContain('bare-cr');
    // JSON Lines by extension: the same facts.
    const json = readFileSync(join(work, 'm2.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(json.map((j) => j.sha256)).toEqual(rows.map((r) => r[4]));
    expect(json[5].anomalies).toEqual(['no-close-delimiter', 'no-date']);
  });

  it('convert --decode gives back the identical tree (the unreadable input apart)', () => {
    const d = run(['convert', '--decode', join(work, 'out2', 'mail'), '-o', 'back', '-j', '2']);
    expect(d.err).toMatch(/^xmime convert: 6 ok, 0 failed/m);
    expect(d.code).toBe(0);
    rmSync(bad);
    expect(files(join(work, 'back', 'mail'), true)).toEqual(files(src, true));
    expect(statSync(join(work, 'back', 'mail', 'Maildir', 'cur')).mtimeMs).toBe(1700000000000);
  });
});

describe('xmime convert --shard K/N', () => {
  const { src } = mixedTree(join(work, 'shard'));
  const all = run(['convert', src, '-o', 'sh-all', '-j', '2', '--manifest', 'sh-all.csv']);
  it('the union of the shards is the unsharded run, with no overlap', () => {
    expect(all.code).toBe(1);
    const whole = files(join(work, 'sh-all'));
    const union = new Map<string, string>();
    const rows: string[] = [];
    let nonEmpty = 0;
    for (let k = 1; k <= 3; k++) {
      run(['convert', src, '-o', 'sh', '--shard', `${k}/3`, '-j', '1', '--manifest', `sh-${k}.csv`]);
      const mine = readFileSync(join(work, `sh-${k}.csv`), 'utf8').trimEnd().split('\r\n').slice(1);
      rows.push(...mine);
      if (mine.length > 0) nonEmpty++;
    }
    for (const [k, v] of files(join(work, 'sh'))) union.set(k, v);
    expect(union).toEqual(whole);
    const wholeRows = readFileSync(join(work, 'sh-all.csv'), 'utf8').trimEnd().split('\r\n').slice(1);
    expect(rows.length).toBe(wholeRows.length); // no row twice
    expect([...rows].sort()).toEqual([...wholeRows].sort());
    expect(nonEmpty).toBeGreaterThan(1); // the slices are really split
    expect(existsSync(join(work, 'sh', '.xmime-convert.2-of-3.journal'))).toBe(true);
  });
  it('bad K/N is a usage error', () => {
    for (const s of ['0/3', '4/3', '1/0', 'a/b', '1']) expect(run(['convert', src, '-o', 'x', '--shard', s]).code).toBe(2);
  });
});

describe('xmime convert: killed at random points, then --resume', () => {
  const src = join(work, 'kill', 'mail');
  mkdirSync(join(src, 'd'), { recursive: true });
  // Enough output per job that a kill lands inside writing (the hook pauses 2 ms per 64 KiB written).
  const body = (i: number) => `${'line of text for the kill test '.repeat(3)}${i}\n`.repeat(9000);
  for (let i = 0; i < 8; i++) writeFileSync(join(src, i % 2 ? 'd' : '', `m${i}.eml`), `Subject: ${i}\nMessage-ID: <k${i}@x>\n\n${body(i)}`);
  writeFileSync(join(src, 'box.mbox'), Array.from({ length: 6 }, (_, i) => `From a@b Mon Jan  1 00:00:0${i} 2024\nSubject: ${i}\n\n${body(i).slice(0, 100000)}\n`).join(''));
  const ref = run(['convert', src, '-o', 'k-ref', '-j', '2', '--manifest', 'k-ref.csv']);
  const refFiles = files(join(work, 'k-ref'));

  it('every kill leaves only whole outputs; --resume completes to the same outputs, skipping what is done (the mbox in ranges, the reference whole)', async () => {
    expect(ref.code).toBe(0);
    expect(refFiles.size).toBe(9);
    const out = join(work, 'k-out');
    // The kill points spread over the time one whole run takes here (the machine may be loaded).
    const hooks = { XMIME_TEST_SLOW_WRITE_MS: '2', XMIME_TEST_RANGE_BYTES: '60000' };
    const t0 = Date.now();
    expect(run(['convert', src, '-o', join(work, 'k-timing'), '-j', '2', '-q'], hooks).code).toBe(0);
    const whole = Date.now() - t0;
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let kills = 0;
    let partialSeen = 0;
    // 22 kills; a run that completes before its kill point starts the job afresh (a resume after it has nothing to do).
    for (let i = 0; i < 100 && kills < 22; i++) {
      const child = spawn(process.execPath, [CLI, 'convert', src, '-o', out, '-j', '2', '--resume', '-q', '--manifest', join(work, 'k.csv')], { env: { ...process.env, ...hooks }, stdio: 'ignore' });
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      const at = 60 + rand() * whole * 0.8;
      const t = setTimeout(() => child.kill('SIGKILL'), at);
      const code = await exited;
      clearTimeout(t);
      if (code === null) kills++;
      else {
        expect(code).toBe(0);
        expect(files(out)).toEqual(refFiles);
        rmSync(out, { recursive: true, force: true });
      }
      // Whatever is there under an output's name is that output, whole.
      if (existsSync(out)) {
        for (const [k, v] of files(out)) {
          if (k.includes('.xmime-tmp-')) {
            partialSeen++;
            continue;
          }
          expect(refFiles.get(k), k).toBe(v);
        }
      }
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(partialSeen).toBeGreaterThan(0); // some kills landed while an output was being written
    // What the journal records as done (a kill between an output's rename and its journal line leaves an output
    // that is not recorded: that one is redone, which is right: it was never verified).
    // The last kill may land before the run wrote its journal (a run that completed starts afresh): then nothing is done yet.
    const journal = join(out, '.xmime-convert.journal');
    const journaled = (existsSync(journal) ? readFileSync(journal, 'utf8') : '').split('\n').flatMap((l) => {
      try {
        return [(JSON.parse(l) as { out: string }).out];
      } catch {
        return [];
      }
    });
    const before = new Map(journaled.map((k) => [k, statSync(join(out, k)).mtimeMs]));
    // (Skipping is also shown deterministically by the next test: "7 already done".)
    const fin = run(['convert', src, '-o', out, '-j', '2', '--resume', '--manifest', 'k.csv'], { XMIME_TEST_RANGE_BYTES: '60000' });
    expect(fin.code).toBe(0);
    expect(Number(/(\d+) already done/.exec(fin.err)?.[1] ?? 0)).toBe(before.size);
    for (const [k, t] of before) expect(statSync(join(out, k)).mtimeMs, `${k} was not rewritten`).toBe(t);
    expect(files(out)).toEqual(refFiles);
    expect(readFileSync(join(work, 'k.csv'), 'utf8')).toBe(readFileSync(join(work, 'k-ref.csv'), 'utf8'));
  }, 60_000);

  it('SIGINT: exit status 130, the temporary files of the run removed, only whole outputs left', async () => {
    const out = join(work, 'k-int');
    const child = spawn(process.execPath, [CLI, 'convert', src, '-o', out, '-j', '2', '-q'], { env: { ...process.env, XMIME_TEST_SLOW_WRITE_MS: '20', XMIME_TEST_RANGE_BYTES: '60000' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // Interrupt once an output is being written.
    for (let i = 0; i < 200 && !(existsSync(join(out, 'mail')) && readdirSync(join(out, 'mail')).some((n) => n.includes('.xmime-tmp-'))); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    for (const [k, v] of files(out)) {
      expect(k).not.toContain('.xmime-tmp-');
      expect(refFiles.get(k), k).toBe(v);
    }
  });

  it('--resume redoes an output that was changed or removed, and one whose input changed', () => {
    const out = join(work, 'k-ref');
    writeFileSync(join(out, 'mail', 'm0.eml.xml'), 'damaged');
    rmSync(join(out, 'mail', 'd', 'm1.eml.xml'));
    const r = run(['convert', src, '-o', out, '--resume', '--manifest', 'k2.csv']);
    expect(r.err).toMatch(/9 ok, 0 failed, 7 already done/);
    expect(files(out)).toEqual(refFiles);
    writeFileSync(join(src, 'm2.eml'), 'Subject: changed\n\nnew\n');
    const r2 = run(['convert', src, '-o', out, '--resume']);
    expect(r2.err).toMatch(/9 ok, 0 failed, 8 already done/);
    expect(readFileSync(join(out, 'mail', 'm2.eml.xml'), 'utf8')).toContain('changed');
  });
});

describe('xmime convert: progress', () => {
  it('on a terminal, a live line with files, messages, bytes, MB/s and time left, then the summary', () => {
    const src = join(work, 'kill', 'mail');
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" convert "${src}" -o "${join(work, 'p-out')}" -j 1`, '/dev/null'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, XMIME_TEST_SLOW_WRITE_MS: '20' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\r\x1b\[Kxmime convert: \d+\/9 files, \d+ messages, [\d.]+ [kM]?B of [\d.]+ [kM]?B, [\d.]+ MB\/s, (\d+[hms]\S*|\?) left/);
    expect(r.stdout).toMatch(/xmime convert: 9 ok, 0 failed; 14 messages; /);
  });
  it('not on a terminal: nothing but errors and the summary', () => {
    const r = run(['convert', join(work, 'kill', 'mail'), '-o', 'p-out2']);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^xmime convert: 9 ok, 0 failed; 14 messages; /)]);
  });
});

describe('xmime convert --max-size', () => {
  const src = join(work, 'parts', 'mail');
  mkdirSync(src, { recursive: true });
  const box = Array.from({ length: 12 }, (_, i) => `From a@b Mon Jan  1 00:00:0${i % 10} 2024\nSubject: ${i}\nMessage-ID: <p${i}@x>\n\n${'text\n'.repeat(40 * (i + 1))}\n`).join('');
  writeFileSync(join(src, 'box.mbox'), box);
  writeFileSync(join(src, 'one.eml'), eml('one'));
  it('each mbox as parts of at most BYTES, each an <mbox part="K">; --decode joins them into the file; --resume verifies them', () => {
    const r = run(['convert', src, '-o', 'mx-out', '--max-size', '2000', '--manifest', 'mx.csv']);
    expect(r.code, r.err).toBe(0);
    const names = readdirSync(join(work, 'mx-out', 'mail')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const parts = names.filter((n) => /^box\.mbox\.\d+\.xml$/.test(n));
    expect(parts.length).toBeGreaterThan(3);
    expect(names).toEqual([...parts, 'one.eml.xml']);
    parts.forEach((n, k) => {
      const doc = readFileSync(join(work, 'mx-out', 'mail', n), 'utf8');
      expect(doc).toMatch(new RegExp(`^<mbox xmlns="urn:xmpp:xmime:0" part="${k + 1}">`));
      // At most BYTES, unless one message alone is larger (message 12 is about 2 kB of XML on its own).
      if ((doc.match(/<mime /g) ?? []).length > 1) expect(Buffer.byteLength(doc)).toBeLessThanOrEqual(2000);
    });
    expect(readFileSync(join(work, 'mx.csv'), 'utf8').trimEnd().split('\r\n').length).toBe(1 + 12 + 1);
    const d = run(['convert', '--decode', join(work, 'mx-out', 'mail'), '-o', 'mx-back']);
    expect(d.code, d.err).toBe(0);
    expect(readdirSync(join(work, 'mx-back', 'mail')).sort()).toEqual(['box.mbox', 'one.eml']);
    expect(readFileSync(join(work, 'mx-back', 'mail', 'box.mbox'), 'utf8')).toBe(box);
    const again = run(['convert', src, '-o', 'mx-out', '--max-size', '2000', '--resume']);
    expect(again.err).toMatch(/2 ok, 0 failed, 2 already done/);
    writeFileSync(join(work, 'mx-out', 'mail', parts[1]), 'damaged');
    const redo = run(['convert', src, '-o', 'mx-out', '--max-size', '2000', '--resume']);
    expect(redo.err).toMatch(/2 ok, 0 failed, 1 already done/);
    // A larger limit: fewer parts, and none of the old ones left over.
    expect(run(['convert', src, '-o', 'mx-out', '--max-size', '100000']).code).toBe(0);
    expect(readdirSync(join(work, 'mx-out', 'mail')).sort()).toEqual(['box.mbox.1.xml', 'one.eml.xml']);
  });
  it('a set of parts with one missing is reported, not joined wrongly', () => {
    const dir = join(work, 'mx-gap');
    run(['convert', src, '-o', dir, '--max-size', '2000']);
    rmSync(join(dir, 'mail', 'box.mbox.2.xml'));
    const d = run(['convert', '--decode', join(dir, 'mail'), '-o', 'mx-gap-back']);
    expect(d.code).toBe(1);
    expect(d.err).toMatch(/input-read: the parts of mail\/box\.mbox are not 1 to \d+/);
    expect(existsSync(join(work, 'mx-gap-back', 'mail', 'box.mbox'))).toBe(false);
  });
});

describe('xmime convert: usage', () => {
  it('needs SRC and -o OUTDIR; checks its numbers', () => {
    expect(run(['convert', '-o', 'x']).code).toBe(2);
    expect(run(['convert', 'a']).code).toBe(2);
    expect(run(['convert', 'a', '-o', 'x', '-j', '0']).code).toBe(2);
    expect(run(['convert', 'a', '-o', 'x', '--attachment-size', '5']).err).toMatch(/needs --attachments/);
    expect(run(['convert', 'a', '-o', 'x', '--max-size', '0']).code).toBe(2);
    expect(run(['convert', '--decode', 'a', '-o', 'x', '--max-size', '5']).code).toBe(2);
    expect(run(['convert', '--decode', 'a', '-o', 'x', '--wire']).code).toBe(2);
  });
  it('a missing SRC is an input that failed, not a crash', () => {
    const r = run(['convert', join(work, 'nothing-here'), '-o', 'none']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nothing-here: input-read: cannot read/);
  });
});

