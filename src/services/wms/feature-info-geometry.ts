/**
 * Geometry helpers of GetFeatureInfo: the distance from the clicked point to a feature (0 inside a
 * polygon), which tolerance a geometry takes, and WKT as QGIS writes it ("MultiPolygon (((x y, ...)))").
 */
import type { Geometry } from '../../data/index.js';
import { coord } from './feature-info-model.js';
import { geometryKind } from '../../render/index.js';

/** The geometry families with their own GetFeatureInfo tolerance. */
export type GeometryFamily = 'point' | 'line' | 'polygon';

/** The family of a geometry (a collection takes the family of its first member): the renderer's own rule. */
export function geometryFamily(g: Geometry): GeometryFamily {
  return geometryKind(g);
}

/** Distance from (x, y) to a geometry in its units: to the nearest vertex, segment or, outside a polygon, its boundary; 0 inside. */
export function distanceTo(x: number, y: number, g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return pointDistance(x, y, g.coordinates);
    case 'MultiPoint':
      return minOf(g.coordinates, (p) => pointDistance(x, y, p));
    case 'LineString':
      return lineDistance(x, y, g.coordinates);
    case 'MultiLineString':
      return minOf(g.coordinates, (l) => lineDistance(x, y, l));
    case 'Polygon':
      return polygonDistance(x, y, g.coordinates);
    case 'MultiPolygon':
      return minOf(g.coordinates, (p) => polygonDistance(x, y, p));
    case 'GeometryCollection':
      return minOf(g.geometries, (m) => distanceTo(x, y, m));
  }
}

/** The smallest value of f over items (Infinity for none); a loop, as parts may be too many to spread. */
function minOf<T>(items: readonly T[], f: (item: T) => number): number {
  let best = Infinity;
  for (const item of items) best = Math.min(best, f(item));
  return best;
}

function pointDistance(x: number, y: number, p: number[]): number {
  return p.length >= 2 ? Math.hypot(x - p[0]!, y - p[1]!) : Infinity;
}

function lineDistance(x: number, y: number, line: number[][]): number {
  if (line.length === 1) return pointDistance(x, y, line[0]!);
  let best = Infinity;
  for (let i = 1; i < line.length; i++) best = Math.min(best, segmentDistance(x, y, line[i - 1]!, line[i]!));
  return best;
}

function segmentDistance(x: number, y: number, a: number[], b: number[]): number {
  const ax = a[0]!;
  const ay = a[1]!;
  const dx = b[0]! - ax;
  const dy = b[1]! - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Inside (even-odd over the exterior and its holes) → 0, else the distance to the nearest ring. */
function polygonDistance(x: number, y: number, rings: number[][][]): number {
  let inside = false;
  for (const ring of rings) if (ringContains(ring, x, y)) inside = !inside;
  if (inside) return 0;
  return minOf(rings, (r) => lineDistance(x, y, r));
}

function ringContains(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!;
    const yi = ring[i]![1]!;
    const xj = ring[j]![0]!;
    const yj = ring[j]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** WKT of a geometry as QGIS 3 writes it, coordinates rounded to `precision` decimals. */
export function toWkt(g: Geometry, precision: number): string {
  const pt = (p: number[]) => `${coord(p[0]!, precision)} ${coord(p[1]!, precision)}`;
  const seq = (ps: number[][]) => `(${ps.map(pt).join(', ')})`;
  const rings = (rs: number[][][]) => `(${rs.map(seq).join(',')})`;
  switch (g.type) {
    case 'Point':
      return g.coordinates.length >= 2 ? `Point (${pt(g.coordinates)})` : 'Point EMPTY';
    case 'MultiPoint':
      return `MultiPoint (${g.coordinates.map((p) => `(${pt(p)})`).join(',')})`;
    case 'LineString':
      return `LineString ${seq(g.coordinates)}`;
    case 'MultiLineString':
      return `MultiLineString (${g.coordinates.map(seq).join(',')})`;
    case 'Polygon':
      return `Polygon ${rings(g.coordinates)}`;
    case 'MultiPolygon':
      return `MultiPolygon (${g.coordinates.map(rings).join(',')})`;
    case 'GeometryCollection':
      return `GeometryCollection (${g.geometries.map((m) => toWkt(m, precision)).join(',')})`;
  }
}
