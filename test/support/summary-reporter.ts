/**
 * Prints the line CI reads, "N passed, N failed", and before it one line
 * saying what was skipped and why (the skip notes, else the files), so a skip
 * is never silent. Under CI (.ci/run sets CI) a skipped test counts as failed:
 * CI must not pass by skipping.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0, failed = errors.length, skipped = 0;
    const why = new Map<string, number>();
    for (const m of modules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') failed++;
        else {
          skipped++;
          const note = (r.state === 'skipped' && r.note) || `${t.options.mode === 'todo' ? 'todo' : 'skipped'} in ${m.moduleId.replace(/^.*?\/test\//, 'test/')}`;
          why.set(note, (why.get(note) ?? 0) + 1);
        }
      }
    }
    if (skipped > 0) {
      const reasons = [...why].map(([note, n]) => `${n} × ${note}`).join('; ');
      process.stdout.write(`\n${skipped} skipped${process.env.CI ? ' (CI is set: counted as failed)' : ''}: ${reasons}\n`);
      if (process.env.CI) failed += skipped;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
