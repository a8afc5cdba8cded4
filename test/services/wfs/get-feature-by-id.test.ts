/** The GetFeatureById stored query (KVP and POST): the bare feature, or NotFound (404) alike for missing and hidden. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTRICTIVE, wfs, wfsPost, wfsServer, xmlObject } from './support.js';
import { assertException } from './get-feature-helpers.js';

const s = wfsServer();
const BY_ID = 'STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById';

test('KVP: the feature element alone, with its namespaces, in GML 3.2', async () => {
  const r = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&${BY_ID}&ID=countries.KEN`);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['Content-Type'], 'application/gml+xml; version=3.2');
  assert.match(r.body, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<qgs:countries xmlns:qgs="http:\/\/www\.qgis\.org\/gml" xmlns:gml="http:\/\/www\.opengis\.net\/gml\/3\.2" xmlns:xsi="[^"]+" xsi:schemaLocation="http:\/\/www\.qgis\.org\/gml [^"]*REQUEST=DescribeFeatureType&amp;TYPENAMES=countries[^"]*" gml:id="countries\.KEN">/);
  assert.doesNotMatch(r.body, /FeatureCollection/);
  const doc = xmlObject(r.body)['qgs:countries'];
  assert.equal(doc['qgs:name'], 'Kenya');
  assert.ok(doc['qgs:geometry']['gml:MultiSurface'], 'the geometry is there');
});

test('GeoJSON: a single Feature object', async () => {
  const r = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&${BY_ID}&ID=cities.8&OUTPUTFORMAT=GeoJSON`);
  const f = JSON.parse(r.body);
  assert.equal(f.type, 'Feature');
  assert.equal(f.id, 'cities.8');
  assert.equal(f.properties.name, 'Rome');
});

test('POST: wfs:StoredQuery with its ID parameter', async () => {
  const r = await wfsPost(s, `<wfs:GetFeature service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0">
    <wfs:StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"><wfs:Parameter name="ID">cities.14</wfs:Parameter></wfs:StoredQuery>
  </wfs:GetFeature>`);
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /<qgs:cities [^>]*gml:id="cities\.14"><qgs:geometry>/);
  assert.match(r.body, /<qgs:name>Tokyo<\/qgs:name>/);
});

test('NotFound (404): unknown id, unknown type, bare id; a hidden feature or type answers the same', async () => {
  for (const id of ['cities.99', 'nope.1', '3']) {
    assertException(await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&${BY_ID}&ID=${id}`), 'NotFound', 'ID', 404);
  }
  const guarded = wfsServer([RESTRICTIVE]);
  for (const id of ['cities.2', 'countries.BRA', 'secret.1']) {
    const text = assertException(await wfs(guarded, `REQUEST=GetFeature&VERSION=2.0.0&${BY_ID}&ID=${id}`), 'NotFound', 'ID', 404);
    assert.equal(text, `There is no feature '${id}'`);
  }
  assert.equal((await wfs(guarded, `REQUEST=GetFeature&VERSION=2.0.0&${BY_ID}&ID=cities.1`)).status, 200);
});
