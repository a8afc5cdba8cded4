/**
 * Raster reads: the part of a source covering a bbox, warped (gdal.warpAsync, on a libuv thread) onto the
 * output grid in the requested CRS. gdalwarp picks the overview level closest to the output resolution
 * (-ovr AUTO, its default), so a coarse output reads little. Nodata and everything outside the source
 * become mask 0, from the warp's alpha band. Not exported from src/data/index.ts: reads go through LayerAccess.
 */
import { randomUUID } from 'node:crypto';
import gdal from 'gdal-async';
import { OgcError } from '../errors/ogc-error.js';
import type { RasterLayerDef } from '../project/model.js';
import type { RasterQuery, RasterWindow } from './types.js';
import { assertGrant, type ReadGrant } from './access-grant.js';
import { isGdalFailure } from './dataset-pool.js';
import { resolveCrs } from './crs.js';
import { checkBounds } from './read-context.js';

const RESAMPLING = { nearest: 'near', bilinear: 'bilinear', cubic: 'cubic' } as const;

/** Reads a raster layer onto a width × height grid covering query.bbox in its CRS. */
export async function readRaster(layer: RasterLayerDef, query: RasterQuery, grant: ReadGrant): Promise<RasterWindow> {
  assertGrant(grant);
  const { width, height } = query;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new OgcError('InvalidParameterValue', `${name} must be a positive integer`, { locator: name });
  }
  checkBounds(query.bbox.bounds);
  const [x0, y0, x1, y1] = query.bbox.bounds;
  if (x0 === x1 || y0 === y1) throw new OgcError('InvalidParameterValue', 'The bounding box is empty', { locator: 'bbox' });
  const resampling = RESAMPLING[query.resampling ?? 'nearest'];
  if (!resampling) throw new OgcError('InvalidParameterValue', `Unknown resampling '${String(query.resampling)}'`, { locator: 'resampling' });
  const target = await resolveCrs(query.bbox.crs, 'InvalidCRS', 'bbox');
  const signal = query.signal;
  signal?.throwIfAborted();

  const lease = await grant.pool.acquire(layer.source.connection, signal ? { signal } : {});
  let broken = false;
  let warped: gdal.Dataset | undefined;
  let vrt: gdal.Dataset | undefined;
  let vrtFile: string | undefined;
  try {
    const src = lease.dataset;
    const bandCount = await src.bands.countAsync();
    const bands = query.bands ? [...query.bands] : Array.from({ length: bandCount }, (_, i) => i + 1);
    if (bands.length === 0) throw new OgcError('InvalidParameterValue', 'No band asked for', { locator: 'bands' });
    for (const b of bands) {
      if (!Number.isInteger(b) || b < 1 || b > bandCount) throw new OgcError('InvalidParameterValue', `Band ${b} does not exist (1..${bandCount})`, { locator: 'bands' });
    }
    const cells = width * height * bands.length;
    if (cells > grant.settings.maxRasterCells) {
      throw new OgcError('InvalidParameterValue', `The raster asked for is too large (${width}×${height}×${bands.length})`, { locator: 'width' });
    }
    const noData: Array<number | null> = [];
    for (const b of bands) noData.push(await (await src.bands.getAsync(b)).noDataValueAsync);

    // gdalwarp in GDAL 3.6 has no -srcband: a band subset goes through a VRT.
    if (bands.length !== bandCount || bands.some((b, i) => b !== i + 1)) {
      vrtFile = `/vsimem/ows-bands-${randomUUID()}.vrt`;
      vrt = await gdal.translateAsync(vrtFile, src, ['-of', 'VRT', ...bands.flatMap((b) => ['-b', String(b)])]);
    }
    signal?.throwIfAborted();
    // The MEM driver ignores the name; warpAsync wants one.
    warped = await gdal.warpAsync(`ows-warp-${randomUUID()}`, null, [vrt ?? src], [
      '-of', 'MEM', '-s_srs', layer.crs, '-t_srs', target.id,
      '-te', String(x0), String(y0), String(x1), String(y1), '-ts', String(width), String(height),
      '-r', resampling, '-dstalpha', '-wo', 'INIT_DEST=0',
    ]);
    const n = width * height;
    const out: Float64Array[] = [];
    for (let i = 1; i <= bands.length; i++) {
      const band = await warped.bands.getAsync(i);
      out.push(await band.pixels.readAsync(0, 0, width, height, new Float64Array(n)));
    }
    const alpha = await (await warped.bands.getAsync(bands.length + 1)).pixels.readAsync(0, 0, width, height, new Float64Array(n));
    const mask = new Uint8Array(n);
    for (let p = 0; p < n; p++) mask[p] = alpha[p]! > 0 ? 1 : 0;
    out.forEach((data, i) => {
      const fill = noData[i] ?? 0;
      for (let p = 0; p < n; p++) if (mask[p] === 0) data[p] = fill;
    });
    return { width, height, bands: out, mask, noData };
  } catch (err) {
    broken = isGdalFailure(err);
    throw err;
  } finally {
    for (const ds of [warped, vrt]) {
      try {
        ds?.close();
      } catch {
        /* closed */
      }
    }
    if (vrtFile) {
      try {
        gdal.vsimem.release(vrtFile);
      } catch {
        /* not written */
      }
    }
    lease.release(broken);
  }
}
