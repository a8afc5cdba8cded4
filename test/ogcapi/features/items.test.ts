import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiServer, get } from './support.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (n: number) => `http://www.opengis.net/def/crs/EPSG/0/${n}`;
type Link = { href: string; rel: string; type: string; title?: string };
type Server = ReturnType<typeof apiServer>;

/** The ids of an items answer, in order (status 200 asserted). */
async function ids(s: Server, query: string, collection = 'cities'): Promise<Array<string | number>> {
  const r = await get(s, `/ogcapi/collections/${collection}/items?${query}`);
  assert.equal(r.status, 200, `${query}: ${r.body.slice(0, 300)}`);
  return r.json.features.map((f: { id: string | number }) => f.id);
}

/** An error answer: status, code and locator. */
async function refused(s: Server, query: string, locator: string, status = 400, collection = 'cities'): Promise<string> {
  const r = await get(s, `/ogcapi/collections/${collection}/items?${query}`);
  assert.equal(r.status, status, `${query}: ${r.body.slice(0, 300)}`);
  assert.equal(r.json.code, status === 400 ? 'InvalidParameterValue' : r.json.code, query);
  assert.equal(r.json.locator, locator, `${query}: ${r.json.description}`);
  return r.json.description as string;
}

const rel = (links: Link[], name: string) => links.filter((l) => l.rel === name);

describe('OGC API Features: items', () => {
  const s = apiServer();

  test('a page of GeoJSON: numberMatched, numberReturned, timeStamp, links; Content-Crs', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items');
    assert.equal(r.status, 200);
    assert.equal(r.headers['Content-Type'], 'application/geo+json');
    assert.equal(r.headers['Content-Crs'], `<${CRS84}>`);
    const doc = r.json;
    assert.equal(doc.type, 'FeatureCollection');
    assert.equal(doc.features.length, 10, 'limit defaults to 10');
    assert.equal(doc.numberMatched, 15);
    assert.equal(doc.numberReturned, 10);
    assert.match(doc.timeStamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(doc.crs, undefined, 'no legacy crs member');
    assert.deepEqual(doc.features[0], {
      type: 'Feature', id: 1, geometry: { type: 'Point', coordinates: [2.3488, 48.8534] },
      properties: { name: 'Paris', country: 'FRA', population: 2138551, role: 'capital' },
    });
    const links = doc.links as Link[];
    assert.deepEqual(rel(links, 'self').map((l) => [l.href, l.type]), [['http://localhost:8080/ogcapi/collections/cities/items?f=json', 'application/geo+json']]);
    assert.deepEqual(rel(links, 'alternate').map((l) => [l.href, l.type]), [['http://localhost:8080/ogcapi/collections/cities/items?f=html', 'text/html']]);
    assert.deepEqual(rel(links, 'collection').map((l) => [l.href, l.type]), [['http://localhost:8080/ogcapi/collections/cities?f=json', 'application/json']]);
    assert.deepEqual(rel(links, 'next').map((l) => [l.href, l.type]), [['http://localhost:8080/ogcapi/collections/cities/items?offset=10&limit=10&f=json', 'application/geo+json']]);
    assert.deepEqual(rel(links, 'prev'), [], 'no prev on the first page');
  });

  test('next links chain through the whole layer, every feature exactly once; prev links go back', async () => {
    for (const [collection, query, expected] of [
      ['cities', 'limit=4', 15],
      ['cities', 'limit=1', 15],
      ['countries', 'limit=3&sortby=-pop_est', 7],
      ['cities', 'limit=2&role=capital&sortby=name', 7],
      ['events', 'limit=2&datetime=../..', 5],
    ] as const) {
      const seen: Array<string | number> = [];
      let url: string | undefined = `/ogcapi/collections/${collection}/items?${query}`;
      let pages = 0;
      let previous: string | null = null;
      while (url) {
        const r = await get(s, url);
        assert.equal(r.status, 200, url);
        pages++;
        seen.push(...r.json.features.map((f: { id: string | number }) => f.id));
        assert.equal(r.json.numberMatched, expected, url);
        const links = r.json.links as Link[];
        const prev = rel(links, 'prev')[0];
        if (previous === null) assert.equal(prev, undefined);
        else {
          const back = await get(s, prev!.href);
          const before = await get(s, previous);
          assert.deepEqual(back.json.features, before.json.features, 'prev gives the page before');
        }
        const self = new URL(rel(links, 'self')[0]!.href);
        for (const [k, v] of new URLSearchParams(query)) if (k !== 'limit') assert.equal(self.searchParams.get(k), v, `self keeps ${k}`);
        const next = rel(links, 'next')[0];
        if (next) for (const [k, v] of new URLSearchParams(query)) assert.equal(new URL(next.href).searchParams.get(k), v, `next keeps ${k}`);
        previous = url;
        url = next?.href;
        assert.ok(pages <= expected + 1, 'the chain ends');
      }
      assert.equal(seen.length, expected, `${collection} ${query}: ${seen.join(',')}`);
      assert.equal(new Set(seen).size, expected, 'no feature twice');
    }
    assert.deepEqual(await ids(s, 'limit=4&sortby=-population&role=capital'), [14, 4, 6, 12]);
  });

  test('offset: pages inside and past the end', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items?offset=13&limit=5');
    assert.deepEqual(r.json.features.map((f: { id: number }) => f.id), [14, 15]);
    assert.equal(r.json.numberMatched, 15);
    assert.equal(r.json.numberReturned, 2);
    assert.deepEqual(rel(r.json.links, 'next'), []);
    assert.equal(new URL(rel(r.json.links, 'prev')[0]!.href).searchParams.get('offset'), '8');
    const past = await get(s, '/ogcapi/collections/cities/items?offset=40');
    assert.equal(past.json.numberReturned, 0);
    assert.equal(past.json.numberMatched, 15, 'counted: the page tells nothing');
    assert.equal(new URL(rel(past.json.links, 'prev')[0]!.href).searchParams.get('offset'), '30');
  });

  test('limit: above the maximum it is lowered; below 1 or not a number is 400', async () => {
    const small = apiServer([], {}, { maxFeatures: 5 });
    const r = await get(small, '/ogcapi/collections/cities/items?limit=100');
    assert.equal(r.json.numberReturned, 5);
    assert.equal(new URL(rel(r.json.links, 'next')[0]!.href).searchParams.get('limit'), '5');
    assert.equal((await get(small, '/ogcapi/collections/cities/items')).json.numberReturned, 5, 'the default 10 too');
    assert.equal((await get(s, '/ogcapi/collections/cities/items?limit=100000')).json.numberReturned, 15, 'the default maximum is 10,000');
    for (const q of ['limit=0', 'limit=-3', 'limit=ten', 'limit=1.5']) await refused(s, q, 'limit');
    for (const q of ['offset=-1', 'offset=x']) await refused(s, q, 'offset');
  });

  test('bbox in CRS84, with heights, in bbox-crs (axis order of the CRS), across the antimeridian', async () => {
    const france = [1, 2, 3];
    assert.deepEqual(await ids(s, 'bbox=-1,42.5,8,50'), france);
    assert.deepEqual(await ids(s, 'bbox=-1,42.5,-100,8,50,100'), france);
    assert.deepEqual(await ids(s, `bbox=42.5,-1,50,8&bbox-crs=${encodeURIComponent(EPSG(4326))}`), france, 'EPSG:4326 is latitude first');
    assert.deepEqual(await ids(s, `bbox=-1,42.5,8,50&bbox-crs=${encodeURIComponent(CRS84)}`), france);
    assert.deepEqual(await ids(s, `bbox=-111319,5240000,890560,6446276&bbox-crs=${encodeURIComponent(EPSG(3857))}`), france);
    assert.deepEqual(await ids(s, 'bbox=-1,42.5,8,50&bbox-crs=%5BEPSG:3857%5D'), [], 'a CURIE names the CRS too: these metres hold nothing');
    assert.deepEqual(await ids(s, 'bbox=135,-90,-40,90'), [10, 11, 14, 15], 'from 135°E across the antimeridian to 40°W');
    assert.deepEqual(await ids(s, 'bbox=-1,42.5,8,50&country=FRA&role=city'), [2, 3], 'ANDed with the other filters');
  });

  test('bad bbox values are 400 naming bbox or bbox-crs', async () => {
    for (const q of ['bbox=1,2,3', 'bbox=1,2,3,4,5', 'bbox=a,b,c,d', 'bbox=1,2,3,x', 'bbox=1,50,8,40', 'bbox=1,,3,4']) await refused(s, q, 'bbox');
    assert.match(await refused(s, `bbox=1000,0,-1000,10&bbox-crs=${encodeURIComponent(EPSG(3857))}`, 'bbox'), /only a geographic box may cross the antimeridian/);
    await refused(s, 'bbox=1,2,3,4&bbox-crs=EPSG:2154', 'bbox-crs');
    await refused(s, 'bbox=1,2,3,4&bbox-crs=nonsense', 'bbox-crs');
    assert.match(await refused(s, `bbox-crs=${encodeURIComponent(CRS84)}`, 'bbox-crs'), /without bbox/);
  });

  test('crs: coordinates in the CRS asked, in its axis order; Content-Crs says which', async () => {
    const paris = async (crs: string) => {
      const r = await get(s, `/ogcapi/collections/cities/items?limit=1&crs=${encodeURIComponent(crs)}`);
      assert.equal(r.status, 200, crs);
      return { xy: r.json.features[0].geometry.coordinates as number[], header: r.headers['Content-Crs'] };
    };
    assert.deepEqual(await paris(CRS84), { xy: [2.3488, 48.8534], header: `<${CRS84}>` });
    assert.deepEqual(await paris(EPSG(4326)), { xy: [48.8534, 2.3488], header: `<${EPSG(4326)}>` });
    const merc = await paris(EPSG(3857));
    assert.equal(merc.header, `<${EPSG(3857)}>`);
    const R = 6_378_137;
    const expected = [R * (2.3488 * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (48.8534 * Math.PI) / 360))];
    assert.ok(Math.abs(merc.xy[0]! - expected[0]!) < 0.01 && Math.abs(merc.xy[1]! - expected[1]!) < 0.01, `web mercator ${merc.xy} vs ${expected}`);
    const laea = await paris('[EPSG:3035]');
    assert.equal(laea.header, `<${EPSG(3035)}>`);
    assert.ok(laea.xy[0]! < laea.xy[1]!, 'EPSG:3035 is northing first');
    const countries = await get(s, `/ogcapi/collections/countries/items?limit=1&crs=${encodeURIComponent(EPSG(4326))}`);
    const ring = countries.json.features[0].geometry.coordinates[0][0] as number[][];
    assert.ok(ring.every(([lat, lon]) => Math.abs(lat!) <= 90 && lon! < 10), 'polygons swap too');
    for (const q of ['crs=EPSG:2154', 'crs=nonsense', `crs=${encodeURIComponent(EPSG(4326))}&crs=${encodeURIComponent(CRS84)}`]) await refused(s, q, 'crs');
  });

  test('properties: the ones asked, in that order; unknown ones are 400', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items?limit=1&properties=population,name');
    assert.deepEqual(Object.keys(r.json.features[0].properties), ['population', 'name']);
    assert.ok(r.json.features[0].geometry, 'the geometry stays');
    assert.match(await refused(s, 'properties=name,nope', 'properties'), /'nope' is not a property of collection 'cities'/);
  });

  test('sortby: ascending (+ or nothing, a raw + read as a space), descending, several keys; unknown is 400', async () => {
    assert.deepEqual(await ids(s, 'sortby=-population&limit=3'), [11, 14, 4]);
    assert.deepEqual(await ids(s, 'sortby=%2Bpopulation&limit=3'), [2, 13, 3]);
    assert.deepEqual(await ids(s, 'sortby=+population&limit=3'), [2, 13, 3]);
    assert.deepEqual(await ids(s, 'sortby=population&limit=3'), [2, 13, 3]);
    assert.deepEqual(await ids(s, 'sortby=role,-population&limit=4'), [14, 4, 6, 12]);
    assert.deepEqual(await ids(s, 'sortby=name&limit=3', 'countries'), ['BRA', 'FRA', 'DEU']);
    await refused(s, 'sortby=nope', 'sortby');
    await refused(s, 'sortby=name,,role', 'sortby');
  });

  test('property=value on queryables, typed by the field; unknown parameters and repeats are 400', async () => {
    assert.deepEqual(await ids(s, 'country=FRA'), [1, 2, 3]);
    assert.deepEqual(await ids(s, 'country=DEU&role=capital'), [4]);
    assert.deepEqual(await ids(s, 'population=3426354'), [4]);
    assert.deepEqual(await ids(s, 'name=S%C3%A3o%20Paulo'), [11]);
    assert.deepEqual(await ids(s, "name=O'Brien"), []);
    assert.deepEqual(await ids(s, 'visitors=300', 'events'), [4]);
    assert.match(await refused(s, 'population=many', 'population'), /is not a whole number/);
    assert.match(await refused(s, 'Country=FRA', 'Country'), /Unknown query parameter 'Country'/);
    assert.match(await refused(s, 'foo=1&country=FRA', 'foo'), /Unknown query parameter 'foo'; this resource takes: limit, offset, bbox, bbox-crs, crs, datetime, properties, sortby, filter, filter-lang, filter-crs, name, country, population, role, f/);
    await refused(s, 'country=FRA&country=DEU', 'country');
    await refused(s, 'f=json&f=html', 'f');
    assert.equal((await get(s, '/ogcapi/collections/cities/items?map=ogcapi/project.yaml&f=json')).status, 200, 'MAP in any case is the server\'s');
  });

  test('filter: CQL2 text and JSON, ANDed with the other parameters', async () => {
    const text = encodeURIComponent("population > 2000000 AND country IN ('FRA','DEU','ITA')");
    assert.deepEqual(await ids(s, `filter=${text}`), [1, 4, 8]);
    assert.deepEqual(await ids(s, `filter=${text}&filter-lang=cql2-text&role=capital&sortby=-population`), [4, 8, 1]);
    const json = encodeURIComponent(JSON.stringify({ op: 'and', args: [{ op: '>', args: [{ property: 'population' }, 2000000] }, { op: 'in', args: [{ property: 'country' }, ['FRA', 'DEU', 'ITA']] }] }));
    assert.deepEqual(await ids(s, `filter=${json}&filter-lang=cql2-json`), [1, 4, 8]);
    assert.deepEqual(await ids(s, `filter=${encodeURIComponent('S_INTERSECTS(geometry, BBOX(-1,42.5,8,50))')}`), [1, 2, 3]);
    assert.deepEqual(await ids(s, `filter=${encodeURIComponent('S_INTERSECTS(geometry, POLYGON((42.5 -1, 50 -1, 50 8, 42.5 8, 42.5 -1)))')}&filter-crs=${encodeURIComponent(EPSG(4326))}`), [1, 2, 3],
      'filter-crs EPSG:4326: latitude first');
    assert.deepEqual(await ids(s, `filter=${encodeURIComponent("title LIKE '%fair'")}&datetime=2024-01-01/2024-12-31`, 'events'), [1]);
  });

  test('bad filters are 400 naming filter, filter-lang or filter-crs', async () => {
    await refused(s, `filter=${encodeURIComponent('nope = 1')}`, 'filter');
    await refused(s, `filter=${encodeURIComponent('population >')}`, 'filter');
    await refused(s, `filter=${encodeURIComponent('{"op":')}&filter-lang=cql2-json`, 'filter');
    await refused(s, 'filter=population%3D1&filter-lang=cql', 'filter-lang');
    await refused(s, 'filter=population%3D1&filter-crs=EPSG:2154', 'filter-crs');
    assert.match(await refused(s, 'filter-lang=cql2-json', 'filter-lang'), /without filter/);
    assert.match(await refused(s, `filter-crs=${encodeURIComponent(CRS84)}`, 'filter-crs'), /without filter/);
  });
});

describe('OGC API Features: datetime', () => {
  const s = apiServer();
  const dated = (q: string) => ids(s, `datetime=${encodeURIComponent(q)}`, 'events');

  test('on a Date field: instants and intervals, open ends, offsets', async () => {
    assert.deepEqual(await dated('2024-06-21'), [3, 4]);
    assert.deepEqual(await dated('2024-06-21T23:59:59Z'), [3, 4], 'a date-time falls on its day');
    assert.deepEqual(await dated('2024-06-22T01:00:00+02:00'), [3, 4], 'offsets convert to UTC first');
    assert.deepEqual(await dated('2024-06-20'), []);
    assert.deepEqual(await dated('2024-06-01/2024-06-21'), [2, 3, 4]);
    assert.deepEqual(await dated('2024-06-01T12:00:00Z/2024-06-21T00:00:00Z'), [2, 3, 4], 'a day intersects the interval');
    assert.deepEqual(await dated('../2024-06-01'), [1, 2]);
    assert.deepEqual(await dated('/2024-03-20'), [1]);
    assert.deepEqual(await dated('2024-06-02/..'), [3, 4, 5]);
    assert.deepEqual(await dated('2024-06-02/'), [3, 4, 5]);
    assert.deepEqual(await dated('../..'), [1, 2, 3, 4, 5], 'an interval open at both ends: every dated feature');
  });

  test('on a DateTime field: to the second, a date-only bound is its whole day', async () => {
    const t = apiServer([], {}, { temporal: 'starts' });
    const at = (q: string) => ids(t, `datetime=${encodeURIComponent(q)}`, 'events');
    assert.deepEqual(await at('2024-06-21'), [3, 4]);
    assert.deepEqual(await at('2024-06-21T08:00:00Z'), [4]);
    assert.deepEqual(await at('2024-06-21T10:00:00+02:00'), [4]);
    assert.deepEqual(await at('2024-06-21T08:00:01Z'), []);
    assert.deepEqual(await at('2024-06-21T08:00:00Z/2024-06-21T19:59:59Z'), [4]);
    assert.deepEqual(await at('2024-06-01/2024-06-21'), [2, 3, 4]);
    assert.deepEqual(await at('2024-12-31T22:00:00-02:00/..'), [5], '2025-01-01T00:00Z and after');
    assert.deepEqual(await at('2024-12-31T23:00:00-02:00/..'), [], '2025-01-01T01:00Z and after');
    assert.deepEqual((await get(t, '/ogcapi/collections/events')).json.extent.temporal.interval, [['2024-03-20T09:00:00Z', '2025-01-01T00:30:00Z']]);
  });

  test('values that are no instant or interval are 400; a collection without temporal field refuses datetime', async () => {
    for (const q of ['yesterday', '2024-13-01', '2024-02-30', '2024-06-01T10:00:00', '2024-06-01T25:00:00Z', '2024-06-01/2024-05-01',
      '2024-06-01/2024-06-02/2024-06-03', '2024-06-01/soon', '2024-6-1', '']) {
      if (q === '') continue;
      await refused(s, `datetime=${encodeURIComponent(q)}`, 'datetime', 400, 'events');
    }
    assert.match(await refused(s, 'datetime=2024-06-21', 'datetime'), /The collection 'cities' has no temporal property/);
  });
});

describe('OGC API Features: items as HTML, and MAP in every link', () => {
  const s = apiServer();

  test('the HTML page of a page of items holds its features and paging links', async () => {
    const r = await get(s, '/ogcapi/collections/cities/items?f=html&limit=3&offset=3&MAP=ogcapi/project.yaml');
    assert.equal(r.status, 200);
    assert.match(r.headers['Content-Type'] ?? '', /^text\/html/);
    for (const name of ['Berlin', 'Hamburg', 'Madrid']) assert.ok(r.body.includes(name), name);
    assert.ok(!r.body.includes('Barcelona'), 'only the page');
    assert.ok(r.body.includes('offset=6'), 'a next link');
    assert.ok(r.body.includes('offset=0'), 'a prev link');
    assert.ok(r.body.includes('MAP=ogcapi%2Fproject.yaml'));
  });

  test('every link of items and item keeps MAP', async () => {
    for (const url of ['/ogcapi/collections/cities/items?MAP=ogcapi/project.yaml&limit=2&offset=2', '/ogcapi/collections/cities/items/3?MAP=ogcapi/project.yaml']) {
      const r = await get(s, url);
      assert.equal(r.status, 200);
      const links = r.json.links as Link[];
      assert.ok(links.length >= 3);
      for (const l of links) assert.equal(new URL(l.href).searchParams.get('MAP'), 'ogcapi/project.yaml', `${l.rel} ${l.href}`);
    }
  });
});
