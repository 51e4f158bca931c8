/**
 * Tree documents: the vectors in fixtures/tree decode to trees that encode
 * back to the same XML (names, bytes, modification times); hostile
 * documents are refused with their codes and write nothing outside the
 * target, leaving nothing behind.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTree, encodeTree, verifyTree } from '../../src/node/tree-fs.js';
import { XmimeError } from '../../src/core/errors.js';
import { ROOT } from '../support/helpers.js';

const FIX = join(ROOT, 'fixtures', 'tree');
const work = mkdtempSync(join(tmpdir(), 'xmime-tree-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(work, `t${n++}`);

describe('tree conformance vectors (fixtures/tree/NAME.xml → tree → the same XML)', () => {
  const vectors = readdirSync(FIX).filter((f) => f.endsWith('.xml')).sort();
  it('there are vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(6));
  for (const v of vectors) {
    it(v, async () => {
      const dir = fresh();
      await decodeTree(join(FIX, v), dir);
      const out = fresh() + '.xml';
      await encodeTree(dir, out);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(FIX, v), 'utf8'));
      expect(await verifyTree(dir)).toBeNull();
    });
  }
  it('maildir: flags in names, CRLF message, empty tmp, mtimes', async () => {
    const dir = fresh();
    await decodeTree(join(FIX, 'maildir.xml'), dir);
    expect(readdirSync(join(dir, 'cur')).sort()).toEqual(['1700000000.M1P1.host,S=41:2,FRS', '1700000001.M2P1.host!2,S', '1700000002.M3P1.host;2,ST']);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(readFileSync(join(dir, 'new', '1700000003.M4P1.host'), 'latin1')).toBe('From: a@example.org\r\nSubject: hi\r\n\r\nHello.\r\n');
    expect(lstatSync(join(dir, 'cur', '1700000001.M2P1.host!2,S')).mtimeMs).toBe(1700000100000);
    expect(lstatSync(join(dir, 'cur')).mtimeMs).toBe(1700000200000);
    expect(lstatSync(dir).mtimeMs).toBe(1700000300000);
  });
  it('eml: names of any bytes come back exactly', async () => {
    const dir = fresh();
    await decodeTree(join(FIX, 'eml.xml'), dir);
    const names = (readdirSync(dir, { encoding: 'buffer' }) as Buffer[]).map((b) => b.toString('hex'));
    expect(names).toContain(Buffer.from('caf\xe9 & <quoted> "x".eml', 'latin1').toString('hex'));
    expect(names).toContain(Buffer.from('tab\there\x01.eml', 'latin1').toString('hex'));
    expect(names).toContain(Buffer.from('Entwürfe.eml', 'utf8').toString('hex'));
    expect(lstatSync(join(dir, 'one.eml')).mtimeMs).toBe(1700000600500);
  });
});

const T = (body: string) => `<tree xmlns="urn:xmpp:xmime:0">${body}</tree>`;

async function refused(doc: string, code: string, target = fresh()): Promise<void> {
  const f = fresh() + '.xml';
  writeFileSync(f, doc);
  const before = readdirSync(work).sort();
  let err: unknown = null;
  try {
    await decodeTree(f, target);
  } catch (e) {
    err = e;
  }
  expect(err, doc).toBeInstanceOf(XmimeError);
  expect((err as XmimeError).code, doc).toBe(code);
  // Nothing new beside the target (no temporary directory left), nothing outside it.
  expect(readdirSync(work).sort()).toEqual(before);
}

describe('hostile tree documents', () => {
  it('path traversal, absolute names, "/" inside a name, empty and dot names', async () => {
    await refused(T('<file name=".."/>'), 'tree-name');
    await refused(T('<dir name="a"><file name=".."/></dir>'), 'tree-name');
    await refused(T('<file name="../escape"/>'), 'tree-name');
    await refused(T('<file name="/etc/passwd"/>'), 'tree-name');
    await refused(T('<dir name="a/b"/>'), 'tree-name');
    await refused(T('<file name=""/>'), 'tree-name');
    await refused(T('<file name="."/>'), 'tree-name');
    await refused(T('<file name="a&#xF700;b"/>'), 'tree-name');
    await refused(T('<file name="a&#xF72F;b"/>'), 'tree-name'); // "/" as an escaped byte
    await refused(T('<file/>'), 'xmime-missing-attribute');
  });
  it('duplicate names, and names one file apart on a case-folding file system', async () => {
    await refused(T('<file name="a"/><file name="a"/>'), 'tree-duplicate');
    await refused(T('<file name="a"/><dir name="a"/>'), 'tree-duplicate');
    // On this (case-sensitive) system both may exist; where names fold they must not.
    const ok = fresh();
    const f = fresh() + '.xml';
    writeFileSync(f, T('<file name="Inbox"/><file name="INBOX"/>'));
    await decodeTree(f, ok);
    expect(readdirSync(ok).sort()).toEqual(['INBOX', 'Inbox']);
    const g = fresh() + '.xml';
    for (const doc of [T('<file name="Inbox"/><file name="INBOX"/>'), T('<file name="caf\u00e9"/><file name="cafe\u0301"/>')]) {
      writeFileSync(g, doc);
      const target = fresh();
      await expect(decodeTree(g, target, { foldNames: true })).rejects.toMatchObject({ code: 'tree-duplicate' });
      expect(() => lstatSync(target)).toThrow();
    }
  });
  it('a target that is not empty, is a file, or is a symbolic link', async () => {
    const full = fresh();
    mkdirSync(full);
    writeFileSync(join(full, 'x'), 'keep');
    await refused(T(''), 'tree-target', full);
    expect(readFileSync(join(full, 'x'), 'utf8')).toBe('keep');
    const file = fresh();
    writeFileSync(file, 'keep');
    await refused(T(''), 'tree-target', file);
    const away = fresh();
    mkdirSync(away);
    const link = fresh();
    symlinkSync(away, link);
    await refused(T('<file name="a"/>'), 'tree-target', link);
    expect(readdirSync(away)).toEqual([]);
  });
  it('an empty target directory is used; a document that fails half way leaves it as it was', async () => {
    const empty = fresh();
    mkdirSync(empty);
    await refused(T('<dir name="a"><file name="b"><data>x</data></file></dir><file name="c"><mime><bogus/></mime></file>'), 'xmime-element', empty);
    expect(readdirSync(empty)).toEqual([]);
    const f = fresh() + '.xml';
    writeFileSync(f, T('<file name="b"><data>x</data></file>'));
    await decodeTree(f, empty);
    expect(readFileSync(join(empty, 'b'), 'utf8')).toBe('x');
  });
  it('misplaced elements', async () => {
    await refused(T('<file name="a"><data>x</data><data>y</data></file>'), 'xmime-placement');
    await refused(T('<mime/>'), 'xmime-placement');
    await refused('<mbox xmlns="urn:xmpp:xmime:0"/>', 'xmime-placement');
    await refused(T('<file name="a" mtime="yesterday"/>'), 'xmime-attribute-value');
    await refused(T('<file name="a" owner="root"/>'), 'xmime-attribute');
    await refused(T('<file name="a"><mbox><mime><headers/></mime></mbox></file>'), 'xmime-placement');
  });
  it('encoding refuses symbolic links instead of following or dropping them', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.eml'), 'Subject: x\n\nbody\n');
    symlinkSync('/etc/passwd', join(dir, 'link'));
    const out = fresh() + '.xml';
    await expect(encodeTree(dir, out)).rejects.toMatchObject({ code: 'tree-symlink' });
    expect(() => lstatSync(out)).toThrow(); // no partial output
  });
});
