import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant (npm run mutate): the focused
// suites of the codec core, which import src/ directly and run in seconds. A
// mutant must be killed by a focused test, not only by the corpus; the CLI
// tests run the built dist/ and never see a mutant; the API suites (embed,
// external, message, authoring) and the big-input timing tests (hostile-mime)
// cost more per run than a shared 2-core machine allows for every mutant.
//
// XMIME_MUTATE_TESTS narrows the tests to one side of the pipeline (npm run mutate
// sets it from the files it mutates): a decode-side mutant must be killed by the
// decoder's own tests and the conformance vectors, not by an encoder test that
// happens to decode. Every decode mutant meets every decode test, so the
// encoder's megabyte-sized tests would otherwise multiply the cost of each one.
const SUITES: Record<string, string[]> = {
  vectors: ['test/conformance/conformance.test.ts', 'test/conformance/spec-examples.test.ts'],
  decode: ['test/decode/**/*.test.ts'],
  encode: ['test/conformance/roundtrip.property.test.ts', 'test/encode/**/*.test.ts', 'test/core/**/*.test.ts'],
  views: ['test/views/**/*.test.ts'],
};
const side = process.env.XMIME_MUTATE_TESTS ?? 'all';
const include = { decode: ['vectors', 'decode'], encode: ['vectors', 'encode', 'views'], views: ['vectors', 'views'], all: Object.keys(SUITES) }[side];
if (include === undefined) throw new Error(`XMIME_MUTATE_TESTS must be decode, encode, views or all, not ${side}`);

export default defineConfig({
  test: {
    include: include.flatMap((k) => SUITES[k]),
    globalSetup: ['./test/support/fc-seed.global.ts'],
    setupFiles: ['test/support/charset-tables.ts', './test/support/fc-seed.ts'],
    // No corpus (its tests skip) and no CI (so skipping is allowed): mutants are for the focused tests.
    // XMIME_MUTATION: timeRatio() measures nothing (instrumented code on a shared machine has no meaningful times).
    env: { XMIME_CORPUS: '/nonexistent/xmime-mutation-testing-runs-without-the-corpus', CI: '', XMIME_MUTATION: '1', XMIME_FC_SEED: '20261208' },
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
