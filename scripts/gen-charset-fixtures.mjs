#!/usr/bin/env node
// The charset torture suite, fixtures/charsets/*.eml, generated from the WHATWG
// index files (scripts/charset-reference.mjs): for every legacy encoding of
// §7.4.3, a mail with every sequence that is its code point's table entry
// (controls and C1 included, 16 to a line), and mails with the sequences that
// decode but are not (duplicates), and that do not decode (unmapped). The first
// must become a text view of exactly the index's characters; the others stay
// bytes. `--check` compares with the files instead of writing them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { index, lowest, MULTI, sequences, SINGLE } from './charset-reference.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIR = join(ROOT, 'fixtures/charsets');

const CRLF = [0x0d, 0x0a];

function mail(charset, what, lines) {
  const head = `Subject: ${charset}: ${what}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`;
  const body = [];
  for (const l of lines) body.push(...l, ...CRLF);
  return Uint8Array.from([...Buffer.from(head, 'latin1'), ...body]);
}

/** Rows of `per` sequences each (a row is its sequences' bytes). */
function rows(seqs, per = 16) {
  const out = [];
  for (let i = 0; i < seqs.length; i += per) out.push(seqs.slice(i, i + per).flat());
  return out;
}

/**
 * Every fixture: file name → { bytes, text } where `text` is the readable view
 * the mail must get (line ends CR LF), or null where it must stay bytes.
 */
export function fixtures() {
  const out = new Map();
  for (const name of [...SINGLE, ...MULTI]) {
    const table = lowest(name);
    const canon = [], dups = [], bad = [];
    let text = '';
    for (const [bytes, cps] of sequences(name)) {
      if (cps === null) bad.push(bytes);
      else if (cps.length === 1 && table.get(cps[0]).join() === bytes.join()) canon.push([bytes, String.fromCodePoint(cps[0])]);
      else dups.push(bytes);
    }
    for (let i = 0; i < canon.length; i += 16)
      text += canon.slice(i, i + 16).map(([, s]) => s).join('') + '\r\n';
    out.set(`${name}.eml`, { bytes: mail(name, 'every table entry', rows(canon.map(([b]) => b))), text });
    if (dups.length > 0) out.set(`${name}-duplicates.eml`, { bytes: mail(name, 'sequences that decode but are not their character\'s table entry', rows(dups)), text: null });
    if (bad.length > 0) out.set(`${name}-unmapped.eml`, { bytes: mail(name, 'sequences that do not decode', rows(bad)), text: null });
  }
  // gb18030 four-byte sequences: the first and last of each range, and past the ends; they decode, but §7.4.3 has no table entry for them.
  const four = (p) => {
    const b3 = p % 10, b2 = Math.floor(p / 10) % 126, b1 = Math.floor(p / 1260) % 10, b0 = Math.floor(p / 12600);
    return [0x81 + b0, 0x30 + b1, 0x81 + b2, 0x30 + b3];
  };
  const ptrs = [...index('gb18030-ranges').keys()].flatMap((p) => [p, Math.max(0, p - 1)]).concat([39419, 39420, 189000, 1237575, 1237576 - 1]);
  out.set('gb18030-four-byte.eml', { bytes: mail('gb18030', 'four-byte sequences', rows([...new Set(ptrs)].sort((a, b) => a - b).map(four))), text: null });
  // ISO-2022-JP: ASCII (without ESC, SO, SI, CR, LF), then every JIS X 0208 table entry, 16 to a line, each line back in ASCII.
  const jis = [...lowest('euc-jp')].filter(([, b]) => b.length === 2 && b[0] >= 0xa1).sort((x, y) => x[1][0] * 256 + x[1][1] - (y[1][0] * 256 + y[1][1]));
  const ascii = [...Array(128).keys()].filter((b) => ![0x1b, 0x0e, 0x0f, 0x0d, 0x0a].includes(b));
  const lines = [ascii];
  let text = String.fromCharCode(...ascii) + '\r\n';
  for (let i = 0; i < jis.length; i += 16) {
    const row = jis.slice(i, i + 16);
    lines.push([0x1b, 0x24, 0x42, ...row.flatMap(([, b]) => [b[0] - 0x80, b[1] - 0x80]), 0x1b, 0x28, 0x42]);
    text += String.fromCodePoint(...row.map(([cp]) => cp)) + '\r\n';
  }
  out.set('iso-2022-jp.eml', { bytes: mail('iso-2022-jp', 'ASCII and every JIS X 0208 table entry', lines), text });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  mkdirSync(DIR, { recursive: true });
  let bad = 0;
  for (const [f, { bytes }] of fixtures()) {
    const p = join(DIR, f);
    if (!check) writeFileSync(p, bytes);
    else {
      let old = null;
      try {
        old = readFileSync(p);
      } catch {}
      if (old === null || Buffer.compare(old, Buffer.from(bytes)) !== 0) (bad++, console.error(`${p}: differs from what the generator writes`));
    }
  }
  if (check) process.exit(bad === 0 ? 0 : 1);
}
