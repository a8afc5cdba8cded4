/**
 * OWSLib's OGC API - Features client (Debian python3-owslib 0.27, owslib.ogcapi.features.Features, driven by
 * owslib_features.py) against the API over HTTP, checked against the source files read with GDAL (gdal-async):
 * landing page, conformance, API definition, collections and one collection (extents), queryables (the fields and
 * their types), items page by page (limit / offset, numberMatched / numberReturned, next links), bbox, datetime,
 * CQL2 filters (text and JSON), sortby, properties, property=value, one item; OWSLib's own faults with a MAP in the
 * URL and its pre-standard `cql=` POST; and what it sees under access control.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import gdal from 'gdal-async';
import { needTools } from '../helpers/procs.js';
import { loadProject } from '../../src/project/loader.js';
import type { ProjectModel, VectorLayerDef } from '../../src/project/model.js';
import { CRS84 } from '../../src/ogcapi/features/crs.js';
import { apiServer, PROJECT, RESTRICTIVE } from '../ogcapi/features/support.js';
import { CLIENTS, killClients, owslibScript, PYTHON, serveOverHttp, type HttpWms } from './support.js';

const tools = needTools({
  python3: PYTHON, owslib: '/usr/lib/python3/dist-packages/owslib/ogcapi/features.py', script: path.join(CLIENTS, 'owslib_features.py'),
});
const owslib = owslibScript('owslib_features.py', 60_000);
const CONF = 'http://www.opengis.net/spec';

/** A GeoJSON geometry. */
interface Geometry {
  type: string;
  coordinates: unknown;
}

/** A feature as GeoJSON has it (the server's answer, or the source read by GDAL). */
interface Feat {
  id: string | number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
}

/** A FeatureCollection page. */
interface Page {
  features: Feat[];
  numberMatched: number;
  numberReturned: number;
  links: Array<{ rel: string; href: string; type?: string }>;
}

/** One call of owslib_features.py: its result and the URL OWSLib asked, or what OWSLib raised. */
interface Outcome {
  result?: any;
  request?: string | null;
  error?: string;
  type?: string;
}

/** A call of the Features object: name, positional and keyword arguments. */
type Call = [string, unknown[]?, Record<string, unknown>?];

const pad = (n: number, w = 2) => String(Math.trunc(n)).padStart(w, '0');

/** An OGR date / date-time value (gdal-async's object) as RFC 3339 text, as GeoJSON writes it. */
function timeText(v: unknown, type: string): unknown {
  if (v === null || typeof v !== 'object') return v;
  const d = v as { year: number; month: number; day: number; hour?: number; minute?: number; second?: number; timezone?: number };
  const date = `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
  if (type === 'date') return date;
  const tz = d.timezone ?? 0;
  const offset = tz <= 1 ? '' : tz === 100 ? 'Z' : `${tz > 100 ? '+' : '-'}${pad(Math.abs(tz - 100) / 4)}:${pad((Math.abs(tz - 100) % 4) * 15)}`;
  return `${date}T${pad(d.hour ?? 0)}:${pad(d.minute ?? 0)}:${pad(d.second ?? 0)}${offset}`;
}

/** Every position of GeoJSON coordinates, flattened. */
function flatten(c: unknown): number[][] {
  return typeof (c as unknown[])[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(flatten);
}

/** Asserts that a client got exactly the expected features, each once, with the same attributes and positions. */
function assertSameFeatures(actual: Feat[], expected: Feat[], what: string): void {
  const ids = actual.map((f) => String(f.id));
  assert.equal(new Set(ids).size, ids.length, `${what}: a feature arrived twice: ${ids.join(' ')}`);
  assert.deepEqual([...ids].sort(), expected.map((f) => String(f.id)).sort(), `${what}: ids`);
  for (const f of actual) {
    const want = expected.find((w) => String(w.id) === String(f.id))!;
    assert.deepEqual(f.properties, want.properties, `${what}: ${f.id} attributes`);
    assert.equal(f.geometry?.type, want.geometry?.type, `${what}: ${f.id} geometry type`);
    const [got, ref] = [flatten(f.geometry?.coordinates ?? []), flatten(want.geometry?.coordinates ?? [])];
    assert.ok(got.length === ref.length && got.every((p, i) => Math.abs(p[0]! - ref[i]![0]!) < 1e-9 && Math.abs(p[1]! - ref[i]![1]!) < 1e-9), `${what}: ${f.id} positions`);
  }
}

describe('OGC API Features with OWSLib', { skip: tools.skip, timeout: 240_000 }, () => {
  let open: HttpWms;
  let restricted: HttpWms;
  let noDefault: HttpWms & { sent: string[] };
  let project: ProjectModel;
  let layers: VectorLayerDef[];

  before(async () => {
    tools.assertTools();
    open = await serveOverHttp(apiServer());
    restricted = await serveOverHttp(apiServer([RESTRICTIVE]));
    // A server without a default project: every request must name it (MAP); each request's path and query is kept.
    const bare = apiServer([], { projectFile: null });
    const sent: string[] = [];
    bare.iface.registerFilter({ requestReady: (h) => void sent.push(`${h.method()} ${new URL(h.url()).pathname}${new URL(h.url()).search}`) });
    noDefault = Object.assign(await serveOverHttp(bare), { sent });
    project = await loadProject(PROJECT);
    layers = [...project.layers.values()].filter((l): l is VectorLayerDef => l.kind === 'vector' && l.services.includes('OAPIF'));
  });
  after(async () => {
    killClients();
    await open?.close();
    await restricted?.close();
    await noDefault?.close();
  });

  const layer = (name: string) => layers.find((l) => l.name === name)!;

  /** Runs calls in one OWSLib session on an API root (default: the open server's); one outcome per call. */
  async function ask(calls: Call[], root = `${open.url}ogcapi`, headers?: Record<string, string>): Promise<Outcome[]> {
    const specs = calls.map(([call, args = [], kwargs = {}]) => ({ call, args, kwargs }));
    const out = (await owslib(root, JSON.stringify(specs), JSON.stringify({ headers: headers ?? {} }))) as { results: Outcome[] };
    assert.equal(out.results.length, calls.length);
    return out.results;
  }

  /** The results of calls that must all succeed; a failure shows OWSLib's words. */
  async function results(calls: Call[], root?: string): Promise<any[]> {
    const out = await ask(calls, root);
    out.forEach((o, i) => assert.equal(o.error, undefined, `${JSON.stringify(calls[i])}: OWSLib raised ${o.type}: ${o.error}`));
    return out.map((o) => o.result);
  }

  /** The source's features of a layer (GDAL on the file), published fields only, optionally filtered by OGR. */
  function source(name: string, options: { where?: string; bbox?: [number, number, number, number] } = {}): Feat[] {
    const l = layer(name);
    const ds = gdal.open(l.source.connection);
    try {
      const ogr = ds.layers.get(0);
      if (options.where) ogr.setAttributeFilter(options.where);
      if (options.bbox) ogr.setSpatialFilter(...options.bbox);
      const types = new Map(ogr.fields.map((f) => [f.name, f.type]));
      const out: Feat[] = [];
      for (const f of ogr.features) {
        const all = f.fields.toObject() as Record<string, unknown>;
        const properties = Object.fromEntries(l.fields.map((fd) => [fd.name, timeText(all[fd.name], types.get(fd.name) ?? '')]));
        const id = l.idField ? String(all[l.idField]) : f.fid;
        out.push({ id, properties, geometry: JSON.parse(f.getGeometry()!.toJSON()) as Geometry });
      }
      return out;
    } finally {
      ds.close();
    }
  }

  /** The source layer's extent (minx, miny, maxx, maxy). */
  function sourceExtent(name: string): number[] {
    const ds = gdal.open(layer(name).source.connection);
    try {
      const e = ds.layers.get(0).getExtent();
      return [e.minX, e.minY, e.maxX, e.maxY];
    } finally {
      ds.close();
    }
  }

  test('landing page, conformance and API definition', async () => {
    const [landing, conformance, api] = await results([['landing'], ['conformance'], ['api']]);
    assert.equal(landing.title, project.service.title);
    for (const cls of [
      'ogcapi-features-1/1.0/conf/core', 'ogcapi-features-1/1.0/conf/oas30', 'ogcapi-features-1/1.0/conf/geojson', 'ogcapi-features-1/1.0/conf/html',
      'ogcapi-features-2/1.0/conf/crs', 'ogcapi-features-3/1.0/conf/queryables', 'ogcapi-features-3/1.0/conf/filter',
      'ogcapi-features-3/1.0/conf/features-filter', 'cql2/1.0/conf/cql2-text', 'cql2/1.0/conf/cql2-json',
    ]) assert.ok(conformance.conformsTo.includes(`${CONF}/${cls}`), `conforms to ${cls}`);
    assert.equal(api.openapi, '3.0.3');
    for (const p of ['/collections', '/collections/{collectionId}', '/collections/{collectionId}/items', '/collections/{collectionId}/items/{featureId}', '/collections/{collectionId}/queryables']) {
      assert.ok(api.paths[p]?.get, `the API definition has GET ${p}`);
    }
  });

  test('collections, feature_collections and collection: the project\'s vector layers, with titles, the source\'s extents and their CRSs', async () => {
    const names = layers.map((l) => l.name);
    const [collections, featureCollections, ...each] = await results([['collections'], ['feature_collections'], ...names.map((n): Call => ['collection', [n]])]);
    assert.deepEqual(collections.collections.map((c: { id: string }) => c.id), names);
    assert.deepEqual(featureCollections, names);
    each.forEach((c, i) => {
      const l = layers[i]!;
      assert.equal(c.id, l.name);
      assert.equal(c.title, l.title);
      const bbox = c.extent.spatial.bbox[0] as number[];
      bbox.forEach((v, k) => assert.ok(Math.abs(v - sourceExtent(l.name)[k]!) < 1e-9, `${l.name} extent ${bbox} vs ${sourceExtent(l.name)}`));
      assert.equal(c.crs[0], CRS84, `${l.name}: CRS84 first`);
      assert.equal(c.storageCrs, 'http://www.opengis.net/def/crs/EPSG/0/4326');
      assert.ok(c.links.some((k: { rel: string; type: string }) => k.rel === 'items' && k.type === 'application/geo+json'), `${l.name}: an items link`);
    });
  });

  test('collection_queryables: the geometry and the source\'s fields, with their types', async () => {
    const schema: Record<string, Record<string, unknown>> = {
      string: { type: 'string' }, integer: { type: 'integer' }, integer64: { type: 'integer' }, real: { type: 'number' },
      date: { type: 'string', format: 'date' }, dateTime: { type: 'string', format: 'date-time' },
    };
    const all = await results(layers.map((l): Call => ['collection_queryables', [l.name]]));
    all.forEach((q, i) => {
      const l = layers[i]!;
      const ds = gdal.open(l.source.connection);
      const types = new Map(ds.layers.get(0).fields.map((f) => [f.name, f.type]));
      ds.close();
      assert.deepEqual(Object.keys(q.properties), ['geometry', ...l.fields.map((f) => f.name)], `${l.name}: queryables`);
      assert.equal(q.properties.geometry.format, `geometry-${l.geometryType.toLowerCase()}`);
      for (const f of l.fields) {
        const { title, ...rest } = q.properties[f.name] as Record<string, unknown>;
        assert.deepEqual(rest, schema[types.get(f.name)!], `${l.name}.${f.name} (${types.get(f.name)})`);
        assert.equal(title, f.alias !== f.name ? f.alias : undefined, `${l.name}.${f.name}: the alias as title`);
      }
    });
  });

  test('collection_items pages through every collection (limit, offset): counts, next links, and the source\'s features', async () => {
    const limit = 4;
    for (const l of layers) {
      const want = source(l.name);
      const offsets = Array.from({ length: Math.ceil(want.length / limit) + 1 }, (_, i) => i * limit);
      const pages = (await results(offsets.map((offset): Call => ['collection_items', [l.name], { limit, offset }]))) as Page[];
      pages.forEach((page, i) => {
        const offset = offsets[i]!;
        const returned = Math.max(0, Math.min(limit, want.length - offset));
        assert.equal(page.numberMatched, want.length, `${l.name} at ${offset}: numberMatched`);
        assert.equal(page.numberReturned, returned, `${l.name} at ${offset}: numberReturned`);
        assert.equal(page.features.length, returned);
        const next = page.links.find((k) => k.rel === 'next');
        if (offset + limit < want.length) {
          const href = new URL(next?.href ?? 'http://x/');
          assert.deepEqual([href.searchParams.get('offset'), href.searchParams.get('limit')], [String(offset + limit), String(limit)], `${l.name} at ${offset}: next link`);
          assert.equal(next!.type, 'application/geo+json');
        } else assert.equal(next, undefined, `${l.name} at ${offset}: no next link on the last page`);
      });
      assertSameFeatures(pages.flatMap((p) => p.features), want, `${l.name} in pages of ${limit}`);
    }
  });

  test('collection_items with bbox, CQL2 filters (text and JSON), property=value: the source\'s selection (OGR\'s on the file)', async () => {
    const cases: Array<[string, Record<string, unknown>, { where?: string; bbox?: [number, number, number, number] }]> = [
      ['cities', { bbox: [-1, 42.5, 8, 50] }, { bbox: [-1, 42.5, 8, 50] }],
      ['countries', { bbox: [0, 40, 10, 50] }, { bbox: [0, 40, 10, 50] }],
      ['cities', { filter: "population > 3000000 AND role = 'capital'" }, { where: "population > 3000000 AND role = 'capital'" }],
      ['cities', { filter: "name LIKE 'B%' OR country IN ('JPN', 'KEN')" }, { where: "name LIKE 'B%' OR country IN ('JPN', 'KEN')" }],
      ['countries', { filter: JSON.stringify({ op: 'and', args: [{ op: '=', args: [{ property: 'continent' }, 'Europe'] }, { op: '<', args: [{ property: 'pop_est' }, 65000000] }] }), 'filter-lang': 'cql2-json' }, { where: "continent = 'Europe' AND pop_est < 65000000" }],
      ['events', { filter: "kind <> 'fair' AND visitors >= 1000" }, { where: "kind <> 'fair' AND visitors >= 1000" }],
      ['cities', { country: 'DEU' }, { where: "country = 'DEU'" }],
      ['cities', { bbox: [-10, 35, 20, 60], filter: 'population < 2000000' }, { bbox: [-10, 35, 20, 60], where: 'population < 2000000' }],
    ];
    const pages = (await results(cases.map(([name, kwargs]): Call => ['collection_items', [name], { limit: 100, ...kwargs }]))) as Page[];
    pages.forEach((page, i) => {
      const [name, kwargs, filters] = cases[i]!;
      const want = source(name, filters);
      assert.ok(want.length > 0, `${JSON.stringify(kwargs)} finds something`);
      assert.equal(page.numberMatched, want.length, `${name} ${JSON.stringify(kwargs)}: numberMatched`);
      assertSameFeatures(page.features, want, `${name} ${JSON.stringify(kwargs)}`);
    });
  });

  test('collection_items with datetime (instant, interval, open ends), sortby and properties', async () => {
    const dated = source('events');
    const day = (f: Feat) => f.properties['day'] as string | null;
    const cases: Array<[string, (f: Feat) => boolean]> = [
      ['2024-06-21', (f) => day(f) === '2024-06-21'],
      ['2024-06-01/2024-06-30', (f) => day(f) !== null && day(f)! >= '2024-06-01' && day(f)! <= '2024-06-30'],
      ['../2024-06-01', (f) => day(f) !== null && day(f)! <= '2024-06-01'],
      ['2024-06-02/..', (f) => day(f) !== null && day(f)! >= '2024-06-02'],
    ];
    const outs = await results([
      ...cases.map(([datetime]): Call => ['collection_items', ['events'], { datetime }]),
      ['collection_items', ['cities'], { sortby: '-population', limit: 3 }],
      ['collection_items', ['cities'], { sortby: 'country,-name', limit: 100 }],
      ['collection_items', ['cities'], { properties: 'name,population', limit: 100 }],
    ]) as Page[];
    cases.forEach(([datetime, keep], i) => assertSameFeatures(outs[i]!.features, dated.filter(keep), `datetime=${datetime}`));
    const cities = source('cities');
    const [top, sorted, some] = outs.slice(cases.length);
    const byPopulation = [...cities].sort((a, b) => Number(b.properties['population']) - Number(a.properties['population']));
    assert.deepEqual(top!.features.map((f) => f.id), byPopulation.slice(0, 3).map((f) => f.id), 'sortby=-population');
    const order = (a: unknown, b: unknown) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
    const byCountryThenName = [...cities].sort((a, b) => order(a.properties['country'], b.properties['country']) || order(b.properties['name'], a.properties['name']));
    assert.deepEqual(sorted!.features.map((f) => f.properties['name']), byCountryThenName.map((f) => f.properties['name']), 'sortby=country,-name');
    assertSameFeatures(some!.features, cities.map((f) => ({ ...f, properties: { name: f.properties['name'], population: f.properties['population'] } })), 'properties=name,population');
  });

  test('collection_item gives each feature as the source has it; a missing one raises OWSLib\'s RuntimeError with the server\'s 404', async () => {
    const wanted = layers.flatMap((l) => source(l.name).map((f) => [l.name, f] as const));
    const outs = await ask([...wanted.map(([name, f]): Call => ['collection_item', [name, String(f.id)]]), ['collection_item', ['cities', '99']], ['collection_item', ['countries', 'XYZ']]]);
    wanted.forEach(([name, f], i) => {
      assert.equal(outs[i]!.error, undefined, `${name} ${f.id}: ${outs[i]!.error}`);
      assertSameFeatures([outs[i]!.result as Feat], [f], `${name} item ${f.id}`);
    });
    for (const [o, name, id] of [[outs[wanted.length]!, 'cities', '99'], [outs[wanted.length + 1]!, 'countries', 'XYZ']] as const) {
      assert.equal(o.type, 'RuntimeError');
      assert.deepEqual(JSON.parse(o.error!), { code: 'NotFound', description: `The collection '${name}' has no feature '${id}'`, locator: 'featureId' });
    }
  });

  test('OWSLib 0.27 with MAP in the URL: its constructor drops the query string (shown), the script fetches the landing page again; every other call keeps MAP', async () => {
    const from = noDefault.sent.length;
    const outs = await ask([['constructed_landing'], ['landing'], ['collections'], ['collection_items', ['cities'], { limit: 2 }], ['collection_item', ['countries', 'JPN']]], `${noDefault.url}ogcapi?MAP=ogcapi/project.yaml`);
    // OWSLib's own request: /ogcapi/ without MAP, which this server (no default project) must refuse.
    assert.equal(outs[0]!.result.code, 'MissingParameterValue', JSON.stringify(outs[0]));
    assert.equal(noDefault.sent[from], 'GET /ogcapi/');
    for (const o of outs.slice(1)) assert.equal(o.error, undefined, o.error);
    assert.equal(outs[1]!.result.title, project.service.title);
    assert.deepEqual(outs[2]!.result.collections.map((c: { id: string }) => c.id), layers.map((l) => l.name));
    assert.equal(outs[3]!.result.numberMatched, source('cities').length);
    assert.equal(outs[4]!.result.properties.name, 'Japan');
    const rest = noDefault.sent.slice(from + 1);
    assert.ok(rest.length >= 4 && rest.every((s) => /[?&]MAP=ogcapi(%2F|\/)project\.yaml(&|$)/.test(s)), rest.join('\n'));
    // The links the server gives keep MAP too, so a client following them stays on the project.
    const next = (outs[3]!.result as Page).links.find((k) => k.rel === 'next')!;
    assert.equal(new URL(next.href).searchParams.get('MAP'), 'ogcapi/project.yaml');
  });

  test('OWSLib\'s pre-standard cql= (a POST of CQL JSON to items) is refused with an OGC API exception and changes nothing; filter-lang=cql2-json is the way', async () => {
    const cql = { op: '>', args: [{ property: 'population' }, 3000000] };
    const [posted, counted, filtered] = await ask([
      ['collection_items', ['cities'], { cql }],
      ['collection_items', ['cities'], { limit: 1 }],
      ['collection_items', ['cities'], { filter: JSON.stringify(cql), 'filter-lang': 'cql2-json', limit: 100 }],
    ]);
    assert.equal(posted!.type, 'RuntimeError', JSON.stringify(posted));
    const refusal = JSON.parse(posted!.error!) as { code: string; description: string };
    assert.ok(refusal.code && refusal.description, posted!.error);
    assert.equal(counted!.result.numberMatched, source('cities').length, 'nothing was added');
    assertSameFeatures(filtered!.result.features, source('cities', { where: 'population > 3000000' }), 'filter-lang=cql2-json');
  });

  test('under access control OWSLib sees only what may be read; hidden things answer as missing ones', async () => {
    const root = `${restricted.url}ogcapi`;
    const outs = await ask([
      ['feature_collections'],
      ['collection_queryables', ['countries']],
      ['collection_items', ['countries'], { limit: 100 }],
      ['collection_items', ['cities'], { limit: 100 }],
      ['collection_item', ['countries', 'BRA']],
      ['collection_item', ['countries', 'BRZ']],
      ['collection', ['secret']],
      ['collection', ['secrez']],
      ['collection_items', ['countries'], { filter: 'gdp_md > 0' }],
      ['collection_items', ['countries'], { filter: 'gdp_mz > 0' }],
    ], root);
    const [collections, queryables, countries, cities, bra, brz, secret, secrez, hiddenField, missingField] = outs.map((o) => o!);
    assert.deepEqual(collections.result, layers.map((l) => l.name).filter((n) => n !== 'secret'));
    assert.ok(!('gdp_md' in queryables.result.properties) && 'pop_est' in queryables.result.properties, JSON.stringify(queryables.result.properties));
    const visible = (f: Feat) => ({ ...f, properties: Object.fromEntries(Object.entries(f.properties).filter(([k]) => k !== 'gdp_md')) });
    assertSameFeatures(countries.result.features, source('countries', { where: "name <> 'Brazil'" }).map(visible), 'countries under access control');
    assert.equal(countries.result.numberMatched, 6);
    assertSameFeatures(cities.result.features, source('cities', { where: 'population >= 1000000' }), 'cities under access control');
    for (const [hidden, missing, a, b] of [[bra, brz, 'BRA', 'BRZ'], [secret, secrez, 'secret', 'secrez'], [hiddenField, missingField, 'gdp_md', 'gdp_mz']] as const) {
      assert.equal(hidden.type, 'RuntimeError', `${a}: refused`);
      assert.equal(hidden.error, missing.error!.replaceAll(b, a), `${a} answers as ${b}`);
    }
  });
});
