/** fast-check arbitraries shared by the property tests and the fuzzer. */
import fc from 'fast-check';
import { concat } from '../../src/core/bytes.js';
import { utf8 } from './helpers.js';

/** Fragments that steer random bytes toward MIME syntax. */
export const fragment = fc.oneof(
  fc.constantFrom(
    '\r\n', '\n', '\r', '\r\r\n', '\x00', ' ', '\t', ':', '-', '--', '--b', '--b--', '--bb', '--b  ', '--b--\t',
    'Content-Type: multipart/mixed; boundary=b', 'Content-Type: multipart/digest; boundary="bb"', 'Content-Type: multipart/mixed; boundary="b "', '--b --',
    'Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', 'Subject: x', 'From ', 'From a@b Mon',
    ' folded', 'X-A : y', 'NoColon', ']]>', '<&>', '\uf700', '\ufffe', '\u00e9', '\ud83d\ude00', '\u0085', '\u2028', '\u2029', '\u0090', '\x7f',
  ).map(utf8),
  fc.uint8Array({ minLength: 1, maxLength: 4, min: 0x80, max: 0xff }),
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
  fc.string({ maxLength: 12 }).map(utf8),
);
export const mimeish = fc.array(fragment, { maxLength: 60 }).map(concat);
export const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 400 }), mimeish);

