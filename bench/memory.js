// Memory and linear-time benchmark: peak RSS of the streaming CLI on a 1 GiB
// message and of the one-shot API on a 100 MB one, each checked byte for byte
// before it is reported. Writes bench/MEMORY.md.
//
//   npm run bench:memory          (needs a build; about a minute, ~3 GB of temporary disk)
//
// Peak RSS is the child process's own `process.resourceUsage().maxRSS`, so the
// number is that of the conversion alone, not of this driver.

import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', 'dist', 'node', 'cli.js');
const INDEX = join(HERE, '..', 'dist', 'index.js');
const dir = mkdtempSync(join(tmpdir(), 'xmime-mem-'));
const MB = 1e6;

/** A multipart mail: a short QP text part and `size` bytes of base64 attachment (76-char CRLF lines), deterministic. */
function writeMail(path, size) {
  const fd = openSync(path, 'w');
  writeSync(fd, 'From: a@example.org\r\nTo: b@example.org\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XYZ\r\n\r\n' +
    '--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSee attached caf=C3=A9.\r\n' +
    '--XYZ\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n');
  const raw = Buffer.alloc(57 * 1024 * 64);
  for (let i = 0; i < raw.length; i++) raw[i] = (Math.imul(i, 2654435761) >>> 13) & 255;
  const b64 = raw.toString('base64');
  let lines = '';
  for (let i = 0; i < b64.length; i += 76) lines += b64.slice(i, i + 76) + '\r\n';
  const block = Buffer.from(lines);
  for (let n = 0; n < size; n += block.length) writeSync(fd, block);
  writeSync(fd, '--XYZ--\r\n');
  closeSync(fd);
  return statSync(path).size;
}

/** Runs `code` (an ES module body) in a fresh Node; returns its peak RSS in MB and wall time in s. */
function child(code) {
  const t0 = performance.now();
  // Read at exit: the CLI's streams are still running when its module has loaded.
  const report = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${report}\n${code}`], { stdio: ['ignore', 'inherit', 'pipe'] });
  const wall = (performance.now() - t0) / 1000;
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${err}`);
  return { rss: (Number(/MAXRSS (\d+)/.exec(err)[1]) * 1024) / MB, wall };
}

/** Same bytes? Compared as streams, so the driver stays small too. */
async function sameFile(a, b) {
  if (statSync(a).size !== statSync(b).size) return false;
  const ra = createReadStream(a, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  const rb = createReadStream(b, { highWaterMark: 1 << 20 });
  let pending = Buffer.alloc(0);
  for await (const cb of rb) {
    let off = 0;
    while (off < cb.length) {
      if (pending.length === 0) {
        const n = await ra.next();
        if (n.done) return false;
        pending = n.value;
      }
      const k = Math.min(pending.length, cb.length - off);
      if (!pending.subarray(0, k).equals(cb.subarray(off, off + k))) return false;
      pending = pending.subarray(k);
      off += k;
    }
  }
  return pending.length === 0 && (await ra.next()).done;
}

const rows = [];
let failed = false;
try {
  // Streaming: the CLI, file to file.
  const eml = join(dir, 'big1g.eml'), xml = join(dir, 'big1g.xml'), back = join(dir, 'big1g.out.eml');
  const size = writeMail(eml, 1 << 30);
  const cli = (args) => `process.argv = [process.argv[0], 'xmime', ...${JSON.stringify(args)}]; await import(${JSON.stringify(CLI)});`;
  const enc = child(cli(['encode', eml, '-o', xml]));
  const dec = child(cli(['decode', xml, '-o', back]));
  const copy = child(`import { createReadStream, createWriteStream } from 'node:fs'; import { PassThrough } from 'node:stream'; import { pipeline } from 'node:stream/promises';
    await pipeline(createReadStream(${JSON.stringify(xml)}, { highWaterMark: 1 << 16 }), new PassThrough(), createWriteStream(${JSON.stringify(join(dir, 'copy'))}));`);
  rmSync(join(dir, 'copy'));
  const ok = await sameFile(eml, back);
  failed ||= !ok;
  rows.push([`\`xmime encode\`, ${(size / MB).toFixed(0)} MB message, file to file`, enc, size, ok, 96]);
  rows.push([`\`xmime decode\`, its ${(statSync(xml).size / MB).toFixed(0)} MB XMIME, file to file`, dec, size, ok, 96]);
  rows.push(['for scale: Node copying that XMIME file through a `PassThrough` stream (`pipeline`, 64 KiB reads)', copy, size, null, null]);
  rmSync(xml);
  rmSync(back);

  // One-shot: toXml and toMime on a 100 MB message, input read as one Buffer (no copy).
  const small = join(dir, 'big100.eml'), smallXml = join(dir, 'big100.xml');
  const size100 = writeMail(small, 100 * MB);
  const idle = child(`import { readFileSync } from 'node:fs'; readFileSync(${JSON.stringify(small)});`);
  const oneEnc = child(`import { readFileSync, writeFileSync } from 'node:fs'; import { toXml } from ${JSON.stringify(INDEX)};
    const x = toXml(readFileSync(${JSON.stringify(small)})); writeFileSync(${JSON.stringify(smallXml)}, x.length + '');
    globalThis.keep = x;`);
  // The check runs in its own process, so it does not count toward the peaks above.
  const check = spawnSync(process.execPath, ['--input-type=module', '-e', `import { readFileSync, writeFileSync } from 'node:fs'; import { toXml, toMime } from ${JSON.stringify(INDEX)};
    const b = readFileSync(${JSON.stringify(small)}); const x = toXml(b); writeFileSync(${JSON.stringify(smallXml)}, x);
    if (!Buffer.from(toMime(x)).equals(b)) process.exit(3);`]);
  const ok100 = check.status === 0;
  failed ||= !ok100;
  const oneDec = child(`import { readFileSync } from 'node:fs'; import { toMime } from ${JSON.stringify(INDEX)};
    globalThis.keep = toMime(readFileSync(${JSON.stringify(smallXml)}));`);
  rows.push([`reading the ${(size100 / MB).toFixed(0)} MB message into a Buffer, nothing else (for scale)`, idle, size100, null, null]);
  rows.push([`\`toXml\` one-shot, ${(size100 / MB).toFixed(0)} MB message (Buffer in, string out)`, oneEnc, size100, ok100, 3 * size100 / MB]);
  rows.push([`\`toMime\` one-shot, its XMIME (Buffer in, bytes out)`, oneDec, size100, ok100, 3 * size100 / MB]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const md = [
  '# Memory',
  '',
  `Generated by \`bench/memory.js\` (\`npm run bench:memory\`) on ${new Date().toISOString()}, Node ${process.version}. ` +
    'Each conversion runs in a fresh Node process; peak RSS is that process\'s `process.resourceUsage().maxRSS` (the whole process: Node itself, its input and its output). ' +
    'Every output was checked byte for byte against the input (a round trip) before it is reported.',
  '',
  '| conversion | peak RSS | × message size | limit | wall time | round trip |',
  '|---|---:|---:|---:|---:|---|',
  ...rows.map(([what, r, size, ok, limit]) =>
    `| ${what} | ${r.rss.toFixed(0)} MB | ${(r.rss / (size / MB)).toFixed(2)}× | ${limit === null ? '' : `${limit.toFixed(0)} MB`} | ${r.wall.toFixed(1)} s | ${ok === null ? '—' : ok ? 'byte-exact' : '**differs**'} |`),
  '',
  'Targets (issue "Speed and memory"): the streaming CLI at most 96 MB on a 1 GiB message; the one-shot API at most 3× the input size on a 100 MB message.',
  '',
];
writeFileSync(join(HERE, 'MEMORY.md'), md.join('\n'));
console.log(md.join('\n'));
if (failed || rows.some(([, r, , , limit]) => limit !== null && r.rss > limit)) process.exit(1);
