/**
 * The CLI as people use it in pipes and scripts (issue 21): closed pipes,
 * output errors, usage errors, per-command help, verify's edge cases, hints
 * between decode and compose, warnings for input that is not mail, the man
 * page and the shell completions. Needs `npm run build`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toXml } from '../../src/api/codec.js';
import { ROOT, utf8 } from '../support/helpers.js';

const CLI = join(ROOT, 'dist', 'node', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'xmime-cli-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], input?: Uint8Array | string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: input ?? '', maxBuffer: 1 << 26, cwd: tmp });
  return { code: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
}

const MAIL = utf8('From: Sam <sam@example.org>\r\nSubject: hi\r\n\r\nHello\r\n');
const mailFile = join(tmp, 'mail.eml');
writeFileSync(mailFile, MAIL);
const COMMANDS = ['encode', 'decode', 'verify', 'compose', 'extract', 'convert', 'help'];

/** The options each command's help lists. */
function helpOptions(cmd: string): string[] {
  return [...run(['help', cmd]).out.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
}

describe('pipes', () => {
  it('a closed pipe is a normal end: `xmime encode big.eml | head -1` exits 0 and prints nothing on stderr', async () => {
    const big = join(tmp, 'big.eml');
    writeFileSync(big, `Subject: big\r\n\r\n${'x'.repeat(70)}\r\n`.repeat(200_000));
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" encode "${big}" | head -c 10 >/dev/null`], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    // The same with stdout closed before the first write.
    const child = spawn(process.execPath, [CLI, 'encode', big], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((res) => child.on('close', res));
    expect([code, err]).toEqual([0, '']);
  });

  it('-o - writes to standard output, not to a file named "-"', () => {
    const r = run(['encode', mailFile, '-o', '-']);
    expect([r.code, r.out]).toEqual([0, toXml(MAIL)]);
    expect(existsSync(join(tmp, '-'))).toBe(false);
  });

  it('with a terminal on standard input and no FILE, says so instead of waiting', () => {
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" encode`, '/dev/null'], { encoding: 'utf8', timeout: 20_000, input: '' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('standard input is a terminal');
  });
});

describe('output errors name the output, never a temporary file', () => {
  it('a missing directory', () => {
    const out = join(tmp, 'no', 'such', 'out.eml');
    const r = run(['encode', mailFile, '-o', out]);
    expect([r.code, r.err]).toEqual([1, `xmime: cannot write ${out}: no such directory\n`]);
  });
  it('an output that is a directory fails before any work, and leaves nothing behind', () => {
    const d = join(tmp, 'adir');
    mkdirSync(d, { recursive: true });
    const r = run(['encode', mailFile, '-o', d]);
    expect([r.code, r.err]).toEqual([1, `xmime: cannot write ${d}: it is a directory\n`]);
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp'))).toEqual([]);
  });
  it('a missing input is named as the input', () => {
    const r = run(['encode', join(tmp, 'nope.eml'), '-o', join(tmp, 'x.xml')]);
    expect([r.code, r.err]).toEqual([1, `xmime: ${join(tmp, 'nope.eml')}: cannot read: no such file or directory\n`]);
    expect(existsSync(join(tmp, 'x.xml'))).toBe(false);
  });
});

describe('usage errors: one line and where to look, exit 2', () => {
  const cases: [string[], string][] = [
    [['encode', '--bogus'], 'xmime encode: unknown option --bogus\nSee "xmime encode --help".\n'],
    [['--bogus'], 'xmime: unknown option --bogus\nSee "xmime --help".\n'],
    [['encode', '-o'], 'xmime encode: option -o needs a value\nSee "xmime encode --help".\n'],
    [['encode', '--wire=yes'], 'xmime encode: option --wire takes no value\nSee "xmime encode --help".\n'],
    [['decode', '--wire'], 'xmime decode: --wire is not an option of decode (it is one of encode, verify, convert)\nSee "xmime decode --help".\n'],
    [['frobnicate'], 'xmime: unknown command "frobnicate"\nSee "xmime --help".\n'],
    [[], 'xmime: no command given\nSee "xmime --help".\n'],
    [['verify'], 'xmime verify: verify needs at least one path\nSee "xmime verify --help".\n'],
    [['encode', 'a', 'b'], 'xmime encode: encode takes one input file, not 2\nSee "xmime encode --help".\n'],
    [['decode', '--schemes', 'http'], 'xmime decode: --schemes needs --fetch\nSee "xmime decode --help".\n'],
  ];
  it.each(cases)('%j', (args, err) => {
    const r = run(args);
    expect([r.code, r.err, r.out]).toEqual([2, err, '']);
  });
});

describe('help', () => {
  it('`xmime CMD --help` and `xmime help CMD` show that command, `xmime help` the list', () => {
    for (const c of COMMANDS) {
      const a = run([c, '--help']);
      expect(a.code).toBe(0);
      expect(a.out.startsWith(`Usage: xmime ${c} `)).toBe(true);
      expect(run(['help', c]).out).toBe(a.out);
    }
    const g = run(['help']);
    expect(g.code).toBe(0);
    for (const c of COMMANDS) expect(g.out).toContain(`xmime ${c} `);
    expect(run(['--help']).out).toBe(g.out);
    expect(run(['help', 'nope']).code).toBe(2);
    expect(helpOptions('encode')).toEqual(['--output', '--wire', '--mbox', '--tree', '--variant', '--debug', '--help']);
    expect(helpOptions('decode')).toEqual(['--output', '--fetch', '--schemes', '--debug', '--help']);
  });
  it('help lines fit in 80 columns', () => {
    for (const c of ['--help', ...COMMANDS.map((c) => `${c} --help`)]) for (const l of run(c.split(' ')).out.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });
});

describe('verify', () => {
  it('follows a symbolic link that is named; counts the ones it skips inside directories', () => {
    const d = join(tmp, 'links');
    mkdirSync(d, { recursive: true });
    symlinkSync(mailFile, join(d, 'link.eml'));
    const named = run(['verify', join(d, 'link.eml')]);
    expect([named.code, named.out]).toEqual([0, '1 ok, 0 failed\n']);
    writeFileSync(join(d, 'real.eml'), MAIL);
    const walked = run(['verify', d]);
    expect([walked.code, walked.out]).toEqual([0, '1 ok, 0 failed\n']);
    expect(walked.err).toContain('skipped 1 symbolic link inside directories');
  });
  it('finding no file is a failure', () => {
    const d = join(tmp, 'empty-dir');
    mkdirSync(d, { recursive: true });
    const r = run(['verify', d]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('0 ok, 0 failed\n');
    expect(r.err).toContain('found no file to check');
  });
  it('notes files that do not look like mail (README, TSV, empty, binary), and still verifies them', () => {
    const d = join(tmp, 'mixed');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'README'), '# Notes\n\nSome text.\n');
    writeFileSync(join(d, 'list.tsv'), 'a\tb\n1\t2\n');
    writeFileSync(join(d, 'ok.eml'), MAIL);
    writeFileSync(join(d, 'mbox'), 'From sam@example.org Mon Jan  1 00:00:00 2024\nSubject: x\n\nhi\n');
    const r = run(['verify', d]);
    expect([r.code, r.out]).toEqual([0, '4 ok, 0 failed\n']);
    expect(r.err).toContain('2 files do not look like mail');
    expect(r.err).toContain('README');
    expect(r.err).not.toContain('mbox');
  });
});

describe('encode warns about input that is not mail, and still encodes it', () => {
  it.each([
    ['empty', '', 'it is empty'],
    ['binary', '\x7fELF\x02\x01\x01\x00\x00\x00', 'it looks binary'],
    ['text', 'just some words\n', 'it does not start with a header field'],
  ])('%s', (_, input, why) => {
    const r = run(['encode'], input);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`xmime: warning: <stdin>: ${why}`);
    expect(r.out).toBe(toXml(utf8(input)));
  });
  it('no warning for mail, an mbox message, or a header with white space before the colon', () => {
    for (const m of [MAIL, utf8('From sam Mon Jan  1 00:00:00 2024\nSubject: x\n\n'), utf8('Subject : x\r\n\r\n')]) expect(run(['encode'], m).err).toBe('');
  });
});

describe('decode and compose point at each other', () => {
  it('decode of minimal XMIME says to use compose', () => {
    const r = run(['decode', join(ROOT, 'fixtures', 'authoring', 'alternative.xml')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('<multipart> needs a boundary');
    expect(r.err).toContain('"xmime compose" turns it into MIME');
  });
  it('compose of encode output says to use decode', () => {
    const r = run(['compose', join(ROOT, 'fixtures', 'sam.eml')].slice(0, 1), toXml(new Uint8Array(readFileSync(join(ROOT, 'fixtures', 'sam.eml')))));
    expect(r.code).toBe(1);
    expect(r.err).toContain('"xmime decode" gives back its message');
  });
  it('no hint for a document that neither takes', () => {
    const r = run(['decode'], '<mime xmlns="urn:xmpp:xmime:0"><bogus/></mime>');
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('xmime compose');
  });
});

describe('the man page and the shell completions list every command and option', () => {
  const man = readFileSync(join(ROOT, 'man', 'xmime.1'), 'utf8').replaceAll('\\-', '-');
  const bash = readFileSync(join(ROOT, 'completions', 'xmime.bash'), 'utf8');
  const zsh = readFileSync(join(ROOT, 'completions', '_xmime'), 'utf8');
  it.each(COMMANDS)('%s', (c) => {
    expect(man).toMatch(new RegExp(`^\\.B xmime ${c}$`, 'm'));
    expect(bash).toMatch(new RegExp(`^ {4}${c}\\)`, 'm'));
    expect(zsh).toContain(`'${c}:`);
    const opts = helpOptions(c);
    for (const o of opts) {
      expect(man, `${c} ${o}`).toContain(o);
      if (c !== 'help') {
        expect(bash.split('\n').find((l) => l.startsWith(`    ${c})`)), `${c} ${o}`).toContain(o);
        const line = zsh.split('\n').find((l) => l.startsWith(`    ${c})`))!;
        expect(line.includes(o) || (['--debug', '--help'].includes(o) && line.includes('$common')), `${c} ${o}`).toBe(true);
      }
    }
  });
  it('bash completes commands and the options of the command being typed', () => {
    const complete = (words: string[]) =>
      spawnSync('bash', ['-c', `source "${join(ROOT, 'completions', 'xmime.bash')}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _xmime; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).stdout.trim();
    expect(complete(['xmime', 'ver'])).toBe('verify');
    expect(complete(['xmime', 'decode', '--s'])).toBe('--schemes');
    expect(complete(['xmime', 'verify', '--'])).toBe('--wire --stats --mbox --tree --variant --debug --help');
  });
  it('package.json installs the man page and ships the completions', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.man).toEqual(['./man/xmime.1']);
    expect(pkg.files).toEqual(expect.arrayContaining(['man', 'completions']));
  });
});

describe('compose', () => {
  it('a composed text ends with a line break, as a text file does', () => {
    const r = run(['compose'], '<mime xmlns="urn:xmpp:xmime:0"><headers><header name="Subject">hi</header></headers><text>Hallo Alex!</text></mime>');
    expect(r.code).toBe(0);
    expect(r.out.endsWith('\r\n\r\nHallo Alex!\r\n')).toBe(true);
  });
});
