import { stat } from 'node:fs/promises';
import path from 'node:path';
import gdal from 'gdal-async';
import { identifyEpsg, type Bounds } from './crs.js';
import type { DataSource, VectorLayerDef } from './model.js';

/** What the loader learns about a layer's source by opening it. */
export type SourceInfo =
  | {
      kind: 'vector';
      /** "EPSG:nnnn", or null when the source has no CRS with an EPSG code. */
      crs: string | null;
      /** Extent in the source's coordinates, x/y order; null for an empty layer. */
      bounds: Bounds | null;
      geometryType: VectorLayerDef['geometryType'];
      fields: Array<{ name: string; type: string }>;
      fidColumn: string;
      /** The GDAL driver (GPKG, SQLite, PostgreSQL, ESRI Shapefile ...). */
      driver: string;
      /** Why source.subset is not a valid filter, if it is not. */
      subsetProblem?: string;
      /** The OGR layer name (filled in for a single-layer source). */
      layer: string;
    }
  | { kind: 'raster'; crs: string | null; bounds: Bounds; bandCount: number };

/** A source that cannot be opened or read, with the project key at fault ('source', 'source.layer', 'source.subset' ...). */
export class SourceError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Whether a source string is a GDAL connection (PG:…, WFS:…, /vsicurl/…) rather than a file path. */
export function isConnection(source: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]+:/.test(source) || source.startsWith('/vsi');
}

/** Resolves a source path relative to the project file's folder; connections are kept as written. */
export function resolveSource(source: string, projectDir: string): string {
  return isConnection(source) || path.isAbsolute(source) ? source : path.resolve(projectDir, source);
}

/**
 * Opens a source with gdal-async and reads what the project model needs: kind (unless given), CRS, extent,
 * geometry type and fields (vector) or band count (raster). `shown` is how messages name the source.
 */
export async function inspectSource(source: DataSource, kind: 'vector' | 'raster' | undefined, shown: string): Promise<SourceInfo> {
  if (!isConnection(source.connection)) {
    const exists = await stat(source.connection).then(() => true, () => false);
    if (!exists) throw new SourceError('source', `'${shown}' does not exist`);
  }
  let ds: gdal.Dataset;
  try {
    ds = await gdal.openAsync(source.connection);
  } catch (err) {
    throw new SourceError('source', `'${shown}' cannot be opened: ${(err as Error).message}`);
  }
  try {
    const layerCount = await ds.layers.countAsync();
    const bandCount = await ds.bands.countAsync();
    const chosen = kind ?? (source.layer !== undefined || bandCount === 0 ? 'vector' : 'raster');
    if (chosen === 'raster') {
      if (source.layer !== undefined) throw new SourceError('source.layer', 'a raster source has no layers');
      if (source.subset !== undefined) throw new SourceError('source.subset', 'a raster source cannot have a subset');
      if (bandCount === 0) throw new SourceError('source', `'${shown}' has no raster bands`);
      return await inspectRaster(ds, bandCount, shown);
    }
    if (layerCount === 0) throw new SourceError('source', `'${shown}' has no vector layers`);
    return await inspectVector(ds, source, layerCount, shown);
  } finally {
    ds.close();
  }
}

async function inspectRaster(ds: gdal.Dataset, bandCount: number, shown: string): Promise<SourceInfo> {
  const gt = await ds.geoTransformAsync;
  if (!gt) throw new SourceError('source', `'${shown}' is not georeferenced`);
  const size = await ds.rasterSizeAsync;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [px, py] of [[0, 0], [size.x, 0], [0, size.y], [size.x, size.y]] as const) {
    xs.push(gt[0]! + px * gt[1]! + py * gt[2]!);
    ys.push(gt[3]! + px * gt[4]! + py * gt[5]!);
  }
  return {
    kind: 'raster',
    crs: identifyEpsg(await ds.srsAsync),
    bounds: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    bandCount,
  };
}

async function inspectVector(ds: gdal.Dataset, source: DataSource, layerCount: number, shown: string): Promise<SourceInfo> {
  let layer: gdal.Layer;
  if (source.layer === undefined) {
    if (layerCount > 1) {
      throw new SourceError('source', `'${shown}' has ${layerCount} layers (${layerNames(ds).join(', ')}): name one with source.layer`);
    }
    layer = await ds.layers.getAsync(0);
  } else {
    try {
      layer = await ds.layers.getAsync(source.layer);
    } catch {
      throw new SourceError('source.layer', `'${source.layer}' is not a layer of '${shown}' (layers: ${layerNames(ds).join(', ')})`);
    }
  }
  const geometryType = geometryTypeName(layer.geomType);
  if (geometryType === null) throw new SourceError('source', `layer '${layer.name}' of '${shown}' has no geometry column`);
  let bounds: Bounds | null = null;
  try {
    const e = layer.getExtent(true);
    if ([e.minX, e.minY, e.maxX, e.maxY].every(Number.isFinite) && e.minX <= e.maxX) bounds = [e.minX, e.minY, e.maxX, e.maxY];
  } catch {
    bounds = null; // empty layer
  }
  const subsetProblem = source.subset === undefined ? null : checkSubset(ds, layer, source.subset);
  return {
    ...(subsetProblem ? { subsetProblem } : {}),
    kind: 'vector',
    crs: identifyEpsg(layer.srs),
    bounds,
    geometryType,
    fields: layer.fields.map((f) => ({ name: f.name, type: f.type })),
    fidColumn: layer.fidColumn,
    driver: ds.driver.description,
    layer: layer.name,
  };
}

/**
 * Checks a subset filter; returns what is wrong with it, or null. OGR SQL drivers (Shapefile, GeoJSON ...)
 * parse it in setAttributeFilter; SQL databases only when they run it, so for those a `LIMIT 0` query is prepared.
 */
function checkSubset(ds: gdal.Dataset, layer: gdal.Layer, subset: string): string | null {
  const why = (err: unknown): string => {
    // gdal-async throws a generic "Corrupt Data" for OGR SQL; the parser's own message is GDAL's last error.
    const generic = (err as Error).message;
    const last = (gdal.lastError as { message?: string } | null)?.message;
    const detail = generic === 'Corrupt Data' && last ? last : generic;
    return `'${subset}' is not a valid filter: ${detail.replace(/^In ExecuteSQL\(\): sqlite3_prepare_v2\(.*\):/s, '').replace(/\s+/g, ' ').trim()}`;
  };
  try {
    layer.setAttributeFilter(subset);
  } catch (err) {
    return why(err);
  } finally {
    layer.setAttributeFilter(null);
  }
  const driver = ds.driver.description;
  if (driver === 'GPKG' || driver === 'SQLite' || driver === 'PostgreSQL') {
    const table = (driver === 'PostgreSQL' ? layer.name.split('.') : [layer.name]).map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
    try {
      ds.executeSQL(`SELECT * FROM ${table} WHERE (${subset}) LIMIT 0`);
    } catch (err) {
      return why(err);
    }
  }
  return null;
}

function layerNames(ds: gdal.Dataset): string[] {
  return ds.layers.map((l) => l.name);
}

const GEOMETRY_TYPES: Record<number, VectorLayerDef['geometryType']> = {
  0: 'Geometry', 1: 'Point', 2: 'LineString', 3: 'Polygon', 4: 'MultiPoint', 5: 'MultiLineString', 6: 'MultiPolygon', 7: 'Geometry',
};

/** OGR geometry type code (2D, 2.5D, ISO Z/M/ZM) to the model's name; null for a layer without geometry. */
export function geometryTypeName(code: number): VectorLayerDef['geometryType'] | null {
  const flat = (code & 0x7fffffff) % 1000; // drop the 2.5D bit, then the ISO Z (1000) / M (2000) / ZM (3000) offsets
  if (code === 100 || flat === 100) return null; // wkbNone
  return GEOMETRY_TYPES[flat] ?? 'Geometry';
}
