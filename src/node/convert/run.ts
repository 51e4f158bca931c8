/**
 * `xmime convert`: a pool of worker threads over the plan's jobs, a journal
 * of what is done and verified (for `--resume`), the manifest, progress and
 * the summary.
 * @module
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { COLUMNS, csvRow, jsonRow, rowValues, blankFacts, type MessageFacts } from '../../archive/facts.js';
import { dirDigest, fileDigest, TMP, type Job, type JobOptions, type JobResult } from './job.js';
import { inShard, JOURNAL, plan, type Problem } from './plan.js';

export interface ConvertOptions extends JobOptions {
  decode: boolean;
  outdir: string;
  jobs: number;
  manifest?: string;
  resume: boolean;
  shard?: { k: number; n: number };
  quiet: boolean;
  /** Progress on this stream when it is a terminal (stderr). */
  tty: boolean;
}

/** A journal line: one job done, its output verified by SHA-256. */
interface Entry {
  out: string;
  src: string;
  size: number;
  mtimeMs: number;
  opts: string;
  sha256: string;
  dir: boolean;
  rows: MessageFacts[];
  warnings: string[];
  inBytes: number;
  refs: number;
  refBytes: number;
}

/** The options that change outputs: a journal entry made with others is not reused. */
function fingerprint(o: ConvertOptions): string {
  return JSON.stringify([o.decode ? 'decode' : 'encode', o.readable, o.variant, o.attachments === undefined ? null : o.attachmentSize]);
}

/** Removes what a killed run of these jobs left: temporary files and directories named with {@link TMP}. */
function cleanStale(jobs: readonly Job[]): void {
  const byDir = new Map<string, Set<string>>();
  for (const j of jobs) {
    const d = dirname(j.out);
    if (!byDir.has(d)) byDir.set(d, new Set());
    byDir.get(d)!.add(basename(j.out));
  }
  for (const [d, bases] of byDir) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      const i = name.indexOf(TMP);
      if (i !== 0 && i !== 1) continue;
      // TMP, pid, n, "-", the output's name (then what encodeTree/decodeTree add to it).
      const m = /^\d+-\d+-(.*)$/.exec(name.slice(i + TMP.length));
      if (m === null) continue;
      const rest = m[1];
      if ([...bases].some((b) => rest === b || (rest.startsWith(`${b}.`) && /^\.\d+\.[0-9a-z]+\.tmp$/.test(rest.slice(b.length))))) rmSync(join(d, name), { recursive: true, force: true });
    }
  }
}

function human(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  s = Math.round(s);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Bytes under a path (for the progress line's total). */
function sizeOf(path: string): number {
  try {
    const st = lstatSync(path);
    if (!st.isDirectory()) return st.size;
    let n = 0;
    for (const e of readdirSync(path)) n += sizeOf(join(path, e));
    return n;
  } catch {
    return 0;
  }
}

/** Runs `xmime convert`; returns the exit status (0, or 1 if any input failed). */
export async function convert(srcs: readonly string[], o: ConvertOptions): Promise<number> {
  mkdirSync(o.outdir, { recursive: true });
  const p = plan(srcs, o.outdir, o.decode);
  let jobs = p.jobs;
  let problems: Problem[] = p.problems;
  if (o.shard !== undefined) {
    const { k, n } = o.shard;
    jobs = jobs.filter((j) => inShard(j.rel, k, n));
    problems = problems.filter((q) => inShard(q.rel, k, n));
  }
  const journalPath = join(o.outdir, `${JOURNAL}${o.shard === undefined ? '' : `.${o.shard.k}-of-${o.shard.n}`}.journal`);
  cleanStale(jobs);
  const fp = fingerprint(o);
  const done = new Map<number, Entry>();
  if (o.resume && existsSync(journalPath)) {
    const entries = new Map<string, Entry>();
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      try {
        const e = JSON.parse(line) as Entry;
        entries.set(e.out, e);
      } catch {
        // a line cut short by a kill: that job is redone
      }
    }
    for (const j of jobs) {
      const e = entries.get(j.outRel);
      if (e === undefined || e.opts !== fp || e.src !== j.rel) continue;
      try {
        const st = statSync(j.src);
        if (st.size !== e.size || st.mtimeMs !== e.mtimeMs) continue;
        if ((e.dir ? dirDigest(j.out) : fileDigest(j.out)) !== e.sha256) continue;
      } catch {
        continue; // the output is missing (or the input): redo
      }
      done.set(j.n, e);
    }
  } else writeFileSync(journalPath, '');
  // Done entries go into the rewritten journal first; new ones are appended as they finish.
  if (o.resume) writeFileSync(journalPath, [...done.values()].map((e) => `${JSON.stringify(e)}\n`).join(''));

  const results = new Map<number, JobResult>();
  const todo = jobs.filter((j) => !done.has(j.n));
  const totalBytes = o.tty && !o.quiet ? todo.reduce((a, j) => a + sizeOf(j.src), 0) : 0;
  let bytesDone = 0;
  let filesDone = 0;
  let messages = 0;
  for (const e of done.values()) messages += e.rows.length;
  let failed = problems.length;
  const started = Date.now();
  const say = (line: string): void => {
    if (o.tty && !o.quiet) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${line}\n`);
  };
  for (const q of problems) say(`xmime: ${q.rel}: ${q.error}`);

  const progressLine = (): void => {
    if (!o.tty || o.quiet) return;
    const t = (Date.now() - started) / 1000;
    const rate = t > 0 ? bytesDone / t : 0;
    const left = rate > 0 ? (totalBytes - bytesDone) / rate : Infinity;
    process.stderr.write(`\r\x1b[Kxmime convert: ${filesDone}/${todo.length} files, ${messages} messages, ${human(bytesDone)} of ${human(totalBytes)}, ${(rate / 1e6).toFixed(1)} MB/s, ${duration(left)} left`);
  };
  const ticker = o.tty && !o.quiet ? setInterval(progressLine, 250) : null;

  const jobOptions: JobOptions = { readable: o.readable, variant: o.variant, attachments: o.attachments, attachmentSize: o.attachmentSize, slow: o.slow };
  const finish = (j: Job, r: JobResult): void => {
    results.set(j.n, r);
    filesDone++;
    messages += r.rows.length;
    if (!o.quiet) for (const w of r.warnings) say(`xmime: warning: ${j.rel}: ${w}`);
    if (!r.ok) {
      failed++;
      say(`xmime: ${j.rel}: ${r.error}`);
      return;
    }
    const st = statSync(j.src);
    const e: Entry = { out: j.outRel, src: j.rel, size: st.size, mtimeMs: st.mtimeMs, opts: fp, sha256: r.sha256, dir: j.kind === 'document' && lstatSync(j.out).isDirectory(), rows: r.rows, warnings: r.warnings, inBytes: r.inBytes, refs: r.refs, refBytes: r.refBytes };
    // One line per job, synced: a kill leaves at most a cut line, which resume ignores.
    const fd = openSync(journalPath, 'a');
    try {
      writeSync(fd, `${JSON.stringify(e)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };

  const workers: Worker[] = [];
  const stop = (): void => {
    for (const w of workers) void w.terminate();
  };
  const onSignal = (): void => {
    stop();
    if (ticker !== null) clearInterval(ticker);
    // Workers are gone: what they were writing is temporary, remove it now.
    cleanStale(todo);
    process.stderr.write('\nxmime convert: interrupted; "--resume" finishes the job\n');
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let next = 0;
    const n = Math.max(1, Math.min(o.jobs, todo.length));
    await Promise.all(
      Array.from({ length: n }, async () => {
        if (next >= todo.length) return;
        const w = new Worker(new URL('./worker.js', import.meta.url));
        workers.push(w);
        try {
          while (next < todo.length) {
            const j = todo[next++];
            const r = await new Promise<JobResult>((resolve, reject) => {
              const onMsg = (m: { type: string; bytes?: number; result?: JobResult }): void => {
                if (m.type === 'progress') bytesDone += m.bytes!;
                else {
                  w.off('message', onMsg);
                  w.off('error', reject);
                  resolve(m.result!);
                }
              };
              w.on('message', onMsg);
              w.once('error', reject);
              w.postMessage({ job: j, options: jobOptions });
            });
            finish(j, r);
          }
        } finally {
          await w.terminate();
        }
      }),
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (ticker !== null) clearInterval(ticker);
    stop();
  }

  // The manifest: every input in plan order, its messages in file order.
  const rows: MessageFacts[] = [];
  const all: { n: number; rows: MessageFacts[] }[] = [
    ...jobs.map((j) => ({ n: j.n, rows: done.get(j.n)?.rows ?? results.get(j.n)?.rows ?? [] })),
    ...problems.map((q) => {
      const f = blankFacts(q.rel, 0, '');
      f.errors.push(q.error);
      return { n: q.n, rows: [f] };
    }),
  ].sort((a, b) => a.n - b.n);
  for (const a of all) rows.push(...a.rows);
  if (o.manifest !== undefined) writeManifest(o.manifest, rows);

  let refs = 0, refBytes = 0;
  for (const j of jobs) {
    const r = done.get(j.n) ?? results.get(j.n);
    refs += r?.refs ?? 0;
    refBytes += r?.refBytes ?? 0;
  }
  if (!o.quiet) {
    const t = (Date.now() - started) / 1000;
    const skipped = done.size > 0 ? `, ${done.size} already done` : '';
    const store = o.attachments !== undefined && !o.decode ? `, ${refs} bodies (${human(refBytes)}) in the attachment store` : '';
    say(`xmime convert: ${jobs.length + problems.length - failed} ok, ${failed} failed${skipped}; ${rows.filter((r) => r.errors.length === 0).length} messages${store}; ${human(bytesDone)} in ${t.toFixed(1)} s (${(bytesDone / 1e6 / Math.max(t, 0.001)).toFixed(1)} MB/s)`);
  }
  return failed > 0 ? 1 : 0;
}

/** The manifest, CSV or (for *.jsonl, *.ndjson, *.json) JSON Lines, written to a temporary file and renamed. */
function writeManifest(path: string, rows: readonly MessageFacts[]): void {
  const jsonl = /\.(jsonl|ndjson|json)$/i.test(path);
  const tmp = `${path}${TMP}${process.pid}`;
  mkdirSync(dirname(path) || '.', { recursive: true });
  const fd = openSync(tmp, 'w');
  try {
    let buf = jsonl ? '' : csvRow(COLUMNS);
    for (const r of rows) {
      buf += jsonl ? jsonRow(r) : csvRow(rowValues(r));
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export const defaultJobs = (): number => availableParallelism();
