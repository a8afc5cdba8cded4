// WFS-T end to end on editable GeoPackage copies of the test project: each version's Insert / Update / Delete
// and response, the stored result checked in the GeoPackage itself, all-or-nothing, permissions and refusals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import {
  editServer, exceptionOf, postTransaction, stored, storedWhere, transactionXml, type EditServer, type Editable,
} from './edit-support.js';
import { RESTRICTIVE, wfs, wfsPost } from './support.js';

const POINT_URN = (lat: number, lon: number) => `<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${lat} ${lon}</gml:pos></gml:Point>`;
const POINT_GML2 = (x: number, y: number) => `<gml:Point srsName="EPSG:4326"><gml:coordinates>${x},${y}</gml:coordinates></gml:Point>`;
const city = (name: string, geometry: string, country = 'FRA', population = 1000) =>
  `<qgs:cities><qgs:name>${name}</qgs:name><qgs:country>${country}</qgs:country><qgs:population>${population}</qgs:population><qgs:role>city</qgs:role><qgs:geometry>${geometry}</qgs:geometry></qgs:cities>`;
const fidFilter = (version: '1.0.0' | '1.1.0' | '2.0.0', ...ids: string[]) => version === '2.0.0'
  ? `<fes:Filter>${ids.map((id) => `<fes:ResourceId rid="${id}"/>`).join('')}</fes:Filter>`
  : `<ogc:Filter>${ids.map((id) => `<ogc:FeatureId fid="${id}"/>`).join('')}</ogc:Filter>`;
const equalsFilter = (field: string, value: string) =>
  `<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>${field}</ogc:PropertyName><ogc:Literal>${value}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>`;
const setProperty = (name: string, value: string) => `<wfs:Property><wfs:Name>${name}</wfs:Name><wfs:Value>${value}</wfs:Value></wfs:Property>`;

/** fid / rid values of a response, in order. */
const ids = (body: string) => [...body.matchAll(/(?:fid|rid)="([^"]+)"/g)].map((m) => m[1]!);
/** TransactionSummary totals. */
const totals = (body: string) => Object.fromEntries(['totalInserted', 'totalUpdated', 'totalDeleted'].map((k) => [k, Number(new RegExp(`<wfs:${k}>(\\d+)<`).exec(body)?.[1] ?? NaN)]));
const near = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) < 1e-9);

/** Runs `body` against a fresh editable copy; removes it after. */
async function withServer(fn: (s: EditServer) => Promise<void>, filters: AccessControlFilterLike[] = [], editable?: Editable): Promise<void> {
  const s = await editServer(filters, editable);
  try {
    await fn(s);
  } finally {
    await s.project.remove();
  }
}

/** Asserts an exception answer and that nothing changed in the stored layers. */
async function assertRefused(s: EditServer, xml: string, code: string, status: number, url?: string): Promise<ReturnType<typeof exceptionOf>> {
  const before = ['cities', 'countries', 'secret'].map((l) => stored(s, l as 'cities'));
  const r = await wfsPost(s, xml, url);
  assert.equal(r.status, status, r.body);
  const e = exceptionOf(r.body);
  assert.equal(e.code, code, r.body);
  const after = ['cities', 'countries', 'secret'].map((l) => stored(s, l as 'cities'));
  assert.deepEqual(after, before, 'a refused transaction changed the data');
  return e;
}

describe('Insert', () => {
  test('1.0.0 (GML 2 coordinates): WFS_TransactionResponse with InsertResult fids, SUCCESS; stored x/y', () => withServer(async (s) => {
    const r = await postTransaction(s, transactionXml('1.0.0', `<wfs:Insert handle="two">${city('Nice', POINT_GML2(7.27, 43.7))}${city('Lille', POINT_GML2(3.06, 50.63))}</wfs:Insert>`));
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<wfs:WFS_TransactionResponse[^>]*version="1.0.0"/);
    assert.match(r.body, /<wfs:InsertResult handle="two">/);
    assert.match(r.body, /<wfs:TransactionResult>\s*<wfs:Status>\s*<wfs:SUCCESS\/>/);
    assert.deepEqual(ids(r.body), ['cities.16', 'cities.17']);
    const nice = storedWhere(s, 'cities', 'name', 'Nice');
    assert.equal(nice.length, 1);
    assert.equal(nice[0]!.fid, 16);
    assert.ok(near(nice[0]!.geometry!.coordinates, [7.27, 43.7]), JSON.stringify(nice[0]!.geometry));
    assert.deepEqual(nice[0]!.attributes, { name: 'Nice', country: 'FRA', population: 1000, role: 'city' });
  }));

  test('1.1.0 (GML 3.1, lat/lon URN): TransactionSummary and InsertResults; stored x/y', () => withServer(async (s) => {
    const r = await postTransaction(s, transactionXml('1.1.0', `<wfs:Insert handle="nice">${city('Nice', POINT_URN(43.7, 7.27))}</wfs:Insert>`));
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<wfs:TransactionResponse[^>]*version="1.1.0"/);
    assert.deepEqual(totals(r.body), { totalInserted: 1, totalUpdated: 0, totalDeleted: 0 });
    assert.match(r.body, /<wfs:InsertResults>\s*<wfs:Feature handle="nice">\s*<ogc:FeatureId fid="cities.16"\/>/);
    assert.doesNotMatch(r.body, /TransactionResults/);
    assert.ok(near(storedWhere(s, 'cities', 'name', 'Nice')[0]!.geometry!.coordinates, [7.27, 43.7]));
  }));

  test('2.0.0 (GML 3.2, EPSG:3857 x/y): ResourceId rid; stored reprojected to the layer CRS', () => withServer(async (s) => {
    const xml = transactionXml('2.0.0', `<wfs:Insert>${city('Nice', '<gml:Point srsName="urn:ogc:def:crs:EPSG::3857" gml:id="p1"><gml:pos>809292.698 5419133.259</gml:pos></gml:Point>')}</wfs:Insert>`);
    const r = await postTransaction(s, xml);
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<wfs:TransactionResponse[^>]*xmlns:wfs="http:\/\/www.opengis.net\/wfs\/2.0"/);
    assert.match(r.body, /version="2.0.0"/);
    assert.match(r.body, /<fes:ResourceId rid="cities.16"\/>/);
    const [lon, lat] = storedWhere(s, 'cities', 'name', 'Nice')[0]!.geometry!.coordinates as number[];
    assert.ok(Math.abs(lon! - 7.27) < 1e-4 && Math.abs(lat! - 43.7) < 1e-4, `${lon} ${lat}`);
  }));

  test('a layer with an id field reports that id; the new features are readable with GetFeature RESOURCEID', () => withServer(async (s) => {
    const xml = transactionXml('2.0.0', `<wfs:Insert><qgs:countries><qgs:name>Atlantis</qgs:name><qgs:continent>Europe</qgs:continent><qgs:pop_est>7</qgs:pop_est><qgs:iso_a3>ATL</qgs:iso_a3><qgs:geometry><gml:MultiSurface srsName="EPSG:4326"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>-30 30 -20 30 -20 40 -30 30</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></qgs:geometry></qgs:countries></wfs:Insert><wfs:Insert>${city('Nice', POINT_URN(43.7, 7.27))}</wfs:Insert>`);
    const r = await postTransaction(s, xml);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(ids(r.body), ['countries.ATL', 'cities.16']);
    const g = await wfs(s, 'VERSION=2.0.0&REQUEST=GetFeature&RESOURCEID=countries.ATL,cities.16&OUTPUTFORMAT=application/json');
    assert.equal(g.status, 200, g.body);
    const fc = JSON.parse(g.body) as { features: Array<{ id: string; properties: Record<string, unknown> }> };
    assert.deepEqual(fc.features.map((f) => f.properties['name']).sort(), ['Atlantis', 'Nice']);
  }));
});

describe('Update and Delete', () => {
  test('Update attributes and geometry by id (1.1.0): totalUpdated, stored values', () => withServer(async (s) => {
    const xml = transactionXml('1.1.0', `<wfs:Update typeName="qgs:cities">${setProperty('population', '999')}<wfs:Property><wfs:Name>role</wfs:Name></wfs:Property>${setProperty('geometry', POINT_URN(45, 5))}${fidFilter('1.1.0', 'cities.2', 'cities.3')}</wfs:Update>`);
    const r = await postTransaction(s, xml);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 2, totalDeleted: 0 });
    const all = stored(s, 'cities');
    for (const fid of [2, 3]) {
      assert.equal(all.get(fid)!.attributes['population'], 999);
      assert.equal(all.get(fid)!.attributes['role'], null);
      assert.ok(near(all.get(fid)!.geometry!.coordinates, [5, 45]));
    }
    assert.equal(all.get(1)!.attributes['population'], 2138551);
  }));

  test('Update by expression filter (2.0.0 ValueReference) touches exactly the matching features', () => withServer(async (s) => {
    const xml = transactionXml('2.0.0', `<wfs:Update typeName="cities"><wfs:Property><wfs:ValueReference>role</wfs:ValueReference><wfs:Value>big</wfs:Value></wfs:Property><fes:Filter><fes:PropertyIsGreaterThan><fes:ValueReference>population</fes:ValueReference><fes:Literal>5000000</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter></wfs:Update>`);
    const r = await postTransaction(s, xml);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 2, totalDeleted: 0 });
    assert.deepEqual(storedWhere(s, 'cities', 'role', 'big').map((f) => f.attributes['name']).sort(), ['São Paulo', 'Tokyo']);
  }));

  test('Delete by id, by attribute filter and by spatial filter', () => withServer(async (s) => {
    let r = await postTransaction(s, transactionXml('1.0.0', `<wfs:Delete typeName="cities">${fidFilter('1.0.0', 'cities.1')}</wfs:Delete>`));
    assert.equal(r.status, 200, r.body);
    assert.equal(stored(s, 'cities').has(1), false);
    r = await postTransaction(s, transactionXml('1.1.0', `<wfs:Delete typeName="cities">${equalsFilter('country', 'JPN')}</wfs:Delete>`));
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 0, totalDeleted: 2 });
    // 0–10°E, 40–60°N written lat/lon (URN): Lyon, Marseille, Hamburg, Barcelona, Milan (Paris is gone already).
    r = await postTransaction(s, transactionXml('2.0.0', '<wfs:Delete typeName="cities"><fes:Filter><fes:BBOX><fes:ValueReference>geometry</fes:ValueReference><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>40 0</gml:lowerCorner><gml:upperCorner>60 10</gml:upperCorner></gml:Envelope></fes:BBOX></fes:Filter></wfs:Delete>'));
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 0, totalDeleted: 5 });
    assert.deepEqual([...stored(s, 'cities').keys()].sort((a, b) => a - b), [4, 6, 8, 10, 11, 12, 13]);
  }));

  test('several actions in one transaction: inserted ids and totals of all of them', () => withServer(async (s) => {
    const xml = transactionXml('1.1.0', `<wfs:Insert>${city('Nice', POINT_URN(43.7, 7.27))}</wfs:Insert><wfs:Update typeName="cities">${setProperty('role', 'x')}${fidFilter('1.1.0', 'cities.5')}</wfs:Update><wfs:Delete typeName="cities">${fidFilter('1.1.0', 'cities.6', 'cities.7')}</wfs:Delete>`);
    const r = await postTransaction(s, xml);
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(totals(r.body), { totalInserted: 1, totalUpdated: 1, totalDeleted: 2 });
    assert.equal(stored(s, 'cities').size, 14);
  }));
});

describe('all or nothing, permissions, refusals', () => {
  test('the last action fails in the data layer → nothing of the earlier ones is written', () => withServer(async (s) => {
    const first = `<wfs:Insert>${city('Nice', POINT_URN(43.7, 7.27))}</wfs:Insert><wfs:Update typeName="cities">${setProperty('role', 'x')}${fidFilter('1.1.0', 'cities.5')}</wfs:Update><wfs:Delete typeName="cities">${fidFilter('1.1.0', 'cities.6')}</wfs:Delete>`;
    // An unknown field in the last action (the data layer's refusal), and a delete on a layer not editable.
    const e = await assertRefused(s, transactionXml('1.1.0', `${first}<wfs:Insert handle="last"><qgs:cities><qgs:nofield>1</qgs:nofield></qgs:cities></wfs:Insert>`), 'InvalidParameterValue', 400);
    assert.match(e.text, /nofield/);
    await assertRefused(s, transactionXml('1.1.0', `${first}<wfs:Delete typeName="secret">${fidFilter('1.1.0', 'secret.1')}</wfs:Delete>`), 'Security', 403);
  }, [], { cities: true, countries: true }));

  test('not editable in the project, or not for this operation → Security 403, nothing changed', () => withServer(async (s) => {
    await assertRefused(s, transactionXml('2.0.0', `<wfs:Delete typeName="secret">${fidFilter('2.0.0', 'secret.1')}</wfs:Delete>`), 'Security', 403);
    await assertRefused(s, transactionXml('2.0.0', `<wfs:Delete typeName="cities">${fidFilter('2.0.0', 'cities.1')}</wfs:Delete>`), 'Security', 403);
    const ok = await postTransaction(s, transactionXml('2.0.0', `<wfs:Insert>${city('Nice', POINT_URN(43.7, 7.27))}</wfs:Insert>`));
    assert.equal(ok.status, 200, ok.body);
  }, [], { cities: ['insert'] }));

  test('layerPermissions canInsert / canUpdate / canDelete false → Security 403 in each version\'s format', async () => {
    const deny = (op: 'canInsert' | 'canUpdate' | 'canDelete'): AccessControlFilterLike => ({
      layerPermissions: () => ({ canRead: true, canInsert: op !== 'canInsert', canUpdate: op !== 'canUpdate', canDelete: op !== 'canDelete' }),
      cacheKey: () => op,
    });
    const cases: Array<[ReturnType<typeof deny>, string, '1.0.0' | '1.1.0' | '2.0.0']> = [
      [deny('canInsert'), `<wfs:Insert>${city('Nice', POINT_GML2(7.27, 43.7))}</wfs:Insert>`, '1.0.0'],
      [deny('canUpdate'), `<wfs:Update typeName="cities">${setProperty('role', 'x')}${fidFilter('1.1.0', 'cities.1')}</wfs:Update>`, '1.1.0'],
      [deny('canDelete'), `<wfs:Delete typeName="cities">${fidFilter('2.0.0', 'cities.1')}</wfs:Delete>`, '2.0.0'],
    ];
    await Promise.all(cases.map(([filter, action, version]) => withServer(async (s) => {
      await assertRefused(s, transactionXml(version, action), 'Security', 403);
    }, [filter])));
  });

  test('allowToEdit false for some features: an update or delete reaching one of them is refused whole', () => {
    const noFrance: AccessControlFilterLike = { allowToEdit: (_layer, feature) => feature.attribute('country') !== 'FRA', cacheKey: () => 'nofra' };
    return withServer(async (s) => {
      await assertRefused(s, transactionXml('1.1.0', `<wfs:Update typeName="cities">${setProperty('role', 'x')}${equalsFilter('role', 'city')}</wfs:Update>`), 'Security', 403);
      await assertRefused(s, transactionXml('1.1.0', `<wfs:Delete typeName="cities">${fidFilter('1.1.0', 'cities.4', 'cities.2')}</wfs:Delete>`), 'Security', 403);
      await assertRefused(s, transactionXml('1.1.0', `<wfs:Insert>${city('Nice', POINT_URN(43.7, 7.27))}</wfs:Insert>`), 'Security', 403);
      // Moving a German city into France (the feature after the change) is refused too.
      await assertRefused(s, transactionXml('1.1.0', `<wfs:Update typeName="cities">${setProperty('country', 'FRA')}${fidFilter('1.1.0', 'cities.4')}</wfs:Update>`), 'Security', 403);
      const ok = await postTransaction(s, transactionXml('1.1.0', `<wfs:Update typeName="cities">${setProperty('role', 'x')}${equalsFilter('country', 'DEU')}</wfs:Update>`));
      assert.deepEqual(totals(ok.body), { totalInserted: 0, totalUpdated: 2, totalDeleted: 0 });
    }, [noFrance]);
  });

  test('features access control hides are not touched by a broad filter', () => {
    const bigOnly: AccessControlFilterLike = { layerFilterExpression: (l) => (l.name() === 'cities' ? '"population" >= 1000000' : null), cacheKey: () => 'big' };
    return withServer(async (s) => {
      const r = await postTransaction(s, transactionXml('2.0.0', `<wfs:Delete typeName="cities"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>role</fes:ValueReference><fes:Literal>city</fes:Literal></fes:PropertyIsEqualTo></fes:Filter></wfs:Delete>`));
      assert.equal(r.status, 200, r.body);
      // Cities: Hamburg, Barcelona, Milan, São Paulo, Osaka are big; Lyon, Marseille, Mombasa stay.
      assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 0, totalDeleted: 5 });
      assert.deepEqual(storedWhere(s, 'cities', 'role', 'city').map((f) => f.attributes['name']).sort(), ['Lyon', 'Marseille', 'Mombasa']);
    }, [bigOnly]);
  });

  test('a hidden field in Insert or Update is refused exactly like a missing one', () => withServer(async (s) => {
    const msg = async (field: string, action: 'insert' | 'update') => {
      const body = action === 'insert'
        ? `<wfs:Insert><qgs:countries><qgs:name>A</qgs:name><qgs:${field}>1</qgs:${field}></qgs:countries></wfs:Insert>`
        : `<wfs:Update typeName="countries">${setProperty(field, '1')}${fidFilter('1.1.0', 'countries.FRA')}</wfs:Update>`;
      const e = await assertRefused(s, transactionXml('1.1.0', body), 'InvalidParameterValue', 400);
      return e.text.replace(field, 'F');
    };
    for (const action of ['insert', 'update'] as const) assert.equal(await msg('gdp_md', action), await msg('nofield', action));
  }, [{ ...RESTRICTIVE, layerPermissions: () => ({ canRead: true, canInsert: true, canUpdate: true, canDelete: true }) }]));

  test('malformed XML, unknown type, a DOCTYPE: OperationParsingFailed / InvalidParameterValue, 400', () => withServer(async (s) => {
    let e = await assertRefused(s, '<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs" service="WFS" version="1.1.0"><wfs:Insert>', 'OperationParsingFailed', 400);
    assert.match(e.text, /line/);
    await assertRefused(s, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs" service="WFS" version="1.1.0"/>', 'OperationParsingFailed', 400, '/ows?SERVICE=WFS');
    e = await assertRefused(s, transactionXml('2.0.0', '<wfs:Delete typeName="nowhere" handle="d1"><fes:Filter><fes:ResourceId rid="nowhere.1"/></fes:Filter></wfs:Delete>'), 'InvalidParameterValue', 400);
    assert.equal(e.locator, 'd1');
  }));

  test('a bad value is InvalidValue 400 with the action handle as locator, in the 1.0.0 exception format', () => withServer(async (s) => {
    const e = await assertRefused(s, transactionXml('1.0.0', `<wfs:Update typeName="cities" handle="upd">${setProperty('population', 'lots')}${fidFilter('1.0.0', 'cities.1')}</wfs:Update>`), 'InvalidValue', 400);
    assert.equal(e.locator, 'upd');
  }));
});

describe('KVP Transaction (QGIS Server style)', () => {
  test('OPERATION=Delete with FEATUREID, FILTER, BBOX, EXP_FILTER', () => withServer(async (s) => {
    let r = await wfs(s, 'VERSION=1.1.0&REQUEST=Transaction&OPERATION=Delete&FEATUREID=cities.1,cities.2');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 0, totalDeleted: 2 });
    const filter = encodeURIComponent('<Filter xmlns="http://www.opengis.net/ogc"><PropertyIsEqualTo><PropertyName>country</PropertyName><Literal>JPN</Literal></PropertyIsEqualTo></Filter>');
    r = await wfs(s, `VERSION=1.1.0&REQUEST=Transaction&OPERATION=DELETE&TYPENAME=cities&FILTER=${filter}`);
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 0, totalDeleted: 2 });
    // BBOX in 1.0.0 is x/y: Kenya's two cities.
    r = await wfs(s, 'VERSION=1.0.0&REQUEST=Transaction&OPERATION=Delete&TYPENAME=cities&BBOX=30,-10,45,5');
    assert.equal(r.status, 200, r.body);
    assert.equal(stored(s, 'cities').has(12) || stored(s, 'cities').has(13), false);
    r = await wfs(s, `VERSION=1.1.0&REQUEST=Transaction&OPERATION=Delete&TYPENAME=cities&EXP_FILTER=${encodeURIComponent('"country" = \'BRA\'')}`);
    assert.deepEqual(totals(r.body), { totalInserted: 0, totalUpdated: 0, totalDeleted: 2 });
    assert.deepEqual([...stored(s, 'cities').keys()].sort((a, b) => a - b), [3, 4, 5, 6, 7, 8, 9]);
  }));

  test('refused: another OPERATION, no selection at all, FEATUREID with FILTER, ids of another type', () => withServer(async (s) => {
    const cases: Array<[string, string]> = [
      ['OPERATION=Update&TYPENAME=cities&FEATUREID=cities.1', 'InvalidParameterValue'],
      ['TYPENAME=cities&FEATUREID=cities.1', 'MissingParameterValue'],
      ['OPERATION=Delete&TYPENAME=cities', 'MissingParameterValue'],
      ['OPERATION=Delete&TYPENAME=cities&FEATUREID=cities.1&BBOX=0,0,1,1', 'InvalidParameterValue'],
      ['OPERATION=Delete&TYPENAME=cities&FEATUREID=countries.FRA', 'InvalidParameterValue'],
    ];
    const before = stored(s, 'cities');
    for (const [q, code] of cases) {
      const r = await wfs(s, `VERSION=1.1.0&REQUEST=Transaction&${q}`);
      assert.equal(exceptionOf(r.body).code, code, `${q}: ${r.body}`);
      assert.equal(r.status, 400);
    }
    assert.deepEqual(stored(s, 'cities'), before);
  }));
});
