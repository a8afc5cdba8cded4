/** GetFeature KVP parameters: PROPERTYNAME, FEATUREID / RESOURCEID, SORTBY, paging, hits, SRSNAME and BBOX axis order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import gdal from 'gdal-async';
import { wfs, wfsServer } from './support.js';
import { assertException, gdalRead, gmlIds, jsonIds, near } from './get-feature-helpers.js';

const s = wfsServer();
const get = (q: string) => wfs(s, `REQUEST=GetFeature&${q}`);
const ids = async (q: string) => jsonIds((await get(`${q}&OUTPUTFORMAT=GeoJSON`)).body);
const names = async (q: string) => (JSON.parse((await get(`${q}&OUTPUTFORMAT=GeoJSON`)).body).features as Array<{ properties: { name: string } }>).map((f) => f.properties.name);

test('PROPERTYNAME: only the named fields; the geometry only when named; prefixes stripped; * is all', async () => {
  const r = await get('VERSION=1.1.0&TYPENAME=cities&PROPERTYNAME=name&MAXFEATURES=1');
  assert.match(r.body, /<qgs:cities gml:id="cities\.1"><qgs:name>Paris<\/qgs:name><\/qgs:cities>/);
  const g = await get('VERSION=2.0.0&TYPENAMES=cities&PROPERTYNAME=qgs:population,qgs:geometry,name&COUNT=1');
  // Written in the published order (the DescribeFeatureType sequence), whatever the order asked.
  assert.match(g.body, /<qgs:cities gml:id="cities\.1"><qgs:geometry><gml:Point[^>]*><gml:pos>48\.8534 2\.3488<\/gml:pos><\/gml:Point><\/qgs:geometry><qgs:name>Paris<\/qgs:name><qgs:population>2138551<\/qgs:population><\/qgs:cities>/);
  const j = JSON.parse((await get('VERSION=2.0.0&TYPENAMES=cities&PROPERTYNAME=country&COUNT=1&OUTPUTFORMAT=GeoJSON')).body);
  assert.deepEqual(j.features[0].properties, { country: 'FRA' });
  assert.equal(j.features[0].geometry, null);
  const all = await get('VERSION=1.1.0&TYPENAME=cities&PROPERTYNAME=*&MAXFEATURES=1');
  assert.match(all.body, /<qgs:role>capital<\/qgs:role>/);
});

test('PROPERTYNAME per type: (a)(b) lists align with the type names', async () => {
  const r = await get('VERSION=1.1.0&TYPENAME=cities,countries&PROPERTYNAME=(name)(iso_a3,continent)&MAXFEATURES=100');
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /<qgs:cities gml:id="cities\.1"><qgs:name>Paris<\/qgs:name><\/qgs:cities>/);
  assert.match(r.body, /<qgs:countries gml:id="countries\.FRA"><qgs:continent>Europe<\/qgs:continent><qgs:iso_a3>FRA<\/qgs:iso_a3><\/qgs:countries>/);
  assertException(await get('VERSION=1.1.0&TYPENAME=cities,countries&PROPERTYNAME=(name)'), 'InvalidParameterValue', 'PROPERTYNAME');
  assertException(await get('VERSION=1.1.0&TYPENAME=cities&PROPERTYNAME=(name)x'), 'InvalidParameterValue', 'PROPERTYNAME');
});

test('FEATUREID / RESOURCEID: type.id ids pick the types; a bare id needs one TYPENAME; unknown ids match nothing', async () => {
  assert.deepEqual(await ids('VERSION=1.1.0&FEATUREID=cities.3'), ['cities.3']);
  assert.deepEqual(await ids('VERSION=2.0.0&RESOURCEID=cities.3,countries.JPN,cities.1'), ['cities.1', 'cities.3', 'countries.JPN']);
  assert.deepEqual(await ids('VERSION=2.0.0&FEATUREID=countries.DEU'), ['countries.DEU'], 'FEATUREID in 2.0 too');
  assert.deepEqual(await ids('VERSION=1.1.0&RESOURCEID=countries.DEU'), ['countries.DEU'], 'RESOURCEID in 1.1 too');
  assert.deepEqual(await ids('VERSION=1.0.0&TYPENAME=cities&FEATUREID=4,5'), ['cities.4', 'cities.5']);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=countries&RESOURCEID=countries.ITA,ESP'), ['countries.ESP', 'countries.ITA']);
  assert.deepEqual(await ids('VERSION=2.0.0&RESOURCEID=countries.XXX'), []);
  assert.deepEqual(await ids('VERSION=2.0.0&RESOURCEID=cities.999'), []);
  const text = assertException(await get('VERSION=2.0.0&RESOURCEID=7'), 'InvalidParameterValue', 'RESOURCEID');
  assert.match(text, /does not name its type/);
  assertException(await get('VERSION=1.1.0&FEATUREID=nope.7'), 'InvalidParameterValue', 'FEATUREID');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&RESOURCEID=countries.FRA'), 'InvalidParameterValue', 'RESOURCEID');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities,countries&RESOURCEID=3'), 'InvalidParameterValue', 'RESOURCEID');
});

test('SORTBY: ASC / DESC / A / D, several keys, prefixes', async () => {
  assert.deepEqual((await names('VERSION=2.0.0&TYPENAMES=cities&SORTBY=population DESC&COUNT=3')), ['São Paulo', 'Tokyo', 'Berlin']);
  assert.deepEqual((await names('VERSION=1.1.0&TYPENAME=cities&SORTBY=population+D&MAXFEATURES=2')), ['São Paulo', 'Tokyo']);
  assert.deepEqual((await names('VERSION=1.1.0&TYPENAME=cities&SORTBY=qgs:name A&MAXFEATURES=2')), ['Barcelona', 'Berlin']);
  assert.deepEqual((await names('VERSION=2.0.0&TYPENAMES=cities&SORTBY=name&COUNT=2')), ['Barcelona', 'Berlin']);
  assert.deepEqual((await names('VERSION=2.0.0&TYPENAMES=cities&SORTBY=country ASC,population DESC&COUNT=3')), ['São Paulo', 'Brasília', 'Berlin']);
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&SORTBY=name UP'), 'InvalidParameterValue', 'SORTBY');
  const a = assertException(await get('VERSION=2.0.0&TYPENAMES=cities&SORTBY=nope'), 'InvalidParameterValue', 'SORTBY');
  assert.match(a, /Field 'nope' does not exist in layer 'cities'/);
});

test('MAXFEATURES / COUNT (either name in every version) and STARTINDEX (1.x too)', async () => {
  assert.equal((await ids('VERSION=2.0.0&TYPENAMES=cities&COUNT=5')).length, 5);
  assert.equal((await ids('VERSION=2.0.0&TYPENAMES=cities&MAXFEATURES=4')).length, 4);
  assert.equal((await ids('VERSION=1.0.0&TYPENAME=cities&COUNT=3')).length, 3);
  assert.deepEqual(await ids('VERSION=1.1.0&TYPENAME=cities&STARTINDEX=12&MAXFEATURES=2'), ['cities.13', 'cities.14']);
  assert.deepEqual(gmlIds((await get('VERSION=1.0.0&TYPENAME=cities&STARTINDEX=13')).body), ['cities.14', 'cities.15']);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=cities&STARTINDEX=20'), []);
  assert.equal((await ids('VERSION=2.0.0&TYPENAMES=cities&COUNT=0')).length, 0);
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&COUNT=-1'), 'InvalidParameterValue', 'COUNT');
  assertException(await get('VERSION=1.1.0&TYPENAME=cities&MAXFEATURES=x'), 'InvalidParameterValue', 'MAXFEATURES');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&STARTINDEX=1.5'), 'InvalidParameterValue', 'STARTINDEX');
});

test('WFS 2.0 GML: numberMatched, numberReturned, next only while more remain, previous after the first page', async () => {
  const r = await get('VERSION=2.0.0&TYPENAMES=cities&COUNT=5&STARTINDEX=5');
  assert.match(r.body, /numberMatched="15" numberReturned="5" timeStamp="[^"]+"/);
  assert.match(r.body, / next="[^"]*STARTINDEX=10&amp;COUNT=5"/);
  assert.match(r.body, / previous="[^"]*STARTINDEX=0&amp;COUNT=5"/);
  const last = await get('VERSION=2.0.0&TYPENAMES=cities&COUNT=5&STARTINDEX=13');
  assert.match(last.body, /numberMatched="15" numberReturned="2"/);
  assert.doesNotMatch(last.body, / next=/);
  const all = await get('VERSION=2.0.0&TYPENAMES=cities');
  assert.match(all.body, /numberMatched="15" numberReturned="15"/);
  assert.doesNotMatch(all.body, / (next|previous)=/);
});

/** Follows next links from a first page; returns the ids of every page. */
async function pageThrough(first: string, kind: 'gml' | 'json'): Promise<string[][]> {
  const pages: string[][] = [];
  let url: string | null = `/ows?SERVICE=WFS&REQUEST=GetFeature&${first}`;
  while (url !== null && pages.length < 20) {
    const r = await wfs(s, url.replace(/^.*\/ows\?SERVICE=WFS&/, ''));
    assert.equal(r.status, 200, r.body);
    if (kind === 'gml') {
      pages.push(gmlIds(r.body));
      const next = / next="([^"]+)"/.exec(r.body)?.[1];
      url = next ? next.replace(/&amp;/g, '&') : null;
    } else {
      const doc = JSON.parse(r.body);
      pages.push(doc.features.map((f: { id: string }) => f.id));
      url = (doc.links ?? []).find((l: { rel: string }) => l.rel === 'next')?.href ?? null;
    }
  }
  return pages;
}

test('paging through the whole cities layer with COUNT / STARTINDEX and next links (GML 3.2 and GeoJSON)', async () => {
  const all = Array.from({ length: 15 }, (_, i) => `cities.${i + 1}`);
  for (const kind of ['gml', 'json'] as const) {
    const pages = await pageThrough(`VERSION=2.0.0&TYPENAMES=cities&COUNT=4${kind === 'json' ? '&OUTPUTFORMAT=application/geo%2Bjson' : ''}`, kind);
    assert.deepEqual(pages.map((p) => p.length), [4, 4, 4, 3], kind);
    assert.deepEqual(pages.flat(), all, kind);
  }
  const sorted = await pageThrough('VERSION=2.0.0&TYPENAMES=cities&COUNT=6&SORTBY=population%20DESC', 'gml');
  assert.equal(sorted.flat().length, 15);
  assert.equal(new Set(sorted.flat()).size, 15, 'a sorted order pages without repeats');
  assert.equal(sorted[0]![0], 'cities.11');
});

test('RESULTTYPE=hits: 1.0 / 1.1 numberOfFeatures, 2.0 numberMatched with numberReturned="0", GeoJSON counts; no features', async () => {
  const h10 = await get('VERSION=1.0.0&TYPENAME=cities&RESULTTYPE=hits');
  assert.match(h10.body, /numberOfFeatures="15"/);
  assert.equal(gmlIds(h10.body).length, 0);
  const h11 = await get('VERSION=1.1.0&TYPENAME=cities&RESULTTYPE=hits');
  assert.match(h11.body, /numberOfFeatures="15"/);
  assert.equal(gmlIds(h11.body).length, 0);
  const h20 = await get('VERSION=2.0.0&TYPENAMES=cities&RESULTTYPE=hits&COUNT=2');
  assert.match(h20.body, /numberMatched="15" numberReturned="0"/);
  assert.equal(gmlIds(h20.body).length, 0);
  assert.doesNotMatch(h20.body, / next=/);
  const hb = await get('VERSION=2.0.0&TYPENAMES=cities&RESULTTYPE=hits&BBOX=40,-10,60,20,urn:ogc:def:crs:EPSG::4326');
  assert.match(hb.body, /numberMatched="9" numberReturned="0"/);
  const j = JSON.parse((await get('VERSION=2.0.0&TYPENAMES=cities&RESULTTYPE=hits&OUTPUTFORMAT=GeoJSON')).body);
  assert.deepEqual([j.numberMatched, j.numberReturned, j.features.length], [15, 0, 0]);
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&RESULTTYPE=some'), 'InvalidParameterValue', 'RESULTTYPE');
});

test('axis order of the output: 1.0 x/y; 1.1 / 2.0 URN lat/lon; EPSG:4326 x/y in 1.1; def/crs URI lat/lon; CRS:84 x/y', async () => {
  const pos = async (q: string) => /<gml:(?:pos|coordinates[^>]*)>([^<]+)</.exec((await get(`TYPENAME=cities&MAXFEATURES=1&${q}`)).body)?.[1];
  assert.equal(await pos('VERSION=1.0.0'), '2.3488,48.8534');
  assert.equal(await pos('VERSION=1.0.0&SRSNAME=urn:ogc:def:crs:EPSG::4326'), '2.3488,48.8534', 'WFS 1.0 is x/y whatever the spelling');
  assert.equal(await pos('VERSION=1.1.0'), '48.8534 2.3488');
  assert.equal(await pos('VERSION=1.1.0&SRSNAME=EPSG:4326'), '2.3488 48.8534');
  assert.equal(await pos('VERSION=1.1.0&SRSNAME=urn:x-ogc:def:crs:EPSG:4326'), '48.8534 2.3488');
  assert.equal(await pos('VERSION=2.0.0'), '48.8534 2.3488');
  assert.equal(await pos('VERSION=2.0.0&SRSNAME=http://www.opengis.net/def/crs/EPSG/0/4326'), '48.8534 2.3488');
  assert.equal(await pos('VERSION=2.0.0&SRSNAME=EPSG:4326'), '2.3488 48.8534');
  assert.equal(await pos('VERSION=2.0.0&SRSNAME=urn:ogc:def:crs:OGC:1.3:CRS84'), '2.3488 48.8534');
  const srs = async (q: string) => /srsName="([^"]+)"/.exec((await get(`TYPENAME=cities&MAXFEATURES=1&${q}`)).body)?.[1];
  assert.equal(await srs('VERSION=1.0.0'), 'EPSG:4326');
  assert.equal(await srs('VERSION=1.1.0'), 'urn:ogc:def:crs:EPSG::4326');
  assert.equal(await srs('VERSION=2.0.0'), 'urn:ogc:def:crs:EPSG::4326');
  assert.equal(await srs('VERSION=2.0.0&SRSNAME=EPSG:4326'), 'EPSG:4326');
  // GeoJSON is x/y always.
  const j = JSON.parse((await get('VERSION=2.0.0&TYPENAME=cities&COUNT=1&OUTPUTFORMAT=GeoJSON&SRSNAME=urn:ogc:def:crs:EPSG::4326')).body);
  assert.deepEqual(j.features[0].geometry.coordinates, [2.3488, 48.8534]);
});

test('SRSNAME reprojects (GML and GeoJSON, with a crs member), GDAL reads the same; unknown CRS is InvalidParameterValue', async () => {
  const ct = new gdal.CoordinateTransformation(gdal.SpatialReference.fromProj4('+proj=longlat +datum=WGS84 +no_defs'), gdal.SpatialReference.fromEPSG(3857));
  const p = ct.transformPoint(2.3488, 48.8534);
  for (const v of ['1.0.0', '1.1.0', '2.0.0']) {
    const r = await get(`VERSION=${v}&TYPENAME=cities&MAXFEATURES=1&SRSNAME=EPSG:3857`);
    const read = Object.values(await gdalRead(r.body, 'gml'))[0]!;
    assert.ok(near(read[0]!.geom!.coordinates, [p.x, p.y], 1e-3), `${v}: ${JSON.stringify(read[0]!.geom)}`);
  }
  const j = JSON.parse((await get('VERSION=2.0.0&TYPENAMES=cities&COUNT=1&OUTPUTFORMAT=GeoJSON&SRSNAME=EPSG:3857')).body);
  assert.equal(j.crs.properties.name, 'urn:ogc:def:crs:EPSG::3857');
  assert.ok(near(j.features[0].geometry.coordinates, [p.x, p.y], 1e-3));
  // EPSG:3035 is northing first in EPSG: its URN is written northing first in 1.1 / 2.0.
  const laea = await get('VERSION=2.0.0&TYPENAMES=cities&COUNT=1&SRSNAME=urn:ogc:def:crs:EPSG::3035');
  const [a, b] = /<gml:pos>([^<]+)</.exec(laea.body)![1]!.split(' ').map(Number);
  assert.ok(a! > 2.8e6 && a! < 3e6 && b! > 3.7e6 && b! < 3.8e6, `Paris in EPSG:3035 is northing (≈2.89e6) first, then easting (≈3.76e6): ${a} ${b}`);
  // GeoJSON stays x/y (easting, northing) with a crs member GDAL reads: back in lon/lat it is Paris again.
  const gj = await get('VERSION=2.0.0&TYPENAMES=cities&COUNT=1&OUTPUTFORMAT=GeoJSON&SRSNAME=urn:ogc:def:crs:EPSG::3035');
  const back = Object.values(await gdalRead(gj.body, 'json'))[0]![0]!.geom!.coordinates as number[];
  const toLonLat = new gdal.CoordinateTransformation(gdal.SpatialReference.fromEPSG(3035), gdal.SpatialReference.fromProj4('+proj=longlat +datum=WGS84 +no_defs'));
  const ll = gdal.SpatialReference.fromEPSG(3035).EPSGTreatsAsNorthingEasting() ? toLonLat.transformPoint(back[1]!, back[0]!) : toLonLat.transformPoint(back[0]!, back[1]!);
  assert.ok(near([ll.x, ll.y], [2.3488, 48.8534], 1e-6), JSON.stringify(ll));
  assert.ok(back[0]! > 3.7e6 && back[1]! < 3e6, 'easting first in GeoJSON');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&SRSNAME=EPSG:999999'), 'InvalidParameterValue', 'SRSNAME');
  assertException(await get('VERSION=1.1.0&TYPENAMES=cities&SRSNAME=nonsense'), 'InvalidParameterValue', 'SRSNAME');
});

test('BBOX axis order: 1.0 x/y; 1.1 / 2.0 without CRS in the default URN order; with a CRS in that CRS\'s order', async () => {
  const paris = ['cities.1'];
  assert.deepEqual(await ids('VERSION=1.0.0&TYPENAME=cities&BBOX=2,48,3,49'), paris);
  assert.deepEqual(await ids('VERSION=1.1.0&TYPENAME=cities&BBOX=48,2,49,3'), paris);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=cities&BBOX=48,2,49,3'), paris);
  assert.deepEqual(await ids('VERSION=1.1.0&TYPENAME=cities&BBOX=2,48,3,49,EPSG:4326'), paris);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=cities&BBOX=48,2,49,3,urn:ogc:def:crs:EPSG::4326'), paris);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=cities&BBOX=2,48,3,49,urn:ogc:def:crs:EPSG::4326'), []);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=cities&BBOX=2,48,3,49,http://www.opengis.net/gml/srs/epsg.xml%234326'), paris);
  assert.deepEqual(await ids('VERSION=2.0.0&TYPENAMES=cities&BBOX=250000,6240000,270000,6260000,EPSG:3857'), paris);
  // Without a CRS, the BBOX is in SRSNAME when given.
  assert.deepEqual(await ids('VERSION=1.1.0&TYPENAME=cities&SRSNAME=EPSG:3857&BBOX=250000,6240000,270000,6260000'), paris);
  assert.deepEqual(await ids('VERSION=1.1.0&TYPENAME=cities&BBOX=-180,-90,180,90,EPSG:4326&MAXFEATURES=100').then((x) => x.length), 15);
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&BBOX=1,2,3'), 'InvalidParameterValue', 'BBOX');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&BBOX=a,b,c,d'), 'InvalidParameterValue', 'BBOX');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&BBOX=3,3,1,1'), 'InvalidParameterValue', 'BBOX');
  assertException(await get('VERSION=2.0.0&TYPENAMES=cities&BBOX=0,0,1,1,EPSG:999999'), 'InvalidParameterValue', 'BBOX');
});
