/**
 * The plan of `xmime convert`: every input file as a job, in input order
 * (the SRC arguments in the order given, each directory's entries in byte
 * order of their names), and the K-th of N shards.
 * @module
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Job } from './job.js';

/** An input that is no job (a link, a special file, an unreadable directory): it fails with this. */
export interface Problem {
  n: number;
  rel: string;
  code: string;
  error: string;
}

export interface Plan {
  jobs: Job[];
  problems: Problem[];
}

/** The journal's name in OUTDIR (per shard); decoding skips it. */
export const JOURNAL = '.xmime-convert';

/** A directory holding `cur` and `new` is a Maildir (Maildir++ folders inside it included): one tree document. */
function isMaildir(dir: string): boolean {
  try {
    return statSync(join(dir, 'cur')).isDirectory() && statSync(join(dir, 'new')).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Plans the jobs for `srcs` into `outdir`. Encoding: a file → `REL.xml`, a
 * Maildir → `REL.xml` (a tree document); decoding: `REL.xml` → `REL`.
 * REL starts with the SRC's own name, so `convert mail -o out` writes
 * `out/mail/…`, and decoding `out/mail` gives back `back/mail/…`.
 */
export function plan(srcs: readonly string[], outdir: string, decode: boolean): Plan {
  const jobs: Job[] = [];
  const problems: Problem[] = [];
  let n = 0;
  const problem = (rel: string, code: string, error: string): void => void problems.push({ n: n++, rel, code, error });
  const add = (src: string, rel: string, kind: Job['kind']): void => {
    if (decode && !rel.endsWith('.xml')) return problem(rel, 'input-read', 'input-read: not an XMIME document (its name does not end in .xml)');
    const outRel = decode ? rel.slice(0, -4) : `${rel}.xml`;
    jobs.push({ n: n++, kind, src, rel, out: join(outdir, outRel), outRel, rows: '' });
  };
  const walk = (path: string, rel: string, named: boolean): void => {
    let st;
    try {
      st = named ? statSync(path) : lstatSync(path);
    } catch (e) {
      return problem(rel, 'input-read', `input-read: cannot read: ${(e as Error).message}`);
    }
    if (st.isDirectory()) {
      if (!decode && isMaildir(path)) return add(path, rel, 'tree');
      let names: Buffer[];
      try {
        names = (readdirSync(path, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare);
      } catch (e) {
        return problem(rel, 'input-read', `input-read: cannot read the directory: ${(e as Error).message}`);
      }
      for (const b of names) {
        const name = b.toString();
        if (decode && name.startsWith(JOURNAL)) continue;
        walk(join(path, name), `${rel}/${name}`, false);
      }
      return;
    }
    if (st.isSymbolicLink()) return problem(rel, 'input-read', 'input-read: a symbolic link inside a directory (not followed; name it to convert its target)');
    if (!st.isFile()) return problem(rel, 'input-read', 'input-read: not a regular file or directory');
    add(path, rel, decode ? 'document' : 'file');
  };
  for (const s of srcs) walk(s, basename(s.replace(/\/+$/, '')) || s, true);
  return { jobs, problems };
}

/** FNV-1a over the UTF-8 of a string: the same on every machine and Node version. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Whether an input belongs to shard K of N (K from 1): by a hash of its
 * relative path, not its place in the list, so a shard's share does not
 * move when files are added elsewhere or machines list directories differently.
 */
export function inShard(rel: string, k: number, n: number): boolean {
  return fnv1a(rel) % n === k - 1;
}
