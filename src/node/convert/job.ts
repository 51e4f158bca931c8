/**
 * One conversion job of `xmime convert`: one input file (a message, an mbox,
 * a Maildir directory, or a document to decode) to one output, in a worker
 * thread. The output is written to a temporary name in its own directory,
 * fsynced, renamed into place and the directory fsynced, so after a crash an
 * output is either whole or absent; its SHA-256 is then read back from disk
 * for the journal.
 * @module
 */
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, lstatSync, writeSync, constants, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { encoderInto } from '../../api/codec.js';
import { Output } from '../../core/output.js';
import { XmimeError } from '../../core/errors.js';
import { Kind, type Sink } from '../../xmime/events.js';
import type { ReadableStats } from '../../encode/readable-stage.js';
import { MailboxDecoder, MboxEncoder, MboxPartEncoder } from '../../mailbox/mbox-codec.js';
import type { MboxVariant } from '../../mailbox/mbox-split.js';
import { blankFacts, FactsSink, type MessageFacts, type RunningHash } from '../../archive/facts.js';
import { StoreSink } from '../../archive/store.js';
import { FsStore, storeReader } from './store-fs.js';
import { decodeTree, encodeTree } from '../tree-fs.js';
import { rootName } from '../mailbox-cli.js';
import { notMail } from '../not-mail.js';
import { encodeGroup, type TreeFile } from './tree-parts.js';

/** What a job converts. */
export type JobKind = 'file' | 'tree' | 'document';

export interface Job {
  /** Its place in the plan (input order). */
  n: number;
  kind: JobKind;
  /** The input's path, and its path relative to the inputs (as the manifest names it). */
  src: string;
  rel: string;
  /** The output's path, and relative to OUTDIR. */
  out: string;
  outRel: string;
  /** Where the job's manifest rows go (JSON Lines): the final path, or a part's. */
  rows: string;
  /** One byte range of a large mbox (encoded apart, concatenated by the pool). */
  part?: JobPart;
  /** Decode: the parts of one mailbox (`REL.1.xml`, `REL.2.xml`, …), in order; `src` is the first. */
  srcParts?: string[];
}

export interface JobPart {
  i: number;
  start: number;
  end: number;
  /** The blank line before the range; null for the first. */
  gap: number[] | null;
  head: boolean;
  foot: boolean;
  /** The next range's gap, which this range must end with. */
  nextGap: number[] | null;
  /** The fragment's file (a temporary name in the output's directory). */
  file: string;
  /** A Maildir's part: these files' `<file>` elements (the pool writes the tags between parts). */
  files?: TreeFile[];
}

export interface JobOptions {
  readable: boolean;
  variant: MboxVariant;
  /** The attachment store, and the size over which bodies go there. */
  attachments?: string;
  attachmentSize: number;
  /** Test hook: wait this long (ms) after each chunk written, so kill tests land during real work. */
  slow?: number;
  /** Encode: an mbox becomes parts `REL.1.xml`, `REL.2.xml`, … of at most this many bytes each (spec §18.6). */
  maxSize?: number;
}

export interface JobResult {
  n: number;
  ok: boolean;
  /** The error code (the spec's) and the message, for a job that failed. */
  code?: string;
  error?: string;
  warnings: string[];
  /** Manifest rows written. */
  rows: number;
  /** The output's SHA-256 as read back (a directory's: see {@link dirDigest}). */
  sha256: string;
  inBytes: number;
  outBytes: number;
  /** Attachment store: bodies referenced by this job, their bytes, and those newly stored. */
  refs: number;
  refBytes: number;
  /** Encode with --max-size: the number of parts written (`REL.K.xml`); 0 for one document. */
  parts?: number;
}

/** The marker in temporary names: anything in OUTDIR whose name contains it is left over from a killed run. */
export const TMP = '.xmime-tmp-';

/** Manifest rows, one JSON line each, written as messages complete (a Maildir of 100,000 holds none in memory). */
class RowsOut {
  private readonly fd: number;
  private buf = '';
  n = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  add(f: MessageFacts): void {
    this.buf += `${JSON.stringify(f)}\n`;
    this.n++;
    if (this.buf.length > 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buf !== '') writeSync(this.fd, this.buf);
    this.buf = '';
  }
  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

const newHash = (alg: 'sha256' | 'sha1'): RunningHash => {
  const h = createHash(alg);
  return { update: (d) => h.update(d), digest: () => h.digest('hex') };
};

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A file written through a descriptor, with an optional pause per write (test hook). */
class FileOut {
  readonly fd: number;
  bytes = 0;
  constructor(
    readonly path: string,
    private readonly slow: number,
  ) {
    this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  }
  write = (c: Uint8Array): void => {
    for (let o = 0; o < c.length; ) o += writeSync(this.fd, c, o, c.length - o);
    this.bytes += c.length;
    if (this.slow > 0) sleepSync(this.slow);
  };
  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/** Makes a rename in `dir` durable (the directory entry, not only the file's bytes). */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The output's name for part K: `REL.xml` → `REL.K.xml`. */
export function partName(out: string, k: number): string {
  return `${out.slice(0, -4)}.${k}.xml`;
}

/** SHA-256 over parts 1..n of an output, read back from disk in order. */
export function partsDigest(out: string, n: number): string {
  const h = createHash('sha256');
  for (let k = 1; k <= n; k++) h.update(fileDigest(partName(out, k)));
  return h.digest('hex');
}

/**
 * Renames the written parts into place (`REL.K.xml`), and removes what an
 * earlier run left under the output's names (more parts, or one document).
 */
function placeParts(out: string, tmp: string, n: number): string {
  for (let k = 1; k <= n; k++) renameSync(`${tmp}.${k}`, partName(out, k));
  for (let k = n + 1; existsSync(partName(out, k)); k++) rmSync(partName(out, k));
  rmSync(out, { force: true });
  return partsDigest(out, n);
}

/** SHA-256 of a file, read back from disk. */
export function fileDigest(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let k = readSync(fd, buf, 0, buf.length, null); k > 0; k = readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, k));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** SHA-256 over a directory: each entry in name order, its kind, name, and contents' hash. */
export function dirDigest(path: string): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    for (const name of (readdirSync(p, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare)) {
      const q = Buffer.concat([Buffer.from(p), Buffer.from('/'), name]);
      const st = lstatSync(q);
      h.update(st.isDirectory() ? 'd' : 'f');
      h.update(name);
      h.update('\0');
      if (st.isDirectory()) {
        walk(q.toString());
        h.update('\0u');
      } else h.update(fileDigest(q.toString()));
    }
  };
  walk(path);
  return h.digest('hex');
}

/** Reads a file in 64 KiB chunks; errors are the input's (`input-read`). */
async function* chunksOf(path: string, start = 0, end = Infinity): AsyncGenerator<Uint8Array> {
  const rs = createReadStream(path, { highWaterMark: 1 << 16, start, end: end === Infinity ? undefined : end - 1 });
  try {
    for await (const c of rs) yield c as Uint8Array;
  } catch (e) {
    throw new InputError(e as Error);
  }
}

/** The first 4 KiB of a file, as Latin-1. */
export async function headOf(path: string): Promise<string> {
  for await (const c of chunksOf(path, 0, 4096)) return Buffer.from(c).toString('latin1');
  return '';
}

/** The `part` number on a mailbox document's root start tag, or null. */
export function partOf(head: string): number | null {
  const m = /^(?:\uFEFF|\xEF\xBB\xBF)?(?:<\?xml[^>]*\?>)?\s*<(?:[A-Za-z_][\w.-]*:)?mbox\b([^>]*)>/.exec(head);
  const p = m === null ? null : /\spart\s*=\s*["']([1-9][0-9]{0,14})["']/.exec(m[1]);
  return p === null ? null : Number(p[1]);
}

/** As in a tree (spec §18.4): *.eml is a message, *.mbox and *.mbx an mbox, else an mbox if it begins "From ". */
export function isMbox(name: string, head: Uint8Array): boolean {
  name = name.toLowerCase();
  return /\.(mbox|mbx)$/.test(name) || (!name.endsWith('.eml') && head.length >= 5 && head[0] === 0x46 && head[1] === 0x72 && head[2] === 0x6f && head[3] === 0x6d && head[4] === 0x20);
}

/** An input that could not be read. */
class InputError extends Error {
  constructor(readonly reason: Error) {
    super(reason.message);
  }
}

function describe(e: unknown): { code: string; error: string } {
  if (e instanceof XmimeError) return { code: e.code, error: `${e.line}:${e.column}: ${e.code}: ${e.detail}` };
  if (e instanceof InputError) return { code: 'input-read', error: `input-read: cannot read: ${systemText(e.reason)}` };
  const err = e as NodeJS.ErrnoException;
  return { code: 'output-write', error: `output-write: ${systemText(err)}` };
}

function systemText(e: NodeJS.ErrnoException): string {
  return /^[A-Z]+: ([^,]+)/.exec(e.message ?? '')?.[1] ?? String(e.message ?? e);
}

/** Runs one job; never throws (a failure is the result). */
export async function runJob(job: Job, o: JobOptions, progress: (bytes: number) => void): Promise<JobResult> {
  const r: JobResult = { n: job.n, ok: false, warnings: [], rows: 0, sha256: '', inBytes: 0, outBytes: 0, refs: 0, refBytes: 0 };
  const tmp = job.part?.file ?? `${dirname(job.out)}/${TMP}${process.pid}-${job.n}-${job.out.slice(dirname(job.out).length + 1)}`;
  const rowsTmp = job.part === undefined ? `${job.rows}.tmp-${process.pid}` : job.rows;
  let rows: RowsOut | null = null;
  try {
    mkdirSync(dirname(job.out), { recursive: true });
    mkdirSync(dirname(job.rows), { recursive: true });
    rows = new RowsOut(rowsTmp);
  } catch (e) {
    Object.assign(r, { code: 'output-write', error: `output-write: cannot create ${dirname(job.out)}: ${systemText(e as Error)}` });
    return r;
  }
  try {
    if (job.kind === 'document') await decodeJob(job, o, tmp, r, rows, progress);
    else await encodeJob(job, o, tmp, r, rows, progress);
    rows.close();
    r.rows = rows.n;
    if (job.part !== undefined) {
      r.ok = true;
      return r; // the pool concatenates the parts
    }
    renameSync(rowsTmp, job.rows); // the rows first: an output that exists has its rows
    if (r.parts !== undefined && r.parts > 0) {
      r.sha256 = placeParts(job.out, tmp, r.parts);
    } else if (job.kind === 'document' && r.sha256 === 'dir') {
      rmSync(job.out, { recursive: true, force: true }); // a directory left by a run killed after its rename, before its journal line
      renameSync(tmp, job.out);
      r.sha256 = dirDigest(job.out);
    } else {
      r.sha256 = fileDigest(tmp);
      renameSync(tmp, job.out);
    }
    fsyncDir(dirname(job.out));
    r.ok = true;
  } catch (e) {
    Object.assign(r, describe(e));
    for (let k = 1; k <= (r.parts ?? 0); k++) rmSync(`${tmp}.${k}`, { force: true });
    try {
      rows.close();
    } catch {
      // already closed
    }
    rmSync(rowsTmp, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
  return r;
}

async function encodeJob(job: Job, o: JobOptions, tmp: string, r: JobResult, rows: RowsOut, progress: (bytes: number) => void): Promise<void> {
  const stats: ReadableStats = { textParts: 0, readableParts: 0 };
  const store = o.attachments === undefined ? null : new FsStore(o.attachments, o.attachmentSize);
  let current: MessageFacts | null = null;
  let pendingRow: MessageFacts | null = null;
  let source = job.rel;
  let index = 0;
  const front = (next: Sink, offset: number): Sink => {
    let inner = next;
    if (store !== null) {
      const s = new StoreSink(next, store);
      inner = s;
      const close = s.close.bind(s);
      s.close = (k) => {
        close(k);
        if (k === Kind.Mime) {
          r.refs += s.stored.bodies;
          r.refBytes += s.stored.bytes;
        }
      };
    }
    const f = blankFacts(source, ++index, job.outRel);
    f.offset = offset + (job.part?.start ?? 0);
    current = f;
    return new FactsSink(inner, f, newHash, stats, (done) => {
      if (pendingRow !== null) rows.add(pendingRow);
      pendingRow = done; // held one message: "not-mail" and "doubtful-split" may still be added to it
    });
  };
  const onKept = (): void => {
    const c = current as MessageFacts | null;
    if (c !== null && !c.anomalies.includes('doubtful-split')) c.anomalies.push('doubtful-split');
  };
  const options = { readable: o.readable, variant: o.variant, stats, front, onKept };
  if (job.kind === 'tree') {
    const treeOptions = {
      ...options,
      onFile: (names: readonly Uint8Array[], _kind: string, size: number) => {
        source = [job.rel, ...names.map((n) => Buffer.from(n).toString())].join('/');
        index = 0;
        r.inBytes += size;
        progress(size);
      },
    };
    if (job.part?.files !== undefined) {
      await encodeGroup(job.part.files, tmp, treeOptions, () => {}, (c) => (r.outBytes += c.length));
      if (pendingRow !== null) rows.add(pendingRow);
      return;
    }
    await encodeTree(job.src, tmp, treeOptions);
    if (pendingRow !== null) rows.add(pendingRow);
    // encodeTree renames its own temporary file to `tmp`; make it durable before the final rename.
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    r.outBytes = lstatSync(tmp).size;
    return;
  }
  const chunks = chunksOf(job.src, job.part?.start, job.part?.end);
  const first = await chunks.next();
  const head = first.done ? new Uint8Array(0) : first.value.subarray(0, 4096);
  const name = job.src;
  const mbox = job.part !== undefined || isMbox(name, head);
  if (mbox && o.maxSize !== undefined && job.part === undefined) {
    // Parts of at most maxSize bytes, each its own file (spec §18.6).
    let file: FileOut | null = null;
    let outBytes = 0;
    r.parts = 0;
    const e = new MboxPartEncoder(
      {
        begin: (k) => {
          file = new FileOut(`${tmp}.${k}`, o.slow ?? 0);
          r.parts = k;
        },
        chunk: (c) => file!.write(c),
        end: () => {
          outBytes += file!.bytes;
          file!.close();
          file = null;
        },
      },
      { ...options, maxSize: o.maxSize },
    );
    try {
      const feed = (c: Uint8Array): void => {
        r.inBytes += c.length;
        e.push(c);
        progress(c.length);
      };
      if (!first.done) feed(first.value);
      for await (const c of chunks) feed(c);
      e.end();
    } finally {
      (file as FileOut | null)?.close();
    }
    if (pendingRow !== null) rows.add(pendingRow);
    r.outBytes = outBytes;
    return;
  }
  const file = new FileOut(tmp, o.slow ?? 0);
  try {
    let push: (c: Uint8Array) => void, end: () => void;
    if (mbox) {
      const p = job.part;
      const e = new MboxEncoder(file.write, p === undefined ? options : { ...options, range: { head: p.head, foot: p.foot, gap: p.gap === null ? null : new Uint8Array(p.gap) } });
      push = (c) => e.push(c);
      end = () => {
        e.end();
        // A range must end with the blank line the next range starts after; else the cut was wrong: fail, never write a wrong document.
        if (p !== undefined && !p.foot && Buffer.compare(Buffer.from(e.rangeTail ?? []), Buffer.from(p.nextGap ?? [])) !== 0) throw new Error(`internal error: the mbox range ${p.start}-${p.end} does not end with the next range's gap`);
      };
    } else {
      const out = new Output(file.write, 1 << 16);
      const tok = encoderInto(out, options, (next) => front(next, 0));
      push = (c) => {
        tok.push(c);
        out.flush(1 << 16);
      };
      end = () => {
        tok.end();
        out.flush();
      };
    }
    const feed = (c: Uint8Array): void => {
      r.inBytes += c.length;
      push(c);
      progress(c.length);
    };
    if (!first.done) feed(first.value);
    for await (const c of chunks) feed(c);
    end();
    const why = job.part === undefined ? notMail(head, r.inBytes) : null;
    if (why !== null) {
      r.warnings.push(`${why}; converted all the same (every input round-trips), but is it mail?`);
      if (pendingRow !== null) (pendingRow as MessageFacts).anomalies.push('not-mail');
    }
    if (pendingRow !== null) rows.add(pendingRow);
    r.outBytes = file.bytes;
  } finally {
    file.close();
  }
}

async function decodeJob(job: Job, o: JobOptions, tmp: string, r: JobResult, rows: RowsOut, progress: (bytes: number) => void): Promise<void> {
  const external = o.attachments === undefined ? undefined : storeReader(o.attachments);
  let root: string;
  try {
    root = await rootName(job.src);
  } catch (e) {
    throw new InputError(e as Error);
  }
  const row = blankFacts(job.rel, 1, job.outRel);
  if (root === 'tree') {
    r.inBytes = lstatSync(job.src).size;
    await decodeTree(job.src, tmp, { external });
    progress(r.inBytes);
    r.sha256 = 'dir';
    rows.add(row);
    return;
  }
  const file = new FileOut(tmp, o.slow ?? 0);
  const h = createHash('sha256');
  try {
    // One document, or the parts of one mailbox in order: their bytes concatenated are the file (spec §18.6).
    const srcs = job.srcParts ?? [job.src];
    for (let k = 0; k < srcs.length; k++) {
      if (job.srcParts !== undefined) {
        const n = partOf(await headOf(srcs[k]));
        if (n !== k + 1) throw new XmimeError('xmime-attribute-value', `${srcs[k]} is not part ${k + 1} of a mailbox (its root says part="${n ?? ''}")`, 0, 1, 1, '');
      }
      const d = new MailboxDecoder((c) => {
        h.update(c);
        file.write(c);
      }, external === undefined ? {} : { external });
      for await (const c of chunksOf(srcs[k])) {
        r.inBytes += c.length;
        d.push(c);
        progress(c.length);
      }
      d.end();
    }
    r.outBytes = file.bytes;
  } finally {
    file.close();
  }
  row.length = r.outBytes;
  row.sha256 = h.digest('hex');
  rows.add(row);
}
