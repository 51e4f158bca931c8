// The operations the benchmark times, shared by bench.js (correctness checks, labels)
// and case-worker.js (timing, one case per worker).

import { Buffer } from 'node:buffer';
import { toXml, toMime, Encoder, Decoder } from '../dist/index.node.js'; // the Node entry, as Node users get it
import mailsplit from '@zone-eu/mailsplit';
import PostalMime from 'postal-mime';
import { SaxesParser } from 'saxes';

const { Splitter, Joiner } = mailsplit;
export const CHUNK = 64 * 1024;

export const buf = (x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

/** The output chunks of a streaming `Codec` (Encoder or Decoder) fed `input` in CHUNK-byte subarrays. */
function streamed(Codec, input) {
  const chunks = [];
  const codec = new Codec((c) => chunks.push(c));
  for (let i = 0; i < input.length; i += CHUNK) codec.push(input.subarray(i, i + CHUNK));
  codec.end();
  return chunks;
}
export const encStream = (b) => streamed(Encoder, b);
export const decStream = (x) => streamed(Decoder, x);
export function mailsplitRoundTrip(b) {
  return new Promise((res, rej) => {
    const chunks = [];
    const splitter = new Splitter();
    const joiner = new Joiner();
    splitter.on('error', rej);
    joiner.on('error', rej);
    joiner.on('data', (c) => chunks.push(c));
    joiner.on('end', () => res(chunks));
    splitter.pipe(joiner);
    splitter.end(buf(b));
  });
}
export function saxesParse(xml) {
  const p = new SaxesParser();
  p.write(xml).close();
}
/** LF count by a plain JS loop over every byte: what merely reading each byte once costs in JS on this machine. */
export function countLf(b) {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
}
/** Line count by `Buffer.indexOf(eol)`: CRLF over MIME, LF over XMIME (which writes every line ending as "\n"). */
export function countLines(b, eol = '\r\n') {
  const B = buf(b);
  const step = eol.length;
  let n = 0;
  for (let i = B.indexOf(eol); i !== -1; i = B.indexOf(eol, i + step)) n++;
  return n;
}

let sink = 0; // keeps results alive so nothing is optimised away
export const sinkValue = () => sink;

/**
 * The timed cases over one input set: M the MIME inputs, X their XMIME strings,
 * XB the same as UTF-8 bytes, W the `readable: false` XMIME strings.
 * Each is [id, label, input basis ('mime' | 'xml' | 'xmlWire'), fn].
 */
export function caseList({ M, X, XB, W }) {
  return [
    ['toXml', 'xmime MIME→XML `toXml` (readable, the default)', 'mime', () => { for (const b of M) sink += toXml(b).length; }],
    ['toXmlWire', 'xmime MIME→XML `toXml`, `readable: false`', 'mime', () => { for (const b of M) sink += toXml(b, { readable: false }).length; }],
    ['toMime', 'xmime XML→MIME `toMime` (string in)', 'xml', () => { for (const x of X) sink += toMime(x).length; }],
    ['toMimeWire', 'xmime XML→MIME `toMime` of the `readable: false` XMIME', 'xmlWire', () => { for (const x of W) sink += toMime(x).length; }],
    ['enc', 'xmime streaming `Encoder`, 64 KiB chunks', 'mime', () => { for (const b of M) sink += encStream(b).length; }],
    ['dec', 'xmime streaming `Decoder`, 64 KiB UTF-8 chunks', 'xml', () => { for (const x of XB) sink += decStream(x).length; }],
    ['mailsplit', 'mailsplit Splitter→Joiner (split+join)', 'mime', async () => { for (const b of M) sink += (await mailsplitRoundTrip(b)).length; }],
    ['postal', 'postal-mime `PostalMime.parse`', 'mime', async () => {
      for (const b of M) { try { sink += (await PostalMime.parse(b)).attachments.length; } catch { sink++; } }
    }],
    ['saxes', 'saxes parsing the XMIME string, no handlers', 'xml', () => { for (const x of X) saxesParse(x); }],
    ['copyMime', 'baseline: `Buffer.from(b)` copy of the MIME', 'mime', () => { for (const b of M) sink += Buffer.from(b).length; }],
    ['scanMime', 'baseline: `indexOf("\\r\\n")` line count over the MIME', 'mime', () => { for (const b of M) sink += countLines(b); }],
    ['loopMime', 'baseline: a JS loop reading every byte of the MIME (LF count)', 'mime', () => { for (const b of M) sink += countLf(b); }],
    ['copyXml', 'baseline: `Buffer.from(b)` copy of the XMIME bytes', 'xml', () => { for (const x of XB) sink += Buffer.from(x).length; }],
    ['scanXml', 'baseline: `indexOf("\\n")` line count over the XMIME bytes', 'xml', () => { for (const x of XB) sink += countLines(x, '\n'); }],
  ];
}

/** Runs `fn` (sync or async) `reps` times; returns seconds per pass. */
export async function runOnce(fn, reps) {
  const a = performance.now();
  for (let k = 0; k < reps; k++) {
    const r = fn();
    if (r && r.then) await r;
  }
  return (performance.now() - a) / reps / 1000;
}
