/**
 * A Maildir's tree document in parts that workers encode in parallel: the
 * walk of `encodeTree` (tree-fs.ts) done ahead, as literal tags (the root,
 * `<dir>`, `</dir>`) and groups of files, each group's `<file>` elements
 * encoded by a worker with tree-fs's own `encodeFile`. Concatenated in order,
 * the parts are `encodeTree`'s document byte for byte (test/node/convert-ranges.test.ts).
 * @module
 */
import { lstatSync, readdirSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { closeSync, openSync, writeSync } from 'node:fs';
import { NS } from '../../xmime/events.js';
import { attrText } from '../../mailbox/leaf.js';
import { maildirFlags } from '../../mailbox/tree.js';
import { encodeFile, mtimeOf, treeError, XmlOut, type TreeEncodeOptions } from '../tree-fs.js';

/**
 * One file of a tree: its path and path components (bytes as Latin-1 strings: a Maildir has 100,000
 * of these, and a string costs a tenth of a typed array), size, and its start tag up to the `>`.
 */
export interface TreeFile {
  path: string;
  names: string[];
  size: number;
  head: string;
}

const TOO_MANY = new Error('too many files to plan');

/** Literal XML, or a group of files for one worker. */
export type TreeSegment = string | TreeFile[];

function pathOf(base: Buffer, names: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [base];
  for (const n of names) parts.push(Buffer.from('/'), Buffer.from(n));
  return Buffer.concat(parts);
}

/**
 * The tree's segments: files grouped by about `groupBytes` of input (a tag
 * between files ends a group); null if the tree has more than `maxFiles`
 * files (the plan is held in memory: a larger tree is one streaming job).
 */
export function planTree(dir: string, groupBytes: number, maxFiles = Infinity): TreeSegment[] | null {
  const st = lstatSync(dir, { bigint: true });
  if (!st.isDirectory()) throw treeError('tree-symlink', `${dir} is not a directory`);
  const segs: TreeSegment[] = [`<tree xmlns="${NS}" mtime="${mtimeOf(st.mtimeNs)}">\n`];
  let group: TreeFile[] | null = null;
  let bytes = 0;
  const lit = (s: string): void => {
    group = null;
    const last = segs[segs.length - 1];
    if (typeof last === 'string') segs[segs.length - 1] = last + s;
    else segs.push(s);
  };
  const base = Buffer.from(dir);
  let files = 0;
  const walk = (names: Uint8Array[]): void => {
    const here = pathOf(base, names);
    for (const name of (readdirSync(here, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare)) {
      const sub = [...names, new Uint8Array(name)];
      const p = pathOf(base, sub);
      const s = lstatSync(p, { bigint: true });
      const attrs = ` name="${attrText(name)}" mtime="${mtimeOf(s.mtimeNs)}"`;
      if (s.isDirectory()) {
        if (readdirSync(p).length === 0) lit(`<dir${attrs}/>\n`);
        else {
          lit(`<dir${attrs}>\n`);
          walk(sub);
          lit('</dir>\n');
        }
      } else if (s.isFile()) {
        if (++files > maxFiles) throw TOO_MANY;
        const flags = maildirFlags(name);
        if (group === null || bytes >= groupBytes) {
          group = [];
          bytes = 0;
          segs.push(group);
        }
        group.push({ path: p.toString('latin1'), names: sub.map((n) => Buffer.from(n).toString('latin1')), size: Number(s.size), head: `<file${attrs}${flags === null ? '' : ` flags="${flags}"`}` });
        bytes += Number(s.size) + 512;
      } else throw treeError('tree-symlink', `${p.toString('latin1')} is ${s.isSymbolicLink() ? 'a symbolic link' : 'not a regular file or directory'}: a tree document carries directories and files only`);
    }
  };
  try {
    walk([]);
  } catch (e) {
    if (e === TOO_MANY) return null;
    throw e;
  }
  lit('</tree>\n');
  return segs;
}

/** A Writable over a file descriptor that writes at once (the worker has nothing else to do meanwhile). */
function fdWritable(fd: number): Writable {
  return {
    write(c: Uint8Array): boolean {
      for (let o = 0; o < c.length; ) o += writeSync(fd, c, o, c.length - o);
      return true;
    },
  } as unknown as Writable;
}

const te = new TextEncoder();

/** Encodes a group of files (their `<file>` elements) into `file`; `before` is told each file before it is encoded. */
export async function encodeGroup(files: readonly TreeFile[], file: string, options: TreeEncodeOptions, before: (f: TreeFile) => void, write: (c: Uint8Array) => void): Promise<void> {
  const fd = openSync(file, 'wx');
  try {
    const ws = fdWritable(fd);
    const x = new XmlOut({ write: (c: Uint8Array) => (write(c), ws.write(c)) } as unknown as Writable);
    for (const f of files) {
      before(f);
      x.out.bytes(te.encode(f.head));
      await encodeFile(x, Buffer.from(f.path, 'latin1'), f.names.map((n) => new Uint8Array(Buffer.from(n, 'latin1'))), f.size, options);
      await x.pump();
    }
    await x.finish();
  } finally {
    closeSync(fd);
  }
}
