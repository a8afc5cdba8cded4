import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceRegistry, type ApiLike } from '../../src/server/service-registry.js';
import type { ServiceLike } from '../../src/server/service.js';
import { BufferRequest } from '../../src/server/request.js';
import type { Logger } from '../../src/server/logger.js';

const service = (name: string, version: string): ServiceLike & { tag: string } => ({
  tag: `${name}@${version}`,
  name: () => name,
  version: () => version,
  executeRequest: () => {},
});
const api = (name: string, root: string): ApiLike => ({
  name: () => name,
  description: () => `${name} API`,
  version: () => '1.0.0',
  rootPath: () => root,
  executeRequest: () => {},
});
const tag = (s: ServiceLike | undefined) => (s as { tag?: string } | undefined)?.tag;
function recordingLogger(): { log: Logger; lines: Array<[Record<string, unknown>, string]> } {
  const lines: Array<[Record<string, unknown>, string]> = [];
  return { log: { info: (o: Record<string, unknown>, m: string) => lines.push([o, m]) } as unknown as Logger, lines };
}

describe('ServiceRegistry: services', () => {
  it('finds a service by case-insensitive name', () => {
    const reg = new ServiceRegistry();
    reg.registerService(service('wms', '1.3.0'));
    for (const name of ['WMS', 'wms', 'Wms']) assert.equal(tag(reg.getService(name)), 'wms@1.3.0', name);
    assert.equal(reg.getService('WFS'), undefined);
  });
  it('finds the version asked for', () => {
    const reg = new ServiceRegistry();
    reg.registerService(service('WMS', '1.1.1'));
    reg.registerService(service('WMS', '1.3.0'));
    assert.equal(tag(reg.getService('WMS', '1.1.1')), 'WMS@1.1.1');
    assert.equal(tag(reg.getService('WMS', '1.3.0')), 'WMS@1.3.0');
  });
  it('without a version, or with one not registered, the highest version serves', () => {
    const reg = new ServiceRegistry();
    reg.registerService(service('WFS', '1.1.0'));
    reg.registerService(service('WFS', '2.0.0'));
    reg.registerService(service('WFS', '1.0.0'));
    assert.equal(tag(reg.getService('WFS')), 'WFS@2.0.0');
    assert.equal(tag(reg.getService('WFS', '')), 'WFS@2.0.0');
    assert.equal(tag(reg.getService('WFS', '3.0.0')), 'WFS@2.0.0');
    assert.equal(tag(reg.getService('WFS', 'garbage')), 'WFS@2.0.0');
  });
  it('compares versions numerically: 1.10.0 is above 1.9.0', () => {
    const reg = new ServiceRegistry();
    reg.registerService(service('X', '1.10.0'));
    reg.registerService(service('X', '1.9.0'));
    assert.equal(tag(reg.getService('X')), 'X@1.10.0');
    assert.deepEqual(reg.services(), [{ name: 'X', versions: ['1.10.0', '1.9.0'] }]);
  });
  it('the same name and version registered again replaces the first', () => {
    const reg = new ServiceRegistry();
    const first = service('WMS', '1.3.0');
    const second = service('wms', '1.3.0');
    reg.registerService(first);
    reg.registerService(second);
    assert.equal(reg.getService('WMS'), second);
    assert.deepEqual(reg.services(), [{ name: 'WMS', versions: ['1.3.0'] }]);
  });
  it('services() lists names upper-case with versions highest first', () => {
    const reg = new ServiceRegistry();
    reg.registerService(service('wms', '1.1.1'));
    reg.registerService(service('WMS', '1.3.0'));
    reg.registerService(service('wfs', '2.0.0'));
    assert.deepEqual(reg.services(), [
      { name: 'WMS', versions: ['1.3.0', '1.1.1'] },
      { name: 'WFS', versions: ['2.0.0'] },
    ]);
  });
  it('unregisterService removes one version, or all, and counts them', () => {
    const reg = new ServiceRegistry();
    reg.registerService(service('WMS', '1.1.1'));
    reg.registerService(service('WMS', '1.3.0'));
    reg.registerService(service('WFS', '2.0.0'));
    assert.equal(reg.unregisterService('wms', '1.3.0'), 1);
    assert.equal(tag(reg.getService('WMS')), 'WMS@1.1.1');
    assert.equal(reg.unregisterService('WMS', '9.9.9'), 0);
    assert.equal(reg.unregisterService('Wms', '1.1.1'), 1);
    assert.equal(reg.getService('WMS'), undefined);
    assert.deepEqual(reg.services().map((s) => s.name), ['WFS']);
    reg.registerService(service('WMS', '1.1.1'));
    reg.registerService(service('WMS', '1.3.0'));
    assert.equal(reg.unregisterService('WMS'), 2);
    assert.equal(reg.unregisterService('WMS'), 0);
    assert.equal(reg.unregisterService('NOPE'), 0);
  });
  it('refuses an object that is not a service', () => {
    const reg = new ServiceRegistry();
    assert.throws(() => reg.registerService({ name: () => 'WMS', version: () => '1' } as unknown as ServiceLike), TypeError);
    assert.throws(() => reg.registerService({ ...service('', '1') }), TypeError);
    assert.deepEqual(reg.services(), []);
  });
  it('logs each registration', () => {
    const { log, lines } = recordingLogger();
    const reg = new ServiceRegistry(log);
    reg.registerService(service('wcs', '2.0.1'));
    assert.deepEqual(lines, [[{ service: 'WCS', version: '2.0.1' }, 'registered service']]);
  });
});

describe('ServiceRegistry: APIs', () => {
  const match = (reg: ServiceRegistry, url: string) => {
    const m = reg.apiForRequest(new BufferRequest(url));
    return m && { api: m.api.name(), matchedPath: m.matchedPath, handlerPath: m.handlerPath };
  };

  it('finds an API by its root path and splits the path', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.deepEqual(match(reg, '/customapi'), { api: 'custom', matchedPath: '/customapi', handlerPath: '' });
    assert.deepEqual(match(reg, '/customapi/'), { api: 'custom', matchedPath: '/customapi', handlerPath: '/' });
    assert.deepEqual(match(reg, '/customapi/collections/roads/items?f=json'),
      { api: 'custom', matchedPath: '/customapi', handlerPath: '/collections/roads/items' });
  });
  it('finds the root under a web-server prefix', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.deepEqual(match(reg, '/ows/customapi/x'), { api: 'custom', matchedPath: '/ows/customapi', handlerPath: '/x' });
    assert.deepEqual(match(reg, '/cgi-bin/qgis_mapserv.fcgi/customapi'),
      { api: 'custom', matchedPath: '/cgi-bin/qgis_mapserv.fcgi/customapi', handlerPath: '' });
  });
  it('matches whole segments only', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.equal(match(reg, '/customapi2'), undefined);
    assert.equal(match(reg, '/customapi2/x'), undefined);
    assert.equal(match(reg, '/mycustomapi'), undefined);
    assert.equal(match(reg, '/x-customapi/y'), undefined);
    assert.equal(match(reg, '/'), undefined);
  });
  it('keeps looking past a partial match', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.deepEqual(match(reg, '/customapi2/customapi/a'), { api: 'custom', matchedPath: '/customapi2/customapi', handlerPath: '/a' });
  });
  it('lets an extension follow the root (/customapi.json)', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.deepEqual(match(reg, '/customapi.json'), { api: 'custom', matchedPath: '/customapi', handlerPath: '.json' });
  });
  it('does not look at the query string', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.equal(match(reg, '/ows?path=/customapi'), undefined);
  });
  it('collapses repeated slashes in the path', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    assert.deepEqual(match(reg, '/ows//customapi//items'), { api: 'custom', matchedPath: '/ows/customapi', handlerPath: '/items' });
  });
  it('normalises the root path an API gives', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('a', 'wfs3/'));
    assert.deepEqual(match(reg, '/wfs3/collections'), { api: 'a', matchedPath: '/wfs3', handlerPath: '/collections' });
  });
  it('the longest root wins, whatever the registration order', () => {
    for (const order of [['short', 'long'], ['long', 'short']]) {
      const reg = new ServiceRegistry();
      for (const n of order) reg.registerApi(n === 'short' ? api('short', '/api') : api('long', '/api/v2'));
      assert.deepEqual(match(reg, '/api/v2/items'), { api: 'long', matchedPath: '/api/v2', handlerPath: '/items' }, order.join());
      assert.deepEqual(match(reg, '/api/v1/items'), { api: 'short', matchedPath: '/api', handlerPath: '/v1/items' }, order.join());
      assert.deepEqual(match(reg, '/api/v2x'), { api: 'short', matchedPath: '/api', handlerPath: '/v2x' }, order.join());
      assert.deepEqual(reg.apis().map((a) => a.name()), ['long', 'short']);
    }
  });
  it('no API registered or none matching: undefined', () => {
    const reg = new ServiceRegistry();
    assert.equal(match(reg, '/wfs3'), undefined);
    reg.registerApi(api('a', '/wfs3'));
    assert.equal(match(reg, '/ows'), undefined);
  });
  it('refuses a second API on the same root, after normalisation', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('a', '/wfs3'));
    assert.throws(() => reg.registerApi(api('b', 'wfs3/')), /already registered at \/wfs3/);
    assert.deepEqual(reg.apis().map((a) => a.name()), ['a']);
  });
  it('unregisterApi removes by name', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('a', '/wfs3'));
    assert.equal(reg.unregisterApi('nope'), false);
    assert.equal(reg.unregisterApi('a'), true);
    assert.equal(match(reg, '/wfs3'), undefined);
    reg.registerApi(api('again', '/wfs3'));
    assert.equal(match(reg, '/wfs3')?.api, 'again');
  });
  it('matchedPath + handlerPath is always the (slash-collapsed) request path', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('custom', '/customapi'));
    reg.registerApi(api('v2', '/ogc/v2'));
    for (const p of ['/customapi', '/x/customapi/', '/customapi/a/b.json', '/ogc/v2', '/pre/ogc/v2/c', '/customapi.html']) {
      const m = reg.apiForRequest(new BufferRequest(p));
      assert.ok(m, p);
      assert.equal(m.matchedPath + m.handlerPath, p, p);
    }
  });
  it('an API at the root path "/" serves every path', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('root', '/'));
    for (const p of ['/collections', '/collections/', '/a/b/']) {
      const m = reg.apiForRequest(new BufferRequest(p));
      assert.ok(m, `${p} is served`);
      assert.equal(m.matchedPath + m.handlerPath, p, p);
      assert.ok(m.handlerPath.startsWith(p.replace(/\/$/, '')), `${p}: the handler sees the path (got '${m.handlerPath}')`);
    }
  });
  it('apis() is a copy', () => {
    const reg = new ServiceRegistry();
    reg.registerApi(api('a', '/wfs3'));
    reg.apis().pop();
    assert.equal(reg.apis().length, 1);
  });
  it('logs each registration', () => {
    const { log, lines } = recordingLogger();
    new ServiceRegistry(log).registerApi(api('features', 'ogcapi/'));
    assert.deepEqual(lines, [[{ api: 'features', rootPath: '/ogcapi', version: '1.0.0' }, 'registered API']]);
  });
});
