import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { renderFeaturesHtml, type FeaturesPageKind } from '../../../src/ogcapi/features/html/index.js';
import { PageLinks } from '../../../src/ogcapi/features/html/links.js';
import { jsonForScript } from '../../../src/ogcapi/html.js';
import * as docs from '../../fixtures/html/documents.js';

const { ROOT, QUERY, HOSTILE } = docs;

function render(kind: FeaturesPageKind, data: unknown, title = 'A title', apiRoot = ROOT, query = QUERY): string {
  return renderFeaturesHtml({ kind, title, data, apiRoot, query });
}

/** Decodes the entities the renderer writes. */
function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

/** Every href of the page, decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => unescape(m[1]!));
}

/** The parsed content of a <script type="application/json" id=…> block. */
function dataBlock(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  assert.ok(m, `no data block ${id}`);
  return JSON.parse(m[1]!);
}

const VOID = new Set(['meta', 'link', 'br', 'img', 'input', 'hr']);

/** Asserts that the elements of a page nest properly (a small HTML5 check: every opened element closed in order). */
function assertWellFormed(html: string): void {
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  const stack: string[] = [];
  const body = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '<script$1></script>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const [, close, name] = m;
    const tag = name!.toLowerCase();
    if (VOID.has(tag)) continue;
    if (!close) stack.push(tag);
    else assert.equal(stack.pop(), tag, `</${tag}> closes <${stack.at(-1)}> at ${m.index}`);
  }
  assert.deepEqual(stack, [], 'every element is closed');
}

describe('HTML pages of OGC API Features', () => {
  const all: Array<[FeaturesPageKind, unknown]> = [
    ['landing', docs.landing], ['conformance', docs.conformance], ['collections', docs.collections], ['collection', docs.collection],
    ['queryables', docs.queryables], ['items', docs.items], ['item', docs.item],
  ];

  test('every kind is a whole, well-formed HTML5 page with title, heading, breadcrumb and the links of its document', () => {
    for (const [kind, data] of all) {
      const html = render(kind, data, `Page ${kind}`);
      assertWellFormed(html);
      assert.match(html, /<meta charset="utf-8">/);
      assert.match(html, new RegExp(`<title>Page ${kind}</title>`));
      assert.match(html, new RegExp(`<h1>Page ${kind}</h1>`));
      assert.match(html, /<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li/);
      const titles = (data as { links: Array<{ title: string }> }).links.map((l) => l.title);
      for (const t of titles) assert.ok(html.includes(`>${t}</a>`), `${kind}: link '${t}' listed`);
    }
  });

  test('the breadcrumb goes landing › collections › collection › items › item, the current step unlinked', () => {
    const steps = (html: string) => [...html.match(/<nav class="breadcrumb"[^]*?<\/nav>/)![0].matchAll(/<li[^>]*>(?:<a href="([^"]*)">)?([^<]*)/g)]
      .map((m) => [m[2], m[1] === undefined ? null : new URL(unescape(m[1])).pathname]);
    assert.deepEqual(steps(render('item', docs.item)), [
      ['Landing page', '/ows/ogcapi'], ['Collections', '/ows/ogcapi/collections'], ['countries', '/ows/ogcapi/collections/countries'],
      ['Items', '/ows/ogcapi/collections/countries/items'], ['FRA', null],
    ]);
    assert.deepEqual(steps(render('items', docs.items)).map((s) => s[0]), ['Landing page', 'Collections', 'countries', 'Items']);
    assert.deepEqual(steps(render('collection', docs.collection)).map((s) => s[0]), ['Landing page', 'Collections', 'Countries']);
    assert.deepEqual(steps(render('queryables', docs.queryables)).map((s) => s[0]), ['Landing page', 'Collections', 'countries', 'Queryables']);
    assert.deepEqual(steps(render('conformance', docs.conformance)).map((s) => s[0]), ['Landing page', 'Conformance']);
    assert.deepEqual(steps(render('landing', docs.landing)), [['Landing page', null]]);
  });

  test('links made by the page keep the query (MAP) and ask for HTML; assets are versioned', () => {
    for (const [kind, data] of all) {
      for (const href of hrefs(render(kind, data))) {
        if (!href.startsWith(ROOT)) continue;
        const url = new URL(href);
        if (url.pathname.includes('/assets/')) {
          assert.deepEqual([...url.searchParams.keys()], ['v'], 'an asset needs no project');
          assert.match(url.searchParams.get('v') ?? '', /^[\w-]{16}$/);
        } else assert.equal(url.searchParams.getAll('MAP').join(), 'demo.yaml', `${kind}: ${href}`);
      }
    }
    const html = render('items', docs.items);
    const made = hrefs(html.slice(html.indexOf('<body>'))).filter((h) => h.startsWith(ROOT) && !docs.items.links.some((l) => l.href === h));
    assert.ok(made.length >= 5, 'breadcrumb, ids and paging');
    for (const h of made) assert.equal(new URL(h).searchParams.get('f'), 'html', h);
  });

  test('items: a table of the features linking each id to its page, the paging links, numberMatched / numberReturned, a map of the features', () => {
    const html = render('items', docs.items);
    const rows = [...html.matchAll(/<tr><td data-feature-id="([^"]*)"><a href="([^"]*)">([^<]*)<\/a><\/td>(.*?)<\/tr>/g)];
    assert.deepEqual(rows.map((r) => r[1]), ['FRA', 'KEN']);
    assert.equal(unescape(rows[0]![2]!), `${ROOT}/collections/countries/items/FRA?MAP=demo.yaml&f=html`);
    assert.match(html, /<th scope="col">ID<\/th><th scope="col">name<\/th><th scope="col">pop_est<\/th><th scope="col">continent<\/th><th scope="col">wiki<\/th>/);
    assert.match(rows[0]![4]!, /<td>France<\/td><td class="number">67059887<\/td><td>Europe<\/td><td><span class="null">null<\/span><\/td>/, 'a missing property is null');
    assert.match(rows[1]![4]!, /<a href="https:\/\/en.wikipedia.org\/wiki\/Kenya" rel="nofollow noopener">/);
    assert.match(html, /2 features on this page of <span class="matched">7<\/span> matched/);
    const paging = [...html.matchAll(/<a rel="(prev|next)" href="([^"]*)"/g)].map((m) => [m[1], new URL(unescape(m[2]!))]);
    assert.equal(paging.length, 4, 'paging above and below the table');
    const next = paging.find((p) => p[0] === 'next')![1] as URL;
    assert.deepEqual(Object.fromEntries(next.searchParams), { MAP: 'demo.yaml', f: 'html', limit: '2', offset: '4' });
    assert.match(html, /<div class="map" data-map="features" data-source="features-data" data-crs="EPSG:4326"/);
    assert.deepEqual((dataBlock(html, 'features-data') as { features: unknown[] }).features, docs.items.features);
    assert.match(html, /<script src="[^"]*\/assets\/ol\.js\?v=[^"]*" defer><\/script>/);
    assert.match(html, /<script src="[^"]*\/assets\/features\.js\?v=[^"]*" defer><\/script>/);
    assert.match(html, /<link rel="alternate" type="application\/geo\+json" href="[^"]*f=json/);
  });

  test('item: the properties table and a map of the feature', () => {
    const html = render('item', docs.item);
    assert.match(html, /<tr><th scope="row">id<\/th><td><code>FRA<\/code><\/td><\/tr>/);
    assert.match(html, /<tr><th scope="row">pop_est<\/th><td class="number">67059887<\/td><\/tr>/);
    const feature = dataBlock(html, 'features-data') as { id: string; geometry: unknown };
    assert.equal(feature.id, 'FRA');
    assert.deepEqual(feature.geometry, docs.item.geometry);
  });

  test('collections, collection, conformance and queryables pages show their tables', () => {
    const list = render('collections', docs.collections);
    assert.match(list, /<td><a href="[^"]*\/collections\/cities\?MAP=demo\.yaml&amp;f=html">Cities<\/a><\/td><td><code>cities<\/code><\/td><td>Fifteen cities\.<\/td>/);
    const one = render('collection', docs.collection);
    assert.match(one, /<caption>http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84<\/caption>/);
    assert.match(one, /<td class="number">-73\.986<\/td><td class="number">-33\.768<\/td><td class="number">145\.544<\/td><td class="number">54\.983<\/td>/);
    assert.deepEqual(dataBlock(one, 'extent-data'), { boxes: [[-73.986, -33.768, 145.544, 54.983]] });
    assert.match(one, /data-map="extent"/);
    assert.match(one, /<a href="[^"]*\/collections\/countries\/items\?MAP=demo\.yaml&amp;f=html">Browse the items<\/a>/);
    assert.match(one, /<td><code>http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84<\/code><\/td><td>storage CRS<\/td>/);
    const conf = render('conformance', docs.conformance);
    assert.equal((conf.match(/<a href="http:\/\/www\.opengis\.net\/spec\/ogcapi-features-1\/1\.0\/conf\/\w+">/g) ?? []).length, 3);
    assert.doesNotMatch(conf, /ol\.js/, 'no map, no OpenLayers');
    const q = render('queryables', docs.queryables);
    assert.match(q, /<td><code>geometry<\/code><\/td><td>Geometry<\/td><td>geometry-multipolygon<\/td>/);
    assert.match(q, /<td><code>continent<\/code><\/td><td>Continent<\/td><td>string one of &quot;Africa&quot;, &quot;Europe&quot;<\/td>/);
    assert.match(q, /<td><code>name<\/code><\/td><td>Name<\/td><td>string<\/td><td>The short name<\/td>/);
    const landing = render('landing', docs.landing);
    assert.match(landing, /<p>Countries and cities\.<\/p>/);
    assert.match(landing, /<a href="[^"]*\/conformance\?MAP=demo\.yaml&amp;f=html">Conformance classes<\/a>/);
  });

  test('the map reads the coordinates in the CRS of the page (Part 2), or says it cannot draw them', () => {
    const inCrs = (crs: string) => render('items', { ...docs.items, links: [{ href: `${ROOT}/collections/countries/items?f=html&crs=${encodeURIComponent(crs)}`, rel: 'self', type: 'text/html' }] });
    assert.match(inCrs('http://www.opengis.net/def/crs/EPSG/0/3857'), /data-crs="EPSG:3857"/);
    const latLon = inCrs('http://www.opengis.net/def/crs/EPSG/0/4326');
    assert.match(latLon, /data-crs="EPSG:4326" data-axis="lat-lon"/);
    assert.doesNotMatch(inCrs('http://www.opengis.net/def/crs/OGC/1.3/CRS84'), /data-axis/);
    const other = inCrs('http://www.opengis.net/def/crs/EPSG/0/3035');
    assert.doesNotMatch(other, /data-map=|ol\.js/);
    assert.match(other, /The map draws CRS84, EPSG:4326 and EPSG:3857 only; these features are in http:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/3035\./);
    assert.match(other, /<td data-feature-id="FRA">/, 'the table is there all the same');
  });

  test('hostile titles, ids, property names and values stay text: nothing leaves its element, attribute or data block', () => {
    const html = render('items', docs.hostileItems, HOSTILE.script + HOSTILE.attribute, ROOT, 'MAP=a"b<c>.yaml');
    assertWellFormed(html);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts.map((s) => /src="[^"]*\/assets\/([\w.]+)\?/.exec(s)?.[1] ?? s), ['ol.js', 'features.js', '<script type="application/json" id="features-data">']);
    assert.doesNotMatch(html, /<img|<!--/);
    for (const tag of html.matchAll(/<[a-z](?:[^>"]|"[^"]*")*>/gi)) {
      const names = [...tag[0].replace(/"[^"]*"/g, '""').matchAll(/\s([^\s=>]+)(?==)/g)].map((m) => m[1]!.toLowerCase());
      assert.ok(names.every((n) => !n.startsWith('on') && /^[a-z-]+$/.test(n)), `attributes of ${tag[0]}: ${names.join(' ')}`);
    }
    assert.ok(!hrefs(html).some((h) => /^\s*javascript:/i.test(h)), 'no javascript: link');
    assert.match(html, /&lt;img src=x onerror=&quot;window.__pwned = 4&quot;&gt;/, 'the property name is shown, as text');
    assert.match(html, /<title>&lt;\/script&gt;&lt;script&gt;window.__pwned = 1&lt;\/script&gt;&quot; onmouseover=/);
    assert.match(html, /data-feature-id="&quot; onmouseover=&quot;window.__pwned = 2&quot; x=&quot;"/);
    const block = /<script type="application\/json" id="features-data">([^]*?)<\/script>/.exec(html)![1]!;
    assert.doesNotMatch(block, /[<>&\u2028\u2029]/);
    assert.deepEqual((JSON.parse(block) as { features: unknown[] }).features, docs.hostileItems.features, 'the data reads back unchanged');
    const nav = html.match(/<nav class="breadcrumb"[^]*?<\/nav>/)![0];
    for (const href of hrefs(nav)) {
      assert.equal(new URL(href).searchParams.get('MAP'), 'a"b<c>.yaml', 'the kept query is encoded, not pasted');
    }
  });

  test('a document with missing or wrong-typed members still renders', () => {
    for (const kind of ['landing', 'conformance', 'collections', 'collection', 'queryables', 'items', 'item'] as const) {
      for (const data of [null, 42, 'text', [], { links: 'no', features: {}, collections: [null, 1], properties: [], extent: { spatial: { bbox: [[1, 2]] } } }]) {
        assertWellFormed(render(kind, data));
      }
    }
    assert.match(render('items', { type: 'FeatureCollection', features: [] }), /<p>No features match\.<\/p>/);
  });
});

describe('jsonForScript', () => {
  test('escapes what could end or comment a script, and parses back to the same value', () => {
    const value = { a: '</script><!--', b: 'x & y > z', c: '\u2028\u2029', d: [1, null, true] };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('PageLinks', () => {
  test('keeps the query once (MAP compared without case), outside links untouched, only http(s) links', () => {
    const pl = new PageLinks(`${ROOT}?MAP=demo.yaml`, 'MAP=demo.yaml&extra=1');
    assert.equal(pl.page('/collections'), `${ROOT}/collections?MAP=demo.yaml&extra=1&f=html`);
    assert.equal(pl.link(`${ROOT}/collections?map=demo.yaml&f=json`), `${ROOT}/collections?map=demo.yaml&f=json&extra=1`);
    assert.equal(pl.link(`${ROOT}/collections?F=json`, true), `${ROOT}/collections?MAP=demo.yaml&extra=1&f=html`);
    assert.equal(pl.link('https://example.com/other?x=1'), 'https://example.com/other?x=1');
    assert.equal(pl.link('http://example.org/ows/ogcapiX/a'), 'http://example.org/ows/ogcapiX/a', 'not under the root');
    assert.equal(pl.link('javascript:alert(1)'), null);
    assert.equal(pl.link('data:text/html,<b>'), null);
    assert.equal(pl.pathOf(`${ROOT}/collections/a%2Fb/items`), '/collections/a%2Fb/items');
    assert.equal(pl.asset('ol.js', 'abc'), `${ROOT}/assets/ol.js?v=abc`);
    assert.equal(new PageLinks('/ogcapi', '').page('/conformance'), '/ogcapi/conformance?f=html', 'a relative root gives relative links');
  });
});
