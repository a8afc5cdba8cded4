/** Rendered images against golden files (pixelmatch with a tolerance); UPDATE_GOLDEN=1 rewrites them. */
import { describe, it } from 'node:test';
import type { Feature } from '../../src/data/types.js';
import type { RasterStyle, VectorStyle } from '../../src/project/model.js';
import { encodeImage } from '../../src/render/encode.js';
import { layerLegend } from '../../src/render/legend-model.js';
import { renderLegendImage } from '../../src/render/legend.js';
import { renderMap } from '../../src/render/map-renderer.js';
import { assertGolden, feat, rasterDef, rlayer, sym, vectorDef, vlayer } from './helpers.js';

const countries: VectorStyle = {
  type: 'categorized', field: 'region',
  categories: [
    { value: 'north', label: 'North', symbol: sym({ fill: '#a6cee3', stroke: '#1f78b4', strokeWidth: 1.5 }) },
    { value: 'south', label: 'South', symbol: sym({ fill: '#b2df8a', stroke: '#33a02c', strokeWidth: 1.5 }) },
  ],
  defaultSymbol: sym({ fill: '#dddddd', stroke: '#999999' }),
  labels: { expression: '"name"', font: 'DejaVu Sans', size: 9, color: '#222222', halo: { color: '#ffffff', width: 1.5 }, placement: 'polygon', offset: [0, 0], priority: 1 },
};

const cities: VectorStyle = {
  type: 'rules',
  rules: [
    { name: 'big', label: 'Big', filter: '"pop" >= 1000000', else: false, symbol: sym({ fill: '#e31a1c', stroke: '#ffffff', marker: { shape: 'star', size: 14 } }) },
    { name: 'small', label: 'Small', else: true, symbol: sym({ fill: '#ff7f00', stroke: '#000000', strokeWidth: 0.5, marker: { shape: 'circle', size: 7 } }) },
  ],
  labels: { expression: '"name"', font: 'DejaVu Sans', size: 8, color: '#000000', halo: { color: '#ffffff', width: 1 }, placement: 'auto', offset: [0, 0], priority: 5 },
};

const road: VectorStyle = { type: 'single', symbol: sym({ stroke: '#6a3d9a', strokeWidth: 2.5, dash: [8, 4] }) };

function polygons(): Feature[] {
  return [
    feat({ type: 'Polygon', coordinates: [
      [[10, 130], [120, 140], [130, 240], [20, 230], [10, 130]],
      [[50, 170], [80, 170], [80, 200], [50, 200], [50, 170]],
    ] }, { region: 'north', name: 'Nordland' }),
    feat({ type: 'MultiPolygon', coordinates: [
      [[[140, 20], [240, 30], [230, 120], [150, 110], [140, 20]]],
      [[[150, 140], [190, 145], [185, 180], [150, 175], [150, 140]]],
    ] }, { region: 'south', name: 'Southia' }),
    feat({ type: 'Polygon', coordinates: [[[20, 20], [110, 10], [100, 110], [30, 100], [20, 20]]] }, { region: 'east', name: 'Eastmark' }),
  ];
}

function points(): Feature[] {
  return [
    feat({ type: 'Point', coordinates: [60, 60] }, { name: 'Capital', pop: 2500000 }),
    feat({ type: 'Point', coordinates: [190, 70] }, { name: 'Harbour', pop: 120000 }),
    feat({ type: 'Point', coordinates: [95, 215] }, { name: 'Hilltop', pop: 8000 }),
    feat({ type: 'MultiPoint', coordinates: [[200, 200], [220, 215]] }, { name: 'Twins', pop: 40000 }),
  ];
}

describe('golden images', () => {
  it('styled vector map: categories, rules, dashes, labels', async () => {
    const { canvas } = await renderMap({
      width: 256, height: 256, bbox: [0, 0, 256, 256], transparent: false, background: '#f4f1ea',
      layers: [
        vlayer(countries, polygons(), vectorDef('countries', 'Polygon')),
        vlayer(road, [feat({ type: 'LineString', coordinates: [[0, 125], [90, 120], [170, 135], [256, 128]] })], vectorDef('road', 'LineString')),
        vlayer(cities, points(), vectorDef('cities', 'Point')),
      ],
    });
    assertGolden('map-styles', await encodeImage(canvas, 'image/png'));
  });

  it('raster colour ramp under a vector outline', async () => {
    const n = 64;
    const values: number[] = [];
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      const d = Math.hypot(x - 32, y - 32);
      values.push(d > 30 ? NaN : 1000 - d * 30);
    }
    const ramp: RasterStyle = { type: 'ramp', band: 1, interpolation: 'linear', stops: [
      { value: 100, color: '#2b83ba', label: 'Low' },
      { value: 550, color: '#ffffbf', label: 'Mid' },
      { value: 1000, color: '#d7191c', label: 'High' },
    ] };
    const outline: VectorStyle = { type: 'single', symbol: sym({ stroke: '#000000', strokeWidth: 1 }) };
    const { canvas } = await renderMap({
      width: 128, height: 128, bbox: [0, 0, 64, 64], transparent: true,
      layers: [
        rlayer(ramp, n, n, [values], 0.9),
        vlayer(outline, [feat({ type: 'Polygon', coordinates: [[[8, 8], [56, 8], [56, 56], [8, 56], [8, 8]]] })], vectorDef('frame', 'Polygon')),
      ],
    });
    assertGolden('raster-ramp', await encodeImage(canvas, 'image/png', { continuousTone: true }));
  });

  it('legend of several layers', async () => {
    const ramp: RasterStyle = { type: 'ramp', band: 1, interpolation: 'discrete', stops: [
      { value: 200, color: '#2b83ba', label: '≤ 200 m' },
      { value: 800, color: '#ffffbf', label: '≤ 800 m' },
      { value: 3000, color: '#d7191c', label: '≤ 3000 m' },
    ] };
    const canvas = renderLegendImage([
      layerLegend(vectorDef('countries', 'Polygon', { title: 'Countries' }), countries),
      layerLegend(vectorDef('road', 'LineString', { title: 'Road' }), road),
      layerLegend(vectorDef('cities', 'Point', { title: 'Cities' }), cities),
      layerLegend(rasterDef('dem', { title: 'Elevation' }), ramp),
    ]);
    assertGolden('legend', await encodeImage(canvas, 'image/png'));
  });
});
