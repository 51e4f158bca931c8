import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.fuzz.ts'],
    setupFiles: ['test/support/charset-tables.ts'],
    testTimeout: 24 * 3600_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
