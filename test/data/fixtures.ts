/** Test data for the data layer, made with gdal-async in a temp dir: points as GeoPackage, GeoJSON and Shapefile, a GeoTIFF. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import type { FieldDef, RasterLayerDef, VectorLayerDef } from '../../src/project/model.js';
import { AccessControl, type AccessControlFilterLike } from '../../src/filters/access-control.js';

/** One generated point, as written to every vector file. */
export interface PlacePoint {
  fid: number;
  name: string;
  pop: number | null;
  kind: string | null;
  score: number;
  owner: string;
  created: string;
  lon: number;
  lat: number;
}

export const PLACE_COUNT = 300;

/** Deterministic points over Europe; a few with NULLs, quotes, a fixed one at 15E 52N. */
export function makePlaces(): PlacePoint[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const kinds = ['city', 'town', 'village'];
  const out: PlacePoint[] = [];
  for (let i = 1; i <= PLACE_COUNT; i++) {
    out.push({
      fid: i,
      name: i === 7 ? "O'Brien" : i === 8 ? 'Zürich "quoted"' : `p${String(i).padStart(3, '0')}`,
      pop: i % 7 === 0 ? null : Math.floor(rnd() * 2_000_000),
      kind: i % 11 === 0 ? null : kinds[i % 3]!,
      score: Math.round(rnd() * 1000) / 10,
      owner: i % 2 === 0 ? 'alice' : 'bob',
      created: `2020-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      lon: i === 1 ? 15 : Math.round((-20 + rnd() * 60) * 1e6) / 1e6,
      lat: i === 1 ? 52 : Math.round((30 + rnd() * 40) * 1e6) / 1e6,
    });
  }
  return out;
}

/** The files made for a test run. */
export interface Fixture {
  dir: string;
  places: PlacePoint[];
  gpkg: string;
  geojson: string;
  shp: string;
  /** GeoTIFF in EPSG:32633, 200×200 px of 1 km, value = row*1000 + col, nodata -9999 in the top-left 50×50 block, with overviews. */
  tif: string;
  cleanup(): void;
}

/** Writes the fixture files; call cleanup() when done. */
export async function makeFixture(): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ows-data-'));
  const places = makePlaces();
  const geojson = path.join(dir, 'places.geojson');
  writeFileSync(geojson, JSON.stringify({
    type: 'FeatureCollection',
    features: places.map((p) => ({
      type: 'Feature',
      properties: { name: p.name, pop: p.pop, kind: p.kind, score: p.score, owner: p.owner, created: p.created },
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    })),
  }));
  const src = await gdal.openAsync(geojson);
  const gpkg = path.join(dir, 'places.gpkg');
  (await gdal.vectorTranslateAsync(gpkg, src, ['-f', 'GPKG', '-nln', 'places', '-a_srs', 'EPSG:4326'])).close();
  const shp = path.join(dir, 'places.shp');
  (await gdal.vectorTranslateAsync(shp, src, ['-f', 'ESRI Shapefile', '-a_srs', 'EPSG:4326'])).close();
  src.close();
  const tif = path.join(dir, 'grid.tif');
  await makeGrid(tif);
  return { dir, places, gpkg, geojson, shp, tif, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Raster origin (EPSG:32633): 400 km E, 5 900 km N; 1 km pixels. */
export const GRID = { x0: 400_000, y0: 5_900_000, size: 1000, width: 200, height: 200, noData: -9999 };

async function makeGrid(file: string): Promise<void> {
  const drv = gdal.drivers.get('GTiff');
  const ds = await drv.createAsync(file, GRID.width, GRID.height, 1, gdal.GDT_Float32);
  ds.srs = gdal.SpatialReference.fromEPSG(32633);
  ds.geoTransform = [GRID.x0, GRID.size, 0, GRID.y0, 0, -GRID.size];
  const band = await ds.bands.getAsync(1);
  band.noDataValue = GRID.noData;
  const data = new Float32Array(GRID.width * GRID.height);
  for (let r = 0; r < GRID.height; r++) {
    for (let c = 0; c < GRID.width; c++) data[r * GRID.width + c] = r < 50 && c < 50 ? GRID.noData : r * 1000 + c;
  }
  await band.pixels.writeAsync(0, 0, GRID.width, GRID.height, data);
  await ds.buildOverviewsAsync('NEAREST', [2, 4]);
  // Mark the overviews so a test can tell they were used: every valid overview pixel becomes 7.
  for (let i = 0; i < 2; i++) {
    const ov = band.overviews.get(i);
    const w = ov.size.x;
    const h = ov.size.y;
    const buf = await ov.pixels.readAsync(0, 0, w, h, new Float32Array(w * h));
    for (let p = 0; p < buf.length; p++) if (buf[p] !== GRID.noData) buf[p] = 7;
    await ov.pixels.writeAsync(0, 0, w, h, buf);
  }
  ds.close();
}

const FIELD_TYPES: Record<string, string> = { name: 'string', pop: 'integer', kind: 'string', score: 'real', owner: 'string', created: 'date' };

/** A vector layer def over a fixture file. */
export function vectorLayer(name: string, connection: string, extra: Partial<VectorLayerDef> = {}): VectorLayerDef {
  const fields: FieldDef[] = Object.entries(FIELD_TYPES).map(([n, type]) => ({ name: n, alias: n, type }));
  return {
    kind: 'vector', name, title: name, abstract: '', keywords: [], source: { connection }, crs: 'EPSG:4326',
    extent: { crs: 'EPSG:4326', bbox: [-20, 30, 40, 70], wgs84: [-20, 30, 40, 70] },
    services: ['WMS', 'WFS'], geometryType: 'Point', fields, queryable: true, styles: [], editable: { insert: false, update: false, delete: false }, ...extra,
  };
}

/** The raster layer def over the fixture GeoTIFF. */
export function rasterLayer(name: string, connection: string): RasterLayerDef {
  const b: [number, number, number, number] = [GRID.x0, GRID.y0 - GRID.height * GRID.size, GRID.x0 + GRID.width * GRID.size, GRID.y0];
  return {
    kind: 'raster', name, title: name, abstract: '', keywords: [], source: { connection }, crs: 'EPSG:32633',
    extent: { crs: 'EPSG:32633', bbox: b, wgs84: [13, 51, 16, 53] }, services: ['WMS'], bandCount: 1, queryable: true, styles: [],
  };
}

/** An AccessControl with plain-object filters registered in order. */
export function accessControl(...filters: AccessControlFilterLike[]): AccessControl {
  const ac = new AccessControl('access control');
  for (const f of filters) ac.register(f);
  return ac;
}

/** Everything from an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
