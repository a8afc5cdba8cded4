/**
 * The HTML pages in a real browser (Debian's Chromium through playwright-core), served over real HTTP by the
 * test project's server: the items page draws its features on the map (checked by screenshot pixels), a click on
 * a feature opens its page, hostile data stays text, and the landing page's map preview draws the WMS image.
 * Every page must load with no console error, no page error, no failed request and no request leaving loopback.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import UPNG from 'upng-js';
import { serveOverHttp, type HttpWms } from '../../clients/support.js';
import { wfsServer } from '../../services/wfs/support.js';

const CHROMIUM = '/usr/bin/chromium';
/** The map's background (.map in the page style) and the features' stroke (page script). */
const BACKGROUND: Rgb = [0xe8, 0xee, 0xf3];
const STROKE: Rgb = [0x31, 0x82, 0xbd];
/** The fill, rgba(49, 130, 189, 0.3), over the background. */
const FILL: Rgb = [177, 206, 227];

type Rgb = [number, number, number];

/** An opened page and what went wrong while it loaded and ran. */
interface Opened {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/** The pixels of a screenshot of an element, as RGBA. */
interface Shot {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const near = (rgba: Uint8Array, i: number, c: Rgb, tolerance: number) =>
  Math.abs(rgba[i]! - c[0]) <= tolerance && Math.abs(rgba[i + 1]! - c[1]) <= tolerance && Math.abs(rgba[i + 2]! - c[2]) <= tolerance;

/** Counts the pixels near a colour, and the box they span. */
function census(shot: Shot, colour: Rgb, tolerance: number): { count: number; box: [number, number, number, number] } {
  let count = 0;
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < shot.height; y++) {
    for (let x = 0; x < shot.width; x++) {
      if (!near(shot.rgba, (y * shot.width + x) * 4, colour, tolerance)) continue;
      count++;
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    }
  }
  return { count, box };
}

describe('HTML pages in a browser', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`, timeout: 180_000 }, () => {
  let browser: Browser;
  let http: HttpWms;
  let hostile: { dir: string; http: HttpWms } | undefined;

  before(async () => {
    http = await serveOverHttp(wfsServer());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await http?.close();
    if (hostile) {
      await hostile.http.close();
      await rm(hostile.dir, { recursive: true, force: true });
    }
  });

  /** Opens a URL in a fresh context; requests that would leave loopback are aborted and reported. */
  async function open(url: string): Promise<Opened> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    context.setDefaultTimeout(20_000);
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      const target = new URL(route.request().url());
      if (target.protocol.startsWith('http') && target.hostname !== '127.0.0.1') {
        problems.push(`request outside loopback: ${target.href}`);
        return route.abort();
      }
      return route.continue();
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'networkidle', timeout: 30_000 });
    return { context, page, problems };
  }

  /** A screenshot of the map element. */
  async function mapShot(page: Page, selector = '.map'): Promise<Shot> {
    const png = await page.locator(selector).screenshot({ timeout: 10_000 });
    const img = UPNG.decode(png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer);
    return { width: img.width, height: img.height, rgba: new Uint8Array(UPNG.toRGBA8(img)[0]!) };
  }

  /** Takes screenshots until `ok` holds (maps draw on animation frames, WMS images arrive later), at most 15 s. */
  async function until(page: Page, ok: (shot: Shot) => boolean, selector = '.map'): Promise<Shot> {
    const deadline = Date.now() + 15_000;
    let shot = await mapShot(page, selector);
    while (!ok(shot) && Date.now() < deadline) {
      await page.waitForTimeout(200);
      shot = await mapShot(page, selector);
    }
    return shot;
  }

  test('the items page draws the countries on its map, fitted to them, offline, without errors', async () => {
    const { context, page, problems } = await open(`${http.url}ogcapi/collections/countries/items?f=html&MAP=project.yaml`);
    try {
      assert.equal(await page.locator('td[data-feature-id]').count(), 7);
      assert.equal(await page.locator('.map canvas').count() > 0, true, 'OpenLayers made its canvas');
      const shot = await until(page, (s) => census(s, STROKE, 40).count > 300);
      const stroke = census(shot, STROKE, 40);
      const fill = census(shot, FILL, 12);
      const background = census(shot, BACKGROUND, 3);
      assert.ok(stroke.count > 300, `feature outlines drawn (${stroke.count} px)`);
      assert.ok(fill.count > 2000, `feature fills drawn (${fill.count} px)`);
      assert.ok(background.count > shot.width * shot.height * 0.3, 'a plain background, no tiles');
      const [x0, y0, x1, y1] = stroke.box;
      assert.ok(x1 - x0 > shot.width * 0.8 || y1 - y0 > shot.height * 0.8, `the view fits the features (they span ${x0}..${x1} × ${y0}..${y1} of ${shot.width} × ${shot.height})`);
      assert.deepEqual(await page.locator('.map-status').isHidden(), true);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('coordinates in EPSG:4326 (latitude first) and EPSG:3857 (Part 2) are drawn where the CRS84 ones are', async () => {
    const outline = async (query: string) => {
      const { context, page, problems } = await open(`${http.url}ogcapi/collections/countries/items?f=html&MAP=project.yaml${query}`);
      try {
        const shot = await until(page, (s) => census(s, STROKE, 40).count > 300);
        assert.deepEqual(problems, [], query);
        return census(shot, STROKE, 40);
      } finally {
        await context.close();
      }
    };
    const crs84 = await outline('');
    for (const code of ['4326', '3857']) {
      const other = await outline(`&crs=${encodeURIComponent(`http://www.opengis.net/def/crs/EPSG/0/${code}`)}`);
      assert.ok(Math.abs(other.count - crs84.count) < crs84.count * 0.05, `EPSG:${code}: as many outline pixels (${other.count} vs ${crs84.count})`);
      other.box.forEach((v, i) => assert.ok(Math.abs(v - crs84.box[i]!) <= 3, `EPSG:${code}: the same place (${other.box} vs ${crs84.box})`));
    }
  });

  test('a click on a feature of the map opens its item page, which maps it', async () => {
    const { context, page, problems } = await open(`${http.url}ogcapi/collections/countries/items?f=html&MAP=project.yaml`);
    try {
      const shot = await until(page, (s) => census(s, FILL, 12).count > 2000);
      let at: [number, number] | null = null;
      // A fill pixel with fill all around it: inside a country, away from its outline.
      for (let y = 5; y < shot.height - 5 && !at; y++) {
        for (let x = 5; x < shot.width - 5 && !at; x++) {
          if ([[0, 0], [-4, 0], [4, 0], [0, -4], [0, 4]].every(([dx, dy]) => near(shot.rgba, ((y + dy!) * shot.width + x + dx!) * 4, FILL, 12))) at = [x, y];
        }
      }
      assert.ok(at, 'a point inside a country');
      const box = (await page.locator('.map').boundingBox())!;
      await Promise.all([page.waitForURL(/\/collections\/countries\/items\/[A-Z]{3}\?/, { timeout: 15_000 }), page.mouse.click(box.x + at[0], box.y + at[1])]);
      assert.equal(new URL(page.url()).searchParams.get('MAP'), 'project.yaml');
      await page.waitForLoadState('networkidle');
      const item = await until(page, (s) => census(s, STROKE, 40).count > 100);
      assert.ok(census(item, STROKE, 40).count > 100, 'the item page draws its feature');
      assert.equal(await page.locator('th[scope=row]', { hasText: 'iso_a3' }).count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('hostile titles, ids and values served by the server stay text in the browser', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ows-html-hostile-'));
    const evil = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const id = `" onmouseover="window.__pwned = 3" '`;
    await writeFile(path.join(dir, 'evil.geojson'), JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { code: id, note: evil }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [20, 0], [20, 20], [0, 20], [0, 0]]] } }],
    }));
    await writeFile(path.join(dir, 'evil.yaml'), `service:\n  title: ${JSON.stringify(evil)}\nlayers:\n  - name: evil\n    title: ${JSON.stringify(evil)}\n` +
      `    source: evil.geojson\n    idField: code\n`);
    hostile = { dir, http: await serveOverHttp(wfsServer([], { projectFile: path.join(dir, 'evil.yaml') })) };
    for (const p of ['ogcapi/collections/evil/items?f=html', `ogcapi/collections/evil/items/${encodeURIComponent(id)}?f=html`, 'ogcapi/collections?f=html', 'ogcapi?f=html', 'ogcapi/map']) {
      const { context, page, problems } = await open(hostile.http.url + p);
      try {
        assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined, p);
        assert.equal(await page.locator('img').count(), 0, p);
        assert.equal(await page.locator('script:not([src]):not([type="application/json"])').count(), 0, p);
        if (p.includes('items')) {
          assert.ok((await page.locator('main').innerText()).includes(evil), `${p}: the value is shown as text`);
          await until(page, (s) => census(s, STROKE, 40).count > 100);
          assert.ok(census(await mapShot(page), STROKE, 40).count > 100, `${p}: the hostile feature is drawn (its data block parsed)`);
        }
        assert.deepEqual(problems, [], p);
      } finally {
        await context.close();
      }
    }
  });

  test('the landing page\'s map preview draws the project\'s WMS, and its layer list switches layers', async () => {
    let previewUrl = '';
    {
      const { context, page, problems } = await open(`${http.url}?f=html`);
      try {
        const row = page.locator('tr', { has: page.locator('code', { hasText: /^project\.yaml$/ }) });
        previewUrl = (await row.locator('a', { hasText: 'Map preview' }).getAttribute('href'))!;
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
    assert.equal(previewUrl, `${http.url}ogcapi/map?MAP=project.yaml`);
    const { context, page, problems } = await open(previewUrl);
    try {
      const drawn = (s: Shot) => census(s, BACKGROUND, 3).count < s.width * s.height * 0.1;
      const shot = await until(page, drawn);
      assert.ok(drawn(shot), `the WMS image covers the map (${census(shot, BACKGROUND, 3).count} background px of ${shot.width * shot.height})`);
      const boxes = page.locator('#layers input[type=checkbox]');
      assert.deepEqual(await boxes.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)), ['relief', 'world', 'secret']);
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('REQUEST=GetMap') && r.url().includes('LAYERS=world%2Csecret')),
        boxes.first().uncheck(),
      ]);
      const without = await until(page, (s) => !drawn(s));
      const bg = census(without, BACKGROUND, 3).count;
      assert.ok(bg > without.width * without.height * 0.5, `without the relief the background shows (${bg} px)`);
      assert.ok(census(without, [0x8d, 0xd3, 0xc7], 10).count > 20, 'the European countries are drawn in their style colour');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
