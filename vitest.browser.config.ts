import { defineConfig } from 'vitest/config';

// Embedding in headless Chromium (npm run test:browser). The files end in
// .browser.ts so that the default `vitest run` (test/**/*.test.ts) leaves them out.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
