import { defineConfig } from 'vitest/config';

// Redirected output (a log, CI) gets the compact reporter (and, through scripts/vitest.mjs, no colours).
const tty = process.stdout.isTTY === true;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The XMPP end-to-end tests need services: `npm run test:xmpp` runs them.
    exclude: ['test/xmpp/**', 'node_modules/**', 'test/**/*.slow.test.ts', 'test/package/**'],
    // The CJK charset indexes, as the Node entry registers them (tests import src/ modules directly).
    setupFiles: ['test/support/charset-tables.ts', './test/support/fc-seed.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ['./test/support/fc-seed.global.ts'],
    reporters: [tty ? 'default' : 'dot', './test/support/summary-reporter.ts'],
  },
});
