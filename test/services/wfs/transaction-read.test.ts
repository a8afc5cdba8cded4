// Reading a wfs:Transaction into the data layer's edits (no data is written here): versions, GML flavours,
// axis order, typed values, filters, handles as locators, refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataAccess, type EditAction } from '../../../src/data/index.js';
import { OgcError } from '../../../src/errors/ogc-error.js';
import { AccessControl, type AccessControlFilterLike } from '../../../src/filters/access-control.js';
import { loadProject } from '../../../src/project/loader.js';
import type { ProjectModel } from '../../../src/project/model.js';
import { bodyVersion, readTransaction, type TransactionPlan } from '../../../src/services/wfs/transaction-read.js';
import type { WfsVersion } from '../../../src/services/wfs/version.js';
import { parseXml } from '../../../src/services/wfs/xml/parse-xml.js';
import { transactionXml } from './edit-support.js';
import { PROJECT, RESTRICTIVE } from './support.js';

let project: ProjectModel;
const data = new DataAccess({ snapshot: false });
before(async () => {
  project = await loadProject(PROJECT);
});
after(() => data.close());

function access(filters: AccessControlFilterLike[]) {
  const ac = new AccessControl('access control');
  for (const f of filters) ac.register(f);
  return data.forRequest(filters.length ? ac : null);
}

/** Reads a Transaction of `version` holding `actions`. */
async function read(version: WfsVersion, actions: string, options: { filters?: AccessControlFilterLike[]; root?: string } = {}): Promise<TransactionPlan> {
  const root = parseXml(transactionXml(version, actions, options.root));
  return readTransaction({ project, access: access(options.filters ?? []), version: bodyVersion(root, version) }, root);
}

/** The OgcError a read fails with. */
async function refusal(version: WfsVersion, actions: string, options: { filters?: AccessControlFilterLike[]; root?: string } = {}): Promise<OgcError> {
  try {
    await read(version, actions, options);
  } catch (err) {
    assert.ok(err instanceof OgcError, `expected an OgcError, got ${String(err)}`);
    return err;
  }
  assert.fail('the transaction was accepted');
}

const only = (plan: TransactionPlan): EditAction => {
  assert.equal(plan.actions.length, 1);
  return plan.actions[0]!;
};
const insertOf = (plan: TransactionPlan) => {
  const a = only(plan);
  assert.equal(a.type, 'insert');
  return a as Extract<EditAction, { type: 'insert' }>;
};
const updateOf = (plan: TransactionPlan) => {
  const a = only(plan);
  assert.equal(a.type, 'update');
  return a as Extract<EditAction, { type: 'update' }>;
};
const deleteOf = (plan: TransactionPlan) => {
  const a = only(plan);
  assert.equal(a.type, 'delete');
  return a as Extract<EditAction, { type: 'delete' }>;
};

const CITY = (geometry: string, extra = '') => `<qgs:cities>${extra}<qgs:name>Lyon</qgs:name><qgs:country>FRA</qgs:country><qgs:population>516092</qgs:population><qgs:role>city</qgs:role><qgs:geometry>${geometry}</qgs:geometry></qgs:cities>`;

describe('Insert', () => {
  test('1.1.0, GML 3.1 point with a lat/lon URN srsName → x/y, typed attributes, the handle kept', async () => {
    const plan = await read('1.1.0', `<wfs:Insert handle="add-lyon">${CITY('<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>45.76 4.84</gml:pos></gml:Point>')}</wfs:Insert>`);
    const a = insertOf(plan);
    assert.equal(a.layer.name, 'cities');
    assert.equal(a.handle, 'add-lyon');
    assert.deepEqual(a.features, [{
      attributes: { name: 'Lyon', country: 'FRA', population: 516092, role: 'city' },
      geometry: { type: 'Point', coordinates: [4.84, 45.76] }, crs: 'EPSG:4326',
    }]);
    assert.deepEqual(plan.insertSource, [0]);
  });

  test('1.1.0 with "EPSG:4326" and 2.0.0 with EPSG:3857 stay x/y; the http://www.opengis.net/def/crs URI swaps', async () => {
    let a = insertOf(await read('1.1.0', `<wfs:Insert>${CITY('<gml:Point srsName="EPSG:4326"><gml:pos>4.84 45.76</gml:pos></gml:Point>')}</wfs:Insert>`));
    assert.deepEqual(a.features[0]!.geometry, { type: 'Point', coordinates: [4.84, 45.76] });
    a = insertOf(await read('2.0.0', `<wfs:Insert>${CITY('<gml:Point srsName="urn:ogc:def:crs:EPSG::3857"><gml:pos>538800 5741000</gml:pos></gml:Point>')}</wfs:Insert>`));
    assert.deepEqual(a.features[0], { attributes: a.features[0]!.attributes, geometry: { type: 'Point', coordinates: [538800, 5741000] }, crs: 'EPSG:3857' });
    a = insertOf(await read('2.0.0', `<wfs:Insert>${CITY('<gml:Point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><gml:pos>45.76 4.84</gml:pos></gml:Point>')}</wfs:Insert>`));
    assert.deepEqual(a.features[0]!.geometry, { type: 'Point', coordinates: [4.84, 45.76] });
  });

  test('1.0.0, GML 2 coordinates: x/y whatever the srsName says', async () => {
    for (const srs of ['EPSG:4326', 'http://www.opengis.net/gml/srs/epsg.xml#4326', 'urn:ogc:def:crs:EPSG::4326']) {
      const a = insertOf(await read('1.0.0', `<wfs:Insert>${CITY(`<gml:Point srsName="${srs}"><gml:coordinates>4.84,45.76</gml:coordinates></gml:Point>`)}</wfs:Insert>`));
      assert.deepEqual(a.features[0]!.geometry, { type: 'Point', coordinates: [4.84, 45.76] }, srs);
      assert.equal(a.features[0]!.crs, 'EPSG:4326');
    }
  });

  test('no srsName anywhere → the layer CRS, x/y; the Insert srsName is inherited', async () => {
    let a = insertOf(await read('2.0.0', `<wfs:Insert>${CITY('<gml:Point><gml:pos>4.84 45.76</gml:pos></gml:Point>')}</wfs:Insert>`));
    assert.deepEqual(a.features[0]!.geometry, { type: 'Point', coordinates: [4.84, 45.76] });
    assert.equal(a.features[0]!.crs, 'EPSG:4326');
    a = insertOf(await read('2.0.0', `<wfs:Insert srsName="urn:ogc:def:crs:EPSG::4326">${CITY('<gml:Point><gml:pos>45.76 4.84</gml:pos></gml:Point>')}</wfs:Insert>`));
    assert.deepEqual(a.features[0]!.geometry, { type: 'Point', coordinates: [4.84, 45.76] });
  });

  test('GML 3.2 polygon in any prefix and namespace for the feature; gml:boundedBy and gml:name skipped', async () => {
    const a = insertOf(await read('2.0.0', `<wfs:Insert><x:countries xmlns:x="urn:anything" gml:id="new"><gml:boundedBy/><gml:name>n</gml:name><x:name>Atlantis</x:name><x:iso_a3>ATL</x:iso_a3><x:geometry><gml:Polygon srsName="EPSG:4326"><gml:exterior><gml:LinearRing><gml:posList>0 0 1 0 1 1 0 0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></x:geometry></x:countries></wfs:Insert>`));
    assert.equal(a.layer.name, 'countries');
    assert.deepEqual(a.features[0]!.attributes, { name: 'Atlantis', iso_a3: 'ATL' });
    assert.equal(a.features[0]!.geometry!.type, 'Polygon');
  });

  test('features wrapped in a FeatureCollection (featureMember / member) are read like bare ones', async () => {
    const point = '<gml:Point><gml:pos>1 2</gml:pos></gml:Point>';
    const plan = await read('2.0.0', `<wfs:Insert><wfs:FeatureCollection><gml:boundedBy/><wfs:member>${CITY(point)}</wfs:member><gml:featureMember>${CITY(point)}</gml:featureMember></wfs:FeatureCollection></wfs:Insert>`);
    assert.equal(insertOf(plan).features.length, 2);
  });

  test('xsi:nil and empty elements are NULL; an empty geometry property is no geometry', async () => {
    const a = insertOf(await read('1.1.0', '<wfs:Insert><qgs:cities><qgs:name>X</qgs:name><qgs:country xsi:nil="true"/><qgs:population></qgs:population><qgs:geometry/></qgs:cities></wfs:Insert>'));
    assert.deepEqual(a.features[0], { attributes: { name: 'X', country: null, population: null }, geometry: null });
  });

  test('features of two types in one Insert → two actions from the same Insert; a second Insert counts on', async () => {
    const plan = await read('1.0.0', `<wfs:Insert handle="h">${CITY('<gml:Point><gml:coordinates>1,2</gml:coordinates></gml:Point>')}<qgs:countries><qgs:name>A</qgs:name></qgs:countries>${CITY('<gml:Point><gml:coordinates>1,2</gml:coordinates></gml:Point>')}</wfs:Insert><wfs:Insert>${CITY('<gml:Point><gml:coordinates>1,2</gml:coordinates></gml:Point>')}${CITY('<gml:Point><gml:coordinates>3,4</gml:coordinates></gml:Point>')}</wfs:Insert>`);
    assert.deepEqual(plan.actions.map((a) => [a.type, a.layer.name, a.handle, (a as { features: unknown[] }).features.length]), [
      ['insert', 'cities', 'h', 1], ['insert', 'countries', 'h', 1], ['insert', 'cities', 'h', 1], ['insert', 'cities', undefined, 2],
    ]);
    assert.deepEqual(plan.insertSource, [0, 0, 0, 1]);
  });

  test('a value that is not a number for an integer field is InvalidValue, located at the handle', async () => {
    const e = await refusal('1.1.0', '<wfs:Insert handle="bad"><qgs:cities><qgs:population>many</qgs:population></qgs:cities></wfs:Insert>');
    assert.equal(e.code, 'InvalidValue');
    assert.equal(e.status, 400);
    assert.equal(e.locator, 'bad');
    assert.match(e.message, /population/);
  });

  test('unknown and hidden types are refused with the same InvalidParameterValue; locator = element without a handle', async () => {
    const unknown = await refusal('2.0.0', '<wfs:Insert><qgs:nowhere><qgs:a>1</qgs:a></qgs:nowhere></wfs:Insert>');
    const hidden = await refusal('2.0.0', '<wfs:Insert><qgs:secret><qgs:name>1</qgs:name></qgs:secret></wfs:Insert>', { filters: [RESTRICTIVE] });
    for (const e of [unknown, hidden]) {
      assert.equal(e.code, 'InvalidParameterValue');
      assert.equal(e.locator, 'Insert');
    }
    assert.equal(hidden.message.replace('secret', 'X'), unknown.message.replace('nowhere', 'X'));
    // The relief raster is not a feature type either.
    assert.equal((await refusal('2.0.0', '<wfs:Insert><qgs:relief><qgs:a>1</qgs:a></qgs:relief></wfs:Insert>')).code, 'InvalidParameterValue');
  });

  test('a hidden field passes through untyped for the data layer to refuse like an unknown one', async () => {
    const a = insertOf(await read('1.1.0', '<wfs:Insert><qgs:countries><qgs:gdp_md>12</qgs:gdp_md><qgs:nofield>x</qgs:nofield></qgs:countries></wfs:Insert>', { filters: [RESTRICTIVE] }));
    assert.deepEqual(a.features[0]!.attributes, { gdp_md: '12', nofield: 'x' });
  });

  test('idgen: UseExisting takes the gml:id for the id field; refused for FID layers; ReplaceDuplicate refused', async () => {
    const a = insertOf(await read('2.0.0', '<wfs:Insert idgen="UseExisting"><qgs:countries gml:id="countries.ATL"><qgs:name>Atlantis</qgs:name></qgs:countries></wfs:Insert>'));
    assert.equal(a.features[0]!.attributes['iso_a3'], 'ATL');
    assert.equal((await refusal('2.0.0', `<wfs:Insert idgen="UseExisting">${CITY('<gml:Point><gml:pos>1 2</gml:pos></gml:Point>')}</wfs:Insert>`)).code, 'OptionNotSupported');
    assert.equal((await refusal('2.0.0', `<wfs:Insert idgen="ReplaceDuplicate">${CITY('<gml:Point><gml:pos>1 2</gml:pos></gml:Point>')}</wfs:Insert>`)).code, 'OptionNotSupported');
  });

  test('malformed content: empty Insert, two geometries, a property given twice, bad coordinates', async () => {
    for (const body of [
      '<wfs:Insert handle="e"/>',
      `<wfs:Insert handle="e">${CITY('<gml:Point><gml:pos>1 2</gml:pos></gml:Point>', '<qgs:geometry><gml:Point><gml:pos>1 2</gml:pos></gml:Point></qgs:geometry>')}</wfs:Insert>`,
      '<wfs:Insert handle="e"><qgs:cities><qgs:name>a</qgs:name><qgs:name>b</qgs:name></qgs:cities></wfs:Insert>',
      `<wfs:Insert handle="e">${CITY('<gml:Point><gml:pos>1 x</gml:pos></gml:Point>')}</wfs:Insert>`,
      '<wfs:Insert handle="e"><qgs:cities><qgs:name><b>bold</b></qgs:name></qgs:cities></wfs:Insert>',
    ]) {
      const e = await refusal('1.1.0', body);
      assert.equal(e.code, 'OperationParsingFailed', body);
      assert.equal(e.locator, 'e');
    }
  });
});

describe('Update', () => {
  test('1.1.0: Name / Value pairs, a GML geometry value, a Property without Value = NULL, FeatureId filter', async () => {
    const a = updateOf(await read('1.1.0', `<wfs:Update typeName="qgs:cities" handle="u1">
      <wfs:Property><wfs:Name>population</wfs:Name><wfs:Value>42</wfs:Value></wfs:Property>
      <wfs:Property><wfs:Name>qgs:role</wfs:Name></wfs:Property>
      <wfs:Property><wfs:Name>geometry</wfs:Name><wfs:Value><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48 2</gml:pos></gml:Point></wfs:Value></wfs:Property>
      <ogc:Filter><ogc:FeatureId fid="cities.3"/><ogc:FeatureId fid="4"/></ogc:Filter></wfs:Update>`));
    assert.equal(a.layer.name, 'cities');
    assert.equal(a.handle, 'u1');
    assert.deepEqual(a.attributes, { population: 42, role: null });
    assert.deepEqual(a.geometry, { value: { type: 'Point', coordinates: [2, 48] }, crs: 'EPSG:4326' });
    assert.deepEqual(a.where, { ids: ['3', '4'] });
  });

  test('2.0.0: ValueReference, fes:ResourceId, geometry set to NULL, action="remove"', async () => {
    const a = updateOf(await read('2.0.0', `<wfs:Update typeName="cities">
      <wfs:Property><wfs:ValueReference>name</wfs:ValueReference><wfs:Value>Paris &amp; co</wfs:Value></wfs:Property>
      <wfs:Property><wfs:ValueReference action="remove">country</wfs:ValueReference></wfs:Property>
      <wfs:Property><wfs:ValueReference>geometry</wfs:ValueReference></wfs:Property>
      <fes:Filter><fes:ResourceId rid="cities.1"/></fes:Filter></wfs:Update>`));
    assert.deepEqual(a.attributes, { name: 'Paris & co', country: null });
    assert.deepEqual(a.geometry, { value: null });
    assert.deepEqual(a.where, { ids: ['1'] });
  });

  test('expression and spatial filter: expression text, predicates in x/y (srsName-less constraint: the version default)', async () => {
    const a = updateOf(await read('1.1.0', `<wfs:Update typeName="cities"><wfs:Property><wfs:Name>role</wfs:Name><wfs:Value>x</wfs:Value></wfs:Property>
      <ogc:Filter><ogc:And><ogc:PropertyIsEqualTo><ogc:PropertyName>country</ogc:PropertyName><ogc:Literal>FRA</ogc:Literal></ogc:PropertyIsEqualTo>
      <ogc:BBOX><ogc:PropertyName>geometry</ogc:PropertyName><gml:Envelope><gml:lowerCorner>40 -5</gml:lowerCorner><gml:upperCorner>52 10</gml:upperCorner></gml:Envelope></ogc:BBOX></ogc:And></ogc:Filter></wfs:Update>`));
    assert.equal(a.where.filter, `"country" = 'FRA'`);
    assert.deepEqual(a.where.spatial, [{ op: 'bbox', crs: 'EPSG:4326', geometry: { type: 'Polygon', coordinates: [[[-5, 40], [-5, 52], [10, 52], [10, 40], [-5, 40]]] } }]);
  });

  test('GDAL 1.1 style: GmlObjectId gml:id', async () => {
    const a = updateOf(await read('1.1.0', '<wfs:Update typeName="feature:cities" xmlns:feature="http://www.qgis.org/gml"><wfs:Property><wfs:Name>name</wfs:Name><wfs:Value>N</wfs:Value></wfs:Property><ogc:Filter><ogc:GmlObjectId gml:id="cities.15"/></ogc:Filter></wfs:Update>'));
    assert.deepEqual(a.where, { ids: ['15'] });
  });

  test('refused: no Filter (MissingParameterValue), no Property, a property twice, an id of another type, no typeName', async () => {
    const set = '<wfs:Property><wfs:Name>name</wfs:Name><wfs:Value>N</wfs:Value></wfs:Property>';
    const cases: Array<[string, string]> = [
      [`<wfs:Update typeName="cities" handle="h">${set}</wfs:Update>`, 'MissingParameterValue'],
      ['<wfs:Update typeName="cities" handle="h"><ogc:Filter><ogc:FeatureId fid="cities.1"/></ogc:Filter></wfs:Update>', 'OperationParsingFailed'],
      [`<wfs:Update typeName="cities" handle="h">${set}${set}<ogc:Filter><ogc:FeatureId fid="cities.1"/></ogc:Filter></wfs:Update>`, 'OperationParsingFailed'],
      [`<wfs:Update typeName="cities" handle="h">${set}<ogc:Filter><ogc:FeatureId fid="countries.FRA"/></ogc:Filter></wfs:Update>`, 'InvalidParameterValue'],
      [`<wfs:Update handle="h">${set}<ogc:Filter><ogc:FeatureId fid="cities.1"/></ogc:Filter></wfs:Update>`, 'OperationParsingFailed'],
    ];
    for (const [body, code] of cases) {
      const e = await refusal('1.1.0', body);
      assert.equal(e.code, code, body);
      assert.equal(e.locator, 'h', body);
    }
  });
});

describe('Delete, Replace, Native, locks, versions', () => {
  test('Delete with a FE 2.0 spatial filter in a URN CRS → x/y predicate', async () => {
    const a = deleteOf(await read('2.0.0', '<wfs:Delete typeName="cities"><fes:Filter><fes:Intersects><fes:ValueReference>geometry</fes:ValueReference><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>40 -5 40 10 52 10 40 -5</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects></fes:Filter></wfs:Delete>'));
    assert.deepEqual(a.where.spatial, [{ op: 'intersects', crs: 'EPSG:4326', geometry: { type: 'Polygon', coordinates: [[[-5, 40], [10, 40], [10, 52], [-5, 40]]] } }]);
  });

  test('GDAL\'s Delete: the predicate inside ogc:Filter in no namespace, the type prefix declared on the action', async () => {
    const a = deleteOf(await read('1.1.0', `<wfs:Delete xmlns:feature="http://www.qgis.org/gml" typeName="feature:cities">
    <ogc:Filter>
<PropertyIsEqualTo><PropertyName>name</PropertyName><Literal>Lyon</Literal></PropertyIsEqualTo>    </ogc:Filter>
  </wfs:Delete>`));
    assert.deepEqual(a.where, { filter: `"name" = 'Lyon'` });
  });

  test('Delete needs a Filter and a typeName', async () => {
    assert.equal((await refusal('2.0.0', '<wfs:Delete typeName="cities"/>')).code, 'MissingParameterValue');
    assert.equal((await refusal('2.0.0', '<wfs:Delete><fes:Filter><fes:ResourceId rid="cities.1"/></fes:Filter></wfs:Delete>')).code, 'OperationParsingFailed');
  });

  test('Replace (2.0) → update of the given properties and geometry of what the filter selects', async () => {
    const a = updateOf(await read('2.0.0', `<wfs:Replace handle="r">${CITY('<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>45 4</gml:pos></gml:Point>')}<fes:Filter><fes:ResourceId rid="cities.2"/></fes:Filter></wfs:Replace>`));
    assert.deepEqual(a, {
      type: 'update', layer: a.layer, handle: 'r', where: { ids: ['2'] },
      attributes: { name: 'Lyon', country: 'FRA', population: 516092, role: 'city' },
      geometry: { value: { type: 'Point', coordinates: [4, 45] }, crs: 'EPSG:4326' },
    });
    assert.equal((await refusal('1.1.0', `<wfs:Replace>${CITY('')}<ogc:Filter><ogc:FeatureId fid="cities.1"/></ogc:Filter></wfs:Replace>`)).code, 'OperationParsingFailed');
  });

  test('Native: ignored with safeToIgnore="true", else OperationNotSupported', async () => {
    assert.equal((await read('2.0.0', '<wfs:Native vendorId="x" safeToIgnore="true">VACUUM</wfs:Native>')).actions.length, 0);
    const e = await refusal('2.0.0', '<wfs:Native vendorId="x" safeToIgnore="false">VACUUM</wfs:Native>');
    assert.equal(e.code, 'OperationNotSupported');
    assert.equal(e.locator, 'Native');
  });

  test('locks: lockId (2.0) → InvalidLockId, wfs:LockId (1.1) → InvalidParameterValue; releaseAction accepted', async () => {
    const e20 = await refusal('2.0.0', '', { root: 'lockId="L1" releaseAction="ALL"' });
    assert.equal(e20.code, 'InvalidLockId');
    assert.equal(e20.locator, 'lockId');
    const e11 = await refusal('1.1.0', '<wfs:LockId>L1</wfs:LockId>');
    assert.equal(e11.code, 'InvalidParameterValue');
    assert.equal(e11.locator, 'LockId');
    assert.equal((await read('1.1.0', '', { root: 'releaseAction="SOME"' })).actions.length, 0);
    assert.equal((await refusal('1.1.0', '', { root: 'releaseAction="NONE"' })).code, 'OperationParsingFailed');
  });

  test('an unknown action element is OperationParsingFailed', async () => {
    const e = await refusal('1.1.0', '<wfs:Upsert handle="x"/>');
    assert.equal(e.code, 'OperationParsingFailed');
    assert.equal(e.locator, 'x');
  });

  test('the body namespace and version must agree; a 1.x body without version is 1.1.0', () => {
    const v20 = parseXml('<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"/>');
    const v1x = parseXml('<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs" service="WFS"/>');
    const v11 = parseXml('<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs" service="WFS" version="2.0.0"/>');
    assert.equal(bodyVersion(v20, '2.0.0'), '2.0.0');
    assert.throws(() => bodyVersion(v20, '1.1.0'), (e: OgcError) => e.code === 'OperationParsingFailed');
    assert.equal(bodyVersion(v1x, '2.0.0'), '1.1.0');
    assert.equal(bodyVersion(v1x, '1.0.0'), '1.0.0');
    assert.throws(() => bodyVersion(v11, '2.0.0'), (e: OgcError) => e.code === 'OperationParsingFailed');
    assert.throws(() => bodyVersion(parseXml('<Transaction/>'), '2.0.0'), (e: OgcError) => e.code === 'OperationParsingFailed');
  });
});
