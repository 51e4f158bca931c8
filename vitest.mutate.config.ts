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
  encode: ['test/encode/**/*.test.ts'],
  writer: ['test/encode/xml-writer.test.ts'], // the XML writer's own, without the megabyte-sized pieces tests
  views: ['test/views/**/*.test.ts'],
  // Only in a whole run: properties over both directions and the core's scans.
  more: ['test/conformance/roundtrip.property.test.ts', 'test/core/**/*.test.ts'],
};
const side = process.env.XMIME_MUTATE_TESTS ?? 'all';
// A side, or a comma-separated list of the suites above (e.g. "vectors" alone).
const SIDES: Record<string, string[]> = { decode: ['vectors', 'decode'], encode: ['vectors', 'encode'], views: ['vectors', 'views'], all: Object.keys(SUITES) };
const include = SIDES[side] ?? side.split(',');
if (!include.every((k) => k in SUITES)) throw new Error(`XMIME_MUTATE_TESTS must be one of ${Object.keys(SIDES)} or suites of ${Object.keys(SUITES)}, not ${side}`);

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
