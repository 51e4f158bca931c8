// Strict TypeScript with the default libraries (DOM and @types/node): the types ship with xmime.
import { createWriteStream, openAsBlob, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { compose, type HeaderView, MimeToXmlStream, parse, toMime, toXml, XmimeError, type XmimeMessage } from 'xmime';
import { convertFile, createDecodeStream, OutputError } from 'xmime/node';

const eml: Uint8Array = new TextEncoder().encode('From: Jo <jo@example.org>\r\nSubject: hi\r\n\r\nHello\r\n');
const xml: string = toXml(eml, { readable: true });
const msg: XmimeMessage = parse(eml);
const from: HeaderView | undefined = msg.headers.view('from');
if (from?.kind !== 'addresses') throw new Error('no address view');
if (Buffer.compare(toMime(xml), eml) !== 0) throw new Error('round trip differs');

const mime = compose('<mime xmlns="urn:xmpp:xmime:0"><headers><header name="Subject"><decoded>Grüße</decoded></header></headers><text>Hallo</text></mime>');
if (!new TextDecoder().decode(mime).includes('Subject: =?UTF-8?')) throw new Error('compose');

try {
  toMime('<mime/>');
} catch (e) {
  if (!(e instanceof XmimeError)) throw e;
}

writeFileSync('mail.eml', eml);
await (await openAsBlob('mail.eml')).stream().pipeThrough(new MimeToXmlStream()).pipeTo(Writable.toWeb(createWriteStream('mail.xml')));
await convertFile('mail.xml', 'copy.eml', createDecodeStream());
try {
  await convertFile('mail.xml', 'no/such/dir/copy.eml', createDecodeStream());
} catch (e) {
  if (!(e instanceof OutputError)) throw e;
}
console.log('typescript ok');
