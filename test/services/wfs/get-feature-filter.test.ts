/** GetFeature FILTER (Filter Encoding 1.1 in WFS 1.x, 2.0 in WFS 2.0) by operator family, and EXP_FILTER. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wfs, wfsServer } from './support.js';
import { assertException, jsonIds } from './get-feature-helpers.js';

const s = wfsServer();

interface Dialect { version: string; p: (n: string) => string; l: (v: string) => string; ns: string; gml: string; typeParam: string }
const FE11: Dialect = {
  version: '1.1.0', p: (n) => `<ogc:PropertyName>${n}</ogc:PropertyName>`, l: (v) => `<ogc:Literal>${v}</ogc:Literal>`,
  ns: 'ogc', gml: 'http://www.opengis.net/gml', typeParam: 'TYPENAME',
};
const FE20: Dialect = {
  version: '2.0.0', p: (n) => `<fes:ValueReference>${n}</fes:ValueReference>`, l: (v) => `<fes:Literal>${v}</fes:Literal>`,
  ns: 'fes', gml: 'http://www.opengis.net/gml/3.2', typeParam: 'TYPENAMES',
};

function filterXml(d: Dialect, body: string): string {
  const uri = d.ns === 'ogc' ? 'http://www.opengis.net/ogc' : 'http://www.opengis.net/fes/2.0';
  return `<${d.ns}:Filter xmlns:${d.ns}="${uri}" xmlns:gml="${d.gml}" xmlns:qgs="http://www.qgis.org/gml">${body}</${d.ns}:Filter>`;
}

/** Ids of the features a filter selects (GeoJSON answer). */
async function select(d: Dialect, type: string, body: string, extra = ''): Promise<string[]> {
  const r = await wfs(s, `REQUEST=GetFeature&VERSION=${d.version}&${d.typeParam}=${type}&OUTPUTFORMAT=GeoJSON&FILTER=${encodeURIComponent(filterXml(d, body))}${extra}`);
  assert.equal(r.status, 200, r.body.slice(0, 600));
  return jsonIds(r.body).sort();
}

const c = (...ns: number[]) => ns.map((n) => `cities.${n}`).sort();

for (const d of [FE11, FE20]) {
  const { p, l, ns } = d;
  const op = (name: string, inner: string, attrs = '') => `<${ns}:${name}${attrs}>${inner}</${ns}:${name}>`;

  test(`FE ${d.version}: comparison operators`, async () => {
    assert.deepEqual(await select(d, 'cities', op('PropertyIsEqualTo', p('qgs:name') + l('Paris'))), c(1));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsEqualTo', p('name') + l('paris'), ' matchCase="false"')), c(1));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsNotEqualTo', p('role') + l('city'))), c(1, 4, 6, 8, 10, 12, 14));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsGreaterThan', p('population') + l('3300000'))), c(4, 11, 14));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsLessThan', p('population') + l('800000'))), c(2, 13));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsGreaterThanOrEqualTo', p('population') + l('3426354'))), c(4, 11, 14));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsLessThanOrEqualTo', p('population') + l('799668'))), c(2, 13));
  });

  test(`FE ${d.version}: PropertyIsLike, PropertyIsNull, PropertyIsBetween`, async () => {
    assert.deepEqual(await select(d, 'cities', op('PropertyIsLike', p('name') + l('M*'), ' wildCard="*" singleChar="." escapeChar="!"')), c(3, 6, 9, 13));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsLike', p('name') + l('_a%'), ' wildCard="%" singleChar="_" escapeChar="\\"')), c(1, 3, 5, 6, 7, 12));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsLike', p('name') + l('*O*'), ' wildCard="*" singleChar="?" escapeChar="!" matchCase="false"')), c(2, 7, 8, 11, 12, 13, 14, 15));
    assert.deepEqual(await select(d, 'cities', op('PropertyIsNull', p('name'))), []);
    assert.deepEqual(await select(d, 'cities', op('Not', op('PropertyIsNull', p('name')))).then((x) => x.length), 15);
    assert.deepEqual(await select(d, 'cities', op('PropertyIsBetween', p('population') + op('LowerBoundary', l('1000000')) + op('UpperBoundary', l('2000000')))), c(5, 7, 9));
  });

  test(`FE ${d.version}: And, Or, Not`, async () => {
    const fra = op('PropertyIsEqualTo', p('country') + l('FRA'));
    const jpn = op('PropertyIsEqualTo', p('country') + l('JPN'));
    const capital = op('PropertyIsEqualTo', p('role') + l('capital'));
    assert.deepEqual(await select(d, 'cities', op('Or', fra + jpn)), c(1, 2, 3, 14, 15));
    assert.deepEqual(await select(d, 'cities', op('And', op('Or', fra + jpn) + capital)), c(1, 14));
    assert.deepEqual(await select(d, 'cities', op('And', op('Or', fra + jpn) + op('Not', capital))), c(2, 3, 15));
  });

  test(`FE ${d.version}: feature ids (ResourceId / FeatureId / GmlObjectId)`, async () => {
    const idEl = d.ns === 'fes' ? (id: string) => `<fes:ResourceId rid="${id}"/>` : (id: string) => `<ogc:FeatureId fid="${id}"/>`;
    assert.deepEqual(await select(d, 'cities', idEl('cities.3') + idEl('cities.5')), c(3, 5));
    assert.deepEqual(await select(d, 'cities', idEl('countries.FRA')), [], 'an id of another type matches nothing');
    if (d.ns === 'ogc') assert.deepEqual(await select(d, 'countries', '<gml:GmlObjectId gml:id="countries.KEN"/>'), ['countries.KEN']);
  });

  // Spatial operators go to the data layer as SpatialPredicates (axis order per the srsName written).
  const europeLatLon = `<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>40 -10</gml:lowerCorner><gml:upperCorner>60 20</gml:upperCorner></gml:Envelope>`;
  const europeXY = `<gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>-10 40</gml:lowerCorner><gml:upperCorner>20 60</gml:upperCorner></gml:Envelope>`;
  const franceBox = `<gml:Polygon srsName="EPSG:4326"><gml:exterior><gml:LinearRing><gml:posList>-5 42 8 42 8 51 -5 51 -5 42</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`;
  const parisPoint = (srs: string, pos: string) => `<gml:Point srsName="${srs}"><gml:pos>${pos}</gml:pos></gml:Point>`;
  const EUROPE = c(1, 2, 3, 4, 5, 6, 7, 8, 9);

  test(`FE ${d.version}: BBOX (envelope in lat/lon URN and in x/y EPSG:4326)`, async () => {
    assert.deepEqual(await select(d, 'cities', op('BBOX', p('geometry') + europeLatLon)), EUROPE);
    assert.deepEqual(await select(d, 'cities', op('BBOX', europeXY)), EUROPE, 'without a property name');
    assert.deepEqual(await select(d, 'cities', op('And', op('BBOX', p('geometry') + europeXY) + op('PropertyIsEqualTo', p('role') + l('capital')))), c(1, 4, 6, 8));
  });

  test(`FE ${d.version}: Intersects, Within, Contains, Disjoint`, async () => {
    assert.deepEqual(await select(d, 'cities', op('Intersects', p('geometry') + franceBox)), c(1, 2, 3));
    assert.deepEqual(await select(d, 'cities', op('Within', p('geometry') + franceBox)), c(1, 2, 3));
    assert.deepEqual(await select(d, 'countries', op('Contains', p('geometry') + parisPoint('urn:ogc:def:crs:EPSG::4326', '48.8534 2.3488'))), ['countries.FRA']);
    assert.deepEqual(await select(d, 'countries', op('Contains', p('geometry') + parisPoint('EPSG:4326', '2.3488 48.8534'))), ['countries.FRA']);
    assert.equal((await select(d, 'cities', op('Disjoint', p('geometry') + franceBox))).length, 12);
  });

  test(`FE ${d.version}: DWithin / Beyond with metres and degrees`, async () => {
    const paris = parisPoint('EPSG:4326', '2.3488 48.8534');
    const dist = (v: string, u: string) => `<${ns}:Distance ${d.ns === 'fes' ? 'uom' : 'units'}="${u}">${v}</${ns}:Distance>`;
    assert.deepEqual(await select(d, 'cities', op('DWithin', p('geometry') + paris + dist('500000', 'm'))), c(1, 2));
    assert.deepEqual(await select(d, 'cities', op('DWithin', p('geometry') + paris + dist('500', 'km'))), c(1, 2));
    assert.deepEqual(await select(d, 'cities', op('DWithin', p('geometry') + paris + dist('5', 'urn:ogc:def:uom:EPSG::9102'))), c(1, 2));
    assert.equal((await select(d, 'cities', op('Beyond', p('geometry') + paris + dist('500000', 'urn:ogc:def:uom:EPSG::9001')))).length, 13);
    const r = await wfs(s, `REQUEST=GetFeature&VERSION=${d.version}&${d.typeParam}=cities&FILTER=${encodeURIComponent(filterXml(d, op('DWithin', p('geometry') + paris + dist('5', 'furlong'))))}`);
    assertException(r, 'InvalidParameterValue', 'FILTER');
  });

  test(`FE ${d.version}: unknown field, unsupported operator and malformed XML are refused naming FILTER`, async () => {
    const bad = async (body: string, code: string, raw = false) => {
      const f = raw ? body : filterXml(d, body);
      const r = await wfs(s, `REQUEST=GetFeature&VERSION=${d.version}&${d.typeParam}=cities&FILTER=${encodeURIComponent(f)}`);
      return assertException(r, code, 'FILTER');
    };
    const text = await bad(op('PropertyIsEqualTo', p('nope') + l('x')), 'InvalidParameterValue');
    assert.match(text, /'nope'/);
    await bad(op('PropertyIsEqualTo', p('name')), 'OperationParsingFailed');
    await bad(`<${ns}:Filter><oops`, 'OperationParsingFailed', true);
    await bad(`<${ns}:Filter xmlns:${ns}="x"/>`, 'OperationParsingFailed', true);
    await bad(op('Or', op('BBOX', europeXY) + op('PropertyIsNull', p('name'))), 'InvalidParameterValue');
  });
}

test('a KVP filter without namespace declarations is read in the version\'s Filter Encoding', async () => {
  const f11 = '<Filter><PropertyIsEqualTo><PropertyName>name</PropertyName><Literal>Rome</Literal></PropertyIsEqualTo></Filter>';
  const r = await wfs(s, `REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=cities&OUTPUTFORMAT=GeoJSON&FILTER=${encodeURIComponent(f11)}`);
  assert.deepEqual(jsonIds(r.body), ['cities.8']);
  const f20 = '<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>Rome</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>';
  const r2 = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities&OUTPUTFORMAT=GeoJSON&FILTER=${encodeURIComponent(f20)}`);
  assert.deepEqual(jsonIds(r2.body), ['cities.8']);
});

test('FILTER per type: (filter)(filter) aligned with the type names; a count mismatch is refused', async () => {
  const f = (field: string, v: string) => `<Filter><PropertyIsEqualTo><PropertyName>${field}</PropertyName><Literal>${v}</Literal></PropertyIsEqualTo></Filter>`;
  const both = `(${f('name', 'Osaka')})(${f('iso_a3', 'KEN')})`;
  const r = await wfs(s, `REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=cities,countries&OUTPUTFORMAT=GeoJSON&FILTER=${encodeURIComponent(both)}`);
  assert.deepEqual(jsonIds(r.body), ['cities.15', 'countries.KEN']);
  const one = await wfs(s, `REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=cities,countries&FILTER=${encodeURIComponent(`(${f('name', 'Osaka')})`)}`);
  assertException(one, 'InvalidParameterValue', 'FILTER');
});

test('EXP_FILTER: our expression language, alone or with FILTER / BBOX; errors name EXP_FILTER', async () => {
  const get = (q: string) => wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities&OUTPUTFORMAT=GeoJSON&${q}`);
  assert.deepEqual(jsonIds((await get(`EXP_FILTER=${encodeURIComponent('"population" > 3000000')}`)).body).sort(), c(4, 6, 11, 14));
  assert.deepEqual(jsonIds((await get(`EXP_FILTER=${encodeURIComponent("\"role\" = 'capital' AND \"name\" LIKE 'B%'")}`)).body).sort(), c(4, 10));
  assert.deepEqual(jsonIds((await get(`EXP_FILTER=${encodeURIComponent('"population" > 3000000')}&BBOX=40,-10,60,20`)).body).sort(), c(4, 6));
  const fe = '<Filter><PropertyIsEqualTo><ValueReference>country</ValueReference><Literal>DEU</Literal></PropertyIsEqualTo></Filter>';
  assert.deepEqual(jsonIds((await get(`EXP_FILTER=${encodeURIComponent('"population" > 3000000')}&FILTER=${encodeURIComponent(fe)}`)).body), ['cities.4']);
  assertException(await get(`EXP_FILTER=${encodeURIComponent('"population" >')}`), 'InvalidParameterValue', 'EXP_FILTER');
  const text = assertException(await get(`EXP_FILTER=${encodeURIComponent('"nope" = 1')}`), 'InvalidParameterValue', 'EXP_FILTER');
  assert.match(text, /nope/);
  // With FILTER too, a bad field in EXP_FILTER still names EXP_FILTER.
  assertException(await get(`EXP_FILTER=${encodeURIComponent('"nope" = 1')}&FILTER=${encodeURIComponent(fe)}`), 'InvalidParameterValue', 'EXP_FILTER');
});

test('EXP_FILTER per type: (expr)(expr) with several types, one expression for all otherwise', async () => {
  const per = encodeURIComponent(`("role" = 'capital' AND "country" = 'JPN')("continent" = 'Africa')`);
  const r = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities,countries&OUTPUTFORMAT=GeoJSON&EXP_FILTER=${per}`);
  assert.deepEqual(jsonIds(r.body), ['cities.14', 'countries.KEN']);
  const all = encodeURIComponent(`"name" LIKE 'B%'`);
  const r2 = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities,countries&OUTPUTFORMAT=GeoJSON&EXP_FILTER=${all}`);
  assert.deepEqual(jsonIds(r2.body), ['cities.4', 'cities.7', 'cities.10', 'countries.BRA']);
});

test('numberMatched counts what the filters select (spatial and attribute, FE 2.0)', async () => {
  const f = filterXml(FE20, '<fes:And><fes:Intersects><fes:ValueReference>geometry</fes:ValueReference>'
    + '<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>40 -10</gml:lowerCorner><gml:upperCorner>60 20</gml:upperCorner></gml:Envelope></fes:Intersects>'
    + '<fes:PropertyIsGreaterThan><fes:ValueReference>population</fes:ValueReference><fes:Literal>1500000</fes:Literal></fes:PropertyIsGreaterThan></fes:And>');
  const hits = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities&RESULTTYPE=hits&FILTER=${encodeURIComponent(f)}`);
  // Paris, Berlin, Hamburg, Madrid, Barcelona, Rome.
  assert.match(hits.body, /numberMatched="6" numberReturned="0"/);
  const page = await wfs(s, `REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities&COUNT=4&FILTER=${encodeURIComponent(f)}`);
  assert.match(page.body, /numberMatched="6" numberReturned="4"/);
  assert.match(page.body, / next="[^"]*STARTINDEX=4&amp;COUNT=4"/);
});
