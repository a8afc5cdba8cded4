/**
 * Geometries of a layer snapshot in flat typed arrays: per feature a type, parts, rings and coordinates
 * (x/y pairs in one Float64Array), with the bbox of each feature. Built from the GeoJSON GDAL writes, turned
 * back into GeoJSON on read, and tested against a rectangle with the semantics of GDAL's spatial filter
 * (closed rectangle, exact intersection, features without geometry never match).
 */
import type { Geometry } from './types.js';

/** Geometry type codes (0: none). */
const TYPES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'] as const;
const CODE: Record<string, number> = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6 };

/** Geometry a snapshot cannot hold (collections, Z/M coordinates, unknown types): the layer stays on the GDAL path. */
export class UnsupportedGeometry extends Error {}

/** Flat geometries of n features. */
export interface GeometryStore {
  readonly count: number;
  /** Type code per feature (0: no geometry). */
  readonly types: Uint8Array;
  /** Feature i's parts are partStart[i] .. partStart[i+1]. */
  readonly partStart: Uint32Array;
  /** Part p's rings are ringStart[p] .. ringStart[p+1]. */
  readonly ringStart: Uint32Array;
  /** Ring r's points are pointStart[r] .. pointStart[r+1] (x at 2k, y at 2k+1 of coords). */
  readonly pointStart: Uint32Array;
  readonly coords: Float64Array;
  /** minx, miny, maxx, maxy per feature (NaN without geometry). */
  readonly bounds: Float64Array;
  /** Bytes held. */
  readonly bytes: number;
}

/** Accumulates geometries, then freezes them into a GeometryStore. */
export class GeometryBuilder {
  #types: number[] = [];
  #parts: number[] = [0];
  #rings: number[] = [0];
  #points: number[] = [0];
  #coords: number[] = [];

  /** Adds one feature's geometry (null: none); throws UnsupportedGeometry for what a snapshot cannot hold. */
  add(g: unknown): void {
    const geom = g as { type?: string; coordinates?: unknown } | null | undefined;
    if (!geom) {
      this.#types.push(0);
      this.#parts.push(this.#rings.length - 1);
      return;
    }
    const code = geom.type ? CODE[geom.type] : undefined;
    if (!code) throw new UnsupportedGeometry(`geometry type ${String(geom.type)}`);
    const c = geom.coordinates as unknown[];
    switch (code) {
      case 1: this.#ring([c as number[]]); break;
      case 2: this.#ring(c as number[][]); break;
      case 3: for (const r of c as number[][][]) this.#ring(r); break;
      case 4: for (const p of c as number[][]) { this.#ring([p]); this.#endPart(); } break;
      case 5: for (const l of c as number[][][]) { this.#ring(l); this.#endPart(); } break;
      case 6: for (const poly of c as number[][][][]) { for (const r of poly) this.#ring(r); this.#endPart(); } break;
    }
    if (code <= 3) this.#endPart();
    this.#types.push(code);
    this.#parts.push(this.#rings.length - 1);
  }

  #ring(points: number[][]): void {
    for (const p of points) {
      if (p.length !== 2) throw new UnsupportedGeometry('coordinates with Z or M');
      this.#coords.push(p[0]!, p[1]!);
    }
    this.#points.push(this.#coords.length / 2);
  }

  #endPart(): void {
    this.#rings.push(this.#points.length - 1);
  }

  /** The store (the builder is spent). */
  build(): GeometryStore {
    const n = this.#types.length;
    const types = Uint8Array.from(this.#types);
    // #parts holds ring indices at part ends; convert to "part p's rings" with part-level starts.
    const partEnds = this.#rings;
    const partStart = Uint32Array.from(this.#parts);
    const ringStart = Uint32Array.from(partEnds);
    const pointStart = Uint32Array.from(this.#points);
    const coords = Float64Array.from(this.#coords);
    const bounds = new Float64Array(n * 4).fill(NaN);
    for (let i = 0; i < n; i++) {
      if (types[i] === 0) continue;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      const a = pointStart[ringStart[partStart[i]!]!]!;
      const b = pointStart[ringStart[partStart[i + 1]!]!]!;
      for (let k = a; k < b; k++) {
        const x = coords[2 * k]!, y = coords[2 * k + 1]!;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      if (b > a) bounds.set([x0, y0, x1, y1], i * 4);
      else types[i] = 0; // empty geometry: GDAL's spatial filter never matches it; written as null
    }
    this.#types = this.#parts = this.#rings = this.#points = this.#coords = [];
    const bytes = types.byteLength + partStart.byteLength + ringStart.byteLength + pointStart.byteLength + coords.byteLength + bounds.byteLength;
    return { count: n, types, partStart, ringStart, pointStart, coords, bounds, bytes };
  }
}

/** Feature i's geometry as GeoJSON (fresh arrays: the caller may keep or change them). */
export function toGeoJSON(s: GeometryStore, i: number): Geometry | null {
  const code = s.types[i]!;
  if (code === 0) return null;
  const p0 = s.partStart[i]!, p1 = s.partStart[i + 1]!;
  const ring = (r: number): number[][] => {
    const a = s.pointStart[r]!, b = s.pointStart[r + 1]!;
    const out = new Array<number[]>(b - a);
    for (let k = a; k < b; k++) out[k - a] = [s.coords[2 * k]!, s.coords[2 * k + 1]!];
    return out;
  };
  const rings = (p: number): number[][][] => {
    const out: number[][][] = [];
    for (let r = s.ringStart[p]!; r < s.ringStart[p + 1]!; r++) out.push(ring(r));
    return out;
  };
  switch (TYPES[code]) {
    case 'Point': return { type: 'Point', coordinates: ring(s.ringStart[p0]!)[0]! };
    case 'LineString': return { type: 'LineString', coordinates: ring(s.ringStart[p0]!) };
    case 'Polygon': return { type: 'Polygon', coordinates: rings(p0) };
    case 'MultiPoint': {
      const out: number[][] = [];
      for (let p = p0; p < p1; p++) out.push(ring(s.ringStart[p]!)[0]!);
      return { type: 'MultiPoint', coordinates: out };
    }
    case 'MultiLineString': {
      const out: number[][][] = [];
      for (let p = p0; p < p1; p++) out.push(ring(s.ringStart[p]!));
      return { type: 'MultiLineString', coordinates: out };
    }
    default: {
      const out: number[][][][] = [];
      for (let p = p0; p < p1; p++) out.push(rings(p));
      return { type: 'MultiPolygon', coordinates: out };
    }
  }
}

/**
 * Whether feature i's geometry intersects the closed rectangle (GDAL's spatial filter: exact intersection
 * through GEOS, boundaries included; no geometry never matches).
 */
export function intersectsRect(s: GeometryStore, i: number, x0: number, y0: number, x1: number, y1: number): boolean {
  const code = s.types[i]!;
  if (code === 0) return false;
  const b = s.bounds;
  const bx0 = b[4 * i]!, by0 = b[4 * i + 1]!, bx1 = b[4 * i + 2]!, by1 = b[4 * i + 3]!;
  if (bx0 > x1 || bx1 < x0 || by0 > y1 || by1 < y0) return false;
  if (bx0 >= x0 && bx1 <= x1 && by0 >= y0 && by1 <= y1) return true;
  const c = s.coords;
  const p0 = s.partStart[i]!, p1 = s.partStart[i + 1]!;
  // Any vertex inside, any segment crossing: true (points, lines and polygon boundaries).
  for (let p = p0; p < p1; p++) {
    for (let r = s.ringStart[p]!; r < s.ringStart[p + 1]!; r++) {
      const a = s.pointStart[r]!, e = s.pointStart[r + 1]!;
      for (let k = a; k < e; k++) {
        const x = c[2 * k]!, y = c[2 * k + 1]!;
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) return true;
        if (k > a && segmentHitsRect(c[2 * k - 2]!, c[2 * k - 1]!, x, y, x0, y0, x1, y1)) return true;
      }
    }
  }
  if (code !== 3 && code !== 6) return false;
  // No boundary touches the rectangle: it intersects only when it lies inside a polygon (its corner does).
  for (let p = p0; p < p1; p++) {
    const r0 = s.ringStart[p]!, r1 = s.ringStart[p + 1]!;
    if (r1 <= r0 || !inRing(s, r0, x0, y0)) continue;
    let inHole = false;
    for (let r = r0 + 1; r < r1 && !inHole; r++) inHole = inRing(s, r, x0, y0);
    if (!inHole) return true;
  }
  return false;
}

function inRing(s: GeometryStore, r: number, x: number, y: number): boolean {
  const c = s.coords;
  const a = s.pointStart[r]!, e = s.pointStart[r + 1]!;
  let inside = false;
  for (let k = a, j = e - 1; k < e; j = k++) {
    const xi = c[2 * k]!, yi = c[2 * k + 1]!, xj = c[2 * j]!, yj = c[2 * j + 1]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Liang–Barsky: whether segment (ax,ay)-(bx,by) meets the closed rectangle. */
function segmentHitsRect(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): boolean {
  if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0 || Math.min(ay, by) > y1) return false;
  let t0 = 0, t1 = 1;
  const dx = bx - ax, dy = by - ay;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, ax - x0) && clip(dx, x1 - ax) && clip(-dy, ay - y0) && clip(dy, y1 - ay) && t0 <= t1;
}
