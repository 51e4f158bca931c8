import { defineConfig } from 'vitest/config';

const tty = process.stdout.isTTY === true;

// `npm run test:slow`: suites too slow or too big for the default `npm test` (CI runs both).
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 600_000,
    reporters: [tty ? 'default' : 'dot', './test/support/summary-reporter.ts'],
  },
});
