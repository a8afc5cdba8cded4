import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, type ParsedFilter } from '../../../../src/services/wfs/xml/filter-encoding.js';
import { readGmlGeometry } from '../../../../src/services/wfs/xml/gml-geometry.js';
import { OgcError } from '../../../../src/errors/ogc-error.js';
import { tree } from './tree-from-text.js';

const OGC = 'xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"';
const FES = 'xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"';
const fe11 = (b: string): ParsedFilter => parseFilter(tree(`<ogc:Filter ${OGC}>${b}</ogc:Filter>`));
const fe20 = (b: string): ParsedFilter => parseFilter(tree(`<fes:Filter ${FES}>${b}</fes:Filter>`));
const gml = (b: string, ns = 'http://www.opengis.net/gml'): ReturnType<typeof readGmlGeometry> => readGmlGeometry(tree(b.replace('>', ` xmlns:gml="${ns}">`)));
const BOX = [[[1, 2], [3, 2], [3, 4], [1, 4], [1, 2]]];

test('BBOX with gml:Box (GML 2, as GDAL / OWSLib 1.0 send it)', () => {
  const f = fe11('<ogc:BBOX><ogc:PropertyName>app:geom</ogc:PropertyName><gml:Box srsName="EPSG:4326"><gml:coordinates>1,2 3,4</gml:coordinates></gml:Box></ogc:BBOX>');
  assert.equal(f.expression, null);
  assert.deepEqual(f.spatial, [{ operator: 'BBOX', property: 'geom', geometry: { type: 'Polygon', coordinates: BOX }, srsName: 'EPSG:4326' }]);
});

test('BBOX with gml:Envelope, no property (FE 2.0, as QGIS / OWSLib send it)', () => {
  const f = fe20('<fes:BBOX><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>1 2</gml:lowerCorner><gml:upperCorner>3 4</gml:upperCorner></gml:Envelope></fes:BBOX>');
  assert.deepEqual(f.spatial, [{ operator: 'BBOX', property: null, geometry: { type: 'Polygon', coordinates: BOX }, srsName: 'urn:ogc:def:crs:EPSG::4326' }]);
});

test('BBOX under And with attribute predicates: spatial apart, the rest as expression', () => {
  const f = fe11('<ogc:And><ogc:BBOX><ogc:PropertyName>geom</ogc:PropertyName><gml:Envelope><gml:lowerCorner>1 2</gml:lowerCorner><gml:upperCorner>3 4</gml:upperCorner></gml:Envelope></ogc:BBOX><ogc:PropertyIsEqualTo><ogc:PropertyName>a</ogc:PropertyName><ogc:Literal>x</ogc:Literal></ogc:PropertyIsEqualTo></ogc:And>');
  assert.equal(f.spatial.length, 1);
  assert.equal(f.spatial[0].srsName, null);
  assert.equal(f.expression!.test({ a: 'x' }), true);
  assert.equal(f.expression!.test({ a: 'y' }), false);
});

for (const op of ['Intersects', 'Within', 'Contains', 'Disjoint', 'Equals', 'Touches', 'Crosses', 'Overlaps']) {
  test(`${op} with a GML 3.2 polygon (FE 2.0) and a GML 2 polygon (FE 1.1)`, () => {
    const f20 = fe20(`<fes:${op}><fes:ValueReference>geom</fes:ValueReference><gml:Polygon gml:id="p1" srsName="EPSG:3857"><gml:exterior><gml:LinearRing><gml:posList>1 2 3 2 3 4 1 4 1 2</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:${op}>`);
    assert.deepEqual(f20.spatial, [{ operator: op, property: 'geom', geometry: { type: 'Polygon', coordinates: BOX }, srsName: 'EPSG:3857' }]);
    const f11 = fe11(`<ogc:${op}><ogc:PropertyName>geom</ogc:PropertyName><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>1,2 3,2 3,4 1,4 1,2</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></ogc:${op}>`);
    assert.deepEqual(f11.spatial[0].geometry, { type: 'Polygon', coordinates: BOX });
  });
}

test('DWithin / Beyond carry the distance and its units', () => {
  const f11 = fe11('<ogc:DWithin><ogc:PropertyName>geom</ogc:PropertyName><gml:Point><gml:coordinates>5,6</gml:coordinates></gml:Point><ogc:Distance units="m">100</ogc:Distance></ogc:DWithin>');
  assert.deepEqual(f11.spatial[0], { operator: 'DWithin', property: 'geom', geometry: { type: 'Point', coordinates: [5, 6] }, srsName: null, distance: { value: 100, units: 'm' } });
  const f20 = fe20('<fes:Beyond><fes:ValueReference>geom</fes:ValueReference><gml:Point><gml:pos>5 6</gml:pos></gml:Point><fes:Distance uom="km">2.5</fes:Distance></fes:Beyond>');
  assert.deepEqual(f20.spatial[0].distance, { value: 2.5, units: 'km' });
  assert.throws(() => fe20('<fes:DWithin><gml:Point><gml:pos>5 6</gml:pos></gml:Point></fes:DWithin>'), isParse(/needs a Distance/));
  assert.throws(() => fe20('<fes:DWithin><gml:Point><gml:pos>5 6</gml:pos></gml:Point><fes:Distance uom="m">-1</fes:Distance></fes:DWithin>'), isParse(/Bad distance/));
});

function isParse(text: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof OgcError && e.code === 'OperationParsingFailed' && text.test(e.message);
}

test('spatial operators under Or / Not are refused (InvalidParameterValue), BBOX needs an envelope', () => {
  assert.throws(() => fe11('<ogc:Or><ogc:BBOX><gml:Box><gml:coordinates>1,2 3,4</gml:coordinates></gml:Box></ogc:BBOX><ogc:PropertyIsNull><ogc:PropertyName>a</ogc:PropertyName></ogc:PropertyIsNull></ogc:Or>'), (e) => e instanceof OgcError && e.code === 'InvalidParameterValue' && /ogc:BBOX/.test(e.message));
  assert.throws(() => fe20('<fes:BBOX><gml:Point><gml:pos>1 2</gml:pos></gml:Point></fes:BBOX>'), isParse(/gml:Envelope/));
  assert.throws(() => fe20('<fes:Intersects><fes:ValueReference>g</fes:ValueReference></fes:Intersects>'), isParse(/needs a GML geometry/));
});

test('GML geometries: points, lines, multi-geometries, GML 2 coord, 3D posList, custom separators', () => {
  assert.deepEqual(gml('<gml:Point><gml:coord><gml:X>1</gml:X><gml:Y>2</gml:Y></gml:coord></gml:Point>').geometry, { type: 'Point', coordinates: [1, 2] });
  assert.deepEqual(gml('<gml:LineString srsName="EPSG:4326"><gml:posList srsDimension="3">1 2 3 4 5 6</gml:posList></gml:LineString>'), { geometry: { type: 'LineString', coordinates: [[1, 2, 3], [4, 5, 6]] }, srsName: 'EPSG:4326' });
  assert.deepEqual(gml('<gml:LineString><gml:coordinates cs=";" ts="|" decimal=",">1,5;2|3;4,5</gml:coordinates></gml:LineString>').geometry, { type: 'LineString', coordinates: [[1.5, 2], [3, 4.5]] });
  assert.deepEqual(gml('<gml:LineString><gml:pos>1 2</gml:pos><gml:pos>3 4</gml:pos></gml:LineString>').geometry, { type: 'LineString', coordinates: [[1, 2], [3, 4]] });
  assert.deepEqual(gml('<gml:MultiPoint><gml:pointMember><gml:Point><gml:pos>1 2</gml:pos></gml:Point></gml:pointMember><gml:pointMember><gml:Point><gml:pos>3 4</gml:pos></gml:Point></gml:pointMember></gml:MultiPoint>').geometry, { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
  assert.deepEqual(gml('<gml:MultiCurve><gml:curveMember><gml:LineString><gml:posList>0 0 1 1</gml:posList></gml:LineString></gml:curveMember></gml:MultiCurve>', 'http://www.opengis.net/gml/3.2').geometry, { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]]] });
  const ms = gml('<gml:MultiSurface><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>1 2 3 2 3 4 1 4 1 2</gml:posList></gml:LinearRing></gml:exterior><gml:interior><gml:LinearRing><gml:posList>1.5 2.5 2 2.5 2 3 1.5 2.5</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></gml:surfaceMember></gml:MultiSurface>');
  assert.equal(ms.geometry.type, 'MultiPolygon');
  assert.equal((ms.geometry as { coordinates: number[][][][] }).coordinates[0].length, 2);
});

test('bad GML is refused naming the element', () => {
  assert.throws(() => gml('<gml:Point><gml:pos>1 x</gml:pos></gml:Point>'), isParse(/Bad coordinates.*gml:pos/));
  assert.throws(() => gml('<gml:LineString><gml:posList>1 2 3</gml:posList></gml:LineString>'), isParse(/multiple of 2/));
  assert.throws(() => gml('<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>1 2 3 4</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>'), isParse(/four positions/));
  assert.throws(() => gml('<gml:Curvy></gml:Curvy>'), isParse(/Unsupported GML geometry: <gml:Curvy>/));
  assert.throws(() => readGmlGeometry(tree('<Point><pos>1 2</pos></Point>')), isParse(/Expected a GML geometry/));
});
