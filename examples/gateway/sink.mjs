/** The demo's last hop: an SMTP server on 127.0.0.1 that keeps what it receives. */
import { SMTPServer } from 'smtp-server';

/**
 * @param {{ reject?: string[] }} [o] recipients to refuse with 550, to show
 *   that the next hop's reply travels back to the original sender.
 * @returns {Promise<{ port: number, mails: { from: string, to: string[], bytes: Buffer }[], close(): Promise<void> }>}
 */
export async function startSink({ reject = [] } = {}) {
  const mails = [];
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo({ address }, _session, cb) {
      cb(reject.includes(address) ? Object.assign(new Error(`5.1.1 <${address}>: mailbox unavailable`), { responseCode: 550 }) : null);
    },
    onData(stream, { envelope }, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ from: envelope.mailFrom.address, to: envelope.rcptTo.map((r) => r.address), bytes: Buffer.concat(chunks) });
        cb(null, 'OK: stored');
      });
    },
  });
  server.on('error', () => {}); // client socket errors: nothing to do in a sink
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { port: server.server.address().port, mails, close: () => new Promise((resolve) => server.close(resolve)) };
}
