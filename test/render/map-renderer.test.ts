import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Feature } from '../../src/data/types.js';
import type { MarkerSymbol } from '../../src/project/model.js';
import { layerVisibleAtScale, mapScale, renderMap } from '../../src/render/map-renderer.js';
import { METERS_PER_DEGREE, scaleDenominator } from '../../src/render/scale.js';
import { OGC_DPI, type MapRequest, type RenderLayer } from '../../src/render/types.js';
import { assertPixel, countInk, feat, pixel, square, sym, vectorDef, vlayer } from './helpers.js';

const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];
const CLEAR = [0, 0, 0, 0];

/** 100×100 pixels over [0,0,100,100]: one map unit per pixel, row = 100 − y. */
function req(layers: RenderLayer[], over: Partial<MapRequest> = {}): MapRequest {
  return { width: 100, height: 100, bbox: [0, 0, 100, 100], transparent: true, layers, ...over };
}

describe('renderMap: polygons', () => {
  it('fills a square, strokes its border, leaves the rest transparent', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', stroke: '#0000ff', strokeWidth: 2 }) };
    const { canvas, stats } = await renderMap(req([vlayer(style, [feat(square(20, 20, 80, 80))])]));
    assertPixel(canvas, 50, 50, RED, 2, 'inside');
    assertPixel(canvas, 50, 20, BLUE, 40, 'top border (row 100-80)');
    assertPixel(canvas, 20, 50, BLUE, 40, 'left border');
    assertPixel(canvas, 5, 5, CLEAR, 0, 'outside');
    assertPixel(canvas, 95, 50, CLEAR, 0, 'outside right');
    assert.equal(stats.featuresDrawn, 1);
  });

  it('paints the background colour when not transparent', async () => {
    const { canvas } = await renderMap(req([], { transparent: false, background: '#00ff00' }));
    assertPixel(canvas, 10, 10, [0, 255, 0, 255], 0);
    const white = await renderMap(req([], { transparent: false }));
    assertPixel(white.canvas, 10, 10, [255, 255, 255, 255], 0);
  });

  it('keeps holes open and draws every part of a multipolygon', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000' }) };
    const withHole = { type: 'Polygon' as const, coordinates: [
      [[10, 10], [60, 10], [60, 60], [10, 60], [10, 10]],
      [[25, 25], [45, 25], [45, 45], [25, 45], [25, 25]],
    ] };
    const multi = { type: 'MultiPolygon' as const, coordinates: [
      [[[70, 70], [90, 70], [90, 90], [70, 90], [70, 70]]],
      [[[70, 10], [90, 10], [90, 30], [70, 30], [70, 10]]],
    ] };
    const { canvas } = await renderMap(req([vlayer(style, [feat(withHole), feat(multi)])]));
    assertPixel(canvas, 15, 85, RED, 2, 'ring');
    assertPixel(canvas, 35, 65, CLEAR, 0, 'hole');
    assertPixel(canvas, 80, 20, RED, 2, 'part 1');
    assertPixel(canvas, 80, 80, RED, 2, 'part 2');
  });

  it('clips geometry far outside the canvas (deep zoom) and still fills the view', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', stroke: '#0000ff' }) };
    const huge = square(-1e12, -1e12, 1e12, 1e12);
    const { canvas } = await renderMap(req([vlayer(style, [feat(huge)])]));
    for (const [x, y] of [[0, 0], [50, 50], [99, 99]] as const) assertPixel(canvas, x, y, RED, 2);
  });

  it('skips degenerate and empty geometry without failing', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', stroke: '#000000' }) };
    const bad: Feature[] = [
      feat(null),
      feat({ type: 'Polygon', coordinates: [] }),
      feat({ type: 'Polygon', coordinates: [[[1, 1]]] }),
      feat({ type: 'LineString', coordinates: [[5, 5]] }),
      feat({ type: 'Point', coordinates: [] }),
      feat({ type: 'Point', coordinates: [NaN, 3] }),
      feat({ type: 'MultiPolygon', coordinates: [[]] }),
      feat({ type: 'GeometryCollection', geometries: [] }),
      feat({ type: 'LineString', coordinates: [[NaN, NaN], [Infinity, 3]] }),
    ];
    const { canvas } = await renderMap(req([vlayer(style, bad)]));
    assert.equal(countInk(canvas), 0);
  });

  it('applies layer opacity and symbol opacity', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000' }) };
    const half = await renderMap(req([vlayer(style, [feat(square(0, 0, 100, 100))], vectorDef('v'), 0.5)]));
    const a = pixel(half.canvas, 50, 50)[3];
    assert.ok(Math.abs(a - 128) <= 2, `layer opacity alpha ${a}`);
    const symStyle = { type: 'single' as const, symbol: sym({ fill: '#ff0000', opacity: 0.25 }) };
    const quarter = await renderMap(req([vlayer(symStyle, [feat(square(0, 0, 100, 100))])]));
    const b = pixel(quarter.canvas, 50, 50)[3];
    assert.ok(Math.abs(b - 64) <= 2, `symbol opacity alpha ${b}`);
  });
});

describe('renderMap: lines', () => {
  it('strokes a line with its colour and width, dashes leave gaps', async () => {
    const solid = { type: 'single' as const, symbol: sym({ stroke: '#0000ff', strokeWidth: 4 }) };
    const line = feat({ type: 'LineString', coordinates: [[0, 50], [100, 50]] });
    const { canvas } = await renderMap(req([vlayer(solid, [line])]));
    assertPixel(canvas, 50, 50, BLUE, 2, 'on the line');
    assertPixel(canvas, 50, 49, BLUE, 2, 'within the width');
    assertPixel(canvas, 50, 45, CLEAR, 0, 'beyond the width');
    const dashed = { type: 'single' as const, symbol: sym({ stroke: '#0000ff', strokeWidth: 4, dash: [10, 10] }) };
    const d = await renderMap(req([vlayer(dashed, [line])]));
    const inked = countInk(d.canvas, [0, 48, 100, 52]);
    const full = countInk(canvas, [0, 48, 100, 52]);
    assert.ok(inked < full * 0.7 && inked > full * 0.3, `dashed ${inked} vs solid ${full}`);
  });
});

describe('renderMap: point markers', () => {
  const shapes: MarkerSymbol['shape'][] = ['circle', 'square', 'triangle', 'star', 'cross', 'x', 'diamond'];

  it('draws a circle marker of its size around the point', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', stroke: undefined, marker: { shape: 'circle', size: 10 } }) };
    const { canvas } = await renderMap(req([vlayer(style, [feat({ type: 'Point', coordinates: [50, 50] })])]));
    assertPixel(canvas, 50, 50, RED, 2, 'centre');
    assertPixel(canvas, 53, 50, RED, 2, 'within the radius');
    assertPixel(canvas, 57, 50, CLEAR, 0, 'outside the radius');
  });

  it('scales marker size with DPI (twice the DPI, twice the size)', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', marker: { shape: 'square', size: 10 } }) };
    const pt = [feat({ type: 'Point', coordinates: [50, 50] })];
    const base = await renderMap(req([vlayer(style, pt)]));
    const hi = await renderMap(req([vlayer(style, pt)], { dpi: 2 * OGC_DPI }));
    const a = countInk(base.canvas);
    const b = countInk(hi.canvas);
    assert.ok(Math.abs(b / a - 4) < 0.6, `area ratio ${b / a} (ink ${a} -> ${b})`);
    assertPixel(hi.canvas, 58, 50, RED, 2, 'edge of the doubled square');
    assertPixel(base.canvas, 58, 50, CLEAR, 0, 'beyond the normal square');
  });

  it('draws every marker shape', async () => {
    for (const shape of shapes) {
      const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', stroke: '#000000', marker: { shape, size: 12 } }) };
      const { canvas } = await renderMap(req([vlayer(style, [feat({ type: 'Point', coordinates: [50, 50] })])]));
      const ink = countInk(canvas);
      assert.ok(ink > 15 && ink < 200, `${shape}: ${ink} pixels`);
    }
  });

  it('draws many markers (JS compositing) the same as few (drawImage)', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff000080', stroke: '#000000', marker: { shape: 'circle', size: 6 } }) };
    const pts: Feature[] = [];
    for (let i = 0; i < 400; i++) pts.push(feat({ type: 'Point', coordinates: [(i * 37) % 100 + 0.3, (i * 53) % 100 + 0.6] }));
    const many = await renderMap(req([vlayer(style, pts)], { transparent: false }));
    const layers = [];
    for (let i = 0; i < 400; i += 100) layers.push(vlayer(style, pts.slice(i, i + 100)));
    const few = await renderMap(req(layers, { transparent: false }));
    const d1 = many.canvas.getContext('2d').getImageData(0, 0, 100, 100).data;
    const d2 = few.canvas.getContext('2d').getImageData(0, 0, 100, 100).data;
    let maxDiff = 0;
    for (let i = 0; i < d1.length; i++) maxDiff = Math.max(maxDiff, Math.abs(d1[i]! - d2[i]!));
    assert.ok(maxDiff <= 3, `largest channel difference ${maxDiff}`);
    assert.ok(countInk(many.canvas, undefined, [255, 255, 255]) > 2000);
  });

  it('reads async streams of features and of batches', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000', marker: { shape: 'square', size: 4 } }) };
    async function* stream(): AsyncGenerator<Feature | Feature[]> {
      yield feat({ type: 'Point', coordinates: [10, 90] });
      yield [feat({ type: 'Point', coordinates: [50, 50] }), feat({ type: 'Point', coordinates: [90, 10] })];
    }
    const { canvas, stats } = await renderMap(req([vlayer(style, stream())]));
    assert.equal(stats.featuresRead, 3);
    for (const [x, y] of [[10, 10], [50, 50], [90, 90]] as const) assertPixel(canvas, x, y, RED, 2);
  });

  it('stops when the signal aborts', async () => {
    const ctl = new AbortController();
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000' }) };
    async function* stream(): AsyncGenerator<Feature> {
      yield feat({ type: 'Point', coordinates: [10, 10] });
      ctl.abort(new Error('client gone'));
      yield feat({ type: 'Point', coordinates: [20, 20] });
    }
    await assert.rejects(renderMap(req([vlayer(style, stream())], { signal: ctl.signal })), /client gone/);
  });
});

describe('scale denominators', () => {
  it('computes the OGC scale for web mercator and geographic grids', () => {
    const world = 2 * Math.PI * 6378137;
    const z0 = scaleDenominator([-world / 2, -world / 2, world / 2, world / 2], 256);
    assert.ok(Math.abs(z0 - 559082264.0287) < 0.01, `zoom 0: ${z0}`);
    const geo = scaleDenominator([-180, -90, 180, 90], 256, METERS_PER_DEGREE);
    assert.ok(Math.abs(geo - z0) < 0.01, 'the whole world 256 px wide is the same scale in degrees');
    assert.ok(Math.abs(scaleDenominator([0, 0, 1000, 1000], 1000, 1, 2 * OGC_DPI) - 2 * scaleDenominator([0, 0, 1000, 1000], 1000)) < 1e-6);
    assert.ok(Math.abs(mapScale({ bbox: [0, 0, 28, 28], width: 100 }) - 1000) < 1e-9, '0.28 mm pixels');
    assert.ok(Math.abs(OGC_DPI - 90.714) < 0.001);
  });

  it('shows a layer only in [minScale, maxScale)', async () => {
    const style = { type: 'single' as const, symbol: sym({ fill: '#ff0000' }) };
    const geom = [feat(square(0, 0, 100, 100))];
    // bbox 0..28 m over 100 px at 90.7 DPI = 1:1000
    const at = (def: ReturnType<typeof vectorDef>) => renderMap(req([vlayer(style, geom, def)], { bbox: [0, 0, 28, 28] }));
    const inRange = await at(vectorDef('a', 'Polygon', { minScale: 500, maxScale: 2000 }));
    assertPixel(inRange.canvas, 50, 50, RED);
    const tooFar = await at(vectorDef('b', 'Polygon', { maxScale: 999 }));
    assert.equal(countInk(tooFar.canvas), 0);
    assert.deepEqual(tooFar.stats.layersSkipped, ['b']);
    const tooClose = await at(vectorDef('c', 'Polygon', { minScale: 1001 }));
    assert.equal(countInk(tooClose.canvas), 0);
    assert.equal(layerVisibleAtScale(vectorDef('d', 'Polygon', { minScale: 1000 }), style, 1000), true, 'minScale is inclusive');
    assert.equal(layerVisibleAtScale(vectorDef('e', 'Polygon', { maxScale: 1000 }), style, 1000), false, 'maxScale is exclusive');
  });

  it('rejects an empty bbox or size', async () => {
    await assert.rejects(renderMap(req([], { bbox: [0, 0, 0, 10] })), /BBOX/);
    await assert.rejects(renderMap(req([], { width: 0 })), /size/);
  });
});
