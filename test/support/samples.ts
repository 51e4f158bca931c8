/** The code samples of the README (```ts blocks) and of the TSDoc (@example blocks), with where they come from. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Sample {
  /** "README.md:123" or "src/api/codec.ts:45" (the line of the opening fence). */
  origin: string;
  /** The source file of a TSDoc sample (its module's exports are in scope), else null. */
  module: string | null;
  code: string;
}

function fences(text: string, file: string, module: string | null, strip: (line: string) => string): Sample[] {
  const out: Sample[] = [];
  const lines = text.split('\n').map(strip);
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i].trim())) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    out.push({ origin: `${file}:${start + 1}`, module, code: body.join('\n') });
  }
  return out;
}

export function readmeSamples(root: string): Sample[] {
  return fences(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md', null, (l) => l);
}

/**
 * @example blocks in TSDoc comments (the comment's lines with their leading
 * " * " removed): the fenced code in a block, or the whole block if it has
 * no fence (TypeDoc shows that as code too). Examples of module-private
 * declarations are left out.
 */
export function tsdocSamples(root: string): Sample[] {
  const out: Sample[] = [];
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
  for (const f of walk(join(root, 'src')).sort()) {
    const rel = relative(root, f);
    const lines = readFileSync(f, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*\*\s?@example\b/.test(lines[i])) continue;
      const start = i;
      const block: string[] = [];
      for (i++; i < lines.length; i++) {
        const m = /^\s*\*(?!\/)\s?(.*)$/.exec(lines[i]);
        if (m === null || /^@\w/.test(m[1])) break;
        block.push(m[1]);
      }
      i--;
      // A module-private declaration's example documents internals that no user can call: left out.
      let j = i + 1;
      while (j < lines.length && !/\*\//.test(lines[j])) j++;
      const decl = lines.slice(j + 1).find((l) => l.trim() !== '') ?? '';
      if (/^(?:abstract\s+)?(?:class|function|const|let|interface|type)\b/.test(decl)) continue;
      const fenced = fences(block.join('\n'), rel, rel, (l) => l).map((x) => ({ ...x, origin: `${rel}:${start + 1}` }));
      out.push(...(fenced.length > 0 ? fenced : [{ origin: `${rel}:${start + 1}`, module: rel, code: block.join('\n').trim() }]));
    }
  }
  return out;
}
