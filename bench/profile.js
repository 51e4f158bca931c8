// CPU-profile driver: encodes or decodes the benchmark's synthetic inputs many times.
//
//   node bench/profile.js prepare            # writes the inputs and their XMIME to $XMIME_PROF_INPUTS
//   node --cpu-prof --cpu-prof-dir=/tmp/xmime-prof bench/profile.js encode [attach|small|qp|both]
//   node --cpu-prof --cpu-prof-dir=/tmp/xmime-prof bench/profile.js decode [attach|small|qp|both]
//   node bench/prof-top.js /tmp/xmime-prof/<file>.cpuprofile
//
// The inputs are generated once by `prepare` and then only read, so the profile
// holds codec work and not input generation. Needs a build (npm run build).
// Profiles are not meant to be committed.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toXml, toMime } from '../dist/index.node.js'; // the Node entry, as Node users get it

const DIR = process.env.XMIME_PROF_INPUTS || join(tmpdir(), 'xmime-prof-inputs');
const [mode = 'encode', what = 'both'] = process.argv.slice(2);
const ATTACH_REPS = Number(process.env.ATTACH_REPS) || 100;
const SMALL_REPS = Number(process.env.SMALL_REPS) || 100; // passes over the 500 small mails

/** Many byte strings in one file: u32 count, u32 lengths, then the bytes. */
function pack(list) {
  const head = new Uint32Array([list.length, ...list.map((b) => b.length)]);
  return Buffer.concat([Buffer.from(head.buffer), ...list.map((b) => Buffer.from(b))]);
}
function unpack(buf) {
  const n = buf.readUInt32LE(0);
  const out = [];
  let at = 4 * (n + 1);
  for (let i = 0; i < n; i++) {
    const len = buf.readUInt32LE(4 * (i + 1));
    out.push(new Uint8Array(buf.buffer, buf.byteOffset + at, len));
    at += len;
  }
  return out;
}

if (mode === 'prepare') {
  const { generateInputs } = await import('./inputs.js');
  const { small, attach, qpHtml } = generateInputs(500);
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'qp.eml'), qpHtml);
  writeFileSync(join(DIR, 'qp.xml'), toXml(qpHtml));
  writeFileSync(join(DIR, 'attach.eml'), attach);
  writeFileSync(join(DIR, 'attach.xml'), toXml(attach));
  writeFileSync(join(DIR, 'small.bin'), pack(small));
  writeFileSync(join(DIR, 'small-xml.bin'), pack(small.map((m) => new TextEncoder().encode(toXml(m)))));
  console.log(`inputs written to ${DIR}`);
  process.exit(0);
}

const read = (f) => readFileSync(join(DIR, f));
let sink = 0;
let t0;
if (mode === 'encode') {
  const attach = new Uint8Array(read('attach.eml'));
  const small = unpack(read('small.bin'));
  const qp = what === 'qp' ? new Uint8Array(read('qp.eml')) : null;
  t0 = performance.now();
  if (what === 'qp') for (let i = 0; i < ATTACH_REPS; i++) sink += toXml(qp).length;
  if (what === 'attach' || what === 'both') for (let i = 0; i < ATTACH_REPS; i++) sink += toXml(attach).length;
  if (what === 'small' || what === 'both') for (let i = 0; i < SMALL_REPS; i++) for (const m of small) sink += toXml(m).length;
} else if (mode === 'decode') {
  // toMime is given strings, as toXml returns them (the benchmark's `toMime` case).
  const ax = read('attach.xml').toString('utf8');
  const td = new TextDecoder();
  const sx = unpack(read('small-xml.bin')).map((b) => td.decode(b));
  const qx = what === 'qp' ? read('qp.xml').toString('utf8') : null;
  t0 = performance.now();
  if (what === 'qp') for (let i = 0; i < ATTACH_REPS; i++) sink += toMime(qx).length;
  if (what === 'attach' || what === 'both') for (let i = 0; i < ATTACH_REPS; i++) sink += toMime(ax).length;
  if (what === 'small' || what === 'both') for (let i = 0; i < SMALL_REPS; i++) for (const x of sx) sink += toMime(x).length;
} else {
  throw new Error('usage: profile.js prepare | encode|decode [attach|small|qp|both]');
}
console.log(`${mode} ${what}: ${(performance.now() - t0).toFixed(0)} ms (sink ${sink})`);
