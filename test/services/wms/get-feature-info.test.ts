import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { create } from 'xmlbuilder2';
import { ROOT, call, testServer } from '../../support/server.js';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import type { Geometry } from '../../../src/data/index.js';
import { distanceTo, toWkt } from '../../../src/services/wms/feature-info-geometry.js';
import { featureInfoGml } from '../../../src/services/wms/feature-info-gml.js';
import { featureInfoJson } from '../../../src/services/wms/feature-info-json.js';
import type { FeatureInfo } from '../../../src/services/wms/feature-info-model.js';
import { featureInfoHtml, featureInfoText } from '../../../src/services/wms/feature-info-text.js';
import { featureInfoXml } from '../../../src/services/wms/feature-info-xml.js';
import { wmsServer } from './support.js';

type Params = Record<string, string | number | boolean>;
type Json = Record<string, any>;

/** Europe in EPSG:4326, 0.1° per pixel: lon = -5 + (I + 0.5) / 10, lat = 55 - (J + 0.5) / 10 (1.3.0 BBOX is lat/lon). */
const EUROPE: Params = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetFeatureInfo', CRS: 'EPSG:4326', BBOX: '40,-5,55,15', WIDTH: 200, HEIGHT: 150 };
/** Pixel of a lon/lat on EUROPE. */
const at = (lon: number, lat: number) => ({ I: Math.floor((lon + 5) * 10), J: Math.floor((55 - lat) * 10) });
const PARIS = at(2.3488, 48.8534);
const LYON = at(4.8467, 45.7485);
const BERLIN = at(13.4105, 52.5244);
const INSIDE_GERMANY = at(10, 51.5);
const BAY_OF_BISCAY = at(-1.95, 44.95);
/** Paris on a 0.1° map of 100 px (BBOX 48.8,2.3,48.9,2.4, about 1:400 000). */
const ZOOMED_PARIS = { I: 48, J: 46 };

const url = (p: Params) => '/?' + Object.entries(p).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
/** The little of the DOM the tests read (xmlbuilder2's parser gives DOM nodes; the DOM lib is not loaded). */
interface Element {
  readonly nodeName: string;
  readonly nodeType: number;
  readonly prefix: string | null;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<Element>;
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<Element>;
}
const dom = (body: string) => create(body).root().node as unknown as Element;
const all = (el: Element, tag: string) => Array.from(el.getElementsByTagName(tag));
const attrs = (el: Element) => Object.fromEntries(all(el, 'Attribute').map((a) => [a.getAttribute('name')!, a.getAttribute('value')!]));

async function gfi(server: Parameters<typeof call>[0], p: Params) {
  return call(server, url({ ...EUROPE, LAYERS: 'countries,cities', QUERY_LAYERS: 'countries,cities', ...p }));
}

/** An OGC exception's code and locator. */
function exception(body: string): { code: string; locator: string | null } {
  const e = all(dom(body), 'ServiceException')[0];
  assert.ok(e, `not an exception: ${body.slice(0, 300)}`);
  return { code: e.getAttribute('code')!, locator: e.getAttribute('locator') };
}

describe('GetFeatureInfo answers, format by format', () => {
  const { server } = wmsServer();

  test('text/xml: QGIS GetFeatureInfoResponse, aliases, feature ids; WITH_GEOMETRY adds BoundingBox and WKT', async () => {
    const r = await gfi(server, { ...PARIS, INFO_FORMAT: 'text/xml' });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['Content-Type'], 'text/xml; charset=utf-8');
    const root = dom(r.body);
    assert.equal(root.nodeName, 'GetFeatureInfoResponse');
    const layers = all(root, 'Layer');
    assert.deepEqual(layers.map((l) => l.getAttribute('name')), ['countries', 'cities']);
    const [france] = all(layers[0]!, 'Feature');
    assert.equal(france!.getAttribute('id'), 'FRA');
    assert.deepEqual(attrs(france!), { Name: 'France', Continent: 'Europe', Population: '67059887', 'GDP (million USD)': '2715518', 'ISO code': 'FRA' });
    assert.equal(all(france!, 'BoundingBox').length, 0, 'no geometry unless asked');
    const [paris] = all(layers[1]!, 'Feature');
    assert.equal(paris!.getAttribute('id'), '1');
    assert.deepEqual(attrs(paris!), { name: 'Paris', country: 'FRA', population: '2138551', role: 'capital' });

    const g = dom((await gfi(server, { ...PARIS, INFO_FORMAT: 'text/xml', WITH_GEOMETRY: 'true' })).body);
    const cityFeature = all(all(g, 'Layer')[1]!, 'Feature')[0]!;
    const box = all(cityFeature, 'BoundingBox')[0]!;
    assert.deepEqual([box.getAttribute('CRS'), box.getAttribute('minx'), box.getAttribute('miny'), box.getAttribute('maxx'), box.getAttribute('maxy')],
      ['EPSG:4326', '2.3488', '48.8534', '2.3488', '48.8534']);
    const geom = all(cityFeature, 'Attribute').find((a) => a.getAttribute('name') === 'geometry')!;
    assert.equal(geom.getAttribute('value'), 'Point (2.3488 48.8534)');
    assert.equal(geom.getAttribute('type'), 'derived');
    const franceBox = all(all(all(g, 'Layer')[0]!, 'Feature')[0]!, 'BoundingBox')[0]!;
    assert.ok(Number(franceBox.getAttribute('minx')) < -50, 'French Guiana is part of France: x/y order, longitude first');
    assert.match(all(all(g, 'Layer')[0]!, 'Attribute').at(-1)!.getAttribute('value')!, /^MultiPolygon \(\(\(-?\d/);
  });

  test('text/plain: QGIS layout, alias = \'value\' lines', async () => {
    const r = await gfi(server, { ...PARIS, INFO_FORMAT: 'text/plain' });
    assert.equal(r.headers['Content-Type'], 'text/plain; charset=utf-8');
    assert.equal(r.body, [
      'GetFeatureInfo results', '',
      "Layer 'countries'", 'Feature FRA', "Name = 'France'", "Continent = 'Europe'", "Population = '67059887'",
      "GDP (million USD) = '2715518'", "ISO code = 'FRA'", '',
      "Layer 'cities'", 'Feature 1', "name = 'Paris'", "country = 'FRA'", "population = '2138551'", "role = 'capital'", '', '',
    ].join('\n'));
  });

  test('text/html: well-formed, one table per layer and per feature, values escaped', async () => {
    const r = await gfi(server, { ...PARIS, INFO_FORMAT: 'text/html', WITH_GEOMETRY: 1 });
    assert.equal(r.headers['Content-Type'], 'text/html; charset=utf-8');
    const html = dom(r.body);
    const layerTables = all(html, 'table').filter((t) => t.getAttribute('class') === 'layer');
    assert.equal(layerTables.length, 2);
    const rows = (t: Element) => Array.from(t.childNodes).filter((n) => n.nodeName === 'tr').map((tr) => Array.from(tr.childNodes).filter((c) => c.nodeName === 'th' || c.nodeName === 'td').map((c) => c.textContent));
    assert.deepEqual(rows(layerTables[1]!)[0], ['Layer', 'cities']);
    const feature = all(layerTables[1]!, 'table')[0]!;
    assert.deepEqual(rows(feature), [['Feature', '1'], ['name', 'Paris'], ['country', 'FRA'], ['population', '2138551'], ['role', 'capital'], ['geometry', 'Point (2.3488 48.8534)']]);
  });

  test('application/json and application/geo+json: a FeatureCollection with typed properties by alias', async () => {
    for (const f of ['application/json', 'application/geo+json']) {
      const r = await gfi(server, { ...PARIS, INFO_FORMAT: f });
      assert.equal(r.headers['Content-Type'], `${f}; charset=utf-8`);
      const doc = JSON.parse(r.body) as Json;
      assert.equal(doc.type, 'FeatureCollection');
      assert.equal(doc.crs, undefined, 'EPSG:4326 is GeoJSON\'s own CRS: no crs member');
      assert.deepEqual(doc.features, [
        { type: 'Feature', id: 'countries.FRA', geometry: null, properties: { Name: 'France', Continent: 'Europe', Population: 67059887, 'GDP (million USD)': 2715518, 'ISO code': 'FRA' } },
        { type: 'Feature', id: 'cities.1', geometry: null, properties: { name: 'Paris', country: 'FRA', population: 2138551, role: 'capital' } },
      ]);
    }
    const g = JSON.parse((await gfi(server, { ...PARIS, INFO_FORMAT: 'application/json', WITH_GEOMETRY: 'TRUE' })).body) as Json;
    assert.deepEqual(g.features[1].geometry, { type: 'Point', coordinates: [2.3488, 48.8534] });
    assert.equal(g.features[1].bbox, undefined, 'QGIS gives points no bbox');
    assert.equal(g.features[0].geometry.type, 'MultiPolygon');
    assert.equal(g.features[0].bbox.length, 4);
    assert.ok(g.features[0].bbox[0] < -50 && g.features[0].bbox[3] > 50, 'lon/lat order');
  });

  test('GeoJSON in EPSG:3857: geometry in metres, x/y order, and the crs member names the CRS', async () => {
    const x = 2.3488 * 20037508.342789244 / 180;
    const y = Math.log(Math.tan((90 + 48.8534) * Math.PI / 360)) * 6378137;
    // A 100 km box around Paris, 100 × 100 px: Paris is at pixel (50, 50) give or take.
    const r = await call(server, url({
      SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetFeatureInfo', LAYERS: 'cities', QUERY_LAYERS: 'cities', CRS: 'EPSG:3857',
      BBOX: `${x - 50000},${y - 50000},${x + 50000},${y + 50000}`, WIDTH: 100, HEIGHT: 100, I: 50, J: 50, INFO_FORMAT: 'application/geo+json', WITH_GEOMETRY: 1,
    }));
    const doc = JSON.parse(r.body) as Json;
    assert.deepEqual(doc.crs, { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } });
    const [px, py] = doc.features[0].geometry.coordinates as number[];
    assert.ok(Math.abs(px! - x) < 1 && Math.abs(py! - y) < 1, `${px}, ${py}`);
  });

  test('application/vnd.ogc.gml: GML 2 as QGIS writes it (field names, gml:Box, gml:coordinates), and GDAL reads it', async () => {
    const r = await gfi(server, { ...PARIS, INFO_FORMAT: 'application/vnd.ogc.gml', WITH_GEOMETRY: 1 });
    assert.equal(r.headers['Content-Type'], 'application/vnd.ogc.gml; charset=utf-8');
    const root = dom(r.body);
    assert.equal(root.nodeName, 'wfs:FeatureCollection');
    assert.equal(root.namespaceURI, 'http://www.opengis.net/wfs');
    const members = all(root, 'gml:featureMember');
    assert.equal(members.length, 2);
    const country = all(members[0]!, 'qgs:countries')[0]!;
    assert.equal(country.namespaceURI, 'http://qgis.org/gml');
    assert.equal(country.getAttribute('fid'), 'countries.FRA');
    const fields = (el: Element) => Object.fromEntries(Array.from(el.childNodes).filter((n) => n.nodeType === 1 && n.prefix === 'qgs' && n.nodeName !== 'qgs:geometry').map((n) => [n.nodeName, n.textContent]));
    assert.deepEqual(fields(country), { 'qgs:name': 'France', 'qgs:continent': 'Europe', 'qgs:pop_est': '67059887', 'qgs:gdp_md': '2715518', 'qgs:iso_a3': 'FRA' });
    const city = all(members[1]!, 'qgs:cities')[0]!;
    assert.equal(all(city, 'gml:Box')[0]!.getAttribute('srsName'), 'EPSG:4326');
    assert.equal(all(all(city, 'gml:Box')[0]!, 'gml:coordinates')[0]!.textContent, '2.3488,48.8534 2.3488,48.8534');
    const point = all(all(city, 'qgs:geometry')[0]!, 'gml:Point')[0]!;
    assert.equal(all(point, 'gml:coordinates')[0]!.textContent, '2.3488,48.8534');
    assert.equal(all(all(country, 'qgs:geometry')[0]!, 'gml:polygonMember').length, 3, 'France: mainland, Corsica, Guiana');

    // GDAL's GML driver (what gdallocationinfo and QGIS's WMS provider rely on) reads both layers.
    const dir = mkdtempSync(path.join(tmpdir(), 'ows-gfi-'));
    try {
      const file = path.join(dir, 'gfi.gml');
      writeFileSync(file, r.body);
      const ds = await gdal.openAsync(file);
      const byName = Object.fromEntries(ds.layers.map((l) => [l.name, l]));
      assert.deepEqual(Object.keys(byName).sort(), ['cities', 'countries']);
      const f = byName.cities!.features.first();
      assert.equal(f.fields.get('name'), 'Paris');
      assert.equal(Number(f.fields.get('population')), 2138551);
      const g = f.getGeometry() as gdal.Point;
      assert.deepEqual([g.x, g.y], [2.3488, 48.8534]);
      ds.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('application/vnd.ogc.gml/3.1.1: gml:Envelope, gml:pos / gml:posList, MultiSurface', async () => {
    const r = await gfi(server, { ...PARIS, INFO_FORMAT: 'application/vnd.ogc.gml/3.1.1', WITH_GEOMETRY: 1 });
    assert.equal(r.headers['Content-Type'], 'application/vnd.ogc.gml/3.1.1; charset=utf-8');
    const root = dom(r.body);
    const city = all(root, 'qgs:cities')[0]!;
    const env = all(city, 'gml:Envelope')[0]!;
    assert.equal(all(env, 'gml:lowerCorner')[0]!.textContent, '2.3488 48.8534');
    assert.equal(all(all(city, 'gml:Point')[0]!, 'gml:pos')[0]!.textContent, '2.3488 48.8534');
    assert.equal(all(city, 'qgs:name')[0]!.textContent, 'Paris');
    const country = all(root, 'qgs:countries')[0]!;
    assert.equal(all(country, 'gml:MultiSurface').length, 1);
    const ring = all(all(country, 'gml:exterior')[0]!, 'gml:posList')[0]!;
    assert.equal(ring.getAttribute('srsDimension'), '2');
    assert.equal(ring.textContent!.trim().split(/\s+/).length % 2, 0);
  });

  test('without geometry GML has attributes only; an empty layer is an empty <Layer> / no member', async () => {
    const xml = dom((await gfi(server, { ...BAY_OF_BISCAY, INFO_FORMAT: 'text/xml' })).body);
    assert.deepEqual(all(xml, 'Layer').map((l) => [l.getAttribute('name'), all(l, 'Feature').length]), [['countries', 0], ['cities', 0]]);
    const gml = dom((await gfi(server, { ...BAY_OF_BISCAY, INFO_FORMAT: 'application/vnd.ogc.gml' })).body);
    assert.equal(all(gml, 'gml:featureMember').length, 0);
    const json = JSON.parse((await gfi(server, { ...BAY_OF_BISCAY, INFO_FORMAT: 'application/json' })).body) as Json;
    assert.deepEqual(json.features, []);
    const text = (await gfi(server, { ...BAY_OF_BISCAY })).body;
    assert.equal(text, "GetFeatureInfo results\n\nLayer 'countries'\n\nLayer 'cities'\n\n", 'text/plain is the default');
  });

  test('WMS 1.1.1: X/Y and SRS; the BoundingBox says SRS', async () => {
    const r = await call(server, url({
      SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetFeatureInfo', LAYERS: 'cities', QUERY_LAYERS: 'cities', SRS: 'EPSG:4326',
      BBOX: '-5,40,15,55', WIDTH: 200, HEIGHT: 150, X: PARIS.I, Y: PARIS.J, INFO_FORMAT: 'text/xml', WITH_GEOMETRY: 1,
    }));
    assert.equal(r.status, 200, r.body);
    const box = all(dom(r.body), 'BoundingBox')[0]!;
    assert.equal(box.getAttribute('SRS'), 'EPSG:4326');
    assert.equal(box.getAttribute('CRS'), null);
  });
});

describe('GetFeatureInfo finds', () => {
  const { server } = wmsServer();
  const cityNames = async (p: Params) => {
    const doc = JSON.parse((await gfi(server, { LAYERS: 'cities', QUERY_LAYERS: 'cities', INFO_FORMAT: 'application/json', ...p })).body) as Json;
    return (doc.features as Json[]).map((f) => f.properties.name as string);
  };

  test('point tolerance: QGIS default is the map width / 100 (here 2 px = 0.2°); FI_POINT_TOLERANCE in pixels', async () => {
    assert.deepEqual(await cityNames({ I: PARIS.I + 1, J: PARIS.J }), ['Paris'], '0.1° off: inside the default');
    assert.deepEqual(await cityNames({ I: PARIS.I + 3, J: PARIS.J }), [], '0.3° off: outside it');
    assert.deepEqual(await cityNames({ I: PARIS.I + 3, J: PARIS.J, FI_POINT_TOLERANCE: 4 }), ['Paris']);
    assert.deepEqual(await cityNames({ I: PARIS.I + 3, J: PARIS.J, FI_POINT_TOLERANCE: 2 }), []);
    assert.deepEqual(await cityNames({ I: PARIS.I + 4, J: PARIS.J + 4, FI_POINT_TOLERANCE: 5 }), [], 'a circle, not a box: 0.4° off on both axes is out of 0.5°');
    assert.deepEqual(await cityNames({ I: PARIS.I + 3, J: PARIS.J, FI_POINT_TOLERANCE: 0 }), [], 'FI_POINT_TOLERANCE=0 means the default, as in QGIS');
  });

  test('FEATURE_COUNT per layer (default 1), nearest first', async () => {
    const wide = { ...LYON, FI_POINT_TOLERANCE: 60 };
    assert.deepEqual(await cityNames(wide), ['Lyon']);
    assert.deepEqual(await cityNames({ ...wide, FEATURE_COUNT: 4 }), ['Lyon', 'Marseille', 'Paris', 'Milan']);
    assert.deepEqual(await cityNames({ ...wide, FEATURE_COUNT: 100 }), ['Lyon', 'Marseille', 'Paris', 'Milan', 'Barcelona']);
    const both = JSON.parse((await gfi(server, { ...wide, FEATURE_COUNT: 2, INFO_FORMAT: 'application/json' })).body) as Json;
    assert.deepEqual((both.features as Json[]).map((f) => f.id), ['countries.FRA', 'cities.2', 'cities.3'], 'the count is per layer');
  });

  test('polygons: a point inside hits; outside, FI_POLYGON_TOLERANCE pixels reach the boundary (default width / 400)', async () => {
    const countries = async (p: Params) => ((JSON.parse((await gfi(server, { LAYERS: 'countries', QUERY_LAYERS: 'countries', INFO_FORMAT: 'application/json', FEATURE_COUNT: 9, ...p })).body) as Json).features as Json[]).map((f) => f.id);
    assert.deepEqual(await countries(INSIDE_GERMANY), ['countries.DEU']);
    assert.deepEqual(await countries(BAY_OF_BISCAY), []);
    assert.deepEqual(await countries({ ...BAY_OF_BISCAY, FI_POLYGON_TOLERANCE: 10 }), ['countries.FRA'], 'the French coast is 0.7° away');
    assert.deepEqual(await countries({ ...BAY_OF_BISCAY, FI_POLYGON_TOLERANCE: 30 }), ['countries.FRA', 'countries.ESP'], 'nearest first');
  });

  test('a group in QUERY_LAYERS stands for its queryable layers; LAYERS may name the group', async () => {
    const r = JSON.parse((await gfi(server, { ...PARIS, LAYERS: 'world', QUERY_LAYERS: 'world', INFO_FORMAT: 'application/json' })).body) as Json;
    assert.deepEqual((r.features as Json[]).map((f) => f.id), ['countries.FRA', 'cities.1']);
    const one = JSON.parse((await gfi(server, { ...PARIS, LAYERS: 'world', QUERY_LAYERS: 'cities,cities', INFO_FORMAT: 'application/json' })).body) as Json;
    assert.deepEqual((one.features as Json[]).map((f) => f.id), ['cities.1'], 'each layer once');
  });

  test('the vendor FILTER of the layer applies', async () => {
    assert.deepEqual(await cityNames({ ...PARIS, FILTER: `cities:"name" = 'Paris'` }), ['Paris']);
    assert.deepEqual(await cityNames({ ...PARIS, FILTER: `cities:"name" = 'Lyon'` }), []);
  });

  test('raster: the band value of the source pixel under the point; nodata is empty', async () => {
    const ds = await gdal.openAsync(path.join(ROOT, 'test/fixtures/projects/data/relief.tif'));
    const band = await ds.bands.getAsync(1);
    // The pixel centre of PARIS is lon 2.35, lat 48.85: raster cell (45, 10) of the 4° grid from (-180, 90).
    const expected = band.pixels.get(45, 10);
    ds.close();
    const p = { ...PARIS, LAYERS: 'relief', QUERY_LAYERS: 'relief' };
    const xml = dom((await gfi(server, { ...p, INFO_FORMAT: 'text/xml' })).body);
    const layer = all(xml, 'Layer')[0]!;
    assert.equal(layer.getAttribute('name'), 'relief');
    assert.deepEqual(attrs(layer), { 'Band 1': String(expected) });
    assert.equal((await gfi(server, { ...p, INFO_FORMAT: 'text/plain' })).body, `GetFeatureInfo results\n\nLayer 'relief'\nBand 1 = '${expected}'\n\n`);
    assert.deepEqual(JSON.parse((await gfi(server, { ...p, INFO_FORMAT: 'application/json' })).body), {
      type: 'FeatureCollection', features: [{ type: 'Feature', id: 'relief', properties: { 'Band 1': String(expected) } }],
    });
    const gml = dom((await gfi(server, { ...p, INFO_FORMAT: 'application/vnd.ogc.gml' })).body);
    assert.equal(all(all(gml, 'qgs:relief')[0]!, 'qgs:Band_1')[0]!.textContent, String(expected));

    // The top-left 2×2 cells (lon -180..-172, lat 82..90) are nodata.
    const nodata = { SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetFeatureInfo', SRS: 'EPSG:4326', BBOX: '-180,80,-170,90', WIDTH: 10, HEIGHT: 10, X: 2, Y: 2, LAYERS: 'relief', QUERY_LAYERS: 'relief' };
    assert.match((await call(server, url({ ...nodata, INFO_FORMAT: 'text/plain' }))).body, /Band 1 = 'no data'/);
    assert.deepEqual(attrs(all(dom((await call(server, url({ ...nodata, INFO_FORMAT: 'text/xml' }))).body), 'Layer')[0]!), { 'Band 1': '' });
    assert.deepEqual((JSON.parse((await call(server, url({ ...nodata, INFO_FORMAT: 'application/json' }))).body) as Json).features[0].properties, { 'Band 1': null });
  });
});

describe('GetFeatureInfo errors', () => {
  const { server } = wmsServer();
  const cases: Array<[string, Params, string, string | null, number]> = [
    ['QUERY_LAYERS missing', { ...PARIS, QUERY_LAYERS: '' }, 'MissingParameterValue', 'QUERY_LAYERS', 400],
    ['I missing', { J: 3 }, 'MissingParameterValue', 'I', 400],
    ['J not an integer', { I: 3, J: 'x' }, 'InvalidParameterValue', 'J', 400],
    ['I past WIDTH', { I: 200, J: 3 }, 'InvalidPoint', 'I', 400],
    ['J negative', { I: 3, J: -1 }, 'InvalidPoint', 'J', 400],
    ['J past HEIGHT', { I: 3, J: 150 }, 'InvalidPoint', 'J', 400],
    ['INFO_FORMAT unknown', { ...PARIS, INFO_FORMAT: 'image/png' }, 'InvalidFormat', 'INFO_FORMAT', 400],
    ['QUERY_LAYERS unknown', { ...PARIS, QUERY_LAYERS: 'nope' }, 'LayerNotDefined', 'nope', 400],
    ['QUERY_LAYERS not in LAYERS', { ...PARIS, LAYERS: 'countries', QUERY_LAYERS: 'cities' }, 'LayerNotDefined', 'cities', 400],
    ['FEATURE_COUNT 0', { ...PARIS, FEATURE_COUNT: 0 }, 'InvalidParameterValue', 'FEATURE_COUNT', 400],
    ['a bad CRS', { ...PARIS, CRS: 'EPSG:999999' }, 'InvalidCRS', 'CRS', 400],
  ];
  for (const [name, p, code, locator, status] of cases) {
    test(`${name} → ${code}`, async () => {
      const r = await gfi(server, p);
      assert.equal(r.status, status, r.body);
      assert.deepEqual(exception(r.body), { code, locator });
    });
  }
  test('WMS 1.1.1 names X and Y, and answers its own exception format', async () => {
    const r = await call(server, url({ SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetFeatureInfo', LAYERS: 'cities', QUERY_LAYERS: 'cities', SRS: 'EPSG:4326', BBOX: '-5,40,15,55', WIDTH: 200, HEIGHT: 150, X: 3 }));
    assert.equal(r.status, 400);
    assert.match(r.body, /ServiceExceptionReport version="1.1.1"/);
    assert.deepEqual(exception(r.body), { code: 'MissingParameterValue', locator: 'Y' });
    const out = await call(server, url({ SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetFeatureInfo', LAYERS: 'cities', QUERY_LAYERS: 'cities', SRS: 'EPSG:4326', BBOX: '-5,40,15,55', WIDTH: 200, HEIGHT: 150, X: 300, Y: 1 }));
    assert.deepEqual(exception(out.body), { code: 'InvalidPoint', locator: 'X' });
  });
});

describe('GetFeatureInfo and project settings', () => {
  let dir: string;
  let server: Parameters<typeof call>[0];
  const data = path.join(ROOT, 'test/fixtures/projects/data');
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ows-gfi-project-'));
    writeFileSync(path.join(dir, 'project.yaml'), [
      'service: { title: GetFeatureInfo settings, crs: [EPSG:4326] }',
      'layers:',
      '  - name: hidden_from_info',
      `    source: ${path.join(data, 'cities.geojson')}`,
      '    queryable: false',
      '  - name: small_scale_only',
      `    source: ${path.join(data, 'cities.geojson')}`,
      '    maxScale: 1000000',
      '  - name: europe_only',
      `    source: ${path.join(data, 'countries.geojson')}`,
      '    style:',
      '      type: categorized',
      '      field: continent',
      "      categories: [{ value: Europe, fill: '#00ff00' }]",
      '  - name: big_only',
      `    source: ${path.join(data, 'cities.geojson')}`,
      '    style:',
      '      type: rules',
      '      rules:',
      "        - { name: big, filter: '\"population\" > 3000000', fill: '#ff0000' }",
      '        - { name: small, filter: \'"population" <= 3000000\', fill: \'#0000ff\', maxScale: 1000000 }',
      '  - group: mixed',
      '    layers:',
      '      - name: mixed_query',
      `        source: ${path.join(data, 'cities.geojson')}`,
      '      - name: mixed_noquery',
      `        source: ${path.join(data, 'cities.geojson')}`,
      '        queryable: false',
      '',
    ].join('\n'));
    ({ server } = testServer({ projectFile: path.join(dir, 'project.yaml') }, { coreServices: true }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ids = async (layers: string, p: Params) => {
    const r = await gfi(server, { ...PARIS, LAYERS: layers, QUERY_LAYERS: layers, INFO_FORMAT: 'application/json', ...p });
    assert.equal(r.status, 200, r.body);
    return ((JSON.parse(r.body) as Json).features as Json[]).map((f) => f.id);
  };

  test('a layer that is not queryable is LayerNotQueryable; a group answers for its queryable layers', async () => {
    const r = await gfi(server, { ...PARIS, LAYERS: 'hidden_from_info', QUERY_LAYERS: 'hidden_from_info' });
    assert.equal(r.status, 400);
    assert.deepEqual(exception(r.body), { code: 'LayerNotQueryable', locator: 'hidden_from_info' });
    assert.deepEqual(await ids('mixed', {}), ['mixed_query.1']);
    const bad = await gfi(server, { ...PARIS, LAYERS: 'mixed', QUERY_LAYERS: 'mixed_noquery' });
    assert.deepEqual(exception(bad.body), { code: 'LayerNotQueryable', locator: 'mixed_noquery' });
  });

  test('a layer outside its scale range is left out, as QGIS leaves it out', async () => {
    assert.deepEqual(await ids('small_scale_only', {}), [], 'this 20° map is at about 1:40 million');
    const zoomed = { BBOX: '48.8,2.3,48.9,2.4', WIDTH: 100, HEIGHT: 100, ...ZOOMED_PARIS };
    assert.deepEqual(await ids('small_scale_only', zoomed), ['small_scale_only.1']);
  });

  test('only features the style draws are found (QGIS willRenderFeature), rules by scale too', async () => {
    const brazil = { BBOX: '-20,-60,0,-40', WIDTH: 200, HEIGHT: 200, I: 100, J: 100 };
    assert.deepEqual(await ids('europe_only', { ...brazil }), [], 'Brazil has no category and no default symbol');
    assert.deepEqual(await ids('europe_only', {}), ['europe_only.1']);
    assert.deepEqual(await ids('big_only', {}), [], 'Paris (2.1 M) only has the small rule, which is out of scale');
    assert.deepEqual(await ids('big_only', { BBOX: '48.8,2.3,48.9,2.4', WIDTH: 100, HEIGHT: 100, ...ZOOMED_PARIS }), ['big_only.1']);
    assert.deepEqual(await ids('big_only', BERLIN), ['big_only.4']);
  });
});

describe('GetFeatureInfo under access control', () => {
  /** Hides layer secret and countries.gdp_md; cities below 2.5 million are filtered out by an expression. */
  const RULES: AccessControlFilterLike = {
    layerPermissions: (layer) => ({ canRead: layer.name() !== 'secret' }),
    authorizedLayerAttributes: (layer, attributes) => (layer.name() === 'countries' ? attributes.filter((a) => a !== 'gdp_md') : attributes),
    layerFilterExpression: (layer) => (layer.name() === 'cities' ? '"population" > 2500000' : null),
    cacheKey: () => 'gfi-test',
  };
  const { server } = wmsServer([RULES]);
  const FORMATS = ['text/plain', 'text/html', 'text/xml', 'application/json', 'application/geo+json', 'application/vnd.ogc.gml', 'application/vnd.ogc.gml/3.1.1'];

  test('a hidden layer does not exist, in LAYERS or QUERY_LAYERS', async () => {
    for (const p of [{ LAYERS: 'secret', QUERY_LAYERS: 'secret' }, { LAYERS: 'cities', QUERY_LAYERS: 'secret' }]) {
      const r = await gfi(server, { ...PARIS, ...p });
      assert.equal(r.status, 400);
      assert.equal(exception(r.body).code, 'LayerNotDefined');
      assert.match(r.body, /The layer 'secret' does not exist/);
    }
  });

  test('in every format: no hidden attribute, no filtered feature, no hidden layer', async () => {
    for (const f of FORMATS) {
      for (const geometry of [false, true]) {
        // 0.2° pixels: 100 px of tolerance reach from Paris to Berlin (11.6° away).
        const r = await gfi(server, { WIDTH: 100, HEIGHT: 75, I: 36, J: 30, INFO_FORMAT: f, WITH_GEOMETRY: geometry, FEATURE_COUNT: 50, FI_POINT_TOLERANCE: 100 });
        assert.equal(r.status, 200, `${f}: ${r.body.slice(0, 300)}`);
        assert.match(r.body, /France/, f);
        assert.match(r.body, /Berlin/, `${f}: Berlin (3.4 M) passes the filter`);
        for (const hidden of ['gdp_md', 'GDP', '2715518', 'Paris', 'Hamburg', 'Site Bravo', 'clearance', 'secret']) {
          assert.ok(!r.body.includes(hidden), `${f} (geometry ${geometry}) shows '${hidden}'`);
        }
      }
    }
  });

  test('fields the style reads but access control hides are never shown', async () => {
    const noRole: AccessControlFilterLike = { authorizedLayerAttributes: (layer, attributes) => (layer.name() === 'cities' ? attributes.filter((a) => a !== 'role') : attributes), cacheKey: () => 'no-role' };
    const { server: s } = wmsServer([noRole]);
    for (const f of FORMATS) {
      const r = await gfi(s, { ...PARIS, LAYERS: 'cities', QUERY_LAYERS: 'cities', STYLES: 'capitals', INFO_FORMAT: f, WITH_GEOMETRY: true });
      assert.equal(r.status, 200);
      assert.match(r.body, /Paris/, `${f}: the capitals style still finds Paris`);
      assert.ok(!/role|capital/.test(r.body), `${f} shows the hidden role field`);
    }
  });

  test('a vendor FILTER on a hidden field is refused, telling nothing about its values', async () => {
    const r = await gfi(server, { ...PARIS, FILTER: 'countries:"gdp_md" > 0' });
    assert.equal(r.status, 400, r.body);
    assert.ok(!r.body.includes('2715518'));
    const missing = await gfi(server, { ...PARIS, FILTER: 'countries:"no_such" > 0' });
    assert.equal(r.body.replace('gdp_md', 'no_such'), missing.body, 'the same answer as for a field that does not exist');
  });
});

describe('GetFeatureInfo formatters and geometry (units)', () => {
  const holed: Geometry = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] };
  const info = (value: unknown, geometry: Geometry | null = null): FeatureInfo => ({
    version: '1.3.0', crs: 'EPSG:3857', withGeometry: geometry !== null, precision: 6,
    layers: [{ kind: 'vector', name: 'my layer', features: [{ id: 7, attributes: [{ name: 'the field', alias: 'A <b>', value }], geometry }] }],
  });

  test('distances: 0 inside a polygon, to the boundary outside and inside a hole, to segments and points', () => {
    assert.equal(distanceTo(2, 2, holed), 0);
    assert.equal(distanceTo(5, 5, holed), 1, 'in the hole: 1 from its edge');
    assert.equal(distanceTo(13, 5, holed), 3);
    assert.equal(distanceTo(5, 3, { type: 'LineString', coordinates: [[0, 0], [10, 0]] }), 3);
    assert.equal(distanceTo(3, 4, { type: 'MultiPoint', coordinates: [[100, 100], [0, 0]] }), 5);
    assert.equal(distanceTo(0, 0, { type: 'GeometryCollection', geometries: [] }), Infinity);
  });

  test('WKT as QGIS writes it', () => {
    assert.equal(toWkt(holed, 6), 'Polygon ((0 0, 10 0, 10 10, 0 10, 0 0),(4 4, 6 4, 6 6, 4 6, 4 4))');
    assert.equal(toWkt({ type: 'MultiPoint', coordinates: [[1.23456789, -0.0000001], [2, 3]] }, 6), 'MultiPoint ((1.234568 0),(2 3))');
    assert.equal(toWkt({ type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] }, 6), 'MultiLineString ((0 0, 1 1),(2 2, 3 3))');
  });

  test('values are escaped in HTML, XML and GML; NULL is NULL in text, null in JSON, empty in GML', () => {
    const evil = '<script>alert("x")</script> & \'';
    const html = featureInfoHtml(info(evil));
    assert.ok(!html.includes('<script>') && !html.includes('<b>'));
    assert.deepEqual(all(dom(html), 'th').map((t) => t.textContent), ['Layer', 'Feature', 'A <b>']);
    assert.equal(all(dom(html), 'td').at(-1)!.textContent, evil);
    assert.equal(all(dom(featureInfoXml(info(evil))), 'Attribute')[0]!.getAttribute('value'), evil);
    const gml = dom(featureInfoGml(info(evil), 2));
    assert.equal(all(gml, 'qgs:my_layer')[0]!.getAttribute('fid'), 'my layer.7');
    assert.equal(all(gml, 'qgs:the_field')[0]!.textContent, evil);

    assert.match(featureInfoText(info(null)), /^A <b> = 'NULL'$/m);
    assert.equal(attrs(all(dom(featureInfoXml(info(null))), 'Feature')[0]!)['A <b>'], 'NULL');
    assert.deepEqual((JSON.parse(featureInfoJson(info(null))) as Json).features[0].properties, { 'A <b>': null });
    assert.equal(all(dom(featureInfoGml(info(null), 3)), 'qgs:the_field')[0]!.textContent, '');
  });

  test('polygons with holes in GML 2 and 3; the crs member of JSON', () => {
    const g2 = dom(featureInfoGml(info(1, holed), 2));
    assert.equal(all(g2, 'gml:innerBoundaryIs').length, 1);
    assert.equal(all(all(g2, 'gml:outerBoundaryIs')[0]!, 'gml:coordinates')[0]!.textContent, '0,0 10,0 10,10 0,10 0,0');
    assert.equal(all(g2, 'gml:Polygon')[0]!.getAttribute('srsName'), 'EPSG:3857');
    const g3 = dom(featureInfoGml(info(1, holed), 3));
    assert.equal(all(all(g3, 'gml:interior')[0]!, 'gml:posList')[0]!.textContent, '4 4 6 4 6 6 4 6 4 4');
    const json = JSON.parse(featureInfoJson(info(1, holed))) as Json;
    assert.deepEqual(json.crs, { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } });
    assert.deepEqual(json.features[0].bbox, [0, 0, 10, 10]);
    assert.equal(json.features[0].id, 'my layer.7');
  });

  test('off the raster: an empty Layer in XML and text, nothing in JSON and GML', async () => {
    const { server } = wmsServer();
    const off = { SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetFeatureInfo', SRS: 'EPSG:4326', BBOX: '170,0,190,10', WIDTH: 20, HEIGHT: 10, X: 15, Y: 5, LAYERS: 'relief', QUERY_LAYERS: 'relief' };
    const xml = dom((await call(server, url({ ...off, INFO_FORMAT: 'text/xml' }))).body);
    assert.deepEqual(all(xml, 'Layer').map((l) => [l.getAttribute('name'), all(l, 'Attribute').length]), [['relief', 0]]);
    assert.equal((await call(server, url({ ...off, INFO_FORMAT: 'text/plain' }))).body, "GetFeatureInfo results\n\nLayer 'relief'\n\n");
    assert.deepEqual((JSON.parse((await call(server, url({ ...off, INFO_FORMAT: 'application/json' }))).body) as Json).features, []);
    assert.equal(all(dom((await call(server, url({ ...off, INFO_FORMAT: 'application/vnd.ogc.gml' }))).body), 'gml:featureMember').length, 0);
  });
});
