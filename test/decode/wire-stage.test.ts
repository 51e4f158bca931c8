/**
 * The readable stage (encoder) and the wire stage (decoder) are mirrors:
 * the events the readable stage makes of MIME (views, characters), replayed
 * into the wire stage and the MIME writer, give back the MIME.
 */
import { describe, expect, it } from 'vitest';
import { type ErrorCode, XmimeError } from '../../src/core/errors.js';
import { Output } from '../../src/core/output.js';
import { MimeWriter } from '../../src/decode/mime-writer.js';
import type { Reporter } from '../../src/decode/reporter.js';
import { WireStage } from '../../src/decode/wire-stage.js';
import { MimeTokenizer } from '../../src/encode/mime-tokenizer.js';
import { ReadableStage } from '../../src/encode/readable-stage.js';
import { Kind, newAttrs } from '../../src/xmime/events.js';
import { split, utf8 } from '../support/helpers.js';
import { Recorder, replay } from '../support/recorder.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Errors at a fixed offset (the stage asks where it is when it opens an element). */
const reporter = (at: number): Reporter => ({
  here: () => at,
  offsetOf: () => at,
  error: (code: ErrorCode, detail: string, where: number) => new XmimeError(code, detail, where, 1, where + 1, ''),
  fail(code: ErrorCode, detail: string, where: number): never {
    throw this.error(code, detail, where);
  },
});

function readable(mail: Uint8Array, sizes = [mail.length || 1]): Recorder {
  const rec = new Recorder();
  const tok = new MimeTokenizer(new ReadableStage(rec));
  for (const c of split(mail, sizes)) tok.push(c);
  tok.end();
  return rec;
}

function wire(rec: Recorder): Uint8Array {
  const out = new Output(null);
  replay(rec.events, new WireStage(new MimeWriter(out), reporter(0)));
  return out.take();
}

const mail = utf8(
  'From: =?utf-8?q?J=C3=B6rg?= <j@example.de>, Team: a@x.org, "B. C." <b@x.org>;\r\n' +
    'Date: Mon, 1 Jan 2024 10:00:00 +0100\r\nMessage-ID: <1@x>\r\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n' +
    'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nS=FC=DF\r\nzwei =\r\nZeilen\r\n',
);

describe('readable stage ⇄ wire stage', () => {
  it('turns fields into view events and a text body into characters', () => {
    const lines = readable(mail).lines();
    expect(lines).toContain('mailbox name="Jörg" addr="j@example.de"');
    expect(lines).toContain('group name="Team"');
    expect(lines).toContain('mailbox name="B. C." addr="b@x.org"');
    expect(lines).toContain('chars "2024-01-01T10:00:00+01:00"');
    expect(lines).toContain('chars "1@x"');
    expect(lines.slice(lines.indexOf('header name="Subject" sep=": " end=crlf'))).toEqual(expect.arrayContaining(['raw', 'text "=?ISO-8859-1?Q?Gr=FC=DFe?="', 'decoded', 'chars "Grüße"']));
    expect(lines).toContain('text charset=iso-8859-1 transfer=quoted-printable eol=crlf');
    expect(lines).toContain('chars "Süß\\r\\nzwei Zeilen\\r\\n"');
  });

  it('the wire stage gives the bytes back from those events, whatever the chunking', () => {
    for (const sizes of [[mail.length], [1], [5, 3]]) expect(hex(wire(readable(mail, sizes)))).toBe(hex(mail));
  });

  it('reports a view that has no wire form at the element, and a character the charset lacks at <text>', () => {
    const a = newAttrs();
    a.name = utf8('Date');
    a.sep = utf8(': ');
    const stage = new WireStage(new MimeWriter(new Output(null)), reporter(42));
    stage.open(Kind.Mime, a);
    stage.open(Kind.Header, a);
    stage.open(Kind.Date, a);
    stage.chars('not a date');
    stage.close(Kind.Date);
    let err: unknown;
    try {
      stage.close(Kind.Header);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XmimeError);
    expect([(err as XmimeError).code, (err as XmimeError).offset]).toEqual(['xmime-view', 42]);

    const rec = readable(mail);
    const i = rec.events.findIndex((e) => 'chars' in e && e.chars.startsWith('Süß'));
    rec.events[i] = { chars: 'Süß \u4e00' }; // not in ISO-8859-1
    expect(() => wire(rec)).toThrow(expect.objectContaining({ code: 'xmime-charset' }));
  });
});

describe('the MIME writer alone', () => {
  it('refuses characters: only the wire stage turns them into bytes', () => {
    // A guard against wiring the writer without the wire stage in front (mutation testing found it untested).
    expect(() => new MimeWriter(new Output(null)).chars()).toThrow('MimeWriter takes bytes: put the wire stage in front of it');
  });
});
