/**
 * Prints the line CI reads: "N passed, N failed" (skipped tests are neither),
 * and before it one line saying what was skipped and how to run it.
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
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failedHere++;
        else if (s === 'skipped') skipped++;
      }
      // A file that failed with no failed test (a syntax error, a failing beforeAll that skipped its tests) is one failure.
      failed += m.state() === 'failed' && failedHere === 0 ? 1 : failedHere;
    }
    const notes: string[] = [];
    if (skipped > 0) notes.push(`${skipped} tests skipped${corpusDir() === null ? ' (no mail corpus: set XMIME_CORPUS=DIR, or put it in ../shared/corpus)' : ''}`);
    if (this.main) notes.push('not part of npm test: npm run test:slow (256 MiB streaming), test:package (publint, attw, typedoc, examples, bundle sizes), test:browser, test:xmpp, fuzz');
    process.stdout.write(`\n${notes.length > 0 ? `${notes.join('; ')}\n` : ''}${passed} passed, ${failed} failed\n`);
  }
}
