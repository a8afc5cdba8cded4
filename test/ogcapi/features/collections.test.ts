import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiServer, get, RESTRICTIVE } from './support.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (n: number) => `http://www.opengis.net/def/crs/EPSG/0/${n}`;
type Link = { href: string; rel: string; type: string; title?: string };

describe('OGC API Features: collections', () => {
  const s = apiServer();

  test('the vector layers published for OAPIF, in project order (no raster, no WMS-only layer)', async () => {
    const r = await get(s, '/ogcapi/collections');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.collections.map((c: { id: string }) => c.id), ['countries', 'cities', 'events', 'secret']);
    const links = r.json.links as Link[];
    assert.deepEqual(links.map((l) => [l.rel, l.type, l.href]), [
      ['self', 'application/json', 'http://localhost:8080/ogcapi/collections?f=json'],
      ['alternate', 'text/html', 'http://localhost:8080/ogcapi/collections?f=html'],
    ]);
  });

  test('a collection: title, description, keywords, extent in CRS84, crs list (CRS84 first), storageCrs, links', async () => {
    const r = await get(s, '/ogcapi/collections/countries');
    assert.equal(r.status, 200);
    const c = r.json;
    assert.equal(c.id, 'countries');
    assert.equal(c.title, 'Countries');
    assert.equal(c.description, 'Seven countries from Natural Earth 1:110m.');
    assert.deepEqual(c.keywords, ['countries', 'boundaries']);
    assert.equal(c.itemType, 'feature');
    assert.deepEqual(c.extent, { spatial: { bbox: [[-73.986, -33.768, 145.544, 54.983]], crs: CRS84 } });
    assert.deepEqual(c.crs, [CRS84, EPSG(4326), EPSG(3857), EPSG(3035)]);
    assert.equal(c.storageCrs, EPSG(4326));
    const by = (rel: string) => (c.links as Link[]).filter((l) => l.rel === rel).map((l) => [l.type, l.href]);
    assert.deepEqual(by('self'), [['application/json', 'http://localhost:8080/ogcapi/collections/countries?f=json']]);
    assert.deepEqual(by('alternate'), [['text/html', 'http://localhost:8080/ogcapi/collections/countries?f=html']]);
    assert.deepEqual(by('items'), [
      ['application/geo+json', 'http://localhost:8080/ogcapi/collections/countries/items?f=json'],
      ['text/html', 'http://localhost:8080/ogcapi/collections/countries/items?f=html'],
    ]);
    assert.deepEqual(by('http://www.opengis.net/def/rel/ogc/1.0/queryables'), [['application/schema+json', 'http://localhost:8080/ogcapi/collections/countries/queryables?f=json']]);
  });

  test('the description in /collections is the one of /collections/{id} (links aside)', async () => {
    const all = (await get(s, '/ogcapi/collections')).json.collections as Array<Record<string, unknown>>;
    for (const entry of all) {
      const one = (await get(s, `/ogcapi/collections/${entry['id'] as string}`)).json as Record<string, unknown>;
      const { links: a, ...restA } = entry;
      const { links: b, ...restB } = one;
      assert.deepEqual(restA, restB, entry['id'] as string);
      const items = (l: unknown) => (l as Link[]).filter((x) => x.rel !== 'self' && x.rel !== 'alternate');
      assert.deepEqual(items(a), items(b));
    }
  });

  test('a temporal extent from the first and last dated feature of a collection with a temporal field', async () => {
    const events = (await get(s, '/ogcapi/collections/events')).json;
    assert.deepEqual(events.extent.temporal, { interval: [['2024-03-20T00:00:00Z', '2025-01-01T00:00:00Z']], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' });
    assert.equal((await get(s, '/ogcapi/collections/cities')).json.extent.temporal, undefined);
  });

  test('unknown, unpublished and hidden collections are the same 404', async () => {
    const restricted = apiServer([RESTRICTIVE]);
    for (const [server, id] of [[s, 'nothing'], [s, 'cities_map'], [s, 'relief'], [s, 'world'], [restricted, 'secret'], [s, '%E0%A4%A']] as const) {
      for (const suffix of ['', '/items', '/items/1', '/queryables']) {
        const r = await get(server, `/ogcapi/collections/${id}${suffix}`);
        assert.equal(r.status, 404, `${id}${suffix}`);
        assert.equal(r.json.code, 'NotFound');
        assert.equal(r.json.locator, 'collectionId');
        if (id !== '%E0%A4%A') assert.equal(r.json.description, `The collection '${id}' does not exist`);
      }
    }
  });

  test('access control: hidden layers are not listed; a filtered layer\'s extent covers only what may be read', async () => {
    const restricted = apiServer([RESTRICTIVE]);
    const r = await get(restricted, '/ogcapi/collections');
    assert.deepEqual(r.json.collections.map((c: { id: string }) => c.id), ['countries', 'cities', 'events']);
    const [minx, miny] = (await get(restricted, '/ogcapi/collections/countries')).json.extent.spatial.bbox[0];
    assert.ok(minx > -60 && miny > -10, `Brazil's extent is not given away: ${minx}, ${miny}`);
    for (const id of ['countries', 'cities']) {
      const extent = (await get(restricted, `/ogcapi/collections/${id}`)).json.extent.spatial.bbox[0] as number[];
      const items = (await get(restricted, `/ogcapi/collections/${id}/items?limit=100`)).json;
      const xs: number[] = [];
      const ys: number[] = [];
      const walk = (c: unknown): void => {
        if (Array.isArray(c) && typeof c[0] === 'number') {
          xs.push(c[0]);
          ys.push(c[1] as number);
        } else if (Array.isArray(c)) c.forEach(walk);
      };
      for (const f of items.features) walk(f.geometry.coordinates);
      const readable = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      extent.forEach((v, i) => assert.ok(Math.abs(v - readable[i]!) < 1e-3, `${id}: the extent is the readable features' (${extent} vs ${readable})`));
    }
  });

  test('HTML pages of the collections and of one collection', async () => {
    const list = await get(s, '/ogcapi/collections?f=html');
    assert.match(list.headers['Content-Type'] ?? '', /^text\/html/);
    assert.ok(list.body.includes('Countries') && list.body.includes('Events'));
    const one = await get(s, '/ogcapi/collections/events?f=html&MAP=ogcapi/project.yaml');
    assert.equal(one.status, 200);
    assert.ok(one.body.includes('Six events, one of them undated.'));
    assert.ok(one.body.includes('MAP=ogcapi%2Fproject.yaml'), 'the page\'s links keep MAP');
  });
});
