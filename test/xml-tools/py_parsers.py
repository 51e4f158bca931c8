"""Parses and re-serializes XMIME documents with a Python XML library at its
default settings, one process for all documents.

    python3 py_parsers.py lxml|etree LISTFILE OUTDIR

LISTFILE holds one path per line; each document is written to OUTDIR under
its base name. Prints one JSON object: {"read": n, "failed": {path: error}}.
"""
import json
import os
import sys


def main():
    mode, listfile, outdir = sys.argv[1:4]
    if mode == 'lxml':
        from lxml import etree

        def roundtrip(path, out):
            etree.parse(path).write(out, encoding='UTF-8', xml_declaration=True)
    else:
        import xml.etree.ElementTree as ET

        def roundtrip(path, out):
            ET.parse(path).write(out, encoding='UTF-8', xml_declaration=True)

    with open(listfile, encoding='utf-8') as f:
        paths = [line.rstrip('\n') for line in f if line.strip()]
    failed = {}
    for p in paths:
        try:
            roundtrip(p, os.path.join(outdir, os.path.basename(p)))
        except Exception as e:  # report every failure, keep going
            failed[p] = f'{type(e).__name__}: {e}'[:300]
    print(json.dumps({'read': len(paths) - len(failed), 'failed': failed}))


if __name__ == '__main__':
    main()
