/** XEP-0363 HTTP File Upload over an @xmpp/client session, plus a plain download. */
import { xml } from '@xmpp/client';

const NS = 'urn:xmpp:http:upload:0';

/** The parts of an @xmpp/client session these helpers use. */
export interface XmppSession {
  iqCaller: { request(iq: unknown, timeout?: number): Promise<any> };
}

let seq = 0;

/** Uploads `bytes` to `uploadDomain` and returns the GET URL of the slot. */
export async function upload(xmpp: XmppSession, uploadDomain: string, bytes: Uint8Array, contentType: string): Promise<string> {
  const filename = `xmime-${process.pid}-${++seq}.bin`;
  const res = await xmpp.iqCaller.request(
    xml('iq', { type: 'get', to: uploadDomain },
      xml('request', { xmlns: NS, filename, size: String(bytes.length), 'content-type': contentType })),
    30_000,
  );
  const slot = res.getChild('slot', NS);
  const put = slot?.getChild('put')?.attrs.url as string | undefined;
  const get = slot?.getChild('get')?.attrs.url as string | undefined;
  if (!put || !get) throw new Error(`XEP-0363: no slot in ${res}`);
  // The slot may require headers (prosody: Authorization); XEP-0363 allows only these three.
  const headers: Record<string, string> = { 'content-type': contentType };
  for (const h of slot.getChild('put').getChildren('header')) {
    const name = String(h.attrs.name);
    if (/^(authorization|cookie|expires)$/i.test(name)) headers[name] = h.getText();
  }
  const r = await fetch(put, { method: 'PUT', headers, body: bytes });
  if (!r.ok) throw new Error(`XEP-0363: PUT ${put} gave HTTP ${r.status}`);
  return get;
}

/** GETs `url` and returns its body. */
export async function download(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url} gave HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}
