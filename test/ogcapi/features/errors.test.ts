import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiServer, get } from './support.js';

describe('OGC API Features errors: JSON, or an HTML page for browsers', () => {
  const s = apiServer();
  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

  test('JSON by default, for application/json and for */*', async () => {
    for (const headers of [{}, { accept: 'application/json' }, { accept: '*/*' }] as Array<Record<string, string>>) {
      const r = await get(s, '/ogcapi/collections/nope', headers);
      assert.equal(r.status, 404);
      assert.match(r.headers['Content-Type']!, /^application\/json/);
      assert.deepEqual(r.json, { code: 'NotFound', description: "The collection 'nope' does not exist", locator: 'collectionId' });
    }
  });

  test('HTML for a browser\'s Accept header and for f=html, with the status, code, message and parameter escaped', async () => {
    for (const [url, headers] of [['/ogcapi/collections/nope', { accept: BROWSER }], ['/ogcapi/collections/nope?f=html', {}]] as const) {
      const r = await get(s, url, headers);
      assert.equal(r.status, 404);
      assert.match(r.headers['Content-Type']!, /^text\/html; charset=utf-8$/);
      assert.match(r.body, /<title>404 NotFound<\/title>/);
      assert.match(r.body, /The collection &#39;nope&#39; does not exist/);
    }
    const bad = await get(s, '/ogcapi/collections/countries/items?limit=<b>&f=html');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /<h1>400 InvalidParameterValue<\/h1>/);
    assert.match(bad.body, /<code>limit<\/code>/);
    assert.doesNotMatch(bad.body, /<b>/, 'the value is escaped');
  });

  test('an unknown format stays a JSON 406 (HTML was not asked for)', async () => {
    const r = await get(s, '/ogcapi/collections/countries/items?f=xml');
    assert.equal(r.status, 406);
    assert.equal(r.json.code, 'NotAcceptable');
  });
});
