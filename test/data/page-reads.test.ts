/**
 * Batched reads (LayerAccess.readFeatureBatches) and the page read ahead (page-prefetch.ts): the same features as
 * readFeatures, in order, across page boundaries of keyed (GeoPackage) and OFFSET (GeoJSON, Shapefile) pages, on
 * the GDAL path and from snapshots; the next page read while the consumer holds a batch; handles back in the pool
 * when a read stops early, is aborted or fails, without unhandled rejections.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { DataAccess } from '../../src/data/layer-access.js';
import { DatasetPool } from '../../src/data/dataset-pool.js';
import { PagePrefetch } from '../../src/data/page-prefetch.js';
import { openLayer } from '../../src/data/source-info.js';
import type { PageRequest } from '../../src/data/vector-translate.js';
import type { Feature, VectorQuery } from '../../src/data/types.js';
import type { VectorLayerDef } from '../../src/project/model.js';
import { makeFixture, vectorLayer, collect, accessControl, type Fixture } from './fixtures.js';
import { makeShapes, shapeLayer } from './snapshot-fixtures.js';

let fx: Fixture;
const layers: Record<'gpkg' | 'geojson' | 'shp' | 'polygons', VectorLayerDef> = {} as never;
const FORMATS = ['gpkg', 'geojson', 'shp'] as const;
const accesses: Array<[string, DataAccess]> = [
  ['GDAL, pages of 7', new DataAccess({ pageSize: 7, snapshot: false })],
  ['GDAL, default pages', new DataAccess({ snapshot: false })],
  ['snapshots', new DataAccess({ snapshot: 'wait' })],
];

before(async () => {
  fx = await makeFixture();
  const shapes = await makeShapes(fx.dir);
  layers.gpkg = vectorLayer('places', fx.gpkg, { source: { connection: fx.gpkg, layer: 'places' } });
  layers.geojson = vectorLayer('places', fx.geojson);
  layers.shp = vectorLayer('places', fx.shp);
  layers.polygons = shapeLayer('shapes', shapes.polygons.gpkg, 'Polygon', { source: { connection: shapes.polygons.gpkg, layer: 'shapes' } });
});
after(async () => {
  await Promise.all(accesses.map(([, a]) => a.close()));
  fx.cleanup();
});

/** A GeoPackage of n points (fields as the places'). */
async function manyPoints(n: number): Promise<VectorLayerDef> {
  const file = path.join(fx.dir, `many-${n}.gpkg`);
  const geojson = file.replace(/gpkg$/, 'geojson');
  writeFileSync(geojson, JSON.stringify({
    type: 'FeatureCollection',
    features: Array.from({ length: n }, (_, i) => ({ type: 'Feature', properties: { name: `m${i}`, pop: i, kind: 'city', score: i / 10, owner: 'bob', created: '2020-01-01' }, geometry: { type: 'Point', coordinates: [(i % 60) - 20, 30 + i / 40] } })),
  }));
  const src = await gdal.openAsync(geojson);
  (await gdal.vectorTranslateAsync(file, src, ['-f', 'GPKG', '-nln', 'many', '-a_srs', 'EPSG:4326'])).close();
  src.close();
  return vectorLayer('many', file, { source: { connection: file, layer: 'many' } });
}

const names = (fs: Feature[]) => fs.map((f) => f.attributes['name'] as string);
const batchesOf = (access: DataAccess, layer: VectorLayerDef, q: VectorQuery = {}) => collect(access.forRequest(null).readFeatureBatches(layer, q));
const featuresOf = (access: DataAccess, layer: VectorLayerDef, q: VectorQuery = {}) => collect(access.forRequest(null).readFeatures(layer, q));

/** Collects unhandled rejections while `fn` runs (and a little after, for late settlements). */
async function unhandledDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onReject = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', onReject);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    process.off('unhandledRejection', onReject);
  }
  return seen;
}

const QUERIES: Array<[string, VectorQuery]> = [
  ['everything', {}],
  ['offset and limit across pages', { offset: 5, limit: 23 }],
  ['a filter tested in JS, with offset and limit', { filter: `regexp_match("name", '[27]$') OR "pop" IS NULL`, offset: 3, limit: 17 }],
  ['a bbox in another CRS', { bbox: { crs: 'EPSG:3857', bounds: [0, 5e6, 3e6, 8e6] }, targetCrs: 'EPSG:3857' }],
  ['a spatial predicate', { spatial: [{ op: 'dwithin', geometry: { type: 'Point', coordinates: [10, 50] }, crs: 'EPSG:4326', distance: 800, units: 'km' }] }],
  ['sorted, paged', { orderBy: [{ field: 'score', descending: true }, { field: 'name', descending: false }], offset: 11, limit: 40 }],
  ['ids', { ids: [3, 150, 77, 9999] }],
  ['some fields, no geometry', { fields: ['name', 'kind'], withGeometry: false }],
];

describe('readFeatureBatches', () => {
  for (const [label, access] of accesses) {
    it(`${label}: the features readFeatures gives, in non-empty batches of at most 500`, async () => {
      for (const fmt of FORMATS) {
        for (const [what, q] of QUERIES) {
          const batches = await batchesOf(access, layers[fmt], q);
          assert.ok(batches.every((b) => b.length > 0 && b.length <= 500), `${fmt} ${what}: batch sizes ${batches.map((b) => b.length)}`);
          assert.deepEqual(batches.flat(), await featuresOf(access, layers[fmt], q), `${fmt} ${what}`);
        }
      }
    });
  }

  it('batches are pages, cut at 500 features (GDAL path and snapshots)', async () => {
    const many = await manyPoints(1234);
    for (const [label, access] of accesses) {
      const sizes = (await batchesOf(access, many)).map((b) => b.length);
      const expected = label === 'GDAL, pages of 7' ? [...Array(176).fill(7), 2] : [500, 500, 234];
      assert.deepEqual(sizes, expected, label);
    }
  });

  it('polygons: the same features from the GDAL path and from snapshots', async () => {
    const q: VectorQuery = { bbox: { crs: 'EPSG:4326', bounds: [0, 40, 20, 60] } };
    const gdalRead = (await batchesOf(accesses[0]![1], layers.polygons, q)).flat();
    assert.ok(gdalRead.length > 5);
    assert.deepEqual((await batchesOf(accesses[2]![1], layers.polygons, q)).flat(), gdalRead);
  });

  it('checks names before any read, as readFeatures does, and applies access control', async () => {
    const la = accesses[0]![1].forRequest(null);
    assert.throws(() => la.readFeatureBatches(layers.gpkg, { fields: ['nope'] }), { name: 'OgcError', message: /Field 'nope' does not exist/ });
    const hidden = accesses[0]![1].forRequest(accessControl({ authorizedLayerAttributes: (_l, attrs) => attrs.filter((a) => a !== 'owner') }));
    assert.throws(() => hidden.readFeatureBatches(layers.gpkg, { filter: `"owner" = 'bob'` }), { name: 'OgcError' });
    const fs = (await collect(hidden.readFeatureBatches(layers.gpkg, { limit: 3 }))).flat();
    assert.equal(fs.length, 3);
    assert.ok(fs.every((f) => !('owner' in f.attributes)));
  });
});

describe('page boundaries', () => {
  it('no feature lost or repeated, in FID order, whatever the page size (keyed and OFFSET pages)', async () => {
    const expected = fx.places.map((p) => p.name);
    for (const pageSize of [1, 2, 13, 299, 300, 301]) {
      const access = new DataAccess({ pageSize, snapshot: false });
      try {
        for (const fmt of FORMATS) {
          const all = names((await batchesOf(access, layers[fmt])).flat());
          assert.deepEqual(all, expected, `${fmt}, pages of ${pageSize}`);
          for (const [offset, limit] of [[pageSize - 1, 3], [pageSize, pageSize + 2], [290, 20]] as const) {
            const window = names((await batchesOf(access, layers[fmt], { offset, limit })).flat());
            assert.deepEqual(window, expected.slice(offset, offset + limit), `${fmt}, pages of ${pageSize}, offset ${offset} limit ${limit}`);
          }
          const filter = `"kind" = 'town' OR regexp_match("name", '3')`;
          const filtered = names(await featuresOf(accesses[1]![1], layers[fmt], { filter }));
          assert.deepEqual(names((await batchesOf(access, layers[fmt], { filter, offset: 4, limit: 31 })).flat()), filtered.slice(4, 35), `${fmt} filtered`);
        }
      } finally {
        await access.close();
      }
    }
  });
});

describe('read-ahead', () => {
  it('while the consumer holds a batch, the next page is being read on a handle of its own', async () => {
    for (const fmt of FORMATS) {
      const access = new DataAccess({ pageSize: 10, snapshot: false });
      const it = access.forRequest(null).readFeatureBatches(layers[fmt])[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(first.done, false);
      assert.equal(first.value!.length, 10);
      // The page after it was started before this batch was handed out; its read needs the event loop to finish.
      // A whole GeoPackage table is read in FID ranges, two under way at a time.
      assert.equal(access.stats(layers[fmt].source.connection).busy, fmt === 'gpkg' ? 2 : 1, fmt);
      let n = first.value!.length;
      for (let r = await it.next(); !r.done; r = await it.next()) n += r.value.length;
      assert.equal(n, 300);
      assert.equal(access.stats(layers[fmt].source.connection).busy, 0);
      await access.close();
    }
  });

  it('a consumer that stops early holds no handle once its loop has left (keyed and OFFSET pages)', async () => {
    for (const fmt of FORMATS) {
      const access = new DataAccess({ pageSize: 10, maxPerConnection: 1, acquireTimeoutMs: 2000, snapshot: false });
      for await (const batch of access.forRequest(null).readFeatureBatches(layers[fmt])) {
        assert.ok(batch.length > 0);
        break;
      }
      assert.equal(access.stats(layers[fmt].source.connection).busy, 0, fmt);
      assert.equal((await batchesOf(access, layers[fmt])).flat().length, 300, 'the one handle is usable again');
      await access.close();
    }
  });

  it('an abort mid-read rejects with the abort reason, releases every handle, leaves no unhandled rejection', async () => {
    for (const fmt of FORMATS) {
      for (const flat of [false, true]) {
        const access = new DataAccess({ pageSize: 10, snapshot: false });
        const ctl = new AbortController();
        let seen = 0;
        const unhandled = await unhandledDuring(async () => {
          await assert.rejects((async () => {
            const la = access.forRequest(null);
            const source: AsyncIterable<unknown> = flat ? la.readFeatures(layers[fmt], { signal: ctl.signal }) : la.readFeatureBatches(layers[fmt], { signal: ctl.signal });
            for await (const _ of source) if (++seen === 2) ctl.abort();
          })(), (e: unknown) => (e as Error).name === 'AbortError');
        });
        assert.equal(seen, 2, `${fmt} flat=${flat}: nothing after the abort`);
        assert.deepEqual(unhandled, []);
        assert.equal(access.stats(layers[fmt].source.connection).busy, 0, `${fmt} flat=${flat}`);
        await access.close();
      }
    }
  });
});

describe('whole-table reads in FID ranges', () => {
  /** A GeoPackage of n points whose FIDs are 1..n less those `drop` says. */
  async function withGaps(name: string, n: number, drop: (fid: number) => boolean): Promise<VectorLayerDef> {
    const layer = await manyPoints(n);
    const file = layer.source.connection;
    const copy = path.join(fx.dir, `${name}.gpkg`);
    const src = await gdal.openAsync(file);
    (await gdal.vectorTranslateAsync(copy, src, ['-f', 'GPKG', '-preserve_fid', '-nln', 'many'])).close();
    src.close();
    const ds = await gdal.openAsync(copy, 'r+');
    const ids: number[] = [];
    for (let fid = 1; fid <= n; fid++) if (drop(fid)) ids.push(fid);
    for (let i = 0; i < ids.length; i += 500) await sqlOn(ds, `DELETE FROM many WHERE fid IN (${ids.slice(i, i + 500).join(',')})`);
    ds.close();
    return vectorLayer('many', copy, { source: { connection: copy, layer: 'many' } });
  }

  /**
   * Runs a statement that gives no rows: gdal-async then throws an empty error for the missing result layer
   * (the statement has run; the tests check its effect on the FIDs read back).
   */
  async function sqlOn(ds: gdal.Dataset, sql: string): Promise<void> {
    await ds.executeSQLAsync(sql).catch((err: unknown) => {
      if ((err as Error).message !== '') throw err;
    });
  }

  /** The FIDs in the table, in order (sqlite, as GDAL reads them). */
  async function fidsOf(file: string): Promise<number[]> {
    const ds = await gdal.openAsync(file);
    const out: number[] = [];
    for (const f of ds.layers.get(0).features) out.push(f.fid);
    ds.close();
    return out;
  }

  it('FID gaps, sparse and dense runs: every feature once, in FID order, as a filtered (keyed) read gives', async () => {
    // Dense, then every 50th (the ranges widen), then nothing for 700 FIDs, then dense again (a wide range cut
    // short by its LIMIT: the read starts again after its last FID).
    const layer = await withGaps('gaps', 3000, (fid) => (fid > 200 && fid <= 1200 && fid % 50 !== 0) || (fid > 1300 && fid <= 2000));
    const expected = await fidsOf(layer.source.connection);
    assert.equal(expected.length, 200 + 20 + 100 + 1000);
    for (const pageSize of [1, 7, 10, 64]) {
      const access = new DataAccess({ pageSize, snapshot: false });
      try {
        const all = (await batchesOf(access, layer)).flat();
        assert.deepEqual(all.map((f) => f.id), expected, `pages of ${pageSize}`);
        // A filter keeps the read keyed: the same features.
        const keyed = (await batchesOf(access, layer, { filter: '"pop" >= 0' })).flat();
        assert.deepEqual(keyed, all, `pages of ${pageSize}: keyed and ranged reads agree`);
        assert.equal(access.stats(layer.source.connection).busy, 0);
      } finally {
        await access.close();
      }
    }
  });

  it('a limit over several pages: exactly that many, the first ones', async () => {
    const layer = await withGaps('limit', 500, (fid) => fid % 3 === 0);
    const expected = await fidsOf(layer.source.connection);
    assert.equal(expected.length, 334);
    const access = new DataAccess({ pageSize: 10, snapshot: false });
    for (const limit of [40, 45, 200, 333, 1000]) {
      const all = (await batchesOf(access, layer, { limit })).flat();
      assert.deepEqual(all.map((f) => f.id), expected.slice(0, limit), `limit ${limit}`);
    }
    assert.equal(access.stats(layer.source.connection).busy, 0);
    await access.close();
  });

  it('features added during the read, after the highest FID at its start, come at its end', async () => {
    const layer = await withGaps('grow', 400, () => false);
    const access = new DataAccess({ pageSize: 10, snapshot: false });
    const it = access.forRequest(null).readFeatureBatches(layer)[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.done, false);
    const ds = await gdal.openAsync(layer.source.connection, 'r+');
    for (let i = 0; i < 25; i++) await sqlOn(ds, `INSERT INTO many (name, pop) VALUES ('late${i}', ${1000 + i})`);
    ds.close();
    const ids = first.value!.map((f) => f.id as number);
    for (let r = await it.next(); !r.done; r = await it.next()) ids.push(...r.value.map((f) => f.id as number));
    assert.deepEqual(ids, Array.from({ length: 425 }, (_, i) => i + 1));
    await access.close();
  });
});

describe('PagePrefetch', () => {
  async function request(pool: DatasetPool, where: string[] = []): Promise<PageRequest> {
    const lease = await pool.acquire(fx.gpkg);
    try {
      const { info } = await openLayer(lease, 'places');
      return {
        info, fields: ['name'], where, orderBy: [], orderByFid: true, fid: '"fid"', limit: 50, offset: 0, withGeometry: true,
        spatialFilter: null, bounds: null, clip: false, simplify: undefined, reproject: null, precision: 9,
      };
    } finally {
      lease.release();
    }
  }

  it('reads on a pooled handle from start() and gives it back once the page is read; take() parses it', async () => {
    const pool = new DatasetPool();
    const pages = new PagePrefetch(pool, fx.gpkg);
    pages.start(await request(pool));
    assert.equal(pages.busy, true);
    assert.equal(pool.stats(fx.gpkg).busy, 1);
    const page = await pages.take();
    assert.equal(pages.busy, false);
    assert.equal(pool.stats(fx.gpkg).busy, 0);
    assert.equal(page.length, 50);
    assert.equal(page.at(0).properties?.['name'], fx.places[0]!.name);
    await pages.close();
    await pool.close();
  });

  it('close() drops the page under way and resolves once its handle is back; a later take() is refused', async () => {
    const pool = new DatasetPool();
    const pages = new PagePrefetch(pool, fx.gpkg);
    pages.start(await request(pool));
    await pages.close();
    assert.equal(pool.stats(fx.gpkg).busy, 0);
    await assert.rejects(pages.take(), /no page is being read/);
    await pool.close();
  });

  it('a failed read waits for take() (no unhandled rejection) and closes the broken handle', async () => {
    const pool = new DatasetPool();
    const pages = new PagePrefetch(pool, fx.gpkg);
    const unhandled = await unhandledDuring(async () => {
      pages.start(await request(pool, ['no_such_column = 1']));
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    assert.deepEqual(unhandled, []);
    await assert.rejects(pages.take());
    assert.deepEqual(pool.stats(fx.gpkg), { open: 0, busy: 0, idle: 0, waiting: 0 });
    await pool.close();
  });

  it('one page at a time, or up to `depth`, taken in the order they were started', async () => {
    const pool = new DatasetPool();
    const pages = new PagePrefetch(pool, fx.gpkg);
    const req = await request(pool);
    pages.start(req);
    assert.throws(() => pages.start(req), /already being read/);
    await pages.close();
    assert.equal(pool.stats(fx.gpkg).busy, 0);

    const two = new PagePrefetch(pool, fx.gpkg, undefined, 2);
    two.start(await request(pool, ['"fid" > 100']));
    assert.equal(two.room, true);
    two.start(await request(pool, ['"fid" > 200']));
    assert.equal(two.room, false);
    assert.throws(() => two.start(req), /2 page\(s\) already being read/);
    assert.equal((await two.take()).at(0).id, 101);
    assert.equal((await two.take()).at(0).id, 201);
    assert.equal(two.busy, false);
    two.start(await request(pool, ['"fid" > 10']));
    two.start(await request(pool, ['"fid" > 20']));
    await two.close();
    assert.equal(pool.stats(fx.gpkg).busy, 0);
    await pool.close();
  });
});
