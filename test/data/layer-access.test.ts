import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DataAccess, LayerAccess, layerNotDefined, readableLayers, isReadable } from '../../src/data/index.js';
import { readFeatures as rawReadFeatures } from '../../src/data/vector-source.js';
import { readRaster as rawReadRaster } from '../../src/data/raster-source.js';
import { claimGrantMinter } from '../../src/data/access-grant.js';
import { DatasetPool } from '../../src/data/dataset-pool.js';
import { Expression } from '../../src/expression/index.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import type { AccessControlFilterLike, ServerLayer } from '../../src/filters/access-control.js';
import type { GroupDef, LayerDef, LayerTreeNode, ProjectModel, VectorLayerDef } from '../../src/project/model.js';
import type { Feature, VectorQuery } from '../../src/data/types.js';
import { makeFixture, vectorLayer, rasterLayer, accessControl, collect, type Fixture, type PlacePoint } from './fixtures.js';

let fx: Fixture;
let places: VectorLayerDef;
let towns: VectorLayerDef;
let secret: VectorLayerDef;
let project: ProjectModel;
const data = new DataAccess({ pageSize: 50 });

before(async () => {
  fx = await makeFixture();
  places = vectorLayer('places', fx.gpkg);
  towns = vectorLayer('towns', fx.shp);
  secret = vectorLayer('secret', fx.geojson);
  const grid = rasterLayer('grid', fx.tif);
  const inner: GroupDef = { kind: 'group', name: 'hidden_group', title: '', abstract: '', children: [secret] };
  const outer: GroupDef = { kind: 'group', name: 'all', title: '', abstract: '', children: [places, inner, grid] };
  const layers = new Map<string, LayerDef>([['places', places], ['towns', towns], ['secret', secret], ['grid', grid]]);
  project = {
    fileName: '/p.yaml', title: 'p', mtimeMs: 0, tree: [outer, towns], layers,
    groups: new Map([['all', outer], ['hidden_group', inner]]),
    service: { title: '', abstract: '', keywords: [], contact: {}, fees: '', accessConstraints: '', crs: ['EPSG:4326'], maxWidth: 4096, maxHeight: 4096 },
  };
});
after(async () => {
  await data.close();
  fx.cleanup();
});

const record = (p: PlacePoint) => ({ name: p.name, pop: p.pop, kind: p.kind, score: p.score, owner: p.owner, created: p.created });
const names = (fs: Feature[]) => fs.map((f) => f.attributes['name'] as string).sort();
const expectNames = (pred: (p: PlacePoint) => boolean) => fx.places.filter(pred).map((p) => p.name).sort();
const isOgc = (code: string) => (e: unknown) => e instanceof OgcError && e.code === code;
const treeNames = (nodes: LayerTreeNode[]): unknown[] => nodes.map((n) => (n.kind === 'group' ? { [n.name]: treeNames(n.children) } : n.name));

/** The example plugin's rules, as plain-object filters. */
const rules: AccessControlFilterLike = {
  layerPermissions: (l: ServerLayer) => ({ canRead: l.name() !== 'secret', canInsert: false, canUpdate: l.name() === 'places', canDelete: false }),
  layerFilterSubsetString: (l) => (l.name() === 'places' ? `"kind" <> 'village' OR "kind" IS NULL` : null),
  layerFilterExpression: (l) => (l.name() === 'places' ? `"owner" = 'bob' AND regexp_match("name", '[0-4]$')` : null),
  authorizedLayerAttributes: (l, attrs) => (l.name() === 'places' ? attrs.filter((a) => a !== 'owner' && a !== 'pop') : attrs),
  allowToEdit: (_l, f) => f.attribute('kind') === 'city',
  cacheKey: () => 'role:public',
};
const allowed = (p: PlacePoint) => (p.kind !== 'village') && p.owner === 'bob' && /[0-4]$/.test(p.name);

describe('LayerAccess: layerPermissions', () => {
  it('an unreadable layer is absent from the layer list and the tree (empty groups dropped)', () => {
    const la = data.forRequest(accessControl(rules));
    assert.deepEqual(la.readableLayers(project).map((l) => l.name), ['places', 'towns', 'grid']);
    assert.deepEqual(treeNames(la.readableTree(project)), [{ all: ['places', 'grid'] }, 'towns']);
    assert.equal(la.isReadable(secret), false);
    assert.deepEqual(readableLayers(project, accessControl(rules)).map((l) => l.name), ['places', 'towns', 'grid']);
    assert.equal(isReadable(secret, accessControl(rules)), false);
    assert.equal(isReadable(secret, null), true);
    const permissionsOnly = new LayerAccess(null, { pageSize: 1, maxSortFeatures: 0, maxRasterCells: 0, vectorStrategy: 'auto' }, null);
    assert.throws(() => permissionsOnly.readFeatures(places), /permission questions only/);
    assert.equal(la.isReadable(project.groups.get('hidden_group')!), false);
    const open = data.forRequest(null);
    assert.deepEqual(treeNames(open.readableTree(project)), [{ all: ['places', { hidden_group: ['secret'] }, 'grid'] }, 'towns']);
  });
  it('an unreadable layer answers exactly like a missing one, for every read', async () => {
    const la = data.forRequest(accessControl(rules));
    const missing = (() => { try { la.layer(project, 'nope'); } catch (e) { return e as OgcError; } })()!;
    const hidden = (() => { try { la.layer(project, 'secret'); } catch (e) { return e as OgcError; } })()!;
    assert.equal(hidden.code, 'LayerNotDefined');
    assert.equal(hidden.message.replace('secret', 'X'), missing.message.replace('nope', 'X'));
    assert.throws(() => la.node(project, 'hidden_group'), isOgc('LayerNotDefined'));
    assert.equal((la.node(project, 'all') as GroupDef).children.length, 2);
    assert.throws(() => la.layer(project, 'secret', 'InvalidParameterValue'), isOgc('InvalidParameterValue'));
    assert.throws(() => la.readFeatures(secret), isOgc('LayerNotDefined'));
    await assert.rejects(la.countFeatures(secret), isOgc('LayerNotDefined'));
    assert.throws(() => la.fields(secret), isOgc('LayerNotDefined'));
    assert.equal(layerNotDefined('a').status, 400);
    const hideGrid = data.forRequest(accessControl({ layerPermissions: (l) => ({ canRead: l.name() !== 'grid' }) }));
    await assert.rejects(hideGrid.readRaster(project.layers.get('grid') as never, { bbox: { crs: 'EPSG:32633', bounds: [4e5, 5.7e6, 6e5, 5.9e6] }, width: 4, height: 4 }), isOgc('LayerNotDefined'));
  });
  it('asks access control once per layer and request', async () => {
    let calls = 0;
    const la = data.forRequest(accessControl({ layerPermissions: () => (calls++, { canRead: true }) }));
    la.isReadable(places);
    await collect(la.readFeatures(places, { limit: 3 }));
    await la.countFeatures(places);
    assert.equal(calls, 1);
  });
});

describe('LayerAccess: subset string, filter expression, attributes', () => {
  it('subset (SQL) and expression (pushed + residual) both restrict every read; the count agrees', async () => {
    const la = data.forRequest(accessControl(rules));
    const got = await collect(la.readFeatures(places));
    assert.deepEqual(names(got), expectNames(allowed));
    assert.equal(await la.countFeatures(places), got.length);
    // The client's filter narrows further; it cannot widen.
    const q: VectorQuery = { filter: `"kind" = 'city' OR "kind" = 'village'` };
    assert.deepEqual(names(await collect(la.readFeatures(places, q))), expectNames((p) => allowed(p) && p.kind === 'city'));
    // Several filters: ANDed.
    const two = data.forRequest(accessControl(rules, { layerFilterExpression: (l) => (l.name() === 'places' ? `"score" > 50` : null) }));
    assert.deepEqual(names(await collect(two.readFeatures(places))), expectNames((p) => allowed(p) && p.score > 50));
  });
  it('hidden attributes are never returned, even when asked for all fields', async () => {
    const la = data.forRequest(accessControl(rules));
    for (const f of await collect(la.readFeatures(places))) assert.deepEqual(Object.keys(f.attributes), ['name', 'kind', 'score', 'created']);
    assert.deepEqual(la.fields(places).map((f) => f.name), ['name', 'kind', 'score', 'created']);
    // Other layers keep theirs.
    assert.deepEqual(la.fields(towns).map((f) => f.name), ['name', 'pop', 'kind', 'score', 'owner', 'created']);
  });
  it('access control may filter on a field it hides (read to test, then dropped)', async () => {
    const la = data.forRequest(accessControl({
      layerFilterExpression: () => `upper("owner") = 'ALICE'`,
      authorizedLayerAttributes: (_l, a) => a.filter((x) => x !== 'owner'),
    }));
    const got = await collect(la.readFeatures(towns));
    assert.deepEqual(names(got), expectNames((p) => p.owner === 'alice'));
    assert.ok(got.every((f) => !('owner' in f.attributes)));
  });
  it('a client naming a hidden field gets the error of a field that does not exist (fields, filter, orderBy, any case)', () => {
    const la = data.forRequest(accessControl(rules));
    const errorFor = (q: VectorQuery) => {
      try {
        la.readFeatures(places, q);
      } catch (e) {
        return e as OgcError;
      }
      assert.fail(`no error for ${JSON.stringify(q)}`);
    };
    const cases: Array<(f: string) => VectorQuery> = [
      (f) => ({ fields: ['name', f] }),
      (f) => ({ filter: `"${f}" = 'bob'` }),
      (f) => ({ filter: `regexp_match("${f}", 'b')` }),
      (f) => ({ orderBy: [{ field: f, descending: false }] }),
    ];
    for (const make of cases) {
      const hidden = errorFor(make('owner'));
      const missing = errorFor(make('nosuch'));
      assert.equal(hidden.code, 'InvalidParameterValue');
      assert.equal(hidden.locator, missing.locator);
      assert.equal(hidden.message.replace('owner', 'F'), missing.message.replace('nosuch', 'F'));
    }
    const upper = errorFor({ filter: `"OWNER" = 'bob'` });
    assert.equal(upper.code, 'InvalidParameterValue');
  });
  it('internalFields (the project style) are read even when hidden', async () => {
    const la = data.forRequest(accessControl(rules));
    const [f] = await collect(la.readFeatures(places, { fields: ['name'], limit: 1 }, { internalFields: ['pop'] }));
    assert.deepEqual(Object.keys(f!.attributes), ['name', 'pop']);
  });
  it('an access-control filter that cannot be applied fails closed', async () => {
    const bad = data.forRequest(accessControl({ layerFilterExpression: () => `"name" = ` }));
    assert.throws(() => bad.readFeatures(places), (e: unknown) => e instanceof OgcError && e.status === 500);
    const unknown = data.forRequest(accessControl({ layerFilterExpression: () => `"nosuch" = 1` }));
    await assert.rejects(collect(unknown.readFeatures(places)), (e: unknown) => e instanceof OgcError && e.status === 500);
    await assert.rejects(unknown.countFeatures(places), (e: unknown) => e instanceof OgcError && e.status === 500);
  });
  it('a subset string that breaks out of its parentheses, or bad SQL, fails closed (never widens)', async () => {
    for (const layer of [places, towns, secret]) {
      for (const subset of [`"name" = 'p001') OR (1=1`, `1=1; DROP TABLE places`, `"name" = 'x' -- comment`, `"name" = 'x' /* c */`, `'unclosed`]) {
        const la = data.forRequest(accessControl({ layerFilterSubsetString: () => subset }));
        await assert.rejects(collect(la.readFeatures(layer)), (e: unknown) => e instanceof OgcError && e.status === 500, `${layer.name}: ${subset}`);
        await assert.rejects(la.countFeatures(layer), `${layer.name} count: ${subset}`);
      }
      // Bad SQL: an error, or (SQLite reads an unknown "name" as a string) nothing at all.
      for (const subset of [`"nosuch" = 1`, `"name" = `, `nosuch = 1`]) {
        const la = data.forRequest(accessControl({ layerFilterSubsetString: () => subset }));
        assert.deepEqual(await collect(la.readFeatures(layer)).catch(() => []), [], `${layer.name}: ${subset}`);
        assert.equal(await la.countFeatures(layer).catch(() => 0), 0, `${layer.name} count: ${subset}`);
      }
    }
    // Parentheses and semicolons inside literals and quoted names are fine.
    const ok = data.forRequest(accessControl({ layerFilterSubsetString: () => `"name" <> 'a ) ; -- (' AND ("name" = 'p001' OR "name" = 'O''Brien')` }));
    assert.deepEqual(names(await collect(ok.readFeatures(places))), ["O'Brien", 'p001']);
  });
  it('the pushdown + residual result equals a full scan filtered in JS', async () => {
    const expr = Expression.parse(`"owner" = 'bob' AND regexp_match("name", '[0-4]$')`);
    const la = data.forRequest(accessControl({ layerFilterExpression: () => expr.text }));
    for (const layer of [places, towns, secret]) {
      assert.deepEqual(names(await collect(la.readFeatures(layer))), expectNames((p) => expr.test(record(p))), layer.name);
    }
  });
});

describe('LayerAccess: cache key and edits', () => {
  it('cacheKey comes from the filters; none registered is the empty key', () => {
    assert.equal(data.forRequest(accessControl(rules)).cacheKey(), 'role:public');
    assert.equal(data.forRequest(null).cacheKey(), '');
    assert.equal(data.forRequest(accessControl({ cacheKey: () => null })).cacheKey(), null);
  });
  it('checkEdit: the project\'s editable, then the permission per operation, then allowToEdit; Security (403) otherwise', () => {
    const all = { insert: true, update: true, delete: true };
    const [p, t, s] = [{ ...places, editable: all }, { ...towns, editable: all }, { ...secret, editable: all }];
    const la = data.forRequest(accessControl(rules));
    const city: Feature = { id: 1, attributes: { kind: 'city' }, geometry: null };
    const town: Feature = { id: 2, attributes: { kind: 'town' }, geometry: null };
    la.checkEdit(p, city, 'update');
    const refusals = [[p, town, 'update'], [p, city, 'insert'], [p, city, 'delete'], [t, city, 'update'], [places, city, 'update']] as const;
    for (const [layer, f, op] of refusals) {
      assert.throws(() => la.checkEdit(layer, f, op), (e: unknown) => e instanceof OgcError && e.code === 'Security' && e.status === 403, `${layer.name} ${op}`);
    }
    assert.throws(() => la.checkEdit(s, city, 'update'), isOgc('LayerNotDefined'));
    data.forRequest(null).checkEdit(s, town, 'delete');
    assert.throws(() => data.forRequest(null).checkEdit({ ...secret, editable: { ...all, delete: false } }, town, 'delete'), isOgc('Security'));
  });
  it('editsAllowed: the project\'s editable ANDed with layerPermissions; nothing on a layer that cannot be read', () => {
    const edits = { insert: true, update: false, delete: true };
    const la = data.forRequest(accessControl(rules));
    assert.deepEqual(data.forRequest(null).editsAllowed({ ...places, editable: edits }), edits);
    assert.deepEqual(data.forRequest(null).editsAllowed(places), { insert: false, update: false, delete: false });
    assert.deepEqual(la.editsAllowed({ ...places, editable: { insert: true, update: true, delete: true } }), { insert: false, update: true, delete: false });
    assert.deepEqual(la.editsAllowed({ ...secret, editable: edits }), { insert: false, update: false, delete: false });
  });
});

describe('the choke point cannot be bypassed', () => {
  it('sources refuse a grant that access control did not mint', async () => {
    const forged = { pool: new DatasetPool(), settings: { pageSize: 10, maxSortFeatures: 10, maxRasterCells: 10, vectorStrategy: 'auto' }, subset: null, expression: null, fields: ['name', 'owner'], internalFields: [], clip: false };
    assert.throws(() => rawReadFeatures(places, {}, forged as never), isOgc('Security'));
    await assert.rejects(rawReadRaster(rasterLayer('grid', fx.tif), { bbox: { crs: 'EPSG:32633', bounds: [0, 0, 1, 1] }, width: 1, height: 1 }, forged as never), isOgc('Security'));
  });
  it('the grant minter is claimed by the access layer: nobody else gets one', () => {
    assert.throws(() => claimGrantMinter(), /already been claimed/);
  });
});
