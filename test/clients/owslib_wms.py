#!/usr/bin/python3
"""Drives OWSLib's WebMapService against a WMS for test/clients/owslib-wms.test.ts.

usage: owslib_wms.py capabilities URL VERSION
       owslib_wms.py getmap URL VERSION OUT_PNG
       owslib_wms.py getfeatureinfo URL VERSION INFO_FORMAT OUT_FILE

Prints one JSON object on stdout. An OWSLib exception is printed as {"error": ..., "type": ...}
with exit status 3, so the test can show OWSLib's own words.
"""
import json
import sys
import traceback

from owslib.wms import WebMapService


def capabilities(wms):
    layers = {}
    for name, layer in wms.contents.items():
        layers[name] = {
            'title': layer.title,
            'abstract': layer.abstract,
            'queryable': layer.queryable,
            'boundingBoxWGS84': layer.boundingBoxWGS84,
            'boundingBox': layer.boundingBox,
            # 1.3.0 keeps every BoundingBox (lon/lat order restored); 1.1.1 only the first.
            'crs_list': getattr(layer, 'crs_list', None) or ([list(layer.boundingBox)] if layer.boundingBox else []),
            'crsOptions': sorted(layer.crsOptions),
            'styles': {k: {'title': v.get('title'), 'legend': v.get('legend')} for k, v in layer.styles.items()},
            'children': [c.name for c in layer.children],
            'parent': layer.parent.name if layer.parent is not None else None,
        }
    return {
        'version': wms.identification.version,
        'type': wms.identification.type,
        'title': wms.identification.title,
        'abstract': wms.identification.abstract,
        'keywords': wms.identification.keywords,
        'fees': wms.identification.fees,
        'accessconstraints': wms.identification.accessconstraints,
        'provider': wms.provider.name,
        'order': list(wms.contents),
        'layers': layers,
        'operations': {op.name: {'formatOptions': op.formatOptions, 'methods': op.methods} for op in wms.operations},
    }


def main(argv):
    command, url, version = argv[1], argv[2], argv[3]
    wms = WebMapService(url, version=version, timeout=20)
    if command == 'capabilities':
        return capabilities(wms)
    crs = {'srs': 'EPSG:4326'}
    # OWSLib takes the bbox as (minx, miny, maxx, maxy) = lon/lat and swaps it itself for 1.3.0 EPSG:4326.
    world = dict(layers=['countries'], styles=['continents'], bbox=(-180, -90, 180, 90), size=(360, 180), format='image/png', **crs)
    if command == 'getmap':
        response = wms.getmap(**world)
        body = response.read()
        with open(argv[4], 'wb') as f:
            f.write(body)
        return {'url': wms.request, 'bytes': len(body), 'contentType': response.info()['Content-Type']}
    if command == 'getfeatureinfo':
        # Europe at 0.1° a pixel: lon -10..30, lat 35..60 on 400 × 250; Paris (2.35, 48.85) is pixel (123, 111).
        response = wms.getfeatureinfo(
            layers=['countries', 'cities'], styles=['', ''], srs='EPSG:4326', bbox=(-10, 35, 30, 60), size=(400, 250),
            format='image/png', query_layers=['countries', 'cities'], xy=(123, 111), info_format=argv[4], feature_count=5,
            FI_POINT_TOLERANCE='8')
        body = response.read()
        with open(argv[5], 'wb') as f:
            f.write(body)
        return {'url': wms.request, 'bytes': len(body), 'contentType': response.info()['Content-Type']}
    raise SystemExit('unknown command ' + command)


if __name__ == '__main__':
    try:
        result = main(sys.argv)
    except Exception as err:  # OWSLib's words are the point of the test
        print(json.dumps({'error': str(err), 'type': type(err).__name__, 'trace': traceback.format_exc()}))
        sys.exit(3)
    print(json.dumps(result))
