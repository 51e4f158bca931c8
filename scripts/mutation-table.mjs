#!/usr/bin/env node
// Prints the per-file score table and the surviving mutants of the `npm run mutate` runs
// (every reports/mutation/*.json: a whole run writes mutation.json, a narrowed run its own
// file), for test/MUTATION.md. Reports are merged oldest first, so a mutant tested again in
// a later run shows its latest status.
import { readdirSync, readFileSync, statSync } from 'node:fs';

const dir = new URL('../reports/mutation/', import.meta.url);
const reports = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => new URL(f, dir))
  .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
const files = new Map();
for (const r of reports) {
  for (const [file, { mutants, source }] of Object.entries(JSON.parse(readFileSync(r, 'utf8')).files)) {
    const f = files.get(file) ?? { source, mutants: new Map() };
    if (f.source !== source) f.mutants.clear(); // the file changed since: only the newer run counts
    f.source = source;
    for (const m of mutants) f.mutants.set(`${m.location.start.line}:${m.location.start.column}:${m.mutatorName}:${m.replacement}`, m);
    files.set(file, f);
  }
}
const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
console.log('| file | mutants | killed | timed out | survived | no coverage | ignored (static) | score |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
const survivors = [];
for (const [file, { mutants: byKey, source }] of [...files].sort()) {
  const mutants = [...byKey.values()];
  const c = (s) => mutants.filter((m) => m.status === s).length;
  const valid = mutants.filter((m) => VALID.has(m.status)).length;
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const score = valid ? ((100 * detected) / valid).toFixed(1) : '-';
  console.log(`| ${file} | ${mutants.length} | ${c('Killed')} | ${c('Timeout')} | ${c('Survived')} | ${c('NoCoverage')} | ${c('Ignored')} | ${score}% |`);
  const lines = source.split('\n');
  for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage').sort((a, b) => a.location.start.line - b.location.start.line)) {
    const l = m.location.start.line;
    const { start, end } = m.location;
    const original = start.line === end.line ? lines[l - 1].slice(start.column - 1, end.column - 1) : lines[l - 1].trim();
    survivors.push(`- ${file}:${l} ${m.status} ${m.mutatorName}: \`${original.replace(/\s+/g, ' ').slice(0, 110)}\` → \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}\``);
  }
}
console.log('\nSurvivors:\n' + (survivors.join('\n') || '(none)'));
