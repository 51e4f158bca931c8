import { defineConfig } from 'vitest/config';

// End-to-end tests against real services; run through scripts/xmpp-services.sh (npm run test:xmpp).
export default defineConfig({
  test: {
    include: ['test/xmpp/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false, // the tests share one prosody and its accounts
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
