/** Editable GeoPackage copies of the fixture project's data, a project over them, and fresh GDAL reads to check what was written. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { ROOT } from '../support/server.js';
import { loadProject } from '../../src/project/loader.js';
import type { ProjectModel, VectorLayerDef } from '../../src/project/model.js';

const DATA = path.join(ROOT, 'test/fixtures/projects/data');

/** The copies and the project. */
export interface World {
  dir: string;
  /** countries + cities */
  world: string;
  /** a second source: cities again */
  other: string;
  project: ProjectModel;
  layer(name: string): VectorLayerDef;
  cleanup(): void;
}

async function copy(src: string, dst: string, layer: string, update: boolean): Promise<void> {
  const ds = await gdal.openAsync(src);
  const out = await gdal.vectorTranslateAsync(dst, ds, ['-f', 'GPKG', '-nln', layer, ...(update ? ['-update'] : [])]);
  out.close();
  ds.close();
}

/** Fresh copies in a temp dir (call cleanup()). */
export async function makeWorld(): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ows-edit-'));
  const world = path.join(dir, 'world.gpkg');
  const other = path.join(dir, 'other.gpkg');
  await copy(path.join(DATA, 'countries.geojson'), world, 'countries', false);
  await copy(path.join(DATA, 'cities.geojson'), world, 'cities', true);
  await copy(path.join(DATA, 'cities.geojson'), other, 'cities', false);
  const file = path.join(dir, 'project.yaml');
  writeFileSync(file, `
layers:
  - { name: countries, source: { path: world.gpkg, layer: countries }, idField: iso_a3, editable: true }
  - { name: cities, source: { path: world.gpkg, layer: cities }, editable: true }
  - { name: towns, source: { path: other.gpkg, layer: cities }, editable: true }
  - { name: insertonly, source: { path: other.gpkg, layer: cities }, editable: [insert] }
  - { name: readonly, source: { path: world.gpkg, layer: cities } }
`);
  const project = await loadProject(file);
  return {
    dir, world, other, project,
    layer: (name) => project.layers.get(name) as VectorLayerDef,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One stored row, as a fresh GDAL handle reads it. */
export interface Row {
  fid: number;
  fields: Record<string, unknown>;
  wkt: string | null;
}

/** Every row of a layer, by FID, through a new handle. */
export async function rows(file: string, layer: string): Promise<Row[]> {
  const ds = await gdal.openAsync(file);
  try {
    const l = await ds.layers.getAsync(layer);
    const out: Row[] = [];
    for (let f = await l.features.firstAsync(); f; f = await l.features.nextAsync()) {
      out.push({ fid: f.fid, fields: f.fields.toObject(), wkt: f.getGeometry()?.toWKT() ?? null });
    }
    return out.sort((a, b) => a.fid - b.fid);
  } finally {
    ds.close();
  }
}

/** Every row of every layer of a file, and its bytes' hash (a rolled-back transaction must leave both). */
export async function state(file: string, layers: readonly string[]): Promise<{ rows: Record<string, Row[]>; sha: string }> {
  const out: Record<string, Row[]> = {};
  for (const l of layers) out[l] = await rows(file, l);
  return { rows: out, sha: createHash('sha256').update(readFileSync(file)).digest('hex') };
}
