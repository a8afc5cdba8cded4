#!/usr/bin/python3
"""Drives OWSLib's WebFeatureService.getfeature against a WFS for test/clients/wfs-getfeature.test.ts.

usage: owslib_wfs_getfeature.py URL VERSION OPTIONS

OPTIONS is a JSON object of getfeature keyword arguments (typename, bbox, propertyname, maxfeatures,
outputFormat, method, featureid, sortby, startindex, srsname) and optionally "filter": a filter spec that
OWSLib's own filter classes build (owslib.fes for 1.1.0, owslib.fes2 for 2.0.0):
    {"op": "PropertyIsGreaterThan", "args": ["population", 3000000]}
    {"op": "And", "args": [SPEC, SPEC]}          (also Or, Not)
    {"op": "PropertyIsLike", "args": ["name", "B%"], "kwargs": {"wildCard": "%"}}

Prints one JSON object on stdout: the answer's format ("json" or "gml"), its root element, the counts it
carries (numberMatched, numberReturned, numberOfFeatures) and its features as
    {"id", "type", "properties": {name: value}, "geometry": {"type", "srsName", "positions": [[a, b], ...]}}
with GML property values as text and positions in the axis order written. An OWSLib exception is printed
as {"error": ..., "type": ...} with exit status 3, so the test can show OWSLib's own words.
"""
import json
import sys
import traceback

from lxml import etree
from owslib import fes, fes2
from owslib.wfs import WebFeatureService

GML_NAMESPACES = ('http://www.opengis.net/gml', 'http://www.opengis.net/gml/3.2')


def local(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else ''


def build_filter(spec, module):
    """A filter spec → an OWSLib filter object of `module` (fes or fes2)."""
    op = getattr(module, spec['op'])
    if spec['op'] in ('And', 'Or'):
        return op([build_filter(s, module) for s in spec['args']])
    if spec['op'] == 'Not':
        return op([build_filter(spec['args'][0], module)])
    # OWSLib's filter classes write their arguments as element text: they take strings only.
    return op(*[str(a) for a in spec.get('args', [])], **spec.get('kwargs', {}))


def filter_argument(spec, version):
    """What getfeature's filter= takes: 1.1.0 a string (ogc:Filter); 2.0.0 the fes:Filter element (for POST)."""
    if version == '2.0.0':
        return fes2.Filter(build_filter(spec, fes2)).toXML()
    # setConstraint(tostring=True) gives bytes, and getfeature would send str(bytes), the b'...' repr.
    return fes.FilterRequest().setConstraint(build_filter(spec, fes), tostring=True).decode('utf-8')


def srs_of(element):
    """The srsName in force for a geometry element: its own, or its nearest ancestor's."""
    while element is not None:
        if element.get('srsName'):
            return element.get('srsName')
        element = element.getparent()
    return None


def positions(geometry):
    """Every position of a GML geometry, in document order, as written (pos, posList, coordinates, coord)."""
    out = []
    for el in geometry.iter():
        name, text = local(el.tag), (el.text or '').strip()
        if name in ('pos', 'posList'):
            values = [float(v) for v in text.split()]
            dim = int(el.get('srsDimension') or el.get('dimension') or 2)
            out.extend(values[i:i + dim] for i in range(0, len(values), dim))
        elif name == 'coordinates':
            cs, ts = el.get('cs', ','), el.get('ts', ' ')
            tuples = text.split() if ts == ' ' else text.split(ts)
            out.extend([float(v) for v in t.split(cs)] for t in tuples if t.strip())
        elif name == 'coord':
            out.append([float(c.text) for c in el if local(c.tag) in ('X', 'Y', 'Z')])
    return out


def gml_feature(element):
    fid = element.get('fid') or next((element.get('{%s}id' % ns) for ns in GML_NAMESPACES if element.get('{%s}id' % ns)), None)
    properties, geometry = {}, None
    for child in element:
        name = local(child.tag)
        if name == 'boundedBy':
            continue
        inner = [c for c in child if isinstance(c.tag, str)]
        if inner and etree.QName(inner[0]).namespace in GML_NAMESPACES:
            geometry = {'type': local(inner[0].tag), 'srsName': srs_of(inner[0]), 'positions': positions(inner[0])}
        else:
            properties[name] = child.text
    return {'id': fid, 'type': local(element.tag), 'properties': properties, 'geometry': geometry}


def gml_members(root):
    """The features of a FeatureCollection: wfs:member (2.0), gml:featureMember, gml:featureMembers (1.x)."""
    for member in root:
        name = local(member.tag)
        if name in ('member', 'featureMember', 'featureMembers'):
            yield from (c for c in member if isinstance(c.tag, str))


def parse_gml(data):
    root = etree.fromstring(data)
    counts = {k: root.get(k) for k in ('numberMatched', 'numberReturned', 'numberOfFeatures') if root.get(k) is not None}
    return {'format': 'gml', 'root': root.tag, **counts, 'features': [gml_feature(f) for f in gml_members(root)]}


def flatten(coordinates):
    return [coordinates] if isinstance(coordinates[0], (int, float)) else [p for c in coordinates for p in flatten(c)]


def parse_json(data):
    doc = json.loads(data)
    features = [{
        'id': f.get('id'), 'type': None, 'properties': f.get('properties') or {},
        'geometry': f['geometry'] and {'type': f['geometry']['type'], 'srsName': None, 'positions': flatten(f['geometry']['coordinates'])},
    } for f in doc['features']]
    counts = {k: doc[k] for k in ('numberMatched', 'numberReturned') if k in doc}
    return {'format': 'json', 'root': doc.get('type'), **counts, 'features': features}


def main(argv):
    url, version, options = argv[1], argv[2], json.loads(argv[3])
    wfs = WebFeatureService(url, version=version, timeout=20)
    if 'filter' in options:
        options['filter'] = filter_argument(options['filter'], version)
    data = wfs.getfeature(**options).read()
    data = data if isinstance(data, bytes) else data.encode('utf-8')
    if data.lstrip().startswith(b'{'):
        return parse_json(data)
    result = parse_gml(data)
    if local(result['root']) in ('ExceptionReport', 'ServiceExceptionReport'):
        raise RuntimeError('the server answered an exception: ' + data.decode('utf-8', 'replace')[:1000])
    return result


if __name__ == '__main__':
    try:
        print(json.dumps(main(sys.argv), default=str))
    except Exception as e:  # report OWSLib's own message to the test
        print(json.dumps({'error': str(e), 'type': type(e).__name__, 'trace': traceback.format_exc()}))
        sys.exit(3)
