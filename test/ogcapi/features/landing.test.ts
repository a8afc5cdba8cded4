import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CQL2_CONFORMANCE } from '../../../src/ogcapi/features/cql2/index.js';
import { FEATURES_CONFORMANCE } from '../../../src/ogcapi/features/conformance.js';
import { apiServer, get } from './support.js';

type Link = { href: string; rel: string; type: string; title?: string };

describe('OGC API Features: landing page', () => {
  const s = apiServer();

  test('title and description from the project, links to api, conformance and collections', async () => {
    const r = await get(s, '/ogcapi');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.equal(r.json.title, 'OGC API test project');
    assert.equal(r.json.description, 'Countries, cities, events with dates, and a secret layer.');
    const links = r.json.links as Link[];
    const by = (rel: string) => links.filter((l) => l.rel === rel).map((l) => [l.href, l.type]);
    assert.deepEqual(by('self'), [['http://localhost:8080/ogcapi?f=json', 'application/json']]);
    assert.deepEqual(by('alternate'), [['http://localhost:8080/ogcapi?f=html', 'text/html']]);
    assert.deepEqual(by('service-desc'), [['http://localhost:8080/ogcapi/api?f=json', 'application/vnd.oai.openapi+json;version=3.0']]);
    assert.deepEqual(by('service-doc'), [['http://localhost:8080/ogcapi/api?f=html', 'text/html']]);
    assert.deepEqual(by('conformance'), [['http://localhost:8080/ogcapi/conformance?f=json', 'application/json']]);
    assert.deepEqual(by('http://www.opengis.net/def/rel/ogc/1.0/conformance'), by('conformance'));
    assert.deepEqual(by('data'), [['http://localhost:8080/ogcapi/collections?f=json', 'application/json']]);
    assert.deepEqual(by('http://www.opengis.net/def/rel/ogc/1.0/data'), by('data'));
    for (const l of links) assert.ok(l.title, `${l.rel} has a title`);
  });

  test('every link of the landing page answers 200 in the type it announces', async () => {
    const r = await get(s, '/ogcapi/');
    for (const l of r.json.links as Link[]) {
      const got = await get(s, l.href);
      assert.equal(got.status, 200, l.href);
      assert.equal(got.headers['Content-Type']?.split(';')[0], l.type.split(';')[0], l.href);
    }
  });

  test('the root with a trailing slash or an extension is the landing page too', async () => {
    for (const url of ['/ogcapi/', '/ogcapi.json']) {
      const r = await get(s, url);
      assert.equal(r.status, 200, url);
      assert.equal(r.json.title, 'OGC API test project');
    }
    assert.match((await get(s, '/ogcapi.html')).headers['Content-Type'] ?? '', /^text\/html/);
  });

  test('MAP is kept in every link; the project it names is served', async () => {
    const r = await get(s, '/ogcapi?MAP=ogcapi/project.yaml');
    assert.equal(r.status, 200);
    for (const l of r.json.links as Link[]) assert.equal(new URL(l.href).searchParams.get('MAP'), 'ogcapi/project.yaml', l.href);
    const other = await get(s, '/ogcapi?MAP=projects/project.yaml');
    assert.equal(other.json.title, 'ows-server test project');
    const missing = await get(s, '/ogcapi?MAP=nowhere.yaml');
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { code: 'InvalidParameterValue', description: "Project 'nowhere.yaml' does not exist", locator: 'MAP' });
    assert.equal((await get(s, '/ogcapi/collections?MAP=../../etc/passwd')).status, 403, 'MAP cannot leave the projects directory');
  });

  test('without a project: 400 MissingParameterValue naming MAP, as JSON', async () => {
    const bare = apiServer([], { projectFile: null });
    const r = await get(bare, '/ogcapi');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { code: 'MissingParameterValue', description: 'No project: give MAP, or set OWS_PROJECT_FILE on the server', locator: 'MAP' });
  });

  test('links under a web-server prefix, a configured service URL, and trusted proxy headers', async () => {
    const prefixed = await get(s, '/cgi-bin/ows/ogcapi?f=json');
    assert.equal(prefixed.json.links[0].href, 'http://localhost:8080/cgi-bin/ows/ogcapi?f=json');
    const configured = apiServer([], { serviceUrl: 'https://maps.example.org/ows/' });
    const c = await get(configured, '/whatever/ogcapi/conformance');
    assert.equal(c.json.links[0].href, 'https://maps.example.org/ows/ogcapi/conformance?f=json');
    const proxied = apiServer([], { trustProxy: true });
    const p = await get(proxied, '/ogcapi', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gis.example.com', 'x-forwarded-prefix': '/geo' });
    assert.equal(p.json.links[0].href, 'https://gis.example.com/geo/ogcapi?f=json');
    const untrusted = await get(s, '/ogcapi', { 'x-forwarded-host': 'evil.example.com' });
    assert.equal(new URL(untrusted.json.links[0].href).host, 'localhost:8080', 'proxy headers are not believed by default');
  });
});

describe('OGC API Features: content negotiation', () => {
  const s = apiServer();

  test('f, extension and Accept choose JSON or HTML; JSON without a preference', async () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['/ogcapi/collections', {}, /^application\/json/],
      ['/ogcapi/collections?f=json', { accept: 'text/html' }, /^application\/json/],
      ['/ogcapi/collections?f=html', {}, /^text\/html/],
      ['/ogcapi/collections.html', {}, /^text\/html/],
      ['/ogcapi/collections.json', { accept: 'text/html' }, /^application\/json/],
      ['/ogcapi/collections', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, /^text\/html/],
      ['/ogcapi/collections', { accept: 'application/json' }, /^application\/json/],
      ['/ogcapi/collections', { accept: '*/*' }, /^application\/json/],
      ['/ogcapi/collections/cities/items', { accept: 'application/geo+json' }, /^application\/geo\+json/],
      ['/ogcapi/collections/cities/items', { accept: 'application/json' }, /^application\/geo\+json/],
      ['/ogcapi/collections/cities/items?f=geojson', {}, /^application\/geo\+json/],
      ['/ogcapi/collections/cities/items.geojson', {}, /^application\/geo\+json/],
      ['/ogcapi/collections/cities/items', { accept: 'text/html' }, /^text\/html/],
      ['/ogcapi/collections/cities/queryables', { accept: 'application/schema+json' }, /^application\/schema\+json/],
      ['/ogcapi/api', { accept: 'application/vnd.oai.openapi+json;version=3.0' }, /^application\/vnd\.oai\.openapi\+json;version=3\.0$/],
      ['/ogcapi/api?f=json', {}, /^application\/vnd\.oai\.openapi\+json;version=3\.0$/],
    ];
    for (const [url, headers, type] of cases) {
      const r = await get(s, url, headers);
      assert.equal(r.status, 200, `${url} ${JSON.stringify(headers)}`);
      assert.match(r.headers['Content-Type'] ?? '', type, `${url} ${JSON.stringify(headers)}`);
    }
  });

  test('an unknown f or an Accept with nothing offered is 406 NotAcceptable', async () => {
    for (const [url, headers] of [
      ['/ogcapi?f=xml', {}],
      ['/ogcapi/collections?f=csv', {}],
      ['/ogcapi/collections/cities/items?f=gml', {}],
      ['/ogcapi/collections/cities/items/1?f=kml', {}],
      ['/ogcapi/conformance', { accept: 'application/xml' }],
      ['/ogcapi/collections/cities/queryables', { accept: 'image/png' }],
    ] as Array<[string, Record<string, string>]>) {
      const r = await get(s, url, headers);
      assert.equal(r.status, 406, url);
      assert.equal(r.json.code, 'NotAcceptable', url);
    }
  });

  test('unknown paths are 404, other methods 405 with Allow', async () => {
    for (const url of ['/ogcapi/nothing', '/ogcapi/collections/cities/items/1/more', '/ogcapi/collections/cities/nothing']) {
      const r = await get(s, url);
      assert.equal(r.status, 404, url);
      assert.equal(r.json.code, 'NotFound', url);
    }
    for (const [url, allow] of [['/ogcapi/collections/cities/items', 'GET, HEAD, POST, OPTIONS'], ['/ogcapi/collections', 'GET, HEAD'], ['/ogcapi', 'GET, HEAD']]) {
      const r = await get(s, url!, {}, 'DELETE');
      assert.equal(r.status, 405, url);
      assert.equal(r.headers['Allow'], allow, url);
    }
  });

  test('HEAD answers the headers of GET', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items', {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/geo+json');
  });
});

describe('OGC API Features: conformance', () => {
  const s = apiServer();

  test('Parts 1 to 4, the CQL2 classes of the filter module, and sorting', async () => {
    const r = await get(s, '/ogcapi/conformance');
    assert.equal(r.status, 200);
    const classes = r.json.conformsTo as string[];
    for (const c of [
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
      'http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting',
      ...CQL2_CONFORMANCE,
    ]) assert.ok(classes.includes(c), c);
    assert.deepEqual(classes, [...FEATURES_CONFORMANCE]);
    assert.equal(new Set(classes).size, classes.length, 'no class twice');
  });

  test('HTML page of the conformance classes', async () => {
    const r = await get(s, '/ogcapi/conformance?f=html');
    assert.equal(r.status, 200);
    assert.match(r.body, /<!DOCTYPE html>/i);
    assert.ok(r.body.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
  });
});
