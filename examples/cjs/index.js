// CommonJS: xmime is an ES module; Node 20.19+ and 22.12+ load it with require().
const { toXml, toMime, XmimeError } = require('xmime');
const { createEncodeStream } = require('xmime/node');

const eml = Buffer.from('Subject: hi\r\n\r\nHello\r\n');
const back = toMime(toXml(eml));
if (Buffer.compare(back, eml) !== 0) throw new Error('round trip differs');

try {
  toMime('<mime xmlns="urn:xmpp:xmime:0"><body>x</mime>');
} catch (e) {
  if (!(e instanceof XmimeError) || e.code !== 'xml-mismatch') throw e;
}
if (typeof createEncodeStream !== 'function') throw new Error('xmime/node');
console.log('cjs ok');
