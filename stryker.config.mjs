// @ts-check
// Mutation testing of the codec's core (npm run mutate). Incremental: a rerun
// tests only mutants in code or tests that changed since the last run here.
// The incremental file stays local (reports/, gitignored): it holds a copy of
// every test file and mutated source, goes stale with every merge, and would
// conflict on every branch; test/MUTATION.md is the committed record.
// Concurrency stays at 2: the machine is shared.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // The core pipeline, both ways (charset.ts is left out while it is being rewritten).
  mutate: [
    'src/encode/mime-tokenizer.ts',
    'src/encode/readable-stage.ts',
    'src/encode/xml-writer.ts',
    'src/decode/xml-tokenizer.ts',
    'src/decode/xml-input.ts',
    'src/decode/xml-syntax.ts',
    'src/decode/xmime-reader.ts',
    'src/decode/wire-stage.ts',
    'src/decode/mime-writer.ts',
    'src/views/transfer.ts',
  ],
  // Static mutants (module-level code: tables built at load time) would run every test of the
  // config for each mutant, minutes apiece on a shared 2-core machine; they are reported as
  // Ignored and tested by the focused tests that read those tables directly.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: Number(process.env.XMIME_MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 10_000, // on top of 1.5 x the covering tests' own time
  dryRunTimeoutMinutes: 30, // the first run, with coverage, over a loaded shared machine
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
