/** GetFeature with several types: one collection (1.x GML, GeoJSON), nested member collections (2.0 GML), paging across types. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wfs, wfsServer } from './support.js';
import { gdalRead, gmlIds, jsonIds } from './get-feature-helpers.js';

const s = wfsServer();
const get = (q: string) => wfs(s, `REQUEST=GetFeature&${q}`);
const CITIES = Array.from({ length: 15 }, (_, i) => `cities.${i + 1}`);
const COUNTRIES = ['FRA', 'DEU', 'ESP', 'ITA', 'BRA', 'KEN', 'JPN'].map((c) => `countries.${c}`);

test('WFS 1.1 GML 3: members of both types in one collection; GDAL reads two layers', async () => {
  const r = await get('VERSION=1.1.0&TYPENAME=cities,qgs:countries');
  assert.equal(r.status, 200, r.body.slice(0, 400));
  assert.deepEqual(gmlIds(r.body), [...CITIES, ...COUNTRIES]);
  assert.equal(r.body.match(/<wfs:FeatureCollection/g)!.length, 1);
  assert.match(r.body, /TYPENAME=cities%2Ccountries/);
  const read = await gdalRead(r.body, 'gml');
  assert.deepEqual(Object.keys(read).sort(), ['cities', 'countries']);
  assert.equal(read['cities']!.length, 15);
  assert.equal(read['countries']!.length, 7);
});

test('WFS 1.0 GML 2: both types in one collection with fids', async () => {
  const r = await get('VERSION=1.0.0&TYPENAME=countries,cities&MAXFEATURES=9');
  assert.deepEqual(gmlIds(r.body), [...COUNTRIES, 'cities.1', 'cities.2']);
});

test('WFS 2.0 GML 3.2: one wfs:member/wfs:FeatureCollection per query with their own counts; totals on the root', async () => {
  const r = await get('VERSION=2.0.0&TYPENAMES=cities,countries');
  assert.equal(r.status, 200, r.body.slice(0, 400));
  assert.match(r.body, /^<\?xml[^>]*>\n<wfs:FeatureCollection [^>]*numberMatched="22" numberReturned="22"/);
  const inner = [...r.body.matchAll(/<wfs:member>\n<wfs:FeatureCollection numberMatched="(\d+)" numberReturned="(\d+)"/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(inner, [['15', '15'], ['7', '7']]);
  assert.deepEqual(gmlIds(r.body), [...CITIES, ...COUNTRIES]);
  const read = await gdalRead(r.body, 'gml');
  assert.equal(read['cities']?.length, 15);
  assert.equal(read['countries']?.length, 7);
});

test('GeoJSON: one collection, ids carry their type', async () => {
  const r = await get('VERSION=2.0.0&TYPENAMES=countries,cities&OUTPUTFORMAT=GeoJSON');
  const doc = JSON.parse(r.body);
  assert.deepEqual(doc.features.map((f: { id: string }) => f.id), [...COUNTRIES, ...CITIES]);
  assert.equal(doc.numberMatched, 22);
  assert.equal(doc.numberReturned, 22);
});

test('paging runs over the queries in order: a page may span two types', async () => {
  const g = await get('VERSION=2.0.0&TYPENAMES=cities,countries&COUNT=5&STARTINDEX=13');
  assert.match(g.body, /numberMatched="22" numberReturned="5"/);
  const inner = [...g.body.matchAll(/<wfs:FeatureCollection numberMatched="(\d+)" numberReturned="(\d+)"/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(inner, [['15', '2'], ['7', '3']]);
  assert.deepEqual(gmlIds(g.body), ['cities.14', 'cities.15', 'countries.FRA', 'countries.DEU', 'countries.ESP']);
  assert.match(g.body, / next="[^"]*TYPENAMES=cities%2Ccountries&amp;STARTINDEX=18&amp;COUNT=5"/);
  // 1.x GML and GeoJSON place the page while reading (no count unless a whole query is skipped).
  assert.deepEqual(gmlIds((await get('VERSION=1.1.0&TYPENAME=cities,countries&MAXFEATURES=5&STARTINDEX=13')).body), gmlIds(g.body));
  const j = JSON.parse((await get('VERSION=2.0.0&TYPENAMES=cities,countries&COUNT=5&STARTINDEX=13&OUTPUTFORMAT=GeoJSON')).body);
  assert.deepEqual(j.features.map((f: { id: string }) => f.id), gmlIds(g.body));
  assert.equal(j.numberMatched, 22);
  assert.equal(j.links.find((l: { rel: string }) => l.rel === 'next').href.includes('STARTINDEX=18&COUNT=5'), true);
  // A start past the first type skips it whole.
  assert.deepEqual(jsonIds((await get('VERSION=1.1.0&TYPENAME=cities,countries&STARTINDEX=20&OUTPUTFORMAT=GeoJSON')).body), ['countries.KEN', 'countries.JPN']);
  assert.deepEqual(jsonIds((await get('VERSION=1.1.0&TYPENAME=cities,countries&STARTINDEX=30&OUTPUTFORMAT=GeoJSON')).body), []);
});

test('hits over several types add up', async () => {
  const r = await get('VERSION=2.0.0&TYPENAMES=cities,countries&RESULTTYPE=hits');
  assert.match(r.body, /numberMatched="22" numberReturned="0"/);
  const r11 = await get('VERSION=1.1.0&TYPENAME=cities,countries&RESULTTYPE=hits');
  assert.match(r11.body, /numberOfFeatures="22"/);
});

test('SRSNAME applies to every type; without it each type is in its own CRS', async () => {
  const r = await get('VERSION=2.0.0&TYPENAMES=cities,countries&COUNT=16&SRSNAME=EPSG:3857');
  assert.equal(r.body.match(/srsName="EPSG:3857"/g)!.length, 16);
});
