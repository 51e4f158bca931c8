import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.fuzz.ts'],
    testTimeout: 24 * 3600_000,
    globalSetup: ['./test/support/fc-seed.global.ts'],
    setupFiles: ['./test/support/fc-seed.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
