import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (npm run mutate). Only suites
// that import src/ directly and run in seconds: a mutant must be killed by a
// focused test, not by the corpus (test/conformance/corpus.test.ts) or by the
// CLI tests, which run the built dist/ and so never see a mutant.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/xmpp/**',
      'node_modules/**',
      'test/conformance/corpus.test.ts',
      'test/node/cli.test.ts',
      'test/architecture.test.ts',
      'test/api/authoring.test.ts', // compose() and Python, in beforeAll: every mutant would count as static
    ],
    globalSetup: ['./test/support/fc-seed.global.ts'],
    setupFiles: ['./test/support/fc-seed.ts'],
    // No corpus (its tests skip) and no CI (so skipping is allowed): mutants are for the focused tests.
    // XMIME_MUTATION: timeRatio() measures nothing (instrumented code on a shared machine has no meaningful times).
    env: { XMIME_CORPUS: '/nonexistent/xmime-mutation-testing-runs-without-the-corpus', CI: '', XMIME_MUTATION: '1' },
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
