#!/usr/bin/env node
// What xmime's readable views say, against Python's email (policy.default,
// test/py/mail_view.py) and postal-mime, over a directory of mails (default:
// the corpus). Prints an agreement table: for each view (text bodies, Subject,
// From), how many agree, differ, and where xmime shows no view. A text view
// agrees with a parser when one of that parser's text parts of the same mail
// is the same text (line ends as LF, trailing line ends dropped). Also counts
// the text views of UTF-7-labelled bodies that differ from Python (issue 16:
// must be 0). Run after `npm run build`: node scripts/semantic-compare.mjs [DIR]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import PostalMime from 'postal-mime';
import { toXml } from 'xmime';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const dir = process.argv[2] ?? process.env.XMIME_CORPUS ?? resolve(root, '../shared/corpus');
const NS = 'urn:xmpp:xmime:0';

function* files(d) {
  for (const n of readdirSync(d).sort()) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(eml|mbox|msg|txt)$/i.test(n) || !n.includes('.')) yield p;
  }
}

const norm = (s) => s.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
const all = [...files(dir)];

// Python, one process for all (--serve: a mail per line, base64; {"error"} where Python fails).
const r = spawnSync('python3', [join(root, 'test/py/mail_view.py'), '--serve'], {
  input: all.map((f) => readFileSync(f).toString('base64')).join('\n') + '\n',
  maxBuffer: 1 << 30,
  encoding: 'utf8',
});
if (r.status !== 0) throw new Error(r.stderr);
const py = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
if (py.length !== all.length) throw new Error(`mail_view.py gave ${py.length} views for ${all.length} mails`);

const texts = (leaves, out = []) => {
  for (const l of leaves) {
    if ('parts' in l) texts(l.parts, out);
    else if ('text' in l) out.push(norm(l.text));
  }
  return out;
};

const count = () => ({ agree: 0, differ: 0, noView: 0 });
const table = { 'text bodies vs Python': count(), 'text bodies vs postal-mime': count(), 'Subject vs Python': count(), 'From vs Python': count() };
let utf7Differ = 0, utf7Views = 0, pyFailed = 0;
const samples = {};
const note = (k, f, a, b) => ((samples[k] ??= []).length < 5 ? samples[k].push(`${f}: xmime ${JSON.stringify(a).slice(0, 100)} / other ${String(JSON.stringify(b)).slice(0, 100)}`) : 0);

for (let k = 0; k < all.length; k++) {
  const f = all[k], mime = new Uint8Array(readFileSync(f));
  let xml;
  try {
    xml = toXml(mime);
  } catch {
    continue;
  }
  const doc = new DOMParser({ onError: () => {} }).parseFromString(typeof xml === 'string' ? xml : new TextDecoder().decode(xml), 'text/xml');
  const pv = py[k];
  if (pv.error !== undefined) {
    pyFailed++;
    continue;
  }
  const pyTexts = texts(pv.parts ?? []);
  let postal = null;
  try {
    const e = await PostalMime.parse(mime);
    postal = [e.text, e.html, ...(e.attachments ?? []).filter((a) => a.mimeType?.startsWith('text/') && typeof a.content === 'string').map((a) => a.content)].filter((x) => typeof x === 'string').map(norm);
  } catch {}
  for (const t of Array.from(doc.getElementsByTagNameNS(NS, 'text'))) {
    const eol = doc.documentElement.getAttribute('eol') === 'lf' ? '\n' : '\r\n';
    const s = norm(t.textContent.replace(/\n/g, eol).replace(/[\uF700-\uF7FF]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xf700)));
    const cs = (t.getAttribute('charset') ?? 'utf-8').toLowerCase();
    const ok = pyTexts.includes(s);
    table['text bodies vs Python'][ok ? 'agree' : 'differ']++;
    if (!ok) note(`text vs Python (${cs})`, f, s, pyTexts[0]);
    if (postal !== null) {
      const okp = postal.includes(s);
      table['text bodies vs postal-mime'][okp ? 'agree' : 'differ']++;
    }
    if (cs.includes('utf-7') || cs.includes('utf7')) {
      utf7Views++;
      if (!ok) utf7Differ++;
    }
  }
  // UTF-7 bodies shown as UTF-8 (the class of issue 16): a text view without charset whose part is labelled UTF-7.
  for (const t of Array.from(doc.getElementsByTagNameNS(NS, 'text'))) {
    const part = t.parentNode;
    const ct = Array.from(part.getElementsByTagNameNS(NS, 'header')).find((h) => h.parentNode.parentNode === part && /^content-type$/i.test(h.getAttribute('name')));
    const label = ct && Array.from(ct.getElementsByTagNameNS(NS, 'param')).find((p) => p.getAttribute('name') === 'charset');
    if (label && /utf-?7/i.test(label.textContent) && !/utf-?7/i.test(t.getAttribute('charset') ?? '')) utf7Differ++;
  }
  const top = Array.from(doc.documentElement.getElementsByTagNameNS(NS, 'headers'))[0];
  const hs = top ? Array.from(top.childNodes).filter((n) => n.localName === 'header') : [];
  const pyH = (n) => (pv.headers ?? []).find((h) => h.name === n);
  const subj = hs.find((h) => /^subject$/i.test(h.getAttribute('name')));
  if (subj && pyH('subject')) {
    const d = Array.from(subj.childNodes).find((n) => n.localName === 'decoded');
    if (!d) table['Subject vs Python'].noView++;
    else if (d.textContent === pyH('subject').value) table['Subject vs Python'].agree++;
    else (table['Subject vs Python'].differ++, note('Subject', f, d.textContent, pyH('subject').value));
  }
  const from = hs.find((h) => /^from$/i.test(h.getAttribute('name')));
  if (from && pyH('from')) {
    const ms = Array.from(from.childNodes).filter((n) => n.localName === 'mailbox').map((m) => ({ name: m.getAttribute('name') ?? '', addr: m.getAttribute('addr') }));
    const pyv = Array.isArray(pyH('from').value) ? pyH('from').value.map((m) => ('addr' in m ? { name: m.name ?? '', addr: m.addr } : m)) : pyH('from').value;
    if (ms.length === 0) table['From vs Python'].noView++;
    else if (JSON.stringify(ms) === JSON.stringify(pyv)) table['From vs Python'].agree++;
    else (table['From vs Python'].differ++, note('From', f, ms, pyv));
  }
}

console.log(`${all.length} mails from ${dir} (${pyFailed} that Python's email cannot read left out)`);
console.log('| view | agree | differ | no view | agreement |');
console.log('|---|---|---|---|---|');
for (const [k, v] of Object.entries(table)) console.log(`| ${k} | ${v.agree} | ${v.differ} | ${v.noView} | ${((100 * v.agree) / Math.max(1, v.agree + v.differ)).toFixed(1)}% |`);
console.log(`UTF-7-labelled bodies shown other than as UTF-7 text Python agrees with: ${utf7Differ} (UTF-7 views: ${utf7Views})`);
if (process.argv.includes('--samples')) for (const [k, v] of Object.entries(samples)) console.log(`\n${k}:\n  ${v.join('\n  ')}`);
