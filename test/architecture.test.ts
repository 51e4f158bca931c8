/**
 * The source tree's layering (ARCHITECTURE.md): the import graph of src/,
 * type imports included, has no cycle, and each folder imports only the
 * folders below it. Nothing outside src/node/ touches a Node built-in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/helpers.js';

const SRC = join(ROOT, 'src');

/** What each folder may import (besides itself). The order is the layering, lowest first. */
export const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  xmime: ['core'],
  views: ['core', 'xmime'],
  encode: ['core', 'xmime', 'views'],
  decode: ['core', 'xmime', 'views'],
  tree: ['core', 'xmime', 'views', 'decode'],
  api: ['core', 'xmime', 'views', 'encode', 'decode', 'tree'],
  mailbox: ['core', 'xmime', 'views', 'encode', 'decode', 'tree', 'api'],
  archive: ['core', 'xmime', 'views', 'encode', 'decode', 'tree', 'api', 'mailbox'],
  node: ['core', 'xmime', 'views', 'encode', 'decode', 'tree', 'api', 'mailbox', 'archive', '.'],
  '.': ['core', 'xmime', 'views', 'encode', 'decode', 'tree', 'api', 'mailbox', 'node/host.ts'],
};

function sources(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (f.endsWith('.ts')) out.push(relative(SRC, p));
  }
  return out;
}

/** Every module specifier of a file: static imports and re-exports (type-only ones too), and dynamic imports. */
export function specifiers(code: string): string[] {
  const re = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (let m; (m = re.exec(code)) !== null; ) out.push(m[1] ?? m[2]);
  return out;
}

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sources(SRC)) {
    const code = readFileSync(join(SRC, f), 'utf8');
    const deps = specifiers(code)
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(SRC, resolve(dirname(join(SRC, f)), s)).replace(/\.js$/, '.ts'));
    g.set(f, deps);
  }
  return g;
}

/** The cycles of `g` (Tarjan's strongly connected components of more than one node, or a self-loop). */
export function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('architecture', () => {
  const g = graph();

  it('no source file is over 600 lines (issue 15: a file that grows past it does more than one job)', () => {
    const long = sources(SRC).map((f) => [f, readFileSync(join(SRC, f), 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 600);
    expect(long).toEqual([]);
  });

  it('every import names a file that exists', () => {
    const missing = [...g].flatMap(([f, deps]) => deps.filter((d) => !g.has(d)).map((d) => `${f} -> ${d}`));
    expect(missing).toEqual([]);
  });

  it('has no import cycle, type imports included', () => {
    expect(cycles(g)).toEqual([]);
  });

  it('each folder imports only the folders below it', () => {
    const bad: string[] = [];
    for (const [f, deps] of g) {
      const from = folderOf(f);
      expect(MAY_IMPORT, `src/${from} is not a known folder: add it to MAY_IMPORT and ARCHITECTURE.md`).toHaveProperty([from]);
      for (const d of deps) {
        const to = folderOf(d);
        if (to !== from && !MAY_IMPORT[from].includes(to) && !MAY_IMPORT[from].includes(d)) bad.push(`${f} -> ${d}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('nothing outside src/node/ uses a Node built-in, Buffer or process', () => {
    const bad: string[] = [];
    for (const f of g.keys()) {
      if (f.startsWith('node/')) continue;
      const code = readFileSync(join(SRC, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      const builtin = specifiers(code).some((s) => s.startsWith('node:') || /^(fs|path|stream|buffer|os|crypto|child_process|util)(\/|$)/.test(s));
      if (builtin || /\bBuffer\b|\bprocess\./.test(code)) bad.push(f);
    }
    expect(bad).toEqual([]);
  });

  it('the checks themselves find a cycle, a forbidden edge and a built-in', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
    expect(specifiers("import type { X } from './x.js';\nexport * from '../y.js';\nimport './z.js';\nconst m = await import('node:fs');")).toEqual(['./x.js', '../y.js', './z.js', 'node:fs']);
    expect(MAY_IMPORT.decode).not.toContain('encode');
    expect(MAY_IMPORT.encode).not.toContain('decode');
    expect(MAY_IMPORT.core).toEqual([]);
  });
});
