import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (npm run mutate): the focused
// suites of the codec core, which import src/ directly and run in seconds. A
// mutant must be killed by a focused test, not only by the corpus; the CLI
// tests run the built dist/ and never see a mutant; the API suites (embed,
// external, message, authoring) and the big-input timing tests (hostile-mime)
// cost more per run than a shared 2-core machine allows for every mutant.
export default defineConfig({
  test: {
    include: [
      'test/conformance/conformance.test.ts',
      'test/conformance/roundtrip.property.test.ts',
      'test/conformance/spec-examples.test.ts',
      'test/decode/**/*.test.ts',
      'test/encode/**/*.test.ts',
      'test/views/**/*.test.ts',
      'test/core/**/*.test.ts',
    ],
    globalSetup: ['./test/support/fc-seed.global.ts'],
    setupFiles: ['test/support/charset-tables.ts', './test/support/fc-seed.ts'],
    // No corpus (its tests skip) and no CI (so skipping is allowed): mutants are for the focused tests.
    // XMIME_MUTATION: timeRatio() measures nothing (instrumented code on a shared machine has no meaningful times).
    env: { XMIME_CORPUS: '/nonexistent/xmime-mutation-testing-runs-without-the-corpus', CI: '', XMIME_MUTATION: '1', XMIME_FC_SEED: '20261208' },
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
