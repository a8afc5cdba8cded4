/** Builders and pixel probes for the render tests. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Canvas } from 'canvas';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Feature, Geometry, RasterWindow } from '../../src/data/types.js';
import type { RasterLayerDef, RasterStyle, Symbol, VectorLayerDef, VectorStyle } from '../../src/project/model.js';
import type { RasterRenderLayer, VectorRenderLayer } from '../../src/render/types.js';

/** RGBA of one pixel. */
export function pixel(canvas: Canvas, x: number, y: number): [number, number, number, number] {
  const d = canvas.getContext('2d').getImageData(x, y, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!, d[3]!];
}

/** Asserts a pixel is within `tol` of a colour on every channel. */
export function assertPixel(canvas: Canvas, x: number, y: number, want: readonly number[], tol = 2, msg = ''): void {
  const got = pixel(canvas, x, y);
  const ok = want.every((v, i) => Math.abs(v - got[i]!) <= tol);
  assert.ok(ok, `${msg} pixel (${x},${y}) is ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

/** Number of pixels in a box whose alpha is above `minAlpha` and that differ from `background` (if given). */
export function countInk(canvas: Canvas, box: [number, number, number, number] = [0, 0, canvas.width, canvas.height], background?: readonly number[]): number {
  const [x0, y0, x1, y1] = box;
  const d = canvas.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (background) {
      if (Math.abs(d[i]! - background[0]!) + Math.abs(d[i + 1]! - background[1]!) + Math.abs(d[i + 2]! - background[2]!) > 30) n++;
    } else if (d[i + 3]! > 20) n++;
  }
  return n;
}

/** A symbol with defaults filled in. */
export function sym(over: Partial<Symbol> = {}): Symbol {
  return { strokeWidth: 1, dash: [], opacity: 1, marker: { shape: 'circle', size: 10 }, ...over };
}

/** A vector layer definition. */
export function vectorDef(name: string, geometryType: VectorLayerDef['geometryType'] = 'Geometry', over: Partial<VectorLayerDef> = {}): VectorLayerDef {
  return {
    kind: 'vector', name, title: name, abstract: '', keywords: [], source: { connection: '/dev/null' }, crs: 'EPSG:3857',
    extent: { crs: 'EPSG:3857', bbox: [0, 0, 100, 100], wgs84: [0, 0, 1, 1] }, services: ['WMS'],
    geometryType, fields: [], queryable: true, styles: [], editable: { insert: false, update: false, delete: false }, ...over,
  };
}

/** A raster layer definition. */
export function rasterDef(name: string, over: Partial<RasterLayerDef> = {}): RasterLayerDef {
  return {
    kind: 'raster', name, title: name, abstract: '', keywords: [], source: { connection: '/dev/null' }, crs: 'EPSG:3857',
    extent: { crs: 'EPSG:3857', bbox: [0, 0, 100, 100], wgs84: [0, 0, 1, 1] }, services: ['WMS'],
    bandCount: 1, queryable: false, styles: [], ...over,
  };
}

let nextId = 1;

/** A feature. */
export function feat(geometry: Geometry | null, attributes: Record<string, unknown> = {}): Feature {
  return { id: nextId++, attributes, geometry };
}

/** A square polygon [x0, y0]–[x1, y1] (map units). */
export function square(x0: number, y0: number, x1: number, y1: number): Geometry {
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

/** A vector render layer. */
export function vlayer(style: VectorStyle, features: VectorRenderLayer['features'], def = vectorDef('v'), opacity?: number): VectorRenderLayer {
  return { kind: 'vector', def, style, features, ...(opacity !== undefined ? { opacity } : {}) };
}

/** A raster render layer from one band of values (NaN = nodata). */
export function rlayer(style: RasterStyle, width: number, height: number, bands: number[][], opacity?: number): RasterRenderLayer {
  const data = bands.map((b) => Float64Array.from(b));
  const mask = new Uint8Array(width * height).map((_, i) => (Number.isNaN(data[0]![i]!) ? 0 : 1));
  const window: RasterWindow = { width, height, bands: data, mask, noData: bands.map(() => null) };
  return { kind: 'raster', def: rasterDef('r', { bandCount: bands.length }), style, window, ...(opacity !== undefined ? { opacity } : {}) };
}

/** Decodes a PNG. */
export function decodePng(buf: Buffer): PNG {
  return PNG.sync.read(buf);
}

const GOLDEN_DIR = fileURLToPath(new URL('../../../test/render/golden/', import.meta.url));

/**
 * Compares a PNG with test/render/golden/<name>.png (pixelmatch, threshold 0.1); at most
 * `maxDiffRatio` of the pixels may differ. UPDATE_GOLDEN=1 writes the golden instead.
 */
export function assertGolden(name: string, png: Buffer, maxDiffRatio = 0.005): void {
  const file = `${GOLDEN_DIR}${name}.png`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, png);
    return;
  }
  assert.ok(existsSync(file), `golden ${file} is missing; UPDATE_GOLDEN=1 writes it`);
  const want = PNG.sync.read(readFileSync(file));
  const got = PNG.sync.read(png);
  assert.equal(`${got.width}x${got.height}`, `${want.width}x${want.height}`, `${name}: size`);
  const diff = pixelmatch(got.data, want.data, undefined, got.width, got.height, { threshold: 0.1 });
  const ratio = diff / (got.width * got.height);
  assert.ok(ratio <= maxDiffRatio, `${name}: ${diff} pixels differ (${(ratio * 100).toFixed(2)}%); UPDATE_GOLDEN=1 rewrites the golden`);
}
