import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StyleRule, VectorStyle } from '../../src/project/model.js';
import { renderMap } from '../../src/render/map-renderer.js';
import { compileStyle, labelExpression, styleFields } from '../../src/render/style-eval.js';
import { assertPixel, countInk, feat, square, sym, vlayer } from './helpers.js';

const red = sym({ fill: '#ff0000' });
const green = sym({ fill: '#00ff00' });
const blue = sym({ fill: '#0000ff' });
const gray = sym({ fill: '#808080' });

function matches(style: VectorStyle, attrs: Record<string, unknown>, scale = 1000): number[] {
  return [...compileStyle(style).atScale(scale).match(attrs)];
}

function rule(name: string, over: Partial<StyleRule>): StyleRule {
  return { name, label: name, else: false, symbol: red, ...over };
}

describe('categorized styles', () => {
  const style: VectorStyle = {
    type: 'categorized', field: 'kind',
    categories: [
      { value: 'a', label: 'A', symbol: red },
      { value: 2, label: 'two', symbol: green },
      { value: null, label: 'none', symbol: blue },
    ],
    defaultSymbol: gray,
  };

  it('matches values as text or number, NULL, and falls back to the default', () => {
    assert.deepEqual(matches(style, { kind: 'a' }), [0]);
    assert.deepEqual(matches(style, { kind: 2 }), [1]);
    assert.deepEqual(matches(style, { kind: '2' }), [1], 'a string attribute matches a number category');
    assert.deepEqual(matches(style, { kind: 2.0 }), [1]);
    assert.deepEqual(matches(style, { kind: null }), [2]);
    assert.deepEqual(matches(style, {}), [2], 'a missing attribute is NULL');
    assert.deepEqual(matches(style, { kind: 'zzz' }), [3], 'default symbol');
    const noDefault: VectorStyle = { ...style, defaultSymbol: undefined } as VectorStyle;
    assert.deepEqual(matches(noDefault, { kind: 'zzz' }), [], 'not drawn without a default');
  });

  it('paints each feature with its category colour', async () => {
    const features = [feat(square(0, 0, 50, 100), { kind: 'a' }), feat(square(50, 0, 100, 100), { kind: 2 })];
    const { canvas } = await renderMap({ width: 100, height: 100, bbox: [0, 0, 100, 100], transparent: true, layers: [vlayer(style, features)] });
    assertPixel(canvas, 25, 50, [255, 0, 0, 255]);
    assertPixel(canvas, 75, 50, [0, 255, 0, 255]);
  });
});

describe('graduated styles', () => {
  const style: VectorStyle = {
    type: 'graduated', field: 'pop',
    classes: [
      { min: 0, max: 10, label: 'small', symbol: red },
      { min: 10, max: 100, label: 'big', symbol: green },
    ],
  };

  it('puts v in the class with min <= v < max, the last class including its max', () => {
    assert.deepEqual(matches(style, { pop: 0 }), [0]);
    assert.deepEqual(matches(style, { pop: 9.99 }), [0]);
    assert.deepEqual(matches(style, { pop: 10 }), [1], 'a class boundary belongs to the upper class');
    assert.deepEqual(matches(style, { pop: 100 }), [1], 'the last class includes its max');
    assert.deepEqual(matches(style, { pop: '50' }), [1], 'numeric text');
    assert.deepEqual(matches(style, { pop: 100.5 }), []);
    assert.deepEqual(matches(style, { pop: -1 }), []);
    assert.deepEqual(matches(style, { pop: null }), []);
    assert.deepEqual(matches(style, { pop: 'abc' }), []);
  });

  it('paints each feature with its class colour', async () => {
    const features = [feat(square(0, 0, 50, 100), { pop: 5 }), feat(square(50, 0, 100, 100), { pop: 10 })];
    const { canvas } = await renderMap({ width: 100, height: 100, bbox: [0, 0, 100, 100], transparent: true, layers: [vlayer(style, features)] });
    assertPixel(canvas, 25, 50, [255, 0, 0, 255]);
    assertPixel(canvas, 75, 50, [0, 255, 0, 255]);
  });
});

describe('rule-based styles', () => {
  const style: VectorStyle = {
    type: 'rules',
    rules: [
      rule('big', { filter: '"pop" >= 1000', symbol: red }),
      rule('capital', { filter: '"capital" = 1', symbol: green }),
      rule('far', { filter: '"pop" >= 0', symbol: blue, minScale: 50000 }),
      rule('rest', { else: true, symbol: gray }),
    ],
  };

  it('draws every matching rule, ELSE only when none matched', () => {
    assert.deepEqual(matches(style, { pop: 5000, capital: 1 }), [0, 1]);
    assert.deepEqual(matches(style, { pop: 5000, capital: 0 }), [0]);
    assert.deepEqual(matches(style, { pop: 10, capital: 0 }), [3]);
    assert.deepEqual(matches(style, { pop: null, capital: null }), [3], 'a filter on NULL does not match');
  });

  it('applies rule scale ranges (an out-of-range rule does not block ELSE)', () => {
    assert.deepEqual(matches(style, { pop: 10, capital: 0 }, 100000), [2]);
    assert.deepEqual(matches(style, { pop: 10, capital: 0 }, 1000), [3]);
    const only: VectorStyle = { type: 'rules', rules: [rule('near', { maxScale: 5000 })] };
    assert.equal(compileStyle(only).atScale(1000).active, true);
    assert.equal(compileStyle(only).atScale(5000).active, false);
  });

  it('parses expressions once per style object', () => {
    assert.equal(compileStyle(style), compileStyle(style));
    const labels = { expression: '"name"', font: 'DejaVu Sans', size: 10, color: '#000', placement: 'auto' as const, offset: [0, 0] as [number, number], priority: 0 };
    assert.equal(labelExpression(labels), labelExpression(labels));
  });

  it('hides features by scale in a render', async () => {
    const s: VectorStyle = { type: 'rules', rules: [rule('near', { maxScale: 5000 })] };
    const layer = (): ReturnType<typeof vlayer> => vlayer(s, [feat(square(0, 0, 1000, 1000))]);
    const near = await renderMap({ width: 100, height: 100, bbox: [0, 0, 28, 28], transparent: true, layers: [layer()] });
    assert.equal(countInk(near.canvas), 10000);
    const far = await renderMap({ width: 100, height: 100, bbox: [0, 0, 280, 280], transparent: true, layers: [layer()] });
    assert.equal(countInk(far.canvas), 0);
  });

  it('names a bad filter in its error', () => {
    const bad: VectorStyle = { type: 'rules', rules: [rule('broken', { filter: '"pop" >>> 3' })] };
    assert.throws(() => compileStyle(bad), /rule "broken"/);
  });

  it('lists the fields a style reads', () => {
    const withLabels: VectorStyle = { ...style, labels: { expression: '"name" || \' \' || "kind"', font: 'Sans', size: 9, color: '#000', placement: 'auto', offset: [0, 0], priority: 0 } };
    assert.deepEqual(new Set(styleFields(withLabels)), new Set(['pop', 'capital', 'name', 'kind']));
  });
});
