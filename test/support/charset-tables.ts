// Registers the Encoding Standard's CJK indexes, as src/node/host.ts does for the Node entry:
// tests import src/ modules directly, and Node's own decoders depart from the standard.
import '../../src/views/charsets/all.js';
