#!/usr/bin/env python3
"""What Python's `email` package (policy.default) sees in a mail.

Usage: mail_view.py FILE...   (or one message on stdin). Prints one JSON list,
one object per input, in argument order. mail_view.py --serve: one message
per input line, base64; one JSON object per output line (or {"error": ...}).
The object:

  {"defects": [str...],          # every defect of every part and header
   "structure": "multipart/mixed(text/plain,message/rfc822)",
   "headers": [{"name", "value"}...],
   "parts": [leaf...]}

Headers: only those of interest (below), in message order, names lower-cased.
Values: unstructured -> str; address headers -> [{"name", "addr"} |
{"group", "members": [{"name", "addr"}...]}]; dates -> ISO 8601 with the
offset as written; message ids -> [id...] without angle brackets.

Leaves in tree order: text parts (text/* without an attachment disposition)
-> {"type", "text"} (get_content(), line endings as the parser left them);
others -> {"type", "filename", "size", "sha256"} of the decoded bytes;
message/rfc822 -> {"type", "structure", "headers", "parts"} of the inner
message (a multipart is not a leaf: its parts are listed in its place).
Python 3 standard library only; deterministic (sorted keys). On a Python
with CPython bug gh-128110 the upstream fix is applied first (fix_gh128110).
"""
import base64
import hashlib
import json
import re
import sys
from email import _header_value_parser as hvp
from email import message_from_bytes, policy


def fix_gh128110():
    """Ignore white space between adjacent encoded-words in a phrase.

    RFC 2047 §6.2 says to, and Python does in unstructured headers, but until
    CPython 3.14.5 (gh-128110) not in display names: `=?utf-8?q?a?=
    =?utf-8?q?b?= <x@y>` read as 'a b'. A long display name is necessarily
    several encoded-words, so on an affected Python this applies the upstream
    fix (the white space after an encoded-word that another one follows is
    no text); a fixed Python is left alone.
    """
    probe = message_from_bytes(b'To: =?utf-8?q?a?= =?utf-8?q?b?= <x@y>\r\n\r\n', policy=policy.default)
    if probe['To'].addresses[0].display_name == 'ab':
        return
    original = hvp.get_atom

    def get_atom(value):
        atom, rest = original(value)
        if (len(atom) >= 2 and atom[-2].token_type == 'encoded-word' and atom[-1].token_type == 'cfws'
                and not str(atom[-1]).strip(' \t\r\n') and rest.startswith('=?')):
            try:
                hvp.get_encoded_word(rest)
            except hvp.errors.HeaderParseError:
                return atom, rest
            atom[-1] = hvp.EWWhiteSpaceTerminal(str(atom[-1]), 'fws')
        return atom, rest

    hvp.get_atom = get_atom
    probe = message_from_bytes(b'To: =?utf-8?q?a?= =?utf-8?q?b?= <x@y>\r\n\r\n', policy=policy.default)
    assert probe['To'].addresses[0].display_name == 'ab', 'gh-128110 workaround failed'


ADDRESS = {'from', 'sender', 'reply-to', 'to', 'cc', 'bcc',
           'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc'}
DATE = {'date', 'resent-date'}
IDS = {'message-id', 'in-reply-to', 'references', 'resent-message-id'}
TEXT = {'subject', 'comments', 'keywords'}
ID_LIST = re.compile(r'\s*(?:<[^<>\s]+>\s*)*')


def interesting(name):
    return name in ADDRESS or name in DATE or name in IDS or name in TEXT or name.startswith('x-')


def mailbox(a):
    return {'name': a.display_name, 'addr': a.addr_spec}


def header_value(name, h, defects):
    if name in ADDRESS:
        out = []
        for g in h.groups:
            if g.display_name is None:
                out.extend(mailbox(a) for a in g.addresses)
            else:
                out.append({'group': g.display_name, 'members': [mailbox(a) for a in g.addresses]})
        return out
    if name in DATE:
        # None when the date does not parse; then the header carries a defect too.
        return h.datetime.isoformat() if h.datetime is not None else None
    if name in IDS:
        # In-Reply-To and References are unstructured to policy.default (only
        # Message-ID has its own parser), so the id list syntax is checked here.
        s = str(h)
        if not ID_LIST.fullmatch(s):
            defects.append('mail_view: %s is not a list of <id>: %r' % (name, s))
        return re.findall(r'<([^<>\s]*)>', s)
    return str(h)


def parsed_items(msg, defects):
    """(name, header object) pairs; a header Python's parser crashes on is a defect."""
    out = []
    for k, raw in msg.raw_items():
        try:
            out.append((k, msg.policy.header_fetch_parse(k, raw)))
        except Exception as e:  # e.g. IndexError on 'To: x@' in Python 3.11
            defects.append('mail_view: %s: %s: %s' % (k, type(e).__name__, e))
    return out


def headers(msg, defects):
    out = []
    for k, v in parsed_items(msg, []):  # crashes are counted once, in view()
        name = k.lower()
        if interesting(name):
            out.append({'name': name, 'value': header_value(name, v, defects)})
    return out


def structure(part):
    """The content types of the tree, e.g. multipart/mixed(text/plain,message/rfc822)."""
    ctype = part.get_content_type()
    if part.get_content_maintype() == 'multipart' and part.is_multipart():
        return '%s(%s)' % (ctype, ','.join(structure(p) for p in part.iter_parts()))
    return ctype


def message(msg, defects):
    return {'structure': structure(msg), 'headers': headers(msg, defects), 'parts': leaves(msg, defects)}


def leaves(part, defects):
    ctype = part.get_content_type()
    if ctype == 'message/rfc822':
        return [dict(message(part.get_payload(0), defects), type=ctype)]
    if part.get_content_maintype() == 'multipart' and part.is_multipart():
        return [leaf for p in part.iter_parts() for leaf in leaves(p, defects)]
    if part.get_content_maintype() == 'text' and not part.is_attachment():
        return [{'type': ctype, 'text': part.get_content()}]
    # get_content() of a text/* attachment is charset-decoded str; the file
    # is the transfer-decoded bytes, which is what get_content() returns for
    # every other type.
    data = part.get_content() if part.get_content_maintype() != 'text' else part.get_payload(decode=True)
    return [{'type': ctype, 'filename': part.get_filename(), 'size': len(data),
             'sha256': hashlib.sha256(data).hexdigest()}]


def view(data):
    msg = message_from_bytes(data, policy=policy.default)
    defects = []
    out = message(msg, defects)
    for part in msg.walk():
        defects.extend('%s: %s' % (type(d).__name__, d) for d in part.defects)
        for k, v in parsed_items(part, defects):
            defects.extend('%s: %s: %s' % (k, type(d).__name__, d) for d in v.defects)
    out['defects'] = defects
    return out


def serve():
    for line in sys.stdin:
        try:
            out = view(base64.b64decode(line))
        except Exception as e:  # reported, so that the caller can say which mail
            out = {'error': '%s: %s' % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(out, sort_keys=True) + '\n')
        sys.stdout.flush()


def main(argv):
    fix_gh128110()
    if argv == ['--serve']:
        return serve()
    blobs = [open(p, 'rb').read() for p in argv] if argv else [sys.stdin.buffer.read()]
    json.dump([view(b) for b in blobs], sys.stdout, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1:])
