import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Canvas } from 'canvas';
import type { Feature } from '../../src/data/types.js';
import type { LabelStyle, VectorStyle } from '../../src/project/model.js';
import { renderMap } from '../../src/render/map-renderer.js';
import type { RenderLayer } from '../../src/render/types.js';
import { countInk, feat, square, sym, vectorDef, vlayer } from './helpers.js';

function labels(over: Partial<LabelStyle> = {}): LabelStyle {
  return { expression: '"name"', font: 'DejaVu Sans', size: 10, color: '#000000', placement: 'auto', offset: [0, 0], priority: 0, ...over };
}

/** A style that draws nothing visible but labels every feature. */
function labelOnly(l: LabelStyle): VectorStyle {
  return { type: 'single', symbol: sym({ fill: undefined, stroke: undefined, marker: { shape: 'circle', size: 6 } }), labels: l };
}

function map(layers: RenderLayer[], width = 200, height = 100) {
  return renderMap({ width, height, bbox: [0, 0, width, height], transparent: true, layers });
}

/** Pixels whose colour is close to an RGB colour. */
function countColor(canvas: Canvas, rgb: readonly number[], box: [number, number, number, number] = [0, 0, canvas.width, canvas.height]): number {
  const [x0, y0, x1, y1] = box;
  const d = canvas.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3]! > 200 && Math.abs(d[i]! - rgb[0]!) < 40 && Math.abs(d[i + 1]! - rgb[1]!) < 40 && Math.abs(d[i + 2]! - rgb[2]!) < 40) n++;
  }
  return n;
}

const point = (x: number, y: number, name: string, extra: Record<string, unknown> = {}): Feature =>
  feat({ type: 'Point', coordinates: [x, y] }, { name, ...extra });

describe('labels', () => {
  it('puts a point label above-right of its point', async () => {
    const { canvas, stats } = await map([vlayer(labelOnly(labels()), [point(50, 50, 'Hello')])]);
    assert.equal(stats.labelsPlaced, 1);
    // the point is pixel (50, 50); the label sits right of x=52 and above y=48
    assert.ok(countInk(canvas, [52, 30, 110, 49]) > 40, 'ink above-right');
    assert.equal(countInk(canvas, [0, 52, 200, 100]), 0, 'nothing below');
    assert.equal(countInk(canvas, [0, 0, 49, 100]), 0, 'nothing to the left');
  });

  it('shows two identical labels on one point once, and different ones side by side', async () => {
    const same = await map([vlayer(labelOnly(labels()), [point(100, 50, 'Twin'), point(100, 50, 'Twin')])]);
    assert.equal(same.stats.labelCandidates, 2);
    assert.equal(same.stats.labelsPlaced, 1);
    const other = await map([vlayer(labelOnly(labels()), [point(100, 50, 'One'), point(100, 50, 'Two')])]);
    assert.equal(other.stats.labelsPlaced, 2, 'the second takes the next position around the point');
  });

  it('drops labels that collide with a fixed offset, or do not fit in the image', async () => {
    const fixed = labels({ offset: [3, -3] });
    const r = await map([vlayer(labelOnly(fixed), [point(100, 50, 'Alpha'), point(101, 50, 'Beta')])]);
    assert.equal(r.stats.labelsPlaced, 1);
    const tooLong = await map([vlayer(labelOnly(labels()), [point(30, 50, 'A label far too long for this image')])], 60, 100);
    assert.equal(tooLong.stats.labelsPlaced, 0);
    assert.equal(countInk(tooLong.canvas), 0);
  });

  it('places higher priority first, then input order', async () => {
    // a fixed offset leaves each label one position, so the two compete for it
    const at = (name: string) => point(100, 50, name);
    const style = (color: string, priority: number) => labelOnly(labels({ offset: [2, -2], color, priority }));
    const r = await map([vlayer(style('#ff0000', 1), [at('Low')]), vlayer(style('#0000ff', 5), [at('High')], vectorDef('h'))]);
    assert.equal(r.stats.labelsPlaced, 1);
    assert.ok(countColor(r.canvas, [0, 0, 255]) > 20, 'the high priority (blue) label is drawn');
    assert.equal(countColor(r.canvas, [255, 0, 0]), 0, 'the low priority (red) label is dropped');
    const same = await map([vlayer(style('#ff0000', 0), [at('First')]), vlayer(style('#0000ff', 0), [at('Second')], vectorDef('s'))]);
    assert.ok(countColor(same.canvas, [255, 0, 0]) > 20, 'equal priority: the first offered wins');
    assert.equal(countColor(same.canvas, [0, 0, 255]), 0);
  });

  it('moves a polygon label off the pole when the pole is taken', async () => {
    const poly = (name: string) => feat(square(40, 10, 160, 90), { name });
    const r = await map([vlayer(labelOnly(labels({ placement: 'polygon' })), [poly('Same place'), poly('Other text')])]);
    assert.equal(r.stats.labelsPlaced, 2);
  });

  it('draws labels above every layer, with a halo', async () => {
    const named = vlayer(labelOnly(labels({ halo: { color: '#ffffff', width: 2 } })), [point(50, 50, 'Over')]);
    const cover = vlayer({ type: 'single', symbol: sym({ fill: '#00ff00' }) }, [feat(square(0, 0, 200, 100))], vectorDef('cover'));
    const { canvas } = await map([named, cover]);
    assert.ok(countColor(canvas, [0, 0, 0], [50, 25, 120, 50]) > 20, 'black text over the green layer');
    assert.ok(countColor(canvas, [255, 255, 255], [50, 25, 120, 50]) > 20, 'white halo around it');
  });

  it('centres polygon labels on the pole of inaccessibility, not the bbox centre', async () => {
    // a U: arms x 0..60 and 140..200, joined by a bar y 0..30; the bbox centre (100, 50) is in the notch
    const u = feat({ type: 'Polygon', coordinates: [[[0, 0], [200, 0], [200, 100], [140, 100], [140, 30], [60, 30], [60, 100], [0, 100], [0, 0]]] }, { name: 'U' });
    const { canvas, stats } = await map([vlayer(labelOnly(labels({ size: 14 })), [u])]);
    assert.equal(stats.labelsPlaced, 1);
    assert.equal(countInk(canvas, [62, 0, 138, 69]), 0, 'nothing in the notch');
    assert.ok(countInk(canvas) > 20);
  });

  it('runs line labels along the line, upright whatever the line direction', async () => {
    const style = labelOnly(labels({ placement: 'line' }));
    const down = await map([vlayer(style, [feat({ type: 'LineString', coordinates: [[10, 90], [190, 10]] }, { name: 'Main Street' })])]);
    const up = await map([vlayer(style, [feat({ type: 'LineString', coordinates: [[190, 10], [10, 90]] }, { name: 'Main Street' })])]);
    assert.equal(down.stats.labelsPlaced, 1);
    assert.ok(countInk(down.canvas, [70, 30, 130, 70]) > 40, 'ink around the middle of the line');
    assert.equal(countInk(down.canvas, [0, 0, 40, 30]), 0, 'not in the corner away from the line');
    const a = down.canvas.toBuffer('raw');
    const b = up.canvas.toBuffer('raw');
    assert.ok(a.equals(b), 'the same picture for both directions');
    const short = await map([vlayer(style, [feat({ type: 'LineString', coordinates: [[90, 50], [100, 50]] }, { name: 'Main Street' })])]);
    assert.equal(short.stats.labelsPlaced, 0, 'a line shorter than its label is not labelled');
  });

  it('labels only at scales in the label range, and only drawn features', async () => {
    const hidden = await map([vlayer(labelOnly(labels({ minScale: 1e9 })), [point(50, 50, 'Hidden')])]);
    assert.equal(hidden.stats.labelCandidates, 0);
    const cat: VectorStyle = { type: 'categorized', field: 'k', categories: [{ value: 1, label: 'one', symbol: sym() }], labels: labels() };
    const r = await map([vlayer(cat, [point(50, 50, 'Shown', { k: 1 }), point(150, 50, 'NotDrawn', { k: 2 })])]);
    assert.equal(r.stats.labelCandidates, 1);
  });
});
