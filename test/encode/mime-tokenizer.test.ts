/**
 * The MIME tokenizer: boundaries as spec §9.4 reads them, and linear time on
 * input fed a byte at a time.
 */
import { describe, expect, it } from 'vitest';
import { toMime, toXml } from '../../src/api/codec.js';
import { encodeChunks, split, text, timeRatio, utf8 } from '../support/helpers.js';
import { Recorder, replay } from '../support/recorder.js';
import { MimeTokenizer } from '../../src/encode/mime-tokenizer.js';
import { MimeWriter } from '../../src/decode/mime-writer.js';
import { Output } from '../../src/core/output.js';
import { Kind } from '../../src/xmime/events.js';
import { isTextBody, mediaTypeOf } from '../../src/encode/entity-types.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('MIME tokenizer', () => {
  it('a long dash line awaiting input is not rescanned on every push', () => {
    const mail = (dash: string) => utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n' + `${dash}${'x'.repeat(16_000)}\r\n`.repeat(20) + '--b--\r\n');
    const withDash = mail('--'), without = mail('xx');
    expect(timeRatio(() => encodeChunks(split(without, [1])), () => encodeChunks(split(withDash, [1])), 5)).toBeLessThan(5);
    expect(text(encodeChunks(split(withDash, [1])))).toBe(toXml(withDash));
  });

  it('a quoted boundary ending in an escaped quote keeps the quote (spec §9.4)', () => {
    const b = utf8('Content-Type: multipart/mixed; boundary="ab\\"\r\n\r\n--ab"\r\n\r\nx\r\n--ab"--\r\n');
    expect(toXml(b)).toContain('<multipart boundary="ab&quot;">');
    expect(hex(toMime(toXml(b)))).toBe(hex(b));
  });
});

describe('MIME tokenizer events (recorded)', () => {
  const mail = utf8('From foo@bar Mon Jan  1 00:00:00 2024\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b \r\nX:1\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\nepi');

  it('gives one event per construct, each with the bytes it stands for', () => {
    const rec = new Recorder();
    const tok = new MimeTokenizer(rec);
    tok.push(mail);
    tok.end();
    expect(rec.lines()).toEqual([
      'mime eol=crlf',
      'from-line end=crlf', 'text "foo@bar Mon Jan  1 00:00:00 2024"', '/from-line',
      'headers end=crlf',
      'header name="Subject" sep=": " end=crlf', 'text "hi"', '/header',
      'header name="Content-Type" sep=": " end=crlf', 'text "multipart/mixed; boundary=b"', '/header',
      '/headers',
      'multipart boundary="b"',
      'preamble', 'text "pre"', '/preamble',
      'part before=crlf after=crlf pad=" "',
      'headers end=crlf', 'header name="X" sep=":" end=crlf', 'text "1"', '/header', '/headers',
      'body', 'text "one"', '/body', '/part',
      'part before=crlf after=crlf',
      'headers end=crlf', '/headers',
      'body', 'text "two"', '/body', '/part',
      'epilogue before=crlf after=crlf', 'text "epi"', '/epilogue',
      '/multipart', '/mime',
    ]);
  });

  it('gives the same events in any chunking, and the MIME writer (its mirror) writes the input back from them', () => {
    const whole = new Recorder();
    const t0 = new MimeTokenizer(whole);
    t0.push(mail);
    t0.end();
    for (const sizes of [[1], [2, 3], [7], [64]]) {
      const rec = new Recorder();
      const tok = new MimeTokenizer(rec);
      for (const c of split(mail, sizes)) tok.push(c);
      tok.end();
      expect(rec.lines()).toEqual(whole.lines());
    }
    const out = new Output(null);
    replay(whole.events, new MimeWriter(out));
    expect(hex(out.take())).toBe(hex(mail));
  });
});

describe('MIME tokenizer: the body type on the Body event (the one parse of Content-Type and Content-Transfer-Encoding)', () => {
  /** Each Body event's `body`, in order. */
  function bodyTypes(mail: string) {
    const rec = new Recorder();
    const tok = new MimeTokenizer(rec);
    tok.push(utf8(mail));
    tok.end();
    return rec.events.flatMap((e) => ('open' in e && e.a.body !== null && e.open === Kind.Body ? [e.a.body] : []));
  }

  it('gives the first field of each kind, the charset byte for byte, and null where there was none', () => {
    expect(bodyTypes('Content-Type: Text/HTML; CHARSET="iso-8859-1"\nContent-Type: image/png\nContent-Transfer-Encoding: (c) Quoted-Printable\nContent-Transfer-Encoding: base64\n\nx')).toEqual([
      { type: 'text/html', charset: 'iso-8859-1', cte: 'quoted-printable', inDigest: false },
    ]);
    expect(bodyTypes('Subject: s\n\nx')).toEqual([{ type: null, charset: null, cte: null, inDigest: false }]);
    // Unparseable: '' (text, RFC 2045 §5.2), not null (no field: the default by context).
    expect(bodyTypes('Content-Type: nonsense\n\nx')).toEqual([{ type: '', charset: null, cte: null, inDigest: false }]);
    // A charset's bytes are not decoded as anything: one character per byte, in Node and in browsers alike.
    expect(bodyTypes('Content-Type: text/plain; charset=\u00e9\n\nx')[0].charset).toBe('\u00c3\u00a9');
  });

  it('marks the parts of a digest, whose default type is message/rfc822, and only those', () => {
    const digest = 'Content-Type: multipart/digest; boundary=d\n\n--d\nContent-Type: text/plain\n\na\n--d\n\nFrom: x\n\nb\n--d--\n';
    expect(bodyTypes(digest)).toEqual([
      { type: 'text/plain', charset: null, cte: null, inDigest: true },
      // the part without a Content-Type is a message; its own body is not in the digest
      { type: null, charset: null, cte: null, inDigest: false },
    ]);
    const mixed = digest.replace('digest', 'mixed');
    expect(bodyTypes(mixed).map((t) => t.inDigest)).toEqual([false, false]);
  });

  it('decides text bodies for the readable stage and media types for out-of-band bodies', () => {
    const t = (type: string | null, inDigest = false) => ({ type, charset: null, cte: null, inDigest });
    expect([t('text/plain'), t(''), t(null), t(null, true), t('image/png'), t('multipart/mixed')].map(isTextBody)).toEqual([true, true, true, false, false, false]);
    expect([t(null), t(null, true), t(''), t('image/png')].map(mediaTypeOf)).toEqual(['text/plain', 'message/rfc822', '', 'image/png']);
  });
});
