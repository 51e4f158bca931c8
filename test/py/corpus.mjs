#!/usr/bin/env node
// The second decoder (test/py/xmime_decode.py) over the corpus: xmime encodes
// every corpus mail in readable and in wire form into a temporary directory,
// and the Python decoder, written from the spec alone, must give back every
// byte. Prints its "N passed, N failed" line. Corpus: $XMIME_CORPUS, else
// ../shared/corpus; without it, says so and passes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toXml } from 'xmime';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const corpus = process.env.XMIME_CORPUS ?? resolve(root, '../shared/corpus');
if (!existsSync(corpus)) {
  // The skip line .ci/run reads; under CI (which must not pass by skipping) it is a failure.
  console.log(`\n1 skipped: no corpus at ${corpus} (set XMIME_CORPUS)`);
  console.log(process.env.CI ? '0 passed, 1 failed' : '0 passed, 0 failed');
  process.exit(process.env.CI ? 1 : 0);
}
function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (!/\.(md|tsv|json)$/i.test(name)) yield p;
  }
}
const out = mkdtempSync(join(tmpdir(), 'xmime-py-corpus-'));
try {
  const list = [];
  let n = 0;
  for (const p of files(corpus)) {
    const mime = readFileSync(p);
    for (const readable of [true, false]) {
      const x = join(out, `${n++}.xml`);
      writeFileSync(x, toXml(mime, { readable }));
      list.push(`${p}\t${x}`);
    }
  }
  writeFileSync(join(out, 'list.tsv'), list.join('\n') + '\n');
  const r = spawnSync('python3', [join(root, 'test/py/xmime_decode.py'), '--pairs', join(out, 'list.tsv')], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
