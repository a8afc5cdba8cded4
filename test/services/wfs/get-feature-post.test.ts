/** GetFeature as XML POST (WFS 1.0 / 1.1 / 2.0 bodies). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wfs, wfsPost, wfsServer } from './support.js';
import { assertException, gmlIds, jsonIds } from './get-feature-helpers.js';

const s = wfsServer();

const WFS20 = 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:qgs="http://www.qgis.org/gml"';
const WFS11 = 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" xmlns:qgs="http://www.qgis.org/gml"';

test('WFS 2.0 POST: Query with PropertyName, fes:Filter, fes:SortBy; count and startIndex; next link replays as KVP', async () => {
  const body = `<wfs:GetFeature service="WFS" version="2.0.0" count="2" startIndex="1" ${WFS20}>
    <wfs:Query typeNames="qgs:cities">
      <wfs:PropertyName>qgs:name</wfs:PropertyName>
      <wfs:PropertyName>population</wfs:PropertyName>
      <fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>role</fes:ValueReference><fes:Literal>capital</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>
      <fes:SortBy><fes:SortProperty><fes:ValueReference>population</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty></fes:SortBy>
    </wfs:Query>
  </wfs:GetFeature>`;
  const r = await wfsPost(s, body);
  assert.equal(r.status, 200, r.body.slice(0, 500));
  assert.match(r.body, /numberMatched="7" numberReturned="2"/);
  // Capitals by population: Tokyo, Berlin, Madrid, Nairobi, Rome, Brasília, Paris.
  assert.deepEqual(gmlIds(r.body), ['cities.4', 'cities.6']);
  assert.match(r.body, /<qgs:cities gml:id="cities\.4"><qgs:name>Berlin<\/qgs:name><qgs:population>3426354<\/qgs:population><\/qgs:cities>/);
  const next = / next="([^"]+)"/.exec(r.body)![1]!.replace(/&amp;/g, '&');
  assert.match(next, /STARTINDEX=3&COUNT=2$/);
  const page2 = await wfs(s, next.replace(/^.*\/ows\?SERVICE=WFS&/, ''));
  assert.equal(page2.status, 200, page2.body);
  assert.deepEqual(gmlIds(page2.body), ['cities.12', 'cities.8']);
  const prev = / previous="([^"]+)"/.exec(r.body)![1]!.replace(/&amp;/g, '&');
  assert.deepEqual(gmlIds((await wfs(s, prev.replace(/^.*\/ows\?SERVICE=WFS&/, ''))).body), ['cities.14', 'cities.4']);
});

test('WFS 1.1 POST: wfs:PropertyName, ogc:Filter with a spatial operator, ogc:SortBy, maxFeatures, srsName', async () => {
  const body = `<wfs:GetFeature service="WFS" version="1.1.0" maxFeatures="3" ${WFS11}>
    <wfs:Query typeName="qgs:cities" srsName="EPSG:4326">
      <wfs:PropertyName>name</wfs:PropertyName>
      <wfs:PropertyName>geometry</wfs:PropertyName>
      <ogc:Filter><ogc:BBOX><ogc:PropertyName>geometry</ogc:PropertyName>
        <gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>-10 40</gml:lowerCorner><gml:upperCorner>20 60</gml:upperCorner></gml:Envelope>
      </ogc:BBOX></ogc:Filter>
      <ogc:SortBy><ogc:SortProperty><ogc:PropertyName>name</ogc:PropertyName><ogc:SortOrder>ASC</ogc:SortOrder></ogc:SortProperty></ogc:SortBy>
    </wfs:Query>
  </wfs:GetFeature>`;
  const r = await wfsPost(s, body);
  assert.equal(r.status, 200, r.body.slice(0, 500));
  assert.equal(r.headers['Content-Type'], 'text/xml; subtype=gml/3.1.1');
  assert.deepEqual(gmlIds(r.body), ['cities.7', 'cities.4', 'cities.5']);
  assert.match(r.body, /<gml:Point srsName="EPSG:4326"><gml:pos>2\.159 41\.3888<\/gml:pos>/);
});

test('WFS 1.0 POST: ogc:PropertyName, ogc:FeatureId, outputFormat GeoJSON', async () => {
  const body = `<wfs:GetFeature service="WFS" version="1.0.0" outputFormat="GeoJSON" ${WFS11}>
    <wfs:Query typeName="countries"><ogc:PropertyName>name</ogc:PropertyName>
      <ogc:Filter><ogc:FeatureId fid="countries.JPN"/><ogc:FeatureId fid="countries.KEN"/></ogc:Filter>
    </wfs:Query>
  </wfs:GetFeature>`;
  const r = await wfsPost(s, body);
  assert.equal(r.status, 200, r.body);
  const doc = JSON.parse(r.body);
  assert.deepEqual(doc.features.map((f: { id: string; properties: unknown }) => [f.id, f.properties]), [['countries.KEN', { name: 'Kenya' }], ['countries.JPN', { name: 'Japan' }]]);
});

test('POST with several queries, hits, and a GeoJSON next link', async () => {
  const two = (attrs: string) => `<wfs:GetFeature service="WFS" version="2.0.0" ${attrs} ${WFS20}><wfs:Query typeNames="cities"/><wfs:Query typeNames="countries"/></wfs:GetFeature>`;
  const hits = await wfsPost(s, two('resultType="hits"'));
  assert.match(hits.body, /numberMatched="22" numberReturned="0"/);
  const j = JSON.parse((await wfsPost(s, two('count="10" outputFormat="application/json"'))).body);
  assert.equal(j.numberMatched, 22);
  const next = j.links.find((l: { rel: string }) => l.rel === 'next').href as string;
  assert.match(next, /TYPENAMES=cities%2Ccountries&OUTPUTFORMAT=application%2Fjson&STARTINDEX=10&COUNT=10$/);
  assert.deepEqual(jsonIds((await wfs(s, next.replace(/^.*\/ows\?SERVICE=WFS&/, ''))).body).slice(4, 7), ['cities.15', 'countries.FRA', 'countries.DEU']);
});

test('Debian OWSLib 0.27 spellings: Query typenames= and GetFeature outputformat= are read', async () => {
  const r = await wfsPost(s, '<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0" outputformat="application/json"><wfs:Query typenames="cities"/></wfs:GetFeature>');
  assert.equal(r.status, 200, r.body.slice(0, 300));
  assert.equal(JSON.parse(r.body).features.length, 15);
});

test('POST errors: no query, a query without type names, a join, a stored query, bad attributes, unknown elements', async () => {
  const gf = (inner: string, attrs = '') => `<wfs:GetFeature service="WFS" version="2.0.0" ${attrs} ${WFS20}>${inner}</wfs:GetFeature>`;
  assertException(await wfsPost(s, gf('')), 'MissingParameterValue', 'Query');
  assertException(await wfsPost(s, gf('<wfs:Query/>')), 'MissingParameterValue', 'typeNames');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities countries"/>')), 'InvalidParameterValue', 'typeNames');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="nope"/>')), 'InvalidParameterValue', 'typeNames');
  assertException(await wfsPost(s, gf('<wfs:StoredQuery id="urn:example:q"/>')), 'InvalidParameterValue', 'StoredQuery');
  assertException(await wfsPost(s, gf('<wfs:StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"/>')), 'MissingParameterValue', 'ID');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities"/>', 'count="-2"')), 'InvalidParameterValue', 'count');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities"/>', 'resultType="all"')), 'InvalidParameterValue', 'resultType');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities"/>', 'outputFormat="x"')), 'InvalidParameterValue', 'outputFormat');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities"><wfs:Nope/></wfs:Query>')), 'OperationParsingFailed', 'Query');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities"><wfs:PropertyName>nope</wfs:PropertyName></wfs:Query>')), 'InvalidParameterValue', 'PROPERTYNAME');
  assertException(await wfsPost(s, gf('<wfs:Query typeNames="cities"><fes:SortBy><fes:SortProperty><fes:ValueReference>name</fes:ValueReference><fes:SortOrder>UP</fes:SortOrder></fes:SortProperty></fes:SortBy></wfs:Query>')), 'OperationParsingFailed', 'SortBy');
});
