/**
 * Registers the Encoding Standard's large multi-byte indexes (about 120 KB
 * gzipped) with xmime's charsets, so that Big5, EUC-KR, GBK/gb18030,
 * EUC-JP, ISO-2022-JP and Shift_JIS decode and encode by the standard's own
 * tables whatever the host's `TextDecoder` does. The Node entry imports it;
 * a browser bundle may import it (`import 'xmime/charsets'`) to stop relying
 * on the browser's decoders, which are used only when they match exactly.
 *
 * @example
 * import 'xmime/charsets';
 * import { toXml } from 'xmime';
 * @module
 */
import { registerCharsetIndex } from '../charset.js';
import big5 from './index-big5.js';
import eucKr from './index-euc-kr.js';
import gb18030 from './index-gb18030.js';
import jis0208 from './index-jis0208.js';
import jis0212 from './index-jis0212.js';

registerCharsetIndex('big5', big5);
registerCharsetIndex('euc-kr', eucKr);
registerCharsetIndex('gb18030', gb18030);
registerCharsetIndex('jis0208', jis0208);
registerCharsetIndex('jis0212', jis0212);
