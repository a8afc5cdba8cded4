import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataAccess } from '../../src/data/layer-access.js';
import type { AccessControl } from '../../src/filters/access-control.js';
import type { Geometry, SpatialOperator, SpatialPredicate, VectorQuery } from '../../src/data/types.js';
import type { VectorLayerDef } from '../../src/project/model.js';
import { makeFixture, vectorLayer, collect, accessControl, type Fixture } from './fixtures.js';
import { makeShapes, shapeLayer, rng, type LayerFiles } from './snapshot-fixtures.js';

let fx: Fixture;
let shapes: { polygons: LayerFiles; lines: LayerFiles };
const gdalPath = new DataAccess({ snapshot: false, pageSize: 53 });
const snapshots = new DataAccess({ snapshot: 'wait' });

before(async () => {
  fx = await makeFixture();
  shapes = await makeShapes(fx.dir);
});
after(async () => {
  await Promise.all([gdalPath.close(), snapshots.close()]);
  fx.cleanup();
});

const PLACE_FILTERS = [
  `"pop" > 1000000`, `"kind" = 'city' AND regexp_match("name", '5$')`, `"pop" IS NULL OR "kind" IS NULL`, `"name" LIKE 'p1%'`,
  `"score" BETWEEN 10 AND 20`, `"kind" IN ('town', 'village') AND "pop" < 500000`, `"name" = 'O''Brien'`, `"created" > '2020-06-15'`,
];
const SHAPE_FILTERS = [
  `"val" > 50`, `"cat" = 'a' OR "n" IS NULL`, `regexp_match("name", '[13579]$')`, `"cat" IS NULL`, `"n" BETWEEN 3 AND 9 AND "val" < 80`,
  `"name" LIKE 's0%'`, `upper("cat") IN ('A', 'C')`, `NOT ("val" < 20)`,
];

/** Random boxes over the fixtures' area in several CRSs. */
function randomBox(r: () => number): VectorQuery['bbox'] {
  const pick = r();
  if (pick < 0.4) {
    const x = -22 + r() * 60, y = 28 + r() * 40, w = r() < 0.3 ? r() * 0.5 : r() * 25, h = r() < 0.3 ? r() * 0.5 : r() * 20;
    return { crs: 'EPSG:4326', bounds: [x, y, x + w, y + h] };
  }
  if (pick < 0.75) {
    const x = -2.4e6 + r() * 6e6, y = 3.3e6 + r() * 7e6, w = r() * 3e6, h = r() * 3e6;
    return { crs: 'EPSG:3857', bounds: [x, y, x + w, y + h] };
  }
  const x = -500_000 + r() * 1.5e6, y = 3.5e6 + r() * 4e6, w = r() * 1.5e6, h = r() * 1.5e6;
  return { crs: 'EPSG:32633', bounds: [x, y, x + w, y + h] };
}

const OPS: SpatialOperator[] = ['bbox', 'intersects', 'disjoint', 'within', 'contains', 'equals', 'touches', 'crosses', 'overlaps', 'dwithin', 'beyond'];

/** A literal over the fixtures' area: a point, a line, a polygon (a triangle or a box with a hole) or a multi-polygon, in one of three CRSs. */
function randomLiteral(r: () => number): { geometry: Geometry; crs: string } {
  const x = -20 + r() * 55, y = 32 + r() * 34, s = r() < 0.3 ? r() * 0.5 : r() * 12;
  const kind = Math.floor(r() * 5);
  let geometry: Geometry;
  if (kind === 0) geometry = { type: 'Point', coordinates: [x, y] };
  else if (kind === 1) geometry = { type: 'LineString', coordinates: [[x, y], [x + s, y + s / 2], [x + s / 3, y + s]] };
  else if (kind === 2) geometry = { type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x, y + s], [x, y]]] };
  else if (kind === 3) {
    const h = s / 4;
    geometry = { type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]], [[x + h, y + h], [x + h, y + 2 * h], [x + 2 * h, y + 2 * h], [x + 2 * h, y + h], [x + h, y + h]]] };
  } else geometry = { type: 'MultiPolygon', coordinates: [[[[x, y], [x + s, y], [x, y + s], [x, y]]], [[[x + 2 * s, y], [x + 3 * s, y], [x + 3 * s, y + s], [x + 2 * s, y]]]] };
  const crs = ['EPSG:4326', 'CRS:84', 'EPSG:3857'][Math.floor(r() * 3)]!;
  if (crs === 'EPSG:3857') geometry = mercator(geometry);
  return { geometry, crs };
}

/** A lon/lat geometry in EPSG:3857 (spherical Mercator formulas). */
function mercator(g: Geometry): Geometry {
  const R = 6378137;
  const p = ([lon, lat]: number[]) => [(R * lon! * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat! * Math.PI) / 360))];
  const map = (c: unknown): unknown => (typeof (c as number[])[0] === 'number' ? p(c as number[]) : (c as unknown[]).map(map));
  return { ...g, coordinates: map((g as { coordinates: unknown }).coordinates) } as Geometry;
}

/** One or two random predicates (ANDed). */
function randomPredicates(r: () => number): SpatialPredicate[] {
  const out: SpatialPredicate[] = [];
  for (let n = r() < 0.2 ? 2 : 1; n > 0; n--) {
    const op = OPS[Math.floor(r() * OPS.length)]!;
    const p: SpatialPredicate = { op, ...randomLiteral(r) };
    if (op === 'dwithin' || op === 'beyond') {
      const units = [null, 'm', 'km', 'deg'][Math.floor(r() * 4)]!;
      p.units = units;
      p.distance = units === 'm' ? r() * 300_000 : units === 'km' ? r() * 300 : units === 'deg' ? r() * 3 : p.crs === 'EPSG:3857' ? r() * 3 : r() * 300_000;
    }
    out.push(p);
  }
  return out;
}

function randomQuery(r: () => number, fields: string[], filters: string[], fids: Array<string | number>): VectorQuery {
  const q: VectorQuery = {};
  if (r() < 0.7) q.bbox = randomBox(r);
  if (r() < 0.4) q.spatial = randomPredicates(r);
  const target = [undefined, 'EPSG:3857', 'EPSG:32633', 'CRS:84', 'EPSG:4326'][Math.floor(r() * 5)];
  if (target) q.targetCrs = target;
  if (r() < 0.5) q.filter = filters[Math.floor(r() * filters.length)]!;
  if (r() < 0.15) q.ids = [...fids.filter(() => r() < 0.1), 'junk', 99999];
  if (r() < 0.3) q.orderBy = fields.filter(() => r() < 0.4).slice(0, 2).map((field) => ({ field, descending: r() < 0.5 }));
  if (r() < 0.3) {
    q.offset = Math.floor(r() * 30);
    q.limit = Math.floor(r() * 60);
  }
  if (r() < 0.3) q.fields = fields.filter(() => r() < 0.5);
  if (r() < 0.15) q.withGeometry = false;
  return q;
}

async function compare(layer: VectorLayerDef, q: VectorQuery, ac: AccessControl | null = null, internalFields?: string[]): Promise<number> {
  const opts = internalFields ? { internalFields } : {};
  const want = await collect(gdalPath.forRequest(ac).readFeatures(layer, q, opts));
  const got = await collect(snapshots.forRequest(ac).readFeatures(layer, q, opts));
  assert.deepEqual(got, want, `${layer.source.connection} ${JSON.stringify(q)}`);
  const countQuery: VectorQuery = {};
  for (const k of ['bbox', 'filter', 'ids', 'spatial'] as const) if (q[k] !== undefined) Object.assign(countQuery, { [k]: q[k] });
  assert.equal(await snapshots.forRequest(ac).countFeatures(layer, countQuery), await gdalPath.forRequest(ac).countFeatures(layer, countQuery), `count ${JSON.stringify(countQuery)}`);
  return want.length;
}

describe('snapshot reads give what the GDAL path gives (random queries)', () => {
  const cases: Array<[string, () => VectorLayerDef, string[]]> = [];
  for (const fmt of ['gpkg', 'geojson', 'shp'] as const) {
    cases.push([`points ${fmt}`, () => vectorLayer('places', fx[fmt]), PLACE_FILTERS]);
    cases.push([`polygons with holes ${fmt}`, () => shapeLayer('shapes', shapes.polygons[fmt]!, 'MultiPolygon'), SHAPE_FILTERS]);
  }
  for (const fmt of ['gpkg', 'geojson'] as const) cases.push([`lines ${fmt}`, () => shapeLayer('lines', shapes.lines[fmt]!, 'LineString'), SHAPE_FILTERS]);
  cases.forEach(([name, makeLayer, filters], c) => {
    it(name, async () => {
      const layer = makeLayer();
      const fields = layer.fields.map((f) => f.name);
      const fids = (await collect(gdalPath.forRequest(null).readFeatures(layer, { withGeometry: false, fields: [] }))).map((f) => f.id);
      const r = rng(1000 + c);
      let total = 0;
      for (let i = 0; i < 60; i++) total += await compare(layer, randomQuery(r, fields, filters, fids));
      assert.ok(total > 500, `the queries return features (${total})`);
      // Spatial predicates alone (with a target CRS, paging, no geometry): every operator must select something somewhere.
      const selecting = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const spatial = randomPredicates(r);
        const q: VectorQuery = { spatial, ...(r() < 0.4 ? { targetCrs: 'EPSG:3857' } : {}), ...(r() < 0.2 ? { withGeometry: false } : {}), ...(r() < 0.2 ? { offset: 3, limit: 10 } : {}) };
        if (await compare(layer, q) > 0 && spatial.length === 1) selecting.add(spatial[0]!.op);
      }
      assert.ok(selecting.size >= (layer.geometryType === 'Point' ? 5 : 6), `operators that selected features: ${[...selecting].join(', ')}`);
      // Points on the box edge, a zero-area box, the whole layer in several CRSs.
      await compare(layer, { bbox: { crs: 'EPSG:4326', bounds: [15, 52, 15, 52] } });
      for (const targetCrs of ['EPSG:3857', 'EPSG:32633']) await compare(layer, { targetCrs });
    });
  });
  it('an idField layer: string ids, quotes', async () => {
    const layer = vectorLayer('places', fx.gpkg, { idField: 'name' });
    await compare(layer, { ids: ["O'Brien", 'p010', 'nope', 3] });
    await compare(layer, { orderBy: [{ field: 'pop', descending: true }], limit: 20 });
  });
  it('the layer subset and internal fields', async () => {
    const layer = vectorLayer('places', fx.shp, { source: { connection: fx.shp, subset: `"owner" = 'alice'` } });
    await compare(layer, { filter: `"kind" = 'city'` });
    const hidden = accessControl({ authorizedLayerAttributes: (_l, attrs) => attrs.filter((a) => a !== 'pop') });
    await compare(layer, { bbox: { crs: 'EPSG:4326', bounds: [0, 40, 20, 60] } }, hidden, ['pop']);
  });
});

describe('snapshots under access control', () => {
  it('roles with different subset strings get different snapshots, each what the GDAL path gives', async () => {
    const access = new DataAccess({ snapshot: 'wait' });
    const layer = vectorLayer('places', fx.gpkg);
    const alice = accessControl({ layerFilterSubsetString: () => `"owner" = 'alice'`, authorizedLayerAttributes: (_l, a) => a.filter((f) => f !== 'score') });
    const bob = accessControl({ layerFilterSubsetString: () => `"owner" = 'bob'`, layerFilterExpression: () => `"score" > 30` });
    for (const ac of [alice, bob, null]) {
      const want = await collect(gdalPath.forRequest(ac).readFeatures(layer, { targetCrs: 'EPSG:3857' }));
      const got = await collect(access.forRequest(ac).readFeatures(layer, { targetCrs: 'EPSG:3857' }));
      assert.deepEqual(got, want);
    }
    const alices = await collect(access.forRequest(alice).readFeatures(layer));
    assert.ok(alices.length > 0 && alices.every((f) => f.attributes['owner'] === 'alice' && !('score' in f.attributes)));
    const bobs = await collect(access.forRequest(bob).readFeatures(layer));
    assert.ok(bobs.length > 0 && bobs.every((f) => f.attributes['owner'] === 'bob' && (f.attributes['score'] as number) > 30));
    assert.throws(() => access.forRequest(alice).readFeatures(layer, { filter: `"score" > 1` }), /'score' not found/);
    const stats = access.snapshotStats()!;
    assert.equal(stats.snapshots.length, 3, JSON.stringify(stats.snapshots.map((s) => s.key)));
    assert.deepEqual(stats.snapshots.map((s) => s.features).sort((a, b) => a - b), [150, 150, 300]);
    await access.close();
  });
});

describe('snapshot lifecycle', () => {
  it('a changed file drops its snapshot; the next read sees the new data', async () => {
    const file = path.join(fx.dir, 'changing.geojson');
    const doc = (name: string, n: number) => JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: n }, (_, i) => ({ type: 'Feature', properties: { name: `${name}${i}` }, geometry: { type: 'Point', coordinates: [i, i] } })) });
    writeFileSync(file, doc('a', 5));
    const layer = shapeLayer('changing', file, 'Point', { fields: [{ name: 'name', alias: 'name', type: 'string' }] });
    const access = new DataAccess({ snapshot: 'wait' });
    const names = async () => (await collect(access.forRequest(null).readFeatures(layer))).map((f) => f.attributes['name']);
    assert.deepEqual(await names(), ['a0', 'a1', 'a2', 'a3', 'a4']);
    assert.equal(access.snapshotStats()!.snapshots.length, 1);
    writeFileSync(file, doc('b', 3));
    await new Promise((r) => setTimeout(r, 1100)); // the file is stat'ed at most once a second
    assert.deepEqual(await names(), ['b0', 'b1', 'b2']);
    const stats = access.snapshotStats()!;
    assert.equal(stats.invalidations, 1);
    assert.equal(stats.loads, 2);
    await access.close();
  });
  it('the memory budget evicts the least recently used snapshots', async () => {
    const probe = new DataAccess({ snapshot: 'wait' });
    await collect(probe.forRequest(null).readFeatures(vectorLayer('places', fx.gpkg), { withGeometry: false }));
    const one = probe.snapshotStats()!.bytes;
    await probe.close();
    const access = new DataAccess({ snapshot: 'wait', snapshotMB: (one * 1.5) / (1024 * 1024) });
    const a = vectorLayer('places', fx.gpkg), b = vectorLayer('places', fx.geojson);
    for (const layer of [a, b, a]) {
      const got = await collect(access.forRequest(null).readFeatures(layer, { withGeometry: false }));
      assert.equal(got.length, 300);
    }
    const stats = access.snapshotStats()!;
    assert.ok(stats.bytes <= stats.budgetBytes, `${stats.bytes} <= ${stats.budgetBytes}`);
    assert.equal(stats.snapshots.length, 1);
    assert.ok(stats.snapshots[0]!.key.includes('places.gpkg'));
    assert.ok(stats.evictions >= 2, `evictions ${stats.evictions}`);
    assert.equal(stats.loads, 3);
    await access.close();
  });
  it('layers over the feature limit, or not local files, stay on the GDAL path', async () => {
    const access = new DataAccess({ snapshot: 'wait', snapshotMaxFeatures: 100 });
    const layer = vectorLayer('places', fx.gpkg);
    assert.equal((await collect(access.forRequest(null).readFeatures(layer))).length, 300);
    const stats = access.snapshotStats()!;
    assert.equal(stats.snapshots.length, 0);
    assert.match(stats.refused[0]!.reason, /more than 100 features/);
    await access.close();
  });
  it('many concurrent first reads share one load; without wait they use the GDAL path meanwhile', async () => {
    const layer = vectorLayer('places', fx.shp);
    const bbox = { crs: 'EPSG:3857', bounds: [0, 5e6, 3e6, 8e6] as [number, number, number, number] };
    const want = await collect(gdalPath.forRequest(null).readFeatures(layer, { bbox, targetCrs: 'EPSG:3857' }));
    for (const mode of ['wait', true] as const) {
      const access = new DataAccess({ snapshot: mode });
      const all = await Promise.all(Array.from({ length: 20 }, () => collect(access.forRequest(null).readFeatures(layer, { bbox, targetCrs: 'EPSG:3857' }))));
      for (const got of all) assert.deepEqual(got, want);
      for (let i = 0; i < 100 && access.snapshotStats()!.snapshots[0]?.projections.length !== 1; i++) await new Promise((r) => setTimeout(r, 20));
      const stats = access.snapshotStats()!;
      assert.equal(stats.loads, 1, String(mode));
      assert.deepEqual(stats.snapshots.map((s) => s.projections), [['EPSG:4326>EPSG:3857@4']]);
      assert.deepEqual(await collect(access.forRequest(null).readFeatures(layer, { bbox, targetCrs: 'EPSG:3857' })), want);
      await access.close();
    }
  });
});

describe('the grant stays the only way in', () => {
  it('a copied file gets its own snapshot; nothing reads without access control', async () => {
    const copy = path.join(fx.dir, 'copy.gpkg');
    copyFileSync(fx.gpkg, copy);
    const hide = accessControl({ layerPermissions: () => ({ canRead: false }) });
    assert.throws(() => snapshots.forRequest(hide).readFeatures(vectorLayer('places', copy)), /does not exist/);
  });
});
