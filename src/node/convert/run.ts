/**
 * `xmime convert`: a pool of worker threads over the plan's jobs, a journal
 * of what is done and verified (for `--resume`), the manifest, progress and
 * the summary.
 * @module
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { COLUMNS, csvRow, jsonRow, rowValues, blankFacts, type MessageFacts } from '../../archive/facts.js';
import { dirDigest, fileDigest, fsyncDir, isMbox, partOf, partsDigest, TMP, type Job, type JobOptions, type JobResult } from './job.js';
import { mboxRanges } from './ranges.js';
import { planTree, type TreeFile, type TreeSegment } from './tree-parts.js';
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
  /** Size over which an mbox is cut into ranges; default {@link RANGE_BYTES} (tests lower it). */
  rangeBytes?: number;
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
  /** Manifest rows, in the job's rows file. */
  rows: number;
  /** Written as parts `REL.K.xml` (--max-size): how many; the SHA-256 is over theirs. */
  parts?: number;
  warnings: string[];
  inBytes: number;
  refs: number;
  refBytes: number;
}

/** The options that change outputs: a journal entry made with others is not reused. */
function fingerprint(o: ConvertOptions): string {
  return JSON.stringify([o.decode ? 'decode' : 'encode', o.readable, o.variant, o.attachments === undefined ? null : o.attachmentSize, o.maxSize ?? null]);
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
      if ([...bases].some((b) => rest === b || (rest.startsWith(`${b}.`) && /^\.(\d+\.[0-9a-z]+\.tmp|part\d+)$/.test(rest.slice(b.length))))) rmSync(join(d, name), { recursive: true, force: true });
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

/** An mbox larger than this is cut into ranges of about this size, encoded by several workers (whatever -j is, so outputs do not depend on it). */
export const RANGE_BYTES = 16 << 20;

/**
 * A Maildir of at most this many files is planned ahead and encoded in parts by several
 * workers; a larger one is one streaming job (the plan is held in memory: 100,000 files
 * planned took peak RSS from 176 to 264-309 MB, over the 256 MB budget).
 */
export const TREE_PLAN_FILES = 20_000;

/** A unit of work for a worker: a whole job, or one range of a large mbox. */
interface Unit {
  job: Job;
  parts: Job[] | null;
  /** A Maildir in parts: its literal tags and groups, in order. */
  segments?: TreeSegment[];
}

function head(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(8);
    const n = readSync(fd, b, 0, 8, 0);
    return new Uint8Array(b.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** Runs `xmime convert`; returns the exit status (0, or 1 if any input failed). */
export async function convert(srcs: readonly string[], o: ConvertOptions): Promise<number> {
  mkdirSync(o.outdir, { recursive: true });
  const p = plan(srcs, o.outdir, o.decode);
  let jobs = p.jobs;
  let problems: Problem[] = p.problems;
  if (o.decode) [jobs, problems] = groupParts(jobs, problems);
  if (o.shard !== undefined) {
    const { k, n } = o.shard;
    jobs = jobs.filter((j) => inShard(j.rel, k, n));
    problems = problems.filter((q) => inShard(q.rel, k, n));
  }
  const base = `${JOURNAL}${o.shard === undefined ? '' : `.${o.shard.k}-of-${o.shard.n}`}`;
  const journalPath = join(o.outdir, `${base}.journal`);
  const rowsDir = join(o.outdir, `${base}.rows`);
  mkdirSync(rowsDir, { recursive: true });
  for (const j of jobs) j.rows = join(rowsDir, `${createHash('sha1').update(j.outRel).digest('hex')}.jsonl`);
  cleanStale(jobs);
  for (const name of readdirSync(rowsDir)) if (/\.(tmp-\d+|part\d+)$/.test(name)) rmSync(join(rowsDir, name), { force: true });
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
      if (e === undefined || e.opts !== fp || e.src !== j.rel || !existsSync(j.rows)) continue;
      try {
        const st = statSync(j.src);
        if (st.size !== e.size || st.mtimeMs !== e.mtimeMs) continue;
        if ((e.parts ? partsDigest(j.out, e.parts) : e.dir ? dirDigest(j.out) : fileDigest(j.out)) !== e.sha256) continue;
      } catch {
        continue; // the output is missing (or the input): redo
      }
      done.set(j.n, e);
    }
  }
  // The journal is rewritten with what is done; new entries are appended as jobs finish.
  writeFileSync(journalPath, [...done.values()].map((e) => `${JSON.stringify(e)}\n`).join(''));

  const results = new Map<number, JobResult>();
  const todo = jobs.filter((j) => !done.has(j.n));
  // Large mboxes in ranges (the decision depends on the file alone, never on -j).
  const units: Unit[] = [];
  for (const j of todo) {
    let parts: Job[] | null = null;
    if (j.kind === 'file') {
      try {
        const size = statSync(j.src).size;
        const target = o.rangeBytes ?? RANGE_BYTES;
        if (size > target && o.maxSize === undefined && isMbox(j.src, head(j.src))) {
          const ranges = mboxRanges(j.src, size, o.variant, target);
          if (ranges.length > 1) {
            const dir = dirname(j.out), name = basename(j.out);
            parts = ranges.map((r, i) => ({
              ...j,
              rows: `${j.rows}.part${i}`,
              part: { i, start: r.start, end: r.end, gap: r.gap === null ? null : [...r.gap], head: i === 0, foot: i === ranges.length - 1, nextGap: i + 1 < ranges.length ? [...ranges[i + 1].gap!] : null, file: join(dir, `${TMP}${process.pid}-${j.n}-${name}.part${i}`) },
            }));
          }
        }
      } catch {
        // unreadable: the worker reports it
      }
    }
    if (j.kind === 'tree' && !o.decode) {
      try {
        const segments = planTree(j.src, o.rangeBytes ?? RANGE_BYTES, TREE_PLAN_FILES);
        const groups = (segments ?? []).filter((g): g is TreeFile[] => typeof g !== 'string');
        if (segments !== null && groups.length > 1) {
          const dir = dirname(j.out), name = basename(j.out);
          parts = groups.map((files, i) => ({ ...j, rows: `${j.rows}.part${i}`, part: { i, start: 0, end: 0, gap: null, head: false, foot: false, nextGap: null, file: join(dir, `${TMP}${process.pid}-${j.n}-${name}.part${i}`), files } }));
          units.push({ job: j, parts, segments });
          continue;
        }
      } catch {
        // the worker's encodeTree reports it
      }
    }
    units.push({ job: j, parts });
  }
  const totalBytes = o.tty && !o.quiet ? todo.reduce((a, j) => a + sizeOf(j.src), 0) : 0;
  let bytesDone = 0;
  let filesDone = 0;
  let messages = 0;
  for (const e of done.values()) messages += e.rows;
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

  const jobOptions: JobOptions = { readable: o.readable, variant: o.variant, attachments: o.attachments, attachmentSize: o.attachmentSize, slow: o.slow, maxSize: o.maxSize };
  const finish = (j: Job, r: JobResult): void => {
    results.set(j.n, r);
    filesDone++;
    messages += r.rows;
    if (!o.quiet) for (const w of r.warnings) say(`xmime: warning: ${j.rel}: ${w}`);
    if (!r.ok) {
      failed++;
      say(`xmime: ${j.rel}: ${r.error}`);
      return;
    }
    const st = statSync(j.src);
    const e: Entry = { out: j.outRel, src: j.rel, size: st.size, mtimeMs: st.mtimeMs, opts: fp, sha256: r.sha256, dir: j.kind === 'document' && lstatSync(j.out).isDirectory(), rows: r.rows, parts: r.parts, warnings: r.warnings, inBytes: r.inBytes, refs: r.refs, refBytes: r.refBytes };
    // One line per job, synced: a kill leaves at most a cut line, which resume ignores.
    const fd = openSync(journalPath, 'a');
    try {
      writeSync(fd, `${JSON.stringify(e)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  // Parts of a large mbox: when all are done, concatenated in order into the output.
  const partResults = new Map<number, JobResult[]>();
  const partDone = (u: Unit, part: Job, r: JobResult): void => {
    const list = partResults.get(u.job.n) ?? [];
    list[part.part!.i] = r;
    partResults.set(u.job.n, list);
    if (list.filter((x) => x !== undefined).length < u.parts!.length) return;
    finish(u.job, assemble(u.job, u.parts!, list, u.segments));
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
  const queue: { unit: Unit; job: Job }[] = units.flatMap((u) => (u.parts === null ? [{ unit: u, job: u.job }] : u.parts.map((p) => ({ unit: u, job: p }))));
  try {
    let next = 0;
    const n = Math.max(1, Math.min(o.jobs, queue.length));
    await Promise.all(
      Array.from({ length: n }, async () => {
        if (next >= queue.length) return;
        const w = new Worker(new URL('./worker.js', import.meta.url));
        workers.push(w);
        try {
          while (next < queue.length) {
            const { unit, job } = queue[next++];
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
              w.postMessage({ job, options: jobOptions });
            });
            if (unit.parts === null) finish(job, r);
            else partDone(unit, job, r);
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
  const order: ({ job: Job } | { problem: Problem })[] = [...jobs.map((job) => ({ job })), ...problems.map((problem) => ({ problem }))].sort(
    (a, b) => ('job' in a ? a.job.n : a.problem.n) - ('job' in b ? b.job.n : b.problem.n),
  );
  let okRows = 0;
  const rowsOf = function* (): Generator<MessageFacts> {
    for (const x of order) {
      if ('problem' in x) {
        const f = blankFacts(x.problem.rel, 0, '');
        f.errors.push(x.problem.error);
        yield f;
        continue;
      }
      const j = x.job;
      const r = results.get(j.n);
      if (r !== undefined && !r.ok) {
        const f = blankFacts(j.rel, 0, j.outRel);
        f.errors.push(r.error!);
        yield f;
        continue;
      }
      for (const f of readRows(j.rows)) {
        okRows++;
        yield f;
      }
    }
  };
  if (o.manifest !== undefined) writeManifest(o.manifest, rowsOf());
  else for (const _ of rowsOf());

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
    say(`xmime convert: ${jobs.length + problems.length - failed} ok, ${failed} failed${skipped}; ${okRows} messages${store}; ${human(bytesDone)} in ${t.toFixed(1)} s (${(bytesDone / 1e6 / Math.max(t, 0.001)).toFixed(1)} MB/s)`);
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Decoding: the parts of one mailbox (`REL.1.xml`, `REL.2.xml`, … whose roots
 * say `part="K"`, spec §18.6) become one job writing `REL`; a set without
 * part 1, or with a gap, is a problem.
 */
function groupParts(jobs: Job[], problems: Problem[]): [Job[], Problem[]] {
  const groups = new Map<string, { k: number; job: Job }[]>();
  const rest: Job[] = [];
  for (const j of jobs) {
    const m = /^(.*)\.([1-9][0-9]{0,8})\.xml$/.exec(j.rel);
    let k: number | null = null;
    if (m !== null) {
      try {
        const fd = openSync(j.src, 'r');
        try {
          const b = Buffer.alloc(4096);
          k = partOf(b.toString('latin1', 0, readSync(fd, b, 0, 4096, 0)));
        } finally {
          closeSync(fd);
        }
      } catch {
        k = null; // unreadable: the worker reports it
      }
    }
    if (m === null || k !== Number(m[2])) {
      rest.push(j);
      continue;
    }
    const list = groups.get(m[1]) ?? [];
    list.push({ k, job: j });
    groups.set(m[1], list);
  }
  const out = [...problems];
  for (const [base, list] of groups) {
    list.sort((a, b) => a.k - b.k);
    if (list.some((x, i) => x.k !== i + 1)) {
      out.push({ n: list[0].job.n, rel: `${base}.1.xml`, code: 'input-read', error: `input-read: the parts of ${base} are not 1 to ${list.length}: ${list.map((x) => x.k).join(', ')}` });
      continue;
    }
    const first = list[0].job;
    rest.push({ ...first, srcParts: list.map((x) => x.job.src), outRel: base, out: join(dirname(first.out), basename(base)) });
  }
  return [rest.sort((a, b) => a.n - b.n), out.sort((a, b) => a.n - b.n)];
}

/** The rows of a rows file, one JSON line each, read in 1 MiB pieces (split at LF bytes, then decoded: a piece may end inside a character). */
function* readRows(path: string): Generator<MessageFacts> {
  const fd = openSync(path, 'r');
  try {
    let rest: Buffer = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let k = readSync(fd, buf, 0, buf.length, null); k > 0; k = readSync(fd, buf, 0, buf.length, null)) {
      const b: Buffer = rest.length === 0 ? buf.subarray(0, k) : Buffer.concat([rest, buf.subarray(0, k)]);
      const last = b.lastIndexOf(0x0a);
      if (last < 0) {
        rest = Buffer.from(b);
        continue;
      }
      for (const l of b.toString('utf8', 0, last).split('\n')) if (l !== '') yield JSON.parse(l) as MessageFacts;
      rest = Buffer.from(b.subarray(last + 1));
    }
    if (rest.length > 0) yield JSON.parse(rest.toString('utf8')) as MessageFacts;
  } finally {
    closeSync(fd);
  }
}

/**
 * The parts of a large mbox, concatenated in order into the output (temporary
 * name, fsync, rename), their rows into the job's rows file with the messages
 * numbered through; the first failed part fails the job.
 */
function assemble(job: Job, parts: Job[], results: JobResult[], segments?: TreeSegment[]): JobResult {
  const r: JobResult = { n: job.n, ok: false, warnings: [], rows: 0, sha256: '', inBytes: 0, outBytes: 0, refs: 0, refBytes: 0 };
  const bad = results.find((x) => !x.ok);
  const tmp = join(dirname(job.out), `${TMP}${process.pid}-${job.n}-${basename(job.out)}`);
  const rowsTmp = `${job.rows}.tmp-${process.pid}`;
  try {
    if (bad !== undefined) {
      Object.assign(r, { code: bad.code, error: bad.error });
      return r;
    }
    const h = createHash('sha256');
    const out = openSync(tmp, 'wx');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      const put = (b: Buffer): void => {
        h.update(b);
        for (let o = 0; o < b.length; ) o += writeSync(out, b, o, b.length - o);
        r.outBytes += b.length;
      };
      // A Maildir: its literal tags between the parts; an mbox: the parts alone.
      let next = 0;
      const order: (string | Job)[] = segments === undefined ? parts : segments.map((g) => (typeof g === 'string' ? g : parts[next++]));
      for (const p of order) {
        if (typeof p === 'string') {
          put(Buffer.from(p, 'utf8'));
          continue;
        }
        const fd = openSync(p.part!.file, 'r');
        try {
          for (let k = readSync(fd, buf, 0, buf.length, null); k > 0; k = readSync(fd, buf, 0, buf.length, null)) put(buf.subarray(0, k));
        } finally {
          closeSync(fd);
        }
      }
      fsyncSync(out);
    } finally {
      closeSync(out);
    }
    let index = 0, text = '';
    const rows = openSync(rowsTmp, 'w');
    try {
      for (const p of parts) {
        for (const f of readRows(p.rows)) {
          if (segments === undefined) f.index = ++index; // an mbox's messages are numbered through its ranges
          else index++;
          text += `${JSON.stringify(f)}\n`;
          if (text.length > 1 << 16) (writeSync(rows, text), (text = ''));
        }
      }
      writeSync(rows, text);
      fsyncSync(rows);
    } finally {
      closeSync(rows);
    }
    renameSync(rowsTmp, job.rows);
    renameSync(tmp, job.out);
    fsyncDir(dirname(job.out));
    Object.assign(r, { ok: true, sha256: h.digest('hex'), rows: index });
    for (const x of results) {
      r.inBytes += x.inBytes;
      r.refs += x.refs;
      r.refBytes += x.refBytes;
      r.warnings.push(...x.warnings);
    }
    return r;
  } catch (e) {
    Object.assign(r, { ok: false, code: 'output-write', error: `output-write: ${(e as Error).message}` });
    rmSync(tmp, { force: true });
    rmSync(rowsTmp, { force: true });
    return r;
  } finally {
    for (const p of parts) {
      rmSync(p.part!.file, { force: true });
      rmSync(p.rows, { force: true });
    }
  }
}

/** The manifest, CSV or (for *.jsonl, *.ndjson, *.json) JSON Lines, written to a temporary file and renamed. */
function writeManifest(path: string, rows: Iterable<MessageFacts>): void {
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
