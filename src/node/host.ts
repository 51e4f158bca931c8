/**
 * What the Node entry adds to the core: Node's memchr for long byte searches
 * (see {@link setByteSearch}) and the CJK charset indexes (../views/charsets/all.ts). Imported for its effect by `xmime` under Node
 * (the package's `node` export condition), by `xmime/node` and by the CLI.
 * @module
 */
import { setByteSearch } from '../core/scan.js';
// The Encoding Standard's CJK indexes: Node's ICU decoders depart from the standard.
import '../views/charsets/all.js';

setByteSearch(Buffer.prototype.indexOf as (this: Uint8Array, b: number, from: number) => number);
