/**
 * The GeoPackage rows reader (gpkg-rows.ts) gives what the GeoJSON path gives, and GDAL's coordinate rounding
 * (gdal-round.ts) is GDAL's: compared with ogr2ogr's own output on the fixtures and on crafted numbers.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import gdal from 'gdal-async';
import { DatasetPool } from '../../src/data/dataset-pool.js';
import { openLayer } from '../../src/data/source-info.js';
import { fetchRows, rowsReadable } from '../../src/data/gpkg-rows.js';
import { gdalFixed, gdalRounder, intelliround } from '../../src/data/gdal-round.js';
import { pageFeatures, readPage, type PageRequest, type RawFeature } from '../../src/data/vector-translate.js';
import type { SourceInfo } from '../../src/data/vector-plan.js';
import { makeFixture, type Fixture } from './fixtures.js';
import { makeShapes, rng } from './snapshot-fixtures.js';

let fx: Fixture;
let shapes: Awaited<ReturnType<typeof makeShapes>>;
const pool = new DatasetPool();

before(async () => {
  fx = await makeFixture();
  shapes = await makeShapes(fx.dir);
});
after(async () => {
  await pool.close();
  fx.cleanup();
});

/** The layer's info on a pooled handle (plainFields included). */
async function infoOf(file: string, layer: string): Promise<SourceInfo> {
  const lease = await pool.acquire(file);
  try {
    return (await openLayer(lease, layer)).info;
  } finally {
    lease.release();
  }
}

function request(info: SourceInfo, fields: string[], precision: number | null, withGeometry = true): PageRequest {
  return {
    info, fields, where: [], orderBy: [], orderByFid: true, fid: '"fid"', limit: 1000, offset: 0, withGeometry,
    spatialFilter: null, bounds: null, clip: false, simplify: undefined, reproject: null, precision,
  };
}

/** A page through the rows reader and through GDAL's GeoJSON writer (plainFields off). */
async function bothWays(file: string, p: PageRequest): Promise<[RawFeature[], RawFeature[]]> {
  return pool.use(file, async (dataset) => {
    const rows = (await fetchRows(dataset, p)).parse();
    const geojson = await readPage(dataset, { ...p, info: { ...p.info, plainFields: null } });
    return [pageFeatures(rows), pageFeatures(geojson).map((f) => ({ id: f.id, properties: f.properties, geometry: f.geometry }))];
  });
}

/** Writes GeoJSON features to a GeoPackage layer (ogr2ogr), with extra layer options. */
async function gpkgOf(name: string, features: unknown[], extra: string[] = []): Promise<string> {
  const geojson = path.join(fx.dir, `${name}.geojson`);
  writeFileSync(geojson, JSON.stringify({ type: 'FeatureCollection', features }));
  const file = path.join(fx.dir, `${name}.gpkg`);
  const src = await gdal.openAsync(geojson);
  (await gdal.vectorTranslateAsync(file, src, ['-f', 'GPKG', '-nln', name, '-a_srs', 'EPSG:4326', ...extra])).close();
  src.close();
  return file;
}

describe('GeoPackage rows', () => {
  it('plain fields: integers, reals and text; not dates, booleans, float32 or JSON text', async () => {
    const places = await infoOf(fx.gpkg, 'places');
    assert.deepEqual([...places.plainFields!].sort(), ['kind', 'name', 'owner', 'pop', 'score']);
    const file = await gpkgOf('typed', [{ type: 'Feature', properties: { a: 1 }, geometry: { type: 'Point', coordinates: [1, 2] } }]);
    const ds = await gdal.openAsync(file, 'r+');
    for (const sql of ['ALTER TABLE typed ADD COLUMN flag BOOLEAN', 'ALTER TABLE typed ADD COLUMN f32 FLOAT', 'ALTER TABLE typed ADD COLUMN doc TEXT']) await ds.executeSQLAsync(sql).catch(() => undefined);
    ds.close();
    const typed = await infoOf(file, 'typed');
    assert.deepEqual([...typed.plainFields!].sort(), ['a', 'doc']);
    assert.equal(rowsReadable(request(typed, ['a', 'flag'], 9)), false);
    assert.equal(rowsReadable(request(typed, ['a', 'doc'], 9)), true);
    assert.equal(rowsReadable({ ...request(typed, ['a'], 9), reproject: ['EPSG:4326', 'EPSG:3857'] }), false);
    assert.equal((await infoOf(fx.shp, 'places')).plainFields, null);
  });

  it('the features GDAL writes: points, polygons with holes and parts, lines, NULLs, quotes, at 9 and 4 decimals', async () => {
    const cases: Array<[string, string, string[]]> = [
      [fx.gpkg, 'places', ['name', 'pop', 'kind', 'score', 'owner']],
      [shapes.polygons.gpkg, 'shapes', ['name', 'val', 'n', 'cat']],
      [shapes.lines.gpkg, 'lines', ['name', 'val', 'n', 'cat']],
    ];
    for (const [file, layer, fields] of cases) {
      const info = await infoOf(file, layer);
      for (const precision of [9, 4]) {
        const [rows, geojson] = await bothWays(file, request(info, fields, precision));
        assert.ok(rows.length > 100);
        assert.deepEqual(rows, geojson, `${layer} at ${precision} decimals`);
      }
      const [noGeom, noGeomJson] = await bothWays(file, request(info, fields, 9, false));
      assert.deepEqual(noGeom, noGeomJson, `${layer} without geometry`);
      const sorted: PageRequest = { ...request(info, fields, 9), orderBy: [{ field: fields[1]!, descending: true }, { field: 'name', descending: false }], orderByFid: false, limit: 37, offset: 11 };
      const [byRows, byGeoJson] = await bothWays(file, sorted);
      assert.equal(byRows.length, 37);
      assert.deepEqual(byRows, byGeoJson, `${layer} sorted`);
    }
  });

  it('awkward values read from the page bytes as GDAL gives them: big and negative integers, reals of every size, escapes, non-ASCII', async () => {
    const texts = ['plain', 'quote " and \\ backslash', 'tab\tnew\nline\r', '\u0001\u001f controls', 'Ünïcødé ø', '日本語', 'emoji 🗺️', '<xml> & \'apos\'', '', ']],[["', 'null'];
    const reals = [0, -0, 1778.8, -200.5, 0.1 + 0.2, 1e20, 1.5e-7, 123456.789012345, 9007199254740993, -1.7976931348623157e308, 5e-324, 2 / 3, 1e15 + 0.3];
    const ints = [0, -1, 42, -9007199254740991, 9007199254740991, 123456789012345, 2147483648, -2147483649];
    const features = Array.from({ length: Math.max(texts.length, reals.length, ints.length) * 3 }, (_, i) => ({
      type: 'Feature',
      properties: { t: i % 7 === 6 ? null : texts[i % texts.length], r: i % 5 === 4 ? null : reals[i % reals.length], n: i % 6 === 5 ? null : ints[i % ints.length] },
      geometry: i % 9 === 8 ? null : { type: 'Point', coordinates: [-179.123456789 + i, 89.5 - i / 7] },
    }));
    const file = await gpkgOf('awkward', features);
    const info = await infoOf(file, 'awkward');
    assert.deepEqual([...info.plainFields!].sort(), ['n', 'r', 't']);
    // The reals as stored (GDAL's GeoJSON reader made some of them on the way in: -0 came as 0, 1e20 as an int64).
    const ds = await gdal.openAsync(file);
    const stored = ds.layers.get(0).features.map((f) => f.fields.get('r') as number | null);
    ds.close();
    assert.ok(stored.includes(0.1 + 0.2) && stored.includes(5e-324) && stored.includes(2 / 3));
    for (const precision of [9, null]) {
      const [rows, geojson] = await bothWays(file, request(info, ['t', 'r', 'n'], precision));
      assert.equal(rows.length, features.length);
      // Reals keep every digit (GDAL's GeoJSON writer prints 15 significant ones: 0.1 + 0.2 becomes 0.3).
      const withoutReals = (fs: RawFeature[]) => fs.map((f) => ({ ...f, properties: { ...f.properties, r: undefined } }));
      assert.deepEqual(withoutReals(rows), withoutReals(geojson), `at ${precision} decimals`);
      assert.deepEqual(rows.map((f) => f.properties!['r']), stored);
      assert.deepEqual(rows.map((f) => f.properties!['t']), features.map((f) => f.properties.t));
    }
  });

  it('every digit when the read asks for full precision (GDAL would print 15 decimals and trim)', async () => {
    const info = await infoOf(fx.gpkg, 'places');
    const [rows] = await bothWays(fx.gpkg, request(info, ['name'], null));
    for (const f of rows) {
      const place = fx.places.find((p) => p.name === f.properties!['name'])!;
      assert.deepEqual((f.geometry as { coordinates: number[] }).coordinates, [place.lon, place.lat]);
    }
  });

  it('a 3D point, an empty geometry and a curve are read as GDAL writes them (the source then reads GeoJSON)', async () => {
    const z = await gpkgOf('pointz', [
      { type: 'Feature', properties: { a: 1 }, geometry: { type: 'Point', coordinates: [1.25, 2.5, 30.125] } },
      { type: 'Feature', properties: { a: 2 }, geometry: null },
    ]);
    const zInfo = await infoOf(z, 'pointz');
    const [rows, geojson] = await bothWays(z, request(zInfo, ['a'], 9));
    assert.deepEqual(rows, geojson);
    assert.deepEqual(rows[0]!.geometry, { type: 'Point', coordinates: [1.25, 2.5, 30.125] });

    // A CSV's WKT column carries what GeoJSON cannot (curves); ogr2ogr stores it in the GeoPackage as it is.
    const csv = path.join(fx.dir, 'odd.csv');
    const wkts = ['POINT (1 2)', 'POLYGON EMPTY', 'CURVEPOLYGON (CIRCULARSTRING (0 0, 1 1, 2 0, 1 -1, 0 0))', 'LINESTRING (0 0, 1 1)'];
    writeFileSync(csv, 'a,WKT\n' + wkts.map((w, i) => `${i},"${w}"`).join('\n') + '\n');
    const odd = path.join(fx.dir, 'odd.gpkg');
    const csvSource = await gdal.openAsync(csv);
    (await gdal.vectorTranslateAsync(odd, csvSource, ['-f', 'GPKG', '-nln', 'odd', '-a_srs', 'EPSG:4326', '-nlt', 'GEOMETRY', '-sql', 'SELECT CAST(a AS integer) AS a FROM odd'])).close();
    csvSource.close();
    const oddInfo = await infoOf(odd, 'odd');
    const p = request(oddInfo, ['a'], 9);
    assert.equal(rowsReadable(p), true);
    const [viaRows, viaGeoJson] = await pool.use(odd, async (dataset) => [
      pageFeatures(await readPage(dataset, p)).map((f) => ({ id: f.id, properties: f.properties, geometry: f.geometry })),
      pageFeatures(await readPage(dataset, { ...p, info: { ...oddInfo, plainFields: null } })).map((f) => ({ id: f.id, properties: f.properties, geometry: f.geometry })),
    ]);
    assert.equal(viaRows.length, 4);
    assert.deepEqual(viaRows, viaGeoJson);
    assert.equal(rowsReadable(p), false, 'the source is read as GeoJSON from now on');
  });
});

describe('GDAL coordinate rounding', () => {
  it('the numbers ogr2ogr writes with COORDINATE_PRECISION 9, 6 and 4', async () => {
    const r = rng(11);
    const values: number[] = [0, -0, 0.5, 2.5, -2.5, 1e-9, 5e-10, 1.5e-9, 12.000000001, -1.533999999, 12345.000000011, 64.31087500000001, 4e15];
    for (let i = 0; i < 3000; i++) values.push((r() - 0.5) * 360, Math.round((r() - 0.5) * 360e6) / 1e6 + (r() - 0.5) * 1e-13, (r() - 0.5) * 4e7);
    for (let k = 0; k < 600; k++) values.push((2 * k + 1) / 2 ** 10, -(2 * k + 1) / 2 ** 5, (2 * k + 1) / 2 ** 7);
    for (let i = 0; i < 600; i++) {
      const b = Math.round((r() - 0.5) * 360e3) / 1e3;
      values.push(b + 9.99e-10, b - 9.99e-10, b + 1e-9, b + 4e-10, b - 1.2e-8, b + 1e-11);
    }
    const features = values.map((v, i) => ({ type: 'Feature', id: i, properties: {}, geometry: { type: 'Point', coordinates: [v, 0] } }));
    gdal.vsimem.set(Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })), '/vsimem/round-in.json');
    const src = gdal.open('/vsimem/round-in.json');
    try {
      for (const decimals of [9, 6, 4]) {
        const out = gdal.vectorTranslate('/vsimem/round-out.json', src, ['-f', 'GeoJSON', '-lco', `COORDINATE_PRECISION=${decimals}`]);
        out.close();
        const written = (JSON.parse(gdal.vsimem.release('/vsimem/round-out.json').toString()) as { features: Array<{ geometry: { coordinates: number[] } }> }).features;
        const round = gdalRounder(decimals);
        const wrong = values.filter((v, i) => round(v) !== written[i]!.geometry.coordinates[0]);
        assert.deepEqual(wrong, [], `${decimals} decimals`);
      }
    } finally {
      src.close();
      gdal.vsimem.release('/vsimem/round-in.json');
    }
  });

  it('ties to even, then intelliround', () => {
    assert.equal(gdalFixed(0.0009765625, 9), '0.000976562');
    assert.equal(gdalFixed(0.0029296875, 9), '0.002929688');
    assert.equal(gdalFixed(-0.0009765625, 9), '-0.000976562');
    assert.equal(intelliround('-1.533999999'), '-1.534');
    assert.equal(intelliround('12.000000001'), '12.00000000');
    assert.equal(intelliround('12345.000000011'), '12345.0');
    assert.equal(intelliround('99.9999999991'), '100.0000');
    assert.equal(intelliround('1.23'), '1.23');
  });
});
