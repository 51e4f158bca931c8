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
import { toMime, toXml } from '../../dist/index.js';
import { corpusDir, firstDiff, walk } from '../helpers.js';
import { connect, type Xmpp } from './session.js';
import { download, upload } from './upload.js';

const NS = 'urn:xmpp:xmime:0';
const OOB = 'jabber:x:oob';
const env = process.env;
const LIMIT = Number(env.XMPP_STANZA_LIMIT ?? 262144); // prosody 0.12's c2s_stanza_size_limit
const MARGIN = 1024; // prosody counts the bytes it receives, i.e. this serialization; stay a little under
const IN_FLIGHT = 8;
const MAIL_TIMEOUT = 60_000;

// Never skip silently: this file only runs under scripts/xmpp-services.sh.
if (!env.XMPP_SERVICE) throw new Error('XMPP_SERVICE is not set: run through scripts/xmpp-services.sh (npm run test:xmpp)');
const dir = corpusDir();
if (dir === null && env.CI) throw new Error('no corpus at ../shared/corpus and XMIME_CORPUS is not set');
if (dir === null) console.warn('prosody e2e skipped: no corpus at ../shared/corpus and XMIME_CORPUS is not set');

interface Result {
  name: string;
  via: 'inline' | 'oob';
  bytes: number;
  stanza: number; // bytes of the stanza alice sent
  error?: string;
}

describe.skipIf(dir === null)('prosody end to end', () => {
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

  it('every corpus mail comes out byte-identical', async () => {
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
      const doc = toXml(mime);
      const id = `mail-${i}`;
      let stanza = xml('message', { to: bobJid, type: 'normal', id }, parse(doc));
      let via: Result['via'] = 'inline';
      let size = Buffer.byteLength(stanza.toString());
      if (size > LIMIT - MARGIN) {
        // TODO(xmime external API): switch to toXmlAsync(mime, { maxInlineBytes, upload }) and
        // toMimeAsync(xml, { resolve }) from src/external.ts once it lands; it moves only the big
        // bodies out as <external uri size sha256 type/>. For now the whole document goes via
        // XEP-0363 and the stanza carries just a XEP-0066 URL.
        const url = await upload(alice, env.XMPP_UPLOAD_DOMAIN!, new TextEncoder().encode(doc), 'application/xml');
        stanza = xml('message', { to: bobJid, type: 'normal', id }, xml('x', { xmlns: OOB }, xml('url', {}, url)));
        via = 'oob';
        size = Buffer.byteLength(stanza.toString());
      }
      const received = new Promise<any>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout after ${MAIL_TIMEOUT} ms`)), MAIL_TIMEOUT);
        pending.set(id, {
          resolve: (s) => (clearTimeout(timer), resolve(s)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
      });
      try {
        await alice.send(stanza);
        const s = await received;
        // Bob's side: the XMIME child as ltx re-serializes it, or the uploaded document.
        const el = s.getChild('mime', NS);
        const url = s.getChild('x', OOB)?.getChildText('url');
        const back = el ? toMime(el.toString()) : url ? toMime(await download(url)) : null;
        if (back === null) return { name, via, bytes: mime.length, stanza: size, error: `no <mime/> or OOB URL in ${String(s).slice(0, 200)}` };
        const d = firstDiff(back, mime);
        return { name, via, bytes: mime.length, stanza: size, error: d < 0 ? undefined : `differs at byte ${d} (got ${back.length} bytes of ${mime.length})` };
      } catch (e) {
        return { name, via, bytes: mime.length, stanza: size, error: (e as Error).message };
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
    const oob = results.filter((r) => r.via === 'oob');
    const mib = results.reduce((n, r) => n + r.bytes, 0) / 2 ** 20;
    const biggest = Math.max(...results.map((r) => r.stanza));
    console.log(
      `prosody e2e: ${results.length} mails, ${mib.toFixed(1)} MiB in ${seconds.toFixed(1)} s (${IN_FLIGHT} in flight); ` +
        `largest stanza ${biggest} bytes; ${oob.length} via XEP-0363: ${oob.map((r) => r.name).join(', ')}\n` +
        `${ok.length} of ${files.length} mails byte-exact through prosody`, // on a line of its own, for CI
    );
    expect(results.filter((r) => r.error).map((r) => `${r.name} (${r.via}): ${r.error}`)).toEqual([]);
    expect(ok.length).toBe(files.length);
    expect(files.length).toBeGreaterThanOrEqual(1065);
  });

  it('sent the biggest mails out of band, and stayed fast', () => {
    expect(results.some((r) => r.via === 'oob')).toBe(true);
    expect(seconds).toBeLessThan(300);
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
