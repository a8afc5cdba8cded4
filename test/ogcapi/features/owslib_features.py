"""OWSLib's OGC API - Features client against the server: prints one JSON object of what it read.

Usage: owslib_features.py URL  (the API root, e.g. http://127.0.0.1:PORT/ogcapi)
"""
import json
import sys
import traceback

try:
    from owslib.ogcapi.features import Features

    url = sys.argv[1]
    api = Features(url, timeout=20)
    out = {
        'title': api.response['title'],
        'conformance': api.conformance()['conformsTo'],
        'openapi': api.api().get('openapi'),
        'collections': [c['id'] for c in api.collections()['collections']],
        'feature_collections': api.feature_collections(),
        'collection': api.collection('cities')['extent'],
        'queryables': sorted(api.collection_queryables('cities')['properties'].keys()),
        'items': [f['properties']['name'] for f in api.collection_items('cities', limit=3, offset=1)['features']],
        'bbox': [f['id'] for f in api.collection_items('cities', bbox=[-1, 42.5, 8, 50])['features']],
        'filter': [f['id'] for f in api.collection_items('cities', filter="population > 3000000 AND role = 'capital'")['features']],
        'datetime': [f['id'] for f in api.collection_items('events', datetime='2024-06-01/..')['features']],
        'item': api.collection_item('countries', 'JPN')['properties']['name'],
    }
    print(json.dumps(out))
except Exception as e:  # noqa: BLE001 - the test shows OWSLib's own error
    print(json.dumps({'error': str(e), 'type': type(e).__name__, 'trace': traceback.format_exc()}))
