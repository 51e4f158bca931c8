/**
 * The "does this look like mail" check of encode, verify and convert.
 * @module
 */

/** Why these bytes do not look like a mail message, or null if they do. */
export function notMail(head: Uint8Array, size: number): string | null {
  if (size === 0) return 'it is empty';
  const n = Math.min(head.length, 1024);
  for (let i = 0; i < n; i++) if (head[i] === 0) return 'it looks binary (NUL bytes at the start)';
  const first = new TextDecoder('latin1').decode(head.subarray(0, 1000)).split(/\r?\n|\r/, 1)[0];
  // A header field name is printable ASCII but colon; "From " starts an mbox message.
  if (!/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(first) && !first.startsWith('From ')) return 'it does not start with a header field';
  return null;
}
