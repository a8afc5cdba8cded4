import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { ROOT } from '../support/server.js';
import { loadProject } from '../../src/project/loader.js';
import type { VectorLayerDef } from '../../src/project/model.js';

test('the full example of src/project/README.md loads, on data shaped like it', async () => {
  const readme = await readFile(path.join(ROOT, 'src/project/README.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ows-readme-'));
  try {
    await mkdir(path.join(dir, 'data'));
    const wgs84 = gdal.SpatialReference.fromEPSG(4326);
    const ds = gdal.open(path.join(dir, 'data/world.gpkg'), 'w', 'GPKG');
    const countries = ds.layers.create('countries', wgs84, gdal.wkbMultiPolygon);
    for (const [name, type] of [['name', gdal.OFTString], ['continent', gdal.OFTString], ['pop_est', gdal.OFTInteger64], ['iso_a3', gdal.OFTString]] as const) {
      countries.fields.add(new gdal.FieldDefn(name, type));
    }
    const c = new gdal.Feature(countries);
    c.fields.set({ name: 'A', continent: 'Europe', pop_est: 5, iso_a3: 'AAA' });
    c.setGeometry(gdal.Geometry.fromWKT('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))'));
    countries.features.add(c);
    const cities = ds.layers.create('cities', null, gdal.wkbPoint);
    for (const [name, type] of [['name', gdal.OFTString], ['role', gdal.OFTString], ['population', gdal.OFTInteger]] as const) {
      cities.fields.add(new gdal.FieldDefn(name, type));
    }
    ds.close();
    const tif = gdal.open(path.join(dir, 'data/relief.tif'), 'w', 'GTiff', 4, 4, 1, gdal.GDT_Int16);
    tif.srs = wgs84;
    tif.geoTransform = [0, 1, 0, 4, 0, -1];
    tif.close();
    const file = path.join(dir, 'project.yaml');
    await writeFile(file, example);

    const p = await loadProject(file);
    assert.equal(p.title, 'World map');
    assert.deepEqual(p.tree.map((n) => n.name), ['relief', 'world']);
    assert.deepEqual([...p.layers.keys()], ['relief', 'countries', 'cities']);
    const countriesDef = p.layers.get('countries') as VectorLayerDef;
    assert.deepEqual(countriesDef.fields.map((f) => f.alias), ['name', 'continent', 'Population']);
    assert.equal(countriesDef.source.subset, "continent <> 'Antarctica'");
    assert.equal(p.layers.get('cities')!.crs, 'EPSG:4326');
    assert.deepEqual((p.layers.get('cities') as VectorLayerDef).editable, { insert: true, update: true, delete: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
