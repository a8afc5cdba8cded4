import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Feature } from '../../../src/data/types.js';
import { loadProject } from '../../../src/project/loader.js';
import type { VectorLayerDef } from '../../../src/project/model.js';
import { writeGml2, writeGml311, writeGml32, type ChunkSink } from '../../../src/services/wfs/writers/index.js';
import { WFS_NAMESPACE, WFS_PREFIX } from '../../../src/services/wfs/names.js';
import { parseXml } from '../../../src/services/wfs/xml/parse-xml.js';
import { attr, childrenNamed } from '../../../src/services/wfs/xml/xml-tree.js';
import { PROJECT, RESTRICTIVE, wfs, wfsPost, wfsServer, xmlObject } from './support.js';
import { golden, list, wellFormed } from './capabilities-support.js';

type Server = ReturnType<typeof wfsServer>;

async function dft(s: Server, query: string) {
  const r = await wfs(s, `REQUEST=DescribeFeatureType&${query}`);
  assert.equal(r.status, 200, r.body);
  if (!/json/i.test(query)) wellFormed(r.body);
  return r;
}

/** complexType name → [element name, type] of its sequence, in document order. */
function sequences(xsd: string): Map<string, Array<[string, string]>> {
  const schema = parseXml(xsd);
  return new Map(childrenNamed(schema, 'complexType').map((ct) => {
    const seq = ct.children[0]!.children[0]!.children[0]!;
    assert.equal(seq.local, 'sequence');
    return [attr(ct, 'name')!, childrenNamed(seq, 'element').map((e) => [attr(e, 'name')!, attr(e, 'type')!] as [string, string])];
  }));
}

function importOf(xsd: string): string {
  return attr(childrenNamed(parseXml(xsd), 'import')[0]!, 'schemaLocation')!;
}

describe('DescribeFeatureType XML Schema', () => {
  for (const [version, param] of [['2.0.0', 'TYPENAMES'], ['1.1.0', 'TYPENAME'], ['1.0.0', 'TYPENAME']] as const) {
    test(`${version} matches its golden file`, async () => {
      const r = await dft(wfsServer(), `VERSION=${version}&${param}=qgs:countries`);
      await golden(`describe-countries-${version}.xsd`, r.body);
    });
  }

  test('the GML flavour follows the version, or OUTPUTFORMAT in any client spelling', async () => {
    const s = wfsServer();
    const cases: Array<[string, RegExp, string]> = [
      ['VERSION=2.0.0', /gml\/3\.2\.1\/gml\.xsd$/, 'gml:MultiSurfacePropertyType'],
      ['VERSION=1.1.0', /gml\/3\.1\.1\/base\/gml\.xsd$/, 'gml:MultiSurfacePropertyType'],
      ['VERSION=1.0.0', /gml\/2\.1\.2\/feature\.xsd$/, 'gml:MultiPolygonPropertyType'],
      ['VERSION=1.0.0&OUTPUTFORMAT=XMLSCHEMA', /gml\/2\.1\.2\/feature\.xsd$/, 'gml:MultiPolygonPropertyType'],
      ['VERSION=2.0.0&OUTPUTFORMAT=GML2', /gml\/2\.1\.2\/feature\.xsd$/, 'gml:MultiPolygonPropertyType'],
      ['VERSION=2.0.0&OUTPUTFORMAT=text/xml;%20subtype=gml/3.1.1', /gml\/3\.1\.1\/base\/gml\.xsd$/, 'gml:MultiSurfacePropertyType'],
      ['VERSION=1.1.0&OUTPUTFORMAT=text/xml;%20subtype=%22gml/3.2%22', /gml\/3\.2\.1\/gml\.xsd$/, 'gml:MultiSurfacePropertyType'],
      ['VERSION=1.1.0&OUTPUTFORMAT=application/gml%2Bxml;%20version=3.2', /gml\/3\.2\.1\/gml\.xsd$/, 'gml:MultiSurfacePropertyType'],
    ];
    for (const [query, location, geometryType] of cases) {
      const r = await dft(s, `${query}&TYPENAME=countries`);
      assert.match(importOf(r.body), location, query);
      assert.deepEqual(sequences(r.body).get('countriesType')![0], ['geometry', geometryType], query);
    }
    const gml32 = (await dft(s, 'VERSION=2.0.0&TYPENAMES=countries')).body;
    assert.match(gml32, /substitutionGroup="gml:AbstractFeature"/);
    assert.match((await dft(s, 'VERSION=1.1.0&TYPENAME=countries')).body, /substitutionGroup="gml:_Feature"/);
    const bad = await wfs(s, 'REQUEST=DescribeFeatureType&TYPENAMES=countries&OUTPUTFORMAT=image/png');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /exceptionCode="InvalidParameterValue" locator="OUTPUTFORMAT"/);
  });

  test('published fields in order with their XML Schema types; several types; none named = all', async () => {
    const s = wfsServer();
    const seq = sequences((await dft(s, 'TYPENAMES=qgs:countries,cities')).body);
    assert.deepEqual([...seq.keys()], ['countriesType', 'citiesType']);
    assert.deepEqual(seq.get('countriesType'), [
      ['geometry', 'gml:MultiSurfacePropertyType'], ['name', 'xsd:string'], ['continent', 'xsd:string'],
      ['pop_est', 'xsd:int'], ['gdp_md', 'xsd:int'], ['iso_a3', 'xsd:string'],
    ]);
    assert.deepEqual(seq.get('citiesType')!.map(([n]) => n), ['geometry', 'name', 'country', 'population', 'role']);
    assert.equal(seq.get('citiesType')![0]![1], 'gml:PointPropertyType');
    const all = sequences((await dft(s, 'VERSION=1.1.0')).body);
    assert.deepEqual([...all.keys()], ['countriesType', 'citiesType', 'secretType']);
    const schema = xmlObject((await dft(s, 'TYPENAMES=cities')).body)['xsd:schema'];
    assert.equal(schema['@targetNamespace'], WFS_NAMESPACE);
    assert.equal(schema['@elementFormDefault'], 'qualified');
    const el = list(schema['xsd:complexType']['xsd:complexContent']['xsd:extension']['xsd:sequence']['xsd:element'])[1];
    assert.equal(el['@nillable'], 'true');
    assert.equal(el['@minOccurs'], '0');
    assert.equal(schema['xsd:element']['@type'], 'qgs:citiesType');
  });

  test('POST: TypeName children and the outputFormat attribute', async () => {
    const s = wfsServer();
    const r = await wfsPost(s, `<DescribeFeatureType service="WFS" version="1.1.0" outputFormat="text/xml; subtype=gml/2.1.2"
      xmlns="http://www.opengis.net/wfs" xmlns:q="${WFS_NAMESPACE}"><TypeName>q:cities</TypeName><TypeName>countries</TypeName></DescribeFeatureType>`);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual([...sequences(r.body).keys()], ['citiesType', 'countriesType']);
    assert.match(importOf(r.body), /2\.1\.2/);
    const bad = await wfsPost(s, '<DescribeFeatureType service="WFS" version="2.0.0" xmlns="http://www.opengis.net/wfs/2.0"><TypeName>nope</TypeName></DescribeFeatureType>');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /exceptionCode="InvalidParameterValue" locator="TYPENAMES"/);
  });
});

describe('DescribeFeatureType and access control', () => {
  test('RESTRICTIVE: gdp_md absent; secret and an unknown type get the same error; all = the readable types', async () => {
    const s = wfsServer([RESTRICTIVE]);
    const seq = sequences((await dft(s, 'TYPENAMES=countries')).body);
    assert.deepEqual(seq.get('countriesType')!.map(([n]) => n), ['geometry', 'name', 'continent', 'pop_est', 'iso_a3']);
    const json = JSON.parse((await dft(s, 'TYPENAMES=countries&OUTPUTFORMAT=application/json')).body);
    assert.ok(!json.featureTypes[0].properties.some((p: any) => p.name === 'gdp_md'));
    assert.deepEqual([...sequences((await dft(s, '')).body).keys()], ['countriesType', 'citiesType']);
    for (const [version, locator] of [['2.0.0', 'TYPENAMES'], ['1.1.0', 'TYPENAME'], ['1.0.0', 'TYPENAME']]) {
      const hidden = await wfs(s, `REQUEST=DescribeFeatureType&VERSION=${version}&${locator}=secret`);
      const unknown = await wfs(s, `REQUEST=DescribeFeatureType&VERSION=${version}&${locator}=secreq`);
      assert.equal(hidden.status, 400);
      assert.equal(hidden.body.replace('secret', 'X'), unknown.body.replace('secreq', 'X'), `${version}: no oracle`);
      assert.match(hidden.body, new RegExp(`[cC]ode="InvalidParameterValue" locator="${locator}"`));
    }
  });
});

describe('DescribeFeatureType JSON', () => {
  test("GeoServer's form", async () => {
    const s = wfsServer();
    const r = await wfs(s, 'REQUEST=DescribeFeatureType&TYPENAMES=cities,countries&OUTPUTFORMAT=application/json');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/json; charset=utf-8');
    const doc = JSON.parse(r.body);
    assert.equal(doc.elementFormDefault, 'qualified');
    assert.equal(doc.targetNamespace, WFS_NAMESPACE);
    assert.equal(doc.targetPrefix, WFS_PREFIX);
    assert.deepEqual(doc.featureTypes.map((t: any) => t.typeName), ['cities', 'countries']);
    assert.deepEqual(doc.featureTypes[1].properties[0], { name: 'geometry', maxOccurs: 1, minOccurs: 0, nillable: true, type: 'gml:MultiPolygon', localType: 'MultiPolygon' });
    assert.deepEqual(doc.featureTypes[0].properties[3], { name: 'population', maxOccurs: 1, minOccurs: 0, nillable: true, type: 'xsd:int', localType: 'int' });
  });
});

describe('DescribeFeatureType agrees with the GML writers', () => {
  test('countries and cities: element names, order and geometry elements match what GetFeature writes', async () => {
    const s = wfsServer();
    for (const name of ['countries', 'cities']) await sameAsWriters(s, PROJECT, name);
  });

  test('odd field names and every field type', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ows-dft-'));
    try {
      const properties = { 'my field': 'x', when: '2020-01-02', stamp: '2020-01-02T03:04:05Z', ratio: 1.5, big: 1e10, n: 3 };
      const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }] };
      await writeFile(path.join(dir, 'lines.geojson'), JSON.stringify(fc));
      const file = path.join(dir, 'project.yaml');
      await writeFile(file, 'layers:\n  - name: lines\n    source: lines.geojson\n');
      const s = wfsServer([], { projectFile: file });
      const seq = sequences((await dft(s, 'TYPENAMES=lines')).body).get('linesType')!;
      assert.deepEqual(seq, [['geometry', 'gml:CurvePropertyType'], ['my_field', 'xsd:string'], ['when', 'xsd:date'], ['stamp', 'xsd:dateTime'],
        ['ratio', 'xsd:double'], ['big', 'xsd:long'], ['n', 'xsd:int']]);
      await sameAsWriters(s, file, 'lines');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A sink keeping what a writer writes. */
class Text implements ChunkSink {
  text = '';
  write(chunk: string): void { this.text += chunk; }
  async flush(): Promise<void> {}
}

/** The element local names a GML property type holds (those the writers produce). */
const HOLDS: Record<string, string[]> = {
  'gml:PointPropertyType': ['Point'], 'gml:LineStringPropertyType': ['LineString'], 'gml:CurvePropertyType': ['LineString'],
  'gml:MultiCurvePropertyType': ['MultiCurve'], 'gml:MultiSurfacePropertyType': ['MultiSurface'], 'gml:MultiPolygonPropertyType': ['MultiPolygon'],
};

/** Writes the first feature of a layer with each version's GML writer and checks it against that version's schema. */
async function sameAsWriters(s: Server, projectFile: string, typeName: string): Promise<void> {
  const project = await loadProject(projectFile);
  const layer = project.layers.get(typeName) as VectorLayerDef;
  const access = s.server.data.forRequest(s.iface.accessControls());
  let feature: Feature | undefined;
  for await (const f of access.readFeatures(layer, { limit: 1 })) feature = f;
  assert.ok(feature, `${typeName} has a feature`);
  const writers = [['1.0.0', writeGml2], ['1.1.0', writeGml311], ['2.0.0', writeGml32]] as const;
  for (const [version, write] of writers) {
    const seq = sequences((await dft(s, `VERSION=${version}&TYPENAME=${typeName}`)).body).get(`${typeName}Type`)!;
    const sink = new Text();
    const meta = { typeName, prefix: WFS_PREFIX, namespaceUri: WFS_NAMESPACE, fields: access.fields(layer) };
    await write(sink, (async function* () { yield feature!; })(), meta);
    const collection = xmlObject(sink.text)['wfs:FeatureCollection'];
    const written = (collection['gml:featureMember'] ?? collection['wfs:member'])[`${WFS_PREFIX}:${typeName}`];
    const children = Object.keys(written).filter((k) => !k.startsWith('@'));
    assert.deepEqual(children, seq.map(([n]) => `${WFS_PREFIX}:${n}`), `${typeName} ${version}: the writer's elements are the schema's, in order`);
    const geometryElement = Object.keys(written[`${WFS_PREFIX}:geometry`])[0]!.replace(/^gml:/, '');
    assert.ok(HOLDS[seq[0]![1]]?.includes(geometryElement), `${typeName} ${version}: ${seq[0]![1]} holds gml:${geometryElement}`);
  }
}
