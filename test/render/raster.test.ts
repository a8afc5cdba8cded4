import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RasterStyle } from '../../src/project/model.js';
import { renderMap } from '../../src/render/map-renderer.js';
import { rasterStyleBands, rasterToCanvas } from '../../src/render/raster.js';
import { assertPixel, feat, pixel, rlayer, square, sym, vlayer } from './helpers.js';

/** A 4×1 window with the given values. */
function row(style: RasterStyle, values: number[][], opacity?: number) {
  return rlayer(style, values[0]!.length, 1, values, opacity);
}

describe('raster styles', () => {
  it('stretches grey between min and max, by default the data range', () => {
    const fixed = rasterToCanvas(row({ type: 'gray', band: 1, min: 0, max: 200 }, [[0, 100, 200, 300]]).window, { type: 'gray', band: 1, min: 0, max: 200 });
    assertPixel(fixed, 0, 0, [0, 0, 0, 255], 1);
    assertPixel(fixed, 1, 0, [128, 128, 128, 255], 1);
    assertPixel(fixed, 2, 0, [255, 255, 255, 255], 1);
    assertPixel(fixed, 3, 0, [255, 255, 255, 255], 1, 'clamped');
    const auto = rasterToCanvas(row({ type: 'gray', band: 1 }, [[10, 20, 30, NaN]]).window, { type: 'gray', band: 1 });
    assertPixel(auto, 0, 0, [0, 0, 0, 255], 1, 'data min is black');
    assertPixel(auto, 2, 0, [255, 255, 255, 255], 1, 'data max is white');
    assertPixel(auto, 3, 0, [0, 0, 0, 0], 0, 'nodata is transparent');
  });

  it('interpolates a linear ramp and picks classes of a discrete one', () => {
    const stops = [
      { value: 0, color: '#0000ff', label: 'low' },
      { value: 100, color: '#ff0000', label: 'high' },
    ];
    const linear: RasterStyle = { type: 'ramp', band: 1, interpolation: 'linear', stops };
    const c = rasterToCanvas(row(linear, [[-5, 0, 50, 100, 150]]).window, linear);
    assertPixel(c, 0, 0, [0, 0, 255, 255], 1, 'below the first stop');
    assertPixel(c, 1, 0, [0, 0, 255, 255], 1);
    assertPixel(c, 2, 0, [128, 0, 128, 255], 1, 'halfway');
    assertPixel(c, 3, 0, [255, 0, 0, 255], 1);
    assertPixel(c, 4, 0, [255, 0, 0, 255], 1, 'above the last stop');
    const discrete: RasterStyle = { type: 'ramp', band: 1, interpolation: 'discrete', stops: [
      { value: 10, color: '#000000', label: '≤ 10' },
      { value: 20, color: '#00ff00', label: '≤ 20' },
      { value: 30, color: '#ffffff', label: '≤ 30' },
    ] };
    const d = rasterToCanvas(row(discrete, [[5, 10, 15, 20, 25, 99]]).window, discrete);
    const want = [[0, 0, 0], [0, 0, 0], [0, 255, 0], [0, 255, 0], [255, 255, 255], [255, 255, 255]];
    want.forEach((rgb, x) => assertPixel(d, x, 0, [...rgb, 255], 0, `value at ${x}`));
  });

  it('takes RGB(A) bands as they are, with a band subset mapping', () => {
    const style: RasterStyle = { type: 'rgb', bands: [3, 2, 1, 4] };
    const layer = rlayer(style, 1, 1, [[10], [20], [30], [128]]);
    const c = rasterToCanvas(layer.window, style);
    assertPixel(c, 0, 0, [30, 20, 10, 128], 2);
    const sub = rasterToCanvas(rlayer({ type: 'gray', band: 5 }, 2, 1, [[0, 10]]).window, { type: 'gray', band: 5 }, 1, [5]);
    assertPixel(sub, 1, 0, [255, 255, 255, 255], 1, 'window band 0 is source band 5');
    assert.deepEqual(rasterStyleBands(style), [3, 2, 1, 4]);
    assert.deepEqual(rasterStyleBands({ type: 'ramp', band: 2, interpolation: 'linear', stops: [] }), [2]);
  });

  it('draws rasters in layer order with opacity, masked pixels showing what is below', async () => {
    const below = vlayer({ type: 'single', symbol: sym({ fill: '#00ff00' }) }, [feat(square(0, 0, 2, 1))]);
    const ramp: RasterStyle = { type: 'ramp', band: 1, interpolation: 'discrete', stops: [{ value: 1, color: '#ff0000', label: '' }] };
    const raster = rlayer(ramp, 2, 1, [[1, NaN]], 0.5);
    const { canvas, stats } = await renderMap({ width: 2, height: 1, bbox: [0, 0, 2, 1], transparent: true, layers: [below, raster] });
    const [r, g, b, a] = pixel(canvas, 0, 0);
    assert.ok(Math.abs(r - 128) < 3 && Math.abs(g - 127) < 3 && b === 0 && a === 255, `half red over green: ${[r, g, b, a]}`);
    assertPixel(canvas, 1, 0, [0, 255, 0, 255], 1, 'nodata lets the layer below show');
    assert.equal(stats.rastersDrawn, 1);
  });
});
