/**
 * Embedding XMIME in host documents (src/api/embed.ts): DOM elements
 * (@xmldom/xmldom, and a minimal structural DOM standing in for a browser)
 * and ltx elements (@xmpp/xml), each inside a `<message/>` stanza, through
 * the host's own serializer and parser and back to the original bytes.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import xml, { Parser } from '@xmpp/xml';
import parse from '@xmpp/xml/lib/parse.js';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ElementLike,
  elementToXml,
  fromElement,
  fromLtx,
  type LtxElementLike,
  ltxToXml,
  toElement,
  toLtx,
} from '../../src/api/embed.js';
import { ERROR_CODES, XmimeError } from '../../src/core/errors.js';
import { NS } from '../../src/xmime/events.js';
import { toMime, toXml } from '../../src/api/codec.js';
import { toMimeAsync } from '../../src/index.js';
import { corpusDir, firstDiff, needs, NO_CORPUS, randomSizes, ROOT, utf8, walk } from '../support/helpers.js';

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

interface Mail {
  name: string;
  mime: Uint8Array;
}

const FIXTURES = join(ROOT, 'fixtures');
const fixtures: Mail[] = walk(FIXTURES)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => ({ name: relative(FIXTURES, f), mime: new Uint8Array(readFileSync(f)) }));

/** Hand-made mails for the characters that need care in each host. */
const tricky: Mail[] = [
  ['cdata-end', 'Subject: a ]]> b\r\n\r\nx ]]> y ]] > ]]]]>>\r\n'],
  ['stray-cr', 'Subject: a\rb\r\n\r\nline\rmore\r\r\n'],
  ['lf-with-cr', 'Subject: x\n\nbody\r\nwith\rcr\n'],
  ['tabs-and-pad', 'Content-Type: multipart/mixed; boundary=b\r\nX-T\t:\tv\r\n\r\n--b \t \r\n\r\ntab\there\r\n--b--\t\r\nend'],
  ['escape-chars', 'Subject: \uF70D\u2028\u0085\r\n\r\n\uF700\uFFFD \u2029 \u0000\u007F\r\n'],
  ['xml-specials', 'Subject: <&"\'>\r\n\r\n<a href="x">&amp;</a>\r\n'],
].map(([name, s]) => ({ name, mime: utf8(s) }));
tricky.push({ name: 'bytes', mime: Uint8Array.from([0x53, 0x3a, 0xff, 0x0a, 0x0a, 0x00, 0x0d, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xef, 0xbf, 0xbe]) });

/** About 200 mails spread over the corpus, or none. */
function corpusSample(): Mail[] {
  const dir = corpusDir();
  if (dir === null) return [];
  const files = walk(dir).filter((f) => /\.(eml|mbox)$/.test(f));
  const step = Math.max(1, Math.floor(files.length / 200));
  return files.filter((_, i) => i % step === 0).map((f) => ({ name: relative(dir, f), mime: new Uint8Array(readFileSync(f)) }));
}
const corpus = corpusSample();

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const STANZA = '<message xmlns="jabber:client" from="sam@example.org/laptop" to="alex@example.net" type="normal" id="m1"/>';

/** xmldom, quiet about warnings (the tricky mails hold U+FFFD on purpose), strict about errors. */
function xmlDoc(s: string) {
  const onError = (level: string, msg: string) => {
    if (level !== 'warning') throw new Error(msg);
  };
  return new DOMParser({ onError }).parseFromString(s, 'text/xml');
}

/** The first element child of `n`. */
function firstElement(n: { childNodes: ArrayLike<unknown> }): ElementLike {
  for (const c of Array.from(n.childNodes) as ElementLike[]) if (c.nodeType === 1) return c;
  throw new Error('no element child');
}

/** The only XMIME `mime` element under a DOM node. */
function mimeIn(root: { getElementsByTagNameNS(ns: string, local: string): ArrayLike<unknown> }): ElementLike {
  const list = root.getElementsByTagNameNS(NS, 'mime');
  expect(list.length).toBe(1);
  return list[0] as ElementLike;
}

/** A canonical dump of a DOM's infoset: names with namespaces, sorted attributes (no declarations), merged text. */
function infoset(el: ElementLike): string {
  const attrs: string[] = [];
  for (let k = 0; k < el.attributes.length; k++) {
    const a = el.attributes.item(k)!;
    if (a.namespaceURI === 'http://www.w3.org/2000/xmlns/') continue;
    attrs.push(`{${a.namespaceURI ?? ''}}${a.localName}=${JSON.stringify(a.value)}`);
  }
  let out = `<{${el.namespaceURI ?? ''}}${el.localName} ${attrs.sort().join(' ')}>`;
  let text = '';
  for (let k = 0; k < el.childNodes.length; k++) {
    const n = el.childNodes.item(k)!;
    if (n.nodeType === 3 || n.nodeType === 4) text += n.nodeValue;
    else {
      if (text !== '') out += JSON.stringify(text);
      text = '';
      out += infoset(n as ElementLike);
    }
  }
  if (text !== '') out += JSON.stringify(text);
  return `${out}</>`;
}

function same(a: Uint8Array, b: Uint8Array, name: string, how: string): string[] {
  const d = firstDiff(a, b);
  return d < 0 ? [] : [`${name}: ${how} differs at byte ${d}`];
}

/** MIME → xmldom element in a stanza → XMLSerializer → DOMParser → fromElement; returns failures. */
function viaXmldom(m: Mail, indent = true): string[] {
  const doc = xmlDoc(STANZA);
  const el = toElement(doc, m.mime, { indent });
  doc.documentElement!.appendChild(doc.createElementNS('jabber:client', 'body')).appendChild(doc.createTextNode('A mail.'));
  doc.documentElement!.appendChild(el);
  const bad = same(fromElement(el as unknown as ElementLike), m.mime, m.name, 'fromElement of the built element');
  const wire = new XMLSerializer().serializeToString(doc.documentElement!);
  const back = mimeIn(xmlDoc(wire).documentElement!);
  bad.push(...same(fromElement(back), m.mime, m.name, 'xmldom round trip'));
  return bad;
}

/** MIME → toLtx in an ltx `<message>` → toString → @xmpp/xml parse → fromLtx; returns failures. */
function viaLtx(m: Mail, indent = true): string[] {
  const el = toLtx(m.mime, xml, { indent });
  const stanza = xml('message', { xmlns: 'jabber:client', to: 'alex@example.net', type: 'normal' }, xml('body', {}, 'A mail.'), el);
  const bad = same(fromLtx(el), m.mime, m.name, 'fromLtx of the built element');
  const wire = stanza.toString();
  const back = parse(wire).getChild('mime', NS);
  bad.push(...same(fromLtx(back), m.mime, m.name, 'ltx round trip'));
  // A conformant reader of what ltx writes.
  bad.push(...same(toMime(el.toString()), m.mime, m.name, 'toMime(ltx toString)'));
  return bad;
}

/** Like an @xmpp/client session: a stream of stanzas cut into chunks, parsed by @xmpp/xml's Parser. */
function viaLtxStream(mails: Mail[], seed: number): string[] {
  const header = '<stream:stream xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams" to="example.net" version="1.0">';
  const wire = header + mails.map((m) => xml('message', { to: 'alex@example.net', id: m.name }, toLtx(m.mime, xml, { indent: false })).toString()).join('');
  const got: LtxElementLike[] = [];
  const p = new Parser();
  p.on('element', (el: LtxElementLike) => got.push(el));
  p.on('error', (e: Error) => {
    throw e;
  });
  const sizes = randomSizes(seed, 256, 97);
  for (let i = 0, k = 0; i < wire.length; k++) {
    const n = sizes[k % sizes.length];
    p.write(wire.slice(i, i + n));
    i += n;
  }
  const bad: string[] = [];
  if (got.length !== mails.length) bad.push(`${got.length} stanzas for ${mails.length} mails`);
  got.forEach((st, i) => {
    const el = (st.children ?? []).find((c) => (c as LtxElementLike).name === 'mime') as LtxElementLike;
    bad.push(...same(fromLtx(el), mails[i].mime, mails[i].name, 'chunked ltx stream'));
  });
  return bad;
}

/** XMIME text with every element name prefixed `xm:` and no namespace declaration of its own. */
function prefixed(xmime: string): string {
  return xmime.replace(' xmlns="urn:xmpp:xmime:0"', '').replace(/<(\/?)([a-z-]+)/g, '<$1xm:$2');
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof XmimeError) return e.code;
    throw e;
  }
  throw new Error('no error');
}

const sam = fixtures.find((m) => m.name === 'sam.eml')!;

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('DOM embedding (@xmldom/xmldom)', () => {
  it('every fixture and tricky mail round-trips through a stanza, with and without indentation', () => {
    const bad = [...fixtures, ...tricky].flatMap((m) => [...viaXmldom(m), ...viaXmldom(m, false)]);
    expect(bad).toEqual([]);
  });

  it('builds exactly the infoset of toXml', () => {
    const bad: string[] = [];
    for (const m of [...fixtures, ...tricky]) {
      const built = toElement(xmlDoc(STANZA), m.mime) as unknown as ElementLike;
      const parsed = xmlDoc(toXml(m.mime)).documentElement as unknown as ElementLike;
      if (infoset(built) !== infoset(parsed)) bad.push(m.name);
    }
    expect(bad).toEqual([]);
  });

  it('without indentation, structural elements hold no text nodes', () => {
    const el = toElement(xmlDoc(STANZA), sam.mime, { indent: false }) as unknown as ElementLike;
    const structural = new Set(['mime', 'headers', 'multipart', 'part', 'message']);
    const texts: string[] = [];
    const visit = (e: ElementLike) => {
      for (let k = 0; k < e.childNodes.length; k++) {
        const n = e.childNodes.item(k)!;
        if (n.nodeType === 1) visit(n as ElementLike);
        else if (structural.has(e.localName!)) texts.push(`${e.localName}: ${JSON.stringify(n.nodeValue)}`);
      }
    };
    visit(el);
    expect(texts).toEqual([]);
    expect(elementToXml(el)).not.toMatch(/>\s+</);
    expect(fromElement(el)).toEqual(sam.mime);
  });

  it('text nodes hold the escape characters themselves, and the root declares its namespace', () => {
    const doc = xmlDoc(STANZA);
    const el = toElement(doc, utf8('Subject: a\rb\r\n\r\nx\u0000y\r\n')) as unknown as ElementLike;
    const s = elementToXml(el);
    expect(s).toContain('<header name="Subject">a\uF70Db</header>');
    expect(s).toContain('>x\uF700y\n</');
    expect(s).not.toContain('&#');
    expect(el.attributes.length).toBe(1);
    expect(el.attributes.item(0)!.name).toBe('xmlns');
    expect(el.attributes.item(0)!.value).toBe(NS);
    // xmldom writes the private-use characters as they are, and reads them back.
    const wire = new XMLSerializer().serializeToString(el as never);
    expect(wire).toContain('a\uF70Db');
    expect(mimeIn(xmlDoc(`<m>${wire}</m>`).documentElement!).childNodes.length).toBeGreaterThan(0);
  });

  it('reads an element that inherits a prefix declared on the stanza', () => {
    const bad: string[] = [];
    for (const m of [...fixtures, ...tricky]) {
      const wire = `<message xmlns="jabber:client" xmlns:xm="${NS}" to="alex@example.net">${prefixed(toXml(m.mime))}</message>`;
      const el = firstElement(xmlDoc(wire).documentElement!);
      expect(el.prefix).toBe('xm');
      bad.push(...same(fromElement(el), m.mime, m.name, 'prefix on the stanza'));
    }
    expect(bad).toEqual([]);
    const el = firstElement(xmlDoc(`<message xmlns="jabber:client" xmlns:xm="${NS}">${prefixed(toXml(sam.mime))}</message>`).documentElement!);
    expect(elementToXml(el).startsWith(`<xm:mime xmlns:xm="${NS}">`)).toBe(true);
  });

  it('reads an element that inherits the default namespace from an ancestor', () => {
    const inner = toXml(sam.mime).replace(' xmlns="urn:xmpp:xmime:0"', '');
    const wire = `<message xmlns="jabber:client"><x xmlns="${NS}" xmlns:j="jabber:client">${inner}</x></message>`;
    const el = firstElement(firstElement(xmlDoc(wire).documentElement!));
    expect(el.localName).toBe('mime');
    expect(el.attributes.length).toBe(0);
    expect(fromElement(el)).toEqual(sam.mime);
    expect(elementToXml(el).startsWith(`<mime xmlns="${NS}">`)).toBe(true);
  });

  it('reads a prefixed element with its own declaration, and qualified extension attributes', () => {
    const wire = `<message xmlns="jabber:client"><x:mime xmlns:x="${NS}" xmlns:e="urn:example:ext" e:id="42" xml:lang="en">${prefixed(toXml(sam.mime))
      .replace(/^<xm:mime>/, '')
      .replace(/xm:/g, 'x:')}</message>`;
    const el = firstElement(xmlDoc(wire).documentElement!);
    expect(fromElement(el)).toEqual(sam.mime);
    const s = elementToXml(el);
    expect(s.startsWith(`<x:mime xmlns:x="${NS}" xmlns:e="urn:example:ext" e:id="42" xml:lang="en">`)).toBe(true);
  });

  it('serializes any namespace layout so that the infoset survives (elementToXml)', () => {
    const doc = xmlDoc('<root xmlns="urn:default" xmlns:x="urn:A"><x:keep x:a="1"/></root>');
    const el = doc.createElementNS('urn:A', 'x:foo');
    el.setAttributeNS('urn:B', 'x:bar', '1'); // the element's own prefix, another namespace
    el.setAttributeNS('urn:B', 'y:baz', '2');
    el.setAttributeNS('urn:C', 'q', '3'); // namespaced, no prefix
    el.setAttributeNS('http://www.w3.org/XML/1998/namespace', 'xml:lang', 'en');
    el.setAttribute('plain', 'a\tb\nc\rd"<&>');
    el.appendChild(doc.createElementNS(null, 'none')).appendChild(doc.createElementNS('urn:A', 'x:back'));
    el.appendChild(doc.createElementNS('urn:default', 'dflt')).appendChild(doc.createCDATASection('c\r\n<&>]]'));
    doc.documentElement!.appendChild(el);
    for (const e of [el, doc.documentElement!] as unknown as ElementLike[]) {
      const s = elementToXml(e);
      expect(infoset(xmlDoc(s).documentElement as unknown as ElementLike)).toBe(infoset(e));
    }
  });

  it('reports a wrong element, namespace, attribute, text or comment with an XmimeError code', () => {
    const fresh = () => {
      const doc = xmlDoc(STANZA);
      const el = toElement(doc, sam.mime);
      doc.documentElement!.appendChild(el);
      return { doc, el, headers: el.getElementsByTagNameNS(NS, 'headers')[0] };
    };
    const cases: [string, (f: ReturnType<typeof fresh>) => void][] = [
      ['xmime-element', (f) => f.headers.appendChild(f.doc.createElementNS(NS, 'bogus'))],
      ['xmime-namespace', (f) => f.headers.appendChild(f.doc.createElementNS('urn:example:other', 'header'))],
      ['xmime-namespace', (f) => f.headers.appendChild(f.doc.createElementNS(null, 'header'))],
      ['xmime-placement', (f) => f.el.appendChild(f.doc.createElementNS(NS, 'header'))],
      ['xmime-text', (f) => f.headers.appendChild(f.doc.createTextNode('stray'))],
      ['xml-comment', (f) => f.headers.appendChild(f.doc.createComment('note'))],
      ['xmime-attribute', (f) => f.headers.setAttribute('bogus', '1')],
      ['xmime-attribute-value', (f) => f.headers.setAttribute('end', 'CRLF')],
      ['xmime-missing-attribute', (f) => f.el.getElementsByTagNameNS(NS, 'header')[0].removeAttribute('name')],
      ['xml-char', (f) => f.el.getElementsByTagNameNS(NS, 'header')[0].appendChild(f.doc.createTextNode('\u0001'))],
    ];
    const got = cases.map(([, mutate]) => {
      const f = fresh();
      mutate(f);
      return codeOf(() => fromElement(f.el as unknown as ElementLike));
    });
    expect(got).toEqual(cases.map(([code]) => code));
    expect(codeOf(() => fromElement(xmlDoc(STANZA).documentElement as unknown as ElementLike))).toBe('xmime-namespace');
    for (const c of got) expect(c in ERROR_CODES).toBe(true);
  });

  it('keeps CR, TAB and LF that are characters of the DOM (character references)', () => {
    const doc = xmlDoc(STANZA);
    const el = toElement(doc, utf8('Received:x\r\n\r\n')); // a field without a view: its text is the value
    const h = el.getElementsByTagNameNS(NS, 'header')[0];
    h.setAttribute('sep', '\t:');
    h.appendChild(doc.createTextNode('a\r\nb'));
    expect(elementToXml(el as unknown as ElementLike)).toContain('sep="&#x9;:"');
    expect(new TextDecoder().decode(fromElement(el as unknown as ElementLike))).toBe('Received\t:xa\r\r\nb\r\n\r\n');
  });

  it('builds with any structural DOM: no host parsing, only the five methods', () => {
    const bad = [...fixtures, ...tricky].flatMap((m) => {
      const el = toElement(new FakeDocument(), m.mime);
      return same(fromElement(el), m.mime, m.name, 'fake DOM');
    });
    expect(bad).toEqual([]);
  });
});

describe('ltx embedding (@xmpp/xml)', () => {
  it('every fixture and tricky mail round-trips through a stanza, with and without indentation', () => {
    const bad = [...fixtures, ...tricky].flatMap((m) => [...viaLtx(m), ...viaLtx(m, false)]);
    expect(bad).toEqual([]);
  });

  it('every mail survives a chunked stream of stanzas (as an @xmpp/client session reads it)', () => {
    expect(viaLtxStream([...fixtures, ...tricky], 7)).toEqual([]);
  });

  it('writes what conformant parsers and ltx read alike: the infoset of toXml', () => {
    const bad: string[] = [];
    for (const m of [...fixtures, ...tricky]) {
      const s = toLtx(m.mime, xml).toString();
      if (infoset(xmlDoc(s).documentElement as unknown as ElementLike) !== infoset(xmlDoc(toXml(m.mime)).documentElement as unknown as ElementLike)) bad.push(m.name);
      // ltx's parser reads the encoder's own text too.
      bad.push(...same(fromLtx(parse(toXml(m.mime))), m.mime, m.name, 'ltx parse of toXml'));
    }
    expect(bad).toEqual([]);
  });

  it('ltx escapes every ">" and writes U+F70D, tabs and line feeds raw; nothing of XMIME needs more', () => {
    const el = toLtx(utf8('Subject: a\rb ]]> c\r\n\r\nx\ty ]]> \r\r\n'), xml);
    const s = el.toString();
    expect(s).toContain('<header name="Subject">a\uF70Db ]]&gt; c</header>');
    expect(s).toContain('>x\ty ]]&gt; \uF70D\n</');
    expect(s).not.toContain('\r');
    const pad = toLtx(utf8('Content-Type: multipart/mixed; boundary=b\r\nX\t:\tv\r\n\r\n--b \t\r\n\r\n--b--'), xml).toString();
    expect(pad).toContain('<header name="X" sep="\uF709:">\tv</header>');
    expect(pad).toContain('pad="\uF720\uF709"');
    expect(pad).not.toMatch(/="[^"]*[\t\n\r]/);
  });

  it('reads an element that inherits a prefix or the default namespace from the stanza', () => {
    const bad: string[] = [];
    for (const m of [...fixtures, ...tricky]) {
      const p = parse(`<message xmlns="jabber:client" xmlns:xm="${NS}" to="alex@example.net">${prefixed(toXml(m.mime))}</message>`);
      const el = p.getChild('mime', NS);
      expect(el.name).toBe('xm:mime');
      bad.push(...same(fromLtx(el), m.mime, m.name, 'prefix on the stanza'));
      const d = parse(`<message xmlns="jabber:client"><x xmlns="${NS}">${toXml(m.mime).replace(' xmlns="urn:xmpp:xmime:0"', '')}</x></message>`);
      bad.push(...same(fromLtx(d.getChild('x').getChild('mime')), m.mime, m.name, 'default namespace on an ancestor'));
    }
    expect(bad).toEqual([]);
    const p = parse(`<message xmlns="jabber:client" xmlns:xm="${NS}">${prefixed(toXml(sam.mime))}</message>`);
    expect(ltxToXml(p.getChild('mime', NS)).startsWith(`<xm:mime xmlns:xm="${NS}">`)).toBe(true);
  });

  it('reads plain objects of the same shape (no parent links)', () => {
    const plain = (e: LtxElementLike): LtxElementLike => ({
      name: e.name,
      attrs: { ...e.attrs },
      children: (e.children ?? []).map((c) => (typeof c === 'string' ? c : plain(c as LtxElementLike))),
    });
    const p = parse(`<message xmlns:xm="${NS}">${prefixed(toXml(sam.mime)).replace('<xm:mime>', `<xm:mime xmlns:xm="${NS}">`)}</message>`);
    expect(fromLtx(plain(p.getChild('mime', NS)))).toEqual(sam.mime);
  });

  it('equals toMime(el.toString()): raw CR and attribute white space mean what a conformant parser makes of them', () => {
    const el = xml('mime', { xmlns: NS, eol: 'lf' }, xml('headers', {}, xml('header', { name: 'X', sep: '\t:' }, 'a\r\nb')));
    expect(new TextDecoder().decode(fromLtx(el))).toBe('X :a\nb\n\n');
    expect(fromLtx(el)).toEqual(toMime(el.toString()));
  });

  it('reports a wrong element, namespace or prefix with an XmimeError code', () => {
    const withChild = (c: unknown) => {
      const el = toLtx(sam.mime, xml);
      el.getChild('headers').append(c);
      return el;
    };
    expect(codeOf(() => fromLtx(withChild(xml('bogus', {}))))).toBe('xmime-element');
    expect(codeOf(() => fromLtx(withChild(xml('header', { xmlns: 'urn:example:other', name: 'X' }))))).toBe('xmime-namespace');
    expect(codeOf(() => fromLtx(withChild(xml('q:header', { name: 'X' }))))).toBe('xml-namespace');
    expect(codeOf(() => fromLtx(withChild('text')))).toBe('xmime-text');
    expect(codeOf(() => fromLtx(xml('message', { xmlns: 'jabber:client' })))).toBe('xmime-namespace');
  });
});

describe(`corpus sample (${corpus.length} mails)`, () => {
  needs(corpus.length > 0, NO_CORPUS);
  it('round-trips through xmldom stanzas', () => {
    expect(corpus.flatMap((m) => viaXmldom(m))).toEqual([]);
  });

  it('round-trips through ltx stanzas, one by one and as a chunked stream', () => {
    expect(corpus.flatMap((m) => viaLtx(m, false))).toEqual([]);
    expect(viaLtxStream(corpus, 11)).toEqual([]);
  });
});

describe('the XMPP section of the spec', () => {
  const text = readFileSync(join(ROOT, 'spec', 'xmime.md'), 'utf8');
  const blocks = [...text.matchAll(/```xml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const stanza = blocks.find((b) => b.startsWith('<message') && b.includes('<mime') && !b.includes('<external'));
  const oob = blocks.find((b) => b.startsWith('<message') && b.includes('<external'));

  it('has a <message/> stanza example that decodes to fixtures/sam.eml, read by xmldom and by ltx', () => {
    expect(stanza).toBeDefined();
    expect(fromElement(mimeIn(xmlDoc(stanza!).documentElement!))).toEqual(sam.mime);
    expect(fromLtx(parse(stanza!).getChild('mime', NS))).toEqual(sam.mime);
  });

  it('has a stanza with an out-of-band body that, fetched and checked, decodes to fixtures/sam.eml', async () => {
    expect(oob).toBeDefined();
    const body = /image\/png[^]*?\r\n\r\n([^]*?)\r\n--/.exec(Buffer.from(sam.mime).toString('latin1'))![1];
    const el = parse(oob!).getChild('mime', NS);
    const resolve = async (uri: string) => (uri === 'https://upload.example.org/3f6a/smile.png' ? new Uint8Array(Buffer.from(body, 'latin1')) : Promise.reject(new Error(uri)));
    expect(await toMimeAsync(ltxToXml(el), { resolve })).toEqual(sam.mime);
    const doc = elementToXml(mimeIn(xmlDoc(oob!).documentElement!));
    expect(await toMimeAsync(doc, { resolve })).toEqual(sam.mime);
  });

  it('has a disco#info result with the feature urn:xmpp:xmime:0', () => {
    const iqs = blocks.flatMap((b) => [...b.matchAll(/<iq[\s\S]*?<\/iq>/g)].map((m) => m[0]));
    const result = iqs.map((s) => xmlDoc(s).documentElement!).find((iq) => iq.getAttribute('type') === 'result');
    expect(result).toBeDefined();
    const features = Array.from(result!.getElementsByTagNameNS('http://jabber.org/protocol/disco#info', 'feature')).map((f) => f.getAttribute('var'));
    expect(features).toContain(NS);
  });
});

describe('platform neutrality', () => {
  it('embed.ts bundles for the browser without @xmpp/xml or xmldom, and works there', async () => {
    const out = await build({ entryPoints: [join(ROOT, 'src', 'api', 'embed.ts')], bundle: true, platform: 'browser', format: 'esm', write: false });
    const code = out.outputFiles[0].text;
    expect(code).not.toMatch(/^\s*import\b|\brequire\(|['"](node:[a-z]+|@xmldom\/xmldom|@xmpp\/xml|ltx)['"\/]/m);
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    expect(mod.fromElement(mod.toElement(new FakeDocument(), sam.mime))).toEqual(sam.mime);
    expect(mod.fromLtx(mod.toLtx(sam.mime, xml))).toEqual(sam.mime);
  });
});

// ---------------------------------------------------------------------------
// A minimal namespace-aware DOM: what toElement and fromElement need, and no more
// ---------------------------------------------------------------------------

class FakeAttr {
  readonly prefix: string | null;
  readonly localName: string;
  constructor(
    readonly namespaceURI: string | null,
    readonly name: string,
    readonly value: string,
  ) {
    const k = name.indexOf(':');
    this.prefix = k < 0 ? null : name.slice(0, k);
    this.localName = name.slice(k + 1);
  }
}

class FakeText {
  readonly nodeType = 3;
  readonly nodeName = '#text';
  constructor(readonly nodeValue: string) {}
}

class FakeElement {
  readonly nodeType = 1;
  readonly nodeValue = null;
  readonly prefix: string | null;
  readonly localName: string;
  private readonly attrs: FakeAttr[] = [];
  private readonly kids: (FakeElement | FakeText)[] = [];
  constructor(
    readonly namespaceURI: string | null,
    readonly nodeName: string,
  ) {
    const k = nodeName.indexOf(':');
    this.prefix = k < 0 ? null : nodeName.slice(0, k);
    this.localName = nodeName.slice(k + 1);
  }
  get attributes() {
    return { length: this.attrs.length, item: (i: number) => this.attrs[i] ?? null };
  }
  get childNodes() {
    return { length: this.kids.length, item: (i: number) => this.kids[i] ?? null };
  }
  setAttribute(name: string, value: string) {
    this.attrs.push(new FakeAttr(null, name, value));
  }
  setAttributeNS(ns: string | null, name: string, value: string) {
    this.attrs.push(new FakeAttr(ns, name, value));
  }
  appendChild(c: FakeElement | FakeText) {
    this.kids.push(c);
    return c;
  }
}

class FakeDocument {
  createElementNS(ns: string | null, name: string) {
    return new FakeElement(ns, name);
  }
  createTextNode(data: string) {
    return new FakeText(data);
  }
}
