#!/usr/bin/env node
// Proves a refactoring changed no output: writes one line per input (corpus
// mails and fixtures) with the SHA-256 of toXml in readable and in wire form,
// and of toMime of the readable document. Compare two runs with diff:
//   node scripts/output-digest.mjs > before.tsv   (on the old commit, built)
//   node scripts/output-digest.mjs > after.tsv && diff before.tsv after.tsv
// Corpus: $XMIME_CORPUS, else ../shared/corpus.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toMime, toXml } from 'xmime'; // the package's own entry, wherever it lives

const root = resolve(fileURLToPath(import.meta.url), '../..');
const corpus = process.env.XMIME_CORPUS ?? resolve(root, '../shared/corpus');

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (!/\.(xml|md|tsv|rng|json)$/i.test(name)) yield p;
  }
}

const sha = (b) => createHash('sha256').update(b).digest('hex').slice(0, 16);
const inputs = [...files(join(root, 'fixtures'))];
if (existsSync(corpus)) inputs.push(...files(corpus));
else process.stderr.write(`no corpus at ${corpus}: fixtures only\n`);
let n = 0;
for (const p of inputs) {
  const mime = readFileSync(p);
  const row = [relative(root, p)];
  try {
    const xml = toXml(mime);
    row.push(sha(xml), sha(toXml(mime, { readable: false })), sha(toMime(xml)));
  } catch (e) {
    row.push(`error ${e.code ?? e.message}`);
  }
  process.stdout.write(row.join('\t') + '\n');
  n++;
}
process.stderr.write(`${n} inputs\n`);
