/**
 * CQL2 spatial functions: the SpatialPredicate[] parseCql2 gives for WKT and GeoJSON literals, side by side;
 * literal-first arguments turned round; NOT S_INTERSECTS / NOT S_DISJOINT; filter-crs axis order and the
 * antimeridian; and, through the real data layer (GeoPackage and GeoJSON places), that expression.text and
 * spatial select exactly the features a JavaScript oracle selects.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DataAccess } from '../../../src/data/layer-access.js';
import type { Geometry, SpatialPredicate } from '../../../src/data/types.js';
import type { VectorLayerDef } from '../../../src/project/model.js';
import { DEFAULT_FILTER_CRS, parseCql2, type Cql2Options, type FilterLang } from '../../../src/ogcapi/features/cql2/index.js';
import { collect, makeFixture, vectorLayer, type Fixture, type PlacePoint } from '../../data/fixtures.js';

const QUERYABLES = new Map(Object.entries({ name: 'string', pop: 'integer', eo_instruments: 'string' }));
const OPTIONS: Cql2Options = { queryables: QUERYABLES };
const CRS84 = DEFAULT_FILTER_CRS;
const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';

const P = (name: string) => ({ property: name });
const op = (o: string, ...args: unknown[]) => ({ op: o, args });
const G = P('geometry');
const SQUARE: Geometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
const RINGS = (minx: number, miny: number, maxx: number, maxy: number): number[][][] => [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]];
const BOX = (minx: number, miny: number, maxx: number, maxy: number): Geometry => ({ type: 'Polygon', coordinates: RINGS(minx, miny, maxx, maxy) });
const pred = (o: SpatialPredicate['op'], geometry: Geometry, crs = CRS84): SpatialPredicate => ({ op: o, geometry, crs });

interface Row {
  name: string;
  text: string;
  json: unknown;
  spatial: SpatialPredicate[];
  /** The attribute part, when there is one. */
  expr?: string;
}

const ROWS: Row[] = [
  { name: 'S_INTERSECTS a point', text: 'S_INTERSECTS(geometry, POINT(7 52))', json: op('s_intersects', G, { type: 'Point', coordinates: [7, 52] }), spatial: [pred('intersects', { type: 'Point', coordinates: [7, 52] })] },
  { name: 'a Z coordinate is dropped', text: 'S_INTERSECTS(geometry, POINT Z (7 52 100))', json: op('s_intersects', G, { type: 'Point', coordinates: [7, 52, 100] }), spatial: [pred('intersects', { type: 'Point', coordinates: [7, 52] })] },
  { name: 'a Z coordinate without the Z tag', text: 'S_INTERSECTS(geometry, LINESTRING(0 0 1, 1 1 2))', json: op('s_intersects', G, { type: 'LineString', coordinates: [[0, 0, 1], [1, 1, 2]] }), spatial: [pred('intersects', { type: 'LineString', coordinates: [[0, 0], [1, 1]] })] },
  { name: 'S_INTERSECTS a BBOX is the bbox operator', text: 'S_INTERSECTS(geometry, BBOX(-10, 40, 10, 50))', json: op('s_intersects', G, { bbox: [-10, 40, 10, 50] }), spatial: [pred('bbox', BOX(-10, 40, 10, 50))] },
  { name: 'a BBOX with elevations', text: 'S_INTERSECTS(geometry, BBOX(-10, 40, 0, 10, 50, 100))', json: op('s_intersects', G, { bbox: [-10, 40, 0, 10, 50, 100] }), spatial: [pred('bbox', BOX(-10, 40, 10, 50))] },
  {
    name: 'a BBOX across the antimeridian', text: 'S_INTERSECTS(geometry, BBOX(170, -10, -170, 10))', json: op('s_intersects', G, { bbox: [170, -10, -170, 10] }),
    spatial: [pred('intersects', { type: 'MultiPolygon', coordinates: [RINGS(170, -10, 180, 10), RINGS(-180, -10, -170, 10)] })],
  },
  { name: 'S_WITHIN a BBOX', text: 'S_WITHIN(geometry, BBOX(-10, 40, 10, 50))', json: op('s_within', G, { bbox: [-10, 40, 10, 50] }), spatial: [pred('within', BOX(-10, 40, 10, 50))] },
  { name: 'S_DISJOINT', text: 'S_DISJOINT(geometry, LINESTRING(0 0, 1 1))', json: op('s_disjoint', G, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }), spatial: [pred('disjoint', { type: 'LineString', coordinates: [[0, 0], [1, 1]] })] },
  { name: 'S_EQUALS', text: 'S_EQUALS(geometry, POINT(1 2))', json: op('s_equals', G, { type: 'Point', coordinates: [1, 2] }), spatial: [pred('equals', { type: 'Point', coordinates: [1, 2] })] },
  { name: 'S_TOUCHES', text: 'S_TOUCHES(geometry, POLYGON((0 0, 1 0, 1 1, 0 1, 0 0)))', json: op('s_touches', G, SQUARE), spatial: [pred('touches', SQUARE)] },
  {
    name: 'S_CROSSES (clause 7 line)', text: 'S_CROSSES(geometry, LINESTRING(43.72992 -79.2998, 43.73005 -79.2991, 43.73006 -79.2984))',
    json: op('s_crosses', G, { type: 'LineString', coordinates: [[43.72992, -79.2998], [43.73005, -79.2991], [43.73006, -79.2984]] }),
    spatial: [pred('crosses', { type: 'LineString', coordinates: [[43.72992, -79.2998], [43.73005, -79.2991], [43.73006, -79.2984]] })],
  },
  {
    name: 'S_OVERLAPS a MULTIPOLYGON', text: 'S_OVERLAPS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2))))',
    json: op('s_overlaps', G, { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]]]] }),
    spatial: [pred('overlaps', { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]]]] })],
  },
  { name: 'S_CONTAINS a MULTIPOINT', text: 'S_CONTAINS(geometry, MULTIPOINT((1 2), (3 4)))', json: op('s_contains', G, { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }), spatial: [pred('contains', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] })] },
  { name: 'MULTIPOINT without inner parentheses', text: 'S_CONTAINS(geometry, MULTIPOINT(1 2, 3 4))', json: op('s_contains', G, { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }), spatial: [pred('contains', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] })] },
  {
    name: 'MULTILINESTRING', text: 'S_INTERSECTS(geometry, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))',
    json: op('s_intersects', G, { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] }),
    spatial: [pred('intersects', { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] })],
  },
  {
    name: 'a polygon with a hole', text: 'S_INTERSECTS(geometry, POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 2 2)))',
    json: op('s_intersects', G, { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [2, 3], [3, 3], [2, 2]]] }),
    spatial: [pred('intersects', { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [2, 3], [3, 3], [2, 2]]] })],
  },
  {
    name: 'GEOMETRYCOLLECTION', text: 'S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1)))',
    json: op('s_intersects', G, { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }] }),
    spatial: [pred('intersects', { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }] })],
  },
  { name: 'S_WITHIN(literal, geometry) is contains', text: 'S_WITHIN(POINT(1 2), geometry)', json: op('s_within', { type: 'Point', coordinates: [1, 2] }, G), spatial: [pred('contains', { type: 'Point', coordinates: [1, 2] })] },
  { name: 'S_CONTAINS(literal, geometry) is within', text: 'S_CONTAINS(POLYGON((0 0, 1 0, 1 1, 0 1, 0 0)), geometry)', json: op('s_contains', SQUARE, G), spatial: [pred('within', SQUARE)] },
  { name: 'S_INTERSECTS(BBOX, geometry)', text: 'S_INTERSECTS(BBOX(0, 0, 1, 1), "geometry")', json: op('s_intersects', { bbox: [0, 0, 1, 1] }, G), spatial: [pred('bbox', SQUARE)] },
  { name: 'S_TOUCHES(literal, geometry) stays touches', text: 'S_TOUCHES(POINT(1 2), geometry)', json: op('s_touches', { type: 'Point', coordinates: [1, 2] }, G), spatial: [pred('touches', { type: 'Point', coordinates: [1, 2] })] },
  { name: 'function names in any case', text: 's_intersects(geometry, point(1 2))', json: op('S_INTERSECTS', G, { type: 'Point', coordinates: [1, 2] }), spatial: [pred('intersects', { type: 'Point', coordinates: [1, 2] })] },
  { name: 'NOT S_INTERSECTS is disjoint', text: 'NOT S_INTERSECTS(geometry, POINT(1 2))', json: op('not', op('s_intersects', G, { type: 'Point', coordinates: [1, 2] })), spatial: [pred('disjoint', { type: 'Point', coordinates: [1, 2] })] },
  { name: 'NOT S_DISJOINT is intersects', text: 'NOT S_DISJOINT(geometry, BBOX(0, 0, 1, 1))', json: op('not', op('s_disjoint', G, { bbox: [0, 0, 1, 1] })), spatial: [pred('bbox', SQUARE)] },
  { name: 'NOT NOT S_WITHIN is within', text: 'NOT NOT S_WITHIN(geometry, BBOX(0, 0, 1, 1))', json: op('not', op('not', op('s_within', G, { bbox: [0, 0, 1, 1] }))), spatial: [pred('within', SQUARE)] },
  {
    name: 'spatial functions in a top-level AND', text: "name = 'a' AND (S_INTERSECTS(geometry, POINT(1 2)) AND pop > 1) AND S_DISJOINT(geometry, POINT(3 4))",
    json: op('and', op('=', P('name'), 'a'), op('and', op('s_intersects', G, { type: 'Point', coordinates: [1, 2] }), op('>', P('pop'), 1)), op('s_disjoint', G, { type: 'Point', coordinates: [3, 4] })),
    spatial: [pred('intersects', { type: 'Point', coordinates: [1, 2] }), pred('disjoint', { type: 'Point', coordinates: [3, 4] })],
    expr: `"name" = 'a' AND "pop" > 1`,
  },
];

function check(row: Row, options: Cql2Options): void {
  for (const [lang, filter] of [['cql2-text', row.text], ['cql2-json', JSON.stringify(row.json)]] as Array<[FilterLang, string]>) {
    const f = parseCql2(filter, lang, options);
    assert.deepEqual(f.spatial, row.spatial, lang);
    assert.equal(f.expression?.text, row.expr, lang);
  }
}

describe('CQL2 spatial functions, text and JSON', () => {
  for (const row of ROWS) it(row.name, () => check(row, OPTIONS));

  it('B: LIKE AND S_INTERSECTS on a geometry called footprint (example 7)', () => {
    const ring = [[43.5845, -79.5442], [43.6079, -79.4893], [43.5677, -79.4632], [43.6129, -79.3925], [43.6223, -79.3238], [43.6576, -79.3163],
      [43.7945, -79.1178], [43.8144, -79.1542], [43.8555, -79.1714], [43.7509, -79.639], [43.5845, -79.5442]];
    const wkt = ring.map(([x, y]) => `${x} ${y}`).join(',\n   ');
    check({
      name: 'example 7',
      text: `eo_instruments LIKE 'OLI%'\n AND S_INTERSECTS(footprint,POLYGON((${wkt})))`,
      json: op('and', op('like', P('eo_instruments'), 'OLI%'), op('s_intersects', P('footprint'), { type: 'Polygon', coordinates: [ring] })),
      spatial: [pred('intersects', { type: 'Polygon', coordinates: [ring] })],
      expr: `"eo_instruments" LIKE 'OLI%'`,
    }, { ...OPTIONS, geometryName: 'footprint' });
  });

  it('accepts a queryable geometry listed among the queryables', () => {
    const f = parseCql2('S_INTERSECTS(geom, POINT(1 2))', 'cql2-text', { queryables: new Map([['geom', 'geometry-point']]), geometryName: 'geom' });
    assert.deepEqual(f.spatial, [pred('intersects', { type: 'Point', coordinates: [1, 2] })]);
  });
});

describe('filter-crs', () => {
  it('defaults to CRS84', () => {
    assert.equal(DEFAULT_FILTER_CRS, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    assert.equal(parseCql2('S_INTERSECTS(geometry, POINT(1 2))', 'cql2-text', OPTIONS).spatial[0]?.crs, DEFAULT_FILTER_CRS);
  });

  it('swaps lat/lon literals of EPSG:4326 into x/y', () => {
    const options = { ...OPTIONS, filterCrs: EPSG4326 };
    check({
      name: 'point', text: 'S_INTERSECTS(geometry, POINT(52 7))', json: op('s_intersects', G, { type: 'Point', coordinates: [52, 7] }),
      spatial: [pred('intersects', { type: 'Point', coordinates: [7, 52] }, EPSG4326)],
    }, options);
    check({
      name: 'bbox', text: 'S_INTERSECTS(geometry, BBOX(40, -10, 50, 10))', json: op('s_intersects', G, { bbox: [40, -10, 50, 10] }),
      spatial: [pred('bbox', BOX(-10, 40, 10, 50), EPSG4326)],
    }, options);
    check({
      name: 'polygon', text: 'S_WITHIN(geometry, POLYGON((0 0, 0 1, 1 1, 1 0, 0 0)))', json: op('s_within', G, { type: 'Polygon', coordinates: [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]] }),
      spatial: [pred('within', SQUARE, EPSG4326)],
    }, options);
    check({
      name: 'antimeridian', text: 'S_INTERSECTS(geometry, BBOX(-10, 170, 10, -170))', json: op('s_intersects', G, { bbox: [-10, 170, 10, -170] }),
      spatial: [pred('intersects', { type: 'MultiPolygon', coordinates: [RINGS(170, -10, 180, 10), RINGS(-180, -10, -170, 10)] }, EPSG4326)],
    }, options);
  });

  it('swaps northing/easting CRSs (EPSG:3035) and keeps x/y ones (EPSG:3857, CRS84 URN)', () => {
    let f = parseCql2('S_INTERSECTS(geometry, POINT(3000000 4000000))', 'cql2-text', { ...OPTIONS, filterCrs: 'EPSG:3035' });
    assert.deepEqual(f.spatial, [pred('intersects', { type: 'Point', coordinates: [4000000, 3000000] }, 'EPSG:3035')]);
    f = parseCql2('S_INTERSECTS(geometry, POINT(1000 2000))', 'cql2-text', { ...OPTIONS, filterCrs: 'http://www.opengis.net/def/crs/EPSG/0/3857' });
    assert.deepEqual(f.spatial, [pred('intersects', { type: 'Point', coordinates: [1000, 2000] }, 'http://www.opengis.net/def/crs/EPSG/0/3857')]);
    f = parseCql2('S_INTERSECTS(geometry, POINT(7 52))', 'cql2-text', { ...OPTIONS, filterCrs: 'urn:ogc:def:crs:OGC:1.3:CRS84' });
    assert.deepEqual(f.spatial[0]?.geometry, { type: 'Point', coordinates: [7, 52] });
  });

  it('refuses a box whose minimum x is east of its maximum x in a projected CRS', () => {
    assert.throws(() => parseCql2('S_INTERSECTS(geometry, BBOX(10, 0, 5, 1))', 'cql2-text', { ...OPTIONS, filterCrs: 'EPSG:3857' }), {
      name: 'InvalidParameterError', locator: 'filter', message: /minimum x 10 is greater than its maximum x 5/,
    });
  });

  it('refuses CRSs it cannot use, naming filter-crs', () => {
    assert.throws(() => parseCql2("name = 'a'", 'cql2-text', { ...OPTIONS, filterCrs: 'not a crs' }), { name: 'InvalidParameterError', locator: 'filter-crs', status: 400 });
    assert.throws(() => parseCql2('S_INTERSECTS(geometry, POINT(1 2))', 'cql2-text', { ...OPTIONS, filterCrs: 'EPSG:999999' }), {
      name: 'InvalidParameterError', locator: 'filter-crs', message: /EPSG:999999/,
    });
    // Without a geometry literal the CRS is never looked up.
    assert.equal(parseCql2("name = 'a'", 'cql2-text', { ...OPTIONS, filterCrs: 'EPSG:999999' }).expression?.text, `"name" = 'a'`);
  });
});

describe('CQL2 filters through the data layer', () => {
  let fx: Fixture;
  const access = new DataAccess({ snapshot: false });
  const layers: Array<[string, VectorLayerDef]> = [];
  const queryables = new Map(Object.entries({ name: 'string', pop: 'integer', kind: 'string', score: 'real', owner: 'string', created: 'date' }));

  before(async () => {
    fx = await makeFixture();
    layers.push(['GeoPackage', vectorLayer('places', fx.gpkg, { source: { connection: fx.gpkg, layer: 'places' } })], ['GeoJSON', vectorLayer('places', fx.geojson)]);
  });
  after(async () => {
    await access.close();
    fx.cleanup();
  });

  const inBox = (p: PlacePoint, [minx, miny, maxx, maxy]: number[]) => p.lon >= minx && p.lon <= maxx && p.lat >= miny && p.lat <= maxy;
  const inside = (p: PlacePoint, [minx, miny, maxx, maxy]: number[]) => p.lon > minx && p.lon < maxx && p.lat > miny && p.lat < maxy;
  const CASES: Array<{ name: string; filter: string; lang?: FilterLang; filterCrs?: string; oracle: (p: PlacePoint) => boolean }> = [
    { name: 'a BBOX and an attribute', filter: "S_INTERSECTS(geometry, BBOX(0, 40, 20, 55)) AND owner = 'alice'", oracle: (p) => inBox(p, [0, 40, 20, 55]) && p.owner === 'alice' },
    {
      name: 'the same in CQL2 JSON', lang: 'cql2-json',
      filter: JSON.stringify(op('and', op('s_intersects', G, { bbox: [0, 40, 20, 55] }), op('=', P('owner'), 'alice'))),
      oracle: (p) => inBox(p, [0, 40, 20, 55]) && p.owner === 'alice',
    },
    { name: 'the same in EPSG:4326 (lat/lon)', filter: "S_INTERSECTS(geometry, BBOX(40, 0, 55, 20)) AND owner = 'alice'", filterCrs: EPSG4326, oracle: (p) => inBox(p, [0, 40, 20, 55]) && p.owner === 'alice' },
    { name: 'S_WITHIN a polygon', filter: 'S_WITHIN(geometry, POLYGON((-20 30, 10 30, 10 50, -20 50, -20 30)))', oracle: (p) => inside(p, [-20, 30, 10, 50]) },
    { name: 'S_CONTAINS(polygon, geometry)', filter: 'S_CONTAINS(POLYGON((-20 30, 10 30, 10 50, -20 50, -20 30)), geometry)', oracle: (p) => inside(p, [-20, 30, 10, 50]) },
    { name: 'NOT S_INTERSECTS and a number', filter: 'NOT S_INTERSECTS(geometry, BBOX(0, 40, 20, 55)) AND pop > 1000000', oracle: (p) => !inBox(p, [0, 40, 20, 55]) && p.pop !== null && p.pop > 1000000 },
    { name: 'S_INTERSECTS a point', filter: 'S_INTERSECTS(geometry, POINT(15 52))', oracle: (p) => p.lon === 15 && p.lat === 52 },
    { name: 'CASEI and a date', filter: "CASEI(kind) = CASEI('CITY') AND created >= DATE('2020-06-01')", oracle: (p) => p.kind === 'city' && p.created >= '2020-06-01' },
    { name: 'LIKE OR IN', filter: "name LIKE 'p00%' OR name IN ('O''Brien')", oracle: (p) => p.name.startsWith('p00') || p.name === "O'Brien" },
    { name: 'NOT BETWEEN and IS NULL', filter: 'score NOT BETWEEN 10 AND 90 OR pop IS NULL', oracle: (p) => p.score < 10 || p.score > 90 || p.pop === null },
  ];

  for (const c of CASES) {
    it(c.name, async () => {
      const f = parseCql2(c.filter, c.lang ?? 'cql2-text', { queryables, ...(c.filterCrs ? { filterCrs: c.filterCrs } : {}) });
      const expected = fx.places.filter(c.oracle).map((p) => p.name).sort();
      assert.ok(expected.length > 0 && expected.length < fx.places.length, `the oracle selects ${expected.length}: not a trivial case`);
      for (const [format, layer] of layers) {
        const batches = await collect(access.forRequest(null).readFeatureBatches(layer, {
          ...(f.expression ? { filter: f.expression.text } : {}), spatial: f.spatial, withGeometry: false,
        }));
        assert.deepEqual(batches.flat().map((x) => String(x.attributes['name'])).sort(), expected, format);
      }
    });
  }
});
