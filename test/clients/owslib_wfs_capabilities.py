#!/usr/bin/python3
"""Drives OWSLib's WebFeatureService against a WFS for test/clients/wfs-capabilities.test.ts.

usage: owslib_wfs_capabilities.py capabilities URL VERSION
       owslib_wfs_capabilities.py schema URL VERSION TYPENAME

Prints one JSON object on stdout. An OWSLib exception is printed as {"error": ..., "type": ...}
with exit status 3, so the test can show OWSLib's own words.
"""
import json
import sys
import traceback

from owslib.wfs import WebFeatureService


def crs_text(crs):
    """OWSLib's Crs objects, as the code they were read from."""
    return getattr(crs, 'id', None) or str(crs)


def capabilities(wfs):
    contents = {}
    for name, ft in wfs.contents.items():
        contents[name] = {
            'title': ft.title,
            'abstract': ft.abstract,
            'boundingBoxWGS84': ft.boundingBoxWGS84,
            'crsOptions': [crs_text(c) for c in ft.crsOptions],
            'operations': getattr(ft, 'verbOptions', None),
        }
    return {
        'version': wfs.version,
        'title': wfs.identification.title,
        'abstract': wfs.identification.abstract,
        'keywords': wfs.identification.keywords,
        'provider': getattr(getattr(wfs, 'provider', None), 'name', None),
        'order': list(wfs.contents),
        'contents': contents,
        # OWSLib 0.27 reads WFS 2.0 ows:Constraint elements as operations too; keep only those with a method.
        'operations': {
            op.name: {'methods': [m.get('type') for m in op.methods], 'urls': [m.get('url') for m in op.methods],
                      'parameters': getattr(op, 'parameters', {})}
            for op in wfs.operations if op.methods
        },
    }


def main(argv):
    command, url, version = argv[1], argv[2], argv[3]
    wfs = WebFeatureService(url, version=version, timeout=20)
    if command == 'capabilities':
        return capabilities(wfs)
    if command == 'schema':
        return wfs.get_schema(argv[4])
    raise SystemExit('unknown command ' + command)


if __name__ == '__main__':
    try:
        print(json.dumps(main(sys.argv), default=str))
    except Exception as e:  # report OWSLib's own message to the test
        print(json.dumps({'error': str(e), 'type': type(e).__name__, 'trace': traceback.format_exc()}))
        sys.exit(3)
