import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiServer, get, RESTRICTIVE } from './support.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';
type Link = { href: string; rel: string; type: string };

describe('OGC API Features: one item', () => {
  const s = apiServer();

  test('a GeoJSON Feature with self, alternate and collection links', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items/4');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/geo+json');
    assert.equal(r.headers['Content-Crs'], `<${CRS84}>`);
    const { links, ...feature } = r.json as { links: Link[] };
    assert.deepEqual(feature, {
      type: 'Feature', id: 4, geometry: { type: 'Point', coordinates: [13.4105, 52.5244] },
      properties: { name: 'Berlin', country: 'DEU', population: 3426354, role: 'capital' },
    });
    assert.deepEqual(links.map((l) => [l.rel, l.type, l.href]), [
      ['self', 'application/geo+json', 'http://localhost:8080/ogcapi/collections/cities/items/4?f=json'],
      ['alternate', 'text/html', 'http://localhost:8080/ogcapi/collections/cities/items/4?f=html'],
      ['collection', 'application/json', 'http://localhost:8080/ogcapi/collections/cities?f=json'],
    ]);
  });

  test('the id is the layer\'s id field where it has one; a percent-encoded id is decoded', async () => {
    const r = await get(s, '/ogcapi/collections/countries/items/ITA');
    assert.equal(r.json.id, 'ITA');
    assert.equal(r.json.properties.name, 'Italy');
    assert.equal((await get(s, '/ogcapi/collections/countries/items/%49TA')).json.id, 'ITA');
    assert.equal((await get(s, '/ogcapi/collections/countries/items/ITA.json')).json.id, 'ITA');
  });

  test('every item of a page is found at the href the page gives it', async () => {
    const page = await get(s, '/ogcapi/collections/countries/items?limit=20');
    for (const f of page.json.features) {
      const one = await get(s, `/ogcapi/collections/countries/items/${encodeURIComponent(String(f.id))}`);
      const { links: _links, ...feature } = one.json;
      assert.deepEqual(feature, f);
    }
  });

  test('crs: the geometry in the CRS asked, in its axis order', async () => {
    const r = await get(s, `/ogcapi/collections/cities/items/1?crs=${encodeURIComponent(EPSG4326)}`);
    assert.deepEqual(r.json.geometry.coordinates, [48.8534, 2.3488]);
    assert.equal(r.headers['Content-Crs'], `<${EPSG4326}>`);
    const bad = await get(s, '/ogcapi/collections/cities/items/1?crs=EPSG:2154');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.locator, 'crs');
  });

  test('a feature that does not exist, that cannot be an id, or that access control hides: the same 404', async () => {
    const restricted = apiServer([RESTRICTIVE]);
    for (const [server, url, id] of [
      [s, '/ogcapi/collections/cities/items/99', '99'],
      [s, '/ogcapi/collections/cities/items/abc', 'abc'],
      [s, '/ogcapi/collections/countries/items/XYZ', 'XYZ'],
      [restricted, '/ogcapi/collections/cities/items/2', '2'],
      [restricted, '/ogcapi/collections/countries/items/BRA', 'BRA'],
    ] as const) {
      const r = await get(server, url);
      assert.equal(r.status, 404, url);
      assert.deepEqual(r.json, { code: 'NotFound', description: `The collection '${url.split('/')[3]}' has no feature '${id}'`, locator: 'featureId' });
    }
    assert.equal((await get(s, '/ogcapi/collections/cities/items/%E0%A4%A')).status, 404);
    assert.equal((await get(restricted, '/ogcapi/collections/cities/items/1')).status, 200);
  });

  test('unknown parameters are 400', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items/1?limit=3');
    assert.equal(r.status, 400);
    assert.equal(r.json.locator, 'limit');
  });

  test('the HTML page of a feature', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items/11?f=html');
    assert.equal(r.status, 200);
    assert.match(r.headers['Content-Type'] ?? '', /^text\/html/);
    assert.ok(r.body.includes('São Paulo'));
  });
});
