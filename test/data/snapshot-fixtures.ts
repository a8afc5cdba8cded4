/** Polygon (holes, multi-parts, no geometry) and line test layers for the snapshot tests, as GeoJSON, GeoPackage and Shapefile. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import type { FieldDef, VectorLayerDef } from '../../src/project/model.js';

/** The files of one layer in each format. */
export interface LayerFiles {
  geojson: string;
  gpkg: string;
  shp: string | null;
}

const SHAPE_FIELDS: FieldDef[] = [
  { name: 'name', alias: 'name', type: 'string' },
  { name: 'val', alias: 'val', type: 'real' },
  { name: 'n', alias: 'n', type: 'integer' },
  { name: 'cat', alias: 'cat', type: 'string' },
];

/** A deterministic random generator. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function ring(cx: number, cy: number, r: number, n: number, rnd: () => number, clockwise = false): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = ((clockwise ? -1 : 1) * 2 * Math.PI * i) / n;
    const rr = r * (0.6 + 0.4 * rnd());
    out.push([Math.round((cx + rr * Math.cos(a)) * 1e6) / 1e6, Math.round((cy + rr * Math.sin(a)) * 1e6) / 1e6]);
  }
  out.push([...out[0]!]);
  return out;
}

/** Writes polygons (and lines) over Europe in `dir`, in each format. */
export async function makeShapes(dir: string): Promise<{ polygons: LayerFiles; lines: LayerFiles }> {
  const rnd = rng(7);
  const cats = ['a', 'b', 'c'];
  const polys: unknown[] = [];
  for (let i = 1; i <= 160; i++) {
    const cx = -15 + rnd() * 50, cy = 35 + rnd() * 30, r = 0.3 + rnd() * 3;
    let geometry: unknown;
    if (i % 23 === 0) geometry = null;
    else if (i % 5 === 0) geometry = { type: 'MultiPolygon', coordinates: [[ring(cx, cy, r, 12, rnd)], [ring(cx + 4 * r, cy, r / 2, 8, rnd), ring(cx + 4 * r, cy, r / 6, 6, rnd, true)]] };
    else if (i % 3 === 0) geometry = { type: 'Polygon', coordinates: [ring(cx, cy, r, 24, rnd), ring(cx, cy, r / 3, 10, rnd, true)] };
    else geometry = { type: 'Polygon', coordinates: [ring(cx, cy, r, 5 + (i % 30), rnd)] };
    polys.push({
      type: 'Feature', geometry,
      properties: { name: i === 9 ? "it's" : `s${String(i).padStart(3, '0')}`, val: i % 6 === 0 ? null : Math.round(rnd() * 1000) / 10, n: i % 7 === 0 ? null : Math.floor(rnd() * 20), cat: i % 4 === 0 ? null : cats[i % 3] },
    });
  }
  const lines: unknown[] = [];
  for (let i = 1; i <= 120; i++) {
    const x = -15 + rnd() * 50, y = 35 + rnd() * 30;
    const path1 = Array.from({ length: 2 + (i % 6) }, (_, k) => [Math.round((x + k * (rnd() - 0.3) * 2) * 1e6) / 1e6, Math.round((y + k * (rnd() - 0.5) * 2) * 1e6) / 1e6]);
    const geometry = i % 17 === 0 ? null : i % 4 === 0 ? { type: 'MultiLineString', coordinates: [path1, path1.map(([a, b]) => [a! + 1, b! - 1])] } : { type: 'LineString', coordinates: path1 };
    lines.push({ type: 'Feature', geometry, properties: { name: `l${i}`, val: i % 5 === 0 ? null : i * 1.5, n: i % 9, cat: i % 3 === 0 ? null : cats[i % 3] } });
  }
  return {
    polygons: await write(dir, 'shapes', polys, true),
    lines: await write(dir, 'lines', lines, false),
  };
}

async function write(dir: string, name: string, features: unknown[], shp: boolean): Promise<LayerFiles> {
  const geojson = path.join(dir, `${name}.geojson`);
  writeFileSync(geojson, JSON.stringify({ type: 'FeatureCollection', features }));
  const src = await gdal.openAsync(geojson);
  const gpkg = path.join(dir, `${name}.gpkg`);
  (await gdal.vectorTranslateAsync(gpkg, src, ['-f', 'GPKG', '-nln', name, '-a_srs', 'EPSG:4326', ...(shp ? ['-nlt', 'MULTIPOLYGON'] : [])])).close();
  let shape: string | null = null;
  if (shp) {
    shape = path.join(dir, `${name}.shp`);
    (await gdal.vectorTranslateAsync(shape, src, ['-f', 'ESRI Shapefile', '-a_srs', 'EPSG:4326'])).close();
  }
  src.close();
  return { geojson, gpkg, shp: shape };
}

/** A layer def over one of these files. */
export function shapeLayer(name: string, connection: string, geometryType: VectorLayerDef['geometryType'], extra: Partial<VectorLayerDef> = {}): VectorLayerDef {
  return {
    kind: 'vector', name, title: name, abstract: '', keywords: [], source: { connection }, crs: 'EPSG:4326',
    extent: { crs: 'EPSG:4326', bbox: [-20, 30, 45, 70], wgs84: [-20, 30, 45, 70] },
    services: ['WMS', 'WFS'], geometryType, fields: SHAPE_FIELDS.map((f) => ({ ...f })), queryable: true, styles: [], editable: { insert: false, update: false, delete: false }, ...extra,
  };
}
