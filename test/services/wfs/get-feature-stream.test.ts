/**
 * GetFeature streaming on a generated GeoPackage: sendResponse runs per chunk, a client that hangs up stops the
 * read, and the reader never runs ahead of the client. Set OWS_WFS_1M=1 to also measure a 1,000,000-point layer
 * (first byte, total time, MB/s, peak RSS: printed, not asserted).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BufferRequest } from '../../../src/server/request.js';
import { BufferResponse, ServerResponse } from '../../../src/server/response.js';
import { testServer } from '../../support/server.js';
import { HangUp, makePoints, spyOnReads } from '../../support/streaming.js';
import { wfs } from './support.js';

function project(dir: string): string {
  const file = path.join(dir, 'project.yaml');
  writeFileSync(file, ['service:', '  title: big', 'layers:', '  - name: points', '    source: points.gpkg', '    fields: [name, value]', ''].join('\n'));
  return file;
}

describe('GetFeature streaming (200,000 points)', () => {
  const N = 200_000;
  let dir = '';
  let s: ReturnType<typeof testServer>;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wfs-stream-'));
    await makePoints(path.join(dir, 'points.gpkg'), N, 0.0005);
    s = testServer({ projectFile: project(dir), projectsDir: dir, dataSnapshot: false }, { coreServices: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('sendResponse filters run once per flushed chunk; every feature arrives', async () => {
    let calls = 0;
    s.iface.registerFilter({ sendResponse: () => void calls++ }, 10);
    const r = await wfs(s, 'REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=points&OUTPUTFORMAT=GeoJSON');
    assert.equal(r.status, 200);
    const chunks = r.response.chunkCount();
    assert.ok(chunks > 50, `streamed in ${chunks} chunks`);
    assert.ok(calls >= chunks && calls <= chunks + 2, `${calls} sendResponse calls for ${chunks} chunks`);
    const doc = JSON.parse(r.body);
    assert.equal(doc.features.length, N);
    assert.equal(doc.numberReturned, N);
    assert.equal(doc.features[N - 1].properties.value, N - 1);
  });

  for (const [name, format] of [['GeoJSON', 'GeoJSON'], ['GML 3.2', 'GML32'], ['GML 2', 'GML2']] as const) {
    test(`${name}: a client that hangs up stops the read`, async () => {
      const spy = spyOnReads(s.server);
      const response = new HangUp(3);
      const url = new URL(`/ows?SERVICE=WFS&REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=points&OUTPUTFORMAT=${format}`, 'http://localhost/');
      await s.server.handleRequest(new BufferRequest(url, 'GET', {}), response);
      assert.equal(response.chunkCount(), 3);
      assert.ok(spy.pulled < 20_000, `read ${spy.pulled} of ${N} features`);
      assert.equal(spy.closed, 1, 'the read was closed');
    });
  }
});

/** A response that keeps nothing: counts bytes, notes the first byte's time. */
class Sink extends ServerResponse {
  bytes = 0;
  firstByte = 0;
  protected sendHeaders(): void {}
  protected async sendChunk(chunk: Buffer): Promise<void> {
    if (this.bytes === 0) this.firstByte = performance.now();
    this.bytes += chunk.length;
  }
  protected async sendEnd(): Promise<void> {}
}

describe('GetFeature of 1,000,000 points (OWS_WFS_1M=1)', { skip: process.env['OWS_WFS_1M'] !== '1' }, () => {
  const N = 1_000_000;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wfs-1m-'));
    const t = performance.now();
    await makePoints(path.join(dir, 'points.gpkg'), N, 0.0005);
    console.log(`# generated ${N} points in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const snapshot of [false, true] as const) {
    for (const [name, q] of [
      ['GeoJSON', 'VERSION=2.0.0&TYPENAMES=points&OUTPUTFORMAT=GeoJSON'],
      ['GML 3.2', 'VERSION=2.0.0&TYPENAMES=points'],
      ['GML 3.1.1', 'VERSION=1.1.0&TYPENAME=points'],
    ] as const) {
      test(`${name}, snapshots ${snapshot ? 'on (loaded first)' : 'off'}: first byte, total, MB/s, peak RSS`, async () => {
        const s = testServer({ projectFile: project(dir), projectsDir: dir, dataSnapshot: snapshot ? 'wait' : false }, { coreServices: true });
        // A first small request loads the project (and, with snapshots, the layer): what follows is a warm worker.
        await s.server.handleRequest(new BufferRequest(new URL('/ows?SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=points&COUNT=1', 'http://localhost/'), 'GET', {}), new BufferResponse());
        globalThis.gc?.();
        const base = process.memoryUsage().rss;
        let peak = base;
        const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
        const response = new Sink();
        const t0 = performance.now();
        await s.server.handleRequest(new BufferRequest(new URL(`/ows?SERVICE=WFS&REQUEST=GetFeature&${q}`, 'http://localhost/'), 'GET', {}), response);
        const total = performance.now() - t0;
        clearInterval(timer);
        peak = Math.max(peak, process.memoryUsage().rss);
        assert.equal(response.statusCode(), 200);
        console.log(`# ${name} snapshots=${snapshot}: first byte ${(response.firstByte - t0).toFixed(0)} ms, total ${(total / 1000).toFixed(2)} s, `
          + `${(response.bytes / 1e6).toFixed(0)} MB, ${(response.bytes / 1e6 / (total / 1000)).toFixed(0)} MB/s, `
          + `RSS before ${(base / 1e6).toFixed(0)} MB, peak ${(peak / 1e6).toFixed(0)} MB`);
        await s.server.data.close();
      });
    }
  }
});
