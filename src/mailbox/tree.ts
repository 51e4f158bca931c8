/**
 * The tree document's model (spec §18.4): which files are messages, which
 * are mbox files, Maildir flags, and the rules a name must follow before a
 * decoder creates it. Browser-safe: the file system side is in src/node/.
 * @module
 */

/** How a file's bytes are carried. */
export type FileKind = 'mime' | 'mbox' | 'data';

const MAILDIR_SUB = new Set(['cur', 'new', 'tmp']);

function ascii(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/**
 * The kind of a file from its path (names as bytes, the file's own last)
 * and its first bytes (spec §18.4): a file in a Maildir's `cur`, `new` or
 * `tmp`, or named `*.eml`, is a message; a file named `*.mbox` or `*.mbx`,
 * or any other file that begins with `From `, is an mbox; the rest is data.
 */
export function fileKind(path: readonly Uint8Array[], head: Uint8Array): FileKind {
  const name = ascii(path[path.length - 1]).toLowerCase();
  const parent = path.length >= 2 ? ascii(path[path.length - 2]) : '';
  if (MAILDIR_SUB.has(parent) || name.endsWith('.eml')) return 'mime';
  if (name.endsWith('.mbox') || name.endsWith('.mbx')) return 'mbox';
  if (name.endsWith('.msf')) return 'data';
  if (head.length >= 5 && head[0] === 0x46 && head[1] === 0x72 && head[2] === 0x6f && head[3] === 0x6d && head[4] === 0x20) return 'mbox';
  return 'data';
}

/** Maildir flags of a file name (`…:2,FRS`, `…!2,S`, `…;2,S`), or null. */
export function maildirFlags(name: Uint8Array): string | null {
  const m = /[:!;]2,([A-Za-z]*)$/.exec(ascii(name));
  return m === null ? null : m[1];
}

/** Why a name may not be created, or null (spec §18.5). */
export function badName(name: Uint8Array): string | null {
  if (name.length === 0) return 'an empty name';
  if (name.length === 1 && name[0] === 0x2e) return 'the name "."';
  if (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e) return 'the name ".."';
  if (name.includes(0x2f)) return 'a name with "/" (names are single path components; absolute paths are refused)';
  if (name.includes(0)) return 'a name with a NUL byte';
  if (name.length > 255) return 'a name longer than 255 bytes';
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The key under which two names would be the same file on a file system
 * that folds case and normalises Unicode (macOS, Windows): names of one
 * directory with equal keys collide there.
 */
export function foldKey(name: Uint8Array): string {
  let s: string;
  try {
    s = utf8.decode(name);
  } catch {
    s = ascii(name);
  }
  return s.normalize('NFC').toLowerCase();
}
