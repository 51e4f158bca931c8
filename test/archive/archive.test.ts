/**
 * The browser-safe halves of archive conversion: the manifest facts stage
 * (hashes of the exact bytes, header fields, parts, anomalies) and the
 * attachment-store stage (bodies over the threshold become `<external>`,
 * and decode back to the same bytes), on any message, encoded unchanged.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encoderInto, toXml } from '../../src/api/codec.js';
import { toMimeAsync } from '../../src/api/external.js';
import { Output } from '../../src/core/output.js';
import { blankFacts, csvRow, FactsSink, type MessageFacts, type RunningHash } from '../../src/archive/facts.js';
import { StoreSink, storeHash, storeUri, type BodyStore } from '../../src/archive/store.js';
import type { ReadableStats } from '../../src/encode/readable-stage.js';

const te = new TextEncoder();
const hash = (alg: 'sha256' | 'sha1'): RunningHash => {
  const h = createHash(alg);
  return { update: (d) => h.update(d), digest: () => h.digest('hex') };
};
const hex = (b: Uint8Array, alg = 'sha256') => createHash(alg).update(b).digest('hex');

/** Encodes through the facts stage (and the store stage when given); returns the document and the facts. */
function encode(mime: Uint8Array, store?: BodyStore): { xml: string; facts: MessageFacts } {
  const out = new Output(null, 1 << 16);
  const stats: ReadableStats = { textParts: 0, readableParts: 0 };
  let facts: MessageFacts | null = null;
  const tok = encoderInto(out, { stats }, (next) => new FactsSink(store ? new StoreSink(next, store) : next, blankFacts('x', 1, 'x.xml'), hash, stats, (f) => (facts = f)));
  tok.push(mime);
  tok.end();
  return { xml: new TextDecoder().decode(out.take()), facts: facts! };
}

function memoryStore(minBytes: number): BodyStore & { blobs: Map<string, Uint8Array> } {
  const blobs = new Map<string, Uint8Array>();
  return {
    minBytes,
    blobs,
    begin() {
      const parts: Uint8Array[] = [];
      return {
        write: (d, s, e) => void parts.push(d.slice(s, e)),
        end: () => {
          const all = new Uint8Array(Buffer.concat(parts));
          const h = hex(all);
          blobs.set(h, all);
          return h;
        },
      };
    },
  };
}

describe('FactsSink', () => {
  it('a multipart message: hashes of its exact bytes, decoded fields, parts, attachments, anomalies', () => {
    const m = te.encode(
      'From: =?ISO-8859-1?Q?Andr=E9?= <a@example.org>\r\nTo: b@example.org, c@example.org\r\nCc: d@example.org\r\nSubject: =?UTF-8?B?w6l0w6k=?=\r\nDate: Tue, 2 Jan 2024 03:04:05 -0800\r\nMessage-ID: <id-1@example.org>\r\nX-Note: caf\xe9\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nhi\rthere\r\n--z\r\nContent-Type: image/png; name=p.png\r\n\r\nPNG\r\n--z\r\nContent-Disposition: attachment\r\n\r\nx\r\n',
    );
    const bytes = m; // X-Note holds é as UTF-8: bytes above 0x7F in a header
    const { xml, facts } = encode(bytes);
    expect(xml).toBe(toXml(bytes, { stats: { textParts: 0, readableParts: 0 } })); // the stage changes nothing
    expect(facts).toMatchObject({
      length: bytes.length, sha256: hex(bytes), sha1: hex(bytes, 'sha1'), messageId: 'id-1@example.org', date: '2024-01-02T03:04:05-08:00',
      from: 'André <a@example.org>', to: 'b@example.org, c@example.org', cc: 'd@example.org', subject: 'été', parts: 3, attachments: 2, textParts: 2,
    });
    expect([...facts.anomalies].sort()).toEqual(['8bit-header', 'bare-cr', 'no-close-delimiter']);
  });

  it('the mbox separator line is not part of the message as delivered', () => {
    const msg = 'Subject: s\n\nbody\n';
    const { facts } = encode(te.encode(`From a@b Mon Jan  1 00:00:00 2024\n${msg}`));
    expect([facts.sha256, facts.length]).toEqual([hex(te.encode(msg)), msg.length]);
    expect(facts.anomalies).toEqual(['no-message-id', 'no-date']);
  });

  it('any bytes: the document is the plain encoder\'s, the hash the input\'s (no separator line)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        if (b.length >= 5 && new TextDecoder('latin1').decode(b.subarray(0, 5)) === 'From ') return;
        const { xml, facts } = encode(b);
        expect(xml).toBe(toXml(b, { stats: { textParts: 0, readableParts: 0 } }));
        expect(facts.sha256).toBe(hex(b));
      }),
      { numRuns: 300 },
    );
  });

  it('CSV quoting (RFC 4180)', () => {
    expect(csvRow(['a', 'b,c', 'd"e', ' f', 3])).toBe('a,"b,c","d""e"," f",3\r\n');
  });
});

describe('StoreSink', () => {
  it('bodies over the threshold become <external> and decode back through the store to the same bytes', async () => {
    const big = 'A'.repeat(5000);
    const m = te.encode(`Content-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: application/pdf\n\n${big}\n--z\n\nsmall\n--z\n\n${big}\n--z--\n`);
    const store = memoryStore(1000);
    const { xml } = encode(m, store);
    expect(store.blobs.size).toBe(1); // one copy of the two equal bodies
    const h = [...store.blobs.keys()][0];
    expect(xml.match(/<external [^>]*>/g)).toEqual([
      `<external uri="${storeUri(h)}" size="5000" sha256="${h}" type="application/pdf"/>`,
      `<external uri="${storeUri(h)}" size="5000" sha256="${h}" type="text/plain"/>`,
    ]);
    expect(xml).toContain('small');
    const back = await toMimeAsync(xml, { resolve: async (uri) => store.blobs.get(storeHash(uri)!)! });
    expect(Buffer.from(back).equals(Buffer.from(m))).toBe(true);
  });

  it('any message round-trips through the store, whatever the threshold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 800 }), fc.nat(200), async (b, min) => {
        const store = memoryStore(min);
        const { xml } = encode(b, store);
        const back = await toMimeAsync(xml, { resolve: async (uri) => store.blobs.get(storeHash(uri)!)! });
        expect(Buffer.from(back).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('store URIs: only cid:sha256+64 hex@bob.xmpp.org names a body', () => {
    const h = 'a'.repeat(64);
    expect(storeHash(storeUri(h))).toBe(h);
    for (const u of [`cid:sha256+${h}@bob.xmpp.org/..`, `cid:sha256+${h.slice(1)}@bob.xmpp.org`, 'cid:../x', `https://x/${h}`, `CID:sha256+${h}@bob.xmpp.org`]) expect(storeHash(u)).toBeNull();
  });
});
