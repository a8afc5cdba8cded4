/** Helpers of the GetCapabilities / DescribeFeatureType tests: golden files, xmllint, an editable GeoPackage project. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../support/server.js';

const GOLDEN = path.join(ROOT, 'test/services/wfs/golden');
const DATA = path.join(ROOT, 'test/fixtures/projects/data');

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it. */
export async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(file, actual);
  assert.equal(actual, await readFile(file, 'utf8'), `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it; check the diff)`);
}

/** Fails unless xmllint finds the document well-formed (skipped when xmllint is not installed). */
export function wellFormed(xml: string): void {
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
}

/** Always a list (xmlbuilder2's object form gives one child as an object). */
export function list<T = any>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A temporary project of GeoPackage copies of countries and cities with the given `editable` values. */
export async function editableProject(countries: unknown, cities: unknown): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ows-wfs-caps-'));
  for (const name of ['countries', 'cities']) {
    execFileSync('ogr2ogr', ['-f', 'GPKG', path.join(dir, `${name}.gpkg`), path.join(DATA, `${name}.geojson`), '-nln', name]);
  }
  const yaml = [
    'service:',
    '  title: Editable',
    '  crs: [EPSG:4326, EPSG:3857]',
    'layers:',
    '  - name: countries',
    '    source: countries.gpkg',
    '    idField: iso_a3',
    `    editable: ${JSON.stringify(countries)}`,
    '  - name: cities',
    '    source: cities.gpkg',
    `    editable: ${JSON.stringify(cities)}`,
    '',
  ].join('\n');
  const file = path.join(dir, 'project.yaml');
  await writeFile(file, yaml);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
