import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCanvas, loadImage } from 'canvas';
import { PNG } from 'pngjs';
import { EXAMPLES, ROOT, call, testServer } from '../support/server.js';
import type { Server } from '../../src/server/server.js';

const PROJECT = path.join(ROOT, 'test/fixtures/projects/project.yaml');
const getMap = (layers = 'relief,countries') => `/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${layers}&STYLES=&CRS=EPSG:4326&BBOX=-90,-180,90,180&WIDTH=256&HEIGHT=128`;
const GETMAP = getMap();

let dir: string;
let plain: Server;
let marked: Server;

before(async () => {
  // Only the watermark example on the plugin path (the others would change the map).
  dir = mkdtempSync(path.join(tmpdir(), 'ows-watermark-'));
  symlinkSync(path.join(EXAMPLES, 'watermark'), path.join(dir, 'watermark'));
  ({ server: plain } = testServer({ projectFile: PROJECT }, { coreServices: true }));
  ({ server: marked } = testServer({ projectFile: PROJECT, pluginPaths: [dir] }, { coreServices: true }));
  const loaded = await marked.ready();
  assert.deepEqual(loaded.map((p) => p.name), ['Watermark']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** RGBA pixels of an encoded image (PNG or JPEG). */
async function pixels(body: Buffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(body);
  const canvas = createCanvas(img.width, img.height);
  canvas.getContext('2d').drawImage(img, 0, 0);
  return canvas.getContext('2d').getImageData(0, 0, img.width, img.height);
}
const at = (img: { width: number; data: Uint8Array | Uint8ClampedArray }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
const inMark = (x: number, y: number) => x >= 20 && x < 60 && y >= 20 && y < 60;

describe('the watermark example plugin', () => {
  test('PNG: the mark is drawn at (20, 20, 40, 40); every other pixel is unchanged', async () => {
    const a = await call(plain, `${GETMAP}&FORMAT=image/png`);
    const b = await call(marked, `${GETMAP}&FORMAT=image/png`);
    assert.equal(b.status, 200, b.body.slice(0, 300));
    assert.equal(b.headers['Content-Type'], 'image/png');
    const pa = PNG.sync.read(a.response.body());
    const pb = PNG.sync.read(b.response.body());
    assert.deepEqual([pb.width, pb.height], [256, 128]);
    const before = at(pa, 30, 30);
    const after = at(pb, 30, 30);
    assert.notDeepEqual(after, before);
    assert.ok(after[2]! > after[0]! + 40, `the mark is blue: ${after}`);
    let changedOutside = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 256; x++) if (!inMark(x, y) && at(pa, x, y).join() !== at(pb, x, y).join()) changedOutside++;
    }
    assert.equal(changedOutside, 0);
  });

  test('a transparent PNG keeps its transparency outside the mark', async () => {
    const b = PNG.sync.read((await call(marked, `${getMap('countries')}&FORMAT=image/png&TRANSPARENT=TRUE`)).response.body());
    assert.equal(at(b, 128, 64)[3], 0, 'the Gulf of Guinea stays transparent');
    assert.ok(at(b, 30, 30)[3]! > 200, 'the mark (85 % opaque) is drawn over the transparent ocean');
  });

  test('JPEG is encoded again as JPEG, with the mark', async () => {
    const a = await call(plain, `${GETMAP}&FORMAT=image/jpeg`);
    const b = await call(marked, `${GETMAP}&FORMAT=image/jpeg`);
    assert.equal(b.headers['Content-Type'], 'image/jpeg');
    assert.deepEqual([...b.response.body().subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const pa = await pixels(a.response.body());
    const pb = await pixels(b.response.body());
    const before = at(pa, 30, 30);
    const after = at(pb, 30, 30);
    assert.ok(Math.abs(after[2]! - before[2]!) + Math.abs(after[0]! - before[0]!) > 60, `${before} → ${after}`);
    let diff = 0;
    let n = 0;
    for (let y = 70; y < 128; y++) {
      for (let x = 70; x < 256; x++, n++) for (let c = 0; c < 3; c++) diff += Math.abs(at(pa, x, y)[c]! - at(pb, x, y)[c]!);
    }
    assert.ok(diff / (n * 3) < 3, `far from the mark, only JPEG noise (${(diff / (n * 3)).toFixed(2)})`);
  });

  test('exceptions, other requests and other services are left alone', async () => {
    const bad = await call(marked, `${getMap('nope')}&FORMAT=image/png`);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /LayerNotDefined/);
    const caps = await call(marked, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities');
    const capsPlain = await call(plain, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities');
    assert.equal(caps.body, capsPlain.body);
    const legend = await call(marked, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=countries&FORMAT=image/png');
    const legendPlain = await call(plain, '/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=countries&FORMAT=image/png');
    assert.ok(legend.response.body().equals(legendPlain.response.body()));
  });
});
