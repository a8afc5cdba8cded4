import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, symlink, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { Server } from '../../src/server/server.js';
import { BufferRequest } from '../../src/server/request.js';
import { BufferResponse, type ServerResponse } from '../../src/server/response.js';
import type { ServerRequest } from '../../src/server/request.js';
import type { RequestHandler } from '../../src/server/request-handler.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import { ServerFilter } from '../../src/filters/server-filter.js';
import type { ServiceLike } from '../../src/server/service.js';
import type { Project } from '../../src/project/project.js';
import { call, testServer } from '../support/server.js';

/** A service recording what it was given. */
function service(name: string, version: string, run: (req: ServerRequest, res: ServerResponse, project: Project | null) => void | Promise<void>): ServiceLike {
  return { name: () => name, version: () => version, executeRequest: run };
}

function xml(body: string): Record<string, unknown> {
  return create(body).end({ format: 'object' }) as Record<string, unknown>;
}

describe('the seed minimal example, line for line', () => {
  test('Server, BufferRequest, BufferResponse, handleRequest, headers(), body()', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ows-proj-'));
    await writeFile(path.join(dir, 'helloworld.yaml'), 'title: hello\n');
    const { server: srv, iface } = testServer({ projectsDir: dir }, { projectLoader: async (fileName) => ({ fileName }) });
    iface.serviceRegistry().registerService(service('WMS', '1.3.0', (_req, res, project) => {
      res.setHeader('Content-Type', 'text/xml');
      res.write(`<WMS_Capabilities project="${path.basename(project!.fileName)}"/>`);
    }));
    // --- the seed, in TypeScript ---
    const server: Server = srv;
    const request = new BufferRequest('http://localhost:8081/?MAP=helloworld.yaml' + '&SERVICE=WMS&REQUEST=GetCapabilities');
    const response = new BufferResponse();
    await server.handleRequest(request, response);
    const headers = response.headers();
    const body = response.body().toString('utf8');
    // ---
    assert.equal(response.statusCode(), 200);
    assert.equal(headers['Content-Type'], 'text/xml');
    assert.equal(headers['Content-Length'], String(Buffer.byteLength(body)));
    assert.equal(body, '<WMS_Capabilities project="helloworld.yaml"/>');
  });
});

describe('filter pipeline order', () => {
  test('requestReady by priority, then the service, then responseComplete, then sendResponse', async () => {
    const { server, iface } = testServer();
    const calls: string[] = [];
    const mk = (tag: string) => ({
      requestReady: () => void calls.push(`${tag}.requestReady`),
      responseComplete: () => void calls.push(`${tag}.responseComplete`),
      sendResponse: () => void calls.push(`${tag}.sendResponse`),
    });
    iface.registerFilter(mk('p10'), 10);
    iface.registerFilter(mk('p0'), 0);
    iface.registerFilter(mk('p5a'), 5);
    iface.registerFilter(mk('p5b'), 5);
    iface.serviceRegistry().registerService(service('TEST', '1.0', (_q, res) => {
      calls.push('service');
      res.write('x');
    }));
    const r = await call(server, '/?SERVICE=TEST');
    assert.equal(r.status, 200);
    assert.deepEqual(calls, [
      'p0.requestReady', 'p5a.requestReady', 'p5b.requestReady', 'p10.requestReady',
      'service',
      'p0.responseComplete', 'p5a.responseComplete', 'p5b.responseComplete', 'p10.responseComplete',
      'p0.sendResponse', 'p5a.sendResponse', 'p5b.sendResponse', 'p10.sendResponse',
    ]);
  });

  test('onRequestReady returning false stops the chain of filters, not the service', async () => {
    const { server, iface } = testServer();
    const calls: string[] = [];
    iface.registerFilter({ onRequestReady: () => { calls.push('first'); return false; } }, 1);
    iface.registerFilter({ requestReady: () => void calls.push('second') }, 2);
    iface.serviceRegistry().registerService(service('TEST', '1.0', (_q, res) => { calls.push('service'); res.write('ok'); }));
    const r = await call(server, '/?SERVICE=TEST');
    assert.deepEqual(calls, ['first', 'service']);
    assert.equal(r.body, 'ok');
  });

  test('a filter that answers in requestReady skips the service', async () => {
    const { server, iface } = testServer();
    let served = false;
    iface.registerFilter({
      requestReady(h: RequestHandler) {
        h.setResponseHeader('Content-Type', 'text/plain');
        h.appendBody('cached answer');
      },
    });
    iface.serviceRegistry().registerService(service('TEST', '1.0', () => { served = true; }));
    const r = await call(server, '/?SERVICE=TEST');
    assert.equal(served, false);
    assert.equal(r.body, 'cached answer');
  });

  test('setServiceException in requestReady skips the service and answers the exception', async () => {
    const { server, iface } = testServer();
    let served = false;
    iface.registerFilter({
      requestReady() {
        iface.requestHandler().setServiceException(new OgcError('Security', 'No entry'));
      },
      responseComplete(h: RequestHandler) {
        assert.equal(h.exceptionRaised(), true);
      },
    });
    iface.serviceRegistry().registerService(service('WMS', '1.3.0', () => { served = true; }));
    const r = await call(server, '/?SERVICE=WMS&REQUEST=GetMap');
    assert.equal(served, false);
    assert.equal(r.status, 403);
    const doc = xml(r.body) as { ServiceExceptionReport: { ServiceException: { '@code': string; '#': string } } };
    assert.equal(doc.ServiceExceptionReport.ServiceException['@code'], 'Security');
    assert.equal(doc.ServiceExceptionReport.ServiceException['#'], 'No entry');
  });

  test('filters may change parameters the service then sees', async () => {
    const { server, iface } = testServer();
    iface.registerFilter({ requestReady: (h: RequestHandler) => { h.setParameter('layers', 'rewritten'); h.removeParameter('SECRET'); } });
    let seen: [string | undefined, string | undefined] = [undefined, undefined];
    iface.serviceRegistry().registerService(service('TEST', '1.0', (q) => { seen = [q.parameter('LAYERS'), q.parameter('secret')]; }));
    await call(server, '/?SERVICE=TEST&LAYERS=a&secret=1');
    assert.deepEqual(seen, ['rewritten', undefined]);
  });
});

describe('streaming and sendResponse per chunk', () => {
  const streamer = (chunks: number) => service('STREAM', '1.0', async (_q, res) => {
    res.setHeader('Content-Type', 'text/plain');
    for (let i = 0; i < chunks; i++) {
      res.write(`chunk${i};`);
      await res.flush();
    }
  });

  test('each flush runs sendResponse before responseComplete, once more at the end', async () => {
    const { server, iface } = testServer();
    const calls: string[] = [];
    iface.registerFilter({
      sendResponse: (h: RequestHandler) => void calls.push(`send:${h.body().toString()}`),
      responseComplete: () => void calls.push('complete'),
    });
    iface.serviceRegistry().registerService(streamer(3));
    const r = await call(server, '/?SERVICE=STREAM');
    assert.deepEqual(calls, ['send:chunk0;', 'send:chunk1;', 'send:chunk2;', 'complete', 'send:']);
    assert.equal(r.body, 'chunk0;chunk1;chunk2;');
    assert.equal(r.response.chunkCount(), 3);
    assert.equal(r.headers['Content-Length'], undefined, 'a streamed response has no Content-Length');
  });

  test('a sendResponse filter may replace a chunk', async () => {
    const { server, iface } = testServer();
    iface.registerFilter({
      sendResponse(h: RequestHandler) {
        const chunk = h.body().toString();
        h.clearBody();
        h.appendBody(chunk.toUpperCase());
      },
    });
    iface.serviceRegistry().registerService(streamer(2));
    assert.equal((await call(server, '/?SERVICE=STREAM')).body, 'CHUNK0;CHUNK1;');
  });

  test('onSendResponse false keeps the chunk buffered: nothing is lost, it goes out later', async () => {
    const { server, iface } = testServer();
    let n = 0;
    iface.registerFilter({ onSendResponse: () => ++n > 2 });
    iface.serviceRegistry().registerService(streamer(4));
    const r = await call(server, '/?SERVICE=STREAM');
    assert.equal(r.body, 'chunk0;chunk1;chunk2;chunk3;');
    assert.equal(r.response.chunkCount(), 2, 'first two flushes held back, sent with the third');
  });

  test('an error after the first chunk cuts the stream instead of appending an exception', async () => {
    const { server, iface, records } = testServer();
    iface.serviceRegistry().registerService(service('BROKEN', '1.0', async (_q, res) => {
      res.write('part');
      await res.flush();
      throw new Error('disk on fire');
    }));
    const r = await call(server, '/?SERVICE=BROKEN');
    assert.equal(r.body, 'part');
    assert.equal(r.response.signal.aborted, true);
    assert.ok(records.some((rec) => rec['msg'] === 'request failed'));
  });
});

describe('dispatch and exceptions', () => {
  test('unknown SERVICE: 400 InvalidParameterValue listing the services', async () => {
    const { server, iface } = testServer();
    iface.serviceRegistry().registerService(service('WMS', '1.3.0', () => {}));
    iface.serviceRegistry().registerService(service('WFS', '2.0.0', () => {}));
    const r = await call(server, '/?SERVICE=NOPE&REQUEST=GetCapabilities');
    assert.equal(r.status, 400);
    assert.match(r.headers['Content-Type'] ?? '', /^text\/xml/);
    const doc = xml(r.body) as { 'ows:ExceptionReport': { 'ows:Exception': { '@exceptionCode': string; '@locator': string; 'ows:ExceptionText': string } } };
    const ex = doc['ows:ExceptionReport']['ows:Exception'];
    assert.equal(ex['@exceptionCode'], 'InvalidParameterValue');
    assert.equal(ex['@locator'], 'SERVICE');
    assert.match(ex['ows:ExceptionText'], /'NOPE'.*WMS, WFS/);
  });

  test('parameters other than f without SERVICE: 400 MissingParameterValue', async () => {
    const { server } = testServer();
    const r = await call(server, '/?REQUEST=GetCapabilities');
    assert.equal(r.status, 400);
    assert.match(r.body, /exceptionCode="MissingParameterValue" locator="SERVICE"/);
  });

  test('SERVICE is case-insensitive; GetMap without SERVICE goes to WMS (as QGIS Server)', async () => {
    const { server, iface } = testServer();
    iface.serviceRegistry().registerService(service('WMS', '1.3.0', (q, res) => res.write(`wms:${q.parameter('REQUEST')}`)));
    assert.equal((await call(server, '/?service=wms&request=GetCapabilities')).body, 'wms:GetCapabilities');
    assert.equal((await call(server, '/?REQUEST=GetMap')).body, 'wms:GetMap');
  });

  test('highest version without VERSION, the asked one with it', async () => {
    const { server, iface } = testServer();
    for (const v of ['1.1.0', '2.0.0', '1.0.0']) {
      iface.serviceRegistry().registerService(service('WFS', v, (_q, res) => res.write(v)));
    }
    assert.equal((await call(server, '/?SERVICE=WFS')).body, '2.0.0');
    assert.equal((await call(server, '/?SERVICE=WFS&VERSION=1.1.0')).body, '1.1.0');
    assert.equal((await call(server, '/?SERVICE=WFS&VERSION=3.0.0')).body, '2.0.0');
  });

  test('a method the service refuses: 405', async () => {
    const { server, iface } = testServer();
    iface.serviceRegistry().registerService({ ...service('RO', '1.0', () => {}), allowMethod: (m: string) => m === 'GET' });
    const r = await call(server, '/?SERVICE=RO', 'DELETE');
    assert.equal(r.status, 405);
    assert.match(r.body, /MethodNotAllowed/);
  });

  test('WMS 1.1.1 and 1.3.0 errors come in their own format', async () => {
    const { server, iface } = testServer();
    const thrower = (v: string) => service('WMS', v, () => { throw new OgcError('LayerNotDefined', 'Layer x & <y> is not defined', { locator: 'LAYERS' }); });
    iface.serviceRegistry().registerService(thrower('1.1.1'));
    iface.serviceRegistry().registerService(thrower('1.3.0'));
    const old = await call(server, '/?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap');
    assert.equal(old.status, 400);
    assert.match(old.headers['Content-Type'] ?? '', /^application\/vnd\.ogc\.se_xml/);
    assert.match(old.body, /<!DOCTYPE ServiceExceptionReport SYSTEM "http:\/\/schemas\.opengis\.net\/wms\/1\.1\.1\/exception_1_1_1\.dtd">/);
    assert.match(old.body, /<ServiceException code="LayerNotDefined" locator="LAYERS">Layer x &amp; &lt;y&gt; is not defined<\/ServiceException>/);
    const cur = await call(server, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap');
    assert.match(cur.body, /<ServiceExceptionReport xmlns="http:\/\/www\.opengis\.net\/ogc" version="1\.3\.0"/);
  });

  test('a plain Error in a service: 500 without the message or stack, logged, and the next request is served', async () => {
    const { server, iface, records } = testServer();
    iface.serviceRegistry().registerService(service('BOOM', '1.0', () => { throw new Error('secret path /etc/shadow'); }));
    iface.serviceRegistry().registerService(service('OK', '1.0', (_q, res) => res.write('fine')));
    const r = await call(server, '/?SERVICE=BOOM');
    assert.equal(r.status, 500);
    assert.match(r.body, /exceptionCode="InternalServerError"/);
    assert.doesNotMatch(r.body, /shadow|at |\.js/);
    const logged = records.find((rec) => rec['msg'] === 'request failed') as { err?: { stack?: string } } | undefined;
    assert.match(logged?.err?.stack ?? '', /secret path/);
    assert.equal((await call(server, '/?SERVICE=OK')).body, 'fine');
  });

  test('a throwing filter: 500, and later filters still see the request through', async () => {
    const { server, iface } = testServer();
    iface.registerFilter({ requestReady: () => { throw new TypeError('plugin bug'); } });
    iface.serviceRegistry().registerService(service('OK', '1.0', (_q, res) => res.write('fine')));
    const r = await call(server, '/?SERVICE=OK');
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.body, /plugin bug/);
  });

  test('an async responseComplete filter may rewrite the whole answer', async () => {
    const { server, iface } = testServer();
    iface.registerFilter(new (class extends ServerFilter {
      override async responseComplete(h: RequestHandler) {
        await new Promise((r) => setTimeout(r, 5));
        if (h.parameter('SERVICE') === 'HELLO') {
          h.clear();
          h.setResponseHeader('Content-Type', 'text/plain');
          h.appendBody('Hello from a filter');
        }
      }
    })(iface));
    const r = await call(server, '/?SERVICE=HELLO');
    assert.equal(r.status, 200, 'clear() forgets the unknown-service exception');
    assert.equal(r.body, 'Hello from a filter');
  });
});

describe('concurrency', () => {
  test('requestHandler() answers for the request whose code runs, under interleaving', async () => {
    const { server, iface } = testServer();
    iface.serviceRegistry().registerService(service('SLOW', '1.0', async (q, res) => {
      await new Promise((r) => setTimeout(r, Number(q.parameter('DELAY'))));
      res.write(String(iface.requestHandler().parameter('ID')));
    }));
    iface.registerFilter({
      async responseComplete() {
        await new Promise((r) => setTimeout(r, 1));
        const h = iface.requestHandler();
        h.setResponseHeader('X-Id', String(h.parameter('ID')));
      },
    });
    const results = await Promise.all([30, 5, 15, 1, 20].map((d, i) => call(server, `/?SERVICE=SLOW&DELAY=${d}&ID=${i}`)));
    results.forEach((r, i) => {
      assert.equal(r.body, String(i));
      assert.equal(r.headers['X-Id'], String(i));
    });
    assert.equal(server.inFlight(), 0);
  });
});

describe('projects', () => {
  test('MAP inside the projects directory reaches the service; outside it is a 403', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ows-map-'));
    const dir = path.join(root, 'projects');
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'sub', 'a.yaml'), 'x: 1\n');
    await writeFile(path.join(root, 'outside.yaml'), 'x: 1\n');
    await symlink(path.join(root, 'outside.yaml'), path.join(dir, 'link.yaml'));
    const { server, iface } = testServer({ projectsDir: dir }, { projectLoader: async (fileName) => ({ fileName }) });
    iface.serviceRegistry().registerService(service('P', '1.0', (_q, res, project) => res.write(project ? path.relative(dir, project.fileName) : 'none')));
    assert.equal((await call(server, '/?SERVICE=P&MAP=sub/a.yaml')).body, 'sub/a.yaml');
    assert.equal((await call(server, '/?SERVICE=P')).body, 'none');
    for (const bad of ['../outside.yaml', '/etc/passwd', 'link.yaml', 'sub/../../outside.yaml']) {
      const r = await call(server, `/?SERVICE=P&MAP=${encodeURIComponent(bad)}`);
      assert.equal(r.status, 403, bad);
      assert.match(r.body, /exceptionCode="Security" locator="MAP"/, bad);
    }
    const missing = await call(server, '/?SERVICE=P&MAP=nope.yaml');
    assert.equal(missing.status, 400);
  });

  test('a project that cannot be loaded: 500 naming the MAP only, the reason in the log', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ows-bad-'));
    await writeFile(path.join(dir, 'broken.yaml'), 'layers: [ { name: x, source: /nowhere/secret-path.gpkg } ]\n');
    const { server, iface, records } = testServer({ projectsDir: dir });
    iface.serviceRegistry().registerService(service('P', '1.0', () => {}));
    const r = await call(server, '/?SERVICE=P&MAP=broken.yaml');
    assert.equal(r.status, 500);
    assert.match(r.body, /The project 'broken\.yaml' cannot be loaded/);
    assert.doesNotMatch(r.body, /secret-path|nowhere/);
    const logged = records.find((rec) => rec['msg'] === 'project cannot be loaded');
    assert.ok(logged && String(logged['project']).endsWith('broken.yaml'));
    assert.equal((await call(server, '/?SERVICE=P&MAP=broken.yaml')).status, 500, 'and the worker keeps answering');
    await rm(dir, { recursive: true, force: true });
  });

  test('OWS_PROJECT_FILE is the project when MAP is absent', async () => {
    const { server, iface } = testServer({ projectFile: '/srv/default.yaml' }, { projectLoader: async (f) => ({ fileName: f, title: 'T' }) });
    iface.serviceRegistry().registerService(service('P', '1.0', (_q, res, p) => res.write(`${p?.fileName}|${p?.title}`)));
    assert.equal((await call(server, '/?SERVICE=P')).body, '/srv/default.yaml|T');
  });
});

describe('landing page', () => {
  test('lists services and APIs as JSON, and as HTML on request', async () => {
    const { server, iface } = testServer();
    iface.serviceRegistry().registerService(service('WMS', '1.3.0', () => {}));
    iface.serviceRegistry().registerService(service('WMS', '1.1.1', () => {}));
    iface.serviceRegistry().registerApi({ name: () => 'features', description: () => 'OGC API Features', version: () => '1.0', rootPath: () => '/ogcapi', executeRequest: () => {} });
    const r = await call(server, 'http://example.org/ows/');
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.body) as { services: Array<{ name: string; versions: string[]; href: string }>; apis: Array<{ rootPath: string; href: string }> };
    assert.deepEqual(doc.services[0]?.versions, ['1.3.0', '1.1.1']);
    assert.equal(doc.services[0]?.href, 'http://example.org/ows/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.equal(doc.apis[0]?.href, 'http://example.org/ows/ogcapi');
    const html = await call(server, '/?f=html');
    assert.match(html.headers['Content-Type'] ?? '', /^text\/html/);
    assert.match(html.body, /<a href="[^"]*SERVICE=WMS&amp;REQUEST=GetCapabilities">WMS<\/a>/);
    const byAccept = await call(server, '/', 'GET', { accept: 'text/html,application/xhtml+xml;q=0.9' });
    assert.match(byAccept.body, /^<!DOCTYPE html>/);
    assert.equal((await call(server, '/ows')).status, 200, 'a single segment is the root under a ScriptAlias');
    const deep = await call(server, '/a/b/c');
    assert.equal(deep.status, 404);
    assert.equal((JSON.parse(deep.body) as { code: string }).code, 'NotFound');
  });
});
