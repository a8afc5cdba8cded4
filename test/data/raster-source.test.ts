import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import gdal from 'gdal-async';
import { DataAccess } from '../../src/data/layer-access.js';
import { transformer } from '../../src/data/crs.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import type { RasterLayerDef } from '../../src/project/model.js';
import type { RasterQuery } from '../../src/data/types.js';
import { makeFixture, rasterLayer, GRID, type Fixture } from './fixtures.js';

let fx: Fixture;
let grid: RasterLayerDef;
const data = new DataAccess({ maxRasterCells: 1_000_000 });
before(async () => {
  fx = await makeFixture();
  grid = rasterLayer('grid', fx.tif);
});
after(async () => {
  await data.close();
  fx.cleanup();
});

const read = (q: RasterQuery) => data.forRequest(null).readRaster(grid, q);
const EXTENT: [number, number, number, number] = [GRID.x0, GRID.y0 - GRID.height * GRID.size, GRID.x0 + GRID.width * GRID.size, GRID.y0];
/** Centre of pixel (col, row) in EPSG:32633. */
const centre = (c: number, r: number): [number, number] => [GRID.x0 + (c + 0.5) * GRID.size, GRID.y0 - (r + 0.5) * GRID.size];

describe('readRaster', () => {
  it('native CRS, native resolution: exact values, nodata masked', async () => {
    const w = await read({ bbox: { crs: 'EPSG:32633', bounds: EXTENT }, width: 200, height: 200 });
    assert.equal(w.width, 200);
    assert.deepEqual(w.noData, [GRID.noData]);
    const band = w.bands[0]!;
    for (const [c, r] of [[0, 60], [199, 199], [120, 80], [60, 0], [49, 50]]) {
      assert.equal(w.mask[r! * 200 + c!], 1, `${c},${r}`);
      assert.equal(band[r! * 200 + c!], r! * 1000 + c!);
    }
    for (const [c, r] of [[0, 0], [49, 49], [10, 30]]) {
      assert.equal(w.mask[r! * 200 + c!], 0);
      assert.equal(band[r! * 200 + c!], GRID.noData);
    }
    assert.equal(w.mask.reduce((a, b) => a + b, 0), 200 * 200 - 50 * 50);
  });
  it('outside the source is masked', async () => {
    const w = await read({ bbox: { crs: 'EPSG:32633', bounds: [300_000, 5_800_000, 500_000, 5_900_000] }, width: 200, height: 100 });
    const at = (c: number, r: number) => [w.mask[r * 200 + c], w.bands[0]![r * 200 + c]];
    assert.deepEqual(at(50, 70), [0, GRID.noData], 'west of the raster');
    assert.deepEqual(at(120, 70), [1, 70 * 1000 + 20]);
    assert.deepEqual(at(120, 10), [0, GRID.noData], 'nodata block');
  });
  it('another CRS (EPSG:4326, lon/lat): the pixel under a point has its value', async () => {
    const toGeo = await transformer('EPSG:32633', 'EPSG:4326');
    for (const [c, r, expected] of [[120, 80, 80_120], [150, 190, 190_150], [10, 10, null]] as const) {
      const [lon, lat] = toGeo.point(...centre(c, r))!;
      const d = 0.0005;
      const w = await read({ bbox: { crs: 'EPSG:4326', bounds: [lon - d, lat - d, lon + d, lat + d] }, width: 1, height: 1 });
      if (expected === null) assert.equal(w.mask[0], 0);
      else assert.deepEqual([w.mask[0], w.bands[0]![0]], [1, expected]);
    }
    const far = await read({ bbox: { crs: 'EPSG:4326', bounds: [-10, -10, -9, -9] }, width: 8, height: 8 });
    assert.equal(far.mask.reduce((a, b) => a + b, 0), 0);
  });
  it('web mercator window over the whole raster: data where the raster is, mask elsewhere', async () => {
    const toMerc = await transformer('EPSG:32633', 'EPSG:3857');
    const [x, y] = toMerc.point(...centre(100, 100))!;
    const w = await read({ bbox: { crs: 'EPSG:3857', bounds: [x - 400_000, y - 400_000, x + 400_000, y + 400_000] }, width: 80, height: 80, resampling: 'bilinear' });
    const valid = w.mask.reduce((a, b) => a + b, 0);
    assert.ok(valid > 400 && valid < 80 * 80, `valid ${valid}`);
    assert.equal(w.mask[0], 0, 'corner is outside');
  });
  it('a coarse output reads the overviews', async () => {
    for (const size of [50, 100]) {
      const w = await read({ bbox: { crs: 'EPSG:32633', bounds: EXTENT }, width: size, height: size });
      const values = new Set(w.bands[0]!.filter((_, i) => w.mask[i] === 1));
      assert.deepEqual([...values], [7], `${size}px`);
    }
  });
  it('bilinear and cubic at native resolution keep pixel values away from nodata', async () => {
    for (const resampling of ['bilinear', 'cubic'] as const) {
      const w = await read({ bbox: { crs: 'EPSG:32633', bounds: EXTENT }, width: 200, height: 200, resampling });
      assert.equal(w.bands[0]![150 * 200 + 150], 150_150);
    }
  });
  it('a band subset, in the order asked (3-band Byte raster without nodata)', async () => {
    const file = path.join(fx.dir, 'rgb.tif');
    const ds = await gdal.drivers.get('GTiff').createAsync(file, 20, 10, 3, gdal.GDT_Byte);
    ds.srs = gdal.SpatialReference.fromEPSG(4326);
    ds.geoTransform = [10, 0.1, 0, 50, 0, -0.1];
    for (let b = 1; b <= 3; b++) {
      const px = new Uint8Array(200).map((_, i) => b * 10 + (i % 20) % 5);
      await (await ds.bands.getAsync(b)).pixels.writeAsync(0, 0, 20, 10, px);
    }
    ds.close();
    const rgb: RasterLayerDef = { ...rasterLayer('rgb', file), crs: 'EPSG:4326', bandCount: 3 };
    const w = await data.forRequest(null).readRaster(rgb, { bbox: { crs: 'CRS:84', bounds: [10, 49, 12, 50] }, width: 20, height: 10, bands: [3, 1] });
    assert.equal(w.bands.length, 2);
    assert.deepEqual(w.noData, [null, null]);
    assert.deepEqual([w.bands[0]![7], w.bands[1]![7]], [32, 12]);
    assert.equal(w.mask.reduce((a, b) => a + b, 0), 200);
    const all = await data.forRequest(null).readRaster(rgb, { bbox: { crs: 'EPSG:4326', bounds: [10, 49, 12, 50] }, width: 20, height: 10 });
    assert.deepEqual(all.bands.map((b) => b[3]), [13, 23, 33]);
  });
  it('refuses unusable requests', async () => {
    const bbox = { crs: 'EPSG:32633', bounds: EXTENT };
    const bad = (q: Partial<RasterQuery>, code = 'InvalidParameterValue') =>
      assert.rejects(read({ bbox, width: 10, height: 10, ...q }), (e: unknown) => e instanceof OgcError && e.code === code, JSON.stringify(q));
    await bad({ bands: [2] });
    await bad({ bands: [] });
    await bad({ width: 0 });
    await bad({ height: 2.5 });
    await bad({ width: 2000, height: 2000 }); // past maxRasterCells
    await bad({ bbox: { crs: 'EPSG:32633', bounds: [1, 1, 1, 2] } });
    await bad({ bbox: { crs: 'EPSG:999999', bounds: EXTENT } }, 'InvalidCRS');
    await assert.rejects(read({ bbox, width: 4, height: 4, signal: AbortSignal.abort() }), (e: unknown) => (e as Error).name === 'AbortError');
    assert.equal(data.stats(fx.tif).busy, 0);
  });
});
