// xmime benchmark: correctness first, then throughput against peers and baselines.
//
//   npm run bench                      (builds, then runs this file)
//   XMIME_CORPUS=/path node bench/bench.js
//   BENCH_RUNS=9 node bench/bench.js   (timed runs per case; default 7, minimum 5)
//
// Writes bench/RESULTS.md. Exits non-zero if any xmime round trip differs.
// Corpus files are read as bytes and nothing else: never opened, decoded to
// disk or executed (some are real malware samples).

import { Buffer } from 'node:buffer';
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Worker } from 'node:worker_threads';
import { toXml, toMime } from '../dist/index.node.js'; // the Node entry, as Node users get it
import PostalMime from 'postal-mime';
import { SaxesParser } from 'saxes';
import { ATTACH_RAW_BYTES, SEED, generateInputs } from './inputs.js';
import { readableRate } from './readable-rate.js';
import { buf, caseList, countLines, decStream, encStream, mailsplitRoundTrip } from './operations.js';
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const require = createRequire(import.meta.url);

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS) || 7);
const WARMUP = 3;
/** Warm-up lasts at least this many passes and this long (ms). */
const MIN_WARMUP_MS = 250;
/** A timed run repeats a fast case until it lasts at least this long (ms). */
const MIN_RUN_MS = 100;

// No forced GC between runs: a forced full GC (gc()) was measured to slow the
// following run of xmime 2-5x here (it throws away warmed-up state), so the
// runs simply follow each other; GC cost is part of what is measured.

const t0 = performance.now();
const log = (...a) => console.log(...a);

// ---------------------------------------------------------------- inputs

const { small, attach, qpHtml } = generateInputs(500);

function findCorpus() {
  const dir = process.env.XMIME_CORPUS ? resolve(process.env.XMIME_CORPUS) : resolve(ROOT, '../shared/corpus');
  if (!existsSync(dir)) return { dir, files: null };
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  // The corpus's own metadata files at its top level are not mails.
  const META = new Set(['README.md', 'MANIFEST.tsv', 'SKIPPED.tsv']);
  const files = out.filter((p) => !(dirname(p) === dir && META.has(relative(dir, p))));
  let manifestRows = null;
  if (existsSync(join(dir, 'MANIFEST.tsv'))) manifestRows = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').trim().split('\n').length - 1;
  return { dir, files, manifestRows };
}

const corpusInfo = findCorpus();
let corpus = null;
if (corpusInfo.files === null) {
  log(`corpus: not found at ${corpusInfo.dir} (set XMIME_CORPUS); SKIPPING the corpus set`);
} else {
  // Read as inert bytes; nothing in here is ever opened or executed.
  corpus = corpusInfo.files.map((p) => new Uint8Array(readFileSync(p)));
  log(
    `corpus: ${corpus.length} files from ${corpusInfo.dir}` +
      (corpusInfo.manifestRows !== null ? ` (MANIFEST.tsv lists ${corpusInfo.manifestRows})` : ''),
  );
}

const sum = (arr) => arr.reduce((n, b) => n + b.length, 0);
const sets = [
  { key: 'small', title: `(a) ${small.length} multipart/alternative mails (~4 KB each, QP text + QP html)`, mails: small },
  { key: 'attach', title: '(b) one mail with a ~5 MB base64 attachment (76-char lines, CRLF)', mails: [attach] },
  { key: 'qp', title: '(c) one ~2 MB quoted-printable HTML mail', mails: [qpHtml] },
];
if (corpus) sets.push({ key: 'corpus', title: `(d) real corpus, ${corpus.length} files as one batch`, mails: corpus });

const te = new TextEncoder();
const same = (a, b) => a.length === b.length && buf(a).equals(buf(b));
const concat = (chunks) => {
  const out = new Uint8Array(sum(chunks));
  let n = 0;
  for (const c of chunks) { out.set(c, n); n += c.length; }
  return out;
};

// ---------------------------------------------------------------- correctness first

log('\n== correctness ==');
let failures = 0;
const fail = (msg) => { failures++; if (failures <= 20) log('  FAIL ' + msg); };
const peerNotes = [];

for (const s of sets) {
  s.xml = [];
  s.xmlBytes = [];
  s.xmlWire = [];
  const tc = performance.now();
  for (let i = 0; i < s.mails.length; i++) {
    const b = s.mails[i];
    const where = s.key === 'corpus' ? relative(corpusInfo.dir, corpusInfo.files[i]) : `${s.key}#${i}`;
    let x;
    try {
      x = toXml(b);
    } catch (e) {
      fail(`${where}: toXml threw ${e}`);
      continue;
    }
    const xb = te.encode(x);
    s.xml.push(x);
    s.xmlBytes.push(xb);
    try {
      if (!same(toMime(x), b)) fail(`${where}: toMime(toXml(b)) != b (string input)`);
      if (!same(toMime(xb), b)) fail(`${where}: toMime(utf8(toXml(b))) != b (bytes input)`);
      const wire = toXml(b, { readable: false });
      s.xmlWire.push(wire);
      if (!same(toMime(wire), b)) fail(`${where}: toMime(toXml(b, { readable: false })) != b`);
    } catch (e) {
      fail(`${where}: toMime threw ${e}`);
    }
    try {
      if (!same(concat(encStream(b)), xb)) fail(`${where}: streaming Encoder (64 KiB chunks) != toXml`);
    } catch (e) {
      fail(`${where}: Encoder threw ${e}`);
    }
    try {
      if (!same(concat(decStream(xb)), b)) fail(`${where}: streaming Decoder (64 KiB chunks) != input`);
    } catch (e) {
      fail(`${where}: Decoder threw ${e}`);
    }
  }
  s.mimeSize = sum(s.mails);
  s.xmlSize = sum(s.xmlBytes);
  s.xmlWireSize = sum(s.xmlWire.map((x) => te.encode(x)));
  log(`  ${s.key}: ${s.mails.length} input(s), ${fmtBytes(s.mimeSize)} MIME -> ${fmtBytes(s.xmlSize)} XMIME (x${(s.xmlSize / s.mimeSize).toFixed(3)}), checked in ${(performance.now() - tc).toFixed(0)} ms`);
}
if (failures) {
  log(`\n${failures} xmime correctness failure(s); not timing anything.`);
  process.exit(1);
}
log('  xmime: every input round-trips byte for byte (one-shot, and streaming in 64 KiB chunks)');

// Peers' sanity. Reported, never hidden; timing goes ahead either way.
for (const s of sets) {
  let msBad = 0, msErr = 0, pmErr = 0, saxErr = 0, saxNoRoot = 0;
  const msBadNames = [], pmErrMsgs = new Map();
  let crlfTotal = 0;
  for (let i = 0; i < s.mails.length; i++) {
    const b = s.mails[i];
    const where = s.key === 'corpus' ? relative(corpusInfo.dir, corpusInfo.files[i]) : `${s.key}#${i}`;
    try {
      if (!same(concat(await mailsplitRoundTrip(b)), b)) { msBad++; if (msBadNames.length < 8) msBadNames.push(where); }
    } catch (e) {
      msErr++;
      if (msBadNames.length < 8) msBadNames.push(`${where} (threw ${String(e).slice(0, 60)})`);
    }
    try {
      const r = await PostalMime.parse(b);
      if (s.key === 'small' && !(r.html && r.text)) throw new Error('no text/html found');
      if (s.key === 'attach' && !(r.attachments.length === 1 && r.attachments[0].content.byteLength === ATTACH_RAW_BYTES)) throw new Error('attachment not decoded to the expected size');
      if (s.key === 'qp' && !(r.html && r.html.length > 1e6)) throw new Error('html not decoded');
    } catch (e) {
      pmErr++;
      const m = String(e.message || e).slice(0, 80);
      pmErrMsgs.set(m, (pmErrMsgs.get(m) || 0) + 1);
    }
    try {
      let elements = 0, root = null;
      const p = new SaxesParser();
      p.on('opentag', (t) => { elements++; if (root === null) root = t.name; });
      p.write(s.xml[i]).close();
      if (root !== 'mime' || elements < 1) saxNoRoot++;
    } catch (e) {
      saxErr++;
    }
    crlfTotal += countLines(b);
  }
  s.sanity = { msBad, msErr, msBadNames, pmErr, pmErrMsgs, saxErr, saxNoRoot, crlfTotal };
  const n = s.mails.length;
  const line = `  ${s.key}: mailsplit split+join identical ${n - msBad - msErr}/${n}` +
    (msErr ? `, threw ${msErr}` : '') +
    `; postal-mime parsed${s.key === 'corpus' ? '' : ' (and found the expected parts)'} ${n - pmErr}/${n}; saxes parsed the XMIME ${n - saxErr - saxNoRoot}/${n}`;
  log(line);
  if (msBad || msErr) { log(`    mailsplit output differs from input for: ${msBadNames.join(', ')}${msBad + msErr > msBadNames.length ? ', …' : ''}`); }
  if (pmErr) for (const [m, k] of pmErrMsgs) log(`    postal-mime error x${k}: ${m}`);
  peerNotes.push({ key: s.key, line: line.trim(), s: s.sanity });
}

// ---------------------------------------------------------------- timing

/** The next message from worker `w`, after sending it `msg` (if any). */
function reply(w, msg) {
  return new Promise((res, rej) => {
    const onMessage = (m) => { w.off('error', onError); res(m); };
    const onError = (e) => { w.off('message', onMessage); rej(e); };
    w.once('message', onMessage);
    w.once('error', onError);
    if (msg !== undefined) w.postMessage(msg);
  });
}

/**
 * Times every case of one input set, each in a worker of its own
 * (case-worker.js), so that the code V8 compiled for one case, and the garbage
 * it left, cannot speed up or slow down another: in one shared process the
 * first case to run xmime code measured up to 1.5x slower than the same work
 * timed second. Workers start and warm up one at a time (at least WARMUP passes
 * and MIN_WARMUP_MS; this also fixes `reps`, so that one timed run lasts
 * >= MIN_RUN_MS). The timed runs are then interleaved round-robin over the
 * cases (run 1 of every case, then run 2, ...), so a burst of load from
 * elsewhere on the machine hits all cases alike instead of one case; each
 * round starts at the next case. Only one worker runs at a time.
 */
async function timeCases(cases, data) {
  const st = [];
  for (const c of cases) {
    const w = new Worker(new URL('./case-worker.js', import.meta.url), {
      workerData: { data, id: c.id, warmup: WARMUP, minWarmupMs: MIN_WARMUP_MS, minRunMs: MIN_RUN_MS },
    });
    const { reps } = await reply(w);
    st.push({ w, reps, samples: [] });
  }
  for (let i = 0; i < RUNS; i++) {
    for (let q = 0; q < cases.length; q++) {
      const j = (i + q) % cases.length;
      st[j].samples.push((await reply(st[j].w, 'run')).seconds);
    }
  }
  for (const x of st) {
    sink += (await reply(x.w, 'end')).sink;
    await x.w.terminate();
  }
  return st.map(({ reps, samples }) => {
    samples.sort((x, y) => x - y);
    const mid = samples.length >> 1;
    const median = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
    return { median, min: samples[0], max: samples[samples.length - 1], reps, runs: RUNS };
  });
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loads = [];

log(`\n== timing: >= ${WARMUP} warm-up passes and >= ${MIN_WARMUP_MS} ms, then median of ${RUNS} timed runs of >= ${MIN_RUN_MS} ms ==`);
let sink = 0; // keeps results alive so nothing is optimised away

for (const s of sets) {
  const data = { M: s.mails, X: s.xml, XB: s.xmlBytes, W: s.xmlWire };
  const cases = caseList(data);
  s.results = {};
  log(`\n${s.title}: ${fmtBytes(s.mimeSize)} MIME, ${fmtBytes(s.xmlSize)} XMIME  (load average before: ${loadavg()})`);
  const la = loadavg();
  const timed = await timeCases(cases.map(([id, label, basis]) => ({ id, label, basis })), data);
  loads.push({ key: s.key, before: la, after: loadavg() });
  cases.forEach(([id, label, basis], j) => {
    const r = timed[j];
    const bytes = basis === 'mime' ? s.mimeSize : basis === 'xml' ? s.xmlSize : s.xmlWireSize;
    Object.assign(r, { id, label, basis, bytes, mbps: bytes / r.median / 1e6, mbpsLo: bytes / r.max / 1e6, mbpsHi: bytes / r.min / 1e6 });
    s.results[id] = r;
    log(
      `  ${label.padEnd(62)} ${r.mbps.toFixed(1).padStart(8)} MB/s  [${r.mbpsLo.toFixed(1)}–${r.mbpsHi.toFixed(1)}]` +
        `  ${fmtMs(r.median)}/pass` + (s.mails.length > 1 ? `  ${fmtInt(s.mails.length / r.median)} mails/s` : '') + (r.reps > 1 ? `  (x${r.reps}/run)` : ''),
    );
  });
}

// ---------------------------------------------------------------- report

function fmtBytes(n) {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}
function fmtMs(s) {
  const ms = s * 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}
function fmtInt(n) {
  return Math.round(n).toLocaleString('en-US');
}
const x2 = (r) => (r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';

function sh(cmd) {
  try { return execSync(cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return ''; }
}
function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown';
}
const version = (name) => { try { return require(`${name}/package.json`).version; } catch { return '?'; } };

const commit = sh('git rev-parse --short HEAD');
const dirty = sh('git status --porcelain -- src') ? ' (with uncommitted changes in src/)' : '';
const total = ((performance.now() - t0) / 1000).toFixed(0);

const md = [];
md.push('# xmime benchmark results', '');
md.push(`Generated by \`bench/bench.js\` (\`npm run bench\`) on ${new Date().toISOString()}; whole run took ${total} s.`, '');
md.push('## Machine', '');
md.push(`- Node ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.release()} ${os.arch()}`);
md.push(`- CPU: ${cpuModel()}, ${os.cpus().length} logical cores (\`os.availableParallelism()\` = ${os.availableParallelism()}); ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
md.push(`- xmime at commit \`${commit || '?'}\`${dirty}; peers: @zone-eu/mailsplit ${version('@zone-eu/mailsplit')}, postal-mime ${version('postal-mime')}, saxes ${version('saxes')}`);
md.push(
  '- Everything runs single-threaded in one process. The VM is small and shared: other work on it shows up as load even when this benchmark is the only process in its view, ' +
    'so read the min–max columns as the noise band. 1/5/15-minute load averages before → after timing each set: ' +
    loads.map((l) => `${l.key} ${l.before} → ${l.after}`).join('; ') + '.',
  '',
);
md.push('## Method', '');
md.push(
  `- Inputs (a)–(c) are generated from a fixed seed (mulberry32, seed 0x${SEED.toString(16)}), so every run sees the same bytes. All lines CRLF. ` +
    `(a) ${small.length} multipart/alternative mails, each ${fmtBytes(Math.min(...small.map((b) => b.length)))}–${fmtBytes(Math.max(...small.map((b) => b.length)))}: Received/DKIM-Signature/From/To/(Cc)/Subject/Date/Message-ID headers, some RFC 2047 words, a QP text/plain and a QP text/html part with UTF-8 text. ` +
    `(b) multipart/mixed: a short text part plus ${fmtBytes(ATTACH_RAW_BYTES)} of random bytes as base64 (5 MiB of base64 text, 76-char lines). ` +
    `(c) single-part text/html, quoted-printable (soft breaks, =3D everywhere, UTF-8 as =XX). ` +
    (corpus
      ? `(d) every file under \`${relative(ROOT, corpusInfo.dir) || corpusInfo.dir}\` except its README.md/MANIFEST.tsv/SKIPPED.tsv: ${corpus.length} files (.eml and a few .mbox), ${fmtBytes(sum(corpus))}, read as bytes only.`
      : `(d) the corpus was not found at \`${corpusInfo.dir}\` and was skipped.`),
);
md.push(
  '- **Correctness first.** For every input: `toMime(toXml(b))` equals `b` byte for byte (XML given both as string and as UTF-8 bytes), the streaming `Encoder` fed 64 KiB chunks yields exactly the bytes of `toXml(b)`, and the streaming `Decoder` fed the XMIME in 64 KiB chunks yields exactly `b`. Any difference aborts the run (exit 1) before timing. All passed for this report.',
  '- **Peers are sanity-checked too** (results below, not hidden): mailsplit split+join output is compared with the input byte for byte; postal-mime must parse without throwing (and, for (a)–(c), find the text/html parts or the attachment with its decoded size); saxes must parse every XMIME document to a `mime` root without error.',
  `- **Timing.** Each case runs in a worker thread of its own (\`bench/case-worker.js\`, a fresh V8 isolate with its own copy of the inputs), so that code V8 compiled for one case, and garbage one case left, cannot speed up or slow down another; in one shared process the first case to run xmime code was measured up to 1.5× slower than the same work timed second. Each case processes the whole set once per pass (the corpus is one batch; async peers are awaited mail by mail). Warm-up of at least ${WARMUP} passes and ${MIN_WARMUP_MS} ms, one worker at a time, then ${RUNS} timed runs per case, interleaved round-robin over the cases of a set with only one worker running at a time (so a burst of outside load hits all cases alike), each round starting one case later than the one before. No forced GC between runs (forcing one was found to slow the next xmime run 2–5×, so GC cost is simply part of each run). A run of a fast case repeats the pass until it lasts ≥ ${MIN_RUN_MS} ms and is divided back to one pass. Reported: median pass time and min–max over the runs, as MB/s (10^6 bytes/s) **of that case's input**: MIME bytes for MIME-consuming cases, UTF-8 XMIME bytes for XML-consuming cases (the XMIME is ${(sets.map((s) => (s.xmlSize / s.mimeSize).toFixed(2)).join(' / '))}× the MIME size for ${sets.map((s) => s.key).join(' / ')}).`,
  '- What each case does: `toXml(b)` returns a string (includes the final UTF-8 decode); `toMime(xml)` takes that string (includes its UTF-8 encode) and returns bytes; the streaming cases push 64 KiB `subarray`s and keep every output chunk in an array. mailsplit: `new Splitter()` piped into `new Joiner()`, input written with one `end(buf)`, output chunks collected — a lossless split+join round trip, i.e. it does roughly the work of *both* xmime directions minus the XML. postal-mime: `await PostalMime.parse(b)` builds a full decoded message (headers, decoded text/html, decoded attachments) — more work than a lossless codec, shown for scale. saxes: `new SaxesParser().write(xml).close()` with no event handlers, default options (no namespace processing): the cost of merely tokenising the same XMIME that `toMime` reads. Baselines: `Buffer.from(b)` copy, and a loop of `Buffer.indexOf(eol, i)` counting lines: `"\\r\\n"` over the MIME, `"\\n"` over the XMIME (XMIME writes every line ending as a bare LF, so a CRLF scan of it would find nothing). Some corpus mails are LF-only, so the CRLF scan finds few lines in them. The JS-loop baseline reads every byte once in a plain \`for\` loop (counting LFs): a floor for any codec that must look at each byte in JavaScript. \`toMime\` of the wire form decodes the \`readable: false\` XMIME of the same mails (its MB/s are of that XMIME).',
  '',
);

md.push('## Peer sanity checks', '');
for (const p of peerNotes) {
  md.push(`- ${p.line}.`);
  if (p.s.msBad || p.s.msErr) md.push(`  mailsplit output differs for: ${p.s.msBadNames.join(', ')}${p.s.msBad + p.s.msErr > p.s.msBadNames.length ? ', …' : ''} (those mails are still timed as they are).`);
  if (p.s.pmErr) md.push(`  postal-mime errors (still timed; the error is caught): ${[...p.s.pmErrMsgs].map(([m, k]) => `${k}× "${m}"`).join('; ')}.`);
}
md.push('');

md.push('## Results', '');
for (const s of sets) {
  const n = s.mails.length;
  md.push(`### ${s.title}`, '');
  md.push(`${n} input(s), ${fmtBytes(s.mimeSize)} MIME → ${fmtBytes(s.xmlSize)} XMIME.`, '');
  md.push(`| case | input | median MB/s | min–max MB/s | median time / pass${n > 1 ? ' | mails/s (median)' : ''} |`);
  md.push(`|---|---|---:|---:|---:${n > 1 ? '|---:' : ''}|`);
  for (const r of Object.values(s.results)) {
    md.push(
      `| ${r.label} | ${r.basis === 'mime' ? 'MIME' : r.basis === 'xml' ? 'XMIME' : 'XMIME (wire)'} | ${r.mbps.toFixed(1)} | ${r.mbpsLo.toFixed(1)}–${r.mbpsHi.toFixed(1)} | ${fmtMs(r.median)}` +
        (n > 1 ? ` | ${fmtInt(n / r.median)}` : '') + ' |',
    );
  }
  md.push('');
}

md.push('## Ratios', '');
md.push(
  'All ratios are of median **time for the same mails** (peer time ÷ xmime time; > 1 means xmime is faster), so they do not depend on which byte count MB/s is taken over. For xmime vs saxes and the XMIME-side baselines both sides read the same XMIME bytes; for the MIME-side baselines both sides read the same MIME bytes. The round-trip row adds the `toXml` and `toMime` medians.',
  '',
);
const ratioRows = [
  ['xmime encode (`toXml`, readable) vs mailsplit split+join', (r) => r.mailsplit.median / r.toXml.median],
  ['xmime encode (`toXml`, `readable: false`) vs mailsplit split+join', (r) => r.mailsplit.median / r.toXmlWire.median],
  ['xmime decode (`toMime`) vs mailsplit split+join', (r) => r.mailsplit.median / r.toMime.median],
  ['xmime decode of wire-form XMIME vs mailsplit split+join', (r) => r.mailsplit.median / r.toMimeWire.median],
  ['xmime round trip (`toXml` + `toMime`) vs mailsplit split+join', (r) => r.mailsplit.median / (r.toXml.median + r.toMime.median)],
  ['xmime streaming encode vs mailsplit split+join', (r) => r.mailsplit.median / r.enc.median],
  ['xmime streaming decode vs mailsplit split+join', (r) => r.mailsplit.median / r.dec.median],
  ['xmime encode (`toXml`) vs postal-mime parse', (r) => r.postal.median / r.toXml.median],
  ['xmime decode (`toMime`) vs saxes (same XMIME, no handlers)', (r) => r.saxes.median / r.toMime.median],
  ['xmime streaming decode vs saxes', (r) => r.saxes.median / r.dec.median],
  ['xmime encode (`toXml`) vs indexOf CRLF scan of the MIME', (r) => r.scanMime.median / r.toXml.median],
  ['xmime decode (`toMime`) vs indexOf LF scan of the XMIME', (r) => r.scanXml.median / r.toMime.median],
  ['xmime encode (`toXml`) vs `Buffer.from` copy of the MIME', (r) => r.copyMime.median / r.toXml.median],
  ['xmime encode (`toXml`, `readable: false`) vs a JS loop reading every MIME byte', (r) => r.loopMime.median / r.toXmlWire.median],
  ['mailsplit split+join vs a JS loop reading every MIME byte', (r) => r.loopMime.median / r.mailsplit.median],
];
md.push(`| xmime speed ÷ other speed (= other time ÷ xmime time) | ${sets.map((s) => s.key).join(' | ')} |`);
md.push(`|---|${sets.map(() => '---:').join('|')}|`);
for (const [label, f] of ratioRows) md.push(`| ${label} | ${sets.map((s) => x2(f(s.results))).join(' | ')} |`);
md.push('');
md.push(
  'Read the scan/copy rows the other way round: a value of 0.25× means xmime takes 4× as long as merely scanning (or copying) the same bytes. ' +
    'The attachment-heavy inputs are (b) and (c); their scan ratios say how close the codec gets to memory-speed work on long bodies.',
  '',
);
if (corpus) {
  const { stats: st, reasons } = readableRate(corpus);
  const raw = st.textParts - st.readableParts;
  if (reasons.reduce((n, [, k]) => n + k, 0) !== raw) fail('readable rate: the reasons do not add up to the text parts that stay bytes');
  const pct = (a, b) => ((100 * a) / b).toFixed(1);
  md.push(
    '## Readable rate (corpus)',
    '',
    `- Text parts: **${st.readableParts} of ${st.textParts} (${pct(st.readableParts, st.textParts)}%)** carried as decoded \`<text>\`, every file byte-exact (target: at least 97%). (\`xmime verify --stats\` over the corpus directory counts 3 more, readable: its README and TSV files, as headerless text.)`,
    `- Header fields: ${st.views} of ${st.viewFields} fields of a view kind (${pct(st.views, st.viewFields)}%) carry a decoded view, ${st.viewsInPlace} (${pct(st.viewsInPlace, st.viewFields)}%) in place of the raw value.`,
    '',
    `Why the other ${raw} text parts stay bytes (each classified by the first step of a readable view that fails):`,
    '',
    '| reason | parts |',
    '|---|---:|',
    ...reasons.map(([r, k]) => `| ${r} | ${k} |`),
    '',
  );
}
md.push('## Small mails per second', '');
const sr = sets[0].results;
md.push(`| direction | mails/s (median) | min–max |`);
md.push('|---|---:|---:|');
for (const id of ['toXml', 'toXmlWire', 'toMime', 'toMimeWire', 'enc', 'dec', 'mailsplit', 'postal']) {
  const r = sr[id];
  md.push(`| ${r.label} | ${fmtInt(small.length / r.median)} | ${fmtInt(small.length / r.max)}–${fmtInt(small.length / r.min)} |`);
}
md.push('');
md.push('## Against the speed targets (issue "Speed and memory")', '');
{
  // Each cell: the measured ratio (or rate) and whether it meets the target; '' where a target does not apply.
  const cell = (v, goal, fmt = x2) => `${fmt(v)} ${v >= goal ? '✓' : '✗'}`;
  const rows = [
    ['1. MIME→XML ≥ 4× mailsplit (`readable: false`)', (r) => cell(r.mailsplit.median / r.toXmlWire.median, 4)],
    ['1. MIME→XML ≥ 2× mailsplit (readable, the default)', (r) => cell(r.mailsplit.median / r.toXml.median, 2)],
    ['2. XML→MIME ≥ 4× mailsplit (readable XMIME)', (r) => cell(r.mailsplit.median / r.toMime.median, 4)],
    ['2. XML→MIME ≥ 4× mailsplit (wire-form XMIME)', (r) => cell(r.mailsplit.median / r.toMimeWire.median, 4)],
    ['2. XML→MIME ≥ 2× saxes on the same XMIME', (r) => cell(r.saxes.median / r.toMime.median, 2)],
    ['3. attachment-heavy MIME→XML ≥ indexOf scan', (r, k) => (k === 'attach' || k === 'qp' ? cell(r.scanMime.median / r.toXml.median, 1) : '')],
    ['3. attachment-heavy XML→MIME ≥ indexOf scan', (r, k) => (k === 'attach' || k === 'qp' ? cell(r.scanXml.median / r.toMime.median, 1) : '')],
    // The streaming forms, as the CLI and gateways run: bytes out (no JS string built) and bytes in.
    ['3. the same, streaming `Encoder` (64 KiB chunks)', (r, k) => (k === 'attach' || k === 'qp' ? cell(r.scanMime.median / r.enc.median, 1) : '')],
    ['3. the same, streaming `Decoder` (64 KiB chunks)', (r, k) => (k === 'attach' || k === 'qp' ? cell(r.scanXml.median / r.dec.median, 1) : '')],
  ];
  md.push(`| target | ${sets.map((s) => s.key).join(' | ')} |`, `|---|${sets.map(() => '---:').join('|')}|`);
  for (const [label, f] of rows) md.push(`| ${label} | ${sets.map((s) => f(s.results, s.key)).join(' | ')} |`);
  const rate = (id) => small.length / sr[id].median;
  const perSec = (v) => fmtInt(v) + '/s';
  md.push(
    `| 4. ≥ 20,000 small mails/s MIME→XML: readable, \`readable: false\` | ${cell(rate('toXml'), 20000, perSec)}, ${cell(rate('toXmlWire'), 20000, perSec)} | | | |`,
    `| 4. ≥ 20,000 small mails/s XML→MIME: readable XMIME, wire form | ${cell(rate('toMime'), 20000, perSec)}, ${cell(rate('toMimeWire'), 20000, perSec)} | | | |`,
    '',
    'Memory (target 5): [MEMORY.md](MEMORY.md), from `npm run bench:memory`. Linear time (target 6): checked by doubling the input on every test run ' +
      '(`test/hostile-mime.test.ts`: nesting, header fields, parts, long lines, a million tiny chunks; `test/review-regressions.test.ts`).',
    '',
    'Where the time goes, what was changed and measured, and what did not help: [PROFILE.md](PROFILE.md).',
    '',
  );
}
writeFileSync(join(HERE, 'RESULTS.md'), md.join('\n'));
log(`\nwrote bench/RESULTS.md (total ${total} s)${sink < 0 ? '' : ''}`);
