"""OGC API - Features Part 4 over real HTTP: the edits with plain HTTP (python-requests, as OWSLib 0.27's Features
class has no create / update / delete), every result read back with OWSLib's Features client. Prints one JSON
object of what it saw ({"error", "type", "trace"} when something raised).

Usage: transactions_client.py URL  (the API root, e.g. http://127.0.0.1:PORT/ogcapi)
"""
import json
import sys
import traceback

GEOJSON = 'application/geo+json'
MERGE = 'application/merge-patch+json'
EPSG3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857'

try:
    import requests
    from owslib.ogcapi.features import Features

    url = sys.argv[1]
    items = f'{url}/collections/cities/items'
    api = Features(url, timeout=20)
    out = {'conformance': [c for c in api.conformance()['conformsTo'] if 'ogcapi-features-4' in c]}

    options = requests.options(items, timeout=20)
    out['options'] = [options.status_code, options.headers.get('Allow'), options.headers.get('Accept-Post')]

    # Nice in Web Mercator (7.27 E, 43.7 N).
    nice = {'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [809292.698, 5419133.259]},
            'properties': {'name': 'Nice', 'country': 'FRA', 'population': 342669, 'role': 'city'}}
    created = requests.post(items, data=json.dumps(nice), timeout=20,
                            headers={'Content-Type': GEOJSON, 'Content-Crs': f'<{EPSG3857}>'})
    location = created.headers.get('Location')
    out['create'] = [created.status_code, location]
    fid = location.rsplit('/', 1)[1]
    read = api.collection_item('cities', fid)
    out['created'] = [read['properties']['name'], [round(c, 4) for c in read['geometry']['coordinates']]]
    out['location_get'] = requests.get(location, timeout=20).json()['properties']['name']

    patched = requests.patch(f'{items}/{fid}', data=json.dumps({'properties': {'population': 350000, 'role': None}}),
                             headers={'Content-Type': MERGE}, timeout=20)
    out['patch'] = patched.status_code
    out['patched'] = api.collection_item('cities', fid)['properties']

    replacement = {'type': 'Feature', 'id': int(fid), 'geometry': {'type': 'Point', 'coordinates': [7.26, 43.71]},
                   'properties': {'name': 'Nizza'}}
    replaced = requests.put(f'{items}/{fid}', data=json.dumps(replacement), headers={'Content-Type': GEOJSON}, timeout=20)
    out['put'] = replaced.status_code
    after = api.collection_item('cities', fid)
    out['replaced'] = [after['properties'], after['geometry']['coordinates']]

    wrong = requests.post(items, data='name=Nice', headers={'Content-Type': 'application/x-www-form-urlencoded'}, timeout=20)
    out['unsupported'] = [wrong.status_code, wrong.json()['code']]

    deleted = requests.delete(f'{items}/{fid}', timeout=20)
    out['delete'] = deleted.status_code
    try:
        api.collection_item('cities', fid)
        out['gone'] = False
    except RuntimeError as e:  # OWSLib's answer to a status other than 200
        out['gone'] = json.loads(str(e))['code']
    out['count'] = len(api.collection_items('cities', limit=100)['features'])
    print(json.dumps(out))
except Exception as e:  # noqa: BLE001 - the test shows the client's own error
    print(json.dumps({'error': str(e), 'type': type(e).__name__, 'trace': traceback.format_exc()}))
