/** The core runs anywhere: it bundles for the browser without Node built-ins. */
import { build } from 'esbuild';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/helpers.js';

describe('platform neutrality', () => {
  it('bundles for the browser and round-trips there', async () => {
    const out = await build({ entryPoints: [join(ROOT, 'src', 'index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false });
    const code = out.outputFiles[0].text;
    const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const b = Uint8Array.from([0x41, 0x0d, 0x0a, 0x0a, 0x00, 0xff]);
    expect(mod.toMime(mod.toXml(b))).toEqual(b);
  });

  it('the Node entry gives the core Node\'s byte search; the core alone has none, and a wrong search is refused', async () => {
    const scan = await import('../src/core/scan.js');
    expect(scan.hostByteSearch()).toBe(false); // nothing in this file loaded the Node entry yet
    await import('../src/index.node.js');
    expect(scan.hostByteSearch()).toBe(true);
    expect(scan.setByteSearch(function (this: Uint8Array) { return 0; })).toBe(false);
    expect(scan.hostByteSearch()).toBe(false);
    expect(scan.setByteSearch(Buffer.prototype.indexOf)).toBe(true);
  });
});
