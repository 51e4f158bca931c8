/**
 * The xmpp.js 0.14 input bug that session.ts works around: each TCP read is
 * decoded on its own, so a character split between reads is lost. If the
 * first test starts failing, xmpp.js fixed it and decodeUtf8AcrossReads can go.
 */
import { client } from '@xmpp/client';
import { describe, expect, it } from 'vitest';
import { decodeUtf8AcrossReads } from './session.js';

function feedSplit(x: any): string {
  let got = '';
  x.parser = { write: (s: string) => (got += s) };
  const bytes = Buffer.from('<body>\uF70D€</body>'); // an XMIME escape and a euro sign, 3 bytes each
  const cut = bytes.indexOf(0xe2) + 1; // inside the euro sign
  x._onData(bytes.subarray(0, cut));
  x._onData(bytes.subarray(cut));
  return got;
}

describe('xmpp.js input decoding', () => {
  it('unpatched @xmpp/client turns a character split between reads into U+FFFD', () => {
    const got = feedSplit(client({ service: 'xmpp://127.0.0.1:1', domain: 'localhost' }));
    expect(got).not.toContain('€');
    expect(got).toContain('\uFFFD');
  });

  it('decodeUtf8AcrossReads keeps it', () => {
    const x = decodeUtf8AcrossReads(client({ service: 'xmpp://127.0.0.1:1', domain: 'localhost' }) as any);
    expect(feedSplit(x)).toBe('<body>\uF70D€</body>');
  });
});
