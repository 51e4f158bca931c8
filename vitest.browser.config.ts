import { defineConfig } from 'vitest/config';

// Embedding in headless Chromium (npm run test:browser). The files end in
// .browser.ts so that the default `vitest run` (test/**/*.test.ts) leaves them out.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    // Node's side registers the CJK charset indexes, as the Node entry does.
    setupFiles: ['test/support/charset-tables.ts'],
    testTimeout: 60_000,
    hookTimeout: 400_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
