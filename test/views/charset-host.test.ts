/**
 * Tables from the host's `TextDecoder` (spec §7.4.3, "Platform decoders"):
 * taken only when every entry equals the standard's, so a decoder that gets
 * one entry wrong is refused; and a codec with neither an exact host decoder
 * nor the registered tables (a browser bundle without `xmime/charsets`) shows
 * no view for the charset, keeps every byte, and refuses a document that
 * uses it, rather than writing a wrong byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toXml } from '../../src/api/codec.js';
import { singleFromHost } from '../../src/views/charset.js';
import { fromHost } from '../../src/views/charset-multibyte.js';
import SINGLE_BYTE from '../../src/views/charsets/single-byte.js';
import { SINGLE_HASH } from '../../src/views/charsets/tables.js';
import { ROOT } from '../support/helpers.js';

/** The standard's table of a single-byte encoding as a decoder of bytes 0x00..0xFF would give it. */
const exact = (name: string): string => String.fromCharCode(...Array.from({ length: 128 }, (_, b) => b)) + SINGLE_BYTE[name];
const fake = (s: string) => ({ decode: () => s });
const mail = (name: string) => new Uint8Array(readFileSync(join(ROOT, 'fixtures', 'charsets', `${name}.eml`)));
const str = (b: string | Uint8Array) => (typeof b === 'string' ? b : new TextDecoder().decode(b));

describe('a single-byte table from the host decoder', () => {
  it('is taken when it is exactly the standard\'s, for all 28', () => {
    expect(Object.keys(SINGLE_HASH).sort()).toEqual(Object.keys(SINGLE_BYTE).sort());
    expect(Object.keys(SINGLE_HASH)).toHaveLength(28);
    for (const name of Object.keys(SINGLE_HASH)) {
      const t = singleFromHost(name, fake(exact(name)));
      expect(t, name).not.toBe(null);
      expect(String.fromCharCode(...t!), name).toBe(exact(name));
    }
  });

  it('is refused when one entry differs, one byte more or less is decoded, or the decoder throws', () => {
    for (const name of Object.keys(SINGLE_HASH)) {
      const s = exact(name);
      for (const b of [0x00, 0x41, 0x80, 0x9f, 0xaa, 0xff]) {
        const other = s.charCodeAt(b) === 0xfffd ? 'x' : s.charCodeAt(b) === 0x20ac ? '\u00a4' : '\ufffd';
        expect(singleFromHost(name, fake(s.slice(0, b) + other + s.slice(b + 1))), `${name} 0x${b.toString(16)}`).toBe(null);
      }
      expect(singleFromHost(name, fake(s.slice(0, 255)))).toBe(null);
      expect(singleFromHost(name, fake(s + 'x'))).toBe(null);
      expect(singleFromHost(name, { decode: () => { throw new RangeError('unsupported'); } })).toBe(null);
    }
  });

  it('Node\'s own decoders fail the hash where they depart from the standard (so the Node entry registers the tables)', () => {
    const failing = Object.keys(SINGLE_HASH).filter((n) => singleFromHost(n) === null);
    // Node's ICU tables for IBM866, KOI8-U and windows-1253 depart from the standard's (§7.4.3), as do others in some versions.
    expect(failing).toEqual(expect.arrayContaining(['windows-1253', 'koi8-u', 'ibm866']));
    for (const name of Object.keys(SINGLE_HASH).filter((n) => !failing.includes(n))) expect(String.fromCharCode(...singleFromHost(name)!)).toBe(exact(name));
  });
});

describe('a multi-byte index from the host decoder', () => {
  it('is refused when one entry differs', () => {
    // Node's ICU serves jis0208 exactly (through Shift_JIS): as it is it passes, with one changed entry it does not.
    const host = new TextDecoder('shift_jis');
    const ok = fromHost('jis0208', host);
    expect(ok).not.toBe(null);
    let changed = false;
    const wrong = {
      decode(b: Uint8Array) {
        const lines = host.decode(b).split('\n');
        const k = lines.findIndex((l) => l !== '\ufffd' && l !== '');
        lines[k] = lines[k] === '\u4e00' ? '\u4e01' : '\u4e00';
        changed = true;
        return lines.join('\n');
      },
    };
    expect(fromHost('jis0208', wrong)).toBe(null);
    expect(changed).toBe(true);
  });
});

describe('without an exact host decoder and without the tables', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  /** A fresh codec (no registration) on a host whose TextDecoder knows only UTF-8 and UTF-16. */
  async function bareCodec() {
    const Host = globalThis.TextDecoder;
    vi.stubGlobal('TextDecoder', class extends Host {
      constructor(label?: string, options?: TextDecoderOptions) {
        if (!/^utf-(8|16le|16be)$/.test(label ?? 'utf-8')) throw new RangeError(`no decoder for ${label}`);
        super(label, options);
      }
    });
    vi.resetModules();
    const codec = await import('../../src/api/codec.js');
    const charset = await import('../../src/views/charset.js');
    const errors = await import('../../src/core/errors.js');
    return { ...codec, ...charset, XmimeError: errors.XmimeError };
  }

  it('a single-byte or multi-byte charset has no decoder and no encoder', async () => {
    const bare = await bareCodec();
    for (const name of ['iso-8859-2', 'windows-1252', 'koi8-r', 'shift_jis', 'big5', 'gb18030', 'iso-2022-jp']) {
      expect(bare.decodeCharset(name, Uint8Array.of(0x41)), name).toBe(null);
      expect(bare.charsetEncoder(name), name).toBe(null);
    }
    // What needs no table still works.
    expect(bare.decodeCharset('utf-16le', Uint8Array.of(0x41, 0))).toBe('A');
    expect(bare.decodeCharset('utf-7', new TextEncoder().encode('+AOk-'))).toBe('\u00e9');
  });

  for (const name of ['iso-8859-2', 'windows-1252', 'shift_jis']) {
    it(`${name}: the text stays bytes (lossless), and a document with its view is refused, never written wrong`, async () => {
      const mime = mail(name);
      const full = str(toXml(mime)); // this process has the tables registered (test/support/charset-tables.ts)
      expect(full).toMatch(/<text\b/);
      const bare = await bareCodec();
      const xml = str(bare.toXml(mime));
      expect(xml).not.toMatch(/<text\b/);
      expect(xml).toMatch(/<body\b/);
      expect(Buffer.compare(Buffer.from(bare.toMime(xml)), Buffer.from(mime))).toBe(0);
      let err: unknown;
      try {
        bare.toMime(full);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(bare.XmimeError);
      expect((err as { code: string }).code).toMatch(/^xmime-(attribute-value|charset)$/);
    });
  }

  it('with Node\'s decoders, the tables that pass the hash are used and the others are not', async () => {
    vi.resetModules();
    const { decodeCharset } = await import('../../src/views/charset.js');
    expect(decodeCharset('iso-8859-2', Uint8Array.of(0xa1))).toBe('\u0104'); // Node's ISO-8859-2 is exact
    expect(decodeCharset('koi8-u', Uint8Array.of(0xae))).toBe(null); // Node's KOI8-U is not (0xAE as box drawing)
  });
});
