/**
 * Directories ⇄ tree documents (spec §18.4, §18.5): the file-system side.
 * Encoding walks the tree in name order and streams every file through the
 * right encoder; decoding writes a new tree into a temporary directory next
 * to the target, creating every directory and file itself (never following
 * a link, never writing outside it), and renames it into place on success.
 * @module
 */
import { closeSync, createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { lstat, opendir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { encoderInto } from '../api/codec.js';
import { Output } from '../core/output.js';
import { XmimeError, type ErrorCode } from '../core/errors.js';
import { attrBytes } from '../xmime/leaf-text.js';
import { NS } from '../xmime/events.js';
import { XmlTokenizer } from '../decode/xml-tokenizer.js';
import type { TextHint, XmlAttr, XmlHandler } from '../decode/xml-handler.js';
import type { Reporter } from '../decode/reporter.js';
import { MailboxReader, MboxEncoder, type MailboxDecodeOptions, type MboxEncodeOptions } from '../mailbox/mbox-codec.js';
import { attrText, readLeaf, writeLeaf } from '../mailbox/leaf.js';
import { badName, fileKind, foldKey, maildirFlags } from '../mailbox/tree.js';

/** A file system path from byte names (names may be any bytes). */
function pathOf(base: Buffer, names: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [base];
  for (const n of names) parts.push(Buffer.from('/'), Buffer.from(n));
  return Buffer.concat(parts);
}

const te = new TextEncoder();
const utf8 = (s: string): Uint8Array => te.encode(s);

/** Modification time as decimal seconds, to the nanosecond the file system gives. */
export function mtimeOf(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const s = a / 1000000000n, f = a % 1000000000n;
  const frac = f === 0n ? '' : `.${f.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${s}${frac}`;
}

export function treeError(code: ErrorCode, detail: string): XmimeError {
  return new XmimeError(code, detail, 0, 1, 1, '');
}

/** Writes XML to a Node stream, waiting for it to drain. */
export class XmlOut {
  readonly out: Output;
  private queue: Uint8Array[] = [];

  constructor(private readonly ws: Writable) {
    this.out = new Output((c) => this.queue.push(c), 1 << 16);
  }

  async pump(): Promise<void> {
    this.out.flush(1 << 16);
    await this.send();
  }

  async send(): Promise<void> {
    const q = this.queue;
    this.queue = [];
    for (const c of q) {
      if (!this.ws.write(c)) await new Promise<void>((res, rej) => {
        const err = (e: Error) => rej(e);
        this.ws.once('error', err);
        this.ws.once('drain', () => {
          this.ws.off('error', err);
          res();
        });
      });
    }
  }

  async finish(): Promise<void> {
    this.out.flush();
    await this.send();
  }
}

export interface TreeEncodeOptions extends MboxEncodeOptions {
  /** @internal Told each file's path (components from the tree's root) and kind before it is encoded. */
  onFile?: (names: readonly Uint8Array[], kind: 'mime' | 'mbox' | 'data', size: number) => void;
}

/**
 * Files up to this size are read in one call: a Maildir holds many small files, and a read
 * stream per file allocates a 64 KiB buffer per read, which piles up as garbage faster than it is collected.
 */
const READ_WHOLE = 1 << 20;

export async function encodeFile(x: XmlOut, file: Buffer, names: Uint8Array[], size: number, options: TreeEncodeOptions): Promise<void> {
  const out = x.out;
  let kind: ReturnType<typeof fileKind> | null = null;
  let push: ((c: Uint8Array) => void) | null = null;
  let end: (() => void) | null = null;
  let pending: Uint8Array | null = null;
  const gt = { b1: 0, b2: 0 };
  const source: AsyncIterable<Uint8Array> | Uint8Array[] = size <= READ_WHOLE ? [new Uint8Array(await readFile(file))].filter((b) => b.length > 0) : createReadStream(file, { highWaterMark: 1 << 16 });
  for await (const chunk of source) {
    let c = chunk as Uint8Array;
    if (kind === null) {
      kind = fileKind(names, c);
      options.onFile?.(names, kind, size);
      out.ascii('>\n');
      if (kind === 'mime') {
        // Straight into the document's buffer: no per-file encoder buffer (a Maildir has many files).
        const front = options.front;
        const e = encoderInto(out, options, front === undefined ? undefined : (next) => front(next, 0));
        push = (b) => e.push(b);
        end = () => e.end();
      } else if (kind === 'mbox') {
        const e = new MboxEncoder((b) => out.bytes(b), options);
        push = (b) => e.push(b);
        end = () => e.end();
      } else {
        out.ascii('<data>');
        push = (b) => {
          if (pending !== null) {
            b = Buffer.concat([pending, b]);
            pending = null;
          }
          const stop = writeLeaf(out, b, 0, b.length, false, gt);
          if (stop < b.length) pending = b.slice(stop);
        };
        end = () => {
          if (pending !== null) writeLeaf(out, pending, 0, pending.length, true, gt);
          out.ascii('</data>\n');
        };
      }
    }
    push!(c);
    await x.pump();
  }
  if (kind === null) out.ascii('/>\n');
  else {
    end!();
    out.ascii('</file>\n');
  }
}

/** True if the directory has no entries (reads one, not the listing). */
async function isEmptyDir(p: Buffer): Promise<boolean> {
  const d = await opendir(p);
  try {
    return (await d.read()) === null;
  } finally {
    await d.close();
  }
}

async function encodeDir(x: XmlOut, base: Buffer, names: Uint8Array[], options: TreeEncodeOptions): Promise<void> {
  const here = pathOf(base, names);
  // The names as latin1 strings (one char per byte: code-unit order is byte order): a directory of
  // 100,000 names costs a few MB this way, several times that as Buffers.
  const entries = ((await readdir(here, { encoding: 'latin1' })) as string[]).sort();
  for (let k = 0; k < entries.length; k++) {
    const name = Buffer.from(entries[k], 'latin1');
    const sub = [...names, new Uint8Array(name)];
    const p = pathOf(base, sub);
    const st = await lstat(p, { bigint: true });
    const attrs = ` name="${attrText(name)}" mtime="${mtimeOf(st.mtimeNs)}"`;
    if (st.isDirectory()) {
      if (await isEmptyDir(p)) x.out.bytes(utf8(`<dir${attrs}/>\n`));
      else {
        x.out.bytes(utf8(`<dir${attrs}>\n`));
        await encodeDir(x, base, sub, options);
        x.out.ascii('</dir>\n');
      }
    } else if (st.isFile()) {
      const flags = maildirFlags(name);
      x.out.bytes(utf8(`<file${attrs}${flags === null ? '' : ` flags="${flags}"`}`));
      await encodeFile(x, p, sub, Number(st.size), options);
    } else throw treeError('tree-symlink', `${p.toString('latin1')} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file or directory'}: a tree document carries directories and files only`);
    await x.pump();
  }
}

/**
 * Encodes the directory `dir` as a tree document into `output` (a path,
 * written to a temporary name and renamed on success; or null for stdout).
 */
export async function encodeTree(dir: string, output: string | null, options: TreeEncodeOptions = {}): Promise<void> {
  const st = await lstat(dir, { bigint: true });
  if (!st.isDirectory()) throw treeError('tree-symlink', `${dir} is not a directory`);
  const tmp = output === null ? null : `${output}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const ws = tmp === null ? process.stdout : createWriteStream(tmp, { flags: 'wx' });
  const x = new XmlOut(ws);
  try {
    x.out.ascii(`<tree xmlns="${NS}" mtime="${mtimeOf(st.mtimeNs)}">\n`);
    await encodeDir(x, Buffer.from(dir), [], options);
    x.out.ascii('</tree>\n');
    await x.finish();
    if (tmp !== null) {
      await new Promise<void>((res, rej) => (ws as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? rej(e) : res())));
      await rename(tmp, output!);
    }
  } catch (e) {
    if (tmp !== null) {
      (ws as ReturnType<typeof createWriteStream>).destroy();
      await unlink(tmp).catch(() => {});
    }
    throw e;
  }
}

const MTIME = /^-?[0-9]{1,15}(\.[0-9]{1,9})?$/;
const FLAGS = /^[A-Za-z]*$/;

interface OpenDir {
  path: Buffer;
  names: Set<string>;
  folded: Set<string>;
  mtime: string | null;
}

export interface TreeDecodeOptions {
  /** @internal Writes `<external>` bodies (attachments by hash); without it they are an error. */
  external?: MailboxDecodeOptions['external'];
  /** Treat names as colliding when they differ only in case or Unicode normalisation. Default: when the target's file system folds case. */
  foldNames?: boolean;
}

/** XML tokens of a tree document in, files and directories out (synchronously, so memory stays bounded). */
class TreeWriter implements XmlHandler {
  private readonly dirs: OpenDir[] = [];
  private rootSeen = false;
  rootMtime: string | null = null;
  /** Inside `<file>`: its descriptor and path; the reader of its content and how deep inside it we are. */
  private fd = -1;
  private filePath: Buffer | null = null;
  private fileMtime: string | null = null;
  private hasContent = false;
  private inner: MailboxReader | null = null;
  private innerDepth = 0;
  private inData = false;
  private readonly fileOut: Output;

  constructor(private readonly tok: Reporter, private readonly root: Buffer, private readonly fold: boolean, private readonly external?: MailboxDecodeOptions['external']) {
    this.fileOut = new Output((c) => {
      let o = 0;
      while (o < c.length) o += writeSync(this.fd, c, o, c.length - o);
    }, 1 << 16, false);
  }

  private attrs(local: string, attrs: XmlAttr[], allowed: string[], at: number): Map<string, string> {
    const m = new Map<string, string>();
    for (const a of attrs) {
      if (a.ns === NS) this.tok.fail('xmime-attribute', `<${local}> has no attribute "${a.local}" in the XMIME namespace`, at);
      if (a.ns !== null) continue;
      if (!allowed.includes(a.local)) this.tok.fail('xmime-attribute', `<${local}> has no attribute "${a.local}"`, at);
      m.set(a.local, a.value);
    }
    const mt = m.get('mtime');
    if (mt !== undefined && !MTIME.test(mt)) this.tok.fail('xmime-attribute-value', `mtime="${mt}" is not decimal seconds`, at);
    const fl = m.get('flags');
    if (fl !== undefined && !FLAGS.test(fl)) this.tok.fail('xmime-attribute-value', `flags="${fl}" is not Maildir flag letters`, at);
    return m;
  }

  /** Checks a new name in the open directory; returns its path. */
  private claim(m: Map<string, string>, local: string, at: number): Buffer {
    const v = m.get('name');
    if (v === undefined) this.tok.fail('xmime-missing-attribute', `<${local}> needs a name`, at);
    const name = attrBytes(v);
    const why = badName(name);
    if (why !== null) this.tok.fail('tree-name', `<${local}> has ${why}`, at);
    const d = this.dirs[this.dirs.length - 1];
    const key = Buffer.from(name).toString('latin1');
    if (d.names.has(key)) this.tok.fail('tree-duplicate', `the name "${v}" is given twice in one directory`, at);
    d.names.add(key);
    if (this.fold) {
      const k = foldKey(name);
      if (d.folded.has(k)) this.tok.fail('tree-duplicate', `the name "${v}" is another name of the same directory on this file system (case or Unicode normalisation)`, at);
      d.folded.add(k);
    }
    return Buffer.concat([d.path, Buffer.from('/'), Buffer.from(name)]);
  }

  start(ns: string | null, local: string, attrs: XmlAttr[], at: number): void {
    const tok = this.tok;
    if (this.inner !== null) {
      this.innerDepth++;
      this.inner.start(ns, local, attrs, at);
      this.fileOut.flush(1 << 16);
      return;
    }
    if (ns !== NS) tok.fail('xmime-namespace', `<${local}> is in namespace ${ns === null ? '(none)' : `"${ns}"`}, not "${NS}"`, at);
    if (!this.rootSeen) {
      if (local !== 'tree') tok.fail('xmime-placement', `<${local}> cannot be the root of a tree document; the root is <tree>`, at);
      this.rootSeen = true;
      this.rootMtime = this.attrs(local, attrs, ['mtime'], at).get('mtime') ?? null;
      this.dirs.push({ path: this.root, names: new Set(), folded: new Set(), mtime: null });
      return;
    }
    if (this.inData) tok.fail('xmime-placement', `<${local}> cannot appear inside <data>, which holds text`, at);
    if (this.filePath !== null) {
      if (this.hasContent) tok.fail('xmime-placement', `<file> holds one <mime>, <mbox> or <data>`, at);
      this.hasContent = true;
      if (local === 'data') {
        if (attrs.some((a) => a.ns === null)) tok.fail('xmime-attribute', '<data> has no attributes', at);
        this.inData = true;
        return;
      }
      if (local !== 'mime' && local !== 'mbox') tok.fail('xmime-placement', `<${local}> cannot appear inside <file>`, at);
      this.inner = new MailboxReader(tok, this.fileOut, this.external === undefined ? {} : { external: this.external });
      this.innerDepth = 1;
      this.inner.start(ns, local, attrs, at);
      return;
    }
    if (local === 'dir') {
      const m = this.attrs(local, attrs, ['name', 'mtime'], at);
      const path = this.claim(m, local, at);
      mkdirSync(path);
      this.dirs.push({ path, names: new Set(), folded: new Set(), mtime: m.get('mtime') ?? null });
      return;
    }
    if (local === 'file') {
      const m = this.attrs(local, attrs, ['name', 'mtime', 'flags'], at);
      const path = this.claim(m, local, at);
      this.fd = openSync(path, 'wx'); // O_EXCL: never an existing file, never through a link
      this.filePath = path;
      this.fileMtime = m.get('mtime') ?? null;
      this.hasContent = false;
      return;
    }
    tok.fail(['mime', 'mbox', 'data'].includes(local) ? 'xmime-placement' : 'xmime-element', `<${local}> cannot appear inside <${this.dirs.length > 1 ? 'dir' : 'tree'}>`, at);
  }

  text(d: Uint8Array, s: number, e: number, hint: TextHint | null): void {
    if (this.inner !== null) {
      this.inner.text(d, s, e, hint);
      this.fileOut.flush(1 << 16);
      return;
    }
    if (this.inData) {
      readLeaf(this.fileOut, d, s, e);
      this.fileOut.flush(1 << 16);
      return;
    }
    for (let i = s; i < e; i++) {
      const c = d[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) this.tok.fail('xmime-text', 'a tree holds only elements, not text', this.tok.offsetOf(d, i));
    }
  }

  end(at: number): void {
    if (this.inner !== null) {
      this.inner.end(at);
      if (--this.innerDepth === 0) this.inner = null;
      return;
    }
    if (this.inData) {
      this.inData = false;
      return;
    }
    if (this.filePath !== null) {
      this.fileOut.flush();
      closeSync(this.fd);
      this.fd = -1;
      if (this.fileMtime !== null) utimesSync(this.filePath, Number(this.fileMtime), Number(this.fileMtime));
      this.filePath = null;
      return;
    }
    const d = this.dirs.pop()!;
    if (d.mtime !== null) utimesSync(d.path, Number(d.mtime), Number(d.mtime));
  }

  /** Closes a file left open by an error. */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** True if the file system of directory `dir` folds case. */
function foldsCase(dir: Buffer): boolean {
  const probe = Buffer.concat([dir, Buffer.from('/.xmime-case-probe')]);
  closeSync(openSync(probe, 'wx'));
  try {
    return existsSync(Buffer.concat([dir, Buffer.from('/.XMIME-CASE-PROBE')]));
  } finally {
    unlinkSync(probe);
  }
}

/**
 * Decodes a tree document (read from `doc`, a path or "-") into the
 * directory `target`, which must not exist or be empty. Nothing is written
 * outside it; on any error nothing is left behind.
 */
export async function decodeTree(doc: string, target: string, options: TreeDecodeOptions = {}): Promise<void> {
  try {
    const st = lstatSync(target);
    if (st.isSymbolicLink()) throw treeError('tree-target', `${target} is a symbolic link`);
    if (!st.isDirectory()) throw treeError('tree-target', `${target} exists and is not a directory`);
    if (readdirSync(target).length > 0) throw treeError('tree-target', `${target} is not empty`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const tmp = Buffer.from(join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`));
  mkdirSync(tmp);
  const fold = options.foldNames ?? foldsCase(tmp);
  let w: TreeWriter | null = null;
  try {
    const tok = new XmlTokenizer((report) => (w = new TreeWriter(report, tmp, fold, options.external)));
    const src = doc === '-' ? process.stdin : createReadStream(doc, { highWaterMark: 1 << 16 });
    for await (const c of src) tok.push(c as Uint8Array);
    tok.end();
    renameSync(tmp, target); // rename(2) replaces an empty directory (existing) or creates the name
    const mt = (w as TreeWriter | null)?.rootMtime ?? null;
    if (mt !== null) utimesSync(target, Number(mt), Number(mt));
  } catch (e) {
    (w as TreeWriter | null)?.abort();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** True if two files hold the same bytes, read in blocks (a file of any size in constant memory). */
async function sameBytes(a: Buffer, b: Buffer): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const x = Buffer.alloc(1 << 16), y = Buffer.alloc(1 << 16);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(x, 0, x.length, null), fb.read(y, 0, y.length, null)]);
      // Regular files read in full blocks until their end, so the blocks line up.
      if (ra.bytesRead !== rb.bytesRead || !x.subarray(0, ra.bytesRead).equals(y.subarray(0, rb.bytesRead))) return false;
      if (ra.bytesRead === 0) return true;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** Compares two trees: names, kinds, bytes and modification times (to the millisecond). */
async function compareTrees(a: Buffer, b: Buffer, rel: string): Promise<string | null> {
  const ea = ((await readdir(a, { encoding: 'buffer' })) as Buffer[]).sort(Buffer.compare);
  const eb = ((await readdir(b, { encoding: 'buffer' })) as Buffer[]).sort(Buffer.compare);
  if (ea.length !== eb.length || ea.some((n, i) => !n.equals(eb[i]))) return `${rel}: the names differ`;
  for (const n of ea) {
    const pa = Buffer.concat([a, Buffer.from('/'), n]), pb = Buffer.concat([b, Buffer.from('/'), n]);
    const r = `${rel}/${n.toString('latin1')}`;
    const sa = await lstat(pa), sb = await lstat(pb);
    if (sa.isDirectory() !== sb.isDirectory()) return `${r}: a directory on one side only`;
    if (sa.isDirectory()) {
      const d = await compareTrees(pa, pb, r);
      if (d !== null) return d;
    } else {
      if (!(await sameBytes(pa, pb))) return `${r}: the bytes differ`;
    }
    if (Math.floor(sa.mtimeMs) !== Math.floor(sb.mtimeMs)) return `${r}: the modification time differs`;
  }
  return null;
}

/** Encodes `dir`, decodes the document into a temporary directory, and compares; returns a failure or null. */
export async function verifyTree(dir: string, options: TreeEncodeOptions = {}): Promise<string | null> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const work = await mkdtemp(join(tmpdir(), 'xmime-verify-'));
  try {
    const doc = join(work, 'tree.xml');
    await encodeTree(dir, doc, options);
    const back = join(work, 'tree');
    await decodeTree(doc, back);
    const d = await compareTrees(Buffer.from(dir), Buffer.from(back), dir);
    return d;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
