#!/usr/bin/env node
// Generates the edge-case mails of issue 19: bodies, text, header lines,
// preambles and epilogues past libxml2's 10,000,000-byte text limit, and
// nesting past its depth of 256. Generated, never committed (they are large).
//   node scripts/edge-cases.mjs OUTDIR     writes OUTDIR/<name>.eml
// The test suite imports edgeCases() instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const MB = 1_000_000;
const te = new TextEncoder();

/** Deterministic pseudo-random bytes (xorshift32), so every run writes the same files. */
function noise(n, seed) {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Base64 in lines of 76 with CRLF, as mail carries attachments. */
function base64Lines(bytes) {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  const lines = [];
  for (let i = 0; i < s.length; i += 76) lines.push(s.slice(i, i + 76));
  return lines.join('\r\n') + '\r\n';
}

function cat(...parts) {
  const bs = parts.map((p) => (typeof p === 'string' ? te.encode(p) : p));
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Text lines of about `n` bytes: ASCII, Latin and emoji characters, so pieces must not cut a character. */
function textLines(n, eol = '\r\n') {
  const line = 'Grüße aus Köln — 10 € 😀 the quick brown fox jumps over the lazy dog' + eol;
  const one = te.encode(line);
  const out = new Uint8Array(Math.ceil(n / one.length) * one.length);
  for (let o = 0; o < out.length; o += one.length) out.set(one, o);
  return out;
}

const HEAD = 'From: Sam <sam@example.org>\r\nTo: Alex <alex@example.org>\r\nSubject: edge case\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <edge@example.org>\r\nMIME-Version: 1.0\r\n';

function attachment(size, seed) {
  return cat(
    HEAD,
    'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n--b1\r\n',
    `Content-Type: application/octet-stream; name="data.bin"\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
    base64Lines(noise(size, seed)),
    '--b1--\r\n',
  );
}

/** Multiparts nested `n` deep; the innermost part has a group address (the deepest header view). */
function nestedMultiparts(n) {
  const open = [], close = [];
  for (let i = 0; i < n; i++) {
    open.push(`Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n`);
    close.unshift(`\r\n--n${i}--\r\n`);
  }
  return cat(HEAD, ...open, 'To: team: Alex <alex@example.org>, Kim <kim@example.org>;\r\nContent-Type: text/plain\r\n\r\ninnermost', ...close);
}

/** message/rfc822 nested `n` deep. */
function nestedMessages(n) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(`Subject: level ${i}\r\nContent-Type: message/rfc822\r\n\r\n`);
  return cat(HEAD, ...parts, 'To: team: Alex <alex@example.org>;\r\n\r\ninnermost\r\n');
}

/** Messages inside multiparts inside messages…, `n` levels in all. */
function nestedMixed(n) {
  const open = [], close = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      open.push(`Content-Type: multipart/mixed; boundary="m${i}"\r\n\r\n--m${i}\r\n`);
      close.unshift(`\r\n--m${i}--\r\n`);
    } else open.push('Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n');
  }
  return cat(HEAD, ...open, 'Content-Type: text/plain\r\n\r\ninnermost', ...close);
}

/**
 * The edge cases, as [name, bytes] pairs, generated one at a time.
 * `scale` shrinks the sizes (tests of the generator itself use a small one).
 */
export function* edgeCases(scale = 1) {
  const s = (n) => Math.round(n * scale);
  yield ['attachment-12mb', attachment(s(12 * MB), 12)];
  yield ['attachment-30mb', attachment(s(30 * MB), 30)];
  yield ['text-body-12mb', cat(HEAD, 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', textLines(s(12 * MB)))];
  yield ['text-body-lf-12mb', cat(HEAD.replace(/\r\n/g, '\n'), 'Content-Type: text/plain; charset=utf-8\n\n', textLines(s(12 * MB), '\n'))];
  yield ['header-line-11mb', cat(HEAD, 'X-Long: ', 'x'.repeat(s(11 * MB)), '\r\n\r\nbody\r\n')];
  yield ['preamble-11mb', cat(HEAD, 'Content-Type: multipart/mixed; boundary=b\r\n\r\n', textLines(s(11 * MB)), '--b\r\n\r\npart\r\n--b--\r\n')];
  yield ['epilogue-11mb', cat(HEAD, 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart\r\n--b--\r\n', textLines(s(11 * MB)))];
  // Bytes that are not UTF-8 become U+F7xx, three bytes each in the parsed text: 4 MB is 12 MB of character data.
  yield ['binary-body-4mb', cat(HEAD, 'Content-Type: application/octet-stream\r\n\r\n', noise(s(4 * MB), 4))];
  yield ['multipart-nested-130', nestedMultiparts(130)];
  yield ['multipart-nested-1000', nestedMultiparts(1000)];
  yield ['multipart-nested-100', nestedMultiparts(100)];
  yield ['rfc822-nested-300', nestedMessages(300)];
  yield ['mixed-nested-400', nestedMixed(400)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node scripts/edge-cases.mjs OUTDIR\n');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of edgeCases()) {
    writeFileSync(join(dir, `${name}.eml`), bytes);
    process.stdout.write(`${name}.eml ${bytes.length} bytes\n`);
  }
}
