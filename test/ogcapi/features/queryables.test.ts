import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiServer, get, RESTRICTIVE } from './support.js';

describe('OGC API Features: queryables', () => {
  const s = apiServer();

  test('a JSON Schema (draft 2020-12, application/schema+json) of the fields and the geometry', async () => {
    const r = await get(s, '/ogcapi/collections/countries/queryables');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/schema+json');
    const doc = r.json;
    assert.equal(doc.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(doc.$id, 'http://localhost:8080/ogcapi/collections/countries/queryables');
    assert.equal(doc.type, 'object');
    assert.equal(doc.title, 'Countries');
    assert.equal(doc.additionalProperties, false);
    assert.deepEqual(doc.properties, {
      geometry: { title: 'Geometry', format: 'geometry-multipolygon', $ref: 'https://geojson.org/schema/MultiPolygon.json' },
      name: { title: 'Name', type: 'string' },
      continent: { title: 'Continent', type: 'string' },
      pop_est: { title: 'Population', type: 'integer' },
      gdp_md: { title: 'GDP (million USD)', type: 'integer' },
      iso_a3: { title: 'ISO code', type: 'string' },
    });
  });

  test('dates and date-times have their formats; points their geometry type', async () => {
    const doc = (await get(s, '/ogcapi/collections/events/queryables')).json;
    assert.deepEqual(doc.properties, {
      geometry: { title: 'Geometry', format: 'geometry-point', $ref: 'https://geojson.org/schema/Point.json' },
      title: { type: 'string' },
      kind: { type: 'string' },
      day: { type: 'string', format: 'date' },
      starts: { type: 'string', format: 'date-time' },
      visitors: { type: 'integer' },
    });
  });

  test('every queryable but the geometry works as property=value, in a filter and in sortby', async () => {
    for (const id of ['countries', 'cities', 'events']) {
      const doc = (await get(s, `/ogcapi/collections/${id}/queryables`)).json;
      const first = (await get(s, `/ogcapi/collections/${id}/items?limit=1`)).json.features[0];
      for (const name of Object.keys(doc.properties).filter((n) => n !== 'geometry')) {
        const value = first.properties[name];
        const eq = await get(s, `/ogcapi/collections/${id}/items?${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
        assert.equal(eq.status, 200, `${id} ${name}=${value}: ${eq.body.slice(0, 200)}`);
        assert.ok(eq.json.features.some((f: { id: unknown }) => f.id === first.id), `${id} ${name}=${value} finds the feature`);
        assert.equal((await get(s, `/ogcapi/collections/${id}/items?sortby=-${encodeURIComponent(name)}`)).status, 200, `${id} sortby ${name}`);
        assert.equal((await get(s, `/ogcapi/collections/${id}/items?filter=${encodeURIComponent(`"${name}" IS NOT NULL`)}`)).status, 200, `${id} filter ${name}`);
      }
    }
  });

  test('Accept application/schema+json and f=json give the schema; f=html a page', async () => {
    assert.equal((await get(s, '/ogcapi/collections/cities/queryables', { accept: 'application/schema+json' })).status, 200);
    assert.equal((await get(s, '/ogcapi/collections/cities/queryables?f=json')).headers['Content-Type'], 'application/schema+json');
    const html = await get(s, '/ogcapi/collections/cities/queryables?f=html');
    assert.match(html.headers['Content-Type'] ?? '', /^text\/html/);
    assert.ok(html.body.includes('population'));
  });

  test('fields access control hides are no queryables', async () => {
    const restricted = apiServer([RESTRICTIVE]);
    const doc = (await get(restricted, '/ogcapi/collections/countries/queryables')).json;
    assert.deepEqual(Object.keys(doc.properties), ['geometry', 'name', 'continent', 'pop_est', 'iso_a3']);
  });
});
