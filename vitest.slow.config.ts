import { defineConfig } from 'vitest/config';

// `npm run test:slow`: suites too slow or too big for the default `npm test` (CI runs both).
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 600_000,
    reporters: [process.stdout.isTTY ? 'default' : 'dot', './test/support/summary-reporter.ts'],
  },
});
