import { defineConfig } from 'vitest/config';

const tty = process.stdout.isTTY === true;

// `npm run test:package`: what npm users get (publint, attw, typedoc, the examples against the packed
// tarball, bundle sizes). It packs the package, so it is a suite of its own; CI runs it after `npm test`.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: [tty ? 'default' : 'dot', './test/support/summary-reporter.ts'],
  },
});
