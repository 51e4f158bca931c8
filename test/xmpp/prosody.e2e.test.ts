/**
 * End to end through a real prosody (started by scripts/xmpp-services.sh):
 * alice sends every corpus mail as XMIME inside a <message/>, bob receives it,
 * decodes it and must get the original bytes. Prosody parses (expat) and
 * re-serializes every stanza, and both clients parse with ltx, so this checks
 * that the meaning of XMIME depends only on the infoset.
 */
import { xml } from '@xmpp/client';
import parse from '@xmpp/xml/lib/parse.js';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMimeAsync, toXmlAsync } from '../../dist/index.js';
import { CORPUS_MAILS, corpusDir, firstDiff, NO_CORPUS, walk } from '../support/helpers.js';
import { connect, type Xmpp } from './session.js';
import { download, upload } from '../../examples/gateway/xep0363.mjs';

const NS = 'urn:xmpp:xmime:0';
const env = process.env;
const LIMIT = Number(env.XMPP_STANZA_LIMIT ?? 262144); // prosody 0.12's c2s_stanza_size_limit
const MARGIN = 1024; // prosody counts the bytes it receives, i.e. this serialization; stay a little under
const IN_FLIGHT = 8;
const MAIL_TIMEOUT = 60_000;

// Never skip silently: this file only runs under scripts/xmpp-services.sh.
if (!env.XMPP_SERVICE) throw new Error('XMPP_SERVICE is not set: run through scripts/xmpp-services.sh (npm run test:xmpp)');
const dir = corpusDir();
if (dir === null && env.CI) throw new Error(`${NO_CORPUS} (CI is set: a missing prerequisite fails the run)`);

interface Result {
  name: string;
  /** Bodies sent by XEP-0363 as <external> references (0: all inline). */
  moved: number;
  bytes: number;
  stanza: number; // bytes of the stanza alice sent
  error?: string;
}

/**
 * Alice's side: the mail as a <message/> within the stanza limit, big bodies
 * uploaded by XEP-0363 and referenced as <external>. ltx re-serializes the
 * document (character references become characters, '>' becomes '&gt;'), so
 * the stanza is measured as sent and the budget shrinks until it fits.
 */
async function stanzaFor(alice: Xmpp, mime: Uint8Array, attrs: Record<string, string>): Promise<{ stanza: any; size: number; moved: number }> {
  const uploaded = new Map<string, string>(); // sha256 -> URI: a smaller budget moves the same bodies out again
  for (let budget = LIMIT - MARGIN; ; budget -= MARGIN) {
    let moved = 0;
    const doc = await toXmlAsync(mime, {
      maxInlineBytes: budget,
      upload: async (bytes, ref) => {
        moved++;
        if (!uploaded.has(ref.sha256)) uploaded.set(ref.sha256, await upload(alice, env.XMPP_UPLOAD_DOMAIN!, bytes, ref.type || 'application/octet-stream'));
        return uploaded.get(ref.sha256)!;
      },
    });
    const stanza = xml('message', attrs, parse(doc));
    const size = Buffer.byteLength(stanza.toString());
    if (size <= LIMIT - MARGIN) return { stanza, size, moved };
  }
}

/** Bob's side: the <mime/> child as ltx re-serializes it, with <external> bodies fetched over HTTP (prosody's loopback slots are http:). */
function decode(s: any): Promise<Uint8Array> {
  const el = s.getChild('mime', NS);
  if (!el) throw new Error(`no <mime/> in ${String(s).slice(0, 200)}`);
  return toMimeAsync(el.toString(), { resolve: (uri, ref) => download(uri, ref.size), schemes: ['http', 'https'] });
}

describe('prosody end to end', () => {
  let alice: Xmpp, bob: Xmpp;
  const files = dir === null ? [] : walk(dir).filter((f) => /\.(eml|mbox)$/.test(f)); // skips MANIFEST.tsv, README.md...
  const results: Result[] = [];
  let seconds = 0;

  beforeAll(async () => {
    alice = await connect(env.XMPP_USER_A!, env.XMPP_PASS_A!, 'sender');
    bob = await connect(env.XMPP_USER_B!, env.XMPP_PASS_B!, 'receiver');
    await bob.send(xml('presence')); // available, so messages to the bare JID reach it
  });

  afterAll(async () => {
    await Promise.allSettled([alice?.stop(), bob?.stop()]);
  });

  // Only the corpus tests skip without a corpus: the stanza-limit tests below need none.
  it('every corpus mail comes out byte-identical', async (ctx) => {
    if (dir === null) return ctx.skip(NO_CORPUS);
    const pending = new Map<string, { resolve: (s: any) => void; reject: (e: Error) => void }>();
    const failAll = (who: string) => (e: Error) => {
      for (const p of pending.values()) p.reject(new Error(`${who}: ${e.message}`));
    };
    alice.on('error', failAll('alice'));
    bob.on('error', failAll('bob'));
    alice.on('offline', () => failAll('alice')(new Error('went offline')));
    // Bounces (e.g. service-unavailable) come back to alice with the same id.
    alice.on('stanza', (s: any) => {
      if (s.is('message') && s.attrs.type === 'error') pending.get(s.attrs.id)?.reject(new Error(`bounced: ${s}`));
    });
    bob.on('stanza', (s: any) => {
      if (s.is('message')) pending.get(s.attrs.id)?.resolve(s);
    });

    const bobJid = `${env.XMPP_USER_B}@${env.XMPP_DOMAIN}`;
    const t0 = performance.now();

    async function one(i: number): Promise<Result> {
      const file = files[i];
      const name = relative(dir!, file);
      const mime = new Uint8Array(readFileSync(file));
      const id = `mail-${i}`;
      const { stanza, size, moved } = await stanzaFor(alice, mime, { to: bobJid, type: 'normal', id });
      const received = new Promise<any>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout after ${MAIL_TIMEOUT} ms`)), MAIL_TIMEOUT);
        pending.set(id, {
          resolve: (s) => (clearTimeout(timer), resolve(s)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
      });
      try {
        await alice.send(stanza);
        const back = await decode(await received);
        const d = firstDiff(back, mime);
        return { name, moved, bytes: mime.length, stanza: size, error: d < 0 ? undefined : `differs at byte ${d} (got ${back.length} bytes of ${mime.length})` };
      } catch (e) {
        return { name, moved, bytes: mime.length, stanza: size, error: (e as Error).message };
      } finally {
        pending.delete(id);
      }
    }

    // A few mails in flight keep both cores busy without bursting prosody.
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < files.length) {
          const i = next++;
          results[i] = await one(i);
        }
      }),
    );
    seconds = (performance.now() - t0) / 1000;

    const ok = results.filter((r) => !r.error);
    const oob = results.filter((r) => r.moved > 0);
    const mib = results.reduce((n, r) => n + r.bytes, 0) / 2 ** 20;
    const biggest = Math.max(...results.map((r) => r.stanza));
    console.log(
      `prosody e2e: ${results.length} mails, ${mib.toFixed(1)} MiB in ${seconds.toFixed(1)} s (${IN_FLIGHT} in flight); ` +
        `largest stanza ${biggest} bytes (limit ${LIMIT}); ${oob.length} with ${oob.reduce((n, r) => n + r.moved, 0)} bodies via XEP-0363: ${oob.map((r) => r.name).join(', ')}\n` +
        `${ok.length} of ${files.length} mails byte-exact through prosody`, // on a line of its own, for CI
    );
    expect(results.filter((r) => r.error).map((r) => `${r.name} (${r.moved} out of band): ${r.error}`)).toEqual([]);
    expect(biggest).toBeLessThanOrEqual(LIMIT - MARGIN);
    expect(ok.length).toBe(files.length);
    expect(files.length).toBe(CORPUS_MAILS);
  });

  it('sent the biggest mails out of band, and stayed fast', (ctx) => {
    if (dir === null) return ctx.skip(NO_CORPUS);
    expect(results.some((r) => r.moved > 0)).toBe(true);
    expect(seconds).toBeLessThan(300);
  });

  it('keeps the stanza under the limit for a mail with thousands of headers and big parts', async () => {
    const received = new Promise<any>((resolve) => bob.on('stanza', (s: any) => s.attrs.id === 'many-headers' && resolve(s)));
    const fields = Array.from({ length: 3000 }, (_, i) => `Received: from relay${i}.example.net (relay${i}.example.net [192.0.2.${i % 250}])\r\n\tby mx.example.org; Mon, 2 Nov 2026 10:00:00 +0000\r\n`);
    const b64 = Buffer.alloc(600_000, 1).toString('base64').replace(/.{76}/g, '$&\r\n');
    const mime = new TextEncoder().encode(`${fields.join('')}Subject: big\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--x--\r\n`);
    const { stanza, size, moved } = await stanzaFor(alice, mime, { to: `${env.XMPP_USER_B}@${env.XMPP_DOMAIN}`, type: 'normal', id: 'many-headers' });
    expect(mime.length).toBeGreaterThan(LIMIT * 3);
    expect(size).toBeLessThanOrEqual(LIMIT - MARGIN);
    expect(moved).toBe(1); // the whole message: its header section alone is over the limit
    await alice.send(stanza);
    expect(firstDiff(await decode(await received), mime)).toBe(-1);
  });

  it('prosody really enforces the stanza limit the out-of-band path avoids', async () => {
    const x = await connect(env.XMPP_USER_A!, env.XMPP_PASS_A!, 'oversize');
    const closed = new Promise<string>((resolve) => {
      x.on('error', (e: any) => resolve(e.condition ?? e.message));
      setTimeout(() => resolve('still open after 10 s'), 10_000);
    });
    // Prosody checks the bytes still unparsed after each 8 KiB read, so a stanza
    // only a few KiB over the limit can slip through; 32 KiB over cannot.
    await x.send(xml('message', { to: `${env.XMPP_USER_B}@${env.XMPP_DOMAIN}`, type: 'normal' }, xml('body', {}, 'x'.repeat(LIMIT + 32768))));
    expect(await closed).toBe('policy-violation');
    await x.stop().catch(() => {});
  });
});
