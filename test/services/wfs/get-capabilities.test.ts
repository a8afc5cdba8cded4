import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, call, testServer } from '../../support/server.js';
import type { ServerCacheFilterLike } from '../../../src/filters/cache.js';
import { GETFEATURE_FORMATS } from '../../../src/services/wfs/capabilities-model.js';
import { describeFeatureType } from '../../../src/services/wfs/describe-feature-type.js';
import { getCapabilities } from '../../../src/services/wfs/get-capabilities.js';
import { getFeature } from '../../../src/services/wfs/get-feature.js';
import { WfsService } from '../../../src/services/wfs/index.js';
import { SCHEMA_FORMATS, schemaFlavour } from '../../../src/services/wfs/schema-format.js';
import { describeStoredQueries, listStoredQueries } from '../../../src/services/wfs/stored-queries.js';
import { transaction } from '../../../src/services/wfs/transaction.js';
import { writerForFormat } from '../../../src/services/wfs/writers/index.js';
import { WFS_VERSIONS } from '../../../src/services/wfs/version.js';
import { PROJECT, RESTRICTIVE, wfs, wfsPost, wfsServer, xmlObject } from './support.js';
import { editableProject, golden, list, wellFormed } from './capabilities-support.js';

type Server = ReturnType<typeof wfsServer>;

async function caps(s: Server, query = '') {
  const r = await wfs(s, `REQUEST=GetCapabilities${query}`);
  assert.equal(r.status, 200, r.body);
  return r;
}

/** The FeatureType elements of a document of any version. */
function featureTypes(doc: Record<string, any>): any[] {
  const root = doc['wfs:WFS_Capabilities'] ?? doc['WFS_Capabilities'];
  const ftl = root['wfs:FeatureTypeList'] ?? root['FeatureTypeList'];
  return list(ftl?.['wfs:FeatureType'] ?? ftl?.['FeatureType']);
}

function typeNames(doc: Record<string, any>): string[] {
  return featureTypes(doc).map((t) => t['wfs:Name'] ?? t['Name']);
}

/** ows:Operation elements by name. */
function operations(doc: Record<string, any>): Map<string, any> {
  const om = doc['wfs:WFS_Capabilities']['ows:OperationsMetadata'];
  return new Map(list(om['ows:Operation']).map((o: any) => [o['@name'], o]));
}

function constraint(doc: Record<string, any>, name: string): string | undefined {
  const om = doc['wfs:WFS_Capabilities']['ows:OperationsMetadata'];
  return list(om['ows:Constraint']).find((c: any) => c['@name'] === name)?.['ows:DefaultValue'];
}

/** The WGS 84 box of the countries file, optionally without some countries (what RESTRICTIVE's subset leaves). */
async function countriesBox(without: string[] = []): Promise<[number, number, number, number]> {
  const fc = JSON.parse(await readFile(path.join(ROOT, 'test/fixtures/projects/data/countries.geojson'), 'utf8'));
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: any): void => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else for (const p of c) walk(p);
  };
  for (const f of fc.features) if (!without.includes(f.properties.name)) walk(f.geometry.coordinates);
  return b;
}

function wgs84Box(t: any): number[] {
  const bb = t['ows:WGS84BoundingBox'];
  return [...bb['ows:LowerCorner'].split(' '), ...bb['ows:UpperCorner'].split(' ')].map(Number);
}

describe('WFS GetCapabilities documents', () => {
  for (const version of WFS_VERSIONS) {
    test(`${version} matches its golden file and is well-formed`, async () => {
      const s = wfsServer();
      const r = await caps(s, `&VERSION=${version}`);
      assert.equal(r.headers['Content-Type'], 'text/xml; charset=utf-8');
      wellFormed(r.body);
      await golden(`capabilities-${version}.xml`, r.body);
    });
  }

  test('2.0.0 by default: feature types, CRS, WGS 84 boxes in lon/lat order; no raster', async () => {
    const doc = xmlObject((await caps(wfsServer())).body);
    assert.equal(doc['wfs:WFS_Capabilities']['@version'], '2.0.0');
    assert.deepEqual(typeNames(doc), ['qgs:countries', 'qgs:cities', 'qgs:secret']);
    const countries = featureTypes(doc)[0];
    assert.equal(countries['wfs:Title'], 'Countries');
    assert.deepEqual(list(countries['ows:Keywords']['ows:Keyword']), ['countries', 'boundaries']);
    assert.equal(countries['wfs:DefaultCRS'], 'urn:ogc:def:crs:EPSG::4326');
    assert.deepEqual(countries['wfs:OtherCRS'], ['urn:ogc:def:crs:EPSG::3857', 'urn:ogc:def:crs:EPSG::3035']);
    const expected = await countriesBox();
    wgs84Box(countries).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${wgs84Box(countries)} vs ${expected}`));
  });

  test('1.1.0 names SRS and lists Query per type; 1.0.0 has SRS EPSG:n and LatLongBoundingBox', async () => {
    const s = wfsServer();
    const d11 = xmlObject((await caps(s, '&VERSION=1.1.0')).body);
    const c11 = featureTypes(d11)[0];
    assert.equal(c11['wfs:DefaultSRS'], 'urn:ogc:def:crs:EPSG::4326');
    assert.equal(c11['wfs:Operations']['wfs:Operation'], 'Query');
    const d10 = xmlObject((await caps(s, '&VERSION=1.0.0')).body);
    const c10 = featureTypes(d10)[0];
    assert.equal(c10.SRS, 'EPSG:4326');
    const expected = await countriesBox();
    assert.ok(Math.abs(Number(c10.LatLongBoundingBox['@minx']) - expected[0]) < 1e-6);
    assert.ok(Math.abs(Number(c10.LatLongBoundingBox['@maxy']) - expected[3]) < 1e-6);
    assert.deepEqual(Object.keys(c10.Operations), ['Query']);
    assert.deepEqual(Object.keys(d10['WFS_Capabilities'].Capability.Request), ['GetCapabilities', 'DescribeFeatureType', 'GetFeature']);
  });

  test('every advertised output format is one GetFeature / DescribeFeatureType accepts', async () => {
    const s = wfsServer();
    for (const version of WFS_VERSIONS) {
      for (const f of GETFEATURE_FORMATS[version]) assert.ok(writerForFormat(f), `GetFeature ${version} ${f}`);
      for (const f of SCHEMA_FORMATS[version]) {
        assert.doesNotThrow(() => schemaFlavour(f, version), `DescribeFeatureType ${version} ${f}`);
        const r = await wfs(s, `VERSION=${version}&REQUEST=DescribeFeatureType&TYPENAME=countries&OUTPUTFORMAT=${encodeURIComponent(f)}`);
        assert.equal(r.status, 200, `${version} ${f}: ${r.body}`);
      }
    }
    const d20 = xmlObject((await caps(s)).body);
    const out = list(operations(d20).get('GetFeature')['ows:Parameter']).find((p: any) => p['@name'] === 'outputFormat');
    assert.deepEqual(out['ows:AllowedValues']['ows:Value'], GETFEATURE_FORMATS['2.0.0']);
  });

  test('2.0.0 operations, DCP URLs and conformance constraints; no Transaction when nothing is editable', async () => {
    const doc = xmlObject((await call(wfsServer().server, 'http://maps.example:8080/ows?SERVICE=WFS&REQUEST=GetCapabilities&MAP=project.yaml')).body);
    const ops = operations(doc);
    assert.deepEqual([...ops.keys()], ['GetCapabilities', 'DescribeFeatureType', 'ListStoredQueries', 'DescribeStoredQueries', 'GetFeature']);
    const http = ops.get('GetFeature')['ows:DCP']['ows:HTTP'];
    assert.equal(http['ows:Get']['@xlink:href'].replace(/&amp;/g, '&'), 'http://maps.example:8080/ows?MAP=project.yaml&');
    assert.equal(http['ows:Post']['@xlink:href'], http['ows:Get']['@xlink:href']);
    const resultType = list(ops.get('GetFeature')['ows:Parameter']).find((p: any) => p['@name'] === 'resultType');
    assert.deepEqual(resultType['ows:AllowedValues']['ows:Value'], ['results', 'hits']);
    assert.equal(constraint(doc, 'ImplementsBasicWFS'), 'FALSE', 'no GetPropertyValue: Simple WFS only');
    assert.equal(constraint(doc, 'ImplementsTransactionalWFS'), 'FALSE');
    assert.equal(constraint(doc, 'ImplementsResultPaging'), 'TRUE');
    assert.equal(constraint(doc, 'SOAPEncoding'), 'FALSE');
    const fes = doc['wfs:WFS_Capabilities']['fes:Filter_Capabilities'];
    const conf = new Map(list(fes['fes:Conformance']['fes:Constraint']).map((c: any) => [c['@name'], c['ows:DefaultValue']]));
    assert.equal(conf.get('ImplementsSorting'), 'TRUE');
    assert.equal(conf.get('ImplementsTemporalFilter'), 'FALSE');
    assert.equal(fes['fes:Id_Capabilities']['fes:ResourceIdentifier']['@name'], 'fes:ResourceId');
  });
});

describe('WFS GetCapabilities and access control', () => {
  test('RESTRICTIVE: secret absent, the countries box is that of what the subset leaves', async () => {
    const s = wfsServer([RESTRICTIVE]);
    const expected = await countriesBox(['Brazil']);
    assert.notDeepEqual(expected, await countriesBox(), 'the fixture must make Brazil count');
    for (const version of WFS_VERSIONS) {
      const r = await caps(s, `&VERSION=${version}`);
      assert.doesNotMatch(r.body, /qgs:secret/, version);
      const doc = xmlObject(r.body);
      assert.deepEqual(typeNames(doc), ['qgs:countries', 'qgs:cities'], version);
      const c = featureTypes(doc)[0];
      const box = version === '1.0.0'
        ? ['minx', 'miny', 'maxx', 'maxy'].map((k) => Number(c.LatLongBoundingBox[`@${k}`]))
        : wgs84Box(c);
      box.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${version}: ${box} vs ${expected}`));
    }
  });

  test('each access-control key has its own cached document', async () => {
    let role = 'public';
    const byRole = { layerPermissions: (l: { name(): string }) => ({ canRead: role === 'admin' || l.name() !== 'secret' }), cacheKey: () => role };
    const s = wfsServer([byRole]);
    const keys: string[] = [];
    s.iface.registerServerCache({ getCachedDocument: (_p, _r, key) => { keys.push(key); return null; } } satisfies ServerCacheFilterLike, 0);
    const pub = await caps(s);
    assert.doesNotMatch(pub.body, /qgs:secret/);
    role = 'admin';
    assert.match((await caps(s)).body, /qgs:secret/);
    role = 'public';
    assert.equal((await caps(s)).body, pub.body);
    assert.equal(new Set(keys).size, 2);
  });
});

describe('WFS GetCapabilities cache', () => {
  test('a changed project file drops the cached documents', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ows-wfs-reload-'));
    try {
      await cp(path.dirname(PROJECT), dir, { recursive: true });
      const file = path.join(dir, 'project.yaml');
      const { server } = testServer({ projectsDir: dir, dataSnapshot: 'wait' }, { coreServices: true });
      const url = '/?SERVICE=WFS&REQUEST=GetCapabilities&MAP=project.yaml';
      assert.match((await call(server, url)).body, /<ows:Title>ows-server test project<\/ows:Title>/);
      await writeFile(file, (await readFile(file, 'utf8')).replace('title: ows-server test project', 'title: Renamed project'));
      const later = new Date(Date.now() + 5000);
      await utimes(file, later, later);
      await new Promise((r) => setTimeout(r, 1100)); // the project cache looks at the file at most once a second
      const second = await call(server, url);
      assert.match(second.body, /<ows:Title>Renamed project<\/ows:Title>/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('WFS GetCapabilities and editable layers', () => {
  test('Transaction and per-type edits are advertised only as the project and access control allow', async () => {
    const p = await editableProject(true, ['insert']);
    try {
      const s = wfsServer([], { projectFile: p.file });
      const d20 = xmlObject((await caps(s)).body);
      assert.ok(operations(d20).has('Transaction'));
      assert.equal(operations(d20).get('Transaction')['ows:DCP']['ows:HTTP']['ows:Get'], undefined, 'Transaction is POST only');
      assert.equal(constraint(d20, 'ImplementsTransactionalWFS'), 'TRUE');
      const d11 = xmlObject((await caps(s, '&VERSION=1.1.0')).body);
      assert.ok(operations(d11).has('Transaction'));
      const [c11, ci11] = featureTypes(d11);
      assert.deepEqual(c11['wfs:Operations']['wfs:Operation'], ['Query', 'Insert', 'Update', 'Delete']);
      assert.deepEqual(ci11['wfs:Operations']['wfs:Operation'], ['Query', 'Insert']);
      const d10 = xmlObject((await caps(s, '&VERSION=1.0.0')).body);
      assert.ok(d10['WFS_Capabilities'].Capability.Request.Transaction);
      assert.deepEqual(Object.keys(featureTypes(d10)[1].Operations), ['Query', 'Insert']);

      const denied = wfsServer([RESTRICTIVE], { projectFile: p.file });
      for (const version of WFS_VERSIONS) {
        const body = (await caps(denied, `&VERSION=${version}`)).body;
        assert.doesNotMatch(body, /name="Transaction"|<Transaction>|>(Insert|Update|Delete)<|<(Insert|Update|Delete)\/>/, `${version}: RESTRICTIVE grants no edit`);
        if (version === '2.0.0') assert.equal(constraint(xmlObject(body), 'ImplementsTransactionalWFS'), 'FALSE');
      }
      const noDelete = wfsServer([{ layerPermissions: () => ({ canDelete: false }), cacheKey: () => 'no-delete' }], { projectFile: p.file });
      const c = featureTypes(xmlObject((await caps(noDelete, '&VERSION=1.1.0')).body))[0];
      assert.deepEqual(c['wfs:Operations']['wfs:Operation'], ['Query', 'Insert', 'Update']);
    } finally {
      await p.remove();
    }
  });
});

describe('WFS GetCapabilities parameters', () => {
  test('SECTIONS: only the sections asked, any case; All; unknown → InvalidParameterValue locator Sections', async () => {
    const s = wfsServer();
    const one = xmlObject((await caps(s, '&SECTIONS=serviceidentification')).body)['wfs:WFS_Capabilities'];
    assert.deepEqual(Object.keys(one).filter((k) => !k.startsWith('@')), ['ows:ServiceIdentification']);
    const two = xmlObject((await caps(s, '&VERSION=1.1.0&SECTIONS=Filter_Capabilities,FeatureTypeList')).body)['wfs:WFS_Capabilities'];
    assert.deepEqual(Object.keys(two).filter((k) => !k.startsWith('@')), ['wfs:FeatureTypeList', 'ogc:Filter_Capabilities'], 'document order');
    const all = xmlObject((await caps(s, '&SECTIONS=All')).body)['wfs:WFS_Capabilities'];
    assert.equal(Object.keys(all).filter((k) => !k.startsWith('@')).length, 5);
    const bad = await wfs(s, 'REQUEST=GetCapabilities&SECTIONS=Contents');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /exceptionCode="InvalidParameterValue" locator="Sections"/);
    assert.match((await caps(s, '&VERSION=1.0.0&SECTIONS=Contents')).body, /<FeatureTypeList>/, '1.0.0 has no sections');
  });

  test('ACCEPTVERSIONS / VERSION negotiation', async () => {
    const s = wfsServer();
    assert.match((await caps(s, '&ACCEPTVERSIONS=1.1.0')).body, /<wfs:WFS_Capabilities xmlns:wfs="http:\/\/www\.opengis\.net\/wfs" version="1\.1\.0"/);
    assert.match((await caps(s, '&ACCEPTVERSIONS=3.0.0,1.0.0')).body, /<WFS_Capabilities xmlns="http:\/\/www\.opengis\.net\/wfs" version="1\.0\.0"/);
    assert.match((await caps(s, '&VERSION=1.0.0')).body, /version="1\.0\.0"/);
    const failed = await wfs(s, 'REQUEST=GetCapabilities&ACCEPTVERSIONS=3.0.0');
    assert.equal(failed.status, 400);
    assert.match(failed.body, /exceptionCode="VersionNegotiationFailed"/);
  });

  test('POSTed GetCapabilities: AcceptVersions and Sections from the body; the cache shares the KVP entry', async () => {
    const s = wfsServer();
    const keys: string[] = [];
    let sets = 0;
    const spy: ServerCacheFilterLike = { getCachedDocument: (_p, _r, key) => { keys.push(key); return null; }, setCachedDocument: () => { sets++; return false; } };
    s.iface.registerServerCache(spy, 0);
    const body = (versions: string, sections: string) => `<GetCapabilities service="WFS" xmlns="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1">
      <ows:AcceptVersions>${versions}</ows:AcceptVersions><ows:Sections>${sections}</ows:Sections></GetCapabilities>`;
    const r = await wfsPost(s, body('<ows:Version>1.1.0</ows:Version>', '<ows:Section>FeatureTypeList</ows:Section>'));
    assert.equal(r.status, 200, r.body);
    const root = xmlObject(r.body)['wfs:WFS_Capabilities'];
    assert.equal(root['@version'], '1.1.0');
    assert.deepEqual(Object.keys(root).filter((k) => !k.startsWith('@')), ['wfs:FeatureTypeList']);
    const kvp = await caps(s, '&ACCEPTVERSIONS=1.1.0&SECTIONS=FeatureTypeList');
    assert.equal(kvp.body, r.body);
    assert.equal(keys[0], keys[1], 'same document, same cache key');
    assert.equal(sets, 1, 'the KVP request was answered from the cache');
    const full = await wfsPost(s, '<GetCapabilities service="WFS" xmlns="http://www.opengis.net/wfs/2.0"/>');
    assert.equal(xmlObject(full.body)['wfs:WFS_Capabilities']['@version'], '2.0.0');
    const bad = await wfsPost(s, body('<ows:Version>2.0.0</ows:Version>', '<ows:Section>Nope</ows:Section>'));
    assert.equal(bad.status, 400);
    assert.match(bad.body, /locator="Sections"/);
  });

  test('ListStoredQueries / DescribeStoredQueries are advertised only when registered', async () => {
    const s = wfsServer();
    s.iface.serviceRegistry().registerService(new WfsService(s.iface, s.server.data, {
      GetCapabilities: getCapabilities, DescribeFeatureType: describeFeatureType, GetFeature: getFeature, Transaction: transaction,
      ListStoredQueries: listStoredQueries, DescribeStoredQueries: describeStoredQueries,
    }));
    const doc = xmlObject((await caps(s)).body);
    assert.deepEqual([...operations(doc).keys()], ['GetCapabilities', 'DescribeFeatureType', 'ListStoredQueries', 'DescribeStoredQueries', 'GetFeature']);
    const qe = list(doc['wfs:WFS_Capabilities']['ows:OperationsMetadata']['ows:Constraint']).find((c: any) => c['@name'] === 'QueryExpressions');
    assert.deepEqual(qe['ows:AllowedValues']['ows:Value'], ['wfs:Query', 'wfs:StoredQuery']);
    assert.doesNotMatch((await caps(s, '&VERSION=1.1.0')).body, /StoredQueries/, 'WFS 2.0 operations only');
  });
});
