#!/usr/bin/env python3
"""A second XMIME decoder, written from spec/xmime.md alone (not from src/).

    xmime_decode.py < doc.xml > mail.eml
    xmime_decode.py --pairs LIST           decode every XMIME file of LIST (lines
                                           "MAIL<TAB>XML") and count the byte-exact

Python 3 standard library only. It reads the whole document (no streaming),
checks much less than §10.2 asks, and exits 1 with "LINE:COLUMN: CODE" on
standard error for what it rejects. Its only purpose is to show that the
spec determines the bytes: readable mode included (text bodies §7.4, header
views §7.6.8).
"""
import base64
import codecs
import re
import sys
import xml.parsers.expat

NS = 'urn:xmpp:xmime:0'
EOL = {'crlf': b'\r\n', 'lf': b'\n', 'none': b''}


class Reject(Exception):
    def __init__(self, code, msg=''):
        super().__init__(f'{code}: {msg}')
        self.code = code


# ---------------------------------------------------------------- §7.1, §7.2
def leaf_bytes(text, eol):
    out = bytearray()
    for ch in text:
        c = ord(ch)
        if ch == '\n':
            out += eol
        elif 0xF700 <= c <= 0xF7FF:
            out.append(c - 0xF700)
        else:
            out += ch.encode('utf-8')
    return bytes(out)


def attr_bytes(v):
    return leaf_bytes(v, b'\n')  # attribute values have no line feeds that matter (§7.2)


# ---------------------------------------------------------------- §7.4.3 charsets
# WHATWG windows-1252 at 0x80..0x9F (the rest is ISO-8859-1).
CP1252 = ('\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f'
          '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178')
W1252 = {ch: 0x80 + i for i, ch in enumerate(CP1252)}
W1252.update({chr(b): b for b in list(range(0x80)) + list(range(0xA0, 0x100))})

LABELS = {  # a subset of the Encoding Standard's labels -> a name
    'utf-8': ['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8'],
    'utf-16le': ['csunicode', 'iso-10646-ucs-2', 'ucs-2', 'unicode', 'unicodefeff', 'utf-16', 'utf-16le'],
    'utf-16be': ['unicodefffe', 'utf-16be'],
    'windows-1252': ['ansi_x3.4-1968', 'ascii', 'cp1252', 'cp819', 'csisolatin1', 'ibm819', 'iso-8859-1', 'iso-ir-100',
                     'iso8859-1', 'iso88591', 'iso_8859-1', 'iso_8859-1:1987', 'l1', 'latin1', 'us-ascii', 'windows-1252',
                     'x-cp1252'],
    'iso-8859-2': ['csisolatin2', 'iso-8859-2', 'iso-ir-101', 'iso8859-2', 'iso88592', 'iso_8859-2', 'iso_8859-2:1987', 'l2', 'latin2'],
    'iso-8859-15': ['csisolatin9', 'iso-8859-15', 'iso8859-15', 'iso885915', 'iso_8859-15', 'l9'],
    'windows-1251': ['cp1251', 'windows-1251', 'x-cp1251'],
    'windows-1250': ['cp1250', 'windows-1250', 'x-cp1250'],
    'koi8-r': ['cskoi8r', 'koi', 'koi8', 'koi8-r', 'koi8_r'],
    'shift_jis': ['csshiftjis', 'ms932', 'ms_kanji', 'shift-jis', 'shift_jis', 'sjis', 'windows-31j', 'x-sjis'],
    'iso-2022-jp': ['csiso2022jp', 'iso-2022-jp'],
    'euc-jp': ['cseucpkdfmtjapanese', 'euc-jp', 'x-euc-jp'],
    'euc-kr': ['cseuckr', 'csksc56011987', 'euc-kr', 'iso-ir-149', 'korean', 'ks_c_5601-1987', 'ks_c_5601-1989', 'ksc5601',
               'ksc_5601', 'windows-949'],
    'gbk': ['chinese', 'csgb2312', 'csiso58gb231280', 'gb2312', 'gb_2312', 'gb_2312-80', 'gbk', 'iso-ir-58', 'x-gbk'],
    'gb18030': ['gb18030'],
    'big5': ['big5', 'big5-hkscs', 'cn-big5', 'csbig5', 'x-x-big5'],
    'utf-7': ['utf-7', 'unicode-1-1-utf-7', 'unicode-2-0-utf-7', 'x-unicode-2-0-utf-7', 'csunicode11utf7'],  # §7.4.3
}
NAME_OF = {label: name for name, labels in LABELS.items() for label in labels}
PY_CODEC = {'iso-8859-2': 'iso8859_2', 'iso-8859-15': 'iso8859_15', 'windows-1251': 'cp1251', 'windows-1250': 'cp1250',
            'koi8-r': 'koi8_r', 'shift_jis': 'cp932', 'euc-jp': 'euc_jp', 'euc-kr': 'cp949', 'gbk': 'gbk',
            'gb18030': 'gb18030', 'big5': 'big5', 'iso-2022-jp': 'iso2022_jp'}


def charset_name(label):
    label = label.strip('\t\n\f\r ').lower()  # ASCII white space only (§7.4.3)
    return NAME_OF.get(label)


# §7.4.3 UTF-7: Set D, SP, TAB, CR and LF direct; Set O direct only with direct="optional".
UTF7_D = set(b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\'(),-./:? \t\r\n')
UTF7_O = set(b'!"#$%&*;<=>@[]^_{|}`')
B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'


def utf7_encode(t, optional):
    direct = UTF7_D | (UTF7_O if optional else set())
    out = bytearray()
    run = []

    def flush():
        if not run:
            return
        units = ''.join(run).encode('utf-16-be')
        bits = ''.join(f'{b:08b}' for b in units)
        bits += '0' * (-len(bits) % 6)  # zero bits complete the last character
        out.extend(b'+' + ''.join(B64_ALPHABET[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6)).encode() + b'-')
        run.clear()

    for ch in t:
        c = ord(ch)
        if c < 0x80 and c in direct:
            flush()
            out.append(c)
        elif ch == '+':
            flush()
            out.extend(b'+-')
        else:
            run.append(ch)
    flush()
    return bytes(out)


def encode_chars(t, label, direct=None):
    name = charset_name(label)
    if name is None:
        raise Reject('xmime-attribute-value', f'charset {label!r}')
    try:
        if name == 'utf-8':
            return t.encode('utf-8')
        if name in ('utf-16le', 'utf-16be'):
            return t.encode(name.replace('utf-16', 'utf-16-'))
        if name == 'windows-1252':
            return bytes(W1252[ch] for ch in t)
        if name == 'utf-7':
            return utf7_encode(t, direct == 'optional')
        return t.encode(PY_CODEC[name])  # Python's tables: not always the Encoding Standard's (a known gap)
    except (KeyError, UnicodeEncodeError):
        raise Reject('xmime-charset', f'not encodable in {label}')


# ---------------------------------------------------------------- §7.4.4, §7.4.5
def lines_of(d, eol):
    return d.split(eol)


def qp_encode(d, a, eol):
    hexfmt = '={:02x}' if a.get('hex') == 'lower' else '={:02X}'
    always = set(attr_bytes(a.get('always', '')))
    start = set(attr_bytes(a.get('start', '')))
    raw_trailing = a.get('trailing') == 'raw'
    soft_enc = a.get('soft-space') == 'encoded'
    breaks = [int(x) for x in a['breaks'].split(' ')] if 'breaks' in a else None
    line = int(a.get('line', '76'))
    word = a.get('wrap') == 'word'
    fill = a.get('fill') != 'no'
    offsets = []
    if breaks is not None:
        s = 0
        for b in breaks:
            s += b
            offsets.append(s)
    out = bytearray()
    lines = lines_of(d, eol)
    p = 0

    def base_escaped(b):
        return b <= 0x08 or 0x0A <= b <= 0x1F or b >= 0x7F or b == 0x3D or b in always

    for li, x in enumerate(lines):
        n = len(x)
        esc = [base_escaped(b) for b in x]
        if breaks is None:
            if n and x[-1] in (0x20, 0x09) and not raw_trailing:
                esc[-1] = True
            if n and x[0] in start:
                esc[0] = True
            col, frm, space = 0, 0, None
            w = lambda k: 3 if esc[k] else 1
            for k in range(n):
                cw = w(k)
                limit = line if (k == n - 1 and fill) else line - 1
                if col > 0 and col + cw > limit:
                    cut = space + 1 if (word and space is not None) else k
                    emit(out, x, esc, frm, cut, hexfmt)
                    out += b'=' + eol
                    frm = cut
                    col = sum(w(j) for j in range(frm, k))
                    if col > 0 and col + cw > limit:
                        emit(out, x, esc, frm, k, hexfmt)
                        out += b'=' + eol
                        frm, col = k, 0
                    space = None
                if x[k] in (0x20, 0x09) and not esc[k]:
                    space = k
                col += cw
            emit(out, x, esc, frm, n, hexfmt)
        else:
            here = [o - p for o in offsets if p <= o <= p + n]
            if n and x[-1] in (0x20, 0x09) and not raw_trailing and n not in here:
                esc[-1] = True
            col, frm = 0, 0
            for k in range(n + 1):
                for _ in range(here.count(k)):
                    if soft_enc and k > frm and x[k - 1] in (0x20, 0x09):
                        esc[k - 1] = True
                    emit(out, x, esc, frm, k, hexfmt)
                    out += b'=' + eol
                    frm, col = k, 0
                if k < n:
                    if col == 0 and x[k] in start:
                        esc[k] = True
                    col += 1
            emit(out, x, esc, frm, n, hexfmt)
        p += n + len(eol)
        if li < len(lines) - 1:
            out += eol
    return bytes(out)


def emit(out, x, esc, a, b, hexfmt):
    for k in range(a, b):
        out += hexfmt.format(x[k]).encode() if esc[k] else bytes([x[k]])


def b64_encode(d, a, eol):
    line = int(a.get('line', '76'))
    s = base64.b64encode(d)
    out = eol.join(s[i:i + line] for i in range(0, len(s), line))
    if a.get('end') != 'none' and d:
        out += eol
    return out + eol * int(a.get('blank', '0'))


def text_bytes(content, a, doc_eol):
    teol = {'crlf': '\r\n', 'lf': '\n'}[a.get('eol', 'crlf' if doc_eol == b'\r\n' else 'lf')]
    t = []
    for ch in content:
        c = ord(ch)
        if ch == '\n':
            t.append(teol)
        elif 0xF700 <= c <= 0xF7FF:
            t.append(chr(c - 0xF700))
        else:
            t.append(ch)
    d = encode_chars(''.join(t), a.get('charset', 'utf-8'), a.get('direct'))
    tr = a.get('transfer')
    if tr == 'quoted-printable':
        return qp_encode(d, a, doc_eol)
    if tr == 'base64':
        return b64_encode(d, a, doc_eol)
    return d


# ---------------------------------------------------------------- §7.6.8 rendering
class NoRendering(Exception):
    pass


KINDS = {}
for n in ['subject', 'comments', 'keywords', 'content-description', 'thread-topic', 'organization']:
    KINDS[n] = 'text'
for n in ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'disposition-notification-to', 'resent-from', 'resent-sender',
          'resent-to', 'resent-cc', 'resent-bcc']:
    KINDS[n] = 'addresses'
for n in ['date', 'resent-date']:
    KINDS[n] = 'date'
for n in ['message-id', 'in-reply-to', 'references', 'resent-message-id', 'content-id']:
    KINDS[n] = 'ids'
for n in ['content-type', 'content-disposition']:
    KINDS[n] = 'media'


def view_kind(name):
    n = name.lower()
    return KINDS.get(n, 'text' if n.startswith('x-') else None)


def width(s):
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)  # UTF-16 code units


Q_SAFE = set(b'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!*+-/')


class Folder:
    def __init__(self, name, eol):
        self.out, self.col, self.tokens, self.ew, self.eol = [], width(name) + 2, False, False, eol

    def fold(self):
        self.out.append(self.eol)
        self.col, self.ew = 0, False

    def put(self, gap, tok, ew):
        self.out.append(gap + tok)
        self.col += width(gap) + width(tok)
        self.tokens = True
        self.ew = self.ew or ew

    def add(self, gap, tok):
        if gap and self.tokens and self.col + width(gap) + width(tok) > (76 if self.ew else 78):
            self.fold()
        self.put(gap, tok, False)

    def encoded(self, gap, text):
        """§7.6.8 "Encoded words": the span is written as UTF-8 encoded words."""
        whole = Words(text)
        one = whole.next(75)
        if one is not None and whole.done() and gap and self.tokens and self.col + width(gap) + width(one) > 76:
            self.fold()
        w, g = Words(text), gap
        while not w.done():
            word = w.next(min(75, 76 - self.col - width(g)))
            if word is None and g and self.tokens:
                self.fold()
                word = w.next(76 - width(g))
            if word is None:
                word = w.next(75, True)
            self.put(g, word, True)
            g = ' '


def q_len(bs):
    return sum(1 if (c in Q_SAFE or c == 0x20) else 3 for c in bs)


class Words:
    """Cuts a span into encoded words, whole characters only; B or Q chosen once for the span."""

    def __init__(self, text):
        self.chars = [ch.encode('utf-8') for ch in text]
        b = b''.join(self.chars)
        self.use_b = 4 * -(-len(b) // 3) < q_len(b)
        self.k = 0

    def done(self):
        return self.k >= len(self.chars)

    def next(self, room, force=False):
        mx, end, acc = room - 12, self.k, b''
        while end < len(self.chars):
            nxt = acc + self.chars[end]
            ln = 4 * -(-len(nxt) // 3) if self.use_b else q_len(nxt)
            if ln > mx and (end > self.k or not force):
                break
            acc, end = nxt, end + 1
        if end == self.k:
            return None
        self.k = end
        if self.use_b:
            return '=?UTF-8?B?' + base64.b64encode(acc).decode() + '?='
        return '=?UTF-8?Q?' + ''.join('_' if c == 0x20 else chr(c) if c in Q_SAFE else '=%02X' % c for c in acc) + '?='


def text_pieces(text):
    parts = re.split(r'([ \t]+)', text)
    pieces = []
    for k in range(0, len(parts), 2):
        w = parts[k]
        enc = bool(re.search(r'[^\x21-\x7e]', w)) or '=?' in w or len(w) > 997
        pieces.append([parts[k - 1] if k else '', w, enc])
    if len(pieces) > 1 and pieces[0][1] == '':
        pieces.pop(0)
        pieces[0] = ['', pieces[0][0] + pieces[0][1], True]
    if len(pieces) > 1 and pieces[-1][1] == '':
        last = pieces.pop()
        pieces[-1] = [pieces[-1][0], pieces[-1][1] + last[0], True]
    return merge([p for p in pieces if p[1] != ''])


def merge(pieces):
    out = []
    for p in pieces:
        if out and out[-1][2] and p[2]:
            out[-1][1] += p[0] + p[1]
        else:
            out.append(list(p))
    return out


ATEXT = re.compile(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$")


def phrase_pieces(name):
    words = name.split(' ')
    atom = lambda w: bool(ATEXT.match(w)) and '=?' not in w and len(w) <= 997
    if all(atom(w) for w in words):
        return [[' ' if k else '', w, False] for k, w in enumerate(words)]
    if re.fullmatch(r'[\x20-\x7e]*', name) and '=?' not in name:
        return [['', '"' + re.sub(r'([\\"])', r'\\\1', name) + '"', False]]
    pieces = [[' ' if k else '', w, not atom(w)] for k, w in enumerate(words)]
    for k, p in enumerate(pieces):
        if p[1] == '':
            prev = pieces[k - 1] if k > 0 else None
            nxt = pieces[k + 1] if k + 1 < len(pieces) else None
            if not (prev and prev[2]) and not (nxt and nxt[2]):
                (prev or nxt)[2] = True
    return merge(pieces)


def emit_pieces(f, pieces, gap, suffix=''):
    for k, (pgap, text, enc) in enumerate(pieces):
        g = gap if k == 0 else pgap
        last = k == len(pieces) - 1
        if enc:
            f.encoded(g, text)
            if last and suffix:
                f.add(' ', suffix)
        else:
            f.add(g, text + (suffix if last else ''))


SPECIALS = '()<>[]:;@\\,."'


def check_addr(addr):
    # the addr-spec of §7.6.4 that gives itself back: atoms, quoted local part, domain literal, no CFWS
    if re.search(r'[\x00-\x1f\x7f]', addr) or addr == '':
        raise NoRendering
    i, n, domain = 0, len(addr), False
    while True:
        if not domain and i < n and addr[i] == '"':
            j = i + 1
            while j < n and addr[j] != '"':
                j += 2 if addr[j] == '\\' else 1
            if j >= n:
                raise NoRendering
            i = j + 1
        elif domain and i < n and addr[i] == '[':
            j = addr.find(']', i)
            if j < 0:
                raise NoRendering
            i = j + 1
        else:
            j = i
            while j < n and ord(addr[j]) > 0x20 and addr[j] != '\x7f' and addr[j] not in SPECIALS:
                j += 1
            if j == i:
                raise NoRendering
            i = j
        if i < n and addr[i] == '.':
            i += 1
        elif i < n and addr[i] == '@' and not domain:
            i, domain = i + 1, True
        elif i == n:
            return
        else:
            raise NoRendering


def emit_mailbox(f, m, gap, suffix):
    name, addr = m.get('name'), m['addr']
    if name is None:
        check_addr(addr)
        return f.add(gap, addr + suffix)
    if addr != '':
        check_addr(addr)
    if name == '':
        return f.add(gap, f'<{addr}>' + suffix)
    emit_pieces(f, phrase_pieces(name), gap)
    f.add(' ', f'<{addr}>' + suffix)


DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']


def render_date(iso):
    import datetime
    m = re.fullmatch(r'(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:\d\d)', iso, re.ASCII)
    if not m:
        raise NoRendering
    try:
        wd = datetime.date(int(m[1]), int(m[2]), int(m[3])).weekday() if int(m[1]) > 0 else proleptic_weekday(int(m[2]), int(m[3]))
    except ValueError:
        raise NoRendering
    if int(m[4]) > 23 or int(m[5]) > 59 or (m[6] and int(m[6]) > 60):
        raise NoRendering
    zone = '+0000' if m[7] == 'Z' else m[7].replace(':', '')
    if zone != '+0000' and (int(zone[1:3]) > 23 or int(zone[3:]) > 59):
        raise NoRendering
    sec = ':' + m[6] if m[6] else ''
    return f'{DAYS[wd]}, {m[3]} {MONTHS[int(m[2]) - 1]} {m[1]} {m[4]}:{m[5]}{sec} {zone}'


def proleptic_weekday(month, day):  # year 0 is a leap year, and 2000 has the same calendar
    import datetime
    return datetime.date(2000, month, day).weekday()


ID_BAD = re.compile('[\\s<>\x00-\x1f\x7f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]')
TOKEN = re.compile(r'^[!#$%&\'*+\-.0-9A-Z^_`a-z{|}~]+$')
ATTR_CHAR = set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`{|}~')


def ascii_lower(s):
    return re.sub('[A-Z]+', lambda m: m[0].lower(), s)


def param_tokens(name, v, continued):
    n = ascii_lower(name)
    if not TOKEN.match(n) or '*' in n:
        raise NoRendering
    decodable = n in ('name', 'filename') and '=?' in v
    if TOKEN.match(v) and n not in ('boundary', 'name', 'filename') and len(n) + 1 + width(v) <= 76:
        return [f'{n}={v}']
    if re.fullmatch(r'[\x20-\x7e]*', v) and not decodable:
        q = f'{n}="' + re.sub(r'([\\"])', r'\\\1', v) + '"'
        if len(q) <= 76 or n in continued:
            return [q]
        continued.add(n)
        units = ['\\' + c if c in '\\"' else c for c in v]
        out, k = [], 0
        while k < len(units):
            tok = f'{n}*{len(out)}="'
            head = len(tok)
            while k < len(units) and (len(tok) == head or len(tok) + len(units[k]) + 1 <= 76):
                tok += units[k]
                k += 1
            out.append(tok + '"')
        return out
    cps = [c if c in ATTR_CHAR else ''.join('%%%02X' % b for b in c.encode('utf-8')) for c in v]
    single = f"{n}*=utf-8''" + ''.join(cps)
    if len(single) <= 76 or n in continued:
        return [single]
    continued.add(n)
    out, k = [], 0
    while k < len(cps):
        tok = f"{n}*0*=utf-8''" if not out else f'{n}*{len(out)}*='
        head = len(tok)
        while k < len(cps) and (len(tok) == head or len(tok) + len(cps[k]) <= 76):
            tok += cps[k]
            k += 1
        out.append(tok)
    return out


def render(name, view, eol):
    kind = view_kind(name)
    if kind != view['kind']:
        raise NoRendering
    f = Folder(name, eol)
    if kind == 'text':
        for gap, text, enc in text_pieces(view['text']):
            f.encoded(gap, text) if enc else f.add(gap, text)
    elif kind == 'addresses':
        items = view['list']
        for k, a in enumerate(items):
            gap, comma = (' ' if k else ''), (',' if k < len(items) - 1 else '')
            if 'group' not in a:
                emit_mailbox(f, a, gap, comma)
                continue
            members = a['members']
            end = ':' if members else ':;' + comma
            if a['group'] != '':
                emit_pieces(f, phrase_pieces(a['group']), gap, end)
            else:
                f.add(gap, end)
            for j, m in enumerate(members):
                emit_mailbox(f, m, ' ', ',' if j < len(members) - 1 else ';' + comma)
    elif kind == 'date':
        f.add('', render_date(view['iso']))
    elif kind == 'ids':
        for i in view['ids']:
            if i == '' or ID_BAD.search(i):
                raise NoRendering
        one = ' '.join(f'<{i}>' for i in view['ids'])
        return one if width(name) + 2 + width(one) <= 78 else one.replace('> <', '>' + eol + ' <')
    else:
        value = ascii_lower(view['value'])
        parts = value.split('/')
        is_type = name.lower() == 'content-type'
        if not all(TOKEN.match(p) for p in parts) or len(parts) != (2 if is_type else 1):
            raise NoRendering
        continued = set()
        toks = [value] + [t for (pn, pv) in view['params'] for t in param_tokens(pn, pv, continued)]
        for k, t in enumerate(toks):
            f.add(' ' if k else '', t + (';' if k < len(toks) - 1 else ''))
    return ''.join(f.out)


# ---------------------------------------------------------------- the document
STRUCTURAL = {'mime', 'headers', 'multipart', 'part', 'message', 'group', 'media'}
LEAF = {'from-line', 'body', 'preamble', 'epilogue', 'raw', 'text', 'decoded', 'date', 'id', 'param'}
VIEW_KIND = {'decoded': 'text', 'mailbox': 'addresses', 'group': 'addresses', 'date': 'date', 'id': 'ids', 'media': 'media'}


def decode(doc):
    out = bytearray()
    stack = []  # [name, attrs, text parts, state]
    ctx = {'eol': b'\r\n'}
    p = xml.parsers.expat.ParserCreate(namespace_separator=' ')

    def fail(code, msg=''):
        raise Reject(code, msg)

    def start(tag, attrs):
        ns, _, local = tag.rpartition(' ')
        if ns != NS:
            fail('xmime-namespace', tag)
        attrs = {k: v for k, v in attrs.items() if ' ' not in k}  # qualified attributes are ignored (§8)
        parent = stack[-1] if stack else None
        eol = ctx['eol']
        if parent is None:
            if local != 'mime':
                fail('xmime-placement', local)
            ctx['eol'] = EOL[attrs.get('eol', 'crlf')]
        elif local == 'part' or local == 'epilogue':
            mp = parent
            if mp[0] != 'multipart':
                fail('xmime-placement', local)
            before = EOL[attrs['before']] if 'before' in attrs else (eol if mp[3]['seen'] else b'')
            close = b'--' if local == 'epilogue' else b''
            out.extend(before + b'--' + mp[3]['boundary'] + close + attr_bytes(attrs.get('pad', '')) + EOL[attrs.get('after', 'crlf' if eol == b'\r\n' else 'lf')])
        elif local == 'preamble':
            pass
        elif local == 'multipart':
            if 'boundary' not in attrs:
                fail('xmime-missing-attribute', 'boundary')
        elif local == 'header':
            if 'name' not in attrs:
                fail('xmime-missing-attribute', 'name')
        elif local in VIEW_KIND or local in ('raw', 'param'):
            hdr = parent if parent[0] == 'header' else stack[-2]
            h = hdr[3]
            if local == 'raw':
                h['raw'] = True
            elif local == 'param':
                h['view']['params'].append([attrs['name'], None])
            elif parent[0] == 'group':
                h['view']['list'][-1]['members'].append(mailbox(attrs))
            else:
                kind = VIEW_KIND[local]
                if view_kind(h['name']) != kind:
                    fail('xmime-view', f'{h["name"]} does not take <{local}>')
                v = h['view'] = h['view'] or {'kind': kind, 'list': [], 'ids': [], 'params': []}
                if local == 'mailbox':
                    v['list'].append(mailbox(attrs))
                elif local == 'group':
                    v['list'].append({'group': attrs['name'], 'members': []})
                elif local == 'media':
                    v['value'] = attrs['value']
        if parent is not None and parent[0] == 'multipart' and local in ('preamble', 'part'):
            parent[3]['seen'] = True
        state = {}
        if local == 'multipart':
            state = {'boundary': attr_bytes(attrs['boundary']), 'seen': False}
        if local == 'header':
            state = {'name': attr_bytes(attrs['name']).decode('latin-1'), 'raw': False, 'view': None}
            out.extend(attr_bytes(attrs['name']) + attr_bytes(attrs.get('sep', '\uf73a\uf720')))
        stack.append([local, attrs, [], state])

    def mailbox(attrs):
        if 'addr' not in attrs:
            fail('xmime-missing-attribute', 'addr')
        m = {'addr': attrs['addr']}
        if 'name' in attrs:
            m['name'] = attrs['name']
        return m

    def chars(data):
        stack[-1][2].append(data)

    def end(tag):
        local, attrs, parts, state = stack.pop()
        text = ''.join(parts)
        eol = ctx['eol']
        deol = 'crlf' if eol == b'\r\n' else 'lf'
        if local in ('from-line',):
            out.extend(b'From ' + leaf_bytes(text, eol) + EOL[attrs.get('end', deol)])
        elif local in ('body', 'preamble', 'epilogue'):
            out.extend(leaf_bytes(text, eol))
        elif local == 'text':
            out.extend(text_bytes(text, attrs, eol))
        elif local == 'headers':
            out.extend(EOL[attrs.get('end', deol)])
        elif local == 'raw':
            out.extend(leaf_bytes(text, eol))
        elif local in ('decoded', 'date', 'id', 'param'):
            hdr = next(s for s in reversed(stack) if s[0] == 'header')[3]
            v = hdr['view']
            if local == 'decoded':
                v['text'] = text
            elif local == 'date':
                v['iso'] = text
            elif local == 'id':
                v['ids'].append(text)
            else:
                v['params'][-1][1] = text
        elif local == 'header':
            has_children = state['raw'] or state['view'] is not None
            if not has_children:
                out.extend(leaf_bytes(text, eol))
            else:
                if state['view'] is None:
                    fail('xmime-view', 'no view')
                try:
                    r = render(state['name'], state['view'], eol.decode())
                except NoRendering:
                    fail('xmime-view', 'no rendering')
                if not state['raw']:
                    out.extend(r.encode('utf-8'))
            out.extend(EOL[attrs.get('end', deol)])

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.buffer_text = True

    def forbid(code):
        def h(*_):
            fail(code)
        return h
    p.StartDoctypeDeclHandler = forbid('xml-dtd')
    p.CommentHandler = forbid('xml-comment')
    p.ProcessingInstructionHandler = forbid('xml-pi')
    if doc.startswith(b'\xff\xfe') or doc.startswith(b'\xfe\xff'):
        raise Reject('xml-encoding')
    p.Parse(doc, True)
    return bytes(out)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == '--pairs':
        return pairs(sys.argv[2])
    doc = sys.stdin.buffer.read()
    try:
        sys.stdout.buffer.write(decode(doc))
    except Reject as e:
        sys.stderr.write(f'0:0: {e.code}: {e}\n')
        sys.exit(1)
    except xml.parsers.expat.ExpatError as e:
        sys.stderr.write(f'{e.lineno}:{e.offset + 1}: xml-syntax: {e}\n')
        sys.exit(1)


def pairs(list_file):
    """Decodes each XMIME file of LIST (lines "MAIL<TAB>XML") and compares it with its mail."""
    exact = total = 0
    for line in open(list_file, encoding='utf-8'):
        mail_path, xml_path = line.rstrip('\n').split('\t')
        mail, doc = open(mail_path, 'rb').read(), open(xml_path, 'rb').read()
        total += 1
        try:
            got = decode(doc)
            why = None if got == mail else 'bytes differ'
        except Exception as e:  # the documents are valid: a rejection is a failure
            why = f'{type(e).__name__}: {e}'
        if why is None:
            exact += 1
        else:
            print(f'NOT EXACT {xml_path}: {why}')
    print(f'{exact} of {total} byte-exact')
    print(f'{exact} passed, {total - exact} failed')
    sys.exit(0 if exact == total else 1)


if __name__ == '__main__':
    main()
