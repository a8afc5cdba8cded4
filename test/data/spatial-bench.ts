/**
 * The cost of spatial predicates on a large layer: N random points (default 1,000,000) over Europe in a
 * GeoPackage, read and counted with a bbox and with predicates selecting the same area, on the GDAL path and
 * from a snapshot. Run: node dist-<x>/test/data/spatial-bench.js [N]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { DataAccess } from '../../src/data/layer-access.js';
import type { Geometry, VectorQuery } from '../../src/data/types.js';
import { vectorLayer } from './fixtures.js';
import { rng } from './snapshot-fixtures.js';

const N = Number(process.argv[2] ?? 1_000_000);

async function makeLayer(dir: string): Promise<string> {
  const csv = path.join(dir, 'points.csv');
  const rnd = rng(1);
  // The CSV driver reads a column named WKT as the geometry.
  const lines = ['name,pop,kind,score,owner,created,WKT'];
  for (let i = 0; i < N; i++) lines.push(`p${i},${Math.floor(rnd() * 1e6)},town,${(rnd() * 100).toFixed(1)},bob,2020-01-01,"POINT (${(-20 + rnd() * 60).toFixed(6)} ${(30 + rnd() * 40).toFixed(6)})"`);
  writeFileSync(csv, lines.join('\n'));
  const gpkg = path.join(dir, 'points.gpkg');
  const src = await gdal.openAsync(csv);
  (await gdal.vectorTranslateAsync(gpkg, src, ['-f', 'GPKG', '-nln', 'places', '-a_srs', 'EPSG:4326', '-nlt', 'POINT', '-gt', '100000', '-sql', 'SELECT name, CAST(pop AS integer) AS pop, kind, CAST(score AS float) AS score, owner, created FROM points'])).close();
  src.close();
  return gpkg;
}

/** A circle of 64 vertices (lon/lat). */
function circle(cx: number, cy: number, r: number): Geometry {
  const ring = Array.from({ length: 65 }, (_, i) => {
    const a = (2 * Math.PI * (i % 64)) / 64;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
  return { type: 'Polygon', coordinates: [ring] };
}

async function time(label: string, access: DataAccess, layer: ReturnType<typeof vectorLayer>, q: VectorQuery): Promise<void> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of access.forRequest(null).readFeatures(layer, q)) n++;
  const t1 = performance.now();
  const c = await access.forRequest(null).countFeatures(layer, q);
  const t2 = performance.now();
  console.log(`${label.padEnd(58)} ${String(n).padStart(8)} features  read ${(t1 - t0).toFixed(0).padStart(6)} ms  count ${(t2 - t1).toFixed(0).padStart(6)} ms${c === n ? '' : `  COUNT ${c}`}`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'ows-spatial-bench-'));
try {
  const t0 = performance.now();
  const file = await makeLayer(dir);
  console.log(`${N} points written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const layer = vectorLayer('places', file);
  const box: Geometry = { type: 'Polygon', coordinates: [[[0, 40], [12, 40], [12, 52], [0, 52], [0, 40]]] };
  const queries: Array<[string, VectorQuery]> = [
    ['bbox 12°×12° (VectorQuery.bbox)', { bbox: { crs: 'EPSG:4326', bounds: [0, 40, 12, 52] } }],
    ['intersects the same box as a polygon', { spatial: [{ op: 'intersects', geometry: box, crs: 'EPSG:4326' }] }],
    ['within a 64-vertex circle of radius 6°', { spatial: [{ op: 'within', geometry: circle(6, 46, 6), crs: 'EPSG:4326' }] }],
    ['dwithin 300 km of a point (metric on lon/lat)', { spatial: [{ op: 'dwithin', geometry: { type: 'Point', coordinates: [6, 46] }, crs: 'EPSG:4326', distance: 300, units: 'km' }] }],
    ['disjoint from the box (no prefilter)', { spatial: [{ op: 'disjoint', geometry: box, crs: 'EPSG:4326' }] }],
  ];
  for (const [mode, access] of [['GDAL path', new DataAccess({ snapshot: false })], ['snapshot', new DataAccess({ snapshot: 'wait' })]] as const) {
    if (mode === 'snapshot') {
      const w = performance.now();
      for await (const _ of access.forRequest(null).readFeatures(layer, { limit: 1 }));
      console.log(`snapshot loaded in ${((performance.now() - w) / 1000).toFixed(1)} s`);
    }
    for (const withGeometry of [false, true]) {
      for (const [label, q] of queries) await time(`${mode}, ${withGeometry ? 'geometry' : 'no geometry'}: ${label}`, access, layer, { ...q, withGeometry });
    }
    await access.close();
  }
} finally {
  if (!process.env['KEEP']) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}
