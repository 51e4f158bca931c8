// Round trip a message, read it as a tree, and stream it, from an ES module.
import { parse, toMime, toXml, MimeToXmlStream } from 'xmime';

const eml = new TextEncoder().encode('From: Jo <jo@example.org>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nHello\r\n');
const xml = toXml(eml);
const back = toMime(xml);
if (Buffer.compare(back, eml) !== 0) throw new Error('round trip differs');

const msg = parse(eml);
console.log(msg.headers.get('subject'), msg.headers.addresses('from')[0].addr);

const streamed = await new Response(new Blob([eml]).stream().pipeThrough(new MimeToXmlStream())).text();
if (streamed !== xml) throw new Error('stream differs');
console.log('esm ok');
