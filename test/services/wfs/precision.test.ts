/** The layer key `precision`: decimals of coordinates in GetFeature answers (default 6, as QGIS Server). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT, wfs, wfsServer } from './support.js';

test('coordinates are written with the layer precision (default 6)', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ows-precision-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = path.join(path.dirname(PROJECT), 'data');
  const yaml = (await readFile(PROJECT, 'utf8'))
    .replaceAll('source: data/', `source: ${data}/`)
    .replace(/(\n {6}- name: cities\n)/, '$1        precision: 2\n');
  const file = path.join(dir, 'project.yaml');
  await writeFile(file, yaml);
  const decimals = (body: string) => Math.max(...[...body.matchAll(/-?\d+\.(\d+)/g)].map((m) => m[1]!.length));
  const custom = wfsServer([], { projectFile: file });
  const cities = await wfs(custom, 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=cities&OUTPUTFORMAT=application/json&PROPERTYNAME=geometry');
  assert.equal(cities.status, 200, cities.body.slice(0, 300));
  assert.equal(decimals(JSON.stringify(JSON.parse(cities.body).features.map((f: { geometry: unknown }) => f.geometry))), 2);
  const gml = await wfs(custom, 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=cities&SRSNAME=EPSG:3857');
  assert.ok(decimals(gml.body.match(/<gml:pos>[^<]*<\/gml:pos>/g)!.join(' ')) <= 2);
  const countries = await wfs(custom, 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=countries&OUTPUTFORMAT=application/json&PROPERTYNAME=geometry');
  const written = decimals(JSON.stringify(JSON.parse(countries.body).features.map((f: { geometry: unknown }) => f.geometry)));
  assert.ok(written <= 6, `countries written with ${written} decimals`);
  const { loadProject } = await import('../../../src/project/loader.js');
  const project = await loadProject(file);
  assert.equal((project.layers.get('countries') as { precision?: number }).precision, 6);
  assert.equal((project.layers.get('cities') as { precision?: number }).precision, 2);
});
