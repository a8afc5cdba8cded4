// OGC API Features Part 4 in process, on editable GeoPackage copies of the test project: POST / PUT / PATCH /
// DELETE / OPTIONS, every error status, all-or-nothing, access control, Content-Crs, the stored result checked in
// the GeoPackage itself and through the API, the conformance classes and the OpenAPI operations.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import type { Editable } from '../../services/wfs/edit-support.js';
import { stored } from '../../services/wfs/edit-support.js';
import { city, editApi, items, send, type EditApi } from '../../fixtures/ogcapi-edit/support.js';
import { apiServer, get } from './support.js';

const CITIES = '/ogcapi/collections/cities/items';
const COUNTRIES = '/ogcapi/collections/countries/items';
const EPSG3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';
const PART4 = 'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf';

/** Runs `fn` against a fresh editable copy (every layer editable unless `editable` says otherwise); removes it after. */
async function withApi(fn: (s: EditApi) => Promise<void>, filters: AccessControlFilterLike[] = [], editable?: Editable): Promise<void> {
  const s = await editApi(filters, editable);
  try {
    await fn(s);
  } finally {
    await s.project.remove();
  }
}

/** Everything stored in the three vector layers, read from the GeoPackages. */
function snapshot(s: EditApi) {
  return (['cities', 'countries', 'secret'] as const).map((l) => [...stored(s, l).values()]);
}

/** Asserts an error answer (status, JSON exception, optional locator) and that nothing changed in the data. */
async function refused(s: EditApi, status: number, method: string, url: string, body?: unknown, headers: Record<string, string> = {}, locator?: string) {
  const before = snapshot(s);
  const r = await send(s, method, url, body, headers);
  assert.equal(r.status, status, `${method} ${url}: ${r.body}`);
  assert.equal(r.headers['Content-Type'], 'application/json');
  assert.equal(typeof r.json.code, 'string');
  assert.equal(typeof r.json.description, 'string');
  if (locator !== undefined) assert.equal(r.json.locator, locator, r.body);
  assert.deepEqual(snapshot(s), before, `${method} ${url} changed the data`);
  return r;
}

/** The path of a URL ("http://localhost:8080/ogcapi/x?MAP=y" -> "/ogcapi/x?MAP=y"). */
const local = (href: string) => href.replace(/^http:\/\/localhost:8080/, '');
const near = (a: number[], b: number[], tolerance = 1e-6) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
/** Web Mercator of a longitude / latitude. */
const mercator = (lon: number, lat: number) => [lon * 20037508.342789244 / 180, Math.log(Math.tan((90 + lat) * Math.PI / 360)) * 6378137];

describe('OGC API Features Part 4: POST (create)', () => {
  test('a Feature: 201, Location of the new feature, which GET answers; stored in the GeoPackage', () => withApi(async (s) => {
    const r = await send(s, 'POST', CITIES, city('Nice', 'FRA', 342669, [7.27, 43.7]));
    assert.equal(r.status, 201, r.body);
    assert.equal(r.headers['Location'], 'http://localhost:8080/ogcapi/collections/cities/items/16');
    assert.equal(r.body, '', 'no body for one feature (Part 4: return=minimal)');
    const back = await send(s, 'GET', local(r.headers['Location']!));
    assert.equal(back.status, 200);
    assert.equal(back.json.id, 16);
    assert.deepEqual(back.json.properties, { name: 'Nice', country: 'FRA', population: 342669, role: 'city' });
    assert.deepEqual(back.json.geometry, { type: 'Point', coordinates: [7.27, 43.7] });
    const row = stored(s, 'cities').get(16)!;
    assert.deepEqual(row.attributes, { name: 'Nice', country: 'FRA', population: 342669, role: 'city' });
    assert.deepEqual(row.geometry, { type: 'Point', coordinates: [7.27, 43.7] });
    assert.equal((await items(s, 'cities')).size, 16);
  }));

  test('application/json is taken too; a body "id" is ignored where the id is the FID; MAP is kept in Location', () => withApi(async (s) => {
    const body = { ...city('Lille', 'FRA', 232787, [3.06, 50.63]), id: 99 };
    const r = await send(s, 'POST', `${CITIES}?MAP=project.yaml`, body, { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.headers['Location'], 'http://localhost:8080/ogcapi/collections/cities/items/16?MAP=project.yaml');
    assert.equal((await send(s, 'GET', local(r.headers['Location']!))).json.properties.name, 'Lille');
    assert.equal((await send(s, 'GET', `${CITIES}/99`)).status, 404);
  }));

  test('a layer with an id field: the "id" is its value; a taken id or one given twice is 409, and differing ids 400', () => withApi(async (s) => {
    const iceland = {
      type: 'Feature', id: 'ISL', geometry: { type: 'Polygon', coordinates: [[[-24, 63], [-13, 63], [-13, 67], [-24, 67], [-24, 63]]] },
      properties: { name: 'Iceland', continent: 'Europe', pop_est: 361313, gdp_md: 24188 },
    };
    const r = await send(s, 'POST', COUNTRIES, iceland);
    assert.equal(r.status, 201, r.body);
    assert.equal(r.headers['Location'], 'http://localhost:8080/ogcapi/collections/countries/items/ISL');
    const back = await send(s, 'GET', `${COUNTRIES}/ISL`);
    assert.equal(back.json.properties.iso_a3, 'ISL');
    assert.equal(back.json.geometry.type, 'MultiPolygon', 'a Polygon goes into the layer\'s MultiPolygon');
    await refused(s, 409, 'POST', COUNTRIES, { ...iceland, id: 'ITA', properties: { ...iceland.properties, name: 'Italy again' } }, {}, 'id');
    await refused(s, 409, 'POST', COUNTRIES, { type: 'FeatureCollection', features: [{ ...iceland, id: 'XXA' }, { ...iceland, id: undefined, properties: { ...iceland.properties, iso_a3: 'XXA' } }] }, {}, 'id');
    await refused(s, 400, 'POST', COUNTRIES, { ...iceland, id: 'XXB', properties: { ...iceland.properties, iso_a3: 'XXC' } }, {}, 'id');
    await refused(s, 400, 'POST', COUNTRIES, { ...iceland, id: undefined }, {}, 'iso_a3');
  }));

  test('a FeatureCollection: every feature inserted, Location of the first, the ids and URLs in the body', () => withApi(async (s) => {
    const r = await send(s, 'POST', CITIES, { type: 'FeatureCollection', features: [city('Nice', 'FRA', 1, [7.27, 43.7]), city('Lille', 'FRA', 2, [3.06, 50.63])] });
    assert.equal(r.status, 201, r.body);
    assert.equal(r.headers['Location'], 'http://localhost:8080/ogcapi/collections/cities/items/16');
    assert.equal(r.headers['Content-Type'], 'application/json');
    assert.deepEqual(r.json.ids, [16, 17]);
    assert.deepEqual(r.json.links.map((l: { href: string; rel: string }) => [l.rel, l.href]), [
      ['item', 'http://localhost:8080/ogcapi/collections/cities/items/16'],
      ['item', 'http://localhost:8080/ogcapi/collections/cities/items/17'],
    ]);
    for (const [i, name] of [[0, 'Nice'], [1, 'Lille']] as const) {
      assert.equal((await send(s, 'GET', local(r.json.links[i].href))).json.properties.name, name);
    }
  }));

  test('all or nothing: a FeatureCollection with one bad feature inserts none of them', () => withApi(async (s) => {
    const good = [city('Nice', 'FRA', 1, [7.27, 43.7]), city('Lille', 'FRA', 2, [3.06, 50.63])];
    const bad: Array<[unknown, string | undefined]> = [
      [{ ...city('X', 'FRA', 3, [0, 0]), properties: { name: 'X', elevation: 3 } }, 'elevation'],
      [city('X', 'FRA', 'many' as unknown as number, [0, 0]), 'population'],
      [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, properties: { name: 'X' } }, 'geometry'],
      [{ type: 'Feature', geometry: { type: 'Point', coordinates: ['a', 1] }, properties: {} }, 'geometry'],
      [{ type: 'Point', coordinates: [0, 0] }, 'features[2]'],
    ];
    for (const [feature, locator] of bad) {
      await refused(s, 400, 'POST', CITIES, { type: 'FeatureCollection', features: [...good, feature] }, {}, locator);
    }
    assert.equal((await items(s, 'cities')).size, 15, 'read back through the API: nothing inserted');
    assert.equal((await get(s, `${CITIES}?name=Nice`)).json.numberMatched, 0);
  }));

  test('Content-Crs: a body in EPSG:3857 is stored and read back in CRS84; EPSG:4326 is latitude first', () => withApi(async (s) => {
    const [x, y] = mercator(7.27, 43.7);
    const r = await send(s, 'POST', CITIES, city('Nice', 'FRA', 1, [x!, y!]), { 'Content-Crs': `<${EPSG3857}>` });
    assert.equal(r.status, 201, r.body);
    const back = await send(s, 'GET', local(r.headers['Location']!));
    assert.ok(near(back.json.geometry.coordinates, [7.27, 43.7]), JSON.stringify(back.json.geometry));
    const lat = await send(s, 'POST', CITIES, city('Lille', 'FRA', 2, [50.63, 3.06]), { 'Content-Crs': `<${EPSG4326}>` });
    assert.equal(lat.status, 201, lat.body);
    assert.deepEqual((await send(s, 'GET', local(lat.headers['Location']!))).json.geometry.coordinates, [3.06, 50.63]);
    const curie = await send(s, 'POST', CITIES, city('Lens', 'FRA', 3, mercator(2.83, 50.43)), { 'Content-Crs': '[EPSG:3857]' });
    assert.equal(curie.status, 201, curie.body);
    await refused(s, 400, 'POST', CITIES, city('X', 'FRA', 1, [0, 0]), { 'Content-Crs': '<http://www.opengis.net/def/crs/EPSG/0/2154>' }, 'Content-Crs');
    await refused(s, 400, 'POST', CITIES, city('X', 'FRA', 1, [0, 0]), { 'Content-Crs': '<nonsense>' }, 'Content-Crs');
  }));

  test('bodies that cannot be taken: 415 for other media types (with Accept-Post), 400 for bad JSON or GeoJSON', () => withApi(async (s) => {
    const nice = city('Nice', 'FRA', 1, [7.27, 43.7]);
    for (const type of ['text/plain', 'application/xml', 'application/geo+json; charset=latin1']) {
      const r = await refused(s, 415, 'POST', CITIES, nice, { 'Content-Type': type });
      assert.equal(r.json.code, 'UnsupportedMediaType');
      assert.equal(r.headers['Accept-Post'], 'application/geo+json, application/json');
    }
    await refused(s, 415, 'POST', CITIES, 'name=Nice', { 'Content-Type': 'application/x-www-form-urlencoded' });
    const none = await send(s, 'POST', CITIES);
    assert.equal(none.status, 415, 'no body, no Content-Type');
    await refused(s, 400, 'POST', CITIES, '', { 'Content-Type': 'application/geo+json' });
    await refused(s, 400, 'POST', CITIES, '{"type": "Feature", ', {});
    await refused(s, 400, 'POST', CITIES, Buffer.from([0x7b, 0xff, 0x7d]), {});
    for (const [body, locator] of [
      [[nice], 'body'], [{ type: 'Point', coordinates: [0, 0] }, 'body'], [{ ...nice, properties: [1] }, 'properties'], [{ ...nice, id: { a: 1 } }, 'id'],
      [{ type: 'FeatureCollection', features: [] }, 'features'], [{ ...nice, place: { type: 'Point', coordinates: [0, 0] } }, 'place'],
      [{ ...nice, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }, 'geometry'],
      [{ ...nice, geometry: { type: 'Circle', coordinates: [0, 0] } }, 'geometry'],
      [{ ...nice, properties: { ...nice.properties, secret_field: 1 } }, 'secret_field'],
      [{ ...nice, properties: { ...nice.properties, population: 1.5 } }, 'population'],
    ] as const) await refused(s, 400, 'POST', CITIES, body, {}, locator);
    await refused(s, 400, 'POST', `${CITIES}?crs=${encodeURIComponent(EPSG3857)}`, nice, {}, 'crs');
  }));

  test('a body over the server limit is 413', async () => {
    const s = await editApi([], undefined, { maxBodySize: 300 });
    try {
      const big = { ...city('Nice', 'FRA', 1, [7.27, 43.7]), properties: { name: 'N'.repeat(400) } };
      const r = await refused(s, 413, 'POST', CITIES, big);
      assert.equal(r.json.code, 'PayloadTooLarge');
      assert.equal((await send(s, 'POST', CITIES, city('Nice', 'FRA', 1, [7.27, 43.7]))).status, 201, 'a body within the limit');
    } finally {
      await s.project.remove();
    }
  });

  test('geometry null or absent is stored as none; properties null as no values', () => withApi(async (s) => {
    const r = await send(s, 'POST', CITIES, { type: 'Feature', geometry: null, properties: { name: 'Nowhere' } });
    assert.equal(r.status, 201, r.body);
    const back = await send(s, 'GET', local(r.headers['Location']!));
    assert.equal(back.json.geometry, null);
    assert.deepEqual(back.json.properties, { name: 'Nowhere', country: null, population: null, role: null });
    const bare = await send(s, 'POST', CITIES, { type: 'Feature', properties: null });
    assert.equal(bare.status, 201, bare.body);
    assert.deepEqual(stored(s, 'cities').get(17)!.attributes, { name: null, country: null, population: null, role: null });
  }));
});

describe('OGC API Features Part 4: PUT (replace)', () => {
  test('the feature becomes the body: properties left out are NULL, the geometry replaced; 204', () => withApi(async (s) => {
    const r = await send(s, 'PUT', `${CITIES}/4`, { type: 'Feature', id: 4, geometry: { type: 'Point', coordinates: [13.4, 52.5] }, properties: { name: 'Berlin', population: 3700000 } });
    assert.equal(r.status, 204, r.body);
    assert.equal(r.body, '');
    const back = await send(s, 'GET', `${CITIES}/4`);
    assert.deepEqual(back.json.properties, { name: 'Berlin', country: null, population: 3700000, role: null });
    assert.deepEqual(back.json.geometry.coordinates, [13.4, 52.5]);
    const others = snapshot(s)[0]!.filter((f) => f.fid !== 4);
    assert.equal(others.length, 14);
    assert.equal(stored(s, 'cities').get(5)!.attributes['name'], 'Hamburg', 'other features untouched');
  }));

  test('no geometry in the body: the feature has none; Content-Crs applies to the new geometry', () => withApi(async (s) => {
    assert.equal((await send(s, 'PUT', `${CITIES}/4`, { type: 'Feature', properties: { name: 'Berlin' } })).status, 204);
    assert.equal((await send(s, 'GET', `${CITIES}/4`)).json.geometry, null);
    const r = await send(s, 'PUT', `${CITIES}/5`, city('Hamburg', 'DEU', 1, mercator(10, 53.55)), { 'Content-Crs': `<${EPSG3857}>` });
    assert.equal(r.status, 204, r.body);
    assert.ok(near((await send(s, 'GET', `${CITIES}/5`)).json.geometry.coordinates, [10, 53.55]));
  }));

  test('an "id" or id field other than the feature\'s is 400; the id field is kept when left out', () => withApi(async (s) => {
    await refused(s, 400, 'PUT', `${CITIES}/4`, { ...city('Berlin', 'DEU', 1, [13, 52]), id: 5 }, {}, 'id');
    const italy = { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[10, 40], [15, 40], [15, 45], [10, 45], [10, 40]]]] }, properties: { name: 'Italia' } };
    await refused(s, 400, 'PUT', `${COUNTRIES}/ITA`, { ...italy, properties: { name: 'Italia', iso_a3: 'ITX' } }, {}, 'iso_a3');
    await refused(s, 400, 'PUT', `${COUNTRIES}/ITA`, { ...italy, properties: { name: 'Italia', iso_a3: null } }, {}, 'iso_a3');
    const r = await send(s, 'PUT', `${COUNTRIES}/ITA`, { ...italy, id: 'ITA' });
    assert.equal(r.status, 204, r.body);
    const back = await send(s, 'GET', `${COUNTRIES}/ITA`);
    assert.deepEqual(back.json.properties, { name: 'Italia', continent: null, pop_est: null, gdp_md: null, iso_a3: 'ITA' });
  }));

  test('404 for a feature that does not exist (nothing created); a FeatureCollection body is 400', () => withApi(async (s) => {
    await refused(s, 404, 'PUT', `${CITIES}/99`, city('X', 'FRA', 1, [0, 0]), {}, 'featureId');
    await refused(s, 404, 'PUT', `${CITIES}/abc`, city('X', 'FRA', 1, [0, 0]), {}, 'featureId');
    await refused(s, 404, 'PUT', `${CITIES}/%E0%A4%A`, city('X', 'FRA', 1, [0, 0]), {}, 'featureId');
    await refused(s, 404, 'PUT', `${COUNTRIES}/XYZ`, { type: 'Feature', geometry: null, properties: { name: 'X' } }, {}, 'featureId');
    await refused(s, 400, 'PUT', `${CITIES}/4`, { type: 'FeatureCollection', features: [city('X', 'FRA', 1, [0, 0])] }, {}, 'body');
    await refused(s, 415, 'PUT', `${CITIES}/4`, city('X', 'FRA', 1, [0, 0]), { 'Content-Type': 'application/merge-patch+json' });
    await refused(s, 400, 'PUT', `${CITIES}/4`, { ...city('X', 'FRA', 1, [0, 0]), geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }, {}, 'geometry');
  }));

  test('If-Match: "*" holds for an existing feature; an entity tag never does (412), nor "*" for a missing one', () => withApi(async (s) => {
    assert.equal((await send(s, 'PUT', `${CITIES}/4`, city('Berlin', 'DEU', 1, [13, 52]), { 'If-Match': '*' })).status, 204);
    const tag = await refused(s, 412, 'PUT', `${CITIES}/4`, city('Berlin', 'DEU', 2, [13, 52]), { 'If-Match': '"abc"' }, 'If-Match');
    assert.equal(tag.json.code, 'PreconditionFailed');
    await refused(s, 412, 'PUT', `${CITIES}/99`, city('X', 'DEU', 2, [13, 52]), { 'If-Match': '*' });
    await refused(s, 412, 'DELETE', `${CITIES}/4`, undefined, { 'If-Match': 'W/"x"' });
  }));
});

describe('OGC API Features Part 4: PATCH (update, JSON Merge Patch)', () => {
  test('only the properties given change; null empties one; the geometry stays unless given', () => withApi(async (s) => {
    const before = (await send(s, 'GET', `${CITIES}/4`)).json;
    const hamburg = stored(s, 'cities').get(5);
    const r = await send(s, 'PATCH', `${CITIES}/4`, { properties: { population: 3700000, role: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 204, r.body);
    const after = (await send(s, 'GET', `${CITIES}/4`)).json;
    assert.deepEqual(after.properties, { name: 'Berlin', country: 'DEU', population: 3700000, role: null });
    assert.deepEqual(after.geometry, before.geometry);
    assert.deepEqual(stored(s, 'cities').get(5), hamburg, 'another feature untouched');
  }));

  test('the geometry alone, in the Content-Crs; geometry null removes it; "properties": null empties them all but the id field', () => withApi(async (s) => {
    const r = await send(s, 'PATCH', `${CITIES}/4`, { geometry: { type: 'Point', coordinates: mercator(13.5, 52.6) } }, { 'Content-Type': 'application/merge-patch+json', 'Content-Crs': `<${EPSG3857}>` });
    assert.equal(r.status, 204, r.body);
    const moved = (await send(s, 'GET', `${CITIES}/4`)).json;
    assert.ok(near(moved.geometry.coordinates, [13.5, 52.6]));
    assert.equal(moved.properties.name, 'Berlin');
    assert.equal((await send(s, 'PATCH', `${CITIES}/4`, { geometry: null }, { 'Content-Type': 'application/json' })).status, 204);
    assert.equal((await send(s, 'GET', `${CITIES}/4`)).json.geometry, null);
    assert.equal((await send(s, 'PATCH', `${COUNTRIES}/JPN`, { type: 'Feature', id: 'JPN', properties: null })).status, 204);
    const japan = (await send(s, 'GET', `${COUNTRIES}/JPN`)).json;
    assert.deepEqual(japan.properties, { name: null, continent: null, pop_est: null, gdp_md: null, iso_a3: 'JPN' });
    assert.equal(japan.geometry.type, 'MultiPolygon');
  }));

  test('an empty patch changes nothing but still needs the feature (404)', () => withApi(async (s) => {
    const before = snapshot(s);
    assert.equal((await send(s, 'PATCH', `${CITIES}/4`, {}, { 'Content-Type': 'application/merge-patch+json' })).status, 204);
    assert.deepEqual(snapshot(s), before);
    await refused(s, 404, 'PATCH', `${CITIES}/99`, {}, { 'Content-Type': 'application/merge-patch+json' }, 'featureId');
  }));

  test('the id cannot change; a geometry must be whole; other media types are 415 with Accept-Patch', () => withApi(async (s) => {
    const patch = { 'Content-Type': 'application/merge-patch+json' };
    await refused(s, 400, 'PATCH', `${CITIES}/4`, { id: 5 }, patch, 'id');
    await refused(s, 400, 'PATCH', `${COUNTRIES}/ITA`, { properties: { iso_a3: 'ITX' } }, patch, 'iso_a3');
    await refused(s, 400, 'PATCH', `${COUNTRIES}/ITA`, { properties: { iso_a3: null } }, patch, 'iso_a3');
    await refused(s, 400, 'PATCH', `${CITIES}/4`, { geometry: { coordinates: [1, 2] } }, patch, 'geometry');
    await refused(s, 400, 'PATCH', `${CITIES}/4`, { geometry: { type: 'Point', coordinates: [1] } }, patch, 'geometry');
    await refused(s, 400, 'PATCH', `${CITIES}/4`, { type: 'FeatureCollection' }, patch, 'type');
    await refused(s, 400, 'PATCH', `${CITIES}/4`, [{ op: 'replace', path: '/properties/name', value: 'x' }], patch, 'body');
    await refused(s, 400, 'PATCH', `${CITIES}/4`, { properties: 'x' }, patch, 'properties');
    await refused(s, 400, 'PATCH', `${CITIES}/4`, { properties: { nothing: 1 } }, patch, 'nothing');
    const r = await refused(s, 415, 'PATCH', `${CITIES}/4`, [{ op: 'replace', path: '/properties/name', value: 'x' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(r.headers['Accept-Patch'], 'application/merge-patch+json, application/geo+json, application/json');
    assert.equal((await send(s, 'PATCH', `${COUNTRIES}/ITA`, { id: 'ITA', properties: { iso_a3: 'ITA', name: 'Italia' } }, patch)).status, 204, 'the same id is no change');
  }));
});

describe('OGC API Features Part 4: DELETE', () => {
  test('204; the feature is gone (GET 404, a second DELETE 404); the others stay', () => withApi(async (s) => {
    const r = await send(s, 'DELETE', `${CITIES}/3`);
    assert.equal(r.status, 204, r.body);
    assert.equal((await send(s, 'GET', `${CITIES}/3`)).status, 404);
    await refused(s, 404, 'DELETE', `${CITIES}/3`, undefined, {}, 'featureId');
    assert.deepEqual([...stored(s, 'cities').keys()].sort((a, b) => a - b), [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    assert.equal((await send(s, 'DELETE', `${COUNTRIES}/KEN`)).status, 204);
    assert.equal((await items(s, 'countries')).has('KEN'), false);
    await refused(s, 404, 'DELETE', `${COUNTRIES}/XYZ`, undefined, {}, 'featureId');
    await refused(s, 400, 'DELETE', `${CITIES}/4?force=1`, undefined, {}, 'force');
  }));
});

describe('OGC API Features Part 4: what a collection takes', () => {
  test('a collection the project does not make editable: 405 with Allow listing what it takes; GET still answers', () => withApi(async (s) => {
    const nice = city('Nice', 'FRA', 1, [7.27, 43.7]);
    const post = await refused(s, 405, 'POST', COUNTRIES, nice);
    assert.equal(post.headers['Allow'], 'GET, HEAD, OPTIONS');
    assert.equal(post.json.code, 'MethodNotAllowed');
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await refused(s, 405, method, `${COUNTRIES}/ITA`, method === 'DELETE' ? undefined : nice);
      assert.equal(r.headers['Allow'], 'GET, HEAD, OPTIONS', method);
    }
    const insertOnly = await refused(s, 405, 'DELETE', `${CITIES}/4`);
    assert.equal(insertOnly.headers['Allow'], 'GET, HEAD, OPTIONS');
    assert.equal((await send(s, 'POST', CITIES, nice)).status, 201, 'cities takes inserts');
    assert.equal((await send(s, 'GET', `${COUNTRIES}/ITA`)).status, 200);
    assert.equal((await send(s, 'GET', COUNTRIES)).status, 200);
    const options = await send(s, 'OPTIONS', CITIES);
    assert.equal(options.headers['Allow'], 'GET, HEAD, POST, OPTIONS');
  }, [], { cities: ['insert'] }));

  test('a project without `editable` (the read-only OGC API test project): every edit is 405', async () => {
    const s = apiServer();
    const r = await get(s, '/ogcapi/collections/cities/items', { 'Content-Type': 'application/geo+json' }, 'POST');
    assert.equal(r.status, 405);
    assert.equal(r.headers['Allow'], 'GET, HEAD, OPTIONS');
    const d = await get(s, '/ogcapi/collections/cities/items/1', {}, 'DELETE');
    assert.equal(d.status, 405);
    assert.equal(d.headers['Allow'], 'GET, HEAD, OPTIONS');
  });

  test('an unknown collection, or one access control hides, is 404 whatever the method', () => withApi(async (s) => {
    for (const [method, url] of [['POST', '/ogcapi/collections/nothing/items'], ['PUT', '/ogcapi/collections/nothing/items/1'], ['DELETE', '/ogcapi/collections/secret/items/1'],
      ['POST', '/ogcapi/collections/secret/items'], ['OPTIONS', '/ogcapi/collections/secret/items'], ['PATCH', '/ogcapi/collections/secret/items/1']] as const) {
      const r = await refused(s, 404, method, url, method === 'DELETE' || method === 'OPTIONS' ? undefined : city('X', 'FRA', 1, [0, 0]), {}, 'collectionId');
      assert.equal(r.json.code, 'NotFound');
    }
  }, [{ layerPermissions: (l) => ({ canRead: l.name() !== 'secret', canInsert: true, canUpdate: true, canDelete: true }), cacheKey: () => 'nosecret' }]));

  test('methods no handler of the path takes are the router\'s 405 with every method of the path', () => withApi(async (s) => {
    const r = await refused(s, 405, 'DELETE', CITIES);
    assert.equal(r.headers['Allow'], 'GET, HEAD, POST, OPTIONS');
    const p = await refused(s, 405, 'POST', `${CITIES}/4`, city('X', 'FRA', 1, [0, 0]));
    assert.equal(p.headers['Allow'], 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
  }));
});

describe('OGC API Features Part 4: access control', () => {
  const permissions = (insert: boolean, update: boolean, del: boolean): AccessControlFilterLike => ({
    layerPermissions: (l) => ({ canRead: true, canInsert: insert || l.name() !== 'cities', canUpdate: update || l.name() !== 'cities', canDelete: del || l.name() !== 'cities' }),
    cacheKey: () => `p${insert}${update}${del}`,
  });

  test('layerPermissions refusing insert, update or delete: 403 and nothing changed; OPTIONS leaves the method out', async () => {
    await withApi(async (s) => {
      const r = await refused(s, 403, 'POST', CITIES, city('Nice', 'FRA', 1, [7.27, 43.7]));
      assert.equal(r.json.code, 'Security');
      assert.equal((await send(s, 'OPTIONS', CITIES)).headers['Allow'], 'GET, HEAD, OPTIONS');
      assert.equal((await send(s, 'OPTIONS', `${CITIES}/4`)).headers['Allow'], 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
      assert.equal((await send(s, 'PATCH', `${CITIES}/4`, { properties: { role: 'x' } })).status, 204);
    }, [permissions(false, true, true)]);
    await withApi(async (s) => {
      await refused(s, 403, 'PUT', `${CITIES}/4`, city('Berlin', 'DEU', 1, [13, 52]));
      await refused(s, 403, 'PATCH', `${CITIES}/4`, { properties: { role: 'x' } });
      const options = await send(s, 'OPTIONS', `${CITIES}/4`);
      assert.equal(options.headers['Allow'], 'GET, HEAD, DELETE, OPTIONS');
      assert.equal(options.headers['Accept-Patch'], undefined);
    }, [permissions(true, false, true)]);
    await withApi(async (s) => {
      await refused(s, 403, 'DELETE', `${CITIES}/4`);
      assert.equal((await send(s, 'OPTIONS', `${CITIES}/4`)).headers['Allow'], 'GET, HEAD, PUT, PATCH, OPTIONS');
      assert.equal((await send(s, 'DELETE', `${COUNTRIES}/ITA`)).status, 204, 'another layer');
    }, [permissions(true, true, false)]);
  });

  test('allowToEdit false for some features: the edit reaching one of them is refused whole (403)', () => withApi(async (s) => {
    await refused(s, 403, 'PATCH', `${CITIES}/1`, { properties: { population: 1 } });
    await refused(s, 403, 'PUT', `${CITIES}/1`, city('Paris', 'FRA', 1, [2.35, 48.85]));
    await refused(s, 403, 'DELETE', `${CITIES}/2`);
    await refused(s, 403, 'PATCH', `${CITIES}/4`, { properties: { country: 'FRA' } }, {}, 'cities');
    await refused(s, 403, 'POST', CITIES, { type: 'FeatureCollection', features: [city('Bonn', 'DEU', 1, [7.1, 50.7]), city('Nice', 'FRA', 1, [7.27, 43.7])] });
    assert.equal((await items(s, 'cities')).size, 15);
    assert.equal((await send(s, 'PATCH', `${CITIES}/4`, { properties: { population: 1 } })).status, 204, 'a German city may be edited');
    assert.equal((await send(s, 'POST', CITIES, city('Bonn', 'DEU', 1, [7.1, 50.7]))).status, 201);
  }, [{ allowToEdit: (_l, f) => f.attribute('country') !== 'FRA', cacheKey: () => 'nofra' }]));

  test('features access control hides are 404 for PUT, PATCH, DELETE and OPTIONS, and stay as they are', () => withApi(async (s) => {
    for (const [method, body] of [['PUT', city('Lyon', 'FRA', 1, [4.8, 45.7])], ['PATCH', { properties: { population: 1 } }], ['DELETE', undefined], ['OPTIONS', undefined]] as const) {
      await refused(s, 404, method, `${CITIES}/2`, body, {}, 'featureId');
    }
    assert.equal((await send(s, 'PATCH', `${CITIES}/4`, { properties: { population: 3500000 } })).status, 204, 'a visible one');
    await refused(s, 404, 'PATCH', `${COUNTRIES}/BRA`, { properties: { name: 'Brasil' } }, {}, 'featureId');
  }, [{
    layerFilterExpression: (l) => (l.name() === 'cities' ? '"population" >= 1000000' : null),
    layerFilterSubsetString: (l) => (l.name() === 'countries' ? "name <> 'Brazil'" : null),
    cacheKey: () => 'big',
  }]));

  test('a hidden field cannot be written (400, as one that does not exist) and keeps its value through PUT', () => withApi(async (s) => {
    const italy = { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[10, 40], [15, 40], [15, 45], [10, 45], [10, 40]]]] }, properties: { name: 'Italia' } };
    await refused(s, 400, 'PUT', `${COUNTRIES}/ITA`, { ...italy, properties: { name: 'Italia', gdp_md: 1 } }, {}, 'gdp_md');
    await refused(s, 400, 'PATCH', `${COUNTRIES}/ITA`, { properties: { gdp_md: 1 } }, {}, 'gdp_md');
    await refused(s, 400, 'POST', COUNTRIES, { ...italy, id: 'XXA', properties: { name: 'X', gdp_md: 1 } }, {}, 'gdp_md');
    assert.equal((await send(s, 'PUT', `${COUNTRIES}/ITA`, italy)).status, 204);
    const row = [...stored(s, 'countries').values()].find((f) => f.attributes['iso_a3'] === 'ITA')!;
    assert.equal(row.attributes['name'], 'Italia');
    assert.equal(row.attributes['continent'], null);
    assert.equal(row.attributes['gdp_md'], 2003576, 'the hidden field is kept');
    assert.equal((await send(s, 'PATCH', `${COUNTRIES}/ITA`, { properties: null })).status, 204);
    assert.equal([...stored(s, 'countries').values()].find((f) => f.attributes['iso_a3'] === 'ITA')!.attributes['gdp_md'], 2003576);
  }, [{ authorizedLayerAttributes: (l, attrs) => (l.name() === 'countries' ? attrs.filter((a) => a !== 'gdp_md') : attrs), cacheKey: () => 'nogdp' }]));
});

describe('OGC API Features Part 4: OPTIONS', () => {
  test('200 with Allow, Accept-Post on the items and Accept-Patch on a feature; 404 for a feature that does not exist', () => withApi(async (s) => {
    const items = await send(s, 'OPTIONS', CITIES);
    assert.equal(items.status, 200);
    assert.equal(items.headers['Allow'], 'GET, HEAD, POST, OPTIONS');
    assert.equal(items.headers['Accept-Post'], 'application/geo+json, application/json');
    const one = await send(s, 'OPTIONS', `${COUNTRIES}/ITA`);
    assert.equal(one.status, 200);
    assert.equal(one.headers['Allow'], 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    assert.equal(one.headers['Accept-Patch'], 'application/merge-patch+json, application/geo+json, application/json');
    assert.equal(one.body, '');
    await refused(s, 404, 'OPTIONS', `${COUNTRIES}/XYZ`, undefined, {}, 'featureId');
  }));

  test('update only: PUT and PATCH but no DELETE; nothing editable: GET, HEAD, OPTIONS', () => withApi(async (s) => {
    assert.equal((await send(s, 'OPTIONS', `${CITIES}/4`)).headers['Allow'], 'GET, HEAD, PUT, PATCH, OPTIONS');
    assert.equal((await send(s, 'OPTIONS', CITIES)).headers['Allow'], 'GET, HEAD, OPTIONS');
    assert.equal((await send(s, 'OPTIONS', COUNTRIES)).headers['Allow'], 'GET, HEAD, OPTIONS');
    assert.equal((await send(s, 'OPTIONS', `${COUNTRIES}/ITA`)).headers['Allow'], 'GET, HEAD, OPTIONS');
  }, [], { cities: ['update'] }));
});

describe('OGC API Features Part 4: conformance and API definition', () => {
  test('the conformance declaration lists create-replace-delete, update and features', async () => {
    const r = await get(apiServer(), '/ogcapi/conformance');
    for (const c of ['create-replace-delete', 'update', 'features']) assert.ok(r.json.conformsTo.includes(`${PART4}/${c}`), c);
  });

  test('the OpenAPI document has the edits with their bodies, headers and answers', async () => {
    const doc = (await get(apiServer(), '/ogcapi/api')).json;
    const items = doc.paths['/collections/{collectionId}/items'];
    const item = doc.paths['/collections/{collectionId}/items/{featureId}'];
    assert.deepEqual(Object.keys(items), ['get', 'post', 'options']);
    assert.deepEqual(Object.keys(item), ['get', 'put', 'patch', 'delete', 'options']);
    assert.equal(items.post.operationId, 'createFeature');
    assert.deepEqual(Object.keys(items.post.requestBody.content), ['application/geo+json', 'application/json']);
    assert.ok(items.post.responses['201'].headers.Location);
    assert.equal(items.post.responses['200'], undefined);
    assert.deepEqual(Object.keys(items.post.responses).sort(), ['201', '400', '403', '404', '405', '406', '409', '413', '415', '500']);
    assert.ok(items.post.parameters.some((p: { name: string; in: string }) => p.name === 'Content-Crs' && p.in === 'header'));
    assert.deepEqual(Object.keys(item.patch.requestBody.content), ['application/merge-patch+json', 'application/geo+json', 'application/json']);
    for (const method of ['put', 'patch', 'delete']) {
      assert.ok(item[method].responses['204'], method);
      assert.equal(item[method].responses['403'].$ref, '#/components/responses/Forbidden');
      assert.ok(item[method].parameters.some((p: { name: string }) => p.name === 'If-Match'), method);
      assert.deepEqual(item[method].parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name), ['collectionId', 'featureId']);
    }
    assert.equal(item.delete.requestBody, undefined);
    assert.ok(item.options.responses['200'].headers.Allow);
    assert.ok(doc.components.responses.UnsupportedMediaType);
    assert.equal(doc.paths['/collections/{collectionId}/items'].get.requestBody, undefined, 'the GET operations are as before');
    assert.deepEqual(Object.keys(doc.paths['/collections/{collectionId}/items'].get.responses).sort(), ['200', '400', '404', '406', '500']);
  });

  const validator = ['python3.11', 'python3', '/usr/bin/python3'].find((python) => {
    try {
      execFileSync(python, ['-c', 'import openapi_spec_validator'], { stdio: 'ignore', timeout: 20_000 });
      return true;
    } catch {
      return false;
    }
  });
  test('the OpenAPI document with the edits passes openapi-spec-validator', { skip: validator ? false : 'no Python with openapi-spec-validator' }, async () => {
    const body = (await get(apiServer(), '/ogcapi/api?MAP=ogcapi/project.yaml')).body;
    execFileSync(validator!, ['-c', 'import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.loads(sys.stdin.read()))'], { input: body, timeout: 30_000 });
  });
});
