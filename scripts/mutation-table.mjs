#!/usr/bin/env node
// Prints the per-file score table and the surviving mutants of the last
// `npm run mutate` (reports/mutation/mutation.json), for test/MUTATION.md.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(new URL('../reports/mutation/mutation.json', import.meta.url), 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
console.log('| file | mutants | killed | timed out | survived | no coverage | ignored | score |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
const survivors = [];
for (const [file, { mutants, source }] of Object.entries(report.files)) {
  const c = (s) => mutants.filter((m) => m.status === s).length;
  const valid = mutants.filter((m) => VALID.has(m.status)).length;
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const score = valid ? ((100 * detected) / valid).toFixed(1) : '-';
  console.log(`| ${file} | ${mutants.length} | ${c('Killed')} | ${c('Timeout')} | ${c('Survived')} | ${c('NoCoverage')} | ${c('Ignored')} | ${score}% |`);
  const lines = source.split('\n');
  for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
    const l = m.location.start.line;
    survivors.push(`- ${file}:${l} ${m.status} ${m.mutatorName}: \`${lines[l - 1].trim().slice(0, 110)}\` → \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}\``);
  }
}
console.log('\nSurvivors:\n' + (survivors.join('\n') || '(none)'));
