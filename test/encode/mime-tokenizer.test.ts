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
