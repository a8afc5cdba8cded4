import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLES, call, testServer } from '../support/server.js';
import type { Server } from '../../src/server/server.js';
import type { ServerInterface } from '../../src/server/server-interface.js';
import { LayerPermissions, type ServerLayer, type ServerFeature } from '../../src/filters/access-control.js';
import { BufferRequest } from '../../src/server/request.js';
import { BufferResponse } from '../../src/server/response.js';

let server: Server;
let iface: ServerInterface;
let records: Array<Record<string, unknown>>;

before(async () => {
  ({ server, iface, records } = testServer({ pluginPaths: [EXAMPLES] }));
  const loaded = await server.ready();
  assert.deepEqual(loaded.map((p) => p.name).sort(), ['AccessControl', 'CustomApi', 'CustomService', 'HelloServer', 'ParamsFilter', 'Watermark']);
});

describe('HelloServer', () => {
  test('SERVICE=HELLO answers HelloServer! as text/plain with status 200', async () => {
    const r = await call(server, '/?SERVICE=HELLO');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'HelloServer!');
    assert.equal(r.headers['Content-type'], 'text/plain');
  });
  test('other unknown services still get the 400 exception', async () => {
    assert.equal((await call(server, '/?SERVICE=GOODBYE')).status, 400);
  });
});

describe('ParamsFilter', () => {
  test('the parameter injected in requestReady is there in responseComplete', async () => {
    const r = await call(server, '/?SERVICE=CUSTOM');
    assert.equal(r.headers['X-Params-Filter'], 'SUCCESS');
    assert.ok(records.some((rec) => rec['msg'] === 'SUCCESS - ParamsFilter.responseComplete'));
  });
});

describe('CUSTOM service', () => {
  test('answers its text for any method', async () => {
    for (const m of ['GET', 'POST', 'PUT']) {
      const r = await call(server, '/?service=custom', m);
      assert.equal(r.status, 200, m);
      assert.equal(r.body, 'Custom service executeRequest');
    }
  });
});

describe('custom circle API', () => {
  test('JSON: a closed circle of radius r around x, y', async () => {
    const r = await call(server, '/customapi?x=10&y=20&r=5');
    assert.equal(r.status, 200);
    assert.match(r.headers['Content-Type'] ?? '', /^application\/json/);
    const f = JSON.parse(r.body) as { type: string; geometry: { type: string; coordinates: number[][] }; properties: Record<string, number> };
    assert.equal(f.type, 'Feature');
    assert.deepEqual(f.properties, { x: 10, y: 20, r: 5 });
    const c = f.geometry.coordinates;
    assert.ok(c.length > 8);
    assert.deepEqual(c[0], c[c.length - 1]);
    for (const [px, py] of c) assert.ok(Math.abs(Math.hypot(px! - 10, py! - 20) - 5) < 1e-9);
  });
  test('HTML through its template when the client asks for it', async () => {
    const r = await call(server, '/customapi?x=1&y=2&r=3&f=html');
    assert.match(r.headers['Content-Type'] ?? '', /^text\/html/);
    assert.match(r.body, /Circle of radius 3 around \(1, 2\)/);
    const byAccept = await call(server, '/customapi?x=1&y=2&r=3', 'GET', { accept: 'text/html' });
    assert.match(byAccept.body, /<title>Custom Api XY Circle<\/title>/);
  });
  test('found under a web-server prefix too', async () => {
    assert.equal((await call(server, '/ows/customapi?x=0&y=0&r=1')).status, 200);
  });
  test('bad parameters: JSON errors with code, status 400', async () => {
    const missing = await call(server, '/customapi?x=1&y=2');
    assert.equal(missing.status, 400);
    assert.deepEqual(JSON.parse(missing.body), { code: 'MissingParameterValue', description: 'The r parameter is missing', locator: 'r' });
    const bad = await call(server, '/customapi?x=abc&y=2&r=1');
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as { description: string }).description, "x ('abc') cannot be converted into double");
    const neg = await call(server, '/customapi?x=1&y=2&r=-1');
    assert.equal(neg.status, 400);
  });
  test('an unacceptable format is 406, a POST 405', async () => {
    assert.equal((await call(server, '/customapi?x=1&y=2&r=3&f=xml')).status, 406);
    assert.equal((await call(server, '/customapi?x=1&y=2&r=3', 'GET', { accept: 'image/png' })).status, 406);
    const post = await call(server, '/customapi?x=1&y=2&r=3', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers['Allow'], 'GET, HEAD');
  });
  test('listed on the landing page', async () => {
    const doc = JSON.parse((await call(server, '/')).body) as { apis: Array<{ rootPath: string }>; services: Array<{ name: string }> };
    assert.deepEqual(doc.apis.map((a) => a.rootPath), ['/customapi']);
    assert.deepEqual(doc.services.map((s) => s.name), ['CUSTOM']);
  });
});

describe('AccessControl example', () => {
  const layer = (name: string): ServerLayer => ({ name: () => name, id: () => `${name}_id` });
  const feature = (attrs: Record<string, unknown>): ServerFeature => ({ id: () => 1, attribute: (n) => attrs[n], attributes: () => attrs });

  /** Runs fn inside a request carrying the role header, as the data layer will call access control. */
  async function asRole<T>(role: string | null, fn: () => T): Promise<T> {
    let out: T | undefined;
    const probe = { requestReady: () => { out = fn(); } };
    iface.registerFilter(probe, -1000);
    try {
      await server.handleRequest(new BufferRequest('http://x/?SERVICE=CUSTOM', 'GET', role ? { 'X-Ows-Role': role } : {}), new BufferResponse());
    } finally {
      iface.filters().unregister(probe);
    }
    return out as T;
  }

  test('public: secret hidden, read-only, filtered, attributes hidden', async () => {
    const ac = iface.accessControls();
    const res = await asRole(null, () => ({
      secret: ac.layerPermissions(layer('secret')),
      cities: ac.layerPermissions(layer('cities')),
      expr: ac.layerFilterExpression(layer('cities')),
      subset: ac.layerFilterSubsetString(layer('countries')),
      attrs: ac.layerAttributes(layer('countries'), ['name', 'pop_est', 'gdp_md', 'iso_a3']),
      edit: ac.allowToEdit(layer('cities'), feature({ role: 'user' })),
      key: ac.cacheKey(),
    }));
    assert.equal(res.secret.canRead, false);
    assert.deepEqual({ ...res.cities }, { ...new LayerPermissions(), canInsert: false, canUpdate: false, canDelete: false });
    assert.equal(res.expr, '"population" >= 1000000');
    assert.equal(res.subset, "continent <> 'Antarctica'");
    assert.deepEqual(res.attrs, ['name', 'iso_a3']);
    assert.equal(res.edit, false);
    assert.equal(res.key, 'role:public');
  });

  test('editor edits only features whose role is user; admin sees everything; unknown role nothing', async () => {
    const ac = iface.accessControls();
    const editor = await asRole('editor', () => [ac.allowToEdit(layer('cities'), feature({ role: 'user' })), ac.allowToEdit(layer('cities'), feature({ role: 'boss' })), ac.layerPermissions(layer('cities')).canUpdate]);
    assert.deepEqual(editor, [true, false, true]);
    const admin = await asRole('admin', () => [ac.layerPermissions(layer('secret')).canRead, ac.layerFilterExpression(layer('cities')), ac.cacheKey()]);
    assert.deepEqual(admin, [true, null, 'role:admin']);
    const stranger = await asRole('hacker', () => ac.layerPermissions(layer('cities')).canRead);
    assert.equal(stranger, false);
  });
});
