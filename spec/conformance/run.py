#!/usr/bin/env python3
"""Runs the XMIME conformance suite against any implementation.

An implementation is two shell commands that read standard input and write
standard output:

  encode   MIME bytes in, an XMIME document out. The mode is in the
           environment variable XMIME_MODE ("readable" or "wire"); a command
           may also contain {mode}, which is replaced by the mode.
  decode   an XMIME document in, MIME bytes out. A document it rejects: exit
           status not 0, and on standard error a line holding
           "LINE:COLUMN: CODE" (for example "1:41: xmime-view"), the error
           code of spec §11 and its 1-based line and column.

Usage:
  run.py --encode CMD --decode CMD [--kinds encode,decode,invalid]
         [--modes readable,wire] [--no-positions] [--only REGEX] [-j N] [-v]

Either command may be left out to skip its vectors (a decoder-only
implementation passes --decode alone). Prints one line per failed vector
(every vector with -v) and ends with "N passed, N failed" (and the number
skipped). Exit status 0 when nothing failed. Python 3 standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ERROR_RE = re.compile(r'(\d+):(\d+):\s*([a-z][a-z0-9-]*)')


def run(cmd, data, env=None, timeout=60):
    try:
        p = subprocess.run(cmd, shell=True, input=data, capture_output=True, timeout=timeout,
                           env=dict(os.environ, **(env or {})))
    except subprocess.TimeoutExpired:
        return None, b'', b'timeout'
    return p.returncode, p.stdout, p.stderr


def first_difference(a, b):
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    return f'first difference at byte {i}: got {a[i:i + 24]!r}, expected {b[i:i + 24]!r}'


def check(v, args, manifest_dir):
    read = lambda p: open(os.path.join(manifest_dir, p), 'rb').read()
    data = read(v['input'])
    if v['kind'] == 'encode':
        mode = v['mode']
        rc, out, err = run(args.encode.replace('{mode}', mode), data, {'XMIME_MODE': mode})
        if rc != 0:
            return f'encode failed (exit {rc}): {err.decode("utf-8", "replace").strip()[:200]}'
        want = read(v['expected'])
        return None if out == want else 'document differs, ' + first_difference(out, want)
    rc, out, err = run(args.decode, data)
    if v['kind'] == 'decode':
        if rc != 0:
            return f'decode failed (exit {rc}): {err.decode("utf-8", "replace").strip()[:200]}'
        want = read(v['expected'])
        return None if out == want else 'bytes differ, ' + first_difference(out, want)
    e = v['error']
    if rc == 0:
        return f'accepted; expected {e["code"]} at {e["line"]}:{e["column"]}'
    m = ERROR_RE.search(err.decode('utf-8', 'replace'))
    if not m:
        return f'rejected, but no "LINE:COLUMN: CODE" on standard error: {err[:200]!r}'
    line, col, code = int(m.group(1)), int(m.group(2)), m.group(3)
    if code != e['code'] or (args.positions and (line, col) != (e['line'], e['column'])):
        return f'rejected with {code} at {line}:{col}; expected {e["code"]} at {e["line"]}:{e["column"]}'
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--encode')
    ap.add_argument('--decode')
    ap.add_argument('--manifest', default=os.path.join(HERE, 'manifest.json'))
    ap.add_argument('--kinds', default='encode,decode,invalid')
    ap.add_argument('--modes', default='readable,wire')
    ap.add_argument('--no-positions', dest='positions', action='store_false',
                    help='check only the error code of invalid documents, not its line and column')
    ap.add_argument('--only', help='run only vectors whose id matches this regular expression')
    ap.add_argument('-j', '--jobs', type=int, default=2)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    manifest = json.load(open(args.manifest, encoding='utf-8'))
    kinds, modes = set(args.kinds.split(',')), set(args.modes.split(','))
    todo, skipped = [], 0
    for v in manifest['vectors']:
        cmd = args.encode if v['kind'] == 'encode' else args.decode
        if (v['kind'] not in kinds or cmd is None or (v['kind'] == 'encode' and v['mode'] not in modes)
                or (args.only and not re.search(args.only, v['id']))):
            skipped += 1
            continue
        todo.append(v)
    mdir = os.path.dirname(os.path.abspath(args.manifest))
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for v, problem in zip(todo, pool.map(lambda v: check(v, args, mdir), todo)):
            if problem is None:
                passed += 1
                if args.verbose:
                    print(f'pass {v["id"]}')
            else:
                failed += 1
                print(f'FAIL {v["id"]} [§{", §".join(v["sections"])}]: {problem}')
    if skipped:
        print(f'{skipped} skipped')
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
