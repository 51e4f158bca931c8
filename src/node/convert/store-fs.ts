/**
 * The attachment store on disk: `DIR/ab/abcdef…` named by the body's SHA-256,
 * each body stored once however many messages carry it. Writing goes to a
 * temporary file in DIR, fsynced and renamed (a body is whole or absent);
 * reading maps a store URI to a path built from its 64 hex digits only, so no
 * URI can name a file outside DIR, and never follows a symbolic link.
 * @module
 */
import { closeSync, constants, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { BodyStore, StoreWriter } from '../../archive/store.js';
import { storeHash } from '../../archive/store.js';
import type { ExternalRef } from '../../xmime/events.js';
import { XmimeError, type ErrorCode } from '../../core/errors.js';
import type { Output } from '../../core/output.js';
import { DEFAULT_MAX_EXTERNAL_BYTES } from '../../api/external.js';

let serial = 0;

/** The path of a body in the store. */
export function storePath(dir: string, sha256: string): string {
  return join(dir, sha256.slice(0, 2), sha256);
}

/** A store under `dir` for bodies of more than `minBytes` bytes. */
export class FsStore implements BodyStore {
  /** Bodies written by this process, and their bytes (deduplicated ones not counted). */
  readonly written = { bodies: 0, bytes: 0 };

  constructor(
    readonly dir: string,
    readonly minBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  begin(): StoreWriter {
    const tmp = join(this.dir, `.tmp-${process.pid}-${process.hrtime.bigint().toString(36)}-${serial++}`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    const hash = createHash('sha256');
    let size = 0;
    return {
      write: (d, s, e) => {
        hash.update(d.subarray(s, e));
        size += e - s;
        for (let o = s; o < e; ) o += writeSync(fd, d, o, e - o);
      },
      end: () => {
        const hex = hash.digest('hex');
        fsyncSync(fd);
        closeSync(fd);
        const dest = storePath(this.dir, hex);
        mkdirSync(join(this.dir, hex.slice(0, 2)), { recursive: true });
        try {
          // link(2) fails if the body is there already: the first copy stays (it has these bytes).
          linkSync(tmp, dest);
          this.written.bodies++;
          this.written.bytes += size;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        } finally {
          unlinkSync(tmp);
        }
        return hex;
      },
    };
  }
}

function errorAt(where: XmimeError, code: ErrorCode, detail: string): XmimeError {
  return new XmimeError(code, detail, where.offset, where.line, where.column, where.excerpt);
}

/**
 * Writes `<external>` bodies from the store under `dir` into the output,
 * checking each as spec §7.5 says: the scheme (`cid` only: `external-scheme`),
 * a URI that names a stored body (`external-store`), the size limit
 * (`limit-external`), then the bytes' size (`external-size`) and SHA-256
 * (`external-hash`). The caller writes to a temporary file it removes on error.
 */
export function storeReader(dir: string, maxBytes = DEFAULT_MAX_EXTERNAL_BYTES): (ref: ExternalRef, where: XmimeError, out: Output) => void {
  return (ref, where, out) => {
    const scheme = ref.uri.slice(0, ref.uri.indexOf(':')).toLowerCase();
    if (scheme !== 'cid') throw errorAt(where, 'external-scheme', `URI scheme "${scheme}:" is not accepted (the attachment store's URIs are cid:sha256+HEX@bob.xmpp.org)`);
    const hex = storeHash(ref.uri);
    if (hex === null) throw errorAt(where, 'external-store', `${ref.uri} does not name a body in the attachment store (cid:sha256+64 hex digits@bob.xmpp.org)`);
    if (ref.size > maxBytes) throw errorAt(where, 'limit-external', `size ${ref.size} is over the maxExternalBytes limit of ${maxBytes}`);
    let fd: number;
    try {
      statSync(join(dir, hex.slice(0, 2))); // the fan-out directory (a link there is followed no further than DIR's own tree)
      fd = openSync(storePath(dir, hex), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      throw errorAt(where, 'external-resolve', `${ref.uri} is not in the attachment store ${dir}: ${(e as Error).message}`);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw errorAt(where, 'external-resolve', `${ref.uri} is not a regular file in the store`);
      if (st.size !== ref.size) throw errorAt(where, 'external-size', `${ref.uri} has ${st.size} bytes; size says ${ref.size}`);
      const hash = createHash('sha256');
      const buf = Buffer.allocUnsafe(1 << 16);
      let n = 0;
      for (let k = readSync(fd, buf, 0, buf.length, null); k > 0; k = readSync(fd, buf, 0, buf.length, null)) {
        n += k;
        if (n > ref.size) break;
        const c = new Uint8Array(buf.buffer, buf.byteOffset, k);
        hash.update(c);
        out.bytes(c);
        out.flush(1 << 16);
      }
      if (n !== ref.size) throw errorAt(where, 'external-size', `${ref.uri} gave ${n} bytes; size says ${ref.size}`);
      const h = hash.digest('hex');
      if (h !== ref.sha256) throw errorAt(where, 'external-hash', `${ref.uri} gave bytes with SHA-256 ${h}; sha256 says ${ref.sha256}`);
    } finally {
      closeSync(fd);
    }
  };
}
