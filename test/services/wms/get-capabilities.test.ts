import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, call } from '../../support/server.js';
import { RESTRICTIVE, wmsServer, xmlObject } from './support.js';
import type { ServerCacheFilterLike } from '../../../src/filters/cache.js';

const GOLDEN = path.join(ROOT, 'test/services/wms/golden');

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it. */
async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(file, actual);
  assert.equal(actual, await readFile(file, 'utf8'), `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it; check the diff)`);
}

/** xmlbuilder2's parser leaves entities in attribute values. */
function unescape(s: string): string {
  return s.replace(/&amp;/g, '&');
}

function names(layer: any): string[] {
  const kids = layer.Layer === undefined ? [] : Array.isArray(layer.Layer) ? layer.Layer : [layer.Layer];
  return kids.flatMap((k: any) => [k.Name, ...names(k)]);
}

function wellFormed(xml: string): void {
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: xml, stdio: ['pipe', 'ignore', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // xmllint not installed
    throw err;
  }
}

describe('GetCapabilities 1.3.0', () => {
  test('matches the golden document', async () => {
    const { server } = wmsServer();
    const r = await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'text/xml; charset=utf-8');
    wellFormed(r.body);
    await golden('capabilities-1.3.0.xml', r.body);
  });

  test('layer tree, CRS, boxes in axis order, styles with legends', async () => {
    const { server } = wmsServer();
    const doc = xmlObject((await call(server, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities')).body);
    const cap = doc['WMS_Capabilities'];
    assert.equal(cap['@version'], '1.3.0');
    const root = cap.Capability.Layer;
    assert.deepEqual(names(root), ['relief', 'world', 'countries', 'cities', 'secret']);
    assert.deepEqual(root.CRS, ['EPSG:4326', 'EPSG:3857', 'EPSG:3035']);
    const world = root.Layer[1];
    const countries = world.Layer[0];
    assert.equal(countries['@queryable'], '1');
    const g = countries.EX_GeographicBoundingBox;
    assert.ok(Number(g.westBoundLongitude) < -70 && Number(g.eastBoundLongitude) > 145, 'Brazil to Japan');
    const b4326 = countries.BoundingBox.find((b: any) => b['@CRS'] === 'EPSG:4326');
    assert.equal(b4326['@minx'], g.southBoundLatitude, 'EPSG:4326 boxes are lat/lon in 1.3.0');
    assert.equal(b4326['@miny'], g.westBoundLongitude);
    const b3857 = countries.BoundingBox.find((b: any) => b['@CRS'] === 'EPSG:3857');
    assert.ok(Number(b3857['@minx']) < -7e6, 'EPSG:3857 stays x/y');
    const styles = countries.Style.map((s: any) => s.Name);
    assert.deepEqual(styles, ['continents', 'outline']);
    assert.match(unescape(countries.Style[0].LegendURL.OnlineResource['@xlink:href']), /REQUEST=GetLegendGraphic&LAYER=countries&FORMAT=image\/png&STYLE=continents/);
    const formats = cap.Capability.Request.GetMap.Format;
    assert.ok(formats.includes('image/png') && formats.includes('image/jpeg'));
  });

  test('the online resource keeps MAP, so clients stay on the project', async () => {
    const { server } = wmsServer();
    const doc = xmlObject((await call(server, 'http://maps.example:8080/ows?SERVICE=WMS&REQUEST=GetCapabilities&MAP=project.yaml')).body);
    const href = doc['WMS_Capabilities'].Capability.Request.GetMap.DCPType.HTTP.Get.OnlineResource['@xlink:href'];
    assert.equal(unescape(href), 'http://maps.example:8080/ows?MAP=project.yaml&');
  });
});

describe('GetCapabilities 1.1.1', () => {
  test('matches the golden document, with its DOCTYPE and content type', async () => {
    const { server } = wmsServer();
    const r = await call(server, '/?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities');
    assert.equal(r.headers['Content-Type'], 'application/vnd.ogc.wms_xml; charset=utf-8');
    assert.match(r.body, /<!DOCTYPE WMT_MS_Capabilities SYSTEM "http:\/\/schemas\.opengis\.net\/wms\/1\.1\.1\/WMS_MS_Capabilities\.dtd">/);
    wellFormed(r.body);
    await golden('capabilities-1.1.1.xml', r.body);
    const doc = xmlObject(r.body);
    const countries = doc['WMT_MS_Capabilities'].Capability.Layer.Layer[1].Layer[0];
    assert.ok(countries.LatLonBoundingBox);
    assert.equal(countries.BoundingBox.find((b: any) => b['@SRS'] === 'EPSG:4326')['@minx'], countries.LatLonBoundingBox['@minx'], 'x/y in 1.1.1');
  });

  test('version negotiation: 1.2.0 gets 1.1.1, 2.0.0 gets 1.3.0', async () => {
    const { server } = wmsServer();
    assert.match((await call(server, '/?SERVICE=WMS&VERSION=1.2.0&REQUEST=GetCapabilities')).body, /<WMT_MS_Capabilities version="1\.1\.1"/);
    assert.match((await call(server, '/?SERVICE=WMS&VERSION=2.0.0&REQUEST=GetCapabilities')).body, /<WMS_Capabilities xmlns="http:\/\/www\.opengis\.net\/wms" version="1\.3\.0"/);
  });
});

describe('GetCapabilities and access control', () => {
  test('a hidden layer is absent; each role has its own cached document', async () => {
    let role = 'public';
    const byRole = {
      layerPermissions: (layer: { name(): string }) => ({ canRead: role === 'admin' || layer.name() !== 'secret' }),
      cacheKey: () => role,
    };
    const { server, iface } = wmsServer([byRole]);
    const hits: string[] = [];
    const spy: ServerCacheFilterLike = { getCachedDocument: (_p, _r, key) => { hits.push(key); return null; } };
    iface.registerServerCache(spy, 0);
    const pub = await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.doesNotMatch(pub.body, /<Name>secret<\/Name>/);
    role = 'admin';
    const admin = await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.match(admin.body, /<Name>secret<\/Name>/);
    role = 'public';
    const again = await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.equal(again.body, pub.body, 'the public document again, from the cache');
    assert.equal(new Set(hits).size, 2, 'two keys: one per role');
  });

  test('an access-control filter without a cache key disables the cache', async () => {
    const { server, iface } = wmsServer([{ layerPermissions: () => ({ canRead: true }) }]);
    let sets = 0;
    iface.registerServerCache({ setCachedDocument: () => { sets++; return true; } }, 0);
    await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.equal(sets, 0);
  });

  test('RESTRICTIVE: secret is gone, the rest is there', async () => {
    const { server } = wmsServer([RESTRICTIVE]);
    const doc = xmlObject((await call(server, '/?SERVICE=WMS&REQUEST=GetCapabilities')).body);
    assert.deepEqual(names(doc['WMS_Capabilities'].Capability.Layer), ['relief', 'world', 'countries', 'cities']);
  });
});

describe('WMS request errors', () => {
  test('unknown REQUEST is OperationNotSupported (501), missing REQUEST MissingParameterValue', async () => {
    const { server } = wmsServer();
    const r = await call(server, '/?SERVICE=WMS&REQUEST=GetPony');
    assert.equal(r.status, 501);
    assert.match(r.body, /code="OperationNotSupported" locator="REQUEST"/);
    const m = await call(server, '/?SERVICE=WMS');
    assert.equal(m.status, 400);
    assert.match(m.body, /code="MissingParameterValue" locator="REQUEST"/);
  });
});
