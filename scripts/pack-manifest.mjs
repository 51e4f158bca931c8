#!/usr/bin/env node
// `npm pack`/`npm publish` hooks: the published package.json has no `prepare`
// script (a consumer's npm would list it as an install script to approve; it
// only builds a git clone, see the README's quick start). `strip` keeps the
// original beside it, `restore` puts it back.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const PKG = new URL('../package.json', import.meta.url);
const KEPT = new URL('../.package.json.unpacked', import.meta.url);
const [cmd] = process.argv.slice(2);
if (cmd === 'strip') {
  if (!existsSync(KEPT)) writeFileSync(KEPT, readFileSync(PKG));
  const pkg = JSON.parse(readFileSync(KEPT, 'utf8'));
  delete pkg.scripts.prepare;
  writeFileSync(PKG, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (cmd === 'restore') {
  if (existsSync(KEPT)) renameSync(KEPT, PKG);
} else {
  console.error('usage: pack-manifest.mjs strip|restore');
  process.exit(2);
}
