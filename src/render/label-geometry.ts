/** Pixel geometry for label placement: candidate positions, lines walked by distance, collision boxes. */
import type { Geometry } from '../data/types.js';
import type { Points } from './clip.js';
import type { Box } from './label-index.js';

/** How a feature is labelled. */
export type LabelMode = 'point' | 'line' | 'polygon';

/** Top-left corners around a point: above-right, above-left, below-right, below-left. */
export function aroundPoint(x: number, y: number, w: number, h: number, d: number): Array<[number, number]> {
  return [[x + d, y - d - h], [x - d - w, y - d - h], [x + d, y + d], [x - d - w, y + d]];
}

/** Squares of the label's height along its baseline: a tight cover of a rotated label. */
export function rotatedBoxes(cx: number, cy: number, w: number, h: number, angle: number, pad: number): Box[] {
  const n = Math.max(1, Math.ceil(w / h));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const half = h / 2 + pad;
  const boxes: Box[] = [];
  for (let i = 0; i < n; i++) {
    const t = -w / 2 + (w * (i + 0.5)) / n;
    const x = cx + t * cos;
    const y = cy + t * sin;
    const r = Math.max(half, (w / n / 2) * Math.abs(cos) + half * Math.abs(sin));
    const r2 = Math.max(half, (w / n / 2) * Math.abs(sin) + half * Math.abs(cos));
    boxes.push([x - r, y - r2, x + r, y + r2]);
  }
  return boxes;
}

/** Point, line or polygon for a (multi) geometry type name; null for collections and generic types. */
export function kindOfType(type: string): LabelMode | null {
  switch (type) {
    case 'Point':
    case 'MultiPoint':
      return 'point';
    case 'LineString':
    case 'MultiLineString':
      return 'line';
    case 'Polygon':
    case 'MultiPolygon':
      return 'polygon';
    default:
      return null;
  }
}

/** How a geometry is labelled by default: point, line or polygon. */
export function geometryKind(g: Geometry): LabelMode {
  if (g.type === 'GeometryCollection') return g.geometries.length > 0 ? geometryKind(g.geometries[0]!) : 'point';
  return kindOfType(g.type) ?? 'point';
}

/** The polygons (ring lists) of a geometry. */
export function collectPolygons(g: Geometry, out: (readonly (readonly (readonly number[])[])[])[]): void {
  switch (g.type) {
    case 'Polygon': out.push(g.coordinates); break;
    case 'MultiPolygon': out.push(...g.coordinates); break;
    case 'GeometryCollection': for (const part of g.geometries) collectPolygons(part, out); break;
    default: break;
  }
}

/** The lines of a geometry (a polygon's outer rings count as lines). */
export function collectLines(g: Geometry, out: (readonly (readonly number[])[])[]): void {
  switch (g.type) {
    case 'LineString': out.push(g.coordinates); break;
    case 'MultiLineString': out.push(...g.coordinates); break;
    case 'Polygon': if (g.coordinates[0]) out.push(g.coordinates[0]); break;
    case 'MultiPolygon': for (const p of g.coordinates) if (p[0]) out.push(p[0]); break;
    case 'GeometryCollection': for (const part of g.geometries) collectLines(part, out); break;
    default: break;
  }
}

/** Length of a pixel line. */
export function lineLength(p: Points): number {
  let len = 0;
  for (let i = 1; i < p.n; i++) len += Math.hypot(p.xy[i * 2]! - p.xy[i * 2 - 2]!, p.xy[i * 2 + 1]! - p.xy[i * 2 - 1]!);
  return len;
}

/** The point at distance `d` along a line. */
export function pointAlong(p: Points, d: number): [number, number] | null {
  let acc = 0;
  for (let i = 1; i < p.n; i++) {
    const x0 = p.xy[i * 2 - 2]!, y0 = p.xy[i * 2 - 1]!, x1 = p.xy[i * 2]!, y1 = p.xy[i * 2 + 1]!;
    const seg = Math.hypot(x1 - x0, y1 - y0);
    if (acc + seg >= d && seg > 0) {
      const t = (d - acc) / seg;
      return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
    }
    acc += seg;
  }
  return p.n > 0 ? [p.xy[(p.n - 1) * 2]!, p.xy[(p.n - 1) * 2 + 1]!] : null;
}

/** Largest distance of the line's vertices between stations d0 and d1 from the chord a–b. */
export function maxDeviation(p: Points, d0: number, d1: number, a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  let acc = 0;
  let max = 0;
  for (let i = 1; i < p.n; i++) {
    acc += Math.hypot(p.xy[i * 2]! - p.xy[i * 2 - 2]!, p.xy[i * 2 + 1]! - p.xy[i * 2 - 1]!);
    if (acc <= d0) continue;
    if (acc >= d1) break;
    const dist = Math.abs((p.xy[i * 2]! - a[0]) * dy - (p.xy[i * 2 + 1]! - a[1]) * dx) / len;
    if (dist > max) max = dist;
  }
  return max;
}
