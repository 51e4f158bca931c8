/**
 * The tree API (src/api/message.ts): reading headers, parts, text and
 * attachments; writing back unchanged byte for byte; edits that regenerate
 * only the edited piece, shown on signed mail.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from '../../src/api/message.js';
import { toXml } from '../../src/api/codec.js';
import { corpusDir, firstDiff, ROOT, utf8, walk } from '../support/helpers.js';
import { decodeRef, MULTI, readWhatwg, SINGLE } from '../../scripts/charset-reference.mjs';

/** WHATWG label → encoding name (lower case). */
const LABEL = new Map<string, string>(
  (JSON.parse(readWhatwg('encodings.json')) as { encodings: { name: string; labels: string[] }[] }[]).flatMap((g) => g.encodings.flatMap((e) => e.labels.map((l): [string, string] => [l, e.name.toLowerCase()]))),
);

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const crlf = (...lines: string[]) => utf8(lines.join('\r\n'));

const alternative = crlf(
  'From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>, Team: a@example.org, b@example.org;',
  'To: alex@example.net',
  'Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?=',
  'Date: Sat, 21 Nov 2026 09:00:00 +0100',
  'Received: from a by b; Sat, 21 Nov 2026 09:00:01 +0100',
  'Received: from c by d; Sat, 21 Nov 2026 09:00:02 +0100',
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary=alt',
  '',
  '--alt',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Gr=FC=DFe!',
  '--alt',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Grüße!</p>',
  '--alt--',
  '',
  '--outer',
  'Content-Type: application/octet-stream',
  "Content-Disposition: attachment; filename*=UTF-8''K%C3%BCche.bin",
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from([0, 1, 2, 250, 255]).toString('base64'),
  '--outer--',
  '',
);

describe('parse: reading', () => {
  // Parsed in each test, not while the file loads: StrykerJS counts code run outside a test as "static".
  let m: ReturnType<typeof parse>;
  beforeEach(() => {
    m = parse(alternative);
  });

  it('headers: decoded text, all values, addresses with groups flattened, views', () => {
    expect(m.headers.get('SUBJECT')).toBe('Grüße aus Köln');
    expect(m.headers.getAll('received')).toEqual(['from a by b; Sat, 21 Nov 2026 09:00:01 +0100', 'from c by d; Sat, 21 Nov 2026 09:00:02 +0100']);
    expect(m.headers.addresses('from')).toEqual([{ name: 'Jörg', addr: 'joerg@example.de' }, { addr: 'a@example.org' }, { addr: 'b@example.org' }]);
    expect(m.headers.view('date')).toEqual({ kind: 'date', iso: '2026-11-21T09:00:00+01:00' });
    expect(m.headers.get('x-missing')).toBeUndefined();
    expect(m.headers.names()).toEqual(['From', 'To', 'Subject', 'Date', 'Received', 'Received', 'Content-Type']);
  });

  it('parts, text, html and attachments', () => {
    expect(m.type).toBe('multipart/mixed');
    expect(m.parts.map((p) => p.type)).toEqual(['multipart/alternative', 'application/octet-stream']);
    expect(m.text).toBe('Grüße!');
    expect(m.html).toBe('<p>Grüße!</p>');
    const [a] = m.attachments();
    expect([a.filename, a.type, [...a.bytes]]).toEqual(['Küche.bin', 'application/octet-stream', [0, 1, 2, 250, 255]]);
  });

  it('a message that is one attachment (single part, not text or marked so) is its own attachment; an empty one has none', () => {
    const pdf = parse(utf8('Content-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n'));
    expect(pdf.attachments().map((a) => [a.filename, a.type, new TextDecoder().decode(a.bytes)])).toEqual([['a.pdf', 'application/pdf', '%PDF']]);
    const marked = parse(utf8('Content-Type: text/plain\r\nContent-Disposition: attachment; filename=n.txt\r\n\r\nnotes\r\n'));
    expect(marked.text).toBeUndefined();
    expect(marked.attachments().map((a) => [a.filename, new TextDecoder().decode(a.bytes)])).toEqual([['n.txt', 'notes\r\n']]);
    expect(parse(utf8('Content-Type: text/plain\r\n\r\nhi\r\n')).attachments()).toEqual([]);
    expect(parse(utf8('Content-Type: application/pdf\r\n\r\n')).attachments()).toEqual([]);
  });

  it('the same tree from MIME bytes and from XMIME text', () => {
    const fromXml = parse(toXml(alternative));
    expect(fromXml.toXml()).toBe(m.toXml());
    expect(fromXml.toMime()).toEqual(alternative);
  });
});

/** Labels of windows-1252 that promise US-ASCII (spec §7.4.2 step 2). */
const ASCII_LABELS = ['us-ascii', 'ascii', 'ansi_x3.4-1968', 'ansi-x3.4-1968', 'ansi_x3.4-1986', 'iso646-us', 'us', 'cp367', 'ibm367', 'iso-ir-6', 'csascii', 'iso_646.irv:1991'];

/**
 * The text of body bytes `d` under charset label `label`, as spec §7.4.2 step 2 says (null: no
 * view), written from the spec: labels by Node's TextDecoder, UTF-8 by it too, legacy charsets by
 * the WHATWG index files; undefined for the few charsets neither covers (UTF-16, ISO-2022-JP, UTF-7).
 */
function specText(label: string | undefined, d: Uint8Array): string | null | undefined {
  const L = label?.replace(/^[\t-\r \u00a0]+|[\t-\r \u00a0]+$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
  // Labels by the WHATWG encodings.json (Node's small ICU lacks some, e.g. iso-8859-16).
  const E0 = L === undefined ? undefined : LABEL.get(L === 'utf8' ? 'utf-8' : L);
  if (L !== undefined && /utf-7/.test(L)) return undefined; // UTF-7 (spec §7.4.3, not WHATWG): no reference here
  let E: string | null = E0 ?? null;
  if (E === 'replacement' || E === 'x-user-defined') E = null;
  const decode = (enc: string): string | null => {
    try {
      return new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(d);
    } catch {
      return null;
    }
  };
  const high = d.some((c) => c > 0x7f);
  if (E === null || E === 'utf-8' || ASCII_LABELS.includes(L!) || (!high && !['iso-2022-jp', 'utf-16le', 'utf-16be'].includes(E))) {
    const t = decode('utf-8');
    if (t !== null) return t;
  }
  // Legacy charsets by the WHATWG index files (scripts/charset-reference.mjs), not Node's ICU, which departs from them.
  const legacy = (enc: string): string | null | undefined => (SINGLE.includes(enc) || MULTI.includes(enc) ? decodeRef(enc, d) : undefined);
  if (E !== null && E !== 'utf-8') return legacy(E);
  if (E === null) return legacy('windows-1252');
  return null;
}

describe('parse: writing back unchanged', () => {
  const dir = corpusDir();
  const files = [...walk(join(ROOT, 'fixtures')).filter((f) => f.endsWith('.eml')), ...(dir === null ? [] : walk(dir).filter((f) => /\.(eml|mbox)$/.test(f)))];

  it(`every fixture and corpus mail (${files.length}) comes back byte-exact, and its text reads the same both ways`, () => {
    const bad: string[] = [];
    let compared = 0;
    for (const f of files) {
      const b = new Uint8Array(readFileSync(f));
      const m = parse(b);
      if (firstDiff(m.toMime(), b) >= 0) bad.push(`${f}: not byte-exact`);
      // Two roads to a text part's text: the readable <text> view the encoder wrote, and the part's
      // raw body bytes (content(): transfer encoding removed) decoded here, by spec §7.4.2 step 2.
      for (const leaf of m.leaves()) {
        if (!leaf.type.startsWith('text/') || !leaf.node.kids.some((k) => k.name === 'text')) continue;
        const v = leaf.headers.view('content-type');
        const want = specText(v?.kind === 'media' ? v.params.find((p) => p.name === 'charset')?.value : undefined, leaf.content());
        if (want === undefined) continue;
        compared++;
        if (leaf.bodyText() !== want?.replace(/\r\n?/g, '\n')) bad.push(`${f}: a ${leaf.type} part's <text> differs from its bytes decoded by §7.4.2`);
      }
      // text and html: the first leaf of that type not marked "Content-Disposition: attachment".
      const marked = (e: (typeof m.leaves extends () => (infer E)[] ? E : never)) => {
        const d = e.headers.view('content-disposition');
        return d?.kind === 'media' && d.value === 'attachment';
      };
      expect(m.text, f).toBe(m.leaves().find((e) => e.type === 'text/plain' && !marked(e))?.bodyText());
      expect(m.html, f).toBe(m.leaves().find((e) => e.type === 'text/html' && !marked(e))?.bodyText());
      for (const a of m.attachments()) expect(firstDiff(a.bytes, a.part.content()), f).toBe(-1);
    }
    expect(bad).toEqual([]);
    // Measured: 1,399 <text> parts compared with the corpus, 96 with the fixtures alone.
    expect(compared).toBeGreaterThanOrEqual(dir === null ? 96 : 1398); // one UTF-7 body (ascii_in_utf7) stays bytes since issue 16
  });
});

describe('parse: edits regenerate only what was edited', () => {
  // A signed part (a real RSA signature over its exact bytes, standing in for
  // S/MIME or PGP/MIME) inside a message a mailing list then adds a footer to.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signedPart = crlf('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', 'Vertraulich: 3 =C3=84pfel.', '');
  const signature = sign('sha256', signedPart, privateKey).toString('base64').replace(/.{76}/g, '$&\r\n');
  const mail = utf8(
    [
      'From: Jo <jo@example.org>',
      'Subject: signed',
      'Content-Type: multipart/mixed; boundary=list',
      '',
      '--list',
      'Content-Type: multipart/signed; boundary=sig; protocol="application/x-test-signature"',
      '',
      '--sig',
      latin1(signedPart) + '--sig',
      'Content-Type: application/x-test-signature',
      'Content-Transfer-Encoding: base64',
      '',
      signature,
      '--sig--',
      '',
      '--list',
      'Content-Type: text/plain',
      '',
      'Mailing list footer',
      '--list--',
      '',
    ].join('\r\n'),
  );
  /** The bytes of the signed part: between the first "--sig" line and the next delimiter. */
  const signedBytes = (b: Uint8Array): Buffer => {
    const s = latin1(b);
    const from = s.indexOf('--sig\r\n') + 7;
    return Buffer.from(s.slice(from, s.indexOf('\r\n--sig', from) + 2), 'latin1');
  };
  const verifies = (b: Uint8Array) => verify('sha256', signedBytes(b), publicKey, Buffer.from(latin1(b).split('Content-Transfer-Encoding: base64\r\n\r\n')[1].split('--sig--')[0], 'base64'));

  it('the test signature verifies on the original', () => {
    expect(signedBytes(mail).equals(Buffer.from(signedPart))).toBe(true);
    expect(verifies(mail)).toBe(true);
  });

  it('a header edit changes that field only', () => {
    const m = parse(mail);
    m.headers.set('Subject', 'Re: signiert — geprüft');
    const out = m.toMime();
    expect(latin1(out)).toBe(latin1(mail).replace('Subject: signed', 'Subject: Re: signiert =?UTF-8?B?4oCUIGdlcHLDvGZ0?='));
    expect(parse(out).headers.get('subject')).toBe('Re: signiert — geprüft');
    expect(verifies(out)).toBe(true);
  });

  it('a part edit regenerates that part only; the signed part still verifies', () => {
    const m = parse(mail);
    const footer = m.parts[1];
    footer.setText('Neue Fußzeile\nZeile zwei\n');
    m.headers.add('X-List', 'edited');
    const out = m.toMime();
    expect(verifies(out)).toBe(true);
    const s = latin1(out), o = latin1(mail);
    expect(s.slice(0, s.indexOf('--list\r\nContent-Type: text/plain; charset=utf-8'))).toBe(o.slice(0, o.lastIndexOf('--list\r\n')).replace('\r\n\r\n--list', '\r\nX-List: edited\r\n\r\n--list'));
    const back = parse(out);
    expect(back.parts[1].text).toBe('Neue Fußzeile\nZeile zwei\n');
    expect(back.parts[1].headers.get('content-transfer-encoding')).toBe('quoted-printable');
  });

  it('a new text never collides with the enclosing boundary', () => {
    const m = parse(mail);
    m.parts[1].setText('--list\nlooks like a delimiter\n');
    const back = parse(m.toMime());
    expect(back.parts.map((p) => p.type)).toEqual(['multipart/signed', 'text/plain']);
    expect(back.parts[1].text).toBe('--list\nlooks like a delimiter\n');
    expect(verifies(m.toMime())).toBe(true);
  });

  it('an LF message stays LF where it is not edited, and the edited part uses LF too', () => {
    const lf = utf8('Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n--b--\n');
    const m = parse(lf);
    m.parts[1].setText('zwei\n');
    const out = latin1(m.toMime());
    expect(out).not.toContain('\r');
    expect(out.startsWith('Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n')).toBe(true);
    expect(parse(utf8(out)).parts[1].text).toBe('zwei\n');
  });

  it('a structured value given as text is parsed into a view, and bad ones are refused', () => {
    const m = parse(mail);
    m.headers.set('To', 'Ana <ana@example.org>, bo@example.org');
    expect(m.headers.addresses('to')).toEqual([{ name: 'Ana', addr: 'ana@example.org' }, { addr: 'bo@example.org' }]);
    expect(() => m.headers.set('Date', { kind: 'date', iso: 'yesterday' })).toThrow(RangeError);
    m.headers.remove('to');
    expect(m.headers.get('to')).toBeUndefined();
  });
});

describe('parse: review regressions', () => {
  it('setText keeps the other fields exactly, odd separators and missing line endings included', () => {
    for (const src of ['Subject:x\r\nX-Y:\r\nX-Z :  z\r\n\r\nold', 'X-A: y\nSubject: x\r\n\r\nold']) {
      const m = parse(utf8(src));
      m.setText('new text');
      const out = latin1(m.toMime());
      const head = src.slice(0, src.search(/\r?\n\r?\n/));
      expect(out.startsWith(head)).toBe(true);
      expect(parse(utf8(out)).text).toBe('new text');
    }
  });

  it('setText keeps clear of every enclosing boundary, not only the nearest', () => {
    const mail = crlf('Content-Type: multipart/mixed; boundary=outer', '', '--outer', 'Content-Type: multipart/alternative; boundary=inner', '', '--inner', '', 'old', '--inner--', '--outer', '', 'second', '--outer--', '');
    const m = parse(mail);
    m.parts[0].parts[0].setText('line one\n--outer--\nline three\n');
    const back = parse(m.toMime());
    expect(back.leaves().map((e) => e.text)).toEqual(['line one\n--outer--\nline three\n', 'second']);
  });

  it('adding a field after one without a line ending ends that line first', () => {
    const m = parse(utf8('Subject: a'));
    m.headers.add('To', 'b@example.org');
    expect(latin1(m.toMime())).toBe('Subject: a\r\nTo: b@example.org\r\n');
  });

  it('a set value that XML text cannot hold as a view is written as its rendering', () => {
    const m = parse(utf8('Subject: x\r\n\r\nhi'));
    m.headers.set('Subject', 'a\x01b');
    m.headers.set('From', { kind: 'addresses', list: [{ name: 'a\x1bb', addr: 'a@example.org' }] });
    const out = m.toMime();
    expect(latin1(out)).toBe('Subject: =?UTF-8?B?YQFi?=\r\nFrom: =?UTF-8?B?YRti?= <a@example.org>\r\n\r\nhi');
    expect(parse(out).headers.get('subject')).toBe('a\x01b');
  });

  it('a string that is not XMIME is an XmimeError with a position, before any accessor runs', () => {
    expect(() => parse('<mime xmlns="urn:xmpp:xmime:0"><headers><header/></headers></mime>')).toThrow(/xmime-missing-attribute at 1:41/);
    expect(() => parse('<other/>')).toThrow(/xmime-namespace/);
  });

  it('an empty text part reads as empty text', () => {
    expect(parse(utf8('Content-Type: text/plain\r\n\r\n')).text).toBe('');
  });
});
