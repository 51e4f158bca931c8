/**
 * The example gateway (examples/gateway) through a real prosody: DKIM-signed
 * mails go into its inbound SMTP server, cross XMPP as XMIME, leave the agent
 * over SMTP into a sink, and must arrive byte-identical with every signature
 * passing. Also: the refusals (too big, bare LF, the next hop's 550) reach the
 * sender as SMTP replies.
 */
import nodemailer from 'nodemailer';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { relative } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDkim } from '../../examples/gateway/dkim.mjs';
import { startInbound, startOutbound } from '../../examples/gateway/gateway.mjs';
import { startSink } from '../../examples/gateway/sink.mjs';
import { corpusDir, walk } from '../support/helpers.js';

const env = process.env;
// Never skip silently: this file only runs under scripts/xmpp-services.sh.
if (!env.XMPP_SERVICE) throw new Error('XMPP_SERVICE is not set: run through scripts/xmpp-services.sh (npm run test:xmpp)');
const LIMIT = Number(env.XMPP_STANZA_LIMIT ?? 262144);
const IN_FLIGHT = 8;

type Sig = { key: 'rsa' | 'ed25519'; canonicalization: string };
interface Mail {
  name: string;
  from: string; // MAIL FROM, unique per mail: it finds the mail at the sink
  bytes: Buffer; // unsigned
  sigs: Sig[];
}

const dkim = testDkim();
const D = dkim.domain;
const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));
const head = (subject: string, ...more: string[]) => [`From: Alex <alex@${D}>`, 'To: user@localhost', `Subject: ${subject}`, 'Date: Tue, 14 Mar 2006 10:00:00 +0000', `Message-ID: <${subject.replace(/\W+/g, '.')}@${D}>`, 'MIME-Version: 1.0', ...more];
const rsa = (canonicalization: string): Sig => ({ key: 'rsa', canonicalization });
const ed = (canonicalization: string): Sig => ({ key: 'ed25519', canonicalization });
let n = 0;
const mail = (name: string, sigs: Sig[], bytes: Buffer, from = `mail-${n++}@${D}`): Mail => ({ name, sigs, bytes, from });
const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + (i >> 3)) & 0xff));

const handmade: Mail[] = [
  mail('plain ASCII', [rsa('relaxed/relaxed')], crlf(...head('plain ASCII', 'Content-Type: text/plain; charset=us-ascii'), '', 'Hello,', '', 'just text.', '')),
  mail(
    'multipart/alternative',
    [ed('relaxed/relaxed')],
    crlf(...head('alternative', 'Content-Type: multipart/alternative; boundary="b1"'), '', '--b1', 'Content-Type: text/plain; charset=us-ascii', '', 'Hello *you*.', '--b1', 'Content-Type: text/html; charset=us-ascii', '', '<p>Hello <b>you</b>.</p>', '--b1--', ''),
  ),
  mail(
    '8-bit UTF-8 body and header',
    [rsa('simple/simple'), ed('relaxed/simple')],
    crlf(...head('Grüße, 日本語, 😀', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'), '', 'Grüße aus Köln – ça va? Ελληνικά, русский, 日本語, 😀.', ''),
  ),
  // 100 KB of 3- and 4-byte characters: TCP reads split some of them, which xmpp.js 0.14 alone would corrupt.
  mail('big 8-bit UTF-8 body', [ed('simple/relaxed')], crlf(...head('big 8-bit', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'), '', ...Array(2000).fill('€ 日本語のテキスト 😀 ∑ ≠ ∞ …'), '')),
  mail(
    'base64 attachment',
    [rsa('relaxed/simple')],
    crlf(
      ...head('attachment', 'Content-Type: multipart/mixed; boundary="b2"'),
      '',
      '--b2',
      'Content-Type: text/plain',
      '',
      'See attached.',
      '--b2',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Disposition: attachment; filename="data.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      ...binary.toString('base64').match(/.{1,76}/g)!,
      '--b2--',
      '',
    ),
  ),
  mail(
    'dot lines and trailing white space, simple canonicalization',
    [rsa('simple/simple'), ed('simple/simple')],
    crlf(...head('dots', 'Content-Type: text/plain'), '', '.', '..', '.leading dot', 'trailing spaces   ', 'trailing tab\t', ' ', '.', '', '', ''),
  ),
  mail(
    'message/rfc822 forward',
    [rsa('relaxed/relaxed')],
    crlf(
      ...head('Fwd: minutes', 'Content-Type: multipart/mixed; boundary="b3"'),
      '',
      '--b3',
      'Content-Type: text/plain',
      '',
      'Forwarded below.',
      '--b3',
      'Content-Type: message/rfc822',
      '',
      'DKIM-Signature: v=1; a=rsa-sha256; d=elsewhere.example; s=x; h=from; bh=AAAA; b=AAAA',
      'From: Sam <sam@elsewhere.example>',
      'Subject: minutes',
      '',
      'The minutes.',
      '--b3--',
      '',
    ),
  ),
  mail(
    'bounce, MAIL FROM:<>',
    [ed('relaxed/relaxed')],
    crlf(
      `From: Mail Delivery System <mailer-daemon@${D}>`,
      'To: user@localhost',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <bounce@${D}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b4"',
      '',
      '--b4',
      'Content-Type: text/plain',
      '',
      'Your mail could not be delivered.',
      '--b4',
      'Content-Type: message/delivery-status',
      '',
      `Reporting-MTA: dns; ${D}`,
      '',
      'Final-Recipient: rfc822; nobody@example.net',
      'Action: failed',
      'Status: 5.1.1',
      '--b4--',
      '',
    ),
    '',
  ),
];

/**
 * Corpus mails as an SMTP client sends them: line ends made CRLF and a final
 * CRLF added (RFC 5321 2.3.8, 4.1.1.4; nodemailer does both). Skipped: what
 * SMTP may not carry at all (NUL, bare CR, lines over 998 bytes) and those
 * mailauth cannot sign (no header section it recognizes).
 */
async function corpusMails(): Promise<{ mails: (Mail & { signed: Buffer })[]; skipped: Record<string, number> }> {
  const dir = corpusDir();
  if (dir === null && env.CI) throw new Error('no corpus at ../shared/corpus and XMIME_CORPUS is not set');
  if (dir === null) console.warn('gateway e2e: no corpus at ../shared/corpus and XMIME_CORPUS is not set, handmade mails only');
  const mails: (Mail & { signed: Buffer })[] = [];
  const skipped: Record<string, number> = {};
  for (const file of dir === null ? [] : walk(dir).filter((f) => f.endsWith('.eml'))) {
    let s = readFileSync(file).toString('latin1').replace(/\r?\n/g, '\r\n');
    if (!s.endsWith('\r\n')) s += '\r\n';
    let why = s.includes('\0') ? 'NUL' : /\r(?!\n)/.test(s) ? 'bare CR' : s.split('\r\n').some((l) => l.length > 998) ? 'line over 998' : null;
    const m = mail(relative(dir!, file), [mails.length % 2 ? ed('relaxed/relaxed') : rsa('simple/simple')], Buffer.from(s, 'latin1'));
    const signed = why ? null : await dkim.sign(m.bytes, m.sigs).catch(() => ((why = 'mailauth cannot sign'), null));
    if (signed) mails.push({ ...m, signed });
    else skipped[why!] = (skipped[why!] ?? 0) + 1;
  }
  return { mails, skipped };
}

/** SMTP over a bare socket, to send what nodemailer would repair; returns the reply to the message. */
async function rawSmtp(port: number, message: string): Promise<string> {
  const socket = createConnection(port, '127.0.0.1');
  const lines = createInterface({ input: socket })[Symbol.asyncIterator]();
  const reply = async (): Promise<string> => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('connection closed');
      if (/^\d{3} /.test(value)) return value;
    }
  };
  try {
    await reply();
    for (const command of ['EHLO test', `MAIL FROM:<raw@${D}>`, 'RCPT TO:<user@localhost>', 'DATA']) {
      socket.write(`${command}\r\n`);
      await reply();
    }
    socket.write(`${message}\r\n.\r\n`);
    return await reply();
  } finally {
    socket.end('QUIT\r\n');
  }
}

describe('example SMTP -> XMPP -> SMTP gateway', () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  let outbound: Awaited<ReturnType<typeof startOutbound>>;
  let inbound: Awaited<ReturnType<typeof startInbound>>;
  let sender: ReturnType<typeof nodemailer.createTransport>;
  const send = (from: string, raw: Buffer, to = ['user@localhost']) => sender.sendMail({ envelope: { from, to }, raw });

  beforeAll(async () => {
    const account = (username?: string, password?: string, resource?: string) => ({ service: env.XMPP_SERVICE, domain: env.XMPP_DOMAIN, username, password, resource });
    sink = await startSink({ reject: ['refused@localhost'] });
    outbound = await startOutbound({ xmpp: account(env.XMPP_USER_B, env.XMPP_PASS_B, 'gateway-out'), smtp: { host: '127.0.0.1', port: sink.port }, senders: [`${env.XMPP_USER_A}@${env.XMPP_DOMAIN}`] });
    inbound = await startInbound({ xmpp: account(env.XMPP_USER_A, env.XMPP_PASS_A, 'gateway-in'), to: outbound.jid, recipients: ['user@localhost', 'refused@localhost'], maxStanzaBytes: LIMIT, uploadDomain: env.XMPP_UPLOAD_DOMAIN });
    sender = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, pool: true, maxConnections: IN_FLIGHT });
  });

  afterAll(async () => {
    sender?.close();
    await Promise.allSettled([inbound?.close(), outbound?.close(), sink?.close()]);
  });

  it('delivers every mail byte-identical, with every DKIM signature passing', async () => {
    const { mails: corpus, skipped } = await corpusMails();
    const mails = [...(await Promise.all(handmade.map(async (m) => ({ ...m, signed: await dkim.sign(m.bytes, m.sigs) })))), ...corpus];
    const errors: string[] = [];
    const signatures = mails.reduce((n, m) => n + m.sigs.length, 0);
    let verified = 0;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < mails.length) {
          const { signed, ...m } = mails[next++];
          try {
            await send(m.from, signed); // resolves on the inbound's 250: the sink has the mail by then
            const got = sink.mails.find((s) => s.from === m.from);
            if (!got?.bytes.equals(signed)) throw new Error(got ? `sink got different bytes (${got.bytes.length} of ${signed.length})` : 'not at the sink');
            if (got.to.join() !== 'user@localhost') throw new Error(`envelope recipients ${got.to}`);
            const verdicts = await dkim.verify(got.bytes);
            const passed = verdicts.filter((v) => v.result === 'pass').length;
            verified += passed;
            if (passed !== m.sigs.length) throw new Error(`DKIM: ${verdicts.map((v) => v.info).join('; ') || 'no signature found'}`);
          } catch (e) {
            errors.push(`${m.name}: ${(e as Error).message}`);
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const mib = mails.reduce((n, m) => n + m.bytes.length, 0) / 2 ** 20;
    console.log(
      `gateway e2e: ${mails.length} mails (${handmade.length} handmade, ${corpus.length} from the corpus; skipped ${JSON.stringify(skipped)}), ` +
        `${mib.toFixed(1)} MiB in ${seconds.toFixed(1)} s (${IN_FLIGHT} in flight)\n` +
        `${verified} of ${signatures} DKIM signatures verified after the gateway`, // on a line of its own, for CI
    );
    expect(errors).toEqual([]);
    expect(verified).toBe(signatures);
    expect(corpus.length).toBeGreaterThanOrEqual(corpusDir() === null ? 0 : 1000);
  });

  const big = (from: string) => crlf(...head('big', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64').map((l) => l.replace(/^From: .*/, `From: <${from}>`)), '', ...Array(Math.ceil((3 * LIMIT) / 76)).fill('A'.repeat(76)), '');

  it('sends a mail bigger than the stanza limit out of band (XEP-0363), and it still verifies', async () => {
    const from = `big@${D}`;
    const signed = await dkim.sign(big(from), [rsa('relaxed/simple')]);
    expect(signed.length).toBeGreaterThan(3 * LIMIT);
    await send(from, signed);
    const got = sink.mails.find((m) => m.from === from);
    expect(got?.bytes.equals(signed)).toBe(true);
    expect((await dkim.verify(got!.bytes)).map((v) => v.result)).toEqual(['pass']);
  });

  it('without an upload service, refuses a mail whose stanza would exceed the limit with 552, and delivers nothing', async () => {
    const account = { service: env.XMPP_SERVICE, domain: env.XMPP_DOMAIN, username: env.XMPP_USER_A, password: env.XMPP_PASS_A, resource: 'gateway-in-no-upload' };
    const plain = await startInbound({ xmpp: account, to: outbound.jid, maxStanzaBytes: LIMIT });
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: plain.port });
    try {
      const from = `too-big@${D}`;
      await expect(t.sendMail({ envelope: { from, to: ['user@localhost'] }, raw: big(from) })).rejects.toMatchObject({ responseCode: 552 });
      expect(sink.mails.some((m) => m.from === from)).toBe(false);
    } finally {
      t.close();
      await plain.close();
    }
  });

  it("passes the next hop's refusal back to the sender", async () => {
    const from = `refused@${D}`;
    await expect(send(from, crlf(...head('refused'), '', 'x', ''), ['refused@localhost'])).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('mailbox unavailable') });
    expect(sink.mails.some((m) => m.from === from)).toBe(false);
  });

  it('refuses bare LF, which its outbound SMTP client would turn into CRLF', async () => {
    expect(await rawSmtp(inbound.port, 'Subject: bare LF\n\nA line that ends in a bare LF\n')).toMatch(/^554 5\.6\.0 /);
  });
});
