/** @xmpp/client sessions for the end-to-end tests, with one fix to xmpp.js 0.14's input decoding. */
import { client } from '@xmpp/client';
import { StringDecoder } from 'node:string_decoder';

export type Xmpp = ReturnType<typeof client>;

/**
 * xmpp.js 0.14 (@xmpp/connection `_onData`) decodes every TCP read with
 * `data.toString('utf8')` on its own, so a multi-byte character split between
 * two reads turns into U+FFFD characters. It hits any non-ASCII text under
 * load; in XMIME every escaped byte is a 3-byte character (U+F7xx), so big
 * binary-ish mails hit it often. A StringDecoder carries the partial
 * character over to the next read. Must be applied before `start()` (the
 * socket listener is bound once, on first connect).
 */
export function decodeUtf8AcrossReads<T extends { _onData(data: Buffer): void; parser: { write(s: string): void } | null; on(ev: string, f: () => void): unknown }>(x: T): T {
  let decoder = new StringDecoder('utf8');
  x.on('connect', () => (decoder = new StringDecoder('utf8'))); // a new socket starts clean
  x._onData = (data: Buffer) => x.parser?.write(decoder.write(data));
  return x;
}

/** Connects to the prosody of scripts/xmpp-services.sh, with reconnect off so a dropped stream fails the test. */
export async function connect(user: string, password: string, resource: string): Promise<Xmpp> {
  const x = client({ service: process.env.XMPP_SERVICE, domain: process.env.XMPP_DOMAIN, username: user, password, resource });
  x.reconnect.stop();
  decodeUtf8AcrossReads(x as any);
  x.on('error', () => {}); // callers listen for what they need; an unhandled 'error' would throw
  await x.start();
  return x;
}
