import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCanvas, loadImage, type Canvas } from 'canvas';
import {
  closeEncoders, contentTypeOf, encodeImage, normalizeImageFormat, supportedImageFormats, warmUpEncoders, webpSupported,
} from '../../src/render/encode.js';
import { decodePng } from './helpers.js';

/** A canvas with a gradient (thousands of colours), a red square and a transparent corner. */
function sample(width = 256, height = 256): Canvas {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#ffcc00');
  g.addColorStop(1, '#0033aa');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(10, 10, 40, 40);
  ctx.clearRect(width - 20, height - 20, 20, 20);
  return c;
}

/** PNG colour type (IHDR byte 9) and palette size (PLTE length / 3, 0 without). */
function pngInfo(buf: Buffer): { colorType: number; paletteSize: number } {
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG');
  const colorType = buf[25]!;
  let paletteSize = 0;
  for (let off = 8; off < buf.length;) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    if (type === 'PLTE') paletteSize = len / 3;
    off += len + 12;
  }
  return { colorType, paletteSize };
}

after(() => closeEncoders());

describe('image encoding', () => {
  it('round-trips PNG with alpha', async () => {
    const png = await encodeImage(sample(), 'image/png');
    const img = decodePng(png);
    assert.equal(img.width, 256);
    assert.equal(img.height, 256);
    const at = (x: number, y: number): number[] => [...img.data.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 4)];
    assert.deepEqual(at(20, 20), [255, 0, 0, 255]);
    assert.equal(at(250, 250)[3], 0, 'transparent corner');
    assert.equal(pngInfo(png).colorType, 6, 'RGBA');
  });

  it('writes 8-bit PNG as a palette image of at most 256 colours (on a worker thread)', async () => {
    const png = await encodeImage(sample(), 'image/png; mode=8bit');
    const { colorType, paletteSize } = pngInfo(png);
    assert.equal(colorType, 3, 'palette colour type');
    assert.ok(paletteSize > 16 && paletteSize <= 256, `palette of ${paletteSize}`);
    const img = decodePng(png);
    const at = (x: number, y: number): number[] => [...img.data.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 4)];
    const red = at(20, 20);
    assert.ok(red[0]! > 240 && red[1]! < 15 && red[2]! < 15 && red[3] === 255, `red stays red: ${red}`);
    assert.equal(at(250, 250)[3], 0, 'transparency is kept (tRNS)');
    const grad = at(128, 200);
    assert.ok(grad[3] === 255, 'gradient opaque');
  });

  it('keeps exact colours when an image has 256 or fewer', async () => {
    const c = createCanvas(80, 80);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#123456';
    ctx.fillRect(0, 0, 80, 40);
    ctx.fillStyle = '#abcdef';
    ctx.fillRect(0, 40, 80, 40);
    const png = await encodeImage(c, 'image/png; mode=8bit');
    assert.equal(pngInfo(png).colorType, 3);
    const img = decodePng(png);
    assert.deepEqual([...img.data.subarray(0, 4)], [0x12, 0x34, 0x56, 255]);
    assert.deepEqual([...img.data.subarray(79 * 80 * 4, 79 * 80 * 4 + 4)], [0xab, 0xcd, 0xef, 255]);
  });

  it('warms the worker pool up', async () => {
    await warmUpEncoders();
    assert.equal(pngInfo(await encodeImage(sample(), 'image/png; mode=8bit')).colorType, 3);
  });

  it('encodes small 8-bit images inline and many at once through the pool', async () => {
    const small = await encodeImage(sample(16, 16), 'image/png; mode=8bit');
    assert.equal(pngInfo(small).colorType, 3);
    const many = await Promise.all(Array.from({ length: 6 }, () => encodeImage(sample(128, 128), 'image/png; mode=8bit')));
    for (const png of many) assert.equal(decodePng(png).width, 128);
  });

  it('writes JPEG that decodes, transparent areas on white', async () => {
    const jpg = await encodeImage(sample(), 'image/jpeg', { quality: 90 });
    assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const img = await loadImage(jpg);
    assert.equal(img.width, 256);
    const c = createCanvas(256, 256);
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const red = ctx.getImageData(30, 30, 1, 1).data;
    assert.ok(red[0]! > 230 && red[1]! < 30, `red: ${[...red]}`);
    const corner = ctx.getImageData(250, 250, 1, 1).data;
    assert.ok(corner[0]! > 240 && corner[1]! > 240 && corner[2]! > 240, `white corner: ${[...corner]}`);
    const low = await encodeImage(sample(), 'image/jpeg', { quality: 10 });
    assert.ok(low.length < jpg.length, 'quality lowers the size');
  });

  it('offers WebP only when the canvas build writes it', async () => {
    const formats = supportedImageFormats();
    assert.deepEqual(formats.slice(0, 3), ['image/png', 'image/png; mode=8bit', 'image/jpeg']);
    assert.equal(formats.includes('image/webp'), webpSupported());
    if (webpSupported()) {
      const webp = await encodeImage(sample(), 'image/webp');
      assert.equal(webp.subarray(0, 4).toString('latin1'), 'RIFF');
    } else {
      assert.equal(normalizeImageFormat('image/webp'), null);
      await assert.rejects(encodeImage(sample(), 'image/webp'), (e: Error & { code?: string }) => e.code === 'InvalidFormat');
    }
  });

  it('normalizes FORMAT spellings', () => {
    assert.equal(normalizeImageFormat('image/png'), 'image/png');
    assert.equal(normalizeImageFormat('PNG'), 'image/png');
    assert.equal(normalizeImageFormat('image/png; mode=8bit'), 'image/png; mode=8bit');
    assert.equal(normalizeImageFormat('image/png;mode=8bit'), 'image/png; mode=8bit');
    assert.equal(normalizeImageFormat('image/png8'), 'image/png; mode=8bit');
    assert.equal(normalizeImageFormat('image/jpg'), 'image/jpeg');
    assert.equal(normalizeImageFormat('JPEG'), 'image/jpeg');
    assert.equal(normalizeImageFormat('image/gif'), null);
    assert.equal(contentTypeOf('image/png; mode=8bit'), 'image/png');
  });
});
