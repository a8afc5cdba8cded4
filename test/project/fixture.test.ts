import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../support/server.js';
import { loadProject } from '../../src/project/loader.js';
import type { GroupDef, RasterLayerDef, VectorLayerDef } from '../../src/project/model.js';

const DIR = path.join(ROOT, 'test/fixtures/projects');

test('the committed test project loads: relief, group world (countries, cities), secret', async () => {
  const p = await loadProject(path.join(DIR, 'project.yaml'));
  assert.equal(p.title, 'ows-server test project');
  assert.deepEqual(p.service.crs, ['EPSG:4326', 'EPSG:3857', 'EPSG:3035']);
  assert.deepEqual(p.tree.map((n) => n.name), ['relief', 'world', 'secret']);
  assert.deepEqual((p.groups.get('world') as GroupDef).children.map((n) => n.name), ['countries', 'cities']);

  const countries = p.layers.get('countries') as VectorLayerDef;
  assert.equal(countries.geometryType, 'MultiPolygon');
  assert.equal(countries.idField, 'iso_a3');
  assert.deepEqual(countries.fields.map((f) => [f.name, f.alias, f.type]), [
    ['name', 'Name', 'string'], ['continent', 'Continent', 'string'], ['pop_est', 'Population', 'integer'],
    ['gdp_md', 'GDP (million USD)', 'integer'], ['iso_a3', 'ISO code', 'string'],
  ]);
  assert.deepEqual(countries.styles.map((s) => s.name), ['continents', 'outline']);
  assert.deepEqual(countries.extent.wgs84, [-73.986, -33.768, 145.544, 54.983]);

  const cities = p.layers.get('cities') as VectorLayerDef;
  assert.equal(cities.geometryType, 'Point');
  assert.deepEqual(cities.fields.map((f) => f.name), ['name', 'country', 'population', 'role']);
  assert.deepEqual(cities.styles.map((s) => s.style.type), ['graduated', 'rules']);

  const relief = p.layers.get('relief') as RasterLayerDef;
  assert.equal(relief.kind, 'raster');
  assert.equal(relief.bandCount, 1);
  assert.deepEqual(relief.extent.bbox, [-180, -90, 180, 90]);
  assert.equal(relief.styles[0]!.style.type, 'ramp');

  assert.equal(p.layers.get('secret')!.crs, 'EPSG:4326');
});

test('the committed test project stays small (< 100 KB of data)', async () => {
  let total = 0;
  for (const f of ['countries.geojson', 'cities.geojson', 'secret.geojson', 'relief.tif']) total += (await stat(path.join(DIR, 'data', f))).size;
  assert.ok(total < 100_000, `${total} bytes`);
});
