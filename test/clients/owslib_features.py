#!/usr/bin/python3
"""Drives OWSLib's OGC API - Features client (owslib.ogcapi.features.Features) for test/clients/oapif-owslib.test.ts.

usage: owslib_features.py URL CALLS [OPTIONS]

URL is the API root (http://127.0.0.1:PORT/ogcapi, optionally with a query string such as ?MAP=...). CALLS is a
JSON array of calls on the Features object, each {"call": NAME, "args": [...], "kwargs": {...}}: conformance, api,
collections, feature_collections, collection, collection_queryables, collection_items (keyword arguments are sent
as query parameters: limit, offset, bbox, datetime, filter, and any other such as "filter-lang" or sortby),
collection_item; and two pseudo-calls: "landing" (the landing page the client works from) and "constructed_landing"
(the landing page as OWSLib's constructor fetched it). OPTIONS is a JSON object: {"headers": {name: value}}.

Prints one JSON object: {"results": [...]}, one entry per call, {"result": ..., "request": URL OWSLib asked} or, when
OWSLib raised (it raises RuntimeError with the server's answer for any status but 200), {"error": ..., "type": ...}.
A failure outside the calls is printed as {"error", "type", "trace"} with exit status 3.

Works around two faults of OWSLib 0.27 with a URL that has a query string (MAP=...): it joins the resource paths to
the URL without a '/' ('http://h/ogcapi?MAP=x' + 'collections' gives 'http://h/collections?MAP=x'), so the root is
given a trailing '/'; and its constructor fetches the landing page without the query string, so the landing page is
fetched again through OWSLib's own request method, which keeps it. (It also never hands its timeout to requests: the
test's process timeout bounds this script.)
"""
import json
import sys
import traceback

from owslib.ogcapi.features import Features


def open_api(url, headers):
    """The Features client of an API root, and the landing page its constructor fetched."""
    root, _, query = url.partition('?')
    if query:
        url = root.rstrip('/') + '/?' + query
    api = Features(url, timeout=20, headers=headers)
    constructed = api.response
    if query:
        api.response = api._request('')
        api.links = api.response.get('links', [])
    return api, constructed


def call(api, constructed, spec):
    name = spec['call']
    if name == 'landing':
        return api.response
    if name == 'constructed_landing':
        return constructed
    return getattr(api, name)(*spec.get('args', []), **spec.get('kwargs', {}))


def main(argv):
    url, calls = argv[1], json.loads(argv[2])
    options = json.loads(argv[3]) if len(argv) > 3 else {}
    api, constructed = open_api(url, options.get('headers'))
    results = []
    for spec in calls:
        api.request = None
        try:
            results.append({'result': call(api, constructed, spec), 'request': api.request})
        except Exception as e:  # OWSLib's own words for the test to show or check
            results.append({'error': str(e), 'type': type(e).__name__, 'request': api.request})
    return {'results': results}


if __name__ == '__main__':
    try:
        print(json.dumps(main(sys.argv), default=str))
    except Exception as e:  # report OWSLib's own message to the test
        print(json.dumps({'error': str(e), 'type': type(e).__name__, 'trace': traceback.format_exc()}))
        sys.exit(3)
