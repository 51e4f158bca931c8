// Converts the message in the text area to XMIME and back, in the browser.
import { toMime, toXml, XmimeError } from 'xmime';

const input = document.querySelector('#mail');
const output = document.querySelector('#xml');
const status = document.querySelector('#status');

function convert() {
  const eml = new TextEncoder().encode(input.value.replace(/\r?\n/g, '\r\n'));
  const xml = toXml(eml);
  output.textContent = xml;
  const back = toMime(xml);
  const same = back.length === eml.length && back.every((b, i) => b === eml[i]);
  status.textContent = same ? 'round trip: byte-exact' : 'round trip: DIFFERS';
  try {
    toMime('<mime xmlns="urn:xmpp:xmime:0"><body>x</mime>');
  } catch (e) {
    if (e instanceof XmimeError) status.dataset.error = `${e.code} ${e.line}:${e.column}`;
  }
}

input.addEventListener('input', convert);
convert();
