/**
 * Map coordinates to pixels and into canvas paths: a precomputed affine transform, vertex decimation
 * (points closer than a fraction of a pixel are dropped), skipping of geometry wholly outside the
 * canvas, and clipping when pixel coordinates would leave cairo's fixed-point range.
 */
import type { CanvasRenderingContext2D } from 'canvas';
import { clipLine, clipRing, type Points, type Rect } from './clip.js';

/** Beyond this many pixels off the canvas, geometry is clipped before cairo sees it. */
const SAFE_RANGE = 1 << 20;
/** Vertices nearer than this (pixels, per axis) to the previous kept one are dropped (QGIS simplifies to 1 px too). */
const DECIMATE = 1;

/** The affine map from CRS x/y to pixel columns/rows of one output grid. */
export class Viewport {
  readonly width: number;
  readonly height: number;
  readonly minx: number;
  readonly maxy: number;
  /** Pixels per CRS unit along x and y. */
  readonly sx: number;
  readonly sy: number;

  constructor(bbox: readonly [number, number, number, number], width: number, height: number) {
    this.width = width;
    this.height = height;
    this.minx = bbox[0];
    this.maxy = bbox[3];
    this.sx = width / (bbox[2] - bbox[0]);
    this.sy = height / (bbox[3] - bbox[1]);
  }

  /** Pixel column of x. */
  px(x: number): number {
    return (x - this.minx) * this.sx;
  }

  /** Pixel row of y. */
  py(y: number): number {
    return (this.maxy - y) * this.sy;
  }
}

/** Pixel bounds of the last converted points. */
interface Bounds {
  minx: number;
  miny: number;
  maxx: number;
  maxy: number;
}

/** Converts coordinate arrays to pixels (into a reused buffer) and traces them into canvas paths. */
export class PathTracer {
  private buf = new Float64Array(1024);
  private readonly bounds: Bounds = { minx: 0, miny: 0, maxx: 0, maxy: 0 };

  constructor(readonly view: Viewport) {}

  /** Pixel coordinates of a coordinate list, decimated (the last vertex is always kept); the buffer is reused by the next call. */
  toPixels(coords: readonly (readonly number[])[]): Points {
    const n = coords.length;
    if (this.buf.length < n * 2) this.buf = new Float64Array(n * 2 + 256);
    const { minx: ox, maxy: oy, sx, sy } = this.view;
    const xy = this.buf;
    const b = this.bounds;
    b.minx = Infinity; b.miny = Infinity; b.maxx = -Infinity; b.maxy = -Infinity;
    let m = 0;
    let lx = NaN;
    let ly = NaN;
    for (let i = 0; i < n; i++) {
      const c = coords[i]!;
      const x = (c[0]! - ox) * sx;
      const y = (oy - c[1]!) * sy;
      if (!(x === x && y === y) || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) continue;
      if (m > 0 && i < n - 1 && Math.abs(x - lx) < DECIMATE && Math.abs(y - ly) < DECIMATE) continue;
      xy[m++] = x;
      xy[m++] = y;
      lx = x;
      ly = y;
      if (x < b.minx) b.minx = x;
      if (x > b.maxx) b.maxx = x;
      if (y < b.miny) b.miny = y;
      if (y > b.maxy) b.maxy = y;
    }
    return { xy, n: m / 2 };
  }

  /**
   * Adds a polygon (outer ring then holes) to the current path, fill rule even-odd.
   * Returns false when nothing was added (degenerate, or wholly outside the canvas + margin).
   */
  polygon(ctx: CanvasRenderingContext2D, rings: readonly (readonly (readonly number[])[])[], margin: number): boolean {
    if (rings.length === 0) return false;
    const rect = this.rect(margin);
    let added = false;
    for (let r = 0; r < rings.length; r++) {
      const pts = this.toPixels(rings[r]!);
      if (pts.n < 3) {
        if (r === 0) return false;
        continue;
      }
      const b = this.bounds;
      if (b.maxx < rect[0] || b.minx > rect[2] || b.maxy < rect[1] || b.miny > rect[3]) {
        if (r === 0) return false; // holes lie inside the outer ring
        continue;
      }
      const ring = this.outOfRange(rect) ? clipRing(copy(pts), rect) : pts;
      if (ring.n < 3) continue;
      traceRing(ctx, ring);
      added = true;
    }
    return added;
  }

  /** Adds a line to the current path; false when nothing was added. */
  line(ctx: CanvasRenderingContext2D, coords: readonly (readonly number[])[], margin: number): boolean {
    const pts = this.toPixels(coords);
    if (pts.n < 2) return false;
    const rect = this.rect(margin);
    const b = this.bounds;
    if (b.maxx < rect[0] || b.minx > rect[2] || b.maxy < rect[1] || b.miny > rect[3]) return false;
    if (!this.outOfRange(rect)) {
      traceOpen(ctx, pts);
      return true;
    }
    const parts = clipLine(copy(pts), rect);
    for (const p of parts) traceOpen(ctx, p);
    return parts.length > 0;
  }

  /** The canvas grown by `margin` pixels on each side. */
  rect(margin: number): Rect {
    return [-margin, -margin, this.view.width + margin, this.view.height + margin];
  }

  private outOfRange(rect: Rect): boolean {
    const b = this.bounds;
    return b.minx < rect[0] - SAFE_RANGE || b.miny < rect[1] - SAFE_RANGE || b.maxx > rect[2] + SAFE_RANGE || b.maxy > rect[3] + SAFE_RANGE;
  }
}

/** A standalone copy of points held in the reused buffer. */
export function copy(p: Points): Points {
  return { xy: p.xy.slice(0, p.n * 2), n: p.n };
}

function traceRing(ctx: CanvasRenderingContext2D, p: Points): void {
  const { xy, n } = p;
  ctx.moveTo(xy[0]!, xy[1]!);
  for (let i = 1; i < n; i++) ctx.lineTo(xy[i * 2]!, xy[i * 2 + 1]!);
  ctx.closePath();
}

function traceOpen(ctx: CanvasRenderingContext2D, p: Points): void {
  const { xy, n } = p;
  ctx.moveTo(xy[0]!, xy[1]!);
  for (let i = 1; i < n; i++) ctx.lineTo(xy[i * 2]!, xy[i * 2 + 1]!);
}
