/**
 * The gateway in one command: a DKIM-signed mail goes into the inbound SMTP
 * server, across XMPP as XMIME, out of the agent into a sink, and must arrive
 * byte-identical with its signatures valid.
 *
 *   npm run build && scripts/xmpp-services.sh node examples/gateway/demo.mjs
 */
import nodemailer from 'nodemailer';
import { testDkim } from './dkim.mjs';
import { startInbound, startOutbound } from './gateway.mjs';
import { startSink } from './sink.mjs';

const env = process.env;
if (!env.XMPP_SERVICE) {
  console.error('XMPP_SERVICE is not set: run as  scripts/xmpp-services.sh node examples/gateway/demo.mjs');
  process.exit(2);
}
const account = (username, password, resource) => ({ service: env.XMPP_SERVICE, domain: env.XMPP_DOMAIN, username, password, resource });

const dkim = testDkim();
const mail = await dkim.sign(
  Buffer.from(
    [
      `From: Alex <alex@${dkim.domain}>`,
      'To: user@localhost',
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_via_XMPP?=',
      'Date: Tue, 14 Mar 2006 10:00:00 +0000',
      `Message-ID: <demo@${dkim.domain}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Grüße! Every byte of this mail is signed.   ',
      '.',
      '.a line SMTP has to dot-stuff, and one with trailing white space:\t ',
      '',
    ].join('\r\n'),
  ),
  [
    { key: 'rsa', canonicalization: 'simple/simple' },
    { key: 'ed25519', canonicalization: 'relaxed/relaxed' },
  ],
);

const sink = await startSink();
const outbound = await startOutbound({
  xmpp: account(env.XMPP_USER_B, env.XMPP_PASS_B, 'gateway-out'),
  smtp: { host: '127.0.0.1', port: sink.port },
  senders: [`${env.XMPP_USER_A}@${env.XMPP_DOMAIN}`],
});
const inbound = await startInbound({
  xmpp: account(env.XMPP_USER_A, env.XMPP_PASS_A, 'gateway-in'),
  to: outbound.jid,
  maxStanzaBytes: Number(env.XMPP_STANZA_LIMIT ?? 262144),
  uploadDomain: env.XMPP_UPLOAD_DOMAIN, // XEP-0363, for bodies too big for a stanza
});
try {
  console.log(`SMTP 127.0.0.1:${inbound.port} -> ${inbound.jid} -> XMPP -> ${outbound.jid} -> SMTP 127.0.0.1:${sink.port}`);
  const t0 = performance.now();
  const sender = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port });
  const { response } = await sender.sendMail({ envelope: { from: `alex@${dkim.domain}`, to: ['user@localhost'] }, raw: mail });
  const ms = performance.now() - t0;
  const got = sink.mails[0].bytes;
  const verdicts = await dkim.verify(got);
  const passed = verdicts.filter((v) => v.result === 'pass').length;
  console.log(`inbound answered "${response}" after ${ms.toFixed(0)} ms`);
  console.log(`sent ${mail.length} bytes, the sink got ${got.length}: ${got.equals(mail) ? 'identical' : 'DIFFERENT'}`);
  for (const v of verdicts) console.log(`  ${v.info}`);
  console.log(`${passed} of ${verdicts.length} DKIM signatures verified after the gateway`);
  process.exitCode = got.equals(mail) && passed === verdicts.length ? 0 : 1;
} finally {
  await inbound.close();
  await outbound.close();
  await sink.close();
}
