/**
 * CLI dispatch of the mailbox commands (kept apart from cli.ts, which
 * handles single messages): returns an exit status, or null when the
 * command line is not a mailbox one.
 * @module
 */
import { writeFile, rename, unlink } from 'node:fs/promises';
import { XmimeError } from '../core/errors.js';
import { MBOX_VARIANTS, type MboxVariant } from '../mailbox/mbox-split.js';
import { createMailboxDecodeStream, encodeMbox, extractMessage, rootName, verifyMboxFile } from './mailbox-cli.js';
import { convertFile } from './index.js';
import { decodeTree, encodeTree, verifyTree } from './tree-fs.js';

export interface MailboxFlags {
  output?: string;
  mbox?: boolean;
  tree?: boolean;
  variant?: string;
  index?: string;
  'message-id'?: string;
  wire?: boolean;
  fetch?: boolean;
  stats?: boolean;
  debug?: boolean;
}

function describe(file: string, e: unknown): string {
  const name = file === '-' ? '<stdin>' : file;
  if (e instanceof XmimeError) return `${name}:${e.line}:${e.column}: ${e.code}: ${e.detail}`;
  return `${name}: ${(e as Error).message ?? String(e)}`;
}

async function run(file: string, debug: boolean | undefined, f: () => Promise<void>): Promise<number> {
  try {
    await f();
    return 0;
  } catch (e) {
    console.error(describe(file, e));
    if (debug) console.error((e as Error).stack);
    return 1;
  }
}

export async function mailboxCommand(cmd: string | undefined, rest: string[], o: MailboxFlags, usage: (m: string) => never): Promise<number | null> {
  const mboxName = (f: string | undefined) => f !== undefined && /\.(mbox|mbx)$/i.test(f);
  const isMailboxCmd =
    o.mbox === true || o.tree === true || cmd === 'extract' || (cmd === 'encode' && mboxName(rest[0]));
  if (o.variant !== undefined && !(MBOX_VARIANTS as readonly string[]).includes(o.variant)) usage(`--variant takes ${MBOX_VARIANTS.join(', ')}`);
  if (!isMailboxCmd) {
    if (o.variant !== undefined) usage('--variant is an option of encode --mbox, verify --mbox and --tree');
    if (o.index !== undefined || o['message-id'] !== undefined) usage('--index and --message-id are options of extract');
    // decode: a mailbox or tree document is recognised by its root element.
    if (cmd === 'decode' && !o.fetch && rest.length <= 1) {
      const input = rest[0] ?? '-';
      let root = '';
      try {
        root = await rootName(input);
      } catch {
        return null; // cli.ts reports the unreadable file
      }
      if (root === 'tree') {
        if (o.output === undefined) usage('decoding a tree document needs -o DIR');
        return run(input, o.debug, () => decodeTree(input, o.output!));
      }
      // From stdin the root is not known in advance: the mailbox decoder reads <mime> and <mbox> alike.
      if (root === 'mbox' || input === '-') return run(input, o.debug, () => convertFile(input, o.output ?? null, createMailboxDecodeStream()));
    }
    return null;
  }
  if (o.mbox && o.tree) usage('--mbox and --tree exclude each other');
  const variant = (o.variant ?? 'auto') as MboxVariant;
  const readable = !o.wire;
  if (o.fetch || o.stats) usage('--fetch and --stats are not options of the mailbox commands');
  switch (cmd) {
    case 'encode': {
      if (rest.length !== 1 && !(o.mbox && rest.length === 0)) usage(`encode --${o.tree ? 'tree' : 'mbox'} takes one input`);
      const input = rest[0] ?? '-';
      if (o.tree) {
        if (input === '-') usage('encode --tree takes a directory');
        return run(input, o.debug, () => encodeTree(input, o.output ?? null, { variant, readable }));
      }
      return run(input, o.debug, () => encodeMbox(input, o.output ?? null, { variant, readable }));
    }
    case 'verify': {
      if (rest.length === 0) usage('verify needs at least one path');
      if (o.output !== undefined) usage('verify does not write output');
      let ok = 0, failed = 0;
      for (const p of rest) {
        let why: string | null;
        try {
          why = o.tree ? await verifyTree(p, { variant, readable }) : await verifyMboxFile(p, { variant, readable });
        } catch (e) {
          why = describe(p, e);
        }
        if (why === null) ok++;
        else {
          failed++;
          console.log(`FAIL ${why}`);
        }
      }
      console.log(`${ok} ok, ${failed} failed`);
      return failed > 0 ? 1 : 0;
    }
    case 'extract': {
      if (o.mbox || o.tree) usage('extract reads a mailbox document: no --mbox or --tree');
      if (rest.length !== 1) usage('extract takes one document');
      if ((o.index === undefined) === (o['message-id'] === undefined)) usage('extract needs --index N or --message-id ID');
      let index: number | undefined;
      if (o.index !== undefined) {
        if (!/^[1-9][0-9]{0,9}$/.test(o.index)) usage('--index takes a number from 1');
        index = Number(o.index);
      }
      const doc = rest[0];
      return run(doc, o.debug, async () => {
        const msg = await extractMessage(doc, { index, messageId: o['message-id'] });
        if (msg === null) throw new Error(index !== undefined ? `no message ${index}` : `no message with Message-ID <${o['message-id']}>`);
        if (o.output === undefined) {
          await new Promise<void>((res, rej) => process.stdout.write(msg, (e) => (e ? rej(e) : res())));
          return;
        }
        const tmp = `${o.output}.${process.pid}.${Date.now().toString(36)}.tmp`;
        try {
          await writeFile(tmp, msg, { flag: 'wx' });
          await rename(tmp, o.output);
        } catch (e) {
          await unlink(tmp).catch(() => {});
          throw e;
        }
      });
    }
    case 'decode':
      usage('decode takes a document: no --mbox or --tree (the document says what it holds)');
      break;
    default:
      usage(`--mbox and --tree are options of encode and verify`);
  }
  return null;
}
