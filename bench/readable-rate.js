// The readable rate over a set of mails, and why the rest stays bytes: for
// `bench/RESULTS.md` (issue "Readable XMIME", point 4). Each text part that
// stays a <body> is classified by re-running the steps of a readable view
// (spec §9.8) until one fails; nothing is guessed.

import { toXml, parse } from '../dist/index.node.js'; // the Node entry, as Node users get it
import { charsetName, decodeCharset } from '../dist/views/charset.js';
import { b64Decode, qpDecode } from '../dist/views/transfer.js';
import { parseContentType } from '../dist/views/content-type.js';

const IDENTITY = new Set(['', '7bit', '8bit', 'binary']);

/** Why the text part `e` (whose body is a <body>) has no readable view. */
function reason(e) {
  const cte = (e.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  if (!IDENTITY.has(cte) && cte !== 'quoted-printable' && cte !== 'base64') return `transfer encoding "${cte}"`;
  const w = e.bodyBytes();
  if (w.length > 1 << 20) return 'longer than maxTextBytes (1 MiB)';
  const v = e.headers.view('content-type');
  const label = v?.kind === 'media' ? v.params.find((p) => p.name === 'charset')?.value : undefined;
  if (label !== undefined && charsetName(label) === null) return `charset "${label.toLowerCase()}" unknown to the platform`;
  const crlf = !e.eol || e.eol === '\r\n';
  const d = cte === 'quoted-printable' ? qpDecode(w, crlf) : cte === 'base64' ? b64Decode(w, crlf)?.d ?? null : w;
  if (d === null) return `${cte} that does not decode (or 8-bit bytes in it)`;
  if (label !== undefined && decodeCharset(charsetName(label), d) === null) return `bytes not valid in the declared charset ${label.toLowerCase()}`;
  return `${cte || 'identity'} layout or charset that no parameter set reproduces`;
}

/** Counts over `mails` (Uint8Arrays), and the reasons, most frequent first. */
export function readableRate(mails) {
  const stats = { textParts: 0, readableParts: 0, viewFields: 0, views: 0, viewsInPlace: 0 };
  const reasons = new Map();
  for (const b of mails) {
    toXml(b, { stats });
    const m = parse(b);
    const walk = (e) => {
      const parts = e.parts;
      if (parts.length > 0) return parts.forEach(walk);
      const body = e.node.kids.find((k) => k.name === 'body');
      // As the encoder decides (readable.ts, with the tokenizer's lenient parser): no or an unparseable Content-Type is text.
      const ct = e.headers.get('content-type');
      const raw = new TextEncoder().encode(ct ?? '');
      const type = ct === undefined ? '' : parseContentType(raw, 0, raw.length).type;
      const isText = type === '' || type.startsWith('text/');
      if (body !== undefined && isText) {
        const r = reason(e);
        reasons.set(r, (reasons.get(r) ?? 0) + 1);
      }
    };
    walk(m);
  }
  return { stats, reasons: [...reasons].sort((a, b) => b[1] - a[1]) };
}
