/**
 * Clients no one of us wrote, against the API over real HTTP: GDAL's OAPIF driver (ogrinfo / ogr2ogr: paging
 * through next links, bbox pushed down, MAP kept) and OWSLib's OGC API - Features client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { clientEnv, killClients, PYTHON, run, serveOverHttp, type HttpWms } from '../../clients/support.js';
import { needTools, which } from '../../helpers/procs.js';
import { ROOT } from '../../support/server.js';
import { apiServer } from './support.js';

const SCRIPT = path.join(ROOT, 'test/ogcapi/features/owslib_features.py');
const OGRINFO = which('ogrinfo');
const OGR2OGR = which('ogr2ogr');
const tools = needTools({ ogrinfo: OGRINFO, ogr2ogr: OGR2OGR, python3: PYTHON });

/** Runs ogr2ogr to GeoJSON on stdout and returns the parsed collection. */
async function ogr2ogr(source: string, layer: string, ...extra: string[]): Promise<{ features: Array<{ properties: Record<string, unknown> }> }> {
  const r = await run(OGR2OGR!, ['-f', 'GeoJSON', '/vsistdout/', `OAPIF:${source}`, layer, ...extra], { env: clientEnv(), timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('OGC API Features: GDAL and OWSLib as clients', { skip: tools.skip, timeout: 120_000 }, () => {
  let http: HttpWms;
  before(async () => {
    tools.assertTools();
    http = await serveOverHttp(apiServer());
  });
  after(async () => {
    killClients();
    await http.close();
  });

  test('GDAL lists the collections with their geometry types', async () => {
    const r = await run(OGRINFO!, ['-ro', '-so', '-q', `OAPIF:${http.url}ogcapi`], { env: clientEnv(), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1: countries \(title: Countries\) \(Multi Polygon\)/);
    assert.match(r.stdout, /2: cities \(title: Cities\) \(Point\)/);
    assert.match(r.stdout, /3: events \(title: Events\) \(Point\)/);
    assert.ok(!r.stdout.includes('cities_map') && !r.stdout.includes('relief'));
  });

  test('GDAL reads a whole layer through the next links, and pushes bbox down', async () => {
    const before = http.seen.length;
    const all = await ogr2ogr(`${http.url}ogcapi`, 'cities');
    assert.equal(all.features.length, 15);
    assert.equal(new Set(all.features.map((f) => f.properties['name'])).size, 15);
    assert.ok(http.seen.slice(before).some((s) => s.params['OFFSET'] === '10'), 'the second page was asked through the next link');
    const box = await ogr2ogr(`${http.url}ogcapi`, 'cities', '-spat', '-1', '42.5', '8', '50');
    assert.deepEqual(box.features.map((f) => f.properties['name']), ['Paris', 'Lyon', 'Marseille']);
    assert.ok(http.seen.some((s) => s.params['BBOX'] === '-1,42.5,8,50'), 'bbox sent to the server');
  });

  test('GDAL keeps MAP through the API: every request names the project', async () => {
    const before = http.seen.length;
    const events = await ogr2ogr(`${http.url}ogcapi?MAP=ogcapi/project.yaml`, 'events', '-where', "kind = 'fair'");
    assert.deepEqual(events.features.map((f) => f.properties['title']), ['Spring fair', 'Book market', 'Undated gathering']);
    const seen = http.seen.slice(before);
    assert.ok(seen.length >= 2);
    for (const s of seen) assert.equal(s.params['MAP'], 'ogcapi/project.yaml');
  });

  test('OWSLib reads the landing page, conformance, API, collections, queryables, items and an item', async () => {
    const r = await run(PYTHON, [SCRIPT, `${http.url}ogcapi`], { env: clientEnv(), timeoutMs: 60_000 });
    const out = JSON.parse(r.stdout) as Record<string, any>;
    if (out['error'] !== undefined) assert.fail(`OWSLib raised ${out['type']}: ${out['error']}\n${out['trace']}`);
    assert.equal(out['title'], 'OGC API test project');
    assert.ok((out['conformance'] as string[]).includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
    assert.equal(out['openapi'], '3.0.3');
    assert.deepEqual(out['collections'], ['countries', 'cities', 'events', 'secret']);
    assert.deepEqual(out['feature_collections'], ['countries', 'cities', 'events', 'secret']);
    assert.deepEqual(out['collection'].spatial.bbox, [[-47.9297, -23.5475, 139.6917, 53.5511]]);
    assert.deepEqual(out['queryables'], ['country', 'geometry', 'name', 'population', 'role']);
    assert.deepEqual(out['items'], ['Lyon', 'Marseille', 'Berlin']);
    assert.deepEqual(out['bbox'], [1, 2, 3]);
    assert.deepEqual(out['filter'], [4, 6, 14]);
    assert.deepEqual(out['datetime'], [2, 3, 4, 5]);
    assert.equal(out['item'], 'Japan');
  });
});
