import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The XMPP end-to-end tests need services: `npm run test:xmpp` runs them.
    exclude: ['test/xmpp/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/support/fc-seed.global.ts'],
    setupFiles: ['./test/support/fc-seed.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
