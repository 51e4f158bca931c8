/**
 * Argument checks for the public entry points. JavaScript callers (and
 * TypeScript callers with `any`) can pass a string where bytes are meant;
 * without a check a string is read as an empty array-like and the message
 * silently becomes NUL bytes. Each check throws a TypeError that says what
 * to pass instead.
 * @module
 */

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'a string';
  if (typeof v !== 'object') return typeof v;
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * MIME input: a `Uint8Array` (a Node `Buffer` is one). An `ArrayBuffer` is
 * taken as its bytes; anything else, a string above all, is a TypeError.
 */
export function mimeBytes(fn: string, v: unknown, what = "the message's bytes"): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  const hint =
    typeof v === 'string'
      ? ': a string is not bytes. Pass new TextEncoder().encode(text), or read the file without an encoding (readFileSync(path), not readFileSync(path, "utf8"))'
      : '';
  throw new TypeError(`${fn} takes ${what} as a Uint8Array, not ${kind(v)}${hint}`);
}

/** XMIME input: a string or UTF-8 bytes (`Uint8Array`; an `ArrayBuffer` is taken as its bytes). */
export function xmlInput(fn: string, v: unknown): string | Uint8Array {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`${fn} takes an XMIME document as a string or as UTF-8 bytes (Uint8Array), not ${kind(v)}`);
}

/** A stream chunk of MIME: bytes only. */
export function mimeChunk(fn: string, v: unknown, what = "the message's bytes"): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`${fn} takes chunks of ${what} (Uint8Array), not ${kind(v)}`);
}

/** An options argument: an object (undefined is replaced by the default `{}` before this runs). */
export function optionsArg(fn: string, v: unknown): void {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${fn}: options must be an object, not ${kind(v)}`);
}

/** A function argument (callbacks, element factories). */
export function fnArg(fn: string, name: string, v: unknown): void {
  if (typeof v !== 'function') throw new TypeError(`${fn}: ${name} must be a function, not ${kind(v)}`);
}

/** An element argument (DOM or ltx): an object. */
export function objectArg(fn: string, name: string, v: unknown): void {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${fn}: ${name} must be ${name === 'doc' ? 'a DOM Document' : 'an element'}, not ${kind(v)}`);
}

/**
 * A string is an XMIME document, bytes are MIME (or an mbox file). A string
 * that cannot be XML (its first character other than white space is not
 * `<`) is almost surely a message read as text, so it is a TypeError that
 * says to pass its bytes.
 */
export function documentOrBytes(fn: string, v: unknown, what: string, bytes = "the message's bytes"): Uint8Array | string {
  if (typeof v === 'string') {
    const m = /^[\ufeff \t\r\n]*(.)/s.exec(v);
    if (m !== null && m[1] !== '<')
      throw new TypeError(
        `${fn}(string) reads an XMIME document, and this string does not start with "<". For ${what}, pass its bytes: readFileSync(path) without an encoding, or new TextEncoder().encode(text)`,
      );
    return v;
  }
  return mimeBytes(`${fn}(input)`, v, bytes);
}
