import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { ROOT, call, testServer } from '../../support/server.js';
import type { ServerCacheFilterLike } from '../../../src/filters/cache.js';
import { png, pixel, wmsServer, xmlObject } from './support.js';

type Json = Record<string, any>;
const LEGEND = '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&SLD_VERSION=1.1.0';

/** Whether an image has a pixel of this opaque colour. */
function hasColor(img: PNG, rgb: [number, number, number]): boolean {
  for (let i = 0; i < img.data.length; i += 4) {
    if (img.data[i] === rgb[0] && img.data[i + 1] === rgb[1] && img.data[i + 2] === rgb[2] && img.data[i + 3] === 255) return true;
  }
  return false;
}

function exception(body: string): { code: string; locator?: string } {
  const e = xmlObject(body).ServiceExceptionReport.ServiceException;
  return { code: e['@code'], ...(e['@locator'] ? { locator: e['@locator'] } : {}) };
}

const EUROPE: [number, number, number] = [0x8d, 0xd3, 0xc7];
const AFRICA: [number, number, number] = [0xfb, 0x80, 0x72];

describe('GetLegendGraphic as PNG', () => {
  const { server } = wmsServer();

  test('a layer: a PNG with a row per category in their colours, on white', async () => {
    const r = await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/png`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['Content-Type'], 'image/png');
    const img = png(r.response.body());
    assert.ok(hasColor(img, EUROPE) && hasColor(img, AFRICA));
    assert.deepEqual(pixel(img, 0, 0), [255, 255, 255, 255]);
    assert.ok(img.height > 5 * 14, 'a title and five entries');
  });

  test('STYLE picks the style; an unknown one is StyleNotDefined', async () => {
    const outline = png((await call(server, `${LEGEND}&LAYER=countries&STYLE=outline&FORMAT=image/png`)).response.body());
    assert.ok(!hasColor(outline, EUROPE));
    const bad = await call(server, `${LEGEND}&LAYER=countries&STYLE=nope&FORMAT=image/png`);
    assert.equal(bad.status, 400);
    assert.deepEqual(exception(bad.body), { code: 'StyleNotDefined', locator: 'STYLE' });
  });

  test('TRANSPARENT, LAYERTITLE, RULELABEL, ITEMFONTSIZE and SYMBOLWIDTH change the image', async () => {
    const size = async (extra: string) => {
      const img = png((await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/png${extra}`)).response.body());
      return { w: img.width, h: img.height, corner: pixel(img, 0, 0)[3] };
    };
    const base = await size('');
    assert.equal((await size('&TRANSPARENT=TRUE')).corner, 0);
    assert.ok((await size('&LAYERTITLE=FALSE')).h < base.h);
    assert.ok((await size('&RULELABEL=FALSE')).w < base.w);
    assert.ok((await size('&ITEMFONTSIZE=20')).h > base.h);
    assert.equal((await size('&SYMBOLWIDTH=14')).w, base.w + 25, '7 mm more of icon is 25 px more');
  });

  test('RULE: the icon of one entry at WIDTH × HEIGHT', async () => {
    const r = await call(server, `${LEGEND}&LAYER=cities&STYLE=capitals&RULE=capital&WIDTH=30&HEIGHT=20&FORMAT=image/png`);
    assert.equal(r.status, 200, r.body);
    const img = png(r.response.body());
    assert.deepEqual([img.width, img.height], [30, 20]);
    assert.ok(hasColor(img, [0xde, 0x2d, 0x26]), 'the red star');
    const byLabel = png((await call(server, `${LEGEND}&LAYER=countries&RULE=Africa&FORMAT=image/png`)).response.body());
    assert.deepEqual([byLabel.width, byLabel.height], [25, 14], 'default icon size: 7 × 4 mm');
    assert.ok(hasColor(byLabel, AFRICA));
    const unknown = await call(server, `${LEGEND}&LAYER=countries&RULE=Oceania&FORMAT=image/png`);
    assert.deepEqual(exception(unknown.body), { code: 'InvalidParameterValue', locator: 'RULE' });
    const json = await call(server, `${LEGEND}&LAYER=countries&RULE=Africa&FORMAT=application/json`);
    assert.deepEqual(exception(json.body), { code: 'InvalidParameterValue', locator: 'RULE' });
  });

  test('errors: FORMAT, LAYER', async () => {
    const gif = await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/gif`);
    assert.equal(gif.status, 400);
    assert.deepEqual(exception(gif.body), { code: 'InvalidFormat', locator: 'FORMAT' });
    assert.deepEqual(exception((await call(server, `${LEGEND}&FORMAT=image/png`)).body), { code: 'MissingParameterValue', locator: 'LAYER' });
    assert.deepEqual(exception((await call(server, `${LEGEND}&LAYER=nope&FORMAT=image/png`)).body).code, 'LayerNotDefined');
  });

  test('WMS 1.1.1 and LAYERS spelt in the plural work too', async () => {
    const r = await call(server, '/?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetLegendGraphic&LAYERS=cities&FORMAT=image/png');
    assert.equal(r.status, 200, r.body);
  });
});

describe('GetLegendGraphic as JSON (QGIS format)', () => {
  const { server } = wmsServer();
  const get = async (q: string) => {
    const r = await call(server, `${LEGEND}&FORMAT=application/json&${q}`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers['Content-Type'], 'application/json; charset=utf-8');
    return JSON.parse(r.body) as Json;
  };
  const strip = (n: Json): Json => Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'icon').map(([k, v]) => [k, Array.isArray(v) ? v.map(strip) : v]));

  test('a layer lists its symbols with base64 PNG icons', async () => {
    const doc = await get('LAYER=countries');
    assert.deepEqual(strip(doc), {
      nodes: [{ type: 'layer', title: 'Countries', symbols: [{ title: 'Europe' }, { title: 'Asia' }, { title: 'Africa' }, { title: 'South America' }, { title: '' }] }],
      title: '',
    });
    const icon = PNG.sync.read(Buffer.from(doc.nodes[0].symbols[0].icon, 'base64'));
    assert.ok(hasColor(icon, EUROPE));
  });

  test('a group gives a node per layer; ADDLAYERGROUPS nests them in a group node', async () => {
    const flat = strip(await get('LAYER=world,relief'));
    assert.deepEqual(flat.nodes.map((n: Json) => [n.type, n.title]), [['layer', 'Countries'], ['layer', 'Cities'], ['layer', 'Relief']]);
    assert.deepEqual(flat.nodes[2].symbols.map((s: Json) => s.title), ['deep', 'sea level', '1', 'high']);
    const nested = strip(await get('LAYER=world&ADDLAYERGROUPS=TRUE'));
    assert.equal(nested.nodes.length, 1);
    assert.deepEqual([nested.nodes[0].type, nested.nodes[0].title], ['group', 'World']);
    assert.deepEqual(nested.nodes[0].nodes.map((n: Json) => n.title), ['Countries', 'Cities']);
  });

  test('SHOWRULEDETAILS adds each entry\'s rule', async () => {
    const doc = strip(await get('LAYER=cities&STYLE=capitals&SHOWRULEDETAILS=TRUE'));
    assert.deepEqual(doc.nodes[0].symbols, [{ title: 'Capital', rule: `"role" = 'capital'` }, { title: 'Other city', rule: 'ELSE' }]);
  });
});

describe('GetLegendGraphic SCALE', () => {
  let dir: string;
  let server: Parameters<typeof call>[0];
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ows-legend-'));
    const cities = path.join(ROOT, 'test/fixtures/projects/data/cities.geojson');
    writeFileSync(path.join(dir, 'project.yaml'), [
      'layers:',
      '  - name: ruled',
      `    source: ${cities}`,
      '    style:',
      '      type: rules',
      '      rules:',
      "        - { name: always, fill: '#ff0000' }",
      "        - { name: near, fill: '#0000ff', maxScale: 100000 }",
      "        - { name: far, fill: '#00ff00', minScale: 100000 }",
      '  - name: near_only',
      `    source: ${cities}`,
      '    maxScale: 50000',
      '',
    ].join('\n'));
    ({ server } = testServer({ projectFile: path.join(dir, 'project.yaml') }, { coreServices: true }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const titles = async (q: string) => {
    const r = await call(server, `${LEGEND}&FORMAT=application/json&${q}`);
    assert.equal(r.status, 200, r.body);
    return (JSON.parse(r.body) as Json).nodes.map((n: Json) => [n.title, (n.symbols ?? [n]).map((s: Json) => s.title)]);
  };

  test('only the rules and layers visible at SCALE, as QGIS filters its legend', async () => {
    assert.deepEqual(await titles('LAYER=ruled,near_only'), [['ruled', ['always', 'near', 'far']], ['near_only', ['near_only']]]);
    assert.deepEqual(await titles('LAYER=ruled,near_only&SCALE=10000'), [['ruled', ['always', 'near']], ['near_only', ['near_only']]]);
    assert.deepEqual(await titles('LAYER=ruled,near_only&SCALE=1000000'), [['ruled', ['always', 'far']]]);
  });
});

describe('GetLegendGraphic and access control, and the cache', () => {
  test('a hidden layer does not exist; a group shows only what may be read', async () => {
    const { server } = wmsServer([{ layerPermissions: (l) => ({ canRead: l.name() !== 'cities' && l.name() !== 'secret' }), cacheKey: () => 'k' }]);
    for (const layer of ['secret', 'cities']) {
      const r = await call(server, `${LEGEND}&LAYER=${layer}&FORMAT=image/png`);
      assert.equal(r.status, 400);
      assert.equal(exception(r.body).code, 'LayerNotDefined');
      assert.match(r.body, new RegExp(`The layer '${layer}' does not exist`));
    }
    const world = JSON.parse((await call(server, `${LEGEND}&LAYER=world&FORMAT=application/json`)).body) as Json;
    assert.deepEqual(world.nodes.map((n: Json) => n.title), ['Countries']);
  });

  test('PNG legends go through the cache manager as images, keyed with the access-control key', async () => {
    const images = new Map<string, Buffer>();
    const keys: string[] = [];
    const spy: ServerCacheFilterLike = {
      getCachedImage: (_p, _r, key) => images.get(key) ?? null,
      setCachedImage: (img, _p, _r, key) => {
        keys.push(key);
        images.set(key, img);
        return true;
      },
    };
    let role = 'a';
    const { server, iface } = wmsServer([{ cacheKey: () => `role-${role}` }]);
    iface.registerServerCache(spy, 0);
    const first = await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/png`);
    assert.equal(keys.length, 1);
    assert.match(keys[0]!, /role-a/);
    // A cached image is served as is: poison the entry to see it come back.
    images.set(keys[0]!, Buffer.from('cached'));
    const second = await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/png`);
    assert.equal(second.body, 'cached');
    assert.equal(second.headers['Content-Type'], 'image/png');
    role = 'b';
    const third = await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/png`);
    assert.ok(third.response.body().equals(first.response.body()), 'another role: rendered again');
    assert.equal(keys.length, 2);
    await call(server, `${LEGEND}&LAYER=countries&FORMAT=application/json`);
    assert.equal(keys.length, 2, 'JSON legends are not images');
  });

  test('access control is asked before the cache: a hidden layer is never served from it', async () => {
    const { server, iface } = wmsServer([{ layerPermissions: (l) => ({ canRead: l.name() !== 'secret' }), cacheKey: () => 'same' }]);
    iface.registerServerCache({ getCachedImage: () => Buffer.from('stale'), setCachedImage: () => true }, 0);
    const r = await call(server, `${LEGEND}&LAYER=secret&FORMAT=image/png`);
    assert.equal(r.status, 400);
    assert.equal(exception(r.body).code, 'LayerNotDefined');
    assert.equal((await call(server, `${LEGEND}&LAYER=countries&FORMAT=image/png`)).body, 'stale');
  });
});
