import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSrsName, distanceUnits, srsNameSwapsAxes, swapGeometryAxes, toSpatialPredicates } from '../../../src/services/wfs/spatial.js';
import { parseFilter, type SpatialConstraint } from '../../../src/services/wfs/xml/filter-encoding.js';
import { OgcError } from '../../../src/errors/ogc-error.js';
import { tree } from './xml/tree-from-text.js';

const point = (x: number, y: number): SpatialConstraint['geometry'] => ({ type: 'Point', coordinates: [x, y] });
const c = (srsName: string | null, extra: Partial<SpatialConstraint> = {}): SpatialConstraint => ({ operator: 'Intersects', property: null, geometry: point(48, 2), srsName, ...extra });

async function isCode(p: Promise<unknown>, code: string, locator: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof OgcError && e.code === code && e.locator === locator);
}

test('axis order: 1.0.0 never swaps', async () => {
  for (const s of ['EPSG:4326', 'urn:ogc:def:crs:EPSG::4326', 'http://www.opengis.net/def/crs/EPSG/0/4326']) {
    assert.equal(await srsNameSwapsAxes(s, '1.0.0'), false, s);
  }
});

test('axis order: 1.1.0 / 2.0.0 swap URN and def/crs spellings of lat/lon CRSs only', async () => {
  for (const v of ['1.1.0', '2.0.0'] as const) {
    assert.equal(await srsNameSwapsAxes('urn:ogc:def:crs:EPSG::4326', v), true);
    assert.equal(await srsNameSwapsAxes('urn:x-ogc:def:crs:EPSG:4326', v), true);
    assert.equal(await srsNameSwapsAxes('http://www.opengis.net/def/crs/EPSG/0/4326', v), true);
    assert.equal(await srsNameSwapsAxes('EPSG:4326', v), false);
    assert.equal(await srsNameSwapsAxes('http://www.opengis.net/gml/srs/epsg.xml#4326', v), false);
    assert.equal(await srsNameSwapsAxes('urn:ogc:def:crs:EPSG::3857', v), false);
    assert.equal(await srsNameSwapsAxes('urn:ogc:def:crs:OGC:1.3:CRS84', v), false);
    // EPSG:3035 is northing first in EPSG's definition.
    assert.equal(await srsNameSwapsAxes('urn:ogc:def:crs:EPSG::3035', v), true);
  }
});

test('an unknown CRS is InvalidParameterValue with the caller\'s locator', async () => {
  await isCode(srsNameSwapsAxes('EPSG:999999', '2.0.0'), 'InvalidParameterValue', 'SRSNAME');
  await isCode(srsNameSwapsAxes('nonsense', '1.1.0', 'BBOX'), 'InvalidParameterValue', 'BBOX');
  await isCode(toSpatialPredicates([c('EPSG:999999')], '2.0.0', 'EPSG:4326'), 'InvalidParameterValue', 'FILTER');
});

test('defaultSrsName: EPSG:n for 1.0.0, the URN otherwise', () => {
  assert.equal(defaultSrsName('EPSG:4326', '1.0.0'), 'EPSG:4326');
  assert.equal(defaultSrsName('EPSG:4326', '1.1.0'), 'urn:ogc:def:crs:EPSG::4326');
  assert.equal(defaultSrsName('EPSG:3857', '2.0.0'), 'urn:ogc:def:crs:EPSG::3857');
});

test('swapGeometryAxes swaps every position and keeps z', () => {
  assert.deepEqual(swapGeometryAxes({ type: 'Point', coordinates: [1, 2, 3] }), { type: 'Point', coordinates: [2, 1, 3] });
  assert.deepEqual(swapGeometryAxes({ type: 'MultiPolygon', coordinates: [[[[1, 2], [3, 4], [5, 6], [1, 2]]]] }),
    { type: 'MultiPolygon', coordinates: [[[[2, 1], [4, 3], [6, 5], [2, 1]]]] });
  assert.deepEqual(swapGeometryAxes({ type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[1, 2], [3, 4]] }] }),
    { type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[2, 1], [4, 3]] }] });
});

test('distance units map to m / km / deg; others are refused', () => {
  for (const u of ['m', 'meter', 'metre', 'meters', 'urn:ogc:def:uom:EPSG::9001', 'http://www.opengis.net/def/uom/EPSG/0/9001']) assert.equal(distanceUnits(u), 'm', u);
  for (const u of ['deg', 'degree', 'urn:ogc:def:uom:EPSG::9102']) assert.equal(distanceUnits(u), 'deg', u);
  for (const u of ['km', 'kilometre']) assert.equal(distanceUnits(u), 'km', u);
  assert.equal(distanceUnits(null), null);
  assert.equal(distanceUnits(''), null);
  assert.throws(() => distanceUnits('furlong'), (e: unknown) => e instanceof OgcError && e.code === 'InvalidParameterValue' && e.locator === 'FILTER');
});

test('toSpatialPredicates: operators, axis swap, canonical CRS, default CRS', async () => {
  const out = await toSpatialPredicates([
    c('urn:ogc:def:crs:EPSG::4326'),
    c('EPSG:4326', { operator: 'BBOX' }),
    c(null, { operator: 'DWithin', distance: { value: 10, units: 'urn:ogc:def:uom:EPSG::9001' } }),
  ], '2.0.0', 'urn:ogc:def:crs:EPSG::4326');
  assert.deepEqual(out, [
    { op: 'intersects', geometry: point(2, 48), crs: 'EPSG:4326' },
    { op: 'bbox', geometry: point(48, 2), crs: 'EPSG:4326' },
    { op: 'dwithin', geometry: point(2, 48), crs: 'EPSG:4326', distance: 10, units: 'm' },
  ]);
  const v10 = await toSpatialPredicates([c('urn:ogc:def:crs:EPSG::4326', { operator: 'Beyond', distance: { value: 1, units: null } })], '1.0.0', 'EPSG:4326');
  assert.deepEqual(v10, [{ op: 'beyond', geometry: point(48, 2), crs: 'EPSG:4326', distance: 1, units: null }]);
});

test('toSpatialPredicates on a parsed FE 2.0 filter: every operator name maps', async () => {
  const ops = ['Intersects', 'Disjoint', 'Within', 'Contains', 'Equals', 'Touches', 'Crosses', 'Overlaps'];
  const env = '<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>40 -5</gml:lowerCorner><gml:upperCorner>50 10</gml:upperCorner></gml:Envelope>';
  for (const op of [...ops, 'BBOX']) {
    const f = parseFilter(tree(`<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"><fes:${op}><fes:ValueReference>geometry</fes:ValueReference>${env}</fes:${op}></fes:Filter>`));
    const [p] = await toSpatialPredicates(f.spatial, '2.0.0', 'urn:ogc:def:crs:EPSG::4326');
    assert.equal(p!.op, op.toLowerCase());
    // Written lat/lon: the predicate is lon/lat.
    assert.deepEqual(p!.geometry, { type: 'Polygon', coordinates: [[[-5, 40], [-5, 50], [10, 50], [10, 40], [-5, 40]]] });
  }
});
