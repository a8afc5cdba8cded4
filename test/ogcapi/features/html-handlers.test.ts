import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { call, testServer } from '../../support/server.js';
import { wfsServer } from '../../services/wfs/support.js';
import { featuresApi } from '../../../src/ogcapi/features/index.js';
import { htmlHandlers } from '../../../src/ogcapi/features/html/handlers.js';
import { OgcApi } from '../../../src/ogcapi/api.js';

const require = createRequire(import.meta.url);
const s = wfsServer();

/** The data block of a page, parsed. */
function dataBlock(html: string, id: string): Record<string, string> {
  const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  assert.ok(m, `no data block ${id}`);
  return JSON.parse(m[1]!) as Record<string, string>;
}

describe('assets handler', () => {
  test('serves OpenLayers from the npm package, with type, ETag and Cache-Control', async () => {
    const r = await call(s.server, '/ogcapi/assets/ol.js');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['X-Content-Type-Options'], 'nosniff');
    assert.equal(r.response.body().compare(readFileSync(require.resolve('ol/dist/ol.js'))), 0, 'the very file of the package');
    assert.match(r.headers['ETag'] ?? '', /^"[\w-]{16}"$/);
    assert.equal(r.headers['Cache-Control'], 'public, max-age=3600', 'an unversioned URL is revalidated');
    const css = await call(s.server, '/ogcapi/assets/ol.css', 'GET', { accept: 'text/css,*/*;q=0.1' });
    assert.equal(css.status, 200);
    assert.equal(css.headers['Content-Type'], 'text/css; charset=utf-8');
    assert.equal(css.body, readFileSync(require.resolve('ol/ol.css'), 'utf8'));
    const strict = await call(s.server, '/ogcapi/assets/features.css', 'GET', { accept: 'text/css' });
    assert.equal(strict.status, 200, 'a static file is not negotiated');
    assert.match(strict.body, /\.map \{ width: 100%; height: 400px;/);
    const script = await call(s.server, '/ogcapi/assets/features.js');
    assert.match(script.body, /new ol\.format\.GeoJSON\(\)/);
    assert.notEqual(script.headers['ETag'], r.headers['ETag']);
  });

  test('the version the pages link with makes the file cacheable for good', async () => {
    const page = await call(s.server, '/ogcapi/collections/countries/items?f=html&MAP=project.yaml');
    const src = /<script src="([^"]*\/assets\/ol\.js\?v=[^"]*)"/.exec(page.body)?.[1];
    assert.ok(src, 'the items page links ol.js');
    const url = new URL(src.replace(/&amp;/g, '&'));
    const r = await call(s.server, url.pathname + url.search);
    assert.equal(r.headers['Cache-Control'], 'public, max-age=31536000, immutable');
    assert.equal(r.headers['ETag'], `"${url.searchParams.get('v')}"`);
    const stale = await call(s.server, '/ogcapi/assets/ol.js?v=old');
    assert.equal(stale.headers['Cache-Control'], 'public, max-age=3600');
  });

  test('If-None-Match with the ETag (strong, weak, in a list, or *) is 304 without a body', async () => {
    const etag = (await call(s.server, '/ogcapi/assets/features.css')).headers['ETag']!;
    for (const inm of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
      const r = await call(s.server, '/ogcapi/assets/features.css', 'GET', { 'if-none-match': inm });
      assert.equal(r.status, 304, inm);
      assert.equal(r.response.body().length, 0);
      assert.equal(r.headers['ETag'], etag);
      assert.ok(r.headers['Cache-Control']);
    }
    assert.equal((await call(s.server, '/ogcapi/assets/features.css', 'GET', { 'if-none-match': '"other"' })).status, 200);
  });

  test('only the known names: anything else is 404, other methods 405', async () => {
    for (const p of ['/ogcapi/assets/package.json', '/ogcapi/assets/..%2F..%2Fpackage.json', '/ogcapi/assets/%2e%2e%2fol.js', '/ogcapi/assets/ol.js.map',
      '/ogcapi/assets/OL.JS', '/ogcapi/assets/', '/ogcapi/assets/ol.js/x', '/ogcapi/assets/constructor', '/ogcapi/assets/__proto__']) {
      const r = await call(s.server, p);
      assert.equal(r.status, 404, p);
      assert.equal((JSON.parse(r.body) as { code: string }).code, 'NotFound', p);
    }
    const post = await call(s.server, '/ogcapi/assets/ol.js', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers['Allow'], 'GET, HEAD');
  });

  test('served without any project (no MAP, no default project)', async () => {
    const bare = testServer({}, { coreServices: true });
    const r = await call(bare.server, '/ogcapi/assets/features.js');
    assert.equal(r.status, 200);
  });
});

describe('map preview', () => {
  test('an OpenLayers page of the project\'s WMS at the same server\'s OWS URL, MAP kept', async () => {
    const r = await call(s.server, '/ogcapi/map?MAP=project.yaml');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.match(r.body, /<title>Map preview: ows-server test project<\/title>/);
    assert.match(r.body, /<div class="map preview" data-map="wms" data-source="wms-data" data-layer-list="layers"/);
    assert.match(r.body, /<ul class="layers" id="layers"><\/ul>/);
    assert.match(r.body, /<script src="http:\/\/localhost:8080\/ogcapi\/assets\/ol\.js\?v=/);
    const conf = dataBlock(r.body, 'wms-data');
    assert.equal(conf['url'], 'http://localhost:8080/?MAP=project.yaml');
    const caps = new URL(conf['capabilities']!);
    assert.deepEqual(Object.fromEntries(caps.searchParams), { MAP: 'project.yaml', SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetCapabilities' });
    const doc = await call(s.server, caps.pathname + caps.search);
    assert.equal(doc.status, 200);
    assert.match(doc.body, /<WMS_Capabilities[^>]*version="1\.3\.0"/);
    assert.match(doc.body, /<Name>countries<\/Name>/);
    assert.match(r.body, /<a href="http:\/\/localhost:8080\/ogcapi\?MAP=project\.yaml&amp;f=html">Landing page<\/a>/);
  });

  test('the default project needs no MAP; behind a prefix the OWS URL is the prefix; OWS_SERVICE_URL wins', async () => {
    const r = await call(s.server, '/ogcapi/map');
    assert.equal(r.status, 200);
    assert.equal(dataBlock(r.body, 'wms-data')['url'], 'http://localhost:8080/');
    const prefixed = await call(s.server, 'http://example.org/cgi-bin/ows/ogcapi/map.html?MAP=project.yaml');
    assert.equal(dataBlock(prefixed.body, 'wms-data')['url'], 'http://example.org/cgi-bin/ows?MAP=project.yaml');
    const configured = wfsServer([], { serviceUrl: 'https://maps.example.com/wms' });
    const c = await call(configured.server, '/ogcapi/map?MAP=project.yaml');
    assert.equal(dataBlock(c.body, 'wms-data')['url'], 'https://maps.example.com/wms?MAP=project.yaml');
    assert.match(c.body, /href="https:\/\/maps\.example\.com\/wms\/ogcapi\/assets\/features\.css\?v=/);
  });

  test('HTML only (406 for JSON), 400 without a project, 404 without a WMS, 403 for a MAP outside the projects directory', async () => {
    const json = await call(s.server, '/ogcapi/map?MAP=project.yaml&f=json');
    assert.equal(json.status, 406);
    assert.equal((await call(s.server, '/ogcapi/map', 'GET', { accept: 'application/json' })).status, 406);
    const bare = testServer({}, { coreServices: true });
    const none = await call(bare.server, '/ogcapi/map');
    assert.equal(none.status, 400);
    assert.deepEqual(JSON.parse(none.body), { code: 'MissingParameterValue', description: JSON.parse(none.body).description, locator: 'MAP' });
    const noWms = testServer({ projectFile: s.server.settings.projectFile, projectsDir: s.server.settings.projectsDir });
    noWms.iface.serviceRegistry().registerApi(featuresApi(noWms.iface, noWms.server.data));
    const r = await call(noWms.server, '/ogcapi/map');
    assert.equal(r.status, 404);
    assert.match(JSON.parse(r.body).description, /no WMS/);
    assert.equal((await call(s.server, '/ogcapi/map?MAP=../../package.json')).status, 403);
  });
});

describe('htmlHandlers', () => {
  test('registers on any OGC API next to other handlers, and reports its paths for the API definition', () => {
    const api = new OgcApi(null, '/elsewhere', 'x');
    for (const h of htmlHandlers()) api.registerHandler(h);
    assert.deepEqual(api.handlers().map((h) => [h.operationId(), h.openApiPath()]), [['getAsset', '/assets/{file}'], ['getMapPreview', '/map']]);
  });
});
