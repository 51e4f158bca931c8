/** Wrong input types fail loudly with a TypeError that says what to pass, in every entry point. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import {
  compose,
  Decoder,
  Encoder,
  fromElement,
  fromLtx,
  MimeToXmlStream,
  parse,
  toElement,
  toLtx,
  toMime,
  toMimeAsync,
  toXml,
  toXmlAsync,
  XmlToMimeStream,
  MailboxDecoder,
  MboxEncoder,
  MboxToXmlStream,
  mboxToXml,
  parseMailbox,
  xmlToMbox,
} from '../../src/index.js';
import { concat } from '../../src/core/bytes.js';
import { createDecodeStream, createEncodeStream } from '../../src/node/index.js';
import { ROOT } from '../support/helpers.js';

const TEXT = 'Subject: hi\r\n\r\nHello\r\n';
const MIME = new TextEncoder().encode(TEXT);
const DOC = toXml(MIME);
const BYTES_HINT = /Uint8Array.*TextEncoder|TextEncoder.*Uint8Array/s;

async function drain(s: ReadableStream<Uint8Array>): Promise<void> {
  const r = s.getReader();
  while (!(await r.read()).done);
}

describe('a string where MIME bytes are meant is a TypeError, never NUL bytes', () => {
  it('toXml', () => {
    expect(() => toXml(TEXT as never)).toThrow(TypeError);
    expect(() => toXml(TEXT as never)).toThrow(BYTES_HINT);
    expect(() => toXml(undefined as never)).toThrow(/toXml.*Uint8Array, not undefined/);
    expect(() => toXml([1, 2] as never)).toThrow(/not a Array/);
    expect(() => toXml(MIME, null as never)).toThrow(/options must be an object/);
  });
  it('Encoder and its push', () => {
    expect(() => new Encoder('x' as never)).toThrow(/onChunk must be a function/);
    const enc = new Encoder(() => {});
    expect(() => enc.push(TEXT as never)).toThrow(/Encoder.push.*Uint8Array.*not a string/);
  });
  it('MimeToXmlStream', async () => {
    const src = new ReadableStream({ start: (c) => (c.enqueue(TEXT), c.close()) });
    await expect(drain(src.pipeThrough(new MimeToXmlStream() as never))).rejects.toThrow(/MimeToXmlStream.*not a string/);
  });
  it('toElement, toLtx, toXmlAsync', async () => {
    const doc = new DOMParser().parseFromString('<x/>', 'text/xml');
    expect(() => toElement(doc as never, TEXT as never)).toThrow(/toElement.*not a string/);
    expect(() => toElement(null as never, MIME)).toThrow(/doc must be a DOM Document/);
    expect(() => toLtx(TEXT as never, xml)).toThrow(/toLtx.*not a string/);
    expect(() => toLtx(MIME, 'x' as never)).toThrow(/xml must be a function/);
    await expect(toXmlAsync(TEXT as never, { maxInlineBytes: 1000, upload: async () => 'https://x/' })).rejects.toThrow(TypeError);
    await expect(toXmlAsync(MIME, { maxInlineBytes: 1000 } as never)).rejects.toThrow(/options.upload must be a function/);
  });
  it('createEncodeStream refuses objects (Node itself turns a string into its UTF-8 bytes)', () => {
    expect(() => createEncodeStream().write({} as never)).toThrow(TypeError);
  });
  it('an ArrayBuffer is taken as its bytes (unambiguous)', () => {
    expect(toXml(MIME.slice().buffer as never)).toBe(DOC);
  });
});

describe('XMIME input: a string or UTF-8 bytes', () => {
  it('toMime, Decoder.push, XmlToMimeStream, compose, toMimeAsync', async () => {
    expect(() => toMime(undefined as never)).toThrow(/toMime.*string or as UTF-8 bytes.*not undefined/);
    expect(() => toMime({} as never)).toThrow(TypeError);
    expect(() => new Decoder(() => {}).push(42 as never)).toThrow(/Decoder.push.*not number/);
    const src = new ReadableStream({ start: (c) => (c.enqueue({}), c.close()) });
    await expect(drain(src.pipeThrough(new XmlToMimeStream() as never))).rejects.toThrow(/XmlToMimeStream.*not an object/);
    expect(() => compose(null as never)).toThrow(/compose.*not null/);
    await expect(toMimeAsync(7 as never, { resolve: async () => MIME })).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode(toMime(new TextEncoder().encode(DOC).buffer as never))).toBe(TEXT);
  });
  it('fromElement, fromLtx', () => {
    expect(() => fromElement(undefined as never)).toThrow(/fromElement.*el must be an element/);
    expect(() => fromLtx('<mime/>' as never)).toThrow(/fromLtx.*not a string/);
  });
  it('createDecodeStream refuses objects', () => {
    expect(() => createDecodeStream().write(42 as never)).toThrow(TypeError);
  });
});

describe('parse: bytes are MIME, a string is XMIME', () => {
  it('a message read as text (not starting with "<") is a TypeError that says to pass bytes', () => {
    const eml = readFileSync(join(ROOT, 'fixtures', 'sam.eml'), 'utf8');
    expect(() => parse(eml)).toThrow(TypeError);
    expect(() => parse(eml)).toThrow(/readFileSync\(path\) without an encoding/);
    expect(() => parse(42 as never)).toThrow(/parse\(input\).*not number/);
  });
  it('XMIME strings (with a BOM or leading white space) and bytes still parse', () => {
    expect(parse(DOC).headers.get('subject')).toBe('hi');
    expect(parse(`\ufeff\n ${DOC}`).headers.get('subject')).toBe('hi');
    expect(parse(MIME).headers.get('subject')).toBe('hi');
  });
});

describe('the mailbox entry points check their input the same way', () => {
  const MBOX = new TextEncoder().encode('From a@b Mon Jan  1 00:00:00 2024\nSubject: hi\n\nHello\n');

  it('mboxToXml, MboxEncoder.push, MboxToXmlStream: a string is a TypeError, never NUL bytes', async () => {
    expect(() => mboxToXml('From a\nx\n' as never)).toThrow(TypeError);
    expect(() => mboxToXml('From a\nx\n' as never)).toThrow(BYTES_HINT);
    expect(() => new MboxEncoder(() => {}).push('x' as never)).toThrow(/MboxEncoder\.push takes chunks of an mbox file/);
    const s = new Response('From a\nx\n').body!.pipeThrough(new TextDecoderStream()).pipeThrough(new MboxToXmlStream() as never);
    await expect(drain(s as ReadableStream<Uint8Array>)).rejects.toThrow(TypeError);
    expect(xmlToMbox(mboxToXml(MBOX.buffer as never))).toEqual(MBOX); // an ArrayBuffer is its bytes
  });

  it('xmlToMbox, MailboxDecoder.push: not a string or bytes is a TypeError; a lone surrogate an XmimeError, not U+FFFD', () => {
    expect(() => xmlToMbox(42 as never)).toThrow(/xmlToMbox takes an XMIME document as a string or as UTF-8 bytes/);
    expect(() => new MailboxDecoder(() => {}).push({} as never)).toThrow(TypeError);
    const doc = mboxToXml(MBOX);
    expect(() => xmlToMbox(doc.replace('Hello', 'He\ud800llo'))).toThrow(expect.objectContaining({ code: 'xml-char' }));
    const half = new MailboxDecoder(() => {});
    half.push(doc);
    half.push('\ud83d'); // waits for its second half, which never comes
    expect(() => half.end()).toThrow(expect.objectContaining({ code: 'xml-char' }));
    // A pair split between two strings is one character.
    const [a, b] = doc.replace('Hello', 'He\u{1F600}llo').split('\udE00');
    const parts: Uint8Array[] = [];
    const d = new MailboxDecoder((c) => parts.push(c));
    d.push(a);
    d.push('\ude00' + b);
    d.end();
    expect(new TextDecoder().decode(concat(parts))).toContain('He\u{1F600}llo');
  });

  it('parseMailbox: an mbox file read as text is a TypeError that says to pass its bytes', () => {
    expect(() => parseMailbox('From a@b\nSubject: hi\n\nx\n')).toThrow(/parseMailbox\(string\) reads an XMIME document.*an mbox file, pass its bytes/);
    expect(() => parseMailbox(7 as never)).toThrow(/parseMailbox\(input\) takes the mbox file's bytes as a Uint8Array, not /);
    expect(parseMailbox(MBOX)).toHaveLength(1);
  });
});
