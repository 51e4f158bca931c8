#!/usr/bin/env node
/**
 * The `xmime` command: encode, decode and verify.
 * @module
 */
import { readFileSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import './host.js';
import { type EncodeOptions, toMime, toXml } from '../api/codec.js';
import type { ReadableStats } from '../encode/readable-stage.js';
import { XmimeError } from '../core/errors.js';
import { convertFile, createDecodeStream, createEncodeStream } from './index.js';
import { MimeToXmlStream, XmlToMimeStream } from '../api/streams.js';
import { Transform } from 'node:stream';
import { compose } from '../api/compose.js';
import { toMimeAsync } from '../api/external.js';
import { mailboxCommand } from './mailbox-commands.js';

const HELP = `Usage:
  xmime encode [FILE|-] [-o OUT]   MIME (.eml) to XMIME
  xmime decode [FILE|-] [-o OUT]   XMIME to MIME
  xmime verify PATH...             round-trip files and directories (recursively)
  xmime compose [FILE|-] [-o OUT]  minimal XMIME (no wire details) to new MIME
  xmime encode --mbox FILE|- [-o OUT]   an mbox file to one XMIME document
                                   (a FILE named *.mbox or *.mbx selects --mbox by itself)
  xmime encode --tree DIR [-o OUT]      a directory (Maildir, Maildir++, folder of
                                   mboxes or .eml files) to one document
  xmime decode DOC [-o OUT]        a mailbox document back to its mbox file, or a tree
                                   document to the tree at OUT (a new or empty directory)
  xmime verify --mbox FILE... | --tree DIR...   round-trip mailboxes
  xmime extract DOC (--index N | --message-id ID) [-o OUT]
                                   one message of a mailbox document (N counts from 1),
                                   as it was before quoting, as .eml

Options:
  -o, --output OUT   write to OUT (atomically) instead of standard output
  --wire             encode and verify the pure wire form (no decoded text)
  --fetch            decode: fetch <external> bodies (https: only, unless
                     --schemes lists others, e.g. --schemes https,http)
  --stats            verify: also print how many header fields had views and
                     how many text parts were readable
  --variant V        mbox split rule: auto (default), mboxo, mboxrd
  --debug            show stack traces
  -h, --help         show this help
  -v, --version      show the version

Exit status: 0 success, 1 failure, 2 bad usage.`;

class Usage extends Error {}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** "file:line:col: code: detail" for XMIME errors, else "file: message". */
function describe(file: string, e: unknown): string {
  const name = file === '-' ? '<stdin>' : file;
  if (e instanceof XmimeError) return `${name}:${e.line}:${e.column}: ${e.code}: ${e.detail}`;
  return `${name}: ${(e as Error).message ?? String(e)}`;
}

async function* walk(path: string): AsyncGenerator<string> {
  const st = await lstat(path);
  if (st.isDirectory()) {
    for (const f of (await readdir(path)).sort()) yield* walk(join(path, f));
  } else if (st.isFile()) yield path;
}

/** A small deterministic generator, so verify's chunking is repeatable per file. */
function chunker(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

async function through(data: Uint8Array, stream: TransformStream<Uint8Array, Uint8Array>, next: () => number): Promise<Uint8Array> {
  const src = new ReadableStream<Uint8Array>({
    pos: 0,
    pull(c) {
      const self = this as unknown as { pos: number };
      if (self.pos >= data.length) return c.close();
      const k = 1 + (next() % 8192);
      c.enqueue(data.subarray(self.pos, self.pos + k));
      self.pos += k;
    },
  } as UnderlyingDefaultSource<Uint8Array> & { pos: number });
  const out = new Uint8Array(await new Response(src.pipeThrough(stream)).arrayBuffer());
  return out;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Checks one file both ways, one-shot and streaming; returns a failure description or null. */
async function verifyOne(file: string, opts: EncodeOptions): Promise<string | null> {
  const b = new Uint8Array(await readFile(file));
  const xml = toXml(b, opts);
  const m1 = toMime(xml);
  let d = firstDiff(m1, b);
  if (d >= 0) return `${file}: one-shot round trip differs at byte ${d}`;
  const next = chunker(b.length * 2654435761 + 1);
  const xs = await through(b, new MimeToXmlStream({ readable: opts.readable }), next);
  const xb = new TextEncoder().encode(xml);
  d = firstDiff(xs, xb);
  if (d >= 0) return `${file}: streaming XMIME differs from one-shot at byte ${d}`;
  const m2 = await through(xs, new XmlToMimeStream(), next);
  d = firstDiff(m2, b);
  if (d >= 0) return `${file}: streaming round trip differs at byte ${d}`;
  return null;
}

async function verify(paths: string[], readable: boolean, withStats: boolean): Promise<number> {
  let ok = 0, failed = 0;
  const stats: ReadableStats = { textParts: 0, readableParts: 0 };
  for (const p of paths) {
    try {
      for await (const file of walk(p)) {
        let why: string | null;
        try {
          why = await verifyOne(file, { readable, stats });
        } catch (e) {
          why = describe(file, e);
        }
        if (why === null) ok++;
        else {
          failed++;
          console.log(`FAIL ${why}`);
        }
      }
    } catch (e) {
      failed++;
      console.log(`FAIL ${describe(p, e)}`);
    }
  }
  if (withStats) {
    const { textParts: t, readableParts: r, viewFields: f = 0, views: v = 0, viewsInPlace: p = 0 } = stats;
    const pct = (a: number, b: number) => (b === 0 ? '0.0' : ((100 * a) / b).toFixed(1));
    console.log(`header views: ${v} of ${f} fields (${pct(v, f)}%), ${p} in place (${pct(p, f)}%)`);
    console.log(`readable text parts: ${r} of ${t} (${t === 0 ? '0.0' : ((100 * r) / t).toFixed(1)}%)`);
  }
  console.log(`${ok} ok, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

/** Authoring reads the whole document (it is small, and the boundaries depend on all of it). */
function composeStream(): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
    flush(done) {
      try {
        done(null, compose(new Uint8Array(Buffer.concat(chunks))));
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/**
 * Decoding with out-of-band bodies fetched over HTTP(S). The whole document is
 * read first: the bodies are fetched and checked (size, SHA-256) before any
 * byte is written.
 */
function fetchingDecodeStream(schemes: string[]): Transform {
  const chunks: Buffer[] = [];
  const resolve = async (uri: string, ref: { size: number }): Promise<Uint8Array> => {
    const r = await fetch(uri, { redirect: 'error', signal: AbortSignal.timeout(120_000) });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const declared = Number(r.headers.get('content-length') ?? ref.size);
    if (declared > ref.size) throw new Error(`${declared} bytes, more than the ${ref.size} announced`);
    return new Uint8Array(await r.arrayBuffer());
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
    flush(done) {
      toMimeAsync(new Uint8Array(Buffer.concat(chunks)), { resolve, schemes }).then(
        (mime) => done(null, mime),
        (e) => done(e as Error),
      );
    },
  });
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        wire: { type: 'boolean' },
        fetch: { type: 'boolean' },
        schemes: { type: 'string' },
        stats: { type: 'boolean' },
        debug: { type: 'boolean' },
        mbox: { type: 'boolean' },
        tree: { type: 'boolean' },
        variant: { type: 'string' },
        index: { type: 'string' },
        'message-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new Usage((e as Error).message);
  }
  const { values: o, positionals: pos } = args;
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  if (o.version) {
    console.log(version());
    return 0;
  }
  const [cmd, ...rest] = pos;
  const mailbox = await mailboxCommand(cmd, rest, o, (m) => {
    throw new Usage(m);
  });
  if (mailbox !== null) return mailbox;
  if (o.stats && cmd !== 'verify') throw new Usage('--stats is an option of verify');
  if (o.wire && cmd === 'decode') throw new Usage('--wire is an option of encode and verify');
  if (o.wire && cmd === 'compose') throw new Usage('--wire is an option of encode and verify');
  if ((o.fetch || o.schemes !== undefined) && cmd !== 'decode') throw new Usage('--fetch and --schemes are options of decode');
  if (o.schemes !== undefined && !o.fetch) throw new Usage('--schemes needs --fetch');
  if (cmd === 'encode' || cmd === 'decode' || cmd === 'compose') {
    if (rest.length > 1) throw new Usage(`${cmd} takes one input file`);
    const input = rest[0] ?? '-';
    const codec =
      cmd === 'encode' ? createEncodeStream({ readable: !o.wire }) : cmd === 'compose' ? composeStream() : o.fetch ? fetchingDecodeStream(o.schemes?.split(',') ?? ['https']) : createDecodeStream();
    try {
      await convertFile(input, o.output ?? null, codec);
    } catch (e) {
      console.error(describe(input, e));
      if (o.debug) console.error((e as Error).stack);
      return 1;
    }
    return 0;
  }
  if (cmd === 'verify') {
    if (rest.length === 0) throw new Usage('verify needs at least one path');
    if (o.output !== undefined) throw new Usage('verify does not write output');
    return verify(rest, !o.wire, o.stats === true);
  }
  throw new Usage(cmd === undefined ? 'no command given' : `unknown command "${cmd}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof Usage) {
      console.error(`xmime: ${e.message}\n\n${HELP}`);
      process.exitCode = 2;
    } else {
      console.error(`xmime: ${(e as Error).stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
