/**
 * Registers the Encoding Standard's tables with xmime's charsets: the 28
 * single-byte tables and the large multi-byte indexes (about 120 KB
 * gzipped), with the multi-byte encodings themselves, so that every legacy
 * charset decodes and encodes by the standard's own tables whatever the
 * host's `TextDecoder` does. The Node entry imports it; a browser bundle may
 * import it (`import 'xmime/charsets'`) to stop relying on the browser's
 * decoders, which are used only when they match exactly, and without which
 * the codec has no multi-byte charset at all (see `xmime/charsets/multibyte`).
 *
 * @example
 * import 'xmime/charsets';
 * import { toXml } from 'xmime';
 * @module
 */
import { registerSingleByteTables } from '../charset.js';
import { registerCharsetIndex } from '../charset-multibyte.js';
import big5 from './index-big5.js';
import eucKr from './index-euc-kr.js';
import gb18030 from './index-gb18030.js';
import jis0208 from './index-jis0208.js';
import jis0212 from './index-jis0212.js';
import singleByte from './single-byte.js';

registerSingleByteTables(singleByte);
registerCharsetIndex('big5', big5);
registerCharsetIndex('euc-kr', eucKr);
registerCharsetIndex('gb18030', gb18030);
registerCharsetIndex('jis0208', jis0208);
registerCharsetIndex('jis0212', jis0212);
