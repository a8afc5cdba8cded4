/**
 * GDAL's OAPIF driver (gdal-bin's ogrinfo / ogr2ogr) against OGC API Features over HTTP, checked against the source
 * files read by GDAL itself (ogr2ogr of the file with the same filters, through the same GeoJSON writer): the
 * collections it lists (only the readable ones under access control), whole layers read page by page through the
 * next links (PAGE_SIZE small), -spat sent as bbox, -where (what GDAL 3.6 pushes to the server and what it
 * evaluates itself), the temporal field as datetime, CRS (the collections' crs lists, GDAL's -t_srs against the
 * server's own crs=), and single features. A request-recording filter shows what GDAL sent, and the requests are
 * replayed so that a filter GDAL also applies locally cannot hide a server that ignores it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import gdal from 'gdal-async';
import { needTools, which } from '../helpers/procs.js';
import { loadProject } from '../../src/project/loader.js';
import type { VectorLayerDef } from '../../src/project/model.js';
import { CRS84 } from '../../src/ogcapi/features/crs.js';
import { apiServer, PROJECT, RESTRICTIVE } from '../ogcapi/features/support.js';
import { clientEnv, killClients, run, serveOverHttp, type HttpWms } from './support.js';

const OGRINFO = which('ogrinfo');
const OGR2OGR = which('ogr2ogr');
const tools = needTools({ ogrinfo: OGRINFO, ogr2ogr: OGR2OGR });
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

/** One request the server got: method, path and query (serveOverHttp's own log keeps no path). */
interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
}

/** An API server over HTTP with a log of the requests it got. */
interface Served {
  http: HttpWms;
  sent: Sent[];
}

/** Serves an API test server over HTTP, recording each request's path and query. */
async function serve(s: ReturnType<typeof apiServer>): Promise<Served> {
  const sent: Sent[] = [];
  s.iface.registerFilter({
    requestReady: (h) => {
      const url = new URL(h.url());
      sent.push({ method: h.method(), path: url.pathname, query: url.searchParams });
    },
  });
  return { http: await serveOverHttp(s), sent };
}

/** A feature as ogr2ogr writes it to GeoJSON, under the id the API gives it. */
interface Feat {
  id: string;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

/** Every position of GeoJSON coordinates, flattened. */
function flatten(c: unknown): number[][] {
  return typeof (c as unknown[])[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(flatten);
}

/**
 * The features of ogr2ogr's GeoJSON. Read through OAPIF, a string id becomes an `id` field (GDAL's FIDs are then
 * counters) and an integer id the FID; read from the source, the id is the layer's idField, else the FID.
 */
function parseFeatures(text: string, idField?: string): Feat[] {
  const fc = JSON.parse(text) as { features: Array<{ id?: number; properties: Record<string, unknown>; geometry: Feat['geometry'] }> };
  return fc.features.map((f) => {
    const properties = { ...f.properties };
    let id = String(f.id);
    if (idField) id = String(properties[idField]);
    else if (typeof properties['id'] === 'string') {
      id = properties['id'];
      delete properties['id'];
    }
    return { id, properties, geometry: f.geometry };
  });
}

/** Same coordinates within `tolerance` (GeoJSON written with a few decimals). */
function samePositions(a: number[][], b: number[][], tolerance: number): boolean {
  return a.length === b.length && a.every((p, i) => p.length >= 2 && Math.abs(p[0]! - b[i]![0]!) <= tolerance && Math.abs(p[1]! - b[i]![1]!) <= tolerance);
}

/** Asserts that a client got exactly the expected features, each once, with the same attributes and geometries. */
function assertSameFeatures(actual: Feat[], expected: Feat[], what: string, tolerance = 1e-9): void {
  const ids = actual.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length, `${what}: a feature arrived twice: ${ids.join(' ')}`);
  assert.deepEqual([...ids].sort(), expected.map((f) => f.id).sort(), `${what}: ids`);
  const byId = new Map(expected.map((f) => [f.id, f]));
  for (const f of actual) {
    const want = byId.get(f.id)!;
    assert.deepEqual(f.properties, want.properties, `${what}: ${f.id} attributes`);
    assert.equal(f.geometry?.type, want.geometry?.type, `${what}: ${f.id} geometry type`);
    if (f.geometry && want.geometry) {
      const [got, ref] = [flatten(f.geometry.coordinates), flatten(want.geometry.coordinates)];
      assert.ok(samePositions(got, ref, tolerance), `${what}: ${f.id} positions ${JSON.stringify(got.slice(0, 3))}… vs ${JSON.stringify(ref.slice(0, 3))}…`);
    }
  }
}

describe('OGC API Features with GDAL\'s OAPIF driver (ogrinfo, ogr2ogr)', { skip: tools.skip, timeout: 240_000 }, () => {
  let open: Served;
  let restricted: Served;
  let layers: VectorLayerDef[];
  const env = clientEnv({ GDAL_HTTP_TIMEOUT: '15', GDAL_HTTP_MAX_RETRY: '0', CPL_DEBUG: 'OFF' });

  before(async () => {
    tools.assertTools();
    open = await serve(apiServer());
    restricted = await serve(apiServer([RESTRICTIVE]));
    const project = await loadProject(PROJECT);
    layers = [...project.layers.values()].filter((l): l is VectorLayerDef => l.kind === 'vector' && l.services.includes('OAPIF'));
  });
  after(async () => {
    killClients();
    await open?.http.close();
    await restricted?.http.close();
  });

  const oapif = (s: Served) => `OAPIF:${s.http.url}ogcapi`;
  const layer = (name: string) => layers.find((l) => l.name === name)!;
  const describeSent = (s: Served, from: number) => s.sent.slice(from).map((r) => `${r.method} ${r.path}?${r.query}`).join('\n');
  /** The items requests among those the server got from index `from` on. */
  const itemsRequests = (s: Served, from: number, name: string) => s.sent.slice(from).filter((r) => r.path === `/ogcapi/collections/${name}/items`);

  /** Runs a GDAL program that must succeed; a failure shows GDAL's words and the requests the server got. */
  async function gdalRun(s: Served, program: string, args: string[]): Promise<string> {
    const from = s.sent.length;
    const r = await run(program, args, { env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, `${path.basename(program)} ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout.slice(0, 2000)}\nrequests:\n${describeSent(s, from)}`);
    assert.doesNotMatch(r.stderr, /ERROR/, `${r.stderr}\nrequests:\n${describeSent(s, from)}`);
    return r.stdout;
  }

  /** ogr2ogr of a collection through the API to GeoJSON; `args` go before the source (-spat, -where, -oo ...). */
  async function throughApi(s: Served, name: string, args: string[] = []): Promise<Feat[]> {
    return parseFeatures(await gdalRun(s, OGR2OGR!, ['-f', 'GeoJSON', '-preserve_fid', ...args, '/vsistdout/', oapif(s), name]));
  }

  /** The reference: ogr2ogr of the layer's source file with the same arguments. */
  async function fromSource(name: string, args: string[] = []): Promise<Feat[]> {
    const l = layer(name);
    return parseFeatures(await gdalRun(open, OGR2OGR!, ['-f', 'GeoJSON', '-preserve_fid', ...args, '/vsistdout/', l.source.connection]), l.idField);
  }

  /**
   * The number of features the server itself answered to the distinct items requests of one read (replayed), so
   * that GDAL's own filtering of what it got cannot hide a filter the server ignored.
   */
  async function replayCount(s: Served, requests: Sent[]): Promise<number> {
    let total = 0;
    for (const url of new Set(requests.map((r) => `${s.http.url}${r.path.slice(1)}?${r.query}`))) {
      const res = await fetch(url);
      const body = await res.text();
      assert.equal(res.status, 200, `${url}: ${body.slice(0, 300)}`);
      total += (JSON.parse(body) as { features: unknown[] }).features.length;
    }
    return total;
  }

  /** The source layer's feature count and extent (GDAL on the file). */
  function sourceSummary(name: string, where?: string): { count: number; extent: [number, number, number, number] } {
    const ds = gdal.open(layer(name).source.connection);
    try {
      const l = ds.layers.get(0);
      if (where) l.setAttributeFilter(where);
      const e = l.getExtent();
      return { count: l.features.count(), extent: [e.minX, e.minY, e.maxX, e.maxY] };
    } finally {
      ds.close();
    }
  }

  /** ogrinfo -so of one layer: title, geometry, feature count, extent and field names. */
  function summary(out: string): { title?: string; geometry?: string; count: number; extent: number[]; fields: string[] } {
    const extent = /^Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)$/m.exec(out);
    return {
      title: /^ {2}TITLE=(.*)$/m.exec(out)?.[1],
      geometry: /^Geometry: (.*)$/m.exec(out)?.[1],
      count: Number(/^Feature Count: (-?\d+)$/m.exec(out)?.[1] ?? NaN),
      extent: extent ? extent.slice(1).map(Number) : [],
      fields: [...out.matchAll(/^(\w+): \w+ \(\d+\.\d+\)$/gm)].map((m) => m[1]!),
    };
  }

  test('ogrinfo lists every vector collection once, with title and geometry type; feature count (numberMatched) and extent as the source\'s', async () => {
    const from = open.sent.length;
    const list = await gdalRun(open, OGRINFO!, ['-ro', '-so', '-q', oapif(open)]);
    const listed = [...list.matchAll(/^\d+: (\S+) \(title: ([^)]*)\) \(([^)]+)\)$/gm)].map((m) => ({ name: m[1]!, title: m[2]!, geometry: m[3]! }));
    assert.deepEqual(listed.map((l) => l.name), layers.map((l) => l.name), list);
    for (const l of layers) {
      const geometry = l.geometryType.replace(/^Multi(?=\w)/, 'Multi ');
      assert.deepEqual(listed.find((x) => x.name === l.name), { name: l.name, title: l.title, geometry }, `${l.name} in the list`);
      const s = summary(await gdalRun(open, OGRINFO!, ['-ro', '-so', oapif(open), l.name]));
      const want = sourceSummary(l.name);
      assert.equal(s.count, want.count, `${l.name}: feature count`);
      assert.equal(s.extent.length, 4, `${l.name}: an extent`);
      s.extent.forEach((v, i) => assert.ok(Math.abs(v - want.extent[i]!) < 1e-6, `${l.name}: extent ${s.extent} vs ${want.extent}`));
    }
    // The counts come from numberMatched of a first page: no layer was read through to count it.
    const items = open.sent.slice(from).filter((r) => r.path.endsWith('/items'));
    assert.ok(items.length > 0 && items.every((r) => !r.query.has('offset')), describeSent(open, from));
  });

  for (const pageSize of [2, 4]) {
    test(`ogr2ogr with PAGE_SIZE=${pageSize} reads every collection whole through the next links: the source's ids, attributes, geometries`, async () => {
      for (const l of layers) {
        const from = open.sent.length;
        const got = await throughApi(open, l.name, ['-oo', `PAGE_SIZE=${pageSize}`]);
        assertSameFeatures(got, await fromSource(l.name), `${l.name} PAGE_SIZE=${pageSize}`);
        const pages = itemsRequests(open, from, l.name);
        assert.ok(pages.every((r) => r.query.get('limit') === String(pageSize)), `every page asks limit=${pageSize}:\n${describeSent(open, from)}`);
        const offsets = [...new Set(pages.map((r) => Number(r.query.get('offset') ?? 0)))].sort((a, b) => a - b);
        const expected = Array.from({ length: Math.ceil(got.length / pageSize) }, (_, i) => i * pageSize);
        assert.deepEqual(offsets, expected, `the next links led GDAL through every page, and not past the end:\n${describeSent(open, from)}`);
      }
    });
  }

  test('-spat is sent as bbox; the features are the source\'s under the same spatial filter, and the server selected them itself', async () => {
    const cases: Array<[string, [number, number, number, number]]> = [
      ['cities', [-1, 42.5, 8, 50]],
      ['cities', [100, -30, 150, 40]],
      ['countries', [0, 40, 10, 50]],
      ['countries', [130, 30, 150, 40]],
      ['events', [-5, 40, 6, 49]],
    ];
    for (const [name, box] of cases) {
      const from = open.sent.length;
      const spat = ['-spat', ...box.map(String)];
      const got = await throughApi(open, name, ['-oo', 'PAGE_SIZE=2', ...spat]);
      const want = await fromSource(name, spat);
      assert.ok(want.length > 0, `${name} ${box}: a box that finds something`);
      assertSameFeatures(got, want, `${name} -spat ${box}`);
      const requests = itemsRequests(open, from, name).filter((r) => r.query.has('bbox'));
      assert.ok(requests.length > 0 && requests.every((r) => r.query.get('bbox')!.split(',').map(Number).every((v, i) => v === box[i])), `bbox=${box} sent:\n${describeSent(open, from)}`);
      assert.equal(await replayCount(open, requests), want.length, `the server's own selection for bbox=${box}`);
    }
  });

  test('-where on attributes: GDAL 3.6 finds no filter language it knows (it looks for cql-text) and filters the pages itself; the result is the source\'s', async () => {
    const cases: Array<[string, string]> = [
      ['cities', "population > 3000000 AND name LIKE 'B%'"],
      ['cities', "country = 'JPN' OR population < 1000000"],
      ['countries', "continent <> 'Europe'"],
      ['events', "kind = 'fair' AND visitors IS NOT NULL"],
    ];
    for (const [name, where] of cases) {
      const got = await throughApi(open, name, ['-oo', 'PAGE_SIZE=4', '-where', where]);
      const want = await fromSource(name, ['-where', where]);
      assert.ok(want.length > 0, `${where}: finds something`);
      assertSameFeatures(got, want, `${name} -where ${where}`);
    }
  });

  test('-where equality on a queryable is sent as property=value (GDAL reads the queryable parameters of the items path in the OpenAPI document)', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['cities', "country = 'DEU'", 'country', 'DEU'],
      ['countries', "continent = 'Europe'", 'continent', 'Europe'],
      ['events', "kind = 'music'", 'kind', 'music'],
    ];
    for (const [name, where, property, value] of cases) {
      const from = open.sent.length;
      const got = await throughApi(open, name, ['-where', where]);
      const want = await fromSource(name, ['-where', where]);
      assertSameFeatures(got, want, `${name} -where ${where}`);
      const requests = itemsRequests(open, from, name).filter((r) => r.query.get(property) === value);
      assert.ok(requests.length > 0, `GDAL sent ${property}=${value}: it did not, as the OpenAPI document lists no queryable parameter for the items of ${name}:\n${describeSent(open, from)}`);
      assert.equal(await replayCount(open, requests), want.length, `the server's own selection for ${property}=${value}`);
    }
  });

  test('-where on the temporal field becomes datetime (instant, interval, open ends), and the server\'s selection is the source\'s', async () => {
    // GDAL trusts the server for these (nothing is left to evaluate locally): the features are the server's choice.
    // The source is filtered on the date as text: OGR fails comparing the undated event's null date with a date.
    const day = 'CAST(day AS character(10))';
    const cases: Array<[string, string, string]> = [
      ["day = '2024-06-21T00:00:00Z'", `${day} = '2024/06/21'`, '2024-06-21T00:00:00Z'],
      ["day >= '2024-06-01T00:00:00Z' AND day <= '2024-06-30T23:59:59Z'", `${day} >= '2024/06/01' AND ${day} <= '2024/06/30'`, '2024-06-01T00:00:00Z/2024-06-30T23:59:59Z'],
      ["day > '2024-06-02T00:00:00Z'", `${day} > '2024/06/02'`, '2024-06-02T00:00:00Z/..'],
      ["day < '2024-06-02T00:00:00Z'", `${day} < '2024/06/02'`, '../2024-06-02T00:00:00Z'],
    ];
    for (const [where, sourceWhere, datetime] of cases) {
      const from = open.sent.length;
      const got = await throughApi(open, 'events', ['-where', where]);
      const want = await fromSource('events', ['-where', sourceWhere]);
      assert.ok(want.length > 0, `${sourceWhere}: finds something`);
      assertSameFeatures(got, want, `events -where ${where}`);
      const requests = itemsRequests(open, from, 'events').filter((r) => r.query.has('datetime'));
      assert.ok(requests.length > 0 && requests.every((r) => r.query.get('datetime') === datetime), `datetime=${datetime} sent:\n${describeSent(open, from)}`);
      assert.equal(await replayCount(open, requests), want.length, `the server's own selection for datetime=${datetime}`);
    }
  });

  test('GDAL 3.6 writes a date-only comparison as datetime=2024-06-21T (not RFC 3339): the server refuses it with a 400 naming datetime', async () => {
    const from = open.sent.length;
    const r = await run(OGR2OGR!, ['-f', 'GeoJSON', '/vsistdout/', oapif(open), 'events', '-where', "day = '2024-06-21'"], { env, timeoutMs: 60_000 });
    const sent = itemsRequests(open, from, 'events').map((s) => s.query.get('datetime')).filter((d) => d !== null);
    if (sent.every((d) => d === '2024-06-21' || d === '2024-06-21T00:00:00Z')) {
      // A GDAL that writes the date properly: then the answer must be the source's.
      assert.equal(r.code, 0, r.stderr);
      assertSameFeatures(parseFeatures(r.stdout), await fromSource('events', ['-where', "CAST(day AS character(10)) = '2024/06/21'"]), 'date-only -where');
      return;
    }
    assert.deepEqual(sent, ['2024-06-21T'], describeSent(open, from));
    assert.notEqual(r.code, 0, 'ogr2ogr stops');
    assert.match(r.stderr, /HTTP error code : 400/);
    assert.match(r.stderr, /"code":"InvalidParameterValue","description":"datetime \('2024-06-21T'\) is not an RFC 3339 date[^"]*","locator":"datetime"/, r.stderr);
  });

  test('CRS: GDAL reads the collections\' crs lists (CRS84 first) in CRS84 lon/lat; its -t_srs gives what the server answers to crs= (axis order as the EPSG defines it)', async () => {
    for (const name of ['cities', 'countries']) {
      const out = await gdalRun(open, OGRINFO!, ['-ro', '-so', '-mdd', 'json:metadata', oapif(open), name]);
      const block = /^Metadata \(json:metadata\):\n([\s\S]*?\n\}\n)/m.exec(out)?.[1];
      assert.ok(block, out);
      const meta = JSON.parse(block) as { crs: string[]; storageCrs: string };
      assert.equal(meta.crs[0], CRS84, `${name}: CRS84 first`);
      for (const uri of [EPSG(4326), EPSG(3857), EPSG(3035)]) assert.ok(meta.crs.includes(uri), `${name} offers ${uri}: ${meta.crs}`);
      assert.equal(meta.storageCrs, EPSG(4326));
      assert.match(out, /ID\["EPSG",4326\]\]\nData axis to CRS axis mapping: 2,1\n/, 'GDAL keeps lon/lat order (CRS84)');
    }
    const cases: Array<[string, number, boolean]> = [['cities', 3857, false], ['countries', 3857, false], ['cities', 3035, true], ['cities', 4326, true]];
    for (const [name, code, yx] of cases) {
      const mine = await throughApi(open, name, ['-t_srs', `EPSG:${code}`]);
      const res = await fetch(`${open.http.url}ogcapi/collections/${name}/items?limit=100&crs=${encodeURIComponent(EPSG(code))}`);
      assert.equal(res.headers.get('content-crs'), `<${EPSG(code)}>`);
      const served = (await res.json() as { features: Array<{ id: string | number; geometry: Feat['geometry'] }> }).features;
      assert.equal(served.length, mine.length, `${name} EPSG:${code}: every feature`);
      for (const f of mine) {
        const s = served.find((x) => String(x.id) === f.id);
        assert.ok(s, `${name} ${f.id} served`);
        // GDAL writes x (easting, longitude) first; EPSG:3035 and EPSG:4326 put northing / latitude first.
        const positions = flatten(s.geometry!.coordinates).map((p) => (yx ? [p[1]!, p[0]!] : p));
        const tolerance = code === 4326 ? 1e-6 : 1e-3;
        assert.ok(samePositions(positions, flatten(f.geometry!.coordinates), tolerance), `${name} ${f.id} in EPSG:${code}: ${JSON.stringify(positions.slice(0, 2))} vs ${JSON.stringify(flatten(f.geometry!.coordinates).slice(0, 2))}`);
      }
    }
  });

  test('one feature by id (ogrinfo -fid, -where id = …): the source\'s feature, or, where GDAL 3.6 appends /{id} after the items link\'s query, a clean JSON refusal', async () => {
    const cases: Array<[string, string[], string]> = [
      ['cities', ['-fid', '3'], '3'],
      ['countries', ['-where', "id = 'JPN'"], 'JPN'],
    ];
    for (const [name, args, id] of cases) {
      const from = open.sent.length;
      const r = await run(OGRINFO!, ['-ro', '-q', oapif(open), name, ...args], { env, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      const asked = open.sent.slice(from).filter((s) => s.path.startsWith(`/ogcapi/collections/${name}/items`) && !s.query.has('limit'));
      assert.ok(asked.length > 0 && asked.every((s) => `${s.path}?${s.query}` === `${asked[0]!.path}?${asked[0]!.query}`), describeSent(open, from));
      const want = (await fromSource(name)).find((f) => f.id === id)!;
      if (asked[0]!.path === `/ogcapi/collections/${name}/items/${id}`) {
        // A GDAL that asks the item resource gets the feature.
        assert.match(r.stdout, new RegExp(`name \\(String\\) = ${want.properties['name']}`), r.stdout);
        continue;
      }
      // GDAL 3.6: the items link is …/items?f=json, and it asks …/items?f=json/3. The server says why it cannot answer.
      assert.equal(asked[0]!.path, `/ogcapi/collections/${name}/items`);
      assert.equal(asked[0]!.query.get('f'), `json/${id}`);
      assert.doesNotMatch(r.stdout, /OGRFeature/, 'no feature from a refused request');
      const replay = await fetch(`${open.http.url}ogcapi/collections/${name}/items?${asked[0]!.query}`);
      assert.equal(replay.status, 406);
      assert.equal((await replay.json() as { code: string }).code, 'NotAcceptable');
      const item = await fetch(`${open.http.url}ogcapi/collections/${name}/items/${id}`);
      assert.equal(item.status, 200);
      assert.deepEqual((await item.json() as { properties: unknown }).properties, want.properties, `${name} ${id}: the item resource itself`);
    }
  });

  describe('under access control (secret hidden, countries without gdp_md nor Brazil, cities of 1 million or more, events without day)', () => {
    test('ogrinfo lists only the readable collections, with the counts, extents and fields access control leaves', async () => {
      const list = await gdalRun(restricted, OGRINFO!, ['-ro', '-so', '-q', oapif(restricted)]);
      assert.deepEqual([...list.matchAll(/^\d+: (\S+) /gm)].map((m) => m[1]), layers.map((l) => l.name).filter((n) => n !== 'secret'), list);
      const expected: Record<string, { where?: string; hidden: string[] }> = {
        countries: { where: "name <> 'Brazil'", hidden: ['gdp_md'] },
        cities: { where: 'population >= 1000000', hidden: [] },
        events: { hidden: ['day'] },
      };
      for (const [name, { where, hidden }] of Object.entries(expected)) {
        const s = summary(await gdalRun(restricted, OGRINFO!, ['-ro', '-so', oapif(restricted), name]));
        const want = sourceSummary(name, where);
        assert.equal(s.count, want.count, `${name}: feature count`);
        s.extent.forEach((v, i) => assert.ok(Math.abs(v - want.extent[i]!) < 1e-6, `${name}: extent ${s.extent} vs ${want.extent} (what may be read only)`));
        const fields = layer(name).fields.map((f) => f.name).filter((f) => !hidden.includes(f));
        assert.deepEqual(s.fields.filter((f) => f !== 'id'), fields, `${name}: fields`);
      }
    });

    test('ogr2ogr reads each readable collection whole: the source\'s features under the same filters, without the hidden fields', async () => {
      const cases: Array<[string, string[]]> = [
        ['countries', ['-where', "name <> 'Brazil'", '-select', 'name,continent,pop_est,iso_a3']],
        ['cities', ['-where', 'population >= 1000000']],
        ['events', ['-select', 'title,kind,starts,visitors']],
      ];
      for (const [name, args] of cases) {
        const from = restricted.sent.length;
        assertSameFeatures(await throughApi(restricted, name, ['-oo', 'PAGE_SIZE=4']), await fromSource(name, args), `${name} under access control`);
        assert.ok(itemsRequests(restricted, from, name).length >= 2, 'read page by page');
      }
    });

    test('a hidden collection cannot be opened, with the very error of one that does not exist', async () => {
      const attempt = async (name: string) => {
        const r = await run(OGRINFO!, ['-ro', '-so', `${oapif(restricted)}/collections/${name}`], { env, timeoutMs: 60_000 });
        return { code: r.code, errors: r.stderr.split('\n').filter((l) => l.startsWith('ERROR')).join('\n') };
      };
      const hidden = await attempt('secret');
      assert.notEqual(hidden.code, 0);
      assert.match(hidden.errors, /HTTP error code : 404/);
      const missing = await attempt('secrez');
      assert.deepEqual(hidden, { ...missing, errors: missing.errors.replaceAll('secrez', 'secret') });
      assert.match(await gdalRun(open, OGRINFO!, ['-ro', '-so', `${oapif(open)}/collections/secret`, 'secret']), /Feature Count: 3/, 'without access control it opens');
    });
  });
});
