import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RasterStyle, VectorStyle } from '../../src/project/model.js';
import { findLegendItem, layerLegend } from '../../src/render/legend-model.js';
import { legendToJson, renderLegendIcon, renderLegendImage } from '../../src/render/legend.js';
import { OGC_DPI } from '../../src/render/types.js';
import { assertPixel, countInk, decodePng, rasterDef, sym, vectorDef } from './helpers.js';

const red = sym({ fill: '#ff0000', stroke: '#000000' });
const blue = sym({ fill: '#0000ff', stroke: '#000000' });

function categorized(n: number): VectorStyle {
  return {
    type: 'categorized', field: 'kind',
    categories: Array.from({ length: n }, (_, i) => ({ value: i, label: `Class ${i}`, symbol: i % 2 ? blue : red })),
  };
}

function withStyle(style: VectorStyle, geometryType: Parameters<typeof vectorDef>[1] = 'Polygon') {
  return vectorDef('countries', geometryType, { title: 'Countries', styles: [{ name: 'default', title: 'Default', style }] });
}

describe('legend content', () => {
  it('lists categories, classes and rules with their labels and rule names', () => {
    const cat = layerLegend(withStyle(categorized(3)));
    assert.deepEqual(cat.items.map((i) => i.title), ['Class 0', 'Class 1', 'Class 2']);
    const rules: VectorStyle = { type: 'rules', rules: [
      { name: 'big', label: 'Big cities', filter: '"pop" > 1e6', else: false, symbol: red, maxScale: 1e7 },
      { name: 'other', label: 'Others', else: true, symbol: blue },
    ] };
    const legend = layerLegend(withStyle(rules, 'Point'));
    assert.equal(findLegendItem(legend, 'big')?.title, 'Big cities', 'RULE matches the rule name');
    assert.equal(findLegendItem(legend, 'Others')?.ruleName, 'other', 'or the label');
    assert.equal(findLegendItem(legend, 'nope'), undefined);
    assert.deepEqual(layerLegend(withStyle(rules, 'Point'), undefined, 5e7).items.map((i) => i.ruleName), ['other'], 'SCALE leaves out rules out of range');
  });

  it('lists raster ramp stops, RGB bands and a grey ramp', () => {
    const ramp: RasterStyle = { type: 'ramp', band: 1, interpolation: 'linear', stops: [
      { value: 1000, color: '#ffffff', label: 'High' }, { value: 0, color: '#00aa00', label: 'Low' },
    ] };
    const items = layerLegend(rasterDef('dem', { styles: [{ name: 'default', title: 'Default', style: ramp }] })).items;
    assert.deepEqual(items.map((i) => i.title), ['Low', 'High'], 'sorted by value');
    const rgb = layerLegend(rasterDef('img'), { type: 'rgb', bands: [1, 2, 3] });
    assert.deepEqual(rgb.items.map((i) => i.title), ['Band 1 (Red)', 'Band 2 (Green)', 'Band 3 (Blue)']);
    assert.equal(layerLegend(rasterDef('g'), { type: 'gray', band: 1 }).items[0]!.kind, 'ramp');
  });
});

describe('legend images', () => {
  it('grows with the rows and draws icons and labels', () => {
    const small = renderLegendImage([layerLegend(withStyle(categorized(2)))]);
    const big = renderLegendImage([layerLegend(withStyle(categorized(6)))]);
    assert.equal(small.width, big.width, 'same labels width');
    assert.ok(big.height > small.height + 3 * 14, `${small.height} -> ${big.height}`);
    // the first icon: 25×14 at the 4 px box space, under the title row
    const rowTop = big.height - 6 * 14 - 5 * 3 - 4;
    assertPixel(big, 4 + 12, rowTop + 7, [255, 0, 0, 255], 10, 'first icon is red');
    assert.ok(countInk(big, [4 + 25 + 5, rowTop, big.width, rowTop + 14], [255, 255, 255]) > 20, 'label text right of the icon');
  });

  it('leaves titles and labels out on request, honours transparency and DPI', () => {
    const legend = [layerLegend(withStyle(categorized(2)))];
    const full = renderLegendImage(legend);
    const bare = renderLegendImage(legend, { layerTitle: false, ruleLabel: false, transparent: true });
    assert.equal(bare.width, 25 + 8, 'icons only');
    assert.ok(bare.height < full.height);
    assertPixel(bare, 0, 0, [0, 0, 0, 0], 0, 'transparent');
    const hi = renderLegendImage(legend, { layerTitle: false, ruleLabel: false, dpi: 2 * OGC_DPI });
    assert.equal(hi.width, 50 + 16);
  });

  it('draws point, line and polygon icons by geometry type', () => {
    const s = sym({ fill: '#ff0000', stroke: '#0000ff', strokeWidth: 2, marker: { shape: 'circle', size: 8 } });
    const icon = (geometryType: Parameters<typeof vectorDef>[1]) =>
      renderLegendIcon(layerLegend(withStyle({ type: 'single', symbol: s }, geometryType)).items[0]!, 40, 20, { transparent: true });
    const poly = icon('MultiPolygon');
    assertPixel(poly, 20, 10, [255, 0, 0, 255], 2, 'polygon filled');
    assertPixel(poly, 1, 10, [0, 0, 255, 255], 40, 'polygon outline');
    const line = icon('LineString');
    assertPixel(line, 20, 10, [0, 0, 255, 255], 2, 'line across the middle');
    assertPixel(line, 20, 3, [0, 0, 0, 0], 0, 'nothing above the line');
    const point = icon('Point');
    assertPixel(point, 20, 10, [255, 0, 0, 255], 2, 'marker in the middle');
    assertPixel(point, 3, 10, [0, 0, 0, 0], 0, 'nothing at the side');
    assert.equal(point.width, 40);
    assert.equal(point.height, 20);
  });
});

describe('JSON legend (QGIS Server format)', () => {
  it('gives a multi-entry layer "symbols" and a single-entry layer its icon', async () => {
    const multi = layerLegend(withStyle(categorized(2)));
    const single = layerLegend(vectorDef('cities', 'Point', { title: 'Cities', styles: [{ name: 'd', title: 'd', style: { type: 'single', symbol: red } }] }));
    const json = await legendToJson([single, { type: 'group', name: 'g', title: 'Group', nodes: [multi] }]);
    assert.equal(json.title, '');
    const [a, g] = json.nodes as Array<Record<string, unknown>>;
    assert.equal(a!.type, 'layer');
    assert.equal(a!.title, 'Cities');
    assert.equal(typeof a!.icon, 'string');
    const png = decodePng(Buffer.from(a!.icon as string, 'base64'));
    assert.equal(`${png.width}x${png.height}`, '25x14');
    assert.equal(g!.type, 'group');
    const layer = (g!.nodes as Array<Record<string, unknown>>)[0]!;
    assert.equal(layer.title, 'Countries');
    const symbols = layer.symbols as Array<Record<string, unknown>>;
    assert.deepEqual(symbols.map((s) => s.title), ['Class 0', 'Class 1']);
    assert.ok(symbols.every((s) => typeof s.icon === 'string' && (s.icon as string).length > 50));
    assert.equal(symbols[0]!.rule, undefined, 'no rule details unless asked');
    const detailed = await legendToJson([multi], { showRuleDetails: true });
    const d = ((detailed.nodes[0] as Record<string, unknown>).symbols as Array<Record<string, unknown>>)[0]!;
    assert.equal(d.rule, '"kind" = 0');
  });

  it('describes a raster ramp', async () => {
    const ramp: RasterStyle = { type: 'ramp', band: 1, interpolation: 'discrete', stops: [
      { value: 0, color: '#00aa00', label: 'Low' }, { value: 1000, color: '#ffffff', label: 'High' },
    ] };
    const json = await legendToJson([layerLegend(rasterDef('dem', { title: 'Elevation' }), ramp)]);
    const node = json.nodes[0] as Record<string, unknown>;
    assert.equal(node.title, 'Elevation');
    const symbols = node.symbols as Array<Record<string, unknown>>;
    assert.deepEqual(symbols.map((s) => s.title), ['Low', 'High']);
    const icon = decodePng(Buffer.from(symbols[0]!.icon as string, 'base64'));
    const mid = (7 * icon.width + 12) * 4;
    assert.deepEqual([...icon.data.subarray(mid, mid + 4)], [0, 0xaa, 0, 255]);
  });
});
