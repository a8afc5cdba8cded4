#!/usr/bin/python3
"""Build bench/qgis/demo.qgs: conf/demo/project.yaml as a QGIS project, for the QGIS Server side of the bench.

Run with Debian's PyQGIS (python3-qgis):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis/make-project.py [output.qgs] [data-dir]

Defaults: bench/qgis/demo.qgs and conf/demo/data/ of this checkout. The data paths are stored relative
to the project file, so the project works from any checkout with the same layout.

What maps onto what (conf/demo/project.yaml → QGIS), see bench/README.md for the differences left:
- sizes are "pixels at 90.7 DPI" in ows-server; QGIS Server also renders at 90.7 DPI (0.28 mm pixel)
  when no DPI is asked, so strokes, markers, halos and offsets are set in QGIS *pixel* units and label
  sizes in points, which gives the same pixel sizes;
- ows-server's maxScale (drawn while scale < maxScale) is QGIS's "minimum scale" (most zoomed out);
- drawing order: first written is at the bottom in the YAML, at the top in a QGIS layer tree;
- labels avoid other labels only (features are not obstacles), as in ows-server; label priority 0 for
  the countries (ows-server's default) and 10 for the cities.
"""
import os
import sys

from qgis.core import (
    QgsApplication, QgsCategorizedSymbolRenderer, QgsColorRampShader, QgsCoordinateReferenceSystem,
    QgsFillSymbol, QgsGraduatedSymbolRenderer, QgsLabelingEngineSettings, QgsMarkerSymbol, QgsPalLayerSettings, QgsProject,
    QgsRasterLayer, QgsRasterShader, QgsRendererCategory, QgsRendererRange, QgsRuleBasedRenderer,
    QgsSingleBandPseudoColorRenderer, QgsSingleSymbolRenderer, QgsTextBufferSettings, QgsTextFormat,
    QgsUnitTypes, QgsVectorLayer, QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(HERE, 'demo.qgs')
DATA = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(ROOT, 'conf', 'demo', 'data')
PX = QgsUnitTypes.RenderPixels
FONT = 'DejaVu Sans'  # what fontconfig gives for "sans-serif" here (node-canvas uses the same)

QgsApplication.setPrefixPath('/usr', True)
app = QgsApplication([], False)
app.initQgis()

project = QgsProject.instance()
project.setFileName(OUT)
project.setCrs(QgsCoordinateReferenceSystem('EPSG:4326'))
project.setTitle('ows-server demo — countries and cities of the world')
project.setTrustLayerMetadata(True)
# ows-server (and MapServer with PARTIALS FALSE) drop a label that would leave the image; QGIS's
# default is to allow truncated labels on the edges of the map.
engine = project.labelingEngineSettings()
engine.setFlag(QgsLabelingEngineSettings.UsePartialCandidates, False)
project.setLabelingEngineSettings(engine)


def check(layer):
    if not layer.isValid():
        sys.exit(f'cannot open {layer.source()}')
    return layer


def fill_symbol(fill=None, stroke=None, width=1.0, opacity=1.0):
    """A simple fill: ows-server's symbol keys (no fill / no stroke when absent, widths in pixels)."""
    sym = QgsFillSymbol.createSimple({
        'color': fill or '0,0,0,0', 'style': 'solid' if fill else 'no',
        'outline_color': stroke or '0,0,0,0', 'outline_style': 'solid' if stroke else 'no',
        'outline_width': str(width), 'outline_width_unit': 'Pixel',
    })
    sym.setOpacity(opacity)
    return sym


def marker_symbol(fill, stroke, size, width=1.0):
    """A circle marker, size = diameter in pixels, stroke width in pixels."""
    return QgsMarkerSymbol.createSimple({
        'name': 'circle', 'size': str(size), 'size_unit': 'Pixel', 'color': fill,
        'outline_color': stroke, 'outline_style': 'solid', 'outline_width': str(width),
        'outline_width_unit': 'Pixel',
    })


def text_format(size_pt, color, halo_color, halo_px):
    fmt = QgsTextFormat()
    fmt.setFont(QFont(FONT))
    fmt.setSize(size_pt)
    fmt.setSizeUnit(QgsUnitTypes.RenderPoints)
    fmt.setColor(QColor(color))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(halo_px)
    buf.setSizeUnit(PX)
    buf.setColor(QColor(halo_color))
    fmt.setBuffer(buf)
    return fmt


def no_obstacle(settings):
    obstacle = settings.obstacleSettings()
    obstacle.setIsObstacle(False)
    settings.setObstacleSettings(obstacle)


def describe(layer, name, title, abstract, keywords, aliases=None):
    layer.setName(name)
    layer.setShortName(name)
    layer.setTitle(title)
    layer.setAbstract(abstract)
    layer.setKeywordList(', '.join(keywords))
    for field, alias in (aliases or {}).items():
        layer.setFieldAlias(layer.fields().indexOf(field), alias)


def rename_default_style(layer, name):
    sm = layer.styleManager()
    sm.renameStyle(sm.currentStyle(), name)


# --- coast_distance: a linear colour ramp ------------------------------------------------------------
coast = check(QgsRasterLayer(os.path.join(DATA, 'coast-distance.tif'), 'coast_distance', 'gdal'))
describe(coast, 'coast_distance', 'Distance to the coast',
         'Signed distance from each 0.1° cell to the nearest coastline of the Natural Earth countries, in km: '
         'positive on land, negative at sea.', ['coast', 'distance', 'raster'])
STOPS = [(-3000, '#081d58', '3000 km offshore'), (-1000, '#253494', '1000 km offshore'),
         (-200, '#41b6c4', '200 km offshore'), (-1, '#c7e9f1', 'coast (sea)'), (0, '#edf8b1', 'coast (land)'),
         (200, '#addd8e', '200 km inland'), (800, '#78c679', '800 km inland'),
         (1500, '#a1793a', '1500 km inland'), (2500, '#fafafa', '2500 km inland')]
ramp = QgsColorRampShader(STOPS[0][0], STOPS[-1][0])
ramp.setColorRampType(QgsColorRampShader.Interpolated)
ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, QColor(c), l) for v, c, l in STOPS])
ramp.setClip(False)  # values beyond the ends take the end colours
shader = QgsRasterShader(STOPS[0][0], STOPS[-1][0])
shader.setRasterShaderFunction(ramp)
pseudo = QgsSingleBandPseudoColorRenderer(coast.dataProvider(), 1, shader)
pseudo.setClassificationMin(STOPS[0][0])
pseudo.setClassificationMax(STOPS[-1][0])
coast.setRenderer(pseudo)
rename_default_style(coast, 'hypsometric')

# --- countries: categorized by continent, labelled; a second style "outlines" ---------------------------
countries = check(QgsVectorLayer(os.path.join(DATA, 'countries.gpkg') + '|layername=countries', 'countries', 'ogr'))
describe(countries, 'countries', 'Countries',
         'Natural Earth 1:50m admin-0 countries, with ISO 3166 codes and continent.',
         ['countries', 'boundaries', 'Natural Earth'],
         {'name': 'Name', 'name_long': 'Full name', 'continent': 'Continent', 'iso_a2': 'ISO alpha-2',
          'iso_a3': 'ISO alpha-3', 'iso_n3': 'ISO numeric'})
BORDER = dict(stroke='#ffffff', width=0.7, opacity=0.85)
CONTINENTS = [('Africa', '#fdb462'), ('Antarctica', '#e8e8e8'), ('Asia', '#fb8072'), ('Europe', '#80b1d3'),
              ('North America', '#b3de69'), ('Oceania', '#bc80bd'), ('South America', '#ffed6f')]
categories = [QgsRendererCategory(v, fill_symbol(fill=c, **BORDER), v) for v, c in CONTINENTS]
# QGIS: the category with an empty value takes every value no other category matches (and NULL),
# like ows-server's `default`.
categories.append(QgsRendererCategory('', fill_symbol(fill='#cccccc', **BORDER), 'other'))
rename_default_style(countries, 'continents')
countries.setRenderer(QgsCategorizedSymbolRenderer('continent', categories))
lab = QgsPalLayerSettings()
lab.fieldName = 'name'
lab.isExpression = False
lab.setFormat(text_format(9, '#444444', '#ffffff', 1))
lab.placement = QgsPalLayerSettings.Horizontal  # candidates ranked by distance to the pole of inaccessibility
lab.priority = 0
lab.scaleVisibility = True
lab.minimumScale = 60000000  # drawn while scale <= 60M (ows-server: maxScale 60000000)
lab.maximumScale = 0
no_obstacle(lab)
countries.setLabeling(QgsVectorLayerSimpleLabeling(lab))
countries.setLabelsEnabled(True)
sm = countries.styleManager()
sm.addStyleFromLayer('outlines')
sm.setCurrentStyle('outlines')
countries.setRenderer(QgsSingleSymbolRenderer(fill_symbol(stroke='#555555', width=0.8)))
countries.setLabelsEnabled(False)
sm.setCurrentStyle('continents')

# --- cities: rules by population with scale ranges, big cities labelled; a "graduated" style ----------
cities = check(QgsVectorLayer(os.path.join(DATA, 'cities.gpkg') + '|layername=cities', 'cities', 'ogr'))
describe(cities, 'cities', 'Cities',
         'Every city of the GeoNames gazetteer (cities of 1000 inhabitants or more, and seats of administrative '
         'divisions), with population where GeoNames gives one. Source: GeoNames, CC BY 4.0.',
         ['cities', 'places', 'GeoNames'],
         {'name': 'Name', 'country': 'Country (ISO alpha-2)', 'region': 'Region', 'admin1': 'Region code',
          'population': 'Population', 'feature_code': 'GeoNames feature code'})
# (name, legend label, filter, ows-server maxScale → QGIS minimum scale, fill, stroke, stroke width, size)
RULES = [
    ('megacities', '5 million or more', '"population" >= 5000000', 0, '#67000d', '#ffffff', 1, 10),
    ('large', '1 to 5 million', '"population" >= 1000000 AND "population" < 5000000', 0, '#a50f15', '#ffffff', 1, 7),
    ('medium', '100,000 to 1 million', '"population" >= 100000 AND "population" < 1000000', 40000000,
     '#ef3b2c', '#ffffff', 1, 5),
    ('small', '10,000 to 100,000', '"population" >= 10000 AND "population" < 100000', 10000000,
     '#fc9272', '#a50f15', 0.5, 3.5),
    ('towns', 'under 10,000 or unknown', '"population" < 10000 OR "population" IS NULL', 3000000,
     '#fee0d2', '#a50f15', 0.5, 2.5),
]
root_rule = QgsRuleBasedRenderer.Rule(None)
for name, label, filt, max_scale, fill, stroke, width, size in RULES:
    # Rule(symbol, maximumScale (most zoomed in), minimumScale (most zoomed out), filter, label, description)
    root_rule.appendChild(QgsRuleBasedRenderer.Rule(marker_symbol(fill, stroke, size, width), 0, max_scale,
                                                    filt, label, name))
rename_default_style(cities, 'by-population')
cities.setRenderer(QgsRuleBasedRenderer(root_rule))
lab = QgsPalLayerSettings()
lab.fieldName = 'CASE WHEN "population" >= 1000000 THEN "name" END'
lab.isExpression = True
lab.setFormat(text_format(9, '#222222', '#ffffff', 1.5))
lab.placement = QgsPalLayerSettings.OverPoint
lab.quadOffset = QgsPalLayerSettings.QuadrantAboveRight  # bottom-left corner of the label at the point…
lab.xOffset = 0
lab.yOffset = -8  # …plus the offset [0, -8] px (y down), as ows-server does
lab.offsetUnits = PX
lab.priority = 10
no_obstacle(lab)
cities.setLabeling(QgsVectorLayerSimpleLabeling(lab))
cities.setLabelsEnabled(True)
sm = cities.styleManager()
sm.addStyleFromLayer('graduated')
sm.setCurrentStyle('graduated')
CLASSES = [(0, 100000, 'under 100,000', '#fdd0a2', '#7f2704', 0.4, 3),
           (100000, 1000000, '100,000 to 1 million', '#fd8d3c', '#7f2704', 0.5, 5),
           (1000000, 5000000, '1 to 5 million', '#d94801', '#7f2704', 1, 8),
           (5000000, 100000000, '5 million or more', '#7f2704', '#ffffff', 1, 11)]
cities.setRenderer(QgsGraduatedSymbolRenderer('population', [
    QgsRendererRange(lo, hi, marker_symbol(fill, stroke, size, width), label)
    for lo, hi, label, fill, stroke, width, size in CLASSES]))
cities.setLabelsEnabled(False)
sm.setCurrentStyle('by-population')

# --- the tree: QGIS lists the top layer first ------------------------------------------------------------
for layer in (coast, countries, cities):
    project.addMapLayer(layer, False)
root = project.layerTreeRoot()
root.addLayer(cities)
world = root.addGroup('world')
world.setCustomProperty('wmsShortName', 'world')
world.setCustomProperty('wmsTitle', 'World')
world.setCustomProperty('wmsAbstract', 'Countries of the world over the distance to the coast.')
world.addLayer(countries)
world.addLayer(coast)

# --- WMS service metadata, as in the YAML's `service` ----------------------------------------------------
entries = {
    'WMSServiceCapabilities': True,
    'WMSServiceTitle': 'ows-server demo — countries and cities of the world',
    'WMSServiceAbstract': 'Natural Earth 1:50m countries coloured by continent, every GeoNames city sized by '
                          'population, and the distance to the coast as a backdrop. Country boundaries from '
                          'Natural Earth (public domain); cities from GeoNames (geonames.org, CC BY 4.0).',
    'WMSKeywordList': ['demo', 'world', 'countries', 'cities', 'Natural Earth', 'GeoNames'],
    'WMSContactOrganization': 'ows-server',
    'WMSContactPosition': 'demo project',
    'WMSContactMail': 'demo@example.org',
    'WMSFees': 'none',
    'WMSAccessConstraints': 'None. Cities: GeoNames (geonames.org), licensed under CC BY 4.0 — attribution required.',
    'WMSCrsList': ['EPSG:4326', 'EPSG:3857', 'EPSG:3395', 'EPSG:4258', 'EPSG:3035'],
    'WMSExtent': ['-180', '-90', '180', '90'],
    'WMSMaxWidth': '4096',
    'WMSMaxHeight': '4096',
    'WMSUseLayerIDs': False,
    'WMSAddWktGeometry': False,
}
for key, value in entries.items():
    project.writeEntry(key, '/', value)

if not project.write(OUT):
    sys.exit(f'cannot write {OUT}: {project.error()}')
print(f'wrote {OUT} (data: {DATA})')
app.exitQgis()
