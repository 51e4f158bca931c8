import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.fuzz.ts'],
    setupFiles: ['test/support/charset-tables.ts', './test/support/fc-seed.ts'],
    testTimeout: 24 * 3600_000,
    globalSetup: ['./test/support/fc-seed.global.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
