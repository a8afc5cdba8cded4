import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { AccessControlFilterLike } from '../../src/filters/access-control.js';
import { needTools } from '../helpers/procs.js';
import { editServer, stored, type EditServer, type StoredFeature, type VectorLayerName } from '../services/wfs/edit-support.js';
import { wfsServer } from '../services/wfs/support.js';
import { CLIENTS, PROJECT, PYTHON, clientEnv, killClients, run, serveOverHttp, tempDir, type HttpWms, type SeenRequest } from './support.js';

// QGIS Desktop's WFS provider (Debian's python3-qgis 3.22 with qgis-providers, run headless by
// test/clients/qgis_wfs.py) against the test project over HTTP in WFS 2.0.0, 1.1.0 and 1.0.0, every answer checked
// against the source file read by QGIS's 'ogr' provider:
// - layers load with the source's fields, geometry type, CRS, extent and every feature (also reprojected);
// - a subset string (setSubsetString, also WFS SQL with ORDER BY) goes to the server as an FE filter (and SORTBY);
//   a request rectangle as a BBOX (with restrictToRequestBBOX; QGIS filters its download by the rectangle again,
//   so the server's own answer is replayed and counted); a request's filter expression is evaluated by QGIS 3.22
//   on what it downloaded (it is not sent); paging (2.0.0) and maxNumFeatures as COUNT / STARTINDEX / MAXFEATURES;
// - WFS-T on an editable GeoPackage copy: add, change attributes (NULL included), change geometry, delete →
//   commitChanges, read back from the GeoPackage itself; edits that access control or the project refuse.
// Every request QGIS sends is in the test's diagnostics ("QGIS sent: …"), with what QGIS logged ("QGIS said: …").

const SCRIPT = path.join(CLIENTS, 'qgis_wfs.py');
const DATA = path.join(path.dirname(PROJECT), 'data');
const VERSIONS = ['2.0.0', '1.1.0', '1.0.0'] as const;
type Version = (typeof VERSIONS)[number];

const tools = needTools({
  python3: PYTHON, 'python3-qgis': '/usr/lib/python3/dist-packages/qgis/core/__init__.py',
  'qgis-providers (WFS provider)': '/usr/lib/qgis/plugins/libprovider_wfs.so', script: SCRIPT,
});

/** One feature as qgis_wfs.py prints it. */
interface QgisFeature {
  attributes: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

/** A layer as qgis_wfs.py prints it. */
interface QgisLayer {
  valid: boolean;
  error: string | null;
  fields: Array<{ name: string; type: string; typeName: string }>;
  wkbType: string;
  geometryType: string;
  crs: string;
  /** xmin, ymin, xmax, ymax before any feature was read (a WFS layer's: from the capabilities). */
  extent: [number, number, number, number];
  /** The layer's own count, whatever the request. */
  featureCount: number;
  features: QgisFeature[];
}

/** The edits QGIS offers on a WFS layer (its provider's capabilities, from the server's capabilities). */
interface Editing {
  add: boolean;
  attributes: boolean;
  geometry: boolean;
  delete: boolean;
}

/** What `qgis_wfs.py read` prints. */
interface ReadResult {
  wfs: QgisLayer;
  source: QgisLayer;
  editing: Editing;
  /** With a rect: how many source features lie in it (whatever the expression). */
  sourceInRect?: number;
  messages: string[];
}

/** What `qgis_wfs.py edit` prints. */
interface EditResult {
  capabilities: Editing;
  /** startEditing's answer: false when QGIS may not edit the layer at all (then nothing else was done). */
  started: boolean;
  steps: boolean[];
  committed: boolean;
  commitErrors: string[];
  messages: string[];
}

/** One edit for `qgis_wfs.py edit`. */
type EditOp =
  | { op: 'add'; attributes: Record<string, unknown>; wkt: string }
  | { op: 'attributes'; where: Record<string, unknown>; attributes: Record<string, unknown> }
  | { op: 'geometry'; where: Record<string, unknown>; wkt: string }
  | { op: 'delete'; where: Record<string, unknown> }
  | { op: 'commit' };

/** An HTTP server for QGIS, with a QGIS profile folder of its own (QGIS caches GetCapabilities there). */
interface QgisTarget {
  http: HttpWms;
  profile: { dir: string; remove: () => Promise<void> };
}

async function startTarget(testServer: Parameters<typeof serveOverHttp>[0]): Promise<QgisTarget> {
  return { http: await serveOverHttp(testServer), profile: await tempDir('ows-qgis-profile-') };
}

async function stopTarget(t: QgisTarget | undefined): Promise<void> {
  killClients();
  await t?.http.close();
  await t?.profile.remove();
}

/** The requests of the log from index `from`, one line each (POST bodies cut short), for failure messages. */
function requestsSince(seen: SeenRequest[], from: number): string {
  return seen.slice(from).map((s) => `${s.method} ${JSON.stringify(s.params)} ${s.body.slice(0, 1500).replace(/\n/g, ' ')}`).join('\n');
}

/**
 * Runs qgis_wfs.py against a target (bounded: killed after 60 s); the requests QGIS sent go to the test's
 * diagnostics; a failure shows QGIS's own words, its message log and every request it sent.
 */
async function qgis<T>(ctx: TestContext, t: QgisTarget, command: 'read' | 'edit', options: Record<string, unknown>): Promise<{ out: T; sent: SeenRequest[] }> {
  const from = t.http.seen.length;
  const args = { url: `${t.http.url}ows`, profile: t.profile.dir, timeoutMs: 15_000, ...options };
  // QGIS keeps its network cache and settings under HOME (~/.cache/QGIS, ~/.local/share/QGIS): the profile folder.
  const home = t.profile.dir;
  const env = clientEnv({ QT_QPA_PLATFORM: 'offscreen', HOME: home, XDG_RUNTIME_DIR: home, XDG_CACHE_HOME: `${home}/cache`, XDG_DATA_HOME: `${home}/data`, XDG_CONFIG_HOME: `${home}/config` });
  const r = await run(PYTHON, [SCRIPT, command, JSON.stringify(args)], { env, timeoutMs: 60_000 });
  for (const line of requestsSince(t.http.seen, from).split('\n')) ctx.diagnostic(`QGIS sent: ${line}`);
  const context = () => `qgis_wfs.py ${command} ${JSON.stringify(args)}\nexit ${r.code}\n${r.stderr.slice(-3000)}\nrequests:\n${requestsSince(t.http.seen, from)}`;
  let out: any;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    assert.fail(`no JSON from ${context()}\nstdout: ${r.stdout.slice(0, 2000)}`);
  }
  if (out.error !== undefined) assert.fail(`QGIS raised ${out.type}: ${out.error}\n${out.trace}\nmessages: ${out.messages.join('\n')}\n${context()}`);
  assert.equal(r.code, 0, context());
  for (const line of [...(out.commitErrors ?? []), ...out.messages]) ctx.diagnostic(`QGIS said: ${String(line).replace(/\s+/g, ' ')}`);
  return { out: out as T, sent: t.http.seen.slice(from) };
}

/** Every position of GeoJSON coordinates, flattened. */
function flatten(c: any): number[][] {
  return typeof c[0] === 'number' ? [c as number[]] : (c as any[]).flatMap(flatten);
}

/** A stable order for features that have no id in common: their attributes as text. */
const byAttributes = (a: QgisFeature, b: QgisFeature) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes));

/**
 * Asserts that two feature lists hold the same features: equal attributes, geometry types and positions (within
 * `tolerance`), in any order unless `ordered`.
 */
function assertSameFeatures(actual: QgisFeature[], want: QgisFeature[], what: string, { tolerance = 1e-9, ordered = false } = {}): void {
  assert.equal(actual.length, want.length, `${what}: number of features`);
  const a = ordered ? actual : [...actual].sort(byAttributes);
  const w = ordered ? want : [...want].sort(byAttributes);
  a.forEach((f, i) => {
    const e = w[i]!;
    assert.deepEqual(f.attributes, e.attributes, `${what}: attributes`);
    assert.equal(f.geometry?.type, e.geometry?.type, `${what}: ${JSON.stringify(f.attributes)} geometry type`);
    const [p, q] = [flatten(f.geometry?.coordinates ?? []), flatten(e.geometry?.coordinates ?? [])];
    assert.equal(p.length, q.length, `${what}: ${JSON.stringify(f.attributes)} number of positions`);
    p.forEach((pos, k) => assert.ok(Math.abs(pos[0]! - q[k]![0]!) < tolerance && Math.abs(pos[1]! - q[k]![1]!) < tolerance,
      `${what}: ${JSON.stringify(f.attributes)} position ${k}: ${pos} vs ${q[k]}`));
  });
}

/** Asserts that QGIS's WFS layer is valid and equals the source layer: fields, geometry type, CRS, features. */
function assertLayerMatches(r: ReadResult, what: string, compare: Parameters<typeof assertSameFeatures>[3] = {}): void {
  assert.ok(r.wfs.valid, `${what}: the WFS layer is not valid: ${r.wfs.error}\n${r.messages.join('\n')}`);
  assert.ok(r.source.valid, `${what}: the source did not open: ${r.source.error}`);
  assert.deepEqual(r.wfs.fields.map((f) => [f.name, f.type]), r.source.fields.map((f) => [f.name, f.type]), `${what}: fields`);
  assert.equal(r.wfs.wkbType, r.source.wkbType, `${what}: geometry type`);
  assertSameFeatures(r.wfs.features, r.source.features, what, compare);
}

/** The GetFeature requests (GET or POST) among some requests. */
function getFeatures(sent: SeenRequest[]): SeenRequest[] {
  return sent.filter((s) => /^GetFeature$/i.test(s.params['REQUEST'] ?? '') || /<(\w+:)?GetFeature\b/.test(s.body));
}

const NO_EDITING: Editing = { add: false, attributes: false, geometry: false, delete: false };

const typeOptions = (version: Version, type: 'countries' | 'cities' | 'secret') =>
  ({ version, typename: `qgs:${type}`, source: path.join(DATA, `${type}.geojson`) });

for (const version of VERSIONS) {
  describe(`QGIS WFS provider ${version}: reading`, { skip: tools.skip, timeout: 240_000 }, () => {
    let t: QgisTarget;
    before(async () => {
      tools.assertTools();
      t = await startTarget(wfsServer());
    });
    after(() => stopTarget(t));

    const read = (ctx: TestContext, options: Record<string, unknown>) => qgis<ReadResult>(ctx, t, 'read', options);

    for (const type of ['countries', 'cities', 'secret'] as const) {
      test(`qgs:${type}: valid, the source's fields, geometry type and CRS, every feature equal to the source`, async (ctx) => {
        const { out, sent } = await read(ctx, typeOptions(version, type));
        assertLayerMatches(out, `${version} ${type}`);
        assert.equal(out.wfs.crs, out.source.crs, 'CRS');
        assert.ok(out.wfs.features.length > 0);
        assert.deepEqual(out.editing, NO_EDITING, 'no layer of the test project is editable');
        // QGIS takes the layer extent from the capabilities (WGS84BoundingBox / LatLongBoundingBox): x/y in QGIS.
        out.wfs.extent.forEach((v, i) => assert.ok(Math.abs(v - out.source.extent[i]!) < 1e-6, `extent ${out.wfs.extent} vs the source's ${out.source.extent}`));
        const gets = getFeatures(sent);
        assert.ok(gets.length >= 1, 'QGIS sent no GetFeature');
        for (const g of gets) assert.equal(g.params['VERSION'] ?? /version="([^"]+)"/.exec(g.body)?.[1], version);
      });
    }

    const SUBSETS: Array<[string, 'countries' | 'cities', RegExp]> = [
      [`"population" > 1000000 AND "role" = 'capital'`, 'cities', /PropertyIsGreaterThan[\s\S]*PropertyIsEqualTo|PropertyIsEqualTo[\s\S]*PropertyIsGreaterThan/],
      [`"name" LIKE 'M%'`, 'cities', /PropertyIsLike/],
      [`"country" IN ('FRA', 'ITA') OR "population" < 900000`, 'cities', /Or>/],
      [`NOT ("continent" = 'Europe')`, 'countries', /Not>/],
      [`"gdp_md" >= 1000000 AND "pop_est" <= 150000000`, 'countries', /PropertyIsGreaterThanOrEqualTo/],
      [`intersects($geometry, geom_from_wkt('POLYGON((0 40, 20 40, 20 60, 0 60, 0 40))'))`, 'cities', /Intersects/],
      [`intersects($geometry, geom_from_wkt('POLYGON((-10 35, 20 35, 20 50, -10 50, -10 35))'))`, 'countries', /Intersects/],
      [`"name" ILIKE 'b%'`, 'cities', /PropertyIsLike[^>]*matchCase="false"/],
      [`within($geometry, geom_from_wkt('POLYGON((-60 -30, 40 -30, 40 10, -60 10, -60 -30))'))`, 'cities', /Within/],
      [`contains($geometry, geom_from_wkt('POINT(13.4105 52.5244)'))`, 'countries', /Contains/],
      [`intersects_bbox($geometry, geom_from_wkt('POLYGON((0 40, 20 40, 20 60, 0 60, 0 40))'))`, 'countries', /BBOX/],
      [`disjoint($geometry, geom_from_wkt('POLYGON((0 40, 20 40, 20 60, 0 60, 0 40))'))`, 'cities', /Disjoint/],
    ];
    for (const [subset, type, fe] of SUBSETS) {
      test(`setSubsetString(${subset}) on qgs:${type} goes to the server as an FE filter; the features are the source's`, async (ctx) => {
        const { out, sent } = await read(ctx, { ...typeOptions(version, type), subset });
        assertLayerMatches(out, `${version} ${type} ${subset}`);
        const total = out.source.featureCount;
        assert.ok(out.source.features.length > 0 && out.source.features.length < total, `a subset that selects ${out.source.features.length} of ${total} cannot fail`);
        const filters = getFeatures(sent).map((g) => g.params['FILTER'] ?? g.body);
        assert.ok(filters.length >= 1 && filters.every((f) => fe.test(f)), `QGIS sent no such filter:\n${filters.join('\n')}`);
      });
    }

    test('a request rectangle (restrictToRequestBBOX) goes to the server as a BBOX; with an expression: the source\'s features', async (ctx) => {
      for (const [type, rect, expression] of [
        ['countries', [-10, 35, 20, 50], null],
        ['cities', [0, 40, 20, 60], `"population" > 1000000`],
        ['countries', [-80, -40, 40, 10], `"continent" <> 'Europe'`],
      ] as const) {
        const { out, sent } = await read(ctx, { ...typeOptions(version, type), rect, expression, uri: { restrictToRequestBBOX: '1' } });
        assertLayerMatches(out, `${version} ${type} rect ${rect} ${expression}`);
        assert.ok(out.source.features.length > 0, 'the rectangle selects nothing: the test cannot fail');
        const boxed = getFeatures(sent).filter((g) => g.params['BBOX'] !== undefined && g.params['RESULTTYPE'] !== 'hits');
        assert.equal(boxed.length, 1, `QGIS sent no GetFeature with a BBOX:\n${requestsSince(sent, 0)}`);
        // QGIS filters what it downloaded by the rectangle again: the server's own answer to the BBOX is replayed.
        const answer = await fetch(`${t.http.url}ows?${new URLSearchParams(boxed[0]!.params)}`);
        const members = (await answer.text()).match(new RegExp(`<qgs:${type}[\\s>]`, 'g')) ?? [];
        assert.equal(members.length, out.sourceInRect, `the server's answer to ${JSON.stringify(boxed[0]!.params)}`);
      }
    });

    test('maxNumFeatures caps the features QGIS asks for and gets', async (ctx) => {
      const { out, sent } = await read(ctx, { ...typeOptions(version, 'cities'), uri: { maxNumFeatures: '5' } });
      assert.ok(out.wfs.valid, out.wfs.error ?? '');
      assert.equal(out.wfs.features.length, 5);
      const source = new Set(out.source.features.map((f) => JSON.stringify(f.attributes)));
      for (const f of out.wfs.features) assert.ok(source.has(JSON.stringify(f.attributes)), `not a source feature: ${JSON.stringify(f.attributes)}`);
      const limit = version === '2.0.0' ? 'COUNT' : 'MAXFEATURES';
      const gets = getFeatures(sent).filter((g) => g.params['RESULTTYPE'] !== 'hits');
      assert.ok(gets.length >= 1 && gets.every((g) => g.params[limit] === '5'), requestsSince(sent, 0));
    });

    test('srsname EPSG:3857: QGIS asks for the features in that CRS and gets the source reprojected', async (ctx) => {
      const { out, sent } = await read(ctx, { ...typeOptions(version, 'countries'), uri: { srsname: 'EPSG:3857' } });
      assert.equal(out.wfs.crs, 'EPSG:3857');
      assertLayerMatches(out, `${version} countries in EPSG:3857`, { tolerance: 1e-3 });
      const pages = getFeatures(sent).filter((g) => g.params['RESULTTYPE'] !== 'hits');
      assert.ok(pages.length >= 1 && pages.every((g) => /3857$/.test(g.params['SRSNAME'] ?? '')), requestsSince(sent, 0));
    });

    test('WFS SQL (SELECT … WHERE … ORDER BY … DESC) becomes FILTER and SORTBY; the features come in the source\'s order', async (ctx) => {
      const subset = 'SELECT * FROM "qgs:cities" WHERE population > 2000000 ORDER BY population DESC';
      const { out, sent } = await read(ctx, { ...typeOptions(version, 'cities'), subset, sourceExpression: '"population" > 2000000', sourceOrderBy: [['population', false]] });
      assertLayerMatches(out, `${version} cities ${subset}`, { ordered: true });
      assert.ok(out.source.features.length > 2 && out.source.features.length < out.source.featureCount);
      const pages = getFeatures(sent).filter((g) => g.params['RESULTTYPE'] !== 'hits');
      assert.ok(pages.length >= 1 && pages.every((g) => g.params['SORTBY'] !== undefined && g.params['FILTER'] !== undefined), requestsSince(sent, 0));
    });

    test('paging (pagingEnabled, pageSize 4): every feature once, in pages of 4 where QGIS pages', async (ctx) => {
      const { out, sent } = await read(ctx, { ...typeOptions(version, 'cities'), uri: { pagingEnabled: 'true', pageSize: '4' } });
      assertLayerMatches(out, `${version} cities paged`);
      const pages = getFeatures(sent).filter((g) => g.params['RESULTTYPE'] !== 'hits');
      if (version === '2.0.0') {
        // 15 cities in pages of 4: 0, 4, 8, 12.
        assert.deepEqual(pages.map((g) => g.params['STARTINDEX']), ['0', '4', '8', '12'], requestsSince(sent, 0));
        assert.ok(pages.every((g) => g.params['COUNT'] === '4'), requestsSince(sent, 0));
      }
    });
  });
}

/** Asserts that a stored layer equals `before` but for the FIDs in `changed` (which the caller checks). */
function assertUnchangedBut(s: EditServer, layer: VectorLayerName, before: Map<number, StoredFeature>, changed: number[]): Map<number, StoredFeature> {
  const now = stored(s, layer);
  for (const [fid, f] of before) {
    if (changed.includes(fid)) continue;
    assert.deepEqual(now.get(fid), f, `${layer} ${fid} (${String(f.attributes['name'])}) changed`);
  }
  return now;
}

const near = (p: unknown, x: number, y: number) => Array.isArray(p) && Math.abs(p[0] - x) < 1e-9 && Math.abs(p[1] - y) < 1e-9;

/** The FID of the one stored feature whose `name` is `name`. */
function fidOf(features: Map<number, StoredFeature>, name: string): number {
  const hits = [...features.values()].filter((f) => f.attributes['name'] === name);
  assert.equal(hits.length, 1, `${hits.length} features named ${name}`);
  return hits[0]!.fid;
}

/** The edits of the main WFS-T test on cities: a non-ASCII name, and an attribute set to NULL. */
const CITY_EDITS: EditOp[] = [
  { op: 'add', attributes: { name: 'Besançon', country: 'FRA', population: 117912, role: 'préfecture' }, wkt: 'POINT(6.0241 47.2378)' },
  { op: 'attributes', where: { name: 'Lyon' }, attributes: { population: 522250, role: null } },
  { op: 'geometry', where: { name: 'Marseille' }, wkt: 'POINT(5.4 43.3)' },
  { op: 'delete', where: { name: 'Rome' } },
];

/** Refuses inserts into cities (layerPermissions), and any edit of Paris (allowToEdit). */
const REFUSING: AccessControlFilterLike = {
  layerPermissions: (layer) => ({ canInsert: layer.name() !== 'cities' }),
  allowToEdit: (_layer, feature) => feature.attribute('name') !== 'Paris',
  cacheKey: () => 'qgis-refusing',
};

for (const version of VERSIONS) {
  describe(`QGIS WFS provider ${version}: editing (WFS-T)`, { skip: tools.skip, timeout: 240_000 }, () => {
    let t: QgisTarget;
    let edit: EditServer;
    before(async () => {
      tools.assertTools();
      edit = await editServer([], { cities: true, countries: true });
      t = await startTarget(edit);
    });
    after(async () => {
      await stopTarget(t);
      await edit?.project.remove();
    });

    test('add, change attributes, change a geometry, delete → commitChanges; the GeoPackage holds exactly that', async (ctx) => {
      const before = stored(edit, 'cities');
      const [lyon, marseille, rome] = ['Lyon', 'Marseille', 'Rome'].map((n) => fidOf(before, n));
      const { out, sent } = await qgis<EditResult>(ctx, t, 'edit', { version, typename: 'qgs:cities', ops: CITY_EDITS });
      assert.deepEqual(out.capabilities, { add: true, attributes: true, geometry: true, delete: true });
      assert.ok(out.started);
      assert.deepEqual(out.steps, [true, true, true, true]);
      assert.ok(out.committed, `commitChanges failed: ${out.commitErrors.join('\n')}\n${out.messages.join('\n')}\n${requestsSince(sent, 0)}`);
      assert.ok(sent.some((s) => s.method === 'POST' && /<(\w+:)?Transaction\b/.test(s.body)), 'QGIS sent no Transaction');

      const now = assertUnchangedBut(edit, 'cities', before, [lyon!, marseille!, rome!]);
      assert.equal(now.has(rome!), false, 'Rome was not deleted');
      assert.deepEqual(now.get(lyon!)!.attributes, { ...before.get(lyon!)!.attributes, population: 522250, role: null });
      assert.deepEqual(now.get(lyon!)!.geometry, before.get(lyon!)!.geometry);
      assert.deepEqual(now.get(marseille!)!.attributes, before.get(marseille!)!.attributes);
      assert.ok(near(now.get(marseille!)!.geometry!.coordinates, 5.4, 43.3), `Marseille at ${JSON.stringify(now.get(marseille!)!.geometry)}`);
      const added = [...now.values()].filter((f) => !before.has(f.fid));
      assert.equal(added.length, 1, `added: ${JSON.stringify(added)}`);
      assert.deepEqual(added[0]!.attributes, { name: 'Besançon', country: 'FRA', population: 117912, role: 'préfecture' });
      assert.ok(near(added[0]!.geometry!.coordinates, 6.0241, 47.2378), `Besançon at ${JSON.stringify(added[0]!.geometry)}`);
    });

    test('a polygon of a layer with an idField (countries.<iso_a3>): changeGeometry lands in x/y where it was drawn', async (ctx) => {
      const before = stored(edit, 'countries');
      const kenya = fidOf(before, 'Kenya');
      const wkt = 'MULTIPOLYGON(((34 -4, 42 -4, 42 5, 34 5, 34 -4)))';
      const { out, sent } = await qgis<EditResult>(ctx, t, 'edit', { version, typename: 'qgs:countries', ops: [{ op: 'geometry', where: { iso_a3: 'KEN' }, wkt }] });
      assert.ok(out.committed, `commitChanges failed: ${out.commitErrors.join('\n')}\n${out.messages.join('\n')}\n${requestsSince(sent, 0)}`);
      const now = assertUnchangedBut(edit, 'countries', before, [kenya]);
      assert.deepEqual(now.get(kenya)!.attributes, before.get(kenya)!.attributes);
      const ring = flatten(now.get(kenya)!.geometry!.coordinates);
      assert.deepEqual(ring, [[34, -4], [42, -4], [42, 5], [34, 5], [34, -4]], `Kenya stored as ${JSON.stringify(now.get(kenya)!.geometry)}`);
    });
    test('a country added, then changed in a second commit: QGIS updates it by the id the server reported (countries.RUR)', async (ctx) => {
      const before = stored(edit, 'countries');
      const ops: EditOp[] = [
        { op: 'add', attributes: { name: 'Ruritania', continent: 'Europe', pop_est: 1000, gdp_md: 10, iso_a3: 'RUR' }, wkt: 'MULTIPOLYGON(((20 50, 21 50, 21 51, 20 51, 20 50)))' },
        { op: 'commit' },
        { op: 'attributes', where: { iso_a3: 'RUR' }, attributes: { pop_est: 2000, continent: null } },
      ];
      const { out, sent } = await qgis<EditResult>(ctx, t, 'edit', { version, typename: 'qgs:countries', ops });
      assert.deepEqual(out.steps, [true, true, true]);
      assert.ok(out.committed, `commitChanges failed: ${out.commitErrors.join('\n')}\n${out.messages.join('\n')}\n${requestsSince(sent, 0)}`);
      assert.ok(sent.some((s) => /<(\w+:)?Update\b[\s\S]*fid="countries\.RUR"/.test(s.body)), `no Update of countries.RUR:\n${requestsSince(sent, 0)}`);
      const now = assertUnchangedBut(edit, 'countries', before, []);
      const added = [...now.values()].filter((f) => !before.has(f.fid));
      assert.equal(added.length, 1);
      assert.deepEqual(added[0]!.attributes, { name: 'Ruritania', continent: null, pop_est: 2000, gdp_md: 10, iso_a3: 'RUR' });
      assert.deepEqual(flatten(added[0]!.geometry!.coordinates), [[20, 50], [21, 50], [21, 51], [20, 51], [20, 50]]);
    });
  });

  describe(`QGIS WFS provider ${version}: edits that access control refuses`, { skip: tools.skip, timeout: 240_000 }, () => {
    let t: QgisTarget;
    let edit: EditServer;
    before(async () => {
      tools.assertTools();
      edit = await editServer([REFUSING], { cities: true, countries: true });
      t = await startTarget(edit);
    });
    after(async () => {
      await stopTarget(t);
      await edit?.project.remove();
    });

    /** Runs edits that must be refused: commitChanges fails (or QGIS refuses them itself) and nothing changes. */
    async function assertRefused(ctx: TestContext, layer: VectorLayerName, ops: EditOp[]): Promise<{ out: EditResult; sent: SeenRequest[] }> {
      const before = stored(edit, layer);
      const r = await qgis<EditResult>(ctx, t, 'edit', { version, typename: `qgs:${layer}`, ops });
      assert.ok(!r.out.committed || !r.out.started || r.out.steps.includes(false), `QGIS committed a refused edit: ${JSON.stringify(r.out)}`);
      assertUnchangedBut(edit, layer, before, []);
      assert.equal(stored(edit, layer).size, before.size, `${layer}: features added`);
      return r;
    }

    /** Asserts that QGIS sent the edit and the server refused it with a security exception. */
    function assertServerRefused(out: EditResult, sent: SeenRequest[], action: 'Insert' | 'Update' | 'Delete'): void {
      assert.equal(out.committed, false);
      assert.ok(sent.some((s) => new RegExp(`<(\\w+:)?${action}\\b`).test(s.body)), `QGIS sent no ${action}:\n${requestsSince(sent, 0)}`);
      assert.match(out.messages.join('\n'), /WFS exception report \(code=Security\b/);
    }

    // WFS 1.0.0 and 1.1.0 capabilities list the operations of each feature type, so QGIS knows beforehand what it
    // may not do; WFS 2.0 capabilities cannot say it per type, so QGIS tries and the server refuses.
    test('an insert into cities, whose canInsert is false: refused (by QGIS in 1.x, by the server in 2.0), nothing written', async (ctx) => {
      const { out, sent } = await assertRefused(ctx, 'cities', [CITY_EDITS[0]!]);
      if (version === '2.0.0') assertServerRefused(out, sent, 'Insert');
      else {
        assert.deepEqual(out.capabilities, { add: false, attributes: true, geometry: true, delete: true });
        assert.deepEqual(out.steps, [false]);
      }
    });

    test('an insert into secret, which is not editable: refused (by QGIS in 1.x, by the server in 2.0), nothing written', async (ctx) => {
      const { out, sent } = await assertRefused(ctx, 'secret', [{ op: 'add', attributes: { name: 'Site Delta', clearance: 2, note: 'new' }, wkt: 'POINT(1 2)' }]);
      if (version === '2.0.0') assertServerRefused(out, sent, 'Insert');
      else {
        assert.deepEqual(out.capabilities, NO_EDITING);
        assert.equal(out.started, false);
      }
    });

    test('an update that allowToEdit refuses (Paris): commitChanges fails with the server\'s refusal, nothing is written', async (ctx) => {
      const { out, sent } = await assertRefused(ctx, 'cities', [{ op: 'attributes', where: { name: 'Paris' }, attributes: { population: 1 } }]);
      assertServerRefused(out, sent, 'Update');
    });

    test('a delete that allowToEdit refuses (Paris): commitChanges fails with the server\'s refusal, Paris stays', async (ctx) => {
      const { out, sent } = await assertRefused(ctx, 'cities', [{ op: 'delete', where: { name: 'Paris' } }]);
      assertServerRefused(out, sent, 'Delete');
    });

    test('an allowed update next to the refused ones still goes through', async (ctx) => {
      const before = stored(edit, 'cities');
      const lyon = fidOf(before, 'Lyon');
      const { out } = await qgis<EditResult>(ctx, t, 'edit', { version, typename: 'qgs:cities', ops: [{ op: 'attributes', where: { name: 'Lyon' }, attributes: { population: 1 } }] });
      assert.ok(out.committed, out.commitErrors.join('\n'));
      const now = assertUnchangedBut(edit, 'cities', before, [lyon]);
      assert.equal(now.get(lyon)!.attributes['population'], 1);
    });
  });
}
