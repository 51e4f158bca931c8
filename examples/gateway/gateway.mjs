/**
 * SMTP -> XMPP -> SMTP gateway: mail travels as XMIME inside <message/>
 * stanzas and comes out byte for byte, so DKIM signatures still verify.
 * See README.md for the protocol.
 */
import { client, jid, xml } from '@xmpp/client';
import nodemailer from 'nodemailer';
import { StringDecoder } from 'node:string_decoder';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import parse from '@xmpp/xml/lib/parse.js';
import { ltxToXml, NS, toMimeAsync, toXmlAsync } from 'xmime';
import { download, upload } from './xep0363.mjs';

export const NS_ENVELOPE = 'urn:example:xmime-gateway:0'; // RFC 6963 example namespace: pick your own
const NS_RECEIPTS = 'urn:xmpp:receipts';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** An Error that smtp-server answers with the SMTP reply `code message`. */
const smtpError = (code, message) => Object.assign(new Error(message.replace(/\s+/g, ' ')), { responseCode: code });

/**
 * The SMTP reply for an error stanza: the agent's <smtp-reply code/> (the
 * next hop's own reply), else 451, since a bounce from the XMPP server (agent
 * offline, say) is worth a retry.
 */
function smtpReply(error) {
  const code = Number(error?.getChild('smtp-reply', NS_ENVELOPE)?.attrs.code) || 451;
  const text = error?.getChildText('text', NS_STANZAS) ?? error?.children.find((c) => c.attrs?.xmlns === NS_STANZAS)?.name;
  return smtpError(code, `${String(code)[0]}.0.0 gateway agent: ${text ?? 'error'}`);
}

// ---------------------------------------------------------------------------
// The one place where the body of a mail becomes a stanza and back. Bodies
// that would take the stanza over the server's limit go out of band by
// XEP-0363 (when an upload service is given), as <external> references with
// their size and SHA-256; the agent fetches and checks them.
// ---------------------------------------------------------------------------

/** Room the XMIME document leaves for the rest of the stanza, shrunk while the stanza does not fit. */
const STEP = 1024;

async function encode(bytes, stanza, maxStanzaBytes, x, uploadDomain) {
  const rest = Buffer.byteLength(stanza.toString());
  const uploaded = new Map(); // sha256 -> URI: a smaller budget moves the same bodies out again
  for (let budget = maxStanzaBytes - rest - STEP; budget > STEP; budget -= STEP) {
    const doc = await toXmlAsync(bytes, {
      maxInlineBytes: budget,
      upload: async (body, ref) => {
        if (uploadDomain === undefined) throw smtpError(552, `5.3.4 message too big for XMPP (stanza limit ${maxStanzaBytes}) and no upload service`);
        if (!uploaded.has(ref.sha256)) uploaded.set(ref.sha256, await upload(x, uploadDomain, body, ref.type || 'application/octet-stream'));
        return uploaded.get(ref.sha256);
      },
    });
    const mime = parse(doc);
    stanza.append(mime);
    // ltx writes the document its own way ('>' as '&gt;', references as characters): count what is sent.
    if (Buffer.byteLength(stanza.toString()) <= maxStanzaBytes) return;
    stanza.remove(mime);
  }
  throw smtpError(552, `5.3.4 message too big for XMPP: no document fits a ${maxStanzaBytes}-byte stanza`);
}

/** The mail's bytes; `external` bodies are fetched (http allowed: the demo's upload service is on loopback). */
const decode = (stanza) => toMimeAsync(ltxToXml(stanza.getChild('mime', NS)), { resolve: (uri, ref) => download(uri, ref.size), schemes: ['https', 'http'] });

// ---------------------------------------------------------------------------

/**
 * Connects an @xmpp/client session. xmpp.js 0.14 (@xmpp/connection `_onData`)
 * decodes every TCP read with `data.toString('utf8')` on its own, so a UTF-8
 * character split between two reads becomes U+FFFD; XMIME writes every
 * escaped byte as a 3-byte character, so mail gets corrupted under load. A
 * StringDecoder carries partial characters over; it must be installed before
 * `start()`, which binds the socket listener once.
 */
async function connect(options, log) {
  const x = client(options);
  let decoder;
  x.on('connect', () => (decoder = new StringDecoder('utf8'))); // each socket starts clean
  x._onData = (data) => x.parser?.write(decoder.write(data));
  x.on('error', (e) => log(`xmpp ${options.username}/${options.resource}: ${e.message}`));
  await x.start().catch(async (e) => {
    await x.stop().catch(() => {}); // no reconnecting in the background
    throw e;
  });
  return x;
}

/**
 * Every LF preceded by CR, and a final CRLF: what the outbound SMTP hop sends
 * unchanged (nodemailer's DataStream rewrites bare LF to CRLF and appends a
 * CRLF when there is none; smtp-server passes both through).
 */
function smtpCarries(b) {
  if (b.length < 2 || b[b.length - 2] !== 13 || b[b.length - 1] !== 10) return false;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) if (i === 0 || b[i - 1] !== 13) return false;
  return true;
}

/**
 * The inbound side: an SMTP server on 127.0.0.1 that relays each mail for
 * `recipients` as one <message/> to the agent `to` (a full JID), and answers
 * 250 only once the agent confirms delivery to its SMTP server, with the
 * agent's failure otherwise (so a mail is never lost silently).
 *
 * @param {object} o
 * @param {number} [o.smtpPort] 0 (default): an ephemeral port.
 * @param {object} o.xmpp @xmpp/client options: service, domain, username, password, resource.
 * @param {string} o.to the JID of the receiving agent.
 * @param {string[]} [o.recipients] the addresses accepted in RCPT TO.
 * @param {number} [o.maxStanzaBytes] the largest stanza the XMPP server takes from a client
 *   (prosody: c2s_stanza_size_limit, 256 KiB by default).
 * @param {string} [o.uploadDomain] a XEP-0363 service for bodies that do not fit; without
 *   one, mail whose stanza would be too big gets a 552.
 * @param {number} [o.timeoutMs] how long to wait for the agent before a 451 (under
 *   smtp-server's 60 s idle timeout).
 * @param {(line: string) => void} [o.log]
 * @returns {Promise<{ port: number, jid: string, close(): Promise<void> }>}
 */
export async function startInbound({ smtpPort = 0, xmpp, to, recipients = ['user@localhost'], maxStanzaBytes = 256 * 1024, uploadDomain, timeoutMs = 30_000, log = console.error }) {
  const x = await connect(xmpp, log);
  const agent = jid(to).bare().toString();
  const pending = new Map(); // stanza id -> { resolve, reject }
  x.on('stanza', (s) => {
    if (!s.is('message') || !s.attrs.from || jid(s.attrs.from).bare().toString() !== agent) return;
    const receipt = s.getChild('received', NS_RECEIPTS);
    if (receipt) pending.get(receipt.attrs.id)?.resolve();
    else if (s.attrs.type === 'error') pending.get(s.attrs.id)?.reject(smtpReply(s.getChild('error')));
  });

  async function relay(bytes, envelope) {
    if (!smtpCarries(bytes)) throw smtpError(554, '5.6.0 bare LF or no final CRLF: the mail could not be relayed byte for byte');
    const id = randomUUID();
    const stanza = xml(
      'message',
      { type: 'normal', to, id },
      xml('envelope', { xmlns: NS_ENVELOPE, 'mail-from': envelope.mailFrom.address }, ...envelope.rcptTo.map((r) => xml('rcpt-to', {}, r.address))),
      xml('request', { xmlns: NS_RECEIPTS }),
    );
    await encode(bytes, stanza, maxStanzaBytes, x, uploadDomain);
    let timer;
    const confirmed = new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      timer = setTimeout(() => reject(smtpError(451, `4.4.7 no answer from ${to} in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await x.send(stanza);
      await confirmed;
    } finally {
      clearTimeout(timer);
      pending.delete(id);
    }
  }

  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'], // loopback demo; put TLS and auth in front for real use
    logger: false,
    onRcptTo({ address }, _session, cb) {
      cb(recipients.includes(address.toLowerCase()) ? null : smtpError(550, `5.1.1 <${address}>: no such user here`));
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c)); // smtp-server has removed the dot-stuffing: these are the message bytes
      stream.on('end', () => relay(Buffer.concat(chunks), session.envelope).then(() => cb(null, `2.0.0 delivered by ${to}`), cb));
    },
  });
  server.on('error', (e) => log(`smtp: ${e.message}`)); // a client's socket error; without a listener it would throw
  await new Promise((resolve, reject) => server.once('error', reject).listen(smtpPort, '127.0.0.1', resolve)).catch(async (e) => {
    await x.stop();
    throw e;
  });
  return {
    port: server.server.address().port,
    jid: x.jid.toString(),
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await x.stop();
    },
  };
}

/**
 * The receiving agent: decodes each <message/> with an XMIME <mime/> child
 * from one of `senders` (bare JIDs; anyone else would turn it into an open
 * relay) and delivers the bytes untouched over SMTP with the carried
 * envelope. Replies with a XEP-0184 receipt after the SMTP server accepted
 * the mail, or with an error stanza carrying the SMTP reply.
 *
 * @param {object} o
 * @param {object} o.xmpp @xmpp/client options: service, domain, username, password, resource.
 * @param {object} o.smtp the next hop, as nodemailer transport options: { host, port, … }.
 * @param {string[]} o.senders bare JIDs of the inbound gateways.
 * @param {(line: string) => void} [o.log]
 * @returns {Promise<{ jid: string, close(): Promise<void> }>}
 */
export async function startOutbound({ xmpp, smtp, senders, log = console.error }) {
  const transport = nodemailer.createTransport({ pool: true, ...smtp }); // smtp-server, for one, greets a new connection only after 100 ms
  const x = await connect(xmpp, log);
  const inFlight = new Set();

  async function deliver(s) {
    const env = s.getChild('envelope', NS_ENVELOPE);
    let code = 554; // a stanza that does not decode will not get better
    try {
      const raw = Buffer.from(await decode(s));
      code = 451; // no SMTP reply (connection refused, timeout): try again later
      await transport.sendMail({ envelope: { from: env.attrs['mail-from'], to: env.getChildren('rcpt-to').map((r) => r.text()) }, raw });
    } catch (e) {
      code = e.responseCode ?? code;
      const text = e.response ?? e.message;
      log(`agent: ${s.attrs.id}: ${text}`);
      const error = xml('error', { type: code >= 500 ? 'cancel' : 'wait' }, xml('undefined-condition', { xmlns: NS_STANZAS }), xml('smtp-reply', { xmlns: NS_ENVELOPE, code: String(code) }), xml('text', { xmlns: NS_STANZAS }, text));
      return x.send(xml('message', { to: s.attrs.from, id: s.attrs.id, type: 'error' }, error));
    }
    return x.send(xml('message', { to: s.attrs.from }, xml('received', { xmlns: NS_RECEIPTS, id: s.attrs.id })));
  }

  x.on('stanza', (s) => {
    if (!s.is('message') || s.attrs.type === 'error' || !s.getChild('mime', NS) || !s.getChild('envelope', NS_ENVELOPE)) return;
    if (!s.attrs.from || !senders.includes(jid(s.attrs.from).bare().toString())) return log(`agent: ignored mail from ${s.attrs.from}`);
    const p = deliver(s).catch((e) => log(`agent: ${e.message}`));
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
  });
  await x.send(xml('presence')); // available, should the inbound side address the bare JID
  return {
    jid: x.jid.toString(),
    async close() {
      await Promise.allSettled(inFlight);
      await x.stop();
      transport.close();
    },
  };
}
