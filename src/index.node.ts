/**
 * The `xmime` entry under Node: the core ({@link ./index.js}) with Node's
 * faster byte search installed. Same API, same output.
 * @module
 */
import './node/host.js';

export * from './index.js';
