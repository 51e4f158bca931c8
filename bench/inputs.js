// Deterministic synthetic inputs for bench/bench.js and bench/profile.js.
// Everything derives from one seeded PRNG, so the same calls give the same bytes.

import { Buffer } from 'node:buffer';

export const SEED = 0x786d696d; // "xmim"
// ---------------------------------------------------------------- PRNG + generators

/** mulberry32: tiny, fast, deterministic. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (arr) => arr[int(arr.length)];
  return { next, int, pick };
}

let rnd = prng(SEED);
const te = new TextEncoder();

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not ' +
  'what all were we when your can said there use an each which she do how their if will up other about out many then them ' +
  'these so some her would make like him into time has look two more write go see number no way could people my than first ' +
  'water been call who oil its now find long down day did get come made may part meeting invoice report quarterly budget ' +
  'review schedule project deadline attached please regards thanks update release server deploy database customer ' +
  'café naïve Grüße déjà vu Straße façade résumé smørrebrød 東京 データ привет'
).split(' ');
const FIRST = ['Alice', 'Bob', 'Carol', 'Dave', 'Eve', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Zoë', 'José', 'Ærin'];
const LAST = ['Smith', 'Jones', 'Müller', 'Dubois', 'Rossi', 'Tanaka', 'García', 'Novak', 'Kowalski', 'Olsen'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.co.uk', 'corp.example'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[rnd.int(16)]).join('');
const b64s = (n) => Array.from({ length: n }, () => B64[rnd.int(64)]).join('');
const pad2 = (n) => String(n).padStart(2, '0');
const sentence = (min, max) => {
  const n = min + rnd.int(max - min + 1);
  const w = Array.from({ length: n }, () => rnd.pick(WORDS));
  w[0] = w[0][0].toUpperCase() + w[0].slice(1);
  return w.join(' ') + rnd.pick(['.', '.', '.', '?', '!']);
};
const person = () => {
  const f = rnd.pick(FIRST), l = rnd.pick(LAST);
  return { name: `${f} ${l}`, addr: `${f}.${l}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase() + '@' + rnd.pick(DOMAINS) };
};
/** RFC 2047 B-encoding of a header phrase if it is not ASCII. */
const phrase = (s) => (/^[\x20-\x7e]*$/.test(s) ? `"${s}"` : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`);
const date = () =>
  `${rnd.pick(DAYS)}, ${1 + rnd.int(28)} ${rnd.pick(MONTHS)} 2024 ${pad2(rnd.int(24))}:${pad2(rnd.int(60))}:${pad2(rnd.int(60))} ${rnd.pick(['+0000', '-0700', '+0200', '+0900'])}`;

/** Quoted-printable (RFC 2045) of UTF-8 text with CRLF hard breaks, soft breaks at 76. */
function qp(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const bytes = te.encode(line);
    let cur = '';
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      const last = i === bytes.length - 1;
      let tok;
      if ((c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && !last)) tok = String.fromCharCode(c);
      else tok = '=' + c.toString(16).toUpperCase().padStart(2, '0');
      if (cur.length + tok.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += tok;
    }
    out.push(cur);
  }
  return out.join('\r\n');
}

function commonHeaders(from, to, subject, extra) {
  const relay = `mail-${hex(4)}.${rnd.pick(DOMAINS)}`;
  const dkimB = b64s(344);
  return [
    `Return-Path: <${from.addr}>`,
    `Received: from ${relay} (${relay} [203.0.113.${rnd.int(255)}])\r\n\tby mx1.${rnd.pick(DOMAINS)} (Postfix) with ESMTPS id ${hex(10).toUpperCase()}\r\n\tfor <${to.addr}>; ${date()}`,
    `Received: by ${relay} with SMTP id ${hex(16)};\r\n        ${date()}`,
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${from.addr.split('@')[1]}; s=s${rnd.int(9)};\r\n\th=from:to:subject:date:message-id:mime-version;\r\n\tbh=${b64s(43)}=;\r\n\tb=${dkimB.match(/.{1,72}/g).join('\r\n\t ')}`,
    `From: ${phrase(from.name)} <${from.addr}>`,
    `To: ${phrase(to.name)} <${to.addr}>`,
    ...(rnd.next() < 0.5 ? [`Cc: ${[person(), person()].map((p) => `${phrase(p.name)} <${p.addr}>`).join(',\r\n ')}`] : []),
    `Subject: ${/^[\x20-\x7e]*$/.test(subject) ? subject : `=?UTF-8?Q?${qp(subject).replace(/=\r\n/g, '').replace(/ /g, '_').replace(/\?/g, '=3F')}?=`}`,
    `Date: ${date()}`,
    `Message-ID: <${hex(24)}@${from.addr.split('@')[1]}>`,
    `MIME-Version: 1.0`,
    ...extra,
  ].join('\r\n');
}

/** (a) a ~4 KB multipart/alternative mail: text/plain + text/html, both quoted-printable. */
export function smallMail(target = 4096) {
  const from = person(), to = person();
  const boundary = `----=_Part_${rnd.int(1e6)}_${rnd.int(1e9)}.${Date.UTC(2024, 0, 1) + rnd.int(1e9)}`;
  const head = commonHeaders(from, to, sentence(3, 8).slice(0, -1), [`Content-Type: multipart/alternative;\r\n\tboundary="${boundary}"`]);
  const paras = [];
  const build = () => {
    const text = `Hi ${to.name.split(' ')[0]},\n\n${paras.join('\n\n')}\n\n-- \n${from.name}\n`;
    const html =
      `<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>\n` +
      `<body style="font-family: Arial, sans-serif; font-size: 14px;">\n<p>Hi ${to.name.split(' ')[0]},</p>\n` +
      paras.map((p) => `<p style="margin: 0 0 12px 0;">${p}</p>`).join('\n') +
      `\n<p>-- <br>\n<a href="mailto:${from.addr}">${from.name}</a></p>\n</body></html>\n`;
    return (
      `${head}\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n` +
      `Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp(text)}\r\n` +
      `--${boundary}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp(html)}\r\n` +
      `--${boundary}--\r\n`
    );
  };
  let mail = build();
  while (te.encode(mail).length < target - 150) {
    paras.push(Array.from({ length: 1 + rnd.int(3) }, () => sentence(6, 16)).join(' '));
    mail = build();
  }
  return te.encode(mail);
}

/** (b) multipart/mixed with a short text part and a ~5 MB base64 attachment (76-char lines, CRLF). */
export function attachmentMail(base64Bytes = 5 * 1024 * 1024) {
  const from = person(), to = person();
  const raw = new Uint8Array(Math.floor((base64Bytes * 3) / 4));
  for (let i = 0; i < raw.length; i += 4) {
    const v = (rnd.next() * 4294967296) >>> 0;
    raw[i] = v; raw[i + 1] = v >>> 8; raw[i + 2] = v >>> 16; raw[i + 3] = v >>> 24;
  }
  const b64 = Buffer.from(raw.buffer, 0, raw.length).toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
  const boundary = `=_mixed_${hex(16)}`;
  const head = commonHeaders(from, to, 'Quarterly report (data attached)', [`Content-Type: multipart/mixed; boundary="${boundary}"`]);
  return te.encode(
    `${head}\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n` +
      `Please find the data attached.\r\n\r\nRegards,\r\n${from.name.normalize('NFD').replace(/[^\x20-\x7e]/g, '')}\r\n` +
      `--${boundary}\r\nContent-Type: application/octet-stream; name="report-q3.bin"\r\nContent-Transfer-Encoding: base64\r\n` +
      `Content-Disposition: attachment; filename="report-q3.bin"\r\n\r\n${b64}\r\n--${boundary}--\r\n`,
  );
}

/** (c) a single-part ~2 MB quoted-printable HTML newsletter (tables, inline styles, non-ASCII). */
export function qpHtmlMail(target = 2 * 1024 * 1024) {
  const from = person(), to = person();
  const head = commonHeaders(from, to, 'Newsletter: your weekly digest', [
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: quoted-printable',
  ]);
  const rows = [];
  let size = 0;
  while (size < target) {
    const r =
      `<tr><td class="item" style="padding: 8px 16px; border-bottom: 1px solid #e0e0e0; color: #333333;">` +
      `<a href="https://www.${rnd.pick(DOMAINS)}/track?id=${hex(12)}&amp;u=${hex(8)}" style="color: #1a73e8; text-decoration: none;">${sentence(3, 7)}</a>` +
      `<br><span style="font-size: 12px; color: #777;">${sentence(10, 24)}</span></td></tr>\n`;
    rows.push(r);
    size += te.encode(r).length * 1.15; // rough QP expansion
  }
  const html =
    `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n` +
    `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Digest</title></head>\n` +
    `<body style="margin: 0; padding: 0;"><table width="100%" cellpadding="0" cellspacing="0" border="0">\n${rows.join('')}</table></body></html>\n`;
  return te.encode(`${head}\r\n\r\n${qp(html)}\r\n`);
}

/** Attachment payload size (bytes before base64) used by attachmentMail's default. */
export const ATTACH_RAW_BYTES = Math.floor((5 * 1024 * 1024 * 3) / 4);

/** The benchmark's synthetic inputs, always the same bytes: reseeds first. */
export function generateInputs(smallCount = 500) {
  rnd = prng(SEED);
  const small = Array.from({ length: smallCount }, () => smallMail());
  const attach = attachmentMail();
  const qpHtml = qpHtmlMail();
  return { small, attach, qpHtml };
}
