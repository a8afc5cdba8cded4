import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../../support/server.js';
import { wmsServer, xmlObject } from './support.js';

type Json = Record<string, any>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function exception(body: string): { code: string; locator?: string } {
  const e = xmlObject(body).ServiceExceptionReport.ServiceException;
  return { code: e['@code'], ...(e['@locator'] ? { locator: e['@locator'] } : {}) };
}

describe('DescribeLayer 1.3.0 (SLD 1.1.0 DescribeLayerResponse)', () => {
  const { server } = wmsServer();
  const base = '/ows?MAP=project.yaml&SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer&SLD_VERSION=1.1.0';

  test('wfs for vector layers, wcs for rasters, the online resource and the type names', async () => {
    const r = await call(server, `${base}&LAYERS=countries,relief`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['Content-Type'], 'text/xml; charset=utf-8');
    const doc = xmlObject(r.body).DescribeLayerResponse as Json;
    assert.equal(doc['@xmlns'], 'http://www.opengis.net/sld');
    assert.equal(doc['@xmlns:se'], 'http://www.opengis.net/se');
    assert.match(doc['@xsi:schemaLocation'], /sld\/1\.1\.0\/DescribeLayer\.xsd$/);
    assert.equal(doc.Version, '1.1.0');
    const [countries, relief] = list<Json>(doc.LayerDescription);
    assert.equal(countries!.owsType, 'wfs');
    assert.equal(countries!['se:OnlineResource']['@xlink:type'], 'simple');
    // (xmlbuilder2's object form leaves entities escaped: &amp; is the '&' the URL ends with.)
    assert.equal(countries!['se:OnlineResource']['@xlink:href'], 'http://localhost:8080/ows?MAP=project.yaml&amp;');
    assert.deepEqual(countries!.TypeName, { 'se:FeatureTypeName': 'countries' });
    assert.equal(relief!.owsType, 'wcs');
    assert.deepEqual(relief!.TypeName, { 'se:CoverageName': 'relief' });
  });

  test('the element order of the schema: Version, then owsType, se:OnlineResource, TypeName', async () => {
    const body = (await call(server, `${base}&LAYERS=cities`)).body;
    assert.match(body, /<Version>1\.1\.0<\/Version>\s*<LayerDescription>\s*<owsType>wfs<\/owsType>\s*<se:OnlineResource [^>]*\/>\s*<TypeName>\s*<se:FeatureTypeName>cities<\/se:FeatureTypeName>\s*<\/TypeName>/);
  });

  test('a group stands for its layers, each once', async () => {
    const doc = xmlObject((await call(server, `${base}&LAYERS=world,cities`)).body).DescribeLayerResponse as Json;
    assert.deepEqual(list<Json>(doc.LayerDescription).map((d) => d.TypeName['se:FeatureTypeName']), ['countries', 'cities']);
  });

  test('SLD_VERSION is mandatory and must be 1.1.0 (as in QGIS); LAYERS is required; unknown layers do not exist', async () => {
    const plain = '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer';
    const cases: Array<[string, { code: string; locator?: string }]> = [
      [`${plain}&LAYERS=countries`, { code: 'MissingParameterValue', locator: 'SLD_VERSION' }],
      [`${plain}&LAYERS=countries&SLD_VERSION=1.0.0`, { code: 'InvalidParameterValue', locator: 'SLD_VERSION' }],
      [`${plain}&SLD_VERSION=1.1.0`, { code: 'MissingParameterValue', locator: 'LAYERS' }],
      [`${plain}&SLD_VERSION=1.1.0&LAYERS=nope`, { code: 'LayerNotDefined', locator: 'nope' }],
    ];
    for (const [url, expected] of cases) {
      const r = await call(server, url);
      assert.equal(r.status, 400, url);
      assert.deepEqual(exception(r.body), expected, url);
    }
  });
});

describe('DescribeLayer 1.1.1 (WMS_DescribeLayerResponse)', () => {
  const { server } = wmsServer();

  test('the DTD format: LayerDescription name, wfs, owsURL, owsType and Query typeName', async () => {
    const r = await call(server, '/?SERVICE=WMS&VERSION=1.1.1&REQUEST=DescribeLayer&LAYERS=cities,relief');
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['Content-Type'], 'application/vnd.ogc.sld+xml; charset=utf-8');
    assert.match(r.body, /<!DOCTYPE WMS_DescribeLayerResponse SYSTEM "http:\/\/schemas\.opengis\.net\/wms\/1\.1\.1\/WMS_DescribeLayerResponse\.dtd">/);
    const doc = xmlObject(r.body).WMS_DescribeLayerResponse as Json;
    assert.equal(doc['@version'], '1.1.1');
    const [cities, relief] = list<Json>(doc.LayerDescription);
    assert.deepEqual(cities, {
      '@name': 'cities', '@wfs': 'http://localhost:8080/?', '@owsURL': 'http://localhost:8080/?', '@owsType': 'WFS', Query: { '@typeName': 'cities' },
    });
    assert.deepEqual(relief, { '@name': 'relief', '@owsURL': 'http://localhost:8080/?', '@owsType': 'WCS', Query: { '@typeName': 'relief' } });
  });

  test('SLD_VERSION is optional in 1.1.1', async () => {
    assert.equal((await call(server, '/?SERVICE=WMS&VERSION=1.1.1&REQUEST=DescribeLayer&LAYERS=cities&SLD_VERSION=1.0.0')).status, 200);
  });
});

describe('DescribeLayer and access control', () => {
  test('a hidden layer does not exist, and a group describes only its readable layers', async () => {
    const { server } = wmsServer([{ layerPermissions: (l) => ({ canRead: l.name() !== 'secret' && l.name() !== 'cities' }) }]);
    for (const layer of ['secret', 'cities']) {
      const r = await call(server, `/?SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer&SLD_VERSION=1.1.0&LAYERS=${layer}`);
      assert.equal(r.status, 400);
      assert.deepEqual(exception(r.body), { code: 'LayerNotDefined', locator: layer });
    }
    const doc = xmlObject((await call(server, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer&SLD_VERSION=1.1.0&LAYERS=world')).body).DescribeLayerResponse as Json;
    assert.deepEqual(list<Json>(doc.LayerDescription).map((d) => d.TypeName['se:FeatureTypeName']), ['countries']);
  });
});
