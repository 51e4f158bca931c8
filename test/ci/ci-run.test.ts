/**
 * .ci/run itself: it must go red, and say why, whenever a suite it should run
 * did not run in full. Runs the real script in a scratch copy of the
 * repository whose `npm` is a stub printing canned suite output, so the
 * script's checks are tested without running the suites.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'xmime-ci-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The suites .ci/run runs and the number of tests each is recorded to pass. */
const MIN = Object.fromEntries([...readFileSync(join(ROOT, '.ci', 'run'), 'utf8').matchAll(/^run_suite (\S+) (\d+)/gm)].map((m) => [m[1], Number(m[2])]));
const TOTAL = Object.values(MIN).reduce((a, b) => a + b, 0);
/** Suite outputs at exactly their recorded minimums. */
const GREEN: Record<string, string> = Object.fromEntries(Object.entries(MIN).map(([k, v]) => [k, `${v} passed, 0 failed`]));

let n = 0;
/** Runs .ci/run with the stubbed suites' output (`out`, missing = no summary line) and exit codes; returns its exit status and output. */
function ciRun(out: Record<string, string | null>, opts: { corpusMails?: number | null; rc?: Record<string, number> } = {}): { status: number; text: string } {
  const repo = join(scratch, `r${n++}`), bin = join(repo, 'stub-bin');
  mkdirSync(join(repo, '.ci'), { recursive: true });
  mkdirSync(bin);
  copyFileSync(join(ROOT, '.ci', 'run'), join(repo, '.ci', 'run'));
  for (const [script, text] of Object.entries(out)) {
    if (text !== null) writeFileSync(join(bin, `${script}.out`), `some output\n${text}\n`);
    writeFileSync(join(bin, `${script}.rc`), String(opts.rc?.[script] ?? (text === null || !/ 0 failed$/.test(text) ? 1 : 0)));
  }
  // npm ci succeeds; npm run X prints X.out and exits with X.rc.
  writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\n[ "$1" = ci ] && exit 0\nd=$(dirname "$0")\ncat "$d/$2.out" 2>/dev/null\nexit $(cat "$d/$2.rc" 2>/dev/null || echo 1)\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  let corpus = join(repo, 'no-corpus-here');
  if (opts.corpusMails !== null) {
    corpus = join(repo, 'corpus');
    mkdirSync(corpus);
    for (let i = 0; i < (opts.corpusMails ?? 1065); i++) writeFileSync(join(corpus, `${i}.eml`), '');
  }
  const r = spawnSync('bash', ['-c', `'${join(repo, '.ci', 'run')}' 2>&1`], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, XMIME_CORPUS: corpus, CI: '' },
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, text: r.stdout };
}

const last = (t: string) => t.trim().split('\n').pop();

describe('.ci/run', () => {
  it('runs the ten suites', () => {
    expect(Object.keys(MIN)).toEqual(['test', 'fuzz:ci', 'conformance', 'conformance:py', 'conformance:py-corpus', 'test:slow', 'test:package', 'test:browser', 'test:xmpp', 'test:xml-tools']);
  });

  it('is green when every suite runs in full', () => {
    const r = ciRun(GREEN);
    expect([r.status, last(r.text)]).toEqual([0, `${TOTAL} passed, 0 failed`]);
    expect(r.text).not.toContain('CI is red');
  });

  it('is red, saying why, without the corpus', () => {
    const r = ciRun(GREEN, { corpusMails: null });
    expect(r.status).toBe(1);
    expect(r.text).toMatch(/CI is red:\n {2}- no corpus at .*no-corpus-here/);
    expect(last(r.text)).toBe(`${TOTAL} passed, 1 failed`);
  });

  it('is red with a corpus that is not the whole corpus', () => {
    const r = ciRun(GREEN, { corpusMails: 1064 });
    expect(r.status).toBe(1);
    expect(r.text).toContain('holds 1064 mails, not 1065');
  });

  it('is red when a suite skips a test, and repeats the reason', () => {
    const r = ciRun({ ...GREEN, 'test:browser': '8 skipped: 8 × Chromium did not launch (/bin/false)\n\n0 passed, 0 failed' });
    expect(r.status).toBe(1);
    expect(r.text).toContain('npm run test:browser: 8 skipped: 8 × Chromium did not launch (/bin/false)');
    expect(r.text).toContain(`npm run test:browser passed 0 tests, fewer than the ${MIN['test:browser']} it is recorded to run`);
  });

  it('stays green on a runner\'s bare "N skipped" (vectors of kinds not asked for), red on a reasoned skip under CI', () => {
    const kinds = ciRun({ ...GREEN, 'conformance:py': `221 skipped\n${GREEN['conformance:py']}` });
    expect(kinds.status).toBe(0);
    const ci = ciRun({ ...GREEN, test: `3 skipped (CI is set: counted as failed): 3 × no corpus\n\n${MIN.test} passed, 3 failed` });
    expect(ci.status).toBe(1);
    expect(ci.text).toContain('npm run test: 3 skipped (CI is set: counted as failed): 3 × no corpus');
  });

  it('is red when a suite passes fewer tests than recorded', () => {
    const r = ciRun({ ...GREEN, test: `${MIN.test - 1} passed, 0 failed` });
    expect(r.status).toBe(1);
    expect(r.text).toContain(`npm run test passed ${MIN.test - 1} tests, fewer than the ${MIN.test} it is recorded to run`);
  });

  it('is red when a suite fails, or prints no summary (prosody could not start)', () => {
    const failed = ciRun({ ...GREEN, 'fuzz:ci': `${MIN['fuzz:ci'] - 1} passed, 1 failed` });
    expect([failed.status, last(failed.text)]).toEqual([1, `${TOTAL - 1} passed, 1 failed`]);
    const none = ciRun({ ...GREEN, 'test:xmpp': null });
    expect(none.status).toBe(1);
    expect(none.text).toContain("npm run test:xmpp printed no 'N passed, N failed' line");
  });

  it('is red when a suite exits with an error even though its line says 0 failed', () => {
    const r = ciRun(GREEN, { rc: { test: 1 } });
    expect(r.status).toBe(1);
    expect(r.text).toContain('npm run test exited with an error');
  });
});
