/** Access control across the API: what a restrictive filter hides never shows, and naming it is refused like a name that does not exist. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiServer, get, RESTRICTIVE } from './support.js';

describe('OGC API Features under access control', () => {
  const s = apiServer([RESTRICTIVE]);
  const open = apiServer();

  test('hidden fields never appear in items or an item', async () => {
    for (const url of ['/ogcapi/collections/countries/items', '/ogcapi/collections/countries/items/FRA', '/ogcapi/collections/countries/items?f=html']) {
      const r = await get(s, url);
      assert.equal(r.status, 200, url);
      assert.ok(!r.body.includes('gdp_md') && !r.body.includes('2715518'), `${url} shows no GDP`);
    }
  });

  test('the filters of access control apply to items, counts and paging', async () => {
    const cities = (await get(s, '/ogcapi/collections/cities/items?limit=3')).json;
    assert.equal(cities.numberMatched, 12, 'cities of 1 million or more');
    assert.ok(cities.features.every((f: { properties: { population: number } }) => f.properties.population >= 1_000_000));
    const next = cities.links.find((l: { rel: string }) => l.rel === 'next');
    assert.ok(next);
    const countries = (await get(s, '/ogcapi/collections/countries/items?limit=100')).json;
    assert.deepEqual(countries.features.map((f: { id: string }) => f.id), ['FRA', 'DEU', 'ESP', 'ITA', 'KEN', 'JPN']);
    assert.equal(countries.numberMatched, 6);
    assert.equal((await get(s, '/ogcapi/collections/cities/items?limit=1&offset=11')).json.numberMatched, 12, 'counted with the filter too');
  });

  test('naming a hidden field gives the answer of a field that does not exist', async () => {
    for (const [query, locator] of [
      ['properties=gdp_md', 'properties'],
      ['sortby=gdp_md', 'sortby'],
      ['gdp_md=2715518', 'gdp_md'],
      [`filter=${encodeURIComponent('gdp_md > 0')}`, 'filter'],
      [`filter=${encodeURIComponent('{"op":">","args":[{"property":"gdp_md"},0]}')}&filter-lang=cql2-json`, 'filter'],
    ] as const) {
      const hidden = await get(s, `/ogcapi/collections/countries/items?${query}`);
      const missing = await get(s, `/ogcapi/collections/countries/items?${query.replace(/gdp_md/g, 'gdp_mx')}`);
      assert.equal(hidden.status, 400, query);
      assert.equal(hidden.json.locator, locator, query);
      assert.equal(missing.status, 400, query);
      assert.equal(hidden.json.description, missing.json.description.replace(/gdp_mx/g, 'gdp_md'), `${query}: no oracle`);
      assert.equal((await get(open, `/ogcapi/collections/countries/items?${query}`)).status, 200, `${query} works without the filter`);
    }
  });

  test('a temporal field access control hides: datetime is refused as on a collection without one', async () => {
    const r = await get(s, '/ogcapi/collections/events/items?datetime=2024-06-21');
    assert.equal(r.status, 400);
    assert.equal(r.json.description, "The collection 'events' has no temporal property: datetime cannot be used");
    assert.equal((await get(s, '/ogcapi/collections/events')).json.extent.temporal, undefined, 'nor a temporal extent');
    assert.deepEqual((await get(open, '/ogcapi/collections/events/items?datetime=2024-06-21')).json.features.map((f: { id: number }) => f.id), [3, 4]);
  });

  test('a hidden layer is no collection anywhere: list, OpenAPI, items, item, queryables', async () => {
    assert.ok(!(await get(s, '/ogcapi/collections')).body.includes('secret'));
    assert.ok(!(await get(s, '/ogcapi/api')).body.includes('"secret"'));
    for (const suffix of ['', '/items', '/items/1', '/queryables']) assert.equal((await get(s, `/ogcapi/collections/secret${suffix}`)).status, 404, suffix);
    assert.equal((await get(open, '/ogcapi/collections/secret/items/1')).status, 200);
  });
});
