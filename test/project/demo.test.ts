import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/server.js';
import { loadProject } from '../../src/project/loader.js';
import type { GroupDef, RasterLayerDef, VectorLayerDef } from '../../src/project/model.js';

const DEMO = path.join(ROOT, 'conf/demo');
const built = ['countries.gpkg', 'cities.gpkg', 'coast-distance.tif'].every((f) => existsSync(path.join(DEMO, 'data', f)));

test('the demo project loads on the built demo data', { skip: built ? false : 'conf/demo/data/ is not built (node scripts/build-demo-data.mjs)' }, async () => {
  const p = await loadProject(path.join(DEMO, 'project.yaml'));
  assert.deepEqual(p.tree.map((n) => n.name), ['world', 'cities']);
  assert.deepEqual((p.groups.get('world') as GroupDef).children.map((n) => n.name), ['coast_distance', 'countries']);

  const countries = p.layers.get('countries') as VectorLayerDef;
  assert.equal(countries.geometryType, 'MultiPolygon');
  assert.equal(countries.styles[0]!.style.type, 'categorized');
  assert.deepEqual(countries.extent.wgs84.map((v) => Math.round(v)), [-180, -90, 180, 84]);

  const cities = p.layers.get('cities') as VectorLayerDef;
  assert.equal(cities.geometryType, 'Point');
  assert.deepEqual(cities.services, ['WMS', 'WFS', 'OAPIF']);
  assert.deepEqual(cities.styles.map((s) => s.style.type), ['rules', 'graduated']);
  assert.ok(cities.fields.some((f) => f.name === 'population' && f.type === 'integer'));

  const raster = p.layers.get('coast_distance') as RasterLayerDef;
  assert.equal(raster.bandCount, 1);
  assert.deepEqual(raster.extent.bbox, [-180, -90, 180, 90]);
  assert.equal(raster.styles[0]!.style.type, 'ramp');
});
