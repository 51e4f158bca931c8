// Two builds of xmime side by side in one process, timed in interleaved
// passes (the order alternating), so that machine drift hits both alike:
//   A=/path/to/old/dist B=/path/to/new/dist node bench/ab-builds.mjs
// Prints the median time of each operation per build and the ratio B/A, for
// the bench's 500 small mails, its attachment mail and the corpus (if found). It checks
// first that both builds write the same documents and give the bytes back: it is for
// changes that must not change output (a refactoring), and stops otherwise.
// SETS=small,attach,corpus chooses the sets (default: all three).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateInputs } from './inputs.js';

const A = await import(join(process.env.A ?? 'dist', 'index.node.js'));
const B = await import(join(process.env.B ?? 'dist', 'index.node.js'));
const inp = generateInputs(500);
const corpusDir = process.env.XMIME_CORPUS ?? new URL('../../shared/corpus', import.meta.url).pathname;
const corpus = [];
const walk = (d) => { for (const f of readdirSync(d, { withFileTypes: true })) { const p = join(d, f.name); if (f.isDirectory()) walk(p); else if (!/\.(md|tsv)$/.test(f.name)) corpus.push(new Uint8Array(readFileSync(p))); } };
if (existsSync(corpusDir)) walk(corpusDir);
const all = { small: inp.small, attach: [inp.attach], ...(corpus.length ? { corpus } : {}) };
// SETS=small,corpus picks sets (e.g. when an old build writes other documents for one of them).
const sets = process.env.SETS ? Object.fromEntries(process.env.SETS.split(',').map((k) => [k, all[k]])) : all;
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const [name, mails] of Object.entries(sets)) {
  for (const readable of [true, false]) {
    const opt = { readable };
    const xmls = mails.map((m) => A.toXml(m, opt));
    // Check first: both builds give the same documents and the same bytes back.
    for (let i = 0; i < mails.length; i++) {
      if (B.toXml(mails[i], opt) !== xmls[i]) throw new Error(`${name} ${i}: the builds write different documents`);
      if (Buffer.compare(Buffer.from(B.toMime(xmls[i])), Buffer.from(mails[i])) !== 0) throw new Error(`${name} ${i}: not byte-exact`);
    }
    const t = { encA: [], encB: [], decA: [], decB: [] };
    for (let p = 0; p < 12; p++) {
      for (const [k, M] of p % 2 ? [['A', A], ['B', B]] : [['B', B], ['A', A]]) {
        let s = performance.now();
        for (const m of mails) M.toXml(m, opt);
        t['enc' + k].push(performance.now() - s);
        s = performance.now();
        for (const x of xmls) M.toMime(x);
        t['dec' + k].push(performance.now() - s);
      }
    }
    const row = (op) => `${op} ${med(t[op + 'A']).toFixed(1)} -> ${med(t[op + 'B']).toFixed(1)} ms (${(med(t[op + 'B']) / med(t[op + 'A'])).toFixed(2)}x)`;
    console.log(`${name.padEnd(7)} ${readable ? 'readable' : 'wire    '}  ${row('enc')}   ${row('dec')}`);
  }
}
