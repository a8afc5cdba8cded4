/** GetFeature: each bad input → its exception code, locator and status; access control (hidden types, fields, features). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTRICTIVE, wfs, wfsServer } from './support.js';
import { assertException, exceptionOf, gmlIds, jsonIds } from './get-feature-helpers.js';

const s = wfsServer();
const get = (q: string) => wfs(s, `REQUEST=GetFeature&${q}`);

test('error table: code, locator and HTTP status for each bad input', async () => {
  const cases: Array<[string, string, string | undefined, number?]> = [
    ['VERSION=2.0.0', 'MissingParameterValue', 'TYPENAMES'],
    ['VERSION=1.1.0', 'MissingParameterValue', 'TYPENAME'],
    ['VERSION=2.0.0&TYPENAMES=nope', 'InvalidParameterValue', 'TYPENAMES'],
    ['VERSION=1.1.0&TYPENAME=nope', 'InvalidParameterValue', 'TYPENAME'],
    ['VERSION=1.1.0&TYPENAMES=nope', 'InvalidParameterValue', 'TYPENAMES'],
    ['VERSION=2.0.0&TYPENAMES=relief', 'InvalidParameterValue', 'TYPENAMES'],
    ['VERSION=2.0.0&TYPENAMES=cities,', 'InvalidParameterValue', 'TYPENAMES'],
    ['VERSION=2.0.0&TYPENAMES=(cities,countries)', 'InvalidParameterValue', 'TYPENAMES'],
    ['VERSION=2.0.0&TYPENAMES=cities&OUTPUTFORMAT=shapezip', 'InvalidParameterValue', 'OUTPUTFORMAT'],
    ['VERSION=2.0.0&TYPENAMES=cities&PROPERTYNAME=nope', 'InvalidParameterValue', 'PROPERTYNAME'],
    ['VERSION=2.0.0&TYPENAMES=cities&BBOX=0,0,1,1&RESOURCEID=cities.1', 'OperationParsingFailed', 'RESOURCEID'],
    ['VERSION=2.0.0&TYPENAMES=cities&BBOX=0,0,1,1&FILTER=<Filter/>', 'OperationParsingFailed', 'FILTER'],
    ['VERSION=1.1.0&TYPENAME=cities&FEATUREID=cities.1&FILTER=<Filter/>', 'InvalidParameterValue', 'FEATUREID'],
    ['VERSION=2.0.0&TYPENAMES=cities&FILTER_LANGUAGE=CQL', 'InvalidParameterValue', 'FILTER_LANGUAGE'],
    ['VERSION=2.0.0&STOREDQUERY_ID=urn:example:query&ID=cities.1', 'InvalidParameterValue', 'STOREDQUERY_ID'],
    ['VERSION=2.0.0&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById', 'MissingParameterValue', 'ID'],
    ['VERSION=2.0.0&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=cities.99', 'NotFound', 'ID', 404],
    ['VERSION=2.0.0&TYPENAMES=cities&FILTER=<Filter>', 'OperationParsingFailed', 'FILTER'],
    ['VERSION=2.0.0&TYPENAMES=cities&FILTER=<Other/>', 'OperationParsingFailed', 'FILTER'],
    // Text around the filter is not ignored (OWSLib can send a Python bytes repr: b'<Filter>…</Filter>').
    [`VERSION=2.0.0&TYPENAMES=cities&FILTER=${encodeURIComponent("b'<Filter><PropertyIsEqualTo><ValueReference>name</ValueReference><Literal>Paris</Literal></PropertyIsEqualTo></Filter>'")}`, 'OperationParsingFailed', 'FILTER'],
    ['VERSION=3.0.0&TYPENAMES=cities', 'InvalidParameterValue', 'VERSION'],
  ];
  for (const [q, code, locator, status] of cases) {
    const r = await get(q);
    assert.equal(exceptionOf(r.body).code, code, `${q}: ${r.body.slice(0, 300)}`);
    assert.equal(exceptionOf(r.body).locator, locator, q);
    assert.equal(r.status, status ?? 400, q);
  }
});

test('a FILTER sent as a whole document (with an XML declaration) is read', async () => {
  const filter = '<?xml version="1.0" encoding="UTF-8"?>\n<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>Paris</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>';
  const r = await get(`VERSION=2.0.0&TYPENAMES=cities&OUTPUTFORMAT=GeoJSON&FILTER=${encodeURIComponent(filter)}`);
  assert.equal(r.status, 200, r.body.slice(0, 300));
  assert.deepEqual(JSON.parse(r.body).features.map((f: { properties: { name: string } }) => f.properties.name), ['Paris']);
});

test('exception formats per version: 1.0 ServiceExceptionReport, 1.1 OWS 1.0, 2.0 OWS 1.1', async () => {
  const r10 = await get('VERSION=1.0.0&TYPENAME=nope');
  assert.match(r10.body, /<ServiceExceptionReport[^>]*version="1\.2\.0"/);
  assert.match(r10.body, /<ServiceException code="InvalidParameterValue" locator="TYPENAME">/);
  const r11 = await get('VERSION=1.1.0&TYPENAME=nope');
  assert.match(r11.body, /xmlns:ows="http:\/\/www\.opengis\.net\/ows"/);
  const r20 = await get('VERSION=2.0.0&TYPENAMES=nope');
  assert.match(r20.body, /xmlns:ows="http:\/\/www\.opengis\.net\/ows\/1\.1"/);
});

const guarded = wfsServer([RESTRICTIVE]);
const gget = (q: string) => wfs(guarded, `REQUEST=GetFeature&${q}`);

test('access control: hidden features are never returned nor counted', async () => {
  const cities = jsonIds((await gget('VERSION=2.0.0&TYPENAMES=cities&OUTPUTFORMAT=GeoJSON')).body);
  assert.equal(cities.length, 12);
  assert.ok(!cities.includes('cities.2') && !cities.includes('cities.3') && !cities.includes('cities.13'));
  assert.match((await gget('VERSION=2.0.0&TYPENAMES=cities&COUNT=5')).body, /numberMatched="12" numberReturned="5"/);
  assert.match((await gget('VERSION=2.0.0&TYPENAMES=cities&RESULTTYPE=hits')).body, /numberMatched="12" numberReturned="0"/);
  assert.match((await gget('VERSION=1.1.0&TYPENAME=countries&RESULTTYPE=hits')).body, /numberOfFeatures="6"/);
  const j = JSON.parse((await gget('VERSION=2.0.0&TYPENAMES=countries&COUNT=2&STARTINDEX=4&OUTPUTFORMAT=GeoJSON')).body);
  assert.deepEqual([j.numberMatched, j.features.map((f: { id: string }) => f.id)], [6, ['countries.KEN', 'countries.JPN']]);
  assert.deepEqual(jsonIds((await gget('VERSION=2.0.0&RESOURCEID=countries.BRA,countries.FRA&OUTPUTFORMAT=GeoJSON')).body), ['countries.FRA']);
  assert.match((await gget('VERSION=2.0.0&RESOURCEID=countries.BRA&RESULTTYPE=hits')).body, /numberMatched="0"/);
  assert.deepEqual(gmlIds((await gget('VERSION=2.0.0&TYPENAMES=cities&BBOX=40,0,50,10')).body), ['cities.1', 'cities.7', 'cities.9'], 'Lyon and Marseille are hidden');
});

test('access control: a hidden field is not written and is refused in PROPERTYNAME / SORTBY / FILTER / EXP_FILTER exactly like a missing one', async () => {
  const all = await gget('VERSION=1.1.0&TYPENAME=countries&MAXFEATURES=1');
  assert.match(all.body, /<qgs:pop_est>/);
  assert.doesNotMatch(all.body, /gdp_md/);
  const fe = (f: string) => encodeURIComponent(`<Filter><PropertyIsGreaterThan><PropertyName>${f}</PropertyName><Literal>1</Literal></PropertyIsGreaterThan></Filter>`);
  const pairs: Array<[string, string]> = [
    ['PROPERTYNAME=gdp_md', 'PROPERTYNAME'],
    ['PROPERTYNAME=name,gdp_md', 'PROPERTYNAME'],
    ['SORTBY=gdp_md DESC', 'SORTBY'],
    [`FILTER=${fe('gdp_md')}`, 'FILTER'],
    [`EXP_FILTER=${encodeURIComponent('"gdp_md" > 1')}`, 'EXP_FILTER'],
  ];
  for (const [q, locator] of pairs) {
    for (const v of ['1.1.0', '2.0.0']) {
      const hidden = await gget(`VERSION=${v}&TYPENAME=countries&${q}`);
      const missing = await gget(`VERSION=${v}&TYPENAME=countries&${q.replace(/gdp_md/g, 'gdp_mx')}`);
      const a = assertException(hidden, 'InvalidParameterValue', locator);
      const b = assertException(missing, 'InvalidParameterValue', locator);
      assert.equal(a.replace(/gdp_md/g, 'X'), b.replace(/gdp_mx/g, 'X'), `${q}: same answer for hidden and missing`);
    }
  }
});

test('access control: a hidden type is refused like a missing one, by name and by feature id', async () => {
  const a = assertException(await gget('VERSION=2.0.0&TYPENAMES=secret'), 'InvalidParameterValue', 'TYPENAMES');
  const b = assertException(await gget('VERSION=2.0.0&TYPENAMES=secrex'), 'InvalidParameterValue', 'TYPENAMES');
  assert.equal(a.replace('secret', 'X'), b.replace('secrex', 'X'));
  const c = assertException(await gget('VERSION=2.0.0&RESOURCEID=secret.1'), 'InvalidParameterValue', 'RESOURCEID');
  const d = assertException(await gget('VERSION=2.0.0&RESOURCEID=secrex.1'), 'InvalidParameterValue', 'RESOURCEID');
  assert.equal(c.replace('secret', 'X'), d.replace('secrex', 'X'));
  // Unguarded, the secret type is served.
  assert.equal((await get('VERSION=2.0.0&TYPENAMES=secret&RESULTTYPE=hits')).status, 200);
});
