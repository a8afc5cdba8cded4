import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OgcApi } from '../../../src/ogcapi/api.js';
import { OgcApiHandler } from '../../../src/ogcapi/handler.js';
import { FEATURES_NAME } from '../../../src/ogcapi/features/index.js';
import { templateParameters } from '../../../src/ogcapi/features/openapi.js';
import type { ApiContext } from '../../../src/ogcapi/context.js';
import { apiServer, get, RESTRICTIVE } from './support.js';

type Doc = Record<string, any>;

/** Every $ref of a document resolves inside it. */
function checkRefs(doc: Doc): void {
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && x.startsWith('#/')) {
          const target = x.slice(2).split('/').reduce<any>((o, p) => o?.[p], doc);
          assert.ok(target !== undefined, `${at}: ${x} does not resolve`);
        }
        walk(x, `${at}/${k}`);
      }
    }
  };
  walk(doc, '#');
}

/** The well-formedness rules an OpenAPI validator checks that matter here. */
function checkWellFormed(doc: Doc): void {
  assert.match(doc['openapi'], /^3\.0\.\d$/);
  assert.ok(doc['info']?.title && doc['info']?.version);
  const ids = new Set<string>();
  for (const [template, item] of Object.entries(doc['paths'] as Record<string, Record<string, any>>)) {
    assert.match(template, /^\//, template);
    const names = templateParameters(template);
    for (const [method, op] of Object.entries(item)) {
      assert.ok(['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method), method);
      assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is unique`);
      ids.add(op.operationId);
      const params = (op.parameters as any[]).map((p) => (p.$ref ? p.$ref.split('/').slice(1).reduce((o: any, k: string) => o[k], doc) : p));
      const inPath = params.filter((p) => p.in === 'path');
      assert.deepEqual(inPath.map((p) => p.name).sort(), [...names].sort(), `${method} ${template}: every path parameter declared, and only those`);
      for (const p of inPath) assert.equal(p.required, true, `${template} ${p.name} is required`);
      const keys = params.map((p) => `${p.in}:${p.name}`);
      assert.equal(new Set(keys).size, keys.length, `${method} ${template}: no parameter twice`);
      for (const p of params) assert.ok(p.schema && typeof p.schema === 'object', `${template} ${p.name} has a schema`);
      assert.ok(op.responses['200'] || op.responses['201'] || op.responses['204'], `${method} ${template} has a success response`);
    }
  }
  checkRefs(doc);
}

/** A Python with openapi-spec-validator, or null. */
function validatorPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import openapi_spec_validator'], { stdio: 'ignore', timeout: 20_000 });
      return python;
    } catch {
      // try the next one
    }
  }
  return null;
}

describe('OGC API Features: the OpenAPI document', () => {
  const s = apiServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'ogcapi-openapi-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('is served as application/vnd.oai.openapi+json;version=3.0 and is well-formed', async () => {
    const r = await get(s, '/ogcapi/api');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/vnd.oai.openapi+json;version=3.0');
    checkWellFormed(r.json);
    assert.deepEqual(r.json.servers, [{ url: 'http://localhost:8080/ogcapi', description: 'OGC API - Features (Parts 1, 2, 3 and 4) of the project\'s vector layers' }]);
    assert.equal(r.json.info.title, 'OGC API test project: OGC API Features');
  });

  const python = validatorPython();
  test('passes openapi-spec-validator', { skip: python === null ? 'no Python with openapi-spec-validator' : false }, async () => {
    for (const url of ['/ogcapi/api', '/ogcapi/api?MAP=ogcapi/project.yaml']) {
      const file = path.join(dir, 'api.json');
      writeFileSync(file, (await get(s, url)).body);
      execFileSync(python!, ['-c', 'import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))', file], { timeout: 30_000 });
    }
  });

  test('is generated from the registered handlers: one path per handler, its methods, its media types', async () => {
    const doc = (await get(s, '/ogcapi/api')).json as Doc;
    const api = s.iface.serviceRegistry().apis().find((a) => a.name() === FEATURES_NAME) as OgcApi;
    assert.ok(api, 'the Features API is registered as a core API');
    const expected = new Set(api.handlers().filter((h) => h.documented()).map((h) => h.openApiPath()));
    for (const id of ['countries', 'cities', 'events', 'secret']) expected.add(`/collections/${id}/items`);
    assert.deepEqual(new Set(Object.keys(doc['paths'])), expected);
    assert.equal(doc['paths']['/assets/{file}'], undefined, 'static files are no operation of the API');
    assert.ok(doc['paths']['/map']?.get, 'the map preview is a page of the API');
    for (const template of ['/', '/conformance', '/api', '/collections', '/collections/{collectionId}', '/collections/{collectionId}/queryables',
      '/collections/{collectionId}/items', '/collections/{collectionId}/items/{featureId}']) assert.ok(doc['paths'][template]?.get, template);
    const content = (t: string) => Object.keys(doc['paths'][t].get.responses['200'].content);
    assert.deepEqual(content('/collections/{collectionId}/items'), ['application/geo+json', 'text/html']);
    assert.deepEqual(content('/collections/{collectionId}/items/{featureId}'), ['application/geo+json', 'text/html']);
    assert.deepEqual(content('/collections/{collectionId}/queryables'), ['application/schema+json', 'text/html']);
    assert.deepEqual(content('/api'), ['application/vnd.oai.openapi+json;version=3.0', 'text/html']);
    assert.deepEqual(content('/collections'), ['application/json', 'text/html']);
    const items = doc['paths']['/collections/{collectionId}/items'].get;
    assert.equal(items.operationId, 'getFeatures');
    assert.deepEqual(Object.keys(items.responses).sort(), ['200', '400', '404', '406', '500']);
    assert.deepEqual(doc['components'].responses.BadRequest.content['application/json'].schema, { $ref: '#/components/schemas/exception' });
  });

  test('parameters carry their schemas: limit, offset, bbox, crs, datetime, properties, sortby, filter, f', async () => {
    const doc = (await get(s, '/ogcapi/api')).json as Doc;
    const params = new Map<string, any>((doc['paths']['/collections/{collectionId}/items'].get.parameters as any[]).map((p) => [p.name, p]));
    assert.deepEqual([...params.keys()], ['collectionId', 'limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'datetime', 'properties', 'sortby', 'filter', 'filter-lang', 'filter-crs', 'f']);
    assert.deepEqual(params.get('limit').schema, { type: 'integer', default: 10, minimum: 1 });
    assert.match(params.get('limit').description, /above 10000 is lowered to 10000/);
    assert.deepEqual(params.get('offset').schema, { type: 'integer', default: 0, minimum: 0 });
    assert.deepEqual(params.get('bbox').schema, { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } });
    assert.equal(params.get('bbox').style, 'form');
    assert.equal(params.get('bbox').explode, false);
    assert.deepEqual(params.get('filter-lang').schema, { type: 'string', default: 'cql2-text', enum: ['cql2-text', 'cql2-json'] });
    assert.deepEqual(params.get('crs').schema, { type: 'string', default: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' });
    assert.deepEqual(params.get('f').schema, { type: 'string', enum: ['json', 'html'] });
    assert.deepEqual(params.get('collectionId'), {
      name: 'collectionId', in: 'path', required: true, description: 'The id of a feature collection (a layer of the project)',
      schema: { type: 'string', enum: ['countries', 'cities', 'events', 'secret'] },
    });
    const item = doc['paths']['/collections/{collectionId}/items/{featureId}'].get.parameters.map((p: any) => p.name);
    assert.deepEqual(item, ['collectionId', 'featureId', 'crs', 'f']);
  });

  test('the collections listed are those this request may read; MAP is a parameter of every operation', async () => {
    const restricted = apiServer([RESTRICTIVE]);
    const doc = (await get(restricted, '/ogcapi/api?MAP=ogcapi/project.yaml')).json as Doc;
    const items = doc['paths']['/collections/{collectionId}/items'].get.parameters as any[];
    assert.deepEqual(items.find((p) => p.name === 'collectionId').schema.enum, ['countries', 'cities', 'events']);
    assert.deepEqual(doc['components'].parameters.MAP.schema, { type: 'string', default: 'ogcapi/project.yaml' });
    for (const item of Object.values(doc['paths'] as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item)) assert.ok(op.parameters.some((p: any) => p.$ref === '#/components/parameters/MAP'), op.operationId);
    }
    assert.equal((await get(s, '/ogcapi/api')).json.components.parameters, undefined, 'no MAP parameter without MAP');
  });

  test('a handler registered later (a POST on a path of its own) appears with its own operation', async () => {
    const extended = apiServer();
    const api = extended.iface.serviceRegistry().apis().find((a) => a.name() === FEATURES_NAME) as OgcApi;
    api.registerHandler(new (class extends OgcApiHandler {
      path() {
        return /^\/collections\/(?<collectionId>[^/]+)\/stats$/;
      }
      operationId() {
        return 'collectionStats';
      }
      summary() {
        return 'Recomputes statistics';
      }
      override methods() {
        return ['POST'];
      }
      handleRequest(context: ApiContext) {
        context.response().setStatusCode(201);
      }
    })());
    const doc = (await get(extended, '/ogcapi/api')).json as Doc;
    const item = doc['paths']['/collections/{collectionId}/stats'];
    assert.deepEqual(Object.keys(item), ['post']);
    assert.equal(item.post.operationId, 'collectionStats');
    assert.equal(item.post.responses['404'].$ref, '#/components/responses/NotFound');
    checkWellFormed(doc);
    assert.equal((await get(extended, '/ogcapi/collections/cities/stats', {}, 'POST')).status, 201);
  });

  test('each collection\'s items path lists its queryables as name=value parameters (Part 1 fc-filters)', async () => {
    const doc = (await get(s, '/ogcapi/api')).json as Doc;
    const op = doc['paths']['/collections/cities/items'].get;
    const names = (op.parameters as any[]).map((p) => p.name ?? p.$ref);
    assert.ok(!names.includes('collectionId'), 'no collectionId on a collection\'s own path');
    for (const n of ['limit', 'bbox', 'filter', 'name', 'country', 'population', 'role']) assert.ok(names.includes(n), n);
    const population = (op.parameters as any[]).find((p) => p.name === 'population');
    assert.deepEqual([population.in, population.required, population.schema.type], ['query', false, 'integer']);
    assert.equal(op.operationId, 'getFeatures.cities');
    assert.equal(doc['paths']['/collections/cities_map/items'], undefined, 'only collections (cities_map is not published for OAPIF)');
    const r = await get(s, '/ogcapi/collections/cities/items?country=DEU&limit=100');
    assert.ok(r.json.features.length > 0);
    assert.ok(r.json.features.every((f: any) => f.properties.country === 'DEU'), 'the listed parameter filters');
  });

  test('f=html renders the operations and their parameters', async () => {
    const r = await get(s, '/ogcapi/api?f=html');
    assert.equal(r.status, 200);
    assert.match(r.headers['Content-Type'] ?? '', /^text\/html/);
    assert.ok(r.body.includes('GET /collections/{collectionId}/items'));
    assert.ok(r.body.includes('<code>filter-lang</code>'));
    assert.ok(r.body.includes('href="http://localhost:8080/ogcapi/api?f=json"'));
  });
});
