#!/usr/bin/python3
"""Drives QGIS's WFS provider (PyQGIS, headless) against a WFS for test/clients/qgis-wfs.test.ts.

usage: qgis_wfs.py COMMAND OPTIONS          (OPTIONS: a JSON object)

Every command opens `QgsVectorLayer("url='…' typename='…' version='…' …", …, 'WFS')` as QGIS Desktop does,
from OPTIONS: url, typename, version and "uri" (more provider keys: pagingEnabled, pageSize, maxNumFeatures,
restrictToRequestBBOX, srsname, …).

read   Reads the layer, and the same request from OPTIONS.source (a local file, through the 'ogr' provider) as
       the reference: "subset" (a QGIS expression set with setSubsetString: the provider sends it as an FE
       filter; on the source it is applied as a filter expression), "expression" (QgsFeatureRequest filter,
       evaluated by QGIS), "rect" [xmin, ymin, xmax, ymax] (QgsFeatureRequest filter rectangle, exact
       intersection), "sourceExpression" / "sourceOrderBy" [[field, ascending]] (the reference when the subset
       is WFS SQL: SELECT … WHERE … ORDER BY …). A WFS layer in another CRS (uri srsname) is compared with the
       source transformed by QGIS. Prints {"wfs": LAYER, "source": LAYER, "editing": CAPABILITIES, "sourceInRect"} with
           LAYER = {"valid", "error", "fields": [{"name", "type", "typeName"}], "wkbType", "geometryType", "crs",
                    "extent" (read before any feature: a WFS layer's comes from the capabilities),
                    "featureCount" (the layer's, whatever the request),
                    "features": [{"attributes": {name: value}, "geometry": GeoJSON | null}]}
           CAPABILITIES = {"add", "attributes", "geometry", "delete"}: the edits QGIS offers on the WFS layer,
       and, with a rect, sourceInRect: how many source features lie in it, whatever the expression.
edit   Starts editing, applies OPTIONS.ops in order, commits. Ops:
           {"op": "add", "attributes": {…}, "wkt": "POINT(…)"}
           {"op": "attributes", "where": {field: value}, "attributes": {field: value}}
           {"op": "geometry", "where": {field: value}, "wkt": "…"}
           {"op": "delete", "where": {field: value}}
           {"op": "commit"}            (commits, and starts editing again)
       ("where" picks the one feature whose fields have these values). Prints {"capabilities": CAPABILITIES, "started":
       bool (startEditing: false when QGIS may not edit the layer at all; then nothing else is done), "steps":
       [bool per op], "committed": bool (the last commit), "commitErrors": [...]}.

Both print "messages": what QGIS wrote to its message log (the provider reports server exceptions there).
A Python exception is printed as {"error", "type", "trace", "messages"} with exit status 3.
"""
import json
import os
import sys
import traceback

from qgis.PyQt.QtCore import QVariant

from qgis.core import (QgsApplication, QgsCoordinateTransform, QgsFeature, QgsFeatureRequest, QgsGeometry,
                       QgsNetworkAccessManager, QgsProject, QgsRectangle, QgsVectorDataProvider, QgsVectorLayer,
                       QgsWkbTypes)

MESSAGES = []


def provider_uri(options):
    """The WFS provider's data source URI: key='value' pairs, as QGIS writes it in a project."""
    keys = {'url': options['url'], 'typename': options['typename'], 'version': options['version'], **options.get('uri', {})}
    return ' '.join("%s='%s'" % (k, str(v).replace("'", "\\'")) for k, v in keys.items())


def value(v):
    """A QVariant-ish attribute value as JSON: NULL → None, dates and the like → text."""
    if v is None or (hasattr(v, 'isNull') and v.isNull()):
        return None
    return v if isinstance(v, (bool, int, float, str)) else str(v)


def feature_json(layer, f):
    """A feature as JSON: attributes by field name, geometry as GeoJSON (17 digits: nothing rounded away)."""
    g = f.geometry()
    return {
        'attributes': {field.name(): value(f[field.name()]) for field in layer.fields()},
        'geometry': None if g.isNull() else json.loads(g.asJson(17)),
    }


def layer_json(layer, request=None, transform=None):
    """The layer's metadata and the features of `request`, optionally transformed (the reference in another CRS)."""
    if not layer.isValid():
        error = layer.error()  # kept in a variable: summary() on the temporary crashes PyQGIS 3.22
        return {'valid': False, 'error': error.summary(), 'features': []}
    # Read before any feature: for a WFS layer this is the extent the capabilities advertise.
    extent = layer.extent()
    out = {
        'valid': True,
        'error': None,
        # type: the Qt type QGIS holds the values in (comparable across providers); typeName: the provider's.
        'fields': [{'name': f.name(), 'type': QVariant.typeToName(f.type()), 'typeName': f.typeName()} for f in layer.fields()],
        'wkbType': QgsWkbTypes.displayString(layer.wkbType()),
        'geometryType': QgsWkbTypes.geometryDisplayString(layer.geometryType()),
        'crs': layer.crs().authid(),
        'extent': [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()],
        'featureCount': layer.featureCount(),
        'features': [],
    }
    for f in layer.getFeatures(request or QgsFeatureRequest()):
        if transform is not None and f.hasGeometry():
            g = f.geometry()
            g.transform(transform)
            f.setGeometry(g)
        out['features'].append(feature_json(layer, f))
    return out


def feature_request(options):
    """The QgsFeatureRequest of OPTIONS: rect (exact intersection) and expression."""
    request = QgsFeatureRequest()
    if options.get('rect'):
        request.setFilterRect(QgsRectangle(*options['rect']))
        request.setFlags(QgsFeatureRequest.ExactIntersect)
    if options.get('expression'):
        request.setFilterExpression(options['expression'])
    return request


def source_request(options):
    """The reference request on the source: the subset string as a filter expression (QGIS's own evaluation;
    or OPTIONS.sourceExpression where the subset is WFS SQL), ANDed with the request expression; sourceOrderBy."""
    request = feature_request(options)
    where = options.get('sourceExpression', options.get('subset'))
    if where:
        request.setFilterExpression(' AND '.join('(%s)' % e for e in (where, options.get('expression')) if e))
    for field, ascending in options.get('sourceOrderBy', []):
        request.addOrderBy(field, ascending)
    return request


def read(options):
    wfs = QgsVectorLayer(provider_uri(options), 'wfs', 'WFS')
    if options.get('subset') and wfs.isValid() and not wfs.setSubsetString(options['subset']):
        raise RuntimeError('the WFS layer refused the subset string ' + options['subset'])
    source = QgsVectorLayer(options['source'], 'source', 'ogr')
    transform = None
    if wfs.isValid() and wfs.crs() != source.crs():
        transform = QgsCoordinateTransform(source.crs(), wfs.crs(), QgsProject.instance())
    result = {'wfs': layer_json(wfs, feature_request(options)), 'source': layer_json(source, source_request(options), transform)}
    if wfs.isValid():
        result['editing'] = capabilities(wfs)
    if options.get('rect'):
        # What a server's BBOX alone must answer (QGIS filters its download by the rectangle again, so the
        # layer's features cannot tell whether the server did).
        result['sourceInRect'] = len(list(source.getFeatures(feature_request({'rect': options['rect']}))))
    del wfs, source  # layers go before exitQgis, else PyQGIS crashes on the way out
    return result


def find(layer, where):
    """The id of the one feature whose attributes have the values of `where`."""
    expression = ' AND '.join('"%s" = %s' % (k, json.dumps(v).replace('"', "'")) for k, v in where.items())
    ids = [f.id() for f in layer.getFeatures(QgsFeatureRequest().setFilterExpression(expression))]
    if len(ids) != 1:
        raise RuntimeError('%d features match %s' % (len(ids), expression))
    return ids[0]


def apply(layer, op):
    """One edit in the layer's edit buffer; False when QGIS refused it."""
    if op['op'] == 'add':
        f = QgsFeature(layer.fields())
        for name, v in op['attributes'].items():
            f[name] = v
        f.setGeometry(QgsGeometry.fromWkt(op['wkt']))
        return layer.addFeature(f)
    fid = find(layer, op['where'])
    if op['op'] == 'attributes':
        return all(layer.changeAttributeValue(fid, layer.fields().indexOf(k), v) for k, v in op['attributes'].items())
    if op['op'] == 'geometry':
        return layer.changeGeometry(fid, QgsGeometry.fromWkt(op['wkt']))
    if op['op'] == 'delete':
        return layer.deleteFeature(fid)
    raise ValueError('unknown op ' + op['op'])


def capabilities(layer):
    """The edits the provider offers (from the server's capabilities)."""
    caps = layer.dataProvider().capabilities()
    names = {'add': QgsVectorDataProvider.AddFeatures, 'attributes': QgsVectorDataProvider.ChangeAttributeValues,
             'geometry': QgsVectorDataProvider.ChangeGeometries, 'delete': QgsVectorDataProvider.DeleteFeatures}
    return {k: bool(caps & v) for k, v in names.items()}


def commit(layer, result):
    """Commits the edit buffer; its errors go to result['commitErrors']; a failed commit is rolled back."""
    ok = layer.commitChanges()
    result['commitErrors'] += layer.commitErrors()
    if not ok:
        layer.rollBack()
    return ok


def edit(options):
    layer = QgsVectorLayer(provider_uri(options), 'wfs', 'WFS')
    if not layer.isValid():
        error = layer.error()
        raise RuntimeError('the WFS layer is not valid: ' + error.summary())
    result = {'capabilities': capabilities(layer), 'started': layer.startEditing(), 'steps': [], 'commitErrors': []}
    if not result['started']:  # a layer QGIS may not edit at all
        result['committed'] = False
        del layer
        return result
    for op in options['ops']:
        if op['op'] == 'commit':
            result['steps'].append(commit(layer, result))
            layer.startEditing()
        else:
            result['steps'].append(apply(layer, op))
    result['committed'] = commit(layer, result)
    del layer
    return result


COMMANDS = {'read': read, 'edit': edit}


def run(command, options):
    """The command's result, or {"error", "type", "trace"}; the traceback (and with it every layer) is let go
    here, before exitQgis: a layer that outlives it crashes PyQGIS on the way out."""
    try:
        return COMMANDS[command](options)
    except Exception as e:  # the test shows QGIS's own words
        return {'error': str(e), 'type': type(e).__name__, 'trace': traceback.format_exc()}


def main(argv):
    command, options = argv[1], json.loads(argv[2])
    os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
    # The test gives QGIS a profile folder and a HOME of its own: QGIS answers GetCapabilities from its network
    # cache (~/.cache/QGIS), and an earlier server on the same port must not answer for this one.
    app = QgsApplication([], False, options.get('profile', ''))
    app.initQgis()
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: MESSAGES.append('%s: %s' % (tag, message)))
    QgsNetworkAccessManager.setTimeout(int(options.get('timeoutMs', 15000)))
    result = run(command, options)
    result['messages'] = MESSAGES
    # Printed before exitQgis, so that a crash on the way out cannot lose it.
    print(json.dumps(result, default=str), flush=True)
    app.exitQgis()
    return 3 if 'error' in result else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
