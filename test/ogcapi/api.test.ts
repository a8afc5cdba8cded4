import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OgcApi } from '../../src/ogcapi/api.js';
import { OgcApiHandler, Rel, pathTemplate } from '../../src/ogcapi/handler.js';
import { QueryStringParameter } from '../../src/ogcapi/query-string-parameter.js';
import type { ApiContext } from '../../src/ogcapi/context.js';
import { call, testServer } from '../support/server.js';

class ItemsHandler extends OgcApiHandler {
  path() {
    return /^\/collections\/(?<collectionId>[^/]+)\/items(?:\.(?:json|html))?$/;
  }
  operationId() {
    return 'getItems';
  }
  summary() {
    return 'Items of a collection';
  }
  override linkType() {
    return Rel.items;
  }
  override parameters() {
    return [
      new QueryStringParameter('limit', false, QueryStringParameter.Type.Integer, 'page size', 10),
      new QueryStringParameter('flat', false, QueryStringParameter.Type.Boolean, 'flatten', false),
      new QueryStringParameter('properties', false, QueryStringParameter.Type.List, 'properties to return'),
      new QueryStringParameter('sort', false, QueryStringParameter.Type.String, 'order', 'asc', ['asc', 'desc']),
      new QueryStringParameter('scale', false, QueryStringParameter.Type.Double, 'scale'),
    ];
  }
  async handleRequest(context: ApiContext) {
    await this.write({ values: this.values(context), handlerPath: context.handlerPath(), matched: context.matchedPath(), links: this.links(context) }, context);
  }
}

function server() {
  const s = testServer();
  const api = new OgcApi(s.iface, '/features', 'features', 'test features', '1.0.0');
  api.registerHandler(new ItemsHandler());
  s.iface.serviceRegistry().registerApi(api);
  return { ...s, api };
}

describe('OgcApi routing', () => {
  test('named groups and typed parameters reach the handler', async () => {
    const { server: s } = server();
    const r = await call(s, '/ows/features/collections/cities/items?limit=5&flat=true&properties=a,b&sort=DESC&scale=0.5');
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { values: Record<string, unknown>; handlerPath: string; matched: string; links: Array<{ rel: string; type: string }> };
    assert.deepEqual(body.values, { collectionId: 'cities', limit: 5, flat: true, properties: ['a', 'b'], sort: 'desc', scale: 0.5 });
    assert.equal(body.handlerPath, '/collections/cities/items');
    assert.equal(body.matched, '/ows/features');
    assert.deepEqual(body.links.map((l) => [l.rel, l.type]), [['self', 'application/json'], ['alternate', 'text/html']]);
  });

  test('defaults apply when parameters are absent', async () => {
    const { server: s } = server();
    const body = JSON.parse((await call(s, '/features/collections/x/items')).body) as { values: Record<string, unknown> };
    assert.deepEqual(body.values, { collectionId: 'x', limit: 10, flat: false, sort: 'asc' }, 'absent optional values are undefined (dropped by JSON)');
  });

  test('bad values are 400 JSON naming the parameter', async () => {
    const { server: s } = server();
    for (const [q, locator, text] of [
      ['limit=ten', 'limit', "limit ('ten') cannot be converted into int"],
      ['flat=maybe', 'flat', "flat ('maybe') cannot be converted into boolean"],
      ['sort=up', 'sort', "sort ('up') is not valid; expected one of: asc, desc"],
      ['scale=1e', 'scale', "scale ('1e') cannot be converted into double"],
    ] as const) {
      const r = await call(s, `/features/collections/x/items?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.headers['Content-Type'] ?? '', /^application\/json/);
      assert.deepEqual(JSON.parse(r.body), { code: 'InvalidParameterValue', description: text, locator });
    }
  });

  test('an unknown path inside the API is a JSON 404; outside any API it is not the API\'s', async () => {
    const { server: s } = server();
    const r = await call(s, '/features/nothing/here');
    assert.equal(r.status, 404);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'NotFound');
    const other = await call(s, '/featuresque/collections/x/items');
    assert.equal(other.status, 404, 'a root must match whole path segments');
    assert.match(other.body, /Nothing is served at \/featuresque/);
  });

  test('format by extension, f, and Accept; 406 when nothing fits', async () => {
    const { server: s } = server();
    assert.match((await call(s, '/features/collections/x/items.html')).headers['Content-Type'] ?? '', /^text\/html/);
    assert.match((await call(s, '/features/collections/x/items?f=html')).headers['Content-Type'] ?? '', /^text\/html/);
    assert.match((await call(s, '/features/collections/x/items', 'GET', { accept: '*/*' })).headers['Content-Type'] ?? '', /^application\/json/);
    assert.match((await call(s, '/features/collections/x/items', 'GET', { accept: 'text/html;q=0.5, application/json;q=0.9' })).headers['Content-Type'] ?? '', /^application\/json/);
    const bad = await call(s, '/features/collections/x/items', 'GET', { accept: 'application/xml' });
    assert.equal(bad.status, 406);
    assert.equal((JSON.parse(bad.body) as { code: string }).code, 'NotAcceptable');
  });

  test('registration refuses clashes', () => {
    const { iface, api } = server();
    assert.throws(() => api.registerHandler(new ItemsHandler()), /already has a handler getItems/);
    assert.throws(() => iface.serviceRegistry().registerApi(new OgcApi(iface, '/features/', 'again')), /already registered at \/features/);
    assert.throws(() => new OgcApi(iface, '/', 'root'), /must start with/);
  });

  test('QueryStringParameter describes itself for OpenAPI', () => {
    assert.deepEqual(new QueryStringParameter('properties', false, 'list', 'props').toOpenApi(), {
      name: 'properties', in: 'query', required: false, description: 'props', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: false,
    });
    assert.deepEqual(new QueryStringParameter('scale', true, 'double', 's', 1).toOpenApi(), {
      name: 'scale', in: 'query', required: true, description: 's', schema: { type: 'number', default: 1 },
    });
  });
});

/** A POST handler on the items path (as OGC API Features Part 4 adds one). */
class CreateItemHandler extends OgcApiHandler {
  path() {
    return /^\/collections\/(?<collectionId>[^/]+)\/items$/;
  }
  operationId() {
    return 'createItem';
  }
  summary() {
    return 'Adds a feature';
  }
  override methods() {
    return ['POST'];
  }
  async handleRequest(context: ApiContext) {
    context.response().setStatusCode(201);
    await this.write({ created: this.match(context)['collectionId'], body: context.request().data().toString('utf8') }, context);
  }
}

/** A JSON resource sent under a more precise media type, as queryables are (application/schema+json). */
class SchemaHandler extends OgcApiHandler {
  path() {
    return /^\/schema$/;
  }
  operationId() {
    return 'getSchema';
  }
  summary() {
    return 'A schema';
  }
  override mediaType(type: string) {
    return type === 'application/json' ? 'application/schema+json' : type;
  }
  async handleRequest(context: ApiContext) {
    await this.write({ type: 'object' }, context);
  }
}

describe('OgcApi routing by method', () => {
  function methodServer() {
    const s = testServer();
    const api = new OgcApi(s.iface, '/features', 'features');
    api.registerHandler(new ItemsHandler());
    api.registerHandler(new CreateItemHandler());
    api.registerHandler(new SchemaHandler());
    s.iface.serviceRegistry().registerApi(api);
    return s;
  }

  test('handlers sharing a path each take their own method', async () => {
    const { server: s } = methodServer();
    const got = await call(s, '/features/collections/cities/items?limit=2');
    assert.equal(got.status, 200);
    assert.equal((JSON.parse(got.body) as { values: { limit: number } }).values.limit, 2);
    const posted = await call(s, '/features/collections/cities/items', 'POST', { 'content-type': 'application/geo+json' }, '{"type":"Feature"}');
    assert.equal(posted.status, 201);
    assert.deepEqual(JSON.parse(posted.body), { created: 'cities', body: '{"type":"Feature"}' });
    assert.equal((await call(s, '/features/collections/cities/items', 'HEAD')).status, 200);
  });

  test('a method no handler of the path takes is 405 with Allow listing what they take', async () => {
    const { server: s } = methodServer();
    for (const method of ['DELETE', 'PUT', 'PATCH']) {
      const r = await call(s, '/features/collections/cities/items', method);
      assert.equal(r.status, 405, method);
      assert.equal(r.headers['Allow'], 'GET, HEAD, POST');
      const body = JSON.parse(r.body) as { code: string; description: string };
      assert.equal(body.code, 'MethodNotAllowed');
      assert.match(body.description, new RegExp(`Method ${method} is not allowed here`));
    }
    const onlyGet = await call(s, '/features/collections/cities/items.json', 'POST');
    assert.equal(onlyGet.status, 405, 'the POST handler does not take the .json path');
    assert.equal(onlyGet.headers['Allow'], 'GET, HEAD');
    assert.equal((await call(s, '/features/nothing', 'DELETE')).status, 404, 'no path matches: 404, not 405');
  });

  test('a parameter given twice is refused, naming it', async () => {
    const { server: s } = methodServer();
    const r = await call(s, '/features/collections/x/items?limit=1&limit=2');
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { code: 'InvalidParameterValue', description: 'limit is given 2 times; give it once', locator: 'limit' });
  });

  test('a handler\'s own media type is sent, and accepted in Accept and f', async () => {
    const { server: s } = methodServer();
    const plain = await call(s, '/features/schema');
    assert.equal(plain.headers['Content-Type'], 'application/schema+json; charset=utf-8');
    const asked = await call(s, '/features/schema', 'GET', { accept: 'application/schema+json' });
    assert.equal(asked.status, 200);
    assert.match(asked.headers['Content-Type'] ?? '', /^application\/schema\+json/);
    assert.equal((await call(s, '/features/schema?f=application/schema%2Bjson')).status, 200);
    assert.match((await call(s, '/features/schema', 'GET', { accept: 'application/schema+json;q=0.5, text/html' })).headers['Content-Type'] ?? '', /^text\/html/);
    assert.equal((await call(s, '/features/schema', 'GET', { accept: 'application/xml' })).status, 406);
  });
});

describe('pathTemplate', () => {
  test('literal segments, named groups and optional extensions', () => {
    assert.equal(pathTemplate(/^\/collections\/(?<collectionId>[^/]+)\/items(?:\.(?:json|html))?$/), '/collections/{collectionId}/items');
    assert.equal(pathTemplate(/^\/collections\/(?<collectionId>[^/]+?)\/items\/(?<featureId>[^/]+?)(?:\.(?:json|html))?$/), '/collections/{collectionId}/items/{featureId}');
    assert.equal(pathTemplate(/^\/conformance$/), '/conformance');
    assert.equal(pathTemplate(/\/customapi/), '/customapi');
    assert.equal(pathTemplate(/^\/a-b_c~d\.txt$/), '/a-b_c~d.txt');
    assert.equal(pathTemplate(/^(?:\/index)?$/), '/');
  });
  test('anything else asks the handler to say its template', () => {
    for (const re of [/^\/(a|b)$/, /^\/a+$/, /^\/(?:x|y)$/, /^\/a.b$/, /^\/[ab]$/, /^\/\d+$/]) {
      assert.throws(() => pathTemplate(re), /cannot be written as an OpenAPI path template; override openApiPath\(\)/, String(re));
    }
  });
});
