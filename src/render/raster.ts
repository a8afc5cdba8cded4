/**
 * Raster styles: a window of band values on the output grid becomes RGBA pixels. Grey stretches one
 * band between min and max (default: the window's own data range), RGB(A) takes 8-bit bands as they
 * are, a colour ramp maps one band through stops (linear interpolation, or discrete classes).
 * Masked (nodata) and NaN pixels are transparent; layer opacity scales alpha.
 */
import { createCanvas, ImageData, type Canvas } from 'canvas';
import type { RasterWindow } from '../data/types.js';
import type { RasterStyle } from '../project/model.js';
import { colorOrDefault, type Rgba } from './color.js';

/** Source bands (1-based) a raster style reads; ask the data layer for these. */
export function rasterStyleBands(style: RasterStyle): number[] {
  switch (style.type) {
    case 'gray':
    case 'ramp':
      return [style.band];
    case 'rgb':
      return [...style.bands];
  }
}

/** Renders a raster window with a style into a canvas of the window's size. */
export function rasterToCanvas(window: RasterWindow, style: RasterStyle, opacity = 1, bands?: readonly number[]): Canvas {
  const { width, height } = window;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const band = (n: number): Float64Array | undefined => {
    const i = bands ? bands.indexOf(n) : n - 1;
    return i >= 0 ? window.bands[i] : undefined;
  };
  const alpha = Math.max(0, Math.min(1, opacity));
  switch (style.type) {
    case 'gray':
      gray(window, band(style.band), style.min, style.max, alpha, rgba);
      break;
    case 'rgb':
      rgb(window, style.bands.map(band), alpha, rgba);
      break;
    case 'ramp':
      ramp(window, band(style.band), style, alpha, rgba);
      break;
  }
  const canvas = createCanvas(width, height);
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas;
}

function valid(window: RasterWindow, i: number, v: number): boolean {
  return window.mask[i] !== 0 && v === v;
}

function gray(window: RasterWindow, data: Float64Array | undefined, min: number | undefined, max: number | undefined, alpha: number, out: Uint8ClampedArray): void {
  if (!data) return;
  let lo = min;
  let hi = max;
  if (lo === undefined || hi === undefined) {
    let dmin = Infinity;
    let dmax = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!valid(window, i, v)) continue;
      if (v < dmin) dmin = v;
      if (v > dmax) dmax = v;
    }
    lo ??= dmin;
    hi ??= dmax;
  }
  const span = hi - lo;
  const a = Math.round(alpha * 255);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!valid(window, i, v)) continue;
    const g = span > 0 ? ((v - lo) / span) * 255 : v >= hi ? 255 : 0;
    const o = i * 4;
    out[o] = out[o + 1] = out[o + 2] = g;
    out[o + 3] = a;
  }
}

function rgb(window: RasterWindow, bands: Array<Float64Array | undefined>, alpha: number, out: Uint8ClampedArray): void {
  const [r, g, b, a] = bands;
  if (!r || !g || !b) return;
  for (let i = 0; i < r.length; i++) {
    const rv = r[i]!;
    if (!valid(window, i, rv)) continue;
    const o = i * 4;
    out[o] = rv;
    out[o + 1] = g[i]!;
    out[o + 2] = b[i]!;
    out[o + 3] = (a ? a[i]! : 255) * alpha;
  }
}

function ramp(window: RasterWindow, data: Float64Array | undefined, style: Extract<RasterStyle, { type: 'ramp' }>, alpha: number, out: Uint8ClampedArray): void {
  if (!data || style.stops.length === 0) return;
  const stops = [...style.stops].sort((p, q) => p.value - q.value);
  const values = Float64Array.from(stops, (s) => s.value);
  const colors: Rgba[] = stops.map((s) => colorOrDefault(s.color));
  const linear = style.interpolation === 'linear';
  const last = stops.length - 1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!valid(window, i, v)) continue;
    const o = i * 4;
    // first stop whose value is >= v (binary search)
    let lo = 0;
    let hi = last + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    let c: Rgba;
    if (lo > last) c = colors[last]!;
    else if (!linear || lo === 0 || values[lo] === v) c = colors[lo]!;
    else {
      const t = (v - values[lo - 1]!) / (values[lo]! - values[lo - 1]!);
      const c0 = colors[lo - 1]!;
      const c1 = colors[lo]!;
      out[o] = c0[0] + (c1[0] - c0[0]) * t;
      out[o + 1] = c0[1] + (c1[1] - c0[1]) * t;
      out[o + 2] = c0[2] + (c1[2] - c0[2]) * t;
      out[o + 3] = (c0[3] + (c1[3] - c0[3]) * t) * alpha;
      continue;
    }
    out[o] = c[0];
    out[o + 1] = c[1];
    out[o + 2] = c[2];
    out[o + 3] = c[3] * alpha;
  }
}
