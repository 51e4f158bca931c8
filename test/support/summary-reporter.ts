/**
 * Prints the line CI reads, "N passed, N failed", and before it one line
 * saying what was skipped and why (the skip notes, else the files), so a skip
 * is never silent. Under CI (.ci/run sets CI) a skipped test counts as failed:
 * CI must not pass by skipping. The default `npm test` run also names the
 * suites that run separately.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { corpusDir } from './helpers.js';

export default class SummaryReporter implements Reporter {
  private main = false;

  onInit(ctx: Vitest): void {
    // The default `npm test` run (vitest.config.ts) leaves some suites to scripts of their own.
    this.main = ctx.config.include.some((p) => p === 'test/**/*.test.ts');
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0, failed = errors.length, skipped = 0;
    const why = new Map<string, number>();
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') failedHere++;
        else {
          skipped++;
          const note = (r.state === 'skipped' && r.note) || `${t.options.mode === 'todo' ? 'todo' : 'skipped'} in ${m.moduleId.replace(/^.*?\/test\//, 'test/')}`;
          why.set(note, (why.get(note) ?? 0) + 1);
        }
      }
      // A file that failed with no failed test (a syntax error, a failing beforeAll that skipped its tests) is one failure.
      failed += m.state() === 'failed' && failedHere === 0 ? 1 : failedHere;
    }
    if (skipped > 0) {
      const reasons = [...why].map(([note, n]) => `${n} × ${note}`).join('; ');
      const corpus = corpusDir() === null ? ' (no mail corpus: set XMIME_CORPUS=DIR, or put it in ../shared/corpus)' : '';
      process.stdout.write(`\n${skipped} skipped${process.env.CI ? ' (CI is set: counted as failed)' : ''}${corpus}: ${reasons}\n`);
      if (process.env.CI) failed += skipped;
    }
    if (this.main) process.stdout.write('not part of npm test: npm run test:slow (256 MiB streaming), test:package (publint, attw, typedoc, examples, bundle sizes), test:browser, test:xmpp, test:xml-tools, fuzz\n');
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
