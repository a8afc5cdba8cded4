import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { DataAccess } from '../../src/data/layer-access.js';
import { transformer } from '../../src/data/crs.js';
import { Expression } from '../../src/expression/index.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import type { Feature, VectorQuery } from '../../src/data/types.js';
import type { VectorLayerDef } from '../../src/project/model.js';
import { makeFixture, vectorLayer, collect, type Fixture, type PlacePoint } from './fixtures.js';

let fx: Fixture;
const data = new DataAccess({ pageSize: 37 });
const bigPages = new DataAccess();
// The cursor strategy and the GDAL path's own features (simplify, clip, pooled handles) are tested without
// snapshots; the rest runs with whatever OWS_DATA_SNAPSHOT says (0, wait, or the default background loads).
const cursor = new DataAccess({ vectorStrategy: 'cursor', snapshot: false });
const gdalOnly = new DataAccess({ snapshot: false });
const layers: Record<'gpkg' | 'geojson' | 'shp', VectorLayerDef> = {} as never;

before(async () => {
  fx = await makeFixture();
  layers.gpkg = vectorLayer('places', fx.gpkg, { source: { connection: fx.gpkg, layer: 'places' } });
  layers.geojson = vectorLayer('places', fx.geojson);
  layers.shp = vectorLayer('places', fx.shp);
});
after(async () => {
  await Promise.all([data.close(), bigPages.close(), cursor.close(), gdalOnly.close()]);
  fx.cleanup();
});

const record = (p: PlacePoint) => ({ name: p.name, pop: p.pop, kind: p.kind, score: p.score, owner: p.owner, created: p.created });
const names = (fs: Feature[]) => fs.map((f) => f.attributes['name'] as string);
const read = (access: DataAccess, layer: VectorLayerDef, q: VectorQuery = {}) => collect(access.forRequest(null).readFeatures(layer, q));
const FORMATS = ['gpkg', 'geojson', 'shp'] as const;

describe('readFeatures: plain reads', () => {
  for (const fmt of FORMATS) {
    it(`${fmt}: every feature, attributes with NULLs, dates as ISO strings, lon/lat points`, async () => {
      const fs = await read(data, layers[fmt]);
      assert.equal(fs.length, 300);
      assert.equal(new Set(fs.map((f) => f.id)).size, 300, 'ids unique across pages');
      const byName = new Map(fs.map((f) => [f.attributes['name'], f]));
      for (const p of fx.places) {
        const f = byName.get(p.name);
        assert.ok(f, p.name);
        assert.deepEqual(Object.keys(f.attributes), ['name', 'pop', 'kind', 'score', 'owner', 'created']);
        assert.deepEqual(f.attributes, record(p), p.name);
        assert.equal(f.geometry?.type, 'Point');
        const [x, y] = (f.geometry as { coordinates: number[] }).coordinates;
        assert.ok(Math.abs(x! - p.lon) < 1e-8 && Math.abs(y! - p.lat) < 1e-8, `${p.name} at ${x},${y}`);
      }
    });
  }
  it('page size does not change the result', async () => {
    for (const fmt of FORMATS) assert.deepEqual(await read(data, layers[fmt]), await read(bigPages, layers[fmt]));
  });
  it('the cursor reader (other drivers) gives the same features', async () => {
    const byName = (fs: Feature[]) => [...fs].sort((x, y) => (String(x.attributes['name']) < String(y.attributes['name']) ? -1 : 1));
    for (const fmt of FORMATS) {
      // With a spatial filter a driver may return features in index order (GPKG does): compare as sets.
      const q: VectorQuery = { bbox: { crs: 'EPSG:3857', bounds: [0, 5e6, 3e6, 8e6] }, filter: `"kind" = 'town' OR regexp_match("name", '3')`, targetCrs: 'EPSG:3857' };
      const a = byName(await read(data, layers[fmt], q));
      const b = byName(await read(cursor, layers[fmt], q));
      assert.ok(a.length > 10);
      assert.deepEqual(names(a), names(b));
      assert.deepEqual(a.map((f) => f.attributes), b.map((f) => f.attributes));
      assert.deepEqual(a.map((f) => f.id), b.map((f) => f.id));
      a.forEach((f, i) => {
        const [x, y] = (f.geometry as { coordinates: number[] }).coordinates;
        const [u, v] = (b[i]!.geometry as { coordinates: number[] }).coordinates;
        assert.ok(Math.abs(x! - u!) < 1e-3 && Math.abs(y! - v!) < 1e-3);
      });
      // Without one, both read in FID order: paging agrees.
      const paged: VectorQuery = { filter: `"kind" = 'town' OR regexp_match("name", '3')`, offset: 3, limit: 40 };
      assert.deepEqual(names(await read(data, layers[fmt], paged)), names(await read(cursor, layers[fmt], paged)), fmt);
    }
  });
});

describe('readFeatures: spatial filter and reprojection', () => {
  it('a bbox in EPSG:3857 selects exactly the points inside it', async () => {
    const bounds: [number, number, number, number] = [0, 5e6, 2.5e6, 7.5e6];
    const t = await transformer('EPSG:4326', 'EPSG:3857');
    const expected = fx.places.filter((p) => {
      const [x, y] = t.point(p.lon, p.lat)!;
      return x >= bounds[0] && x <= bounds[2] && y >= bounds[1] && y <= bounds[3];
    }).map((p) => p.name).sort();
    assert.ok(expected.length > 20 && expected.length < 280);
    for (const fmt of FORMATS) {
      const got = names(await read(data, layers[fmt], { bbox: { crs: 'EPSG:3857', bounds } })).sort();
      assert.deepEqual(got, expected, fmt);
    }
  });
  it('a bbox in a UTM zone returns every point inside it (densified: the lon/lat box encloses the curved edges)', async () => {
    const bounds: [number, number, number, number] = [200_000, 5_000_000, 800_000, 6_500_000];
    const t = await transformer('EPSG:4326', 'EPSG:32633');
    const inside = fx.places.filter((p) => {
      const [x, y] = t.point(p.lon, p.lat)!;
      return x >= bounds[0] && x <= bounds[2] && y >= bounds[1] && y <= bounds[3];
    }).map((p) => p.name);
    const got = new Set(names(await read(data, layers.gpkg, { bbox: { crs: 'urn:ogc:def:crs:EPSG::32633', bounds } })));
    for (const n of inside) assert.ok(got.has(n), n);
    assert.ok(got.size < 300);
  });
  it('geometries come in the target CRS, x/y order (3857, UTM 33N, CRS:84)', async () => {
    const p1 = fx.places[0]!; // 15E 52N
    for (const [crs, x, y, tol] of [['EPSG:3857', 1669792.3618, 6800125.4544, 1e-3], ['EPSG:32633', 500000, 5761038.212, 0.01], ['CRS:84', 15, 52, 1e-9], ['EPSG:4326', 15, 52, 1e-9]] as const) {
      for (const fmt of FORMATS) {
        const [f] = await read(data, layers[fmt], { targetCrs: crs, filter: `"name" = '${p1.name}'` });
        const [cx, cy] = (f!.geometry as { coordinates: number[] }).coordinates;
        assert.ok(Math.abs(cx! - x) <= tol && Math.abs(cy! - y) <= tol, `${fmt} ${crs}: ${cx},${cy}`);
      }
    }
  });
  it('an unknown target CRS or bbox CRS is InvalidCRS; a malformed bbox InvalidParameterValue', async () => {
    await assert.rejects(read(data, layers.gpkg, { targetCrs: 'EPSG:999999' }), (e: unknown) => e instanceof OgcError && e.code === 'InvalidCRS');
    await assert.rejects(read(data, layers.gpkg, { bbox: { crs: 'EPSG:0', bounds: [0, 0, 1, 1] } }), (e: unknown) => e instanceof OgcError && e.code === 'InvalidCRS');
    await assert.rejects(read(data, layers.gpkg, { bbox: { crs: 'EPSG:4326', bounds: [5, 0, 1, 1] } }), (e: unknown) => e instanceof OgcError && e.code === 'InvalidParameterValue');
  });
});

describe('readFeatures: filters (SQL pushdown + JS residual = a full scan filtered in JS)', () => {
  const FILTERS = [
    `"pop" > 1000000`,
    `"kind" = 'city' AND regexp_match("name", '5$')`,
    `regexp_match("name", '^p0')`,
    `"pop" IS NULL OR "kind" IS NULL`,
    `"name" LIKE 'p1%'`,
    `"score" BETWEEN 10 AND 20`,
    `"kind" IN ('town', 'village') AND "pop" < 500000`,
    `"name" = 'O''Brien'`,
    `NOT ("kind" = 'city') AND upper("owner") = 'BOB'`,
    `"created" > '2020-06-15'`,
  ];
  for (const filter of FILTERS) {
    it(filter, async () => {
      const expr = Expression.parse(filter);
      const expected = fx.places.filter((p) => expr.test(record(p))).map((p) => p.name).sort();
      for (const fmt of FORMATS) {
        assert.deepEqual(names(await read(data, layers[fmt], { filter })).sort(), expected, fmt);
        assert.equal(await data.forRequest(null).countFeatures(layers[fmt], { filter }), expected.length, `${fmt} count`);
      }
    });
  }
  it('the layer subset (SQL) applies before the filter', async () => {
    const layer = vectorLayer('places', fx.gpkg, { source: { connection: fx.gpkg, subset: `"owner" = 'alice'` } });
    const got = await read(data, layer, { filter: `"kind" = 'city'` });
    assert.deepEqual(names(got).sort(), fx.places.filter((p) => p.owner === 'alice' && p.kind === 'city').map((p) => p.name).sort());
  });
  it('a bad filter is InvalidParameterValue naming the position, before any read', () => {
    assert.throws(() => data.forRequest(null).readFeatures(layers.gpkg, { filter: `"pop" >` }), (e: unknown) => e instanceof OgcError && e.code === 'InvalidParameterValue' && e.locator === 'filter' && /character \d+/.test(e.message));
  });
});

describe('readFeatures: order, paging, ids, fields', () => {
  const sorted = () => [...fx.places].sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  it('orderBy score desc, name: pages of 50 put together give the full order', async () => {
    const expected = sorted().map((p) => p.name);
    for (const fmt of FORMATS) {
      const orderBy = [{ field: 'score', descending: true }, { field: 'name', descending: false }];
      assert.deepEqual(names(await read(data, layers[fmt], { orderBy })), expected, fmt);
      const pages: string[] = [];
      for (let offset = 0; offset < 300; offset += 50) pages.push(...names(await read(data, layers[fmt], { orderBy, offset, limit: 50 })));
      assert.deepEqual(pages, expected, `${fmt} pages`);
    }
  });
  it('offset/limit without orderBy follow the source order (FID)', async () => {
    for (const fmt of FORMATS) {
      const all = names(await read(data, layers[fmt]));
      assert.deepEqual(names(await read(data, layers[fmt], { offset: 40, limit: 45 })), all.slice(40, 85), fmt);
      assert.deepEqual(names(await read(data, layers[fmt], { offset: 290, limit: 45 })), all.slice(290), fmt);
      assert.deepEqual(await read(data, layers[fmt], { limit: 0 }), []);
    }
  });
  it('offset/limit with a residual filter count only matching features', async () => {
    const filter = `regexp_match("name", '[02468]$')`;
    const expr = Expression.parse(filter);
    const expected = fx.places.filter((p) => expr.test(record(p))).map((p) => p.name);
    for (const fmt of FORMATS) {
      assert.deepEqual(names(await read(data, layers[fmt], { filter, offset: 30, limit: 50 })), expected.slice(30, 80), fmt);
    }
  });
  it('ids: FIDs (numbers or digit strings); other ids match nothing', async () => {
    const got = await read(data, layers.gpkg, { ids: [1, '3', 'abc', 2.5] });
    assert.deepEqual(got.map((f) => f.id), [1, 3]);
    assert.deepEqual(names(got), ['p001', 'p003']);
    assert.deepEqual(await read(data, layers.gpkg, { ids: ['abc'] }), []);
    assert.equal(await data.forRequest(null).countFeatures(layers.gpkg, { ids: ['x'] }), 0);
  });
  it('feature ids are the FIDs whatever the query (sorted, filtered on unselected fields, by ids)', async () => {
    for (const fmt of FORMATS) {
      const all = new Map((await read(data, layers[fmt])).map((f) => [f.attributes['name'], f.id]));
      const q: VectorQuery = { fields: ['name'], filter: `"pop" > 500000 AND "owner" = 'bob'`, orderBy: [{ field: 'score', descending: false }] };
      const sortedRead = await read(data, layers[fmt], q);
      assert.ok(sortedRead.length > 10);
      for (const f of sortedRead) assert.equal(f.id, all.get(f.attributes['name']), `${fmt} ${String(f.attributes['name'])}`);
      const want = ['p010', 'p020', 'p021'].map((n) => all.get(n)!);
      for (const extra of [{}, { filter: `"owner" = 'alice'` }, { orderBy: [{ field: 'name', descending: true }] }] as VectorQuery[]) {
        const got = await read(data, layers[fmt], { ids: want, fields: ['name'], ...extra });
        const expected = extra.filter ? ['p010', 'p020'] : ['p010', 'p020', 'p021'];
        assert.deepEqual(names(got).sort(), expected, `${fmt} ${JSON.stringify(extra)}`);
        if (extra.orderBy) assert.deepEqual(names(got), [...expected].reverse());
      }
    }
  });
  it('ids on an idField: string ids, quotes and all', async () => {
    const layer = vectorLayer('places', fx.shp, { idField: 'name' });
    const got = await read(data, layer, { ids: ["O'Brien", 'p010', 'nope'] });
    assert.deepEqual(got.map((f) => f.id).sort(), ["O'Brien", 'p010']);
  });
  it('fields narrow the attributes; withGeometry false drops geometry', async () => {
    const [f] = await read(data, layers.gpkg, { fields: ['score', 'name'], withGeometry: false, limit: 1 });
    assert.deepEqual(Object.keys(f!.attributes), ['score', 'name']);
    assert.equal(f!.geometry, null);
    const [g] = await read(data, layers.geojson, { fields: [], limit: 1 });
    assert.deepEqual(g!.attributes, {});
    assert.equal(g!.geometry?.type, 'Point');
  });
  it('unknown fields in fields / orderBy / filter are InvalidParameterValue', () => {
    const la = data.forRequest(null);
    for (const q of [{ fields: ['nope'] }, { orderBy: [{ field: 'nope', descending: false }] }, { filter: `"nope" = 1` }] as VectorQuery[]) {
      assert.throws(() => la.readFeatures(layers.gpkg, q), (e: unknown) => e instanceof OgcError && e.code === 'InvalidParameterValue' && e.message.includes("'nope'"));
    }
    assert.throws(() => la.readFeatures(layers.gpkg, { limit: -1 }), (e: unknown) => e instanceof OgcError && e.locator === 'limit');
  });
});

describe('readFeatures: polygons, simplification, clipping', () => {
  let poly: VectorLayerDef;
  before(() => {
    const file = path.join(fx.dir, 'circle.geojson');
    const ring = Array.from({ length: 361 }, (_, i) => [10 + 5 * Math.cos((i % 360) * Math.PI / 180), 50 + 3 * Math.sin((i % 360) * Math.PI / 180)]);
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'circle' }, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
    poly = vectorLayer('circle', file, { geometryType: 'Polygon', fields: [{ name: 'name', alias: 'name', type: 'string' }] });
  });
  const ringOf = (f: Feature) => (f.geometry as { coordinates: number[][][] }).coordinates[0]!;
  it('simplify (target units) cuts vertices, more with a larger tolerance', async () => {
    for (const access of [gdalOnly, cursor]) {
      const [full] = await read(access, poly, { targetCrs: 'EPSG:3857' });
      const [fine] = await read(access, poly, { targetCrs: 'EPSG:3857', simplify: 1000 });
      const [coarse] = await read(access, poly, { targetCrs: 'EPSG:3857', simplify: 50_000 });
      assert.equal(ringOf(full!).length, 361);
      assert.ok(ringOf(fine!).length < 361 && ringOf(coarse!).length < ringOf(fine!).length, `${ringOf(fine!).length} ${ringOf(coarse!).length}`);
      assert.ok(ringOf(coarse!).length >= 4);
    }
  });
  it('a bbox touching the envelope but not the polygon matches nothing, read or counted (GPKG too)', async () => {
    const gpkg = path.join(fx.dir, 'circle.gpkg');
    const src = await gdal.openAsync(poly.source.connection);
    (await gdal.vectorTranslateAsync(gpkg, src, ['-f', 'GPKG'])).close();
    src.close();
    const corner = { bbox: { crs: 'EPSG:4326', bounds: [14.5, 52.7, 15, 53] as [number, number, number, number] } };
    const inside = { bbox: { crs: 'EPSG:4326', bounds: [9, 49, 11, 51] as [number, number, number, number] } };
    for (const layer of [poly, { ...poly, source: { connection: gpkg } }]) {
      const la = data.forRequest(null);
      assert.equal((await collect(la.readFeatures(layer, corner))).length, 0);
      assert.equal(await la.countFeatures(layer, corner), 0);
      assert.equal(await la.countFeatures(layer, inside), 1);
    }
  });
  it('clip (rendering) cuts geometries to the bbox', async () => {
    const bbox = { crs: 'EPSG:4326', bounds: [9, 49, 20, 60] as [number, number, number, number] };
    for (const access of [gdalOnly, cursor]) {
      const [f] = await collect(access.forRequest(null).readFeatures(poly, { bbox }, { clip: true }));
      for (const [x, y] of ringOf(f!)) assert.ok(x! >= 9 - 1e-9 && y! >= 49 - 1e-9, `${x},${y}`);
      const [g] = await read(access, poly, { bbox });
      assert.equal(ringOf(g!).length, 361, 'no clip unless asked');
    }
  });
});

describe('readFeatures: pooled handles', () => {
  it('a reader that breaks early holds no handle (pages and cursor)', async () => {
    for (const strategy of ['auto', 'cursor'] as const) {
      const one = new DataAccess({ maxPerConnection: 1, pageSize: 10, vectorStrategy: strategy, acquireTimeoutMs: 2000, snapshot: false });
      for (const fmt of FORMATS) {
        for await (const f of one.forRequest(null).readFeatures(layers[fmt])) {
          assert.ok(f);
          break;
        }
        assert.equal(one.stats(layers[fmt].source.connection).busy, 0, `${strategy} ${fmt}`);
        assert.equal((await read(one, layers[fmt])).length, 300);
      }
      await one.close();
    }
  });
  it('an aborted read stops with the abort reason and releases its handle', async () => {
    for (const strategy of ['auto', 'cursor'] as const) {
      const one = new DataAccess({ maxPerConnection: 1, pageSize: 10, vectorStrategy: strategy, snapshot: false });
      const ctl = new AbortController();
      let n = 0;
      await assert.rejects((async () => {
        for await (const _ of one.forRequest(null).readFeatures(layers.gpkg, { signal: ctl.signal })) if (++n === 15) ctl.abort();
      })(), (e: unknown) => (e as Error).name === 'AbortError');
      assert.equal(n, 15);
      assert.equal(one.stats(fx.gpkg).busy, 0);
      await one.close();
    }
  });
  it('filters set on a pooled layer do not leak into the next read', async () => {
    const one = new DataAccess({ maxPerConnection: 1 });
    for (const fmt of FORMATS) {
      const la = one.forRequest(null);
      assert.ok(await la.countFeatures(layers[fmt], { bbox: { crs: 'EPSG:4326', bounds: [0, 40, 10, 50] }, filter: `"pop" > 5` }) < 300);
      assert.equal((await read(one, layers[fmt])).length, 300);
      assert.equal(await la.countFeatures(layers[fmt]), 300);
    }
    const cur = new DataAccess({ maxPerConnection: 1, vectorStrategy: 'cursor' });
    assert.ok((await read(cur, layers.gpkg, { filter: `"pop" > 1000000` })).length < 300);
    assert.equal((await read(cur, layers.gpkg)).length, 300);
    await Promise.all([one.close(), cur.close()]);
  });
  it('many concurrent readers on one file: all complete, handles stay within the maximum', async () => {
    const two = new DataAccess({ maxPerConnection: 2, pageSize: 25 });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, two.stats(fx.gpkg).open)), 1);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => read(two, layers.gpkg, i % 2 ? { bbox: { crs: 'EPSG:3857', bounds: [0, 5e6, 3e6, 8e6] }, targetCrs: 'EPSG:3857' } : {})));
    clearInterval(timer);
    assert.ok(results.every((r, i) => (i % 2 ? r.length > 0 && r.length < 300 : r.length === 300)));
    assert.ok(peak <= 2, `peak ${peak}`);
    assert.deepEqual(two.stats(fx.gpkg), { open: 2, busy: 0, idle: 2, waiting: 0 });
    await two.close();
  });
});
