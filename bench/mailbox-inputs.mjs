// Builds the scale inputs of bench/mailbox.sh in a scratch directory (never in the repo):
//   big.mbox  — corpus messages written as mboxrd (MboxWriter) until the file reaches SIZE bytes;
//   maildir/  — a Maildir with N message files (corpus messages, cycled) in cur/ and new/, flags in names.
// Usage: node bench/mailbox-inputs.mjs OUTDIR [SIZE_BYTES] [N]
import { createWriteStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MboxWriter, separatorLine } from '../dist/index.js';

const [out, sizeArg, nArg] = process.argv.slice(2);
const SIZE = Number(sizeArg ?? 1 << 30), N = Number(nArg ?? 100000);
const corpus = process.env.XMIME_CORPUS ?? new URL('../../shared/corpus', import.meta.url).pathname;
const files = [];
(function walk(d) {
  for (const f of readdirSync(d).sort()) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith('.eml')) files.push(p);
  }
})(corpus);
const mails = files.map((f) => new Uint8Array(readFileSync(f))).filter((m) => m.length < 4 << 20);
mkdirSync(out, { recursive: true });

const ws = createWriteStream(join(out, 'big.mbox'));
let written = 0, count = 0;
const w = new MboxWriter((c) => {
  written += c.length;
  if (!ws.write(c)) pending = true;
});
let pending = false;
for (let i = 0; written < SIZE; i++) {
  w.add(mails[i % mails.length], separatorLine(`sender${i % 97}@example.org`, new Date(1e12 + i * 1000)));
  count++;
  if (pending) {
    await new Promise((r) => ws.once('drain', r));
    pending = false;
  }
}
w.end();
await new Promise((r) => ws.end(r));
writeFileSync(join(out, 'big.count'), String(count));

const md = join(out, 'maildir');
for (const s of ['cur', 'new', 'tmp']) mkdirSync(join(md, s), { recursive: true });
const small = mails.filter((m) => m.length < 64 << 10);
for (let i = 0; i < N; i++) {
  const name = i % 4 === 0 ? `new/${1700000000 + i}.M${i}P1.host` : `cur/${1700000000 + i}.M${i}P1.host,S=${small[i % small.length].length}:2,${['S', 'RS', 'FS'][i % 3]}`;
  writeFileSync(join(md, name), small[i % small.length]);
}
writeFileSync(join(md, 'dovecot-uidlist'), 'V1 1700000000 1\n');
console.log(`big.mbox: ${written} bytes, ${count} messages; maildir: ${N} messages`);
