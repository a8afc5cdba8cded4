#!/usr/bin/python3
"""Build bench/wfs/wfs.qgs: bench/wfs/project.yaml as a QGIS project, for the QGIS Server side of the WFS bench.

Run with Debian's PyQGIS (python3-qgis):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/wfs/make-project.py [output.qgs]

The layers `countries` (conf/demo/data/countries.gpkg) and `points` (bench/wfs/data/points.gpkg, made by
bench/wfs/make-data.mjs) are published for WFS (project property WFSLayers) with every field, 8 decimals
(WFSLayersPrecision: the points have 6), read-only. Paths are stored relative to the project file.
"""
import os
import sys

from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsProject, QgsVectorLayer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(HERE, 'wfs.qgs')
LAYERS = [
    # (name, file, OGR layer, title, abstract)
    ('countries', os.path.join(ROOT, 'conf', 'demo', 'data', 'countries.gpkg'), 'countries', 'Countries',
     'Natural Earth 1:50m admin-0 countries.'),
    ('points', os.path.join(HERE, 'data', 'points.gpkg'), 'points', 'Points',
     '1,000,000 seeded random points with a name, a population and an elevation.'),
]

QgsApplication.setPrefixPath('/usr', True)
app = QgsApplication([], False)
app.initQgis()

project = QgsProject.instance()
project.setFileName(OUT)
project.setCrs(QgsCoordinateReferenceSystem('EPSG:4326'))
project.setTitle('ows-server WFS bench')
project.setTrustLayerMetadata(True)  # as a production project would: no extent scan of 1M points on load

layer_ids = []
for name, path, ogr_layer, title, abstract in LAYERS:
    layer = QgsVectorLayer(f'{path}|layername={ogr_layer}', name, 'ogr')
    if not layer.isValid():
        sys.exit(f'cannot open {path} (points: node bench/wfs/make-data.mjs; countries: node scripts/build-demo-data.mjs)')
    layer.setShortName(name)
    layer.setTitle(title)
    layer.setAbstract(abstract)
    project.addMapLayer(layer)
    layer_ids.append(layer.id())

entries = {
    'WMSServiceCapabilities': True,
    'WMSServiceTitle': 'ows-server WFS bench',
    'WMSServiceAbstract': 'A million points and the Natural Earth countries, for the WFS GetFeature bench.',
    'WMSCrsList': ['EPSG:4326', 'EPSG:3857'],
    'WMSExtent': ['-180', '-90', '180', '90'],
    'WMSUseLayerIDs': False,
    'WFSLayers': layer_ids,
    'WFSTUpdate': [],
    'WFSTInsert': [],
    'WFSTDelete': [],
}
for key, value in entries.items():
    project.writeEntry(key, '/', value)
for layer_id in layer_ids:
    project.writeEntry('WFSLayersPrecision', '/' + layer_id, 8)

if not project.write(OUT):
    sys.exit(f'cannot write {OUT}: {project.error()}')
print(f'wrote {OUT}')
app.exitQgis()
