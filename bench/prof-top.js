// Top self-time functions of a V8 .cpuprofile (as written by node --cpu-prof).
//   node bench/prof-top.js FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [file, nArg] = process.argv.slice(2);
const N = Number(nArg) || 15;
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  const cf = byId.get(prof.samples[i]).callFrame;
  const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? basename(cf.url) + ':' + (cf.lineNumber + 1) : ''}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, N);
console.log(`${basename(file)}: ${(total / 1000).toFixed(0)} ms sampled`);
for (const [k, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
