#!/usr/bin/env node
// npm run mutate: StrykerJS over the codec core (stryker.config.mjs).
// StrykerJS 10 declares Node >= 22 and its CLI refuses older versions; the
// project supports Node 20, where its programmatic API runs fine, so this
// starts it through that API (by file: the package entry loads the CLI, whose
// first statement is the version check). Arguments are mutate globs that
// narrow the run.
import { Stryker } from '../node_modules/@stryker-mutator/core/dist/src/stryker.js';
import config from '../stryker.config.mjs';

const only = process.argv.slice(2);
// A narrowed run keeps its own incremental file and JSON report (named after its arguments), so
// narrowed runs of different files do not overwrite each other's results; scripts/mutation-table.mjs
// merges every report in reports/mutation/.
const name = only.map((a) => a.replace(/^src\//, '').replace(/[^A-Za-z0-9.-]+/g, '_')).join('+');
const named = only.length
  ? {
      mutate: only,
      incrementalFile: `reports/incremental/${name}.json`,
      jsonReporter: { fileName: `reports/mutation/${name}.json` },
      htmlReporter: { fileName: `reports/mutation/${name}.html` },
    }
  : {};
// The tests each mutant meets (vitest.mutate.config.ts): the side of the pipeline the files are on.
if (process.env.XMIME_MUTATE_TESTS === undefined && only.length) {
  const sides = new Set(only.map((a) => (a.startsWith('src/decode/') ? 'decode' : a.startsWith('src/views/') ? 'views' : a.startsWith('src/encode/') ? 'encode' : 'all')));
  process.env.XMIME_MUTATE_TESTS = sides.size === 1 ? [...sides][0] : 'all';
}
console.log(`tests: ${process.env.XMIME_MUTATE_TESTS ?? 'all'} (vitest.mutate.config.ts)`);
const stryker = new Stryker({ ...config, ...named });
const results = await stryker.runMutationTest();
const counts = {};
for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
console.log('mutants by status:', JSON.stringify(counts));
