import { defineConfig } from 'vitest/config';

// The XML processor matrix (npm run test:xml-tools): xmllint, xsltproc, lxml,
// ElementTree, Saxon-HE, BaseX, xmldom, fast-xml-parser, ltx and Chromium over
// the corpus and generated edge cases. The files end in .xmltools.ts so that
// the default `vitest run` (test/**/*.test.ts) leaves them out.
export default defineConfig({
  test: {
    include: ['test/xml-tools/**/*.xmltools.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
