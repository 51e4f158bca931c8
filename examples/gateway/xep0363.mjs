/** XEP-0363 HTTP File Upload over an @xmpp/client session, and the matching download. */
import { xml } from '@xmpp/client';

const NS = 'urn:xmpp:http:upload:0';
let seq = 0;

/**
 * Uploads `bytes` to the upload service `domain` (found by XEP-0030 disco)
 * and returns the slot's GET URL.
 * @param {{ iqCaller: { request(iq: unknown, timeout?: number): Promise<any> } }} xmpp
 * @param {string} domain
 * @param {Uint8Array} bytes
 * @param {string} contentType
 */
export async function upload(xmpp, domain, bytes, contentType) {
  const filename = `xmime-${process.pid}-${++seq}.bin`;
  const res = await xmpp.iqCaller.request(
    xml('iq', { type: 'get', to: domain }, xml('request', { xmlns: NS, filename, size: String(bytes.length), 'content-type': contentType })),
    30_000,
  );
  const slot = res.getChild('slot', NS);
  const put = slot?.getChild('put')?.attrs.url;
  const get = slot?.getChild('get')?.attrs.url;
  if (!put || !get) throw new Error(`XEP-0363: no slot in ${res}`);
  // The slot may require headers (prosody: Authorization); XEP-0363 allows only these three.
  const headers = { 'content-type': contentType };
  for (const h of slot.getChild('put').getChildren('header')) {
    const name = String(h.attrs.name);
    if (/^(authorization|cookie|expires)$/i.test(name)) headers[name] = h.getText();
  }
  const r = await fetch(put, { method: 'PUT', headers, body: bytes });
  if (!r.ok) throw new Error(`XEP-0363: PUT ${put} gave HTTP ${r.status}`);
  return get;
}

/**
 * GETs `url`, reading at most `limit` bytes (the size the reference
 * announces: a longer answer is cut there and fails the size check).
 * @param {string} url
 * @param {number} [limit]
 * @returns {Promise<Uint8Array>}
 */
export async function download(url, limit = Infinity) {
  const r = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(60_000) });
  if (!r.ok) throw new Error(`GET ${url} gave HTTP ${r.status}`);
  const parts = [];
  let n = 0;
  for await (const c of r.body) {
    parts.push(c);
    n += c.length;
    if (n > limit) {
      await r.body.cancel().catch(() => {});
      break;
    }
  }
  return new Uint8Array(Buffer.concat(parts));
}
