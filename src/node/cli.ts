#!/usr/bin/env node
/**
 * The `xmime` command: encode, decode, verify and compose.
 *
 * Commands and options are tables (`COMMANDS`, `OPTIONS`): help and usage
 * errors come from them, and the tests check the man page and the shell
 * completions against the help, so a new command is one entry.
 * @module
 */
import { readFileSync } from 'node:fs';
import { readdir, stat, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import './host.js';
import { Decoder, type EncodeOptions, Encoder, toMime } from '../api/codec.js';
import type { ReadableStats } from '../encode/readable-stage.js';
import { XmimeError } from '../core/errors.js';
import { convertFile, createDecodeStream, createEncodeStream, OutputError } from './index.js';
import { compose } from '../api/compose.js';
import { toMimeAsync } from '../api/external.js';
import { mailboxCommand } from './mailbox-commands.js';
import { notMail } from './not-mail.js';
import { convert, defaultJobs } from './convert/run.js';
import { MBOX_VARIANTS, type MboxVariant } from '../mailbox/mbox-split.js';
import { verifyFileStreaming } from './verify-stream.js';

/** The parsed options (every option of every command; each command checks its own). */
interface Values {
  output?: string;
  wire?: boolean;
  fetch?: boolean;
  schemes?: string;
  stats?: boolean;
  debug?: boolean;
  help?: boolean;
  version?: boolean;
  mbox?: boolean;
  tree?: boolean;
  variant?: string;
  index?: string;
  'message-id'?: string;
  decode?: boolean;
  jobs?: string;
  manifest?: string;
  attachments?: string;
  'attachment-size'?: string;
  resume?: boolean;
  shard?: string;
  'max-size'?: string;
  quiet?: boolean;
}
type OptionName = keyof Values;

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in help, for string options. */
  value?: string;
  help: string;
}

/** Every option. `help` and `debug` belong to every command. */
const OPTIONS: Record<OptionName, OptionSpec> = {
  output: { type: 'string', short: 'o', value: 'OUT', help: 'write to OUT instead of standard output: a temporary file beside it, renamed only on success ("-" is standard output)' },
  wire: { type: 'boolean', help: 'the pure wire form: every body as its bytes, every header as its value (no decoded text)' },
  fetch: { type: 'boolean', help: 'fetch <external> bodies and check their size and SHA-256 before writing anything (https: only, unless --schemes)' },
  schemes: { type: 'string', value: 'LIST', help: 'with --fetch: the URI schemes to accept, comma-separated (e.g. https,http)' },
  stats: { type: 'boolean', help: 'also print how many header fields had views and how many text parts were readable' },
  debug: { type: 'boolean', help: 'show stack traces' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', short: 'v', help: 'show the version' },
  mbox: { type: 'boolean', help: 'the input is an mbox file (one document for the whole mailbox); a FILE named *.mbox or *.mbx selects --mbox by itself' },
  tree: { type: 'boolean', help: 'the input is a directory (Maildir, Maildir++, a folder of mbox or .eml files): one document for the tree' },
  variant: { type: 'string', value: 'V', help: 'how an mbox is split and whether >From quoting is undone: auto (default), mboxo, mboxrd, mboxcl2' },
  index: { type: 'string', value: 'N', help: 'the message with this number (from 1)' },
  'message-id': { type: 'string', value: 'ID', help: 'the message with this Message-ID (with or without <>)' },
  decode: { type: 'boolean', help: 'convert XMIME documents (*.xml) back: each to its file, a tree document to its directory' },
  jobs: { type: 'string', short: 'j', value: 'N', help: 'worker threads (default: the machine\'s parallelism); outputs are the same whatever N is' },
  manifest: { type: 'string', value: 'FILE', help: 'write a row per message to FILE: CSV, or JSON Lines if FILE ends in .jsonl, .ndjson or .json' },
  attachments: { type: 'string', value: 'DIR', help: 'store bodies over --attachment-size once per SHA-256 under DIR, referenced by <external>; with --decode, read them back from DIR (checked, never outside DIR)' },
  'attachment-size': { type: 'string', value: 'BYTES', help: 'with --attachments: bodies of more than BYTES bytes go to the store (default 65536)' },
  resume: { type: 'boolean', help: 'skip what the journal in OUTDIR records as done whose output is still there with its SHA-256; redo the rest' },
  shard: { type: 'string', value: 'K/N', help: 'convert only the K-th (1..N) of N disjoint slices of the inputs, chosen by a hash of each input\'s path (for job arrays)' },
  'max-size': { type: 'string', value: 'BYTES', help: 'write each mbox as parts REL.1.xml, REL.2.xml, … of at most BYTES each (cut between messages; a single larger message is a part alone); --decode joins them back into one file' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress and no summary: errors only' },
};

interface Command {
  /** Arguments, as shown after the command's name. */
  args: string;
  /** One line, for the command list. */
  summary: string;
  /** What the command does, for `xmime CMD --help`. */
  about: string;
  /** Options besides `help` and `debug`. */
  options: OptionName[];
  run(args: string[], o: Values): Promise<number>;
}

/** Options every command takes. */
const COMMON: OptionName[] = ['debug', 'help'];

/** The commands, in the order help lists them. */
const COMMANDS: Record<string, Command> = {
  encode: {
    args: '[FILE|-] [-o OUT]',
    summary: 'MIME (.eml) to XMIME',
    about: 'Converts a message (MIME bytes) to XMIME, streaming in constant memory. Reads FILE, or standard input if FILE is "-" or missing. Every input round-trips; a warning says when it does not look like mail (empty, binary, or no header field at the start). With --mbox FILE|- (or a FILE named *.mbox or *.mbx), a whole mbox file becomes one <mbox> document; with --tree DIR, a directory becomes one <tree> document (spec §18).',
    options: ['output', 'wire', 'mbox', 'tree', 'variant'],
    run: (args, o) => convertCommand('encode', args, o, () => createEncodeStream({ readable: !o.wire })),
  },
  decode: {
    args: '[FILE|-] [-o OUT]',
    summary: 'XMIME to MIME',
    about: 'Converts an XMIME document back to the exact bytes of its message, streaming. Bad XMIME is reported as FILE:LINE:COL: CODE: message. Minimal XMIME (for a new message) is the input of compose.',
    options: ['output', 'fetch', 'schemes'],
    // A mailbox document (<mbox>) decodes to its mbox file, a <tree> to the directory -o names: see mailbox-commands.ts.
    run: (args, o) => convertCommand('decode', args, o, () => (o.fetch ? fetchingDecodeStream(o.schemes?.split(',') ?? ['https']) : createDecodeStream())),
  },
  verify: {
    args: 'PATH...',
    summary: 'round-trip files and directories (recursively)',
    about: 'Converts every file both ways, once one-shot and once streaming in varied chunks, checks that both agree and that the bytes come back exactly, and ends with "N ok, M failed". Directories are walked recursively; symbolic links inside them are skipped (and counted), a named one is followed.',
    options: ['wire', 'stats', 'mbox', 'tree', 'variant'],
    run: (args, o) => verifyCommand(args, o),
  },
  compose: {
    args: '[FILE|-] [-o OUT]',
    summary: 'minimal XMIME (no wire details) to new MIME',
    about: 'Turns minimal XMIME (header views, text, attachments, parts; no wire details) into a new standard message: folded and encoded headers, Date, Message-ID, MIME-Version, transfer encodings, boundaries. The output of encode is full XMIME: decode turns it back.',
    options: ['output'],
    run: (args, o) => convertCommand('compose', args, o, composeStream),
  },
  extract: {
    args: 'DOC --index N|--message-id ID',
    summary: 'one message of a mailbox document, as .eml',
    about: 'Writes one message of an <mbox> document (N counts from 1) as it was before the mbox writer quoted it, without its separator line, streaming the document and holding one message.',
    options: ['output', 'index', 'message-id'],
    run: async (args, o) =>
      (await mailboxCommand('extract', args, o, (m) => {
        throw new Usage(m, 'extract');
      })) ?? 2,
  },
  convert: {
    args: 'SRC... -o OUTDIR',
    summary: 'whole archives: files, mboxes and Maildirs, on all cores',
    about: 'Converts message files, mbox files and directories to XMIME documents under OUTDIR, mirroring the input tree: FILE becomes OUTDIR/NAME/…/FILE.xml (an mbox becomes one <mbox> document), and a Maildir (a directory with cur and new, its Maildir++ folders included) one tree document. With --decode, converts the documents back the same way. Work is shared by -j worker threads; every output is written to a temporary name, synced and renamed, so a killed run leaves none half-written, and a journal in OUTDIR lets --resume finish the job. Every input gets an outcome: problems go to standard error and the manifest, and the exit status is 1 if any input failed. On a terminal, a progress line shows files, messages, bytes, MB/s and time left.',
    options: ['output', 'decode', 'jobs', 'manifest', 'attachments', 'attachment-size', 'resume', 'shard', 'max-size', 'quiet', 'wire', 'variant'],
    run: (args, o) => convertArchive(args, o),
  },
  help: {
    args: '[COMMAND]',
    summary: 'show help for a command',
    about: 'Shows the help of COMMAND, or the list of commands.',
    options: [],
    run: async (args) => {
      if (args.length > 1) throw new Usage('help takes one command name', 'help');
      if (args.length === 0) return print(globalHelp());
      if (!(args[0] in COMMANDS)) throw new Usage(`unknown command "${args[0]}"`);
      return print(commandHelp(args[0]));
    },
  },
};

/** A usage error: exit status 2, a one-line message and where to find help. */
class Usage extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

function print(s: string): number {
  process.stdout.write(`${s}\n`);
  return 0;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function optionLine(name: OptionName): [string, string] {
  const s = OPTIONS[name];
  const flag = `${s.short ? `-${s.short}, ` : ''}--${name}${s.value ? ` ${s.value}` : ''}`;
  return [flag, s.help];
}

/** Two columns, the second wrapped to 80 columns with a hanging indent. */
function table(rows: [string, string][], indent = 2): string {
  const w = indent + Math.max(...rows.map(([a]) => a.length)) + 2;
  return rows.map(([a, b]) => `${' '.repeat(indent)}${a.padEnd(w - indent)}${wrap(b, Math.max(30, 80 - w)).replaceAll('\n', `\n${' '.repeat(w)}`)}`).join('\n');
}

function globalHelp(): string {
  const cmds = Object.entries(COMMANDS).map(([n, c]): [string, string] => [`xmime ${n} ${c.args}`, c.summary]);
  return `Usage:
${table(cmds)}

Options (see "xmime help COMMAND" for each command's own):
${table((['debug', 'help', 'version'] as OptionName[]).map(optionLine))}

Exit status: 0 success, 1 failure, 2 bad usage. Manual: man xmime.`;
}

function commandHelp(name: string): string {
  const c = COMMANDS[name];
  return `Usage: xmime ${name} ${c.args}

${wrap(c.about, 78)}

Options:
${table([...c.options, ...COMMON].map(optionLine))}`;
}

function wrap(s: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const w of s.split(' ')) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  return [...lines, line].join('\n');
}

/** Node's parseArgs messages, said as a user would read them. */
function parseError(e: Error & { code?: string }): string {
  const m = e.message;
  const opt = /'(-[^',]*)/.exec(m)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${opt}`;
  if (/argument missing|argument is ambiguous/.test(m)) return `option ${opt} needs a value`;
  if (/does not take an argument/.test(m)) return `option ${opt} takes no value`;
  return m.replace(/\s*To specify a positional.*$/s, '');
}

/** "file:line:col: code: detail" for XMIME errors, the output's name for output errors, else "file: message". */
function describe(file: string, e: unknown): string {
  const name = file === '-' ? '<stdin>' : file;
  if (e instanceof XmimeError) return `${name}:${e.line}:${e.column}: ${e.code}: ${e.detail}`;
  if (e instanceof OutputError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && err.syscall !== undefined) return `${name}: cannot read: ${systemText(err)}`;
  return `${name}: ${err?.message ?? String(e)}`;
}

/** "no such file or directory" from "ENOENT: no such file or directory, open 'x'". */
function systemText(e: NodeJS.ErrnoException): string {
  return /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
}

// ---------------------------------------------------------------------------
// encode, decode, compose
// ---------------------------------------------------------------------------

/** How much of the input is kept to explain an error (minimal vs full XMIME). */
const KEEP = 1 << 20;

/**
 * Passes chunks on unchanged, keeping the first {@link KEEP} bytes and
 * noting the first bytes for the "does this look like mail" warning.
 */
class Tap extends Transform {
  readonly kept: Buffer[] = [];
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    if (this.size < KEEP) this.kept.push(chunk.subarray(0, KEEP - this.size));
    this.size += chunk.length;
    this.push(chunk);
    done();
  }
  /** The input, if all of it was kept. */
  whole(): Uint8Array | null {
    return this.size <= KEEP ? new Uint8Array(Buffer.concat(this.kept)) : null;
  }
  head(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.kept).subarray(0, 4096));
  }
}

async function convertCommand(cmd: string, args: string[], o: Values, codec: () => Transform): Promise<number> {
  if (args.length > 1) throw new Usage(`${cmd} takes one input file, not ${args.length}`, cmd);
  const input = args[0] ?? '-';
  if (args.length === 0 && process.stdin.isTTY) throw new Usage(`no FILE given, and standard input is a terminal: name a file, or pipe one in (xmime ${cmd} < FILE)`, cmd);
  const output = o.output === undefined || o.output === '-' ? null : o.output;
  const tap = new Tap();
  try {
    await convertFile(input, output, tap, codec());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 0; // the reader closed the pipe (| head): a normal end
    console.error(`xmime: ${describe(input, e)}${hint(cmd, e, tap)}`);
    if (o.debug) console.error((e as Error).stack);
    return 1;
  }
  if (cmd === 'encode') {
    const why = notMail(tap.head(), tap.size);
    if (why !== null) console.error(`xmime: warning: ${input === '-' ? '<stdin>' : input}: ${why}; encoded anyway (every input round-trips), but is it mail?`);
  }
  return 0;
}

/** Decode and compose take the two kinds of XMIME: say so when the other command would have worked. */
function hint(cmd: string, e: unknown, tap: Tap): string {
  if (!(e instanceof XmimeError) || !e.code.startsWith('xmime-')) return '';
  const doc = tap.whole();
  if (doc === null) return '';
  const works = (f: () => unknown) => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  if (cmd === 'decode' && works(() => compose(doc))) return '\n  (this is minimal XMIME, for a new message: "xmime compose" turns it into MIME)';
  if (cmd === 'compose' && works(() => toMime(doc))) return '\n  (this is full XMIME, as "xmime encode" writes it: "xmime decode" gives back its message)';
  return '';
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

// ---------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------

interface Walk {
  symlinks: number;
}

/** Regular files under `path`: a named path is followed if it is a link; links met inside directories are counted, not followed. */
async function* walk(path: string, w: Walk, named: boolean): AsyncGenerator<string> {
  const st = named ? await stat(path) : await lstat(path);
  if (st.isSymbolicLink()) w.symlinks++;
  else if (st.isDirectory()) {
    for (const f of (await readdir(path)).sort()) yield* walk(join(path, f), w, false);
  } else if (st.isFile()) yield path;
}

/** Checks one file both ways, streaming in two chunkings, in memory that does not grow with the file; returns a failure description or null. */
function verifyOne(file: string, opts: EncodeOptions, odd: string[]): Promise<string | null> {
  return verifyFileStreaming(
    file,
    (onChunk, primary) => new Encoder(onChunk, primary ? opts : { readable: opts.readable }),
    (onChunk) => new Decoder(onChunk),
    (first, size) => {
      if (notMail(first, size) !== null) odd.push(file);
    },
  );
}

async function verifyCommand(paths: string[], o: Values): Promise<number> {
  if (paths.length === 0) throw new Usage('verify needs at least one path', 'verify');
  const readable = !o.wire;
  let ok = 0, failed = 0;
  const stats: ReadableStats = { textParts: 0, readableParts: 0 };
  const w: Walk = { symlinks: 0 };
  const odd: string[] = [];
  for (const p of paths) {
    try {
      for await (const file of walk(p, w, true)) {
        let why: string | null;
        try {
          why = await verifyOne(file, { readable, stats }, odd);
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
  if (o.stats) {
    const { textParts: t, readableParts: r, viewFields: f = 0, views: v = 0, viewsInPlace: p = 0 } = stats;
    const pct = (a: number, b: number) => (b === 0 ? '0.0' : ((100 * a) / b).toFixed(1));
    console.log(`header views: ${v} of ${f} fields (${pct(v, f)}%), ${p} in place (${pct(p, f)}%)`);
    console.log(`readable text parts: ${r} of ${t} (${pct(r, t)}%)`);
  }
  // Notes go to standard error, so standard output stays the per-file lines and the summary.
  if (w.symlinks > 0) console.error(`xmime: note: skipped ${w.symlinks} symbolic link${w.symlinks === 1 ? '' : 's'} inside directories (name a link to verify its target)`);
  if (odd.length > 0) console.error(`xmime: note: ${odd.length} file${odd.length === 1 ? ' does' : 's do'} not look like mail (empty, binary, or no header field at the start), e.g. ${odd.slice(0, 3).join(', ')}; verified as bytes all the same`);
  console.log(`${ok} ok, ${failed} failed`);
  if (ok + failed === 0) {
    console.error(`xmime: verify found no file to check in ${paths.join(', ')}`);
    return 1;
  }
  return failed > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------
// convert
// ---------------------------------------------------------------------------

/** A positive whole number option, or a usage error. */
function count(name: string, v: string, min = 1): number {
  if (!/^[0-9]{1,15}$/.test(v) || Number(v) < min) throw new Usage(`--${name} takes a whole number${min > 0 ? ` from ${min}` : ''}, not "${v}"`, 'convert');
  return Number(v);
}

async function convertArchive(srcs: string[], o: Values): Promise<number> {
  if (srcs.length === 0) throw new Usage('convert needs at least one SRC', 'convert');
  if (o.output === undefined || o.output === '-') throw new Usage('convert needs -o OUTDIR (a directory)', 'convert');
  if (o['attachment-size'] !== undefined && o.attachments === undefined) throw new Usage('--attachment-size needs --attachments DIR', 'convert');
  if (o.decode && (o.wire || o.variant !== undefined || o['attachment-size'] !== undefined || o['max-size'] !== undefined)) throw new Usage('--wire, --variant, --attachment-size and --max-size are options of encoding, not of --decode (which joins parts by itself)', 'convert');
  if (o.variant !== undefined && !(MBOX_VARIANTS as readonly string[]).includes(o.variant)) throw new Usage(`--variant takes ${MBOX_VARIANTS.join(', ')}`, 'convert');
  let shard: { k: number; n: number } | undefined;
  if (o.shard !== undefined) {
    const m = /^([0-9]{1,9})\/([0-9]{1,9})$/.exec(o.shard);
    if (m === null || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new Usage(`--shard takes K/N with 1 <= K <= N, not "${o.shard}"`, 'convert');
    shard = { k: Number(m[1]), n: Number(m[2]) };
  }
  const slow = process.env.XMIME_TEST_SLOW_WRITE_MS; // test hook: kill tests land during real work
  return convert(srcs, {
    decode: o.decode === true,
    outdir: o.output,
    jobs: o.jobs === undefined ? defaultJobs() : count('jobs', o.jobs),
    manifest: o.manifest,
    attachments: o.attachments,
    attachmentSize: o['attachment-size'] === undefined ? 65536 : count('attachment-size', o['attachment-size'], 0),
    resume: o.resume === true,
    shard,
    quiet: o.quiet === true,
    tty: process.stderr.isTTY === true,
    readable: !o.wire,
    variant: (o.variant ?? 'auto') as MboxVariant,
    slow: slow === undefined ? undefined : Number(slow),
    maxSize: o['max-size'] === undefined ? undefined : count('max-size', o['max-size'], 1),
    rangeBytes: process.env.XMIME_TEST_RANGE_BYTES === undefined ? undefined : Number(process.env.XMIME_TEST_RANGE_BYTES), // test hook: ranges of a small mbox
  });
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: Object.fromEntries(Object.entries(OPTIONS).map(([n, s]) => [n, s.short ? { type: s.type, short: s.short } : { type: s.type }])),
    });
  } catch (e) {
    // The command, if it came first, to point at its help.
    const cmd = argv[0] in COMMANDS ? argv[0] : undefined;
    throw new Usage(parseError(e as Error), cmd);
  }
  const o = args.values as Values;
  const [cmd, ...rest] = args.positionals;
  if (cmd === undefined) {
    if (o.help) return print(globalHelp());
    if (o.version) return print(version());
    throw new Usage('no command given');
  }
  const c = COMMANDS[cmd];
  if (c === undefined) throw new Usage(`unknown command "${cmd}"`);
  if (o.help) return print(commandHelp(cmd));
  for (const n of Object.keys(o) as OptionName[]) {
    if (o[n] !== undefined && !c.options.includes(n) && !COMMON.includes(n)) {
      const users = Object.keys(COMMANDS).filter((k) => COMMANDS[k].options.includes(n));
      throw new Usage(`--${n} is not an option of ${cmd}${users.length > 0 ? ` (it is one of ${users.join(', ')})` : ''}`, cmd);
    }
  }
  if (o.schemes !== undefined && !o.fetch) throw new Usage('--schemes needs --fetch', cmd);
  // Mailboxes (--mbox, --tree, *.mbox/*.mbx, <mbox> and <tree> documents, extract): spec §18.
  const mailbox = cmd === 'convert' ? null : await mailboxCommand(cmd, rest, o, (m) => {
    throw new Usage(m, cmd);
  });
  if (mailbox !== null) return mailbox;
  return c.run(rest, o);
}

// A closed standard output (xmime verify … | head) is a normal end, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof Usage) {
      const see = e.command === undefined ? 'xmime --help' : `xmime ${e.command} --help`;
      console.error(`xmime${e.command === undefined ? '' : ` ${e.command}`}: ${e.message}\nSee "${see}".`);
      process.exitCode = 2;
    } else {
      console.error(`xmime: ${(e as Error).stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
