/**
 * Clipping of pixel-space polygons and lines to a rectangle. Used when coordinates would overflow
 * cairo's fixed-point range (deep zooms) and to keep labels on the visible part of a geometry.
 * Coordinates are packed [x0, y0, x1, y1, ...] with a point count.
 */

/** A rectangle [minx, miny, maxx, maxy] in pixels. */
export type Rect = readonly [number, number, number, number];

/** Packed points and how many of them are used. */
export interface Points {
  xy: Float64Array;
  n: number;
}

/** Clips a closed ring (Sutherland–Hodgman); the result may be empty (n < 3). */
export function clipRing(ring: Points, rect: Rect): Points {
  const { xy, n } = ring;
  let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[i * 2]!;
    const y = xy[i * 2 + 1]!;
    if (x < minx) minx = x;
    if (x > maxx) maxx = x;
    if (y < miny) miny = y;
    if (y > maxy) maxy = y;
  }
  if (minx >= rect[0] && maxx <= rect[2] && miny >= rect[1] && maxy <= rect[3]) return ring;
  if (maxx < rect[0] || minx > rect[2] || maxy < rect[1] || miny > rect[3]) return { xy: new Float64Array(0), n: 0 };
  let cur = ring;
  for (let edge = 0; edge < 4 && cur.n > 0; edge++) cur = clipEdge(cur, edge, rect);
  return cur;
}

function inside(x: number, y: number, edge: number, r: Rect): boolean {
  switch (edge) {
    case 0: return x >= r[0];
    case 1: return x <= r[2];
    case 2: return y >= r[1];
    default: return y <= r[3];
  }
}

function clipEdge(src: Points, edge: number, r: Rect): Points {
  const out = new Float64Array(src.n * 4 + 8);
  let m = 0;
  const { xy, n } = src;
  let px = xy[(n - 1) * 2]!;
  let py = xy[(n - 1) * 2 + 1]!;
  let pIn = inside(px, py, edge, r);
  for (let i = 0; i < n; i++) {
    const x = xy[i * 2]!;
    const y = xy[i * 2 + 1]!;
    const cIn = inside(x, y, edge, r);
    if (cIn !== pIn) {
      const [ix, iy] = intersect(px, py, x, y, edge, r);
      out[m++] = ix;
      out[m++] = iy;
    }
    if (cIn) {
      out[m++] = x;
      out[m++] = y;
    }
    px = x;
    py = y;
    pIn = cIn;
  }
  return { xy: out, n: m / 2 };
}

function intersect(x0: number, y0: number, x1: number, y1: number, edge: number, r: Rect): [number, number] {
  if (edge < 2) {
    const x = edge === 0 ? r[0] : r[2];
    const t = (x - x0) / (x1 - x0);
    return [x, y0 + t * (y1 - y0)];
  }
  const y = edge === 2 ? r[1] : r[3];
  const t = (y - y0) / (y1 - y0);
  return [x0 + t * (x1 - x0), y];
}

/** Clips an open line (Liang–Barsky per segment); returns the visible pieces. */
export function clipLine(line: Points, rect: Rect): Points[] {
  const parts: Points[] = [];
  let cur: number[] = [];
  const flush = (): void => {
    if (cur.length >= 4) parts.push({ xy: Float64Array.from(cur), n: cur.length / 2 });
    cur = [];
  };
  const { xy, n } = line;
  for (let i = 1; i < n; i++) {
    const seg = clipSegment(xy[i * 2 - 2]!, xy[i * 2 - 1]!, xy[i * 2]!, xy[i * 2 + 1]!, rect);
    if (!seg) {
      flush();
      continue;
    }
    const [ax, ay, bx, by, startClipped, endClipped] = seg;
    if (cur.length === 0 || startClipped) {
      flush();
      cur.push(ax, ay);
    }
    cur.push(bx, by);
    if (endClipped) flush();
  }
  flush();
  return parts;
}

/** Liang–Barsky: the visible part of a segment and whether each end was cut, or null. */
function clipSegment(x0: number, y0: number, x1: number, y1: number, r: Rect): [number, number, number, number, boolean, boolean] | null {
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  const p = [-dx, dx, -dy, dy];
  const q = [x0 - r[0], r[2] - x0, y0 - r[1], r[3] - y0];
  for (let k = 0; k < 4; k++) {
    const pk = p[k]!;
    const qk = q[k]!;
    if (pk === 0) {
      if (qk < 0) return null;
      continue;
    }
    const t = qk / pk;
    if (pk < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, t0 > 0, t1 < 1];
}

/** Signed area of a ring (positive when clockwise in y-down pixel space). */
export function ringArea(ring: Points): number {
  const { xy, n } = ring;
  let a = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) a += xy[j * 2]! * xy[i * 2 + 1]! - xy[i * 2]! * xy[j * 2 + 1]!;
  return a / 2;
}
