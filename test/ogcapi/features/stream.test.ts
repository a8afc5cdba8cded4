/**
 * Items stream like WFS GetFeature, on a generated GeoPackage of 30,000 points: sendResponse runs per chunk,
 * every feature of a big page arrives, and a client that hangs up stops the read.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BufferRequest } from '../../../src/server/request.js';
import { HangUp, makePoints, spyOnReads } from '../../support/streaming.js';
import { apiServer, get } from './support.js';

const N = 30_000;

describe(`OGC API Features: streaming items (${N} points)`, () => {
  let dir = '';
  let s: ReturnType<typeof apiServer>;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ogcapi-stream-'));
    await makePoints(path.join(dir, 'points.gpkg'), N, 0.01);
    const file = path.join(dir, 'project.yaml');
    writeFileSync(file, ['service:', '  title: big', 'layers:', '  - name: points', '    source: points.gpkg', ''].join('\n'));
    s = apiServer([], { projectFile: file, projectsDir: dir, dataSnapshot: false }, { maxFeatures: 50_000 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('sendResponse filters run once per flushed chunk; every feature of the page arrives', async () => {
    let calls = 0;
    s.iface.registerFilter({ sendResponse: () => void calls++ }, 10);
    const r = await get(s, '/ogcapi/collections/points/items?limit=20000&offset=5000');
    assert.equal(r.status, 200);
    const chunks = r.response.chunkCount();
    assert.ok(chunks > 10, `streamed in ${chunks} chunks`);
    assert.ok(calls >= chunks && calls <= chunks + 2, `${calls} sendResponse calls for ${chunks} chunks`);
    assert.equal(r.json.features.length, 20_000);
    assert.equal(r.json.features[0].properties.value, 5000);
    assert.equal(r.json.features[19_999].properties.value, 24_999);
    assert.equal(r.json.numberMatched, N, 'a full page: counted');
    assert.equal(new URL(r.json.links.find((l: { rel: string }) => l.rel === 'next').href).searchParams.get('offset'), '25000');
  });

  test('a client that hangs up stops the read', async () => {
    const spy = spyOnReads(s.server);
    const response = new HangUp(2);
    await s.server.handleRequest(new BufferRequest(new URL('/ogcapi/collections/points/items?limit=30000', 'http://localhost/'), 'GET', {}), response);
    assert.equal(response.chunkCount(), 2);
    assert.ok(spy.pulled < 10_000, `read ${spy.pulled} of ${N} features`);
    assert.equal(spy.closed, 1, 'the read was closed');
  });

  test('a filtered, sorted page of the big layer', async () => {
    const r = await get(s, `/ogcapi/collections/points/items?limit=3&sortby=-value&filter=${encodeURIComponent('value < 1000')}`);
    assert.deepEqual(r.json.features.map((f: { properties: { value: number } }) => f.properties.value), [999, 998, 997]);
    assert.equal(r.json.numberMatched, 1000);
  });
});
