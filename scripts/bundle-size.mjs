#!/usr/bin/env node
// Bundle sizes as test/package/package.test.ts measures them (esbuild,
// minified, browser ESM; gzip level 9), from the sources, with the largest
// inputs of each bundle (esbuild metafile: bytes each file adds to the output).
//   node scripts/bundle-size.mjs [--top N]
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 12;
const entries = {
  'toXml + toMime': `export { toXml, toMime } from './src/index.ts';`,
  'whole API': `export * from './src/index.ts';`,
};
for (const [what, contents] of Object.entries(entries)) {
  const r = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent',
  });
  const b = r.outputFiles[0].contents;
  console.log(`${what}: ${b.length} B minified, ${gzipSync(b, { level: 9 }).length} B gzipped`);
  const inputs = Object.entries(Object.values(r.metafile.outputs)[0].inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [f, i] of inputs.slice(0, top)) console.log(`  ${String(i.bytesInOutput).padStart(7)}  ${f}`);
}
