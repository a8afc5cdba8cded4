/**
 * Pole of inaccessibility: the point inside a polygon farthest from its outline, found by
 * subdividing square cells best-first (the idea of Mapbox's polylabel). Polygon labels go there
 * rather than at the bbox centre or centroid, which may lie outside a concave shape.
 */
import type { Points } from './clip.js';

/** A candidate square: centre, half side, distance of its centre to the outline, best possible inside it. */
interface Cell {
  x: number;
  y: number;
  h: number;
  d: number;
  max: number;
}

/** The pole of inaccessibility of rings (outer first, then holes) to within `precision` pixels: [x, y, distance]. */
export function poleOfInaccessibility(rings: readonly Points[], precision = 1): [number, number, number] {
  const outer = rings[0];
  if (!outer || outer.n < 3) return [NaN, NaN, 0];
  let minx = Infinity;
  let miny = Infinity;
  let maxx = -Infinity;
  let maxy = -Infinity;
  for (let i = 0; i < outer.n; i++) {
    const x = outer.xy[i * 2]!;
    const y = outer.xy[i * 2 + 1]!;
    if (x < minx) minx = x;
    if (y < miny) miny = y;
    if (x > maxx) maxx = x;
    if (y > maxy) maxy = y;
  }
  const w = maxx - minx;
  const h = maxy - miny;
  const size = Math.min(w, h);
  if (size <= 0) return [minx, miny, 0];
  const make = (x: number, y: number, half: number): Cell => {
    const d = signedDistance(x, y, rings);
    return { x, y, h: half, d, max: d + half * Math.SQRT2 };
  };
  const queue = new MaxHeap();
  const half = size / 2;
  for (let x = minx; x < maxx; x += size) for (let y = miny; y < maxy; y += size) queue.push(make(x + half, y + half, half));

  let best = centroidCell(rings, make);
  const bboxCell = make(minx + w / 2, miny + h / 2, 0);
  if (bboxCell.d > best.d) best = bboxCell;

  let guard = 0;
  while (queue.size > 0 && guard++ < 10000) {
    const cell = queue.pop()!;
    if (cell.d > best.d) best = cell;
    if (cell.max - best.d <= precision) continue;
    const q = cell.h / 2;
    queue.push(make(cell.x - q, cell.y - q, q));
    queue.push(make(cell.x + q, cell.y - q, q));
    queue.push(make(cell.x - q, cell.y + q, q));
    queue.push(make(cell.x + q, cell.y + q, q));
  }
  return [best.x, best.y, best.d];
}

function centroidCell(rings: readonly Points[], make: (x: number, y: number, h: number) => Cell): Cell {
  const { xy, n } = rings[0]!;
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = xy[i * 2]!, ay = xy[i * 2 + 1]!, bx = xy[j * 2]!, by = xy[j * 2 + 1]!;
    const f = ax * by - bx * ay;
    cx += (ax + bx) * f;
    cy += (ay + by) * f;
    area += f * 3;
  }
  if (area === 0) return make(xy[0]!, xy[1]!, 0);
  return make(cx / area, cy / area, 0);
}

/** Distance from a point to the outline; negative outside the polygon. */
export function signedDistance(x: number, y: number, rings: readonly Points[]): number {
  let inside = false;
  let min = Infinity;
  for (const { xy, n } of rings) {
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ax = xy[i * 2]!, ay = xy[i * 2 + 1]!, bx = xy[j * 2]!, by = xy[j * 2 + 1]!;
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      const d = segmentDistanceSq(x, y, ax, ay, bx, by);
      if (d < min) min = d;
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(min);
}

function segmentDistanceSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  let x = ax;
  let y = ay;
  let dx = bx - x;
  let dy = by - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = bx;
      y = by;
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}

/** A binary max-heap of cells by their best possible distance. */
class MaxHeap {
  private readonly items: Cell[] = [];

  get size(): number {
    return this.items.length;
  }

  push(c: Cell): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.max >= a[i]!.max) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): Cell | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = i * 2 + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.max > a[m]!.max) m = l;
        if (r < a.length && a[r]!.max > a[m]!.max) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
