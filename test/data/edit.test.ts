import { describe, it, beforeEach, afterEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import gdal from 'gdal-async';
import { DataAccess } from '../../src/data/layer-access.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import type { EditAction, Geometry } from '../../src/data/types.js';
import type { AccessControlFilterLike } from '../../src/filters/access-control.js';
import { accessControl, collect } from './fixtures.js';
import { makeWorld, rows, state, type World } from './edit-fixtures.js';

let w: World;
const data = new DataAccess({ snapshot: false });
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(() => w.cleanup());
after(() => data.close());

const isOgc = (code: string, locator?: string) => (e: unknown) => {
  assert.ok(e instanceof OgcError, `an OgcError, not ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (locator !== undefined) assert.equal(e.locator, locator);
  return true;
};
const edit = (actions: EditAction[], ...filters: AccessControlFilterLike[]) => data.forRequest(filters.length ? accessControl(...filters) : null).transaction(actions);
const point = (x: number, y: number): Geometry => ({ type: 'Point', coordinates: [x, y] });
const square = (x: number, y: number, s: number): Geometry => ({ type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] });
const names = async (layer: string) => (await rows(w.world, layer)).map((r) => r.fields['name']);

describe('transaction: insert, update, delete', () => {
  it('inserts report the new FIDs, or the id field\'s values; geometries are reprojected from their CRS', async () => {
    const merc = point(261_000, 6_250_000); // ≈ 2.34°E 48.86°N in EPSG:3857
    const result = await edit([
      { type: 'insert', layer: w.layer('cities'), handle: 'two cities', features: [
        { attributes: { name: 'Lyon', country: 'FRA', population: 513_275, role: 'city' }, geometry: point(4.835, 45.764) },
        { attributes: { name: 'Near Paris' }, geometry: merc, crs: 'EPSG:3857' },
      ] },
      { type: 'insert', layer: w.layer('countries'), features: [{ attributes: { name: 'Squareland', iso_a3: 'SQL', pop_est: '12' }, geometry: square(0, 0, 1) }] },
    ]);
    assert.deepEqual(result, { inserted: [{ layer: 'cities', handle: 'two cities', ids: [16, 17] }, { layer: 'countries', ids: ['SQL'] }], updated: 0, deleted: 0 });
    const cities = await rows(w.world, 'cities');
    assert.equal(cities.length, 17);
    assert.deepEqual(cities[15], { fid: 16, fields: { name: 'Lyon', country: 'FRA', population: 513_275, role: 'city' }, wkt: 'POINT (4.835 45.764)' });
    const [x, y] = /POINT \(([\d.]+) ([\d.]+)\)/.exec(cities[16]!.wkt!)!.slice(1).map(Number);
    assert.ok(Math.abs(x! - 2.3446) < 1e-3 && Math.abs(y! - 48.86) < 1e-2, `${x} ${y}`);
    const sq = (await rows(w.world, 'countries')).find((r) => r.fields['iso_a3'] === 'SQL')!;
    assert.equal(sq.fields['pop_est'], 12);
    assert.match(sq.wkt!, /^MULTIPOLYGON \(\(\(0 0,1 0,1 1,0 1,0 0\)\)\)$/, 'a polygon is promoted to the layer\'s multi type');
  });
  it('updates set attributes and geometry on the features the filter selects', async () => {
    const result = await edit([{ type: 'update', layer: w.layer('cities'), where: { filter: `"country" = 'BRA'` }, attributes: { role: 'brazilian', population: null }, geometry: { value: point(1, 2) } }]);
    assert.deepEqual(result, { inserted: [], updated: 2, deleted: 0 });
    const brazil = (await rows(w.world, 'cities')).filter((r) => r.fields['country'] === 'BRA');
    assert.equal(brazil.length, 2);
    for (const r of brazil) assert.deepEqual([r.fields['role'], r.fields['population'], r.wkt], ['brazilian', null, 'POINT (1 2)']);
  });
  it('deletes by id (FIDs, or id field values), by bbox, by spatial predicate', async () => {
    assert.equal((await edit([{ type: 'delete', layer: w.layer('cities'), where: { ids: [1, '2', 999] } }])).deleted, 2);
    assert.deepEqual((await rows(w.world, 'cities')).map((r) => r.fid).slice(0, 2), [3, 4]);
    assert.equal((await edit([{ type: 'delete', layer: w.layer('countries'), where: { ids: ['FRA', 'XXX'] } }])).deleted, 1);
    assert.ok(!(await rows(w.world, 'countries')).some((r) => r.fields['iso_a3'] === 'FRA'));
    const before = (await rows(w.world, 'cities')).length;
    const byBox = await edit([{ type: 'delete', layer: w.layer('cities'), where: { bbox: { crs: 'EPSG:4326', bounds: [-50, -30, -40, -20] } } }]);
    assert.ok(byBox.deleted > 0);
    const bySpatial = await edit([{ type: 'delete', layer: w.layer('cities'), where: { spatial: [{ op: 'dwithin', geometry: point(139.69, 35.69), crs: 'EPSG:4326', distance: 50, units: 'km' }] } }]);
    assert.equal(bySpatial.deleted, 1);
    assert.equal((await rows(w.world, 'cities')).length, before - byBox.deleted - 1);
    assert.ok(!(await names('cities')).includes('Tokyo'));
  });
  it('later actions see earlier ones: insert, then update and delete what was inserted', async () => {
    const result = await edit([
      { type: 'insert', layer: w.layer('cities'), features: [{ attributes: { name: 'Tmp', country: 'Nowhere' }, geometry: point(0, 0) }] },
      { type: 'update', layer: w.layer('cities'), where: { filter: `"name" = 'Tmp'` }, attributes: { name: 'Tmp2' } },
      { type: 'delete', layer: w.layer('cities'), where: { filter: `"name" = 'Tmp2'` } },
    ]);
    assert.deepEqual(result, { inserted: [{ layer: 'cities', ids: [16] }], updated: 1, deleted: 1 });
    assert.equal((await rows(w.world, 'cities')).length, 15);
  });
});

describe('transaction: all or nothing', () => {
  it('an error in the last action leaves every layer of the file as it was, row for row and byte for byte', async () => {
    const before = await state(w.world, ['countries', 'cities']);
    await assert.rejects(edit([
      { type: 'insert', layer: w.layer('cities'), features: [{ attributes: { name: 'Lyon' }, geometry: point(4.8, 45.7) }] },
      { type: 'update', layer: w.layer('countries'), where: {}, attributes: { pop_est: 1 } },
      { type: 'delete', layer: w.layer('cities'), where: { filter: `"country" = 'JPN'` } },
      { type: 'insert', layer: w.layer('countries'), features: [{ attributes: { iso_a3: 'PTL' }, geometry: point(1, 1) }] },
    ]), isOgc('InvalidValue', 'geometry'));
    assert.deepEqual(await state(w.world, ['countries', 'cities']), before);
  });
  it('across two data sources: a failure in the second leaves the first unchanged too', async () => {
    const world = await state(w.world, ['countries', 'cities']);
    const other = await state(w.other, ['cities']);
    await assert.rejects(edit([
      { type: 'delete', layer: w.layer('cities'), where: {} },
      { type: 'insert', layer: w.layer('towns'), features: [{ attributes: { name: 'x' }, geometry: point(0, 0) }] },
      { type: 'update', layer: w.layer('towns'), where: {}, attributes: { population: 1 } },
      { type: 'insert', layer: w.layer('towns'), features: [{ attributes: { name: 'bad' }, geometry: square(0, 0, 1) }] },
    ]), isOgc('InvalidValue', 'geometry'));
    assert.deepEqual(await state(w.world, ['countries', 'cities']), world);
    assert.deepEqual(await state(w.other, ['cities']), other);
    // The same without the bad action commits both.
    const ok = await edit([
      { type: 'delete', layer: w.layer('cities'), where: {} },
      { type: 'insert', layer: w.layer('towns'), features: [{ attributes: { name: 'x' }, geometry: point(0, 0) }] },
    ]);
    assert.deepEqual(ok, { inserted: [{ layer: 'towns', ids: [16] }], updated: 0, deleted: 15 });
    assert.equal((await rows(w.world, 'cities')).length, 0);
    assert.equal((await rows(w.other, 'cities')).length, 16);
  });
  it('values are checked before anything is written: types, dates, NOT NULL, widths; the error names the field', async () => {
    const before = await state(w.world, ['countries', 'cities']);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ population: 'many' }, 'population'], [{ population: 1.5 }, 'population'], [{ population: 2 ** 40 }, 'population'],
      [{ name: { a: 1 } }, 'name'],
    ];
    for (const [attributes, field] of cases) {
      await assert.rejects(edit([{ type: 'update', layer: w.layer('cities'), where: {}, attributes }]), isOgc('InvalidValue', field), JSON.stringify(attributes));
    }
    await assert.rejects(edit([{ type: 'insert', layer: w.layer('countries'), features: [{ attributes: { name: 'No id' }, geometry: null }] }]), isOgc('InvalidValue', 'iso_a3'));
    await assert.rejects(edit([{ type: 'insert', layer: w.layer('cities'), features: [{ attributes: {}, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } }] }]), isOgc('InvalidValue', 'geometry'));
    await assert.rejects(edit([{ type: 'insert', layer: w.layer('cities'), features: [{ attributes: {}, geometry: point(0, 0), crs: 'EPSG:0' }] }]), isOgc('InvalidParameterValue'));
    assert.deepEqual(await state(w.world, ['countries', 'cities']), before);
  });
});

describe('transaction: permissions', () => {
  const oneOf = (op: 'insert' | 'update' | 'delete', layer = 'cities'): EditAction =>
    op === 'insert' ? { type: 'insert', layer: w.layer(layer), features: [{ attributes: { name: 'n' }, geometry: point(0, 0) }] }
      : op === 'update' ? { type: 'update', layer: w.layer(layer), where: {}, attributes: { name: 'n' } }
        : { type: 'delete', layer: w.layer(layer), where: {} };
  it('the project\'s editable: a layer not editable, or not for this operation, refuses with Security (403)', async () => {
    const before = await state(w.world, ['cities']);
    for (const op of ['insert', 'update', 'delete'] as const) await assert.rejects(edit([oneOf(op, 'readonly')]), isOgc('Security'), op);
    for (const op of ['update', 'delete'] as const) await assert.rejects(edit([oneOf(op, 'insertonly')]), isOgc('Security'), op);
    assert.equal((await edit([oneOf('insert', 'insertonly')])).inserted[0]!.ids.length, 1);
    assert.deepEqual(await state(w.world, ['cities']), before);
  });
  it('layerPermissions canInsert / canUpdate / canDelete, each refusing its operation only', async () => {
    const before = await state(w.world, ['cities']);
    for (const op of ['insert', 'update', 'delete'] as const) {
      const key = `can${op[0]!.toUpperCase()}${op.slice(1)}`;
      const deny: AccessControlFilterLike = { layerPermissions: () => ({ [key]: false }) };
      await assert.rejects(edit([oneOf(op)], deny), (e: unknown) => isOgc('Security')(e) && (e as OgcError).status === 403, op);
      // The other operations stay allowed (checked without writing: a refused action after them undoes them).
      for (const other of (['insert', 'update', 'delete'] as const).filter((o) => o !== op)) {
        await assert.rejects(edit([oneOf(other), oneOf(op)], deny), isOgc('Security'));
      }
    }
    assert.deepEqual(await state(w.world, ['cities']), before);
  });
  it('a layer that cannot be read does not exist, for edits too', async () => {
    await assert.rejects(edit([oneOf('delete')], { layerPermissions: () => ({ canRead: false }) }), isOgc('LayerNotDefined'));
  });
  it('allowToEdit on the feature before an update or delete, and after the update; on the new feature of an insert', async () => {
    const before = await state(w.world, ['cities']);
    const noJapan: AccessControlFilterLike = { allowToEdit: (_l, f) => f.attribute('country') !== 'JPN' };
    await assert.rejects(edit([{ type: 'update', layer: w.layer('cities'), where: {}, attributes: { role: 'x' } }], noJapan), isOgc('Security'));
    await assert.rejects(edit([{ type: 'delete', layer: w.layer('cities'), where: { filter: `"population" > 0` } }], noJapan), isOgc('Security'));
    await assert.rejects(edit([{ type: 'update', layer: w.layer('cities'), where: { filter: `"name" = 'Paris'` }, attributes: { country: 'JPN' } }], noJapan), isOgc('Security'), 'after');
    await assert.rejects(edit([{ type: 'insert', layer: w.layer('cities'), features: [{ attributes: { name: 'Osaka', country: 'JPN' }, geometry: point(135.5, 34.7) }] }], noJapan), isOgc('Security'));
    assert.deepEqual(await state(w.world, ['cities']), before);
    // The features it allows are edited.
    assert.equal((await edit([{ type: 'update', layer: w.layer('cities'), where: { filter: `"country" <> 'JPN'` }, attributes: { role: 'x' } }], noJapan)).updated, 13);
    const seen: unknown[] = [];
    await edit([{ type: 'update', layer: w.layer('cities'), where: { filter: `"name" = 'Paris'` }, attributes: { population: 5 } }], { allowToEdit: (_l, f) => (seen.push([f.id(), f.attribute('population')]), true) });
    assert.equal(seen.length, 2, 'asked before and after');
    const [[id0, pop0], [id1, pop1]] = seen as Array<[unknown, unknown]>;
    assert.equal(id0, id1);
    assert.notEqual(pop0, 5);
    assert.equal(pop1, 5);
  });
  it('features access control hides cannot be touched: its subset and expression are ANDed to the selection', async () => {
    const r = await edit([{ type: 'delete', layer: w.layer('cities'), where: {} }], { layerFilterExpression: () => `"country" <> 'JPN'`, layerFilterSubsetString: () => `"population" > 1000000` });
    const left = await rows(w.world, 'cities');
    assert.equal(r.deleted, 15 - left.length);
    assert.ok(left.some((row) => row.fields['name'] === 'Tokyo'), 'Tokyo is hidden by the expression');
    assert.ok(left.every((row) => row.fields['country'] === 'JPN' || (row.fields['population'] as number) <= 1_000_000));
    const tokyo = left.find((row) => row.fields['name'] === 'Tokyo')!;
    const byId = await edit([{ type: 'update', layer: w.layer('cities'), where: { ids: [tokyo.fid] }, attributes: { role: 'x' } }], { layerFilterExpression: () => `"country" <> 'JPN'` });
    assert.equal(byId.updated, 0);
  });
  it('hidden fields are refused exactly like fields that do not exist, in attributes and in filters', async () => {
    const hide: AccessControlFilterLike = { authorizedLayerAttributes: (_l, a) => a.filter((f) => f !== 'population') };
    const err = async (actions: EditAction[]) => {
      try {
        await edit(actions, hide);
      } catch (e) {
        isOgc('InvalidParameterValue')(e);
        return (e as OgcError).message.replace(/'(population|nope)'/, "'X'");
      }
      return assert.fail('refused');
    };
    const hidden = await err([{ type: 'update', layer: w.layer('cities'), where: {}, attributes: { population: 1 } }]);
    const missing = await err([{ type: 'update', layer: w.layer('cities'), where: {}, attributes: { nope: 1 } }]);
    assert.equal(hidden, missing);
    assert.equal(await err([{ type: 'insert', layer: w.layer('cities'), features: [{ attributes: { population: 1 }, geometry: null }] }]), missing);
    await assert.rejects(edit([{ type: 'delete', layer: w.layer('cities'), where: { filter: `"population" > 1` } }], hide), isOgc('InvalidParameterValue', 'filter'));
  });
});

describe('transaction: concurrency and caches', () => {
  it('two transactions on one file never interleave; both commit', async () => {
    const order: string[] = [];
    const tx = (tag: string) => edit([{ type: 'insert', layer: w.layer('cities'), features: Array.from({ length: 20 }, (_, i) => ({ attributes: { name: `${tag}${i}` }, geometry: point(i, i) })) }],
      { allowToEdit: () => (order.push(tag), true) });
    const [a, b] = await Promise.all([tx('a'), tx('b')]);
    assert.equal(order.join(''), order[0] === 'a' ? 'a'.repeat(20) + 'b'.repeat(20) : 'b'.repeat(20) + 'a'.repeat(20));
    const ids = [...a.inserted[0]!.ids, ...b.inserted[0]!.ids].sort((x, y) => Number(x) - Number(y));
    assert.deepEqual(ids, Array.from({ length: 40 }, (_, i) => 16 + i));
  });
  it('readers keep reading during a write and see all of it after the commit, never part of it', async () => {
    const layer = w.layer('cities');
    const writing = edit([{ type: 'insert', layer, features: Array.from({ length: 300 }, (_, i) => ({ attributes: { name: `n${i}` }, geometry: point(i / 10, 0) })) }]);
    const counts: number[] = [];
    let done = false;
    void writing.finally(() => (done = true));
    while (!done) counts.push((await collect(data.forRequest(null).readFeatures(layer, { withGeometry: false, fields: ['name'] }))).length);
    await writing;
    assert.ok(counts.length > 0 && counts.every((n) => n === 15 || n === 315), counts.join(','));
    assert.equal(await data.forRequest(null).countFeatures(layer), 315, 'a pooled handle does not keep the old count');
    assert.equal((await collect(data.forRequest(null).readFeatures(layer))).length, 315);
  });
  it('a snapshot sees the change right after the commit', async () => {
    const snap = new DataAccess({ snapshot: 'wait' });
    try {
      const layer = w.layer('cities');
      const read = async () => (await collect(snap.forRequest(null).readFeatures(layer, { filter: `"country" = 'FRA'` }))).map((f) => f.attributes['population']);
      const first = await read();
      assert.equal(snap.snapshotStats()!.snapshots.length, 1);
      await snap.forRequest(null).transaction([{ type: 'update', layer, where: { filter: `"country" = 'FRA'` }, attributes: { population: 7 } }]);
      assert.deepEqual(await read(), first.map(() => 7));
      assert.equal(await snap.forRequest(null).countFeatures(layer, { filter: `"population" = 7` }), first.length);
    } finally {
      await snap.close();
    }
  });
  it('writers in several processes on one file all commit, one after the other (GeoPackage and SQLite files)', async () => {
    const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'edit-writer.js');
    const sqlite = path.join(w.dir, 'cities.sqlite');
    const src = await gdal.openAsync(w.world);
    (await gdal.vectorTranslateAsync(sqlite, src, ['-f', 'SQLite', 'cities'])).close();
    src.close();
    for (const file of [w.world, sqlite]) {
      const runs = await Promise.all(['qA', 'qB', 'qC'].map((tag) => promisify(execFile)(process.execPath, [writer, file, 'cities', tag, '5'])));
      assert.deepEqual(runs.map((r) => r.stdout.trim()), ['5 0', '5 0', '5 0'], runs.map((r) => r.stderr).join('\n'));
      const all = await rows(file, 'cities');
      assert.equal(all.length, 15 + 3 * 5 * 20, file);
      for (const tag of ['qA', 'qB', 'qC']) assert.equal(all.filter((r) => r.fields['role'] === tag).length, 100, `${file} ${tag}`);
    }
  });
  it('an empty transaction writes nothing; unknown actions and raster layers are refused', async () => {
    assert.deepEqual(await edit([]), { inserted: [], updated: 0, deleted: 0 });
    await assert.rejects(edit([{ type: 'replace', layer: w.layer('cities') } as unknown as EditAction]), isOgc('InvalidParameterValue'));
  });
});
