/**
 * Labels: candidates are collected while layers draw, then placed after all geometry, higher
 * priority first and then in input order, each dropped when it collides with a placed label or
 * does not fit inside the image; the same text placed twice on one spot shows once. Points try four
 * positions around the marker (above-right first) unless the style gives an offset [dx, dy] (pixels
 * at 90.7 DPI, x right, y down), which puts the label's bottom-left corner there; lines run
 * straight along the middle of their longest visible part (kept upright); polygons are centred on
 * the pole of inaccessibility of their largest visible part.
 */
import type { CanvasRenderingContext2D } from 'canvas';
import type { Feature, Geometry } from '../data/types.js';
import type { LabelPlacement, LabelStyle } from '../project/model.js';
import { clipLine, clipRing, ringArea, type Points } from './clip.js';
import { colorOrDefault, cssColor } from './color.js';
import { copy, type PathTracer } from './geometry-path.js';
import { LabelIndex, type Box } from './label-index.js';
import {
  aroundPoint, collectLines, collectPolygons, geometryKind, lineLength, maxDeviation, pointAlong, rotatedBoxes, type LabelMode,
} from './label-geometry.js';
import { poleOfInaccessibility, signedDistance } from './polylabel.js';
import { inScaleRange } from './scale.js';
import { labelExpression } from './style-eval.js';
import { cssFont, textExtent, textWidth } from './text.js';

/** A label style resolved for one render (device pixels). */
interface ResolvedLabelStyle {
  source: LabelStyle;
  font: string;
  color: string;
  halo: { color: string; width: number } | null;
  dx: number;
  dy: number;
  ascent: number;
  descent: number;
  priority: number;
}

/** A label waiting for placement; its text is evaluated only if it gets past the quick collision test. */
interface Candidate {
  style: ResolvedLabelStyle;
  feature: Feature;
  text: string | null | undefined;
  mode: LabelMode;
  x: number;
  y: number;
  /** Distance kept from the anchor (marker radius) in point mode. */
  gap: number;
  line: Points | null;
  /** Polygon mode: the visible rings of the labelled part, for trying positions other than the pole. */
  rings: Points[] | null;
}

/** A placed label, ready to draw. */
interface Placed {
  c: Candidate;
  x: number;
  y: number;
  angle: number;
  width: number;
}

/** Collects label candidates during a render, then places and draws them. */
export class LabelEngine {
  private readonly candidates: Candidate[] = [];
  private readonly styles = new WeakMap<LabelStyle, ResolvedLabelStyle>();
  private firstPriority: number | undefined;
  private mixedPriorities = false;

  constructor(private readonly tracer: PathTracer, private readonly k: number, private readonly scale: number) {}

  /** Number of candidates collected. */
  get size(): number {
    return this.candidates.length;
  }

  /** Whether a label style applies at this render's scale. */
  active(labels: LabelStyle | undefined): labels is LabelStyle {
    return labels !== undefined && labels.expression.trim() !== '' && inScaleRange(this.scale, labels.minScale, labels.maxScale);
  }

  /** Offers the label of a drawn feature; `markerSize` is the pixel size of its point marker (0 for none). */
  add(labels: LabelStyle, feature: Feature, markerSize: number): void {
    if (!feature.geometry) return;
    const style = this.resolve(labels);
    this.firstPriority ??= style.priority;
    if (style.priority !== this.firstPriority) this.mixedPriorities = true;
    const g = feature.geometry;
    const view = this.tracer.view;
    if (g.type === 'Point' && (labels.placement === 'auto' || labels.placement === 'point' || labels.placement === 'line')) {
      // the common case (city names), without allocations beyond the candidate
      if (g.coordinates.length < 2) return;
      const x = view.px(g.coordinates[0]!);
      const y = view.py(g.coordinates[1]!);
      const gap = markerSize / 2 + 2 * this.k;
      if (!(x >= -gap && y >= -gap && x <= view.width + gap && y <= view.height + gap)) return;
      this.candidates.push({ style, feature, text: undefined, mode: 'point', x, y, gap, line: null, rings: null });
      return;
    }
    const mode = placementFor(labels.placement, g);
    if (mode === 'line') {
      const line = this.visibleLine(feature.geometry);
      if (line) this.candidates.push({ style, feature, text: undefined, mode, x: 0, y: 0, gap: 0, line, rings: null });
      return;
    }
    const polygon = mode === 'polygon' ? this.visiblePolygon(feature.geometry) : null;
    const anchor = polygon ? pole(polygon) : this.anchor(feature.geometry);
    if (!anchor) return;
    const gap = mode === 'point' ? markerSize / 2 + 2 * this.k : 0;
    const [x, y] = anchor;
    if (x < -gap || y < -gap || x > view.width + gap || y > view.height + gap) return;
    this.candidates.push({ style, feature, text: undefined, mode, x, y, gap, line: null, rings: polygon });
  }

  /** Places candidates (priority, then input order) and draws those that fit; returns how many were drawn. */
  draw(ctx: CanvasRenderingContext2D): number {
    const { width, height } = this.tracer.view;
    const index = new LabelIndex(width, height);
    let order = this.candidates;
    if (this.mixedPriorities) order = [...order].sort((a, b) => b.style.priority - a.style.priority); // stable: input order within a priority
    const placed: Placed[] = [];
    const anchors = new Map<string, Array<[number, number]>>();
    for (const c of order) {
      if (c.mode === 'point' && quickReject(c, index)) continue;
      c.text = labelText(c.style.source, c.feature);
      if (c.text === null) continue;
      if (c.mode !== 'line' && duplicate(anchors, c)) continue;
      const p = this.place(c, index, width, height);
      if (!p) continue;
      placed.push(p);
      if (c.mode !== 'line') {
        const list = anchors.get(c.text) ?? [];
        list.push([c.x, c.y]);
        anchors.set(c.text, list);
      }
    }
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.setLineDash([]);
    ctx.lineJoin = 'round';
    for (const p of placed) drawLabel(ctx, p);
    return placed.length;
  }

  private resolve(labels: LabelStyle): ResolvedLabelStyle {
    let r = this.styles.get(labels);
    if (r) return r;
    const px = Math.max(1, (labels.size * this.k * 90.7) / 72);
    const font = cssFont(labels.font, px);
    const { ascent, descent } = textExtent(font);
    const haloRgba = labels.halo ? colorOrDefault(labels.halo.color) : null;
    r = {
      source: labels,
      font,
      color: cssColor(colorOrDefault(labels.color, [0, 0, 0, 255])),
      halo: labels.halo && haloRgba && haloRgba[3] > 0 && labels.halo.width > 0 ? { color: cssColor(haloRgba), width: labels.halo.width * this.k } : null,
      dx: (labels.offset?.[0] ?? 0) * this.k,
      dy: (labels.offset?.[1] ?? 0) * this.k,
      ascent,
      descent,
      priority: labels.priority ?? 0,
    };
    this.styles.set(labels, r);
    return r;
  }

  /** Anchor point in pixels: the point itself, a line's middle, a polygon's pole of inaccessibility. */
  private anchor(g: Geometry): [number, number] | null {
    const view = this.tracer.view;
    switch (g.type) {
      case 'Point':
        return g.coordinates.length >= 2 ? [view.px(g.coordinates[0]!), view.py(g.coordinates[1]!)] : null;
      case 'MultiPoint': {
        const inView = g.coordinates.map((c) => [view.px(c[0]!), view.py(c[1]!)] as [number, number])
          .find(([x, y]) => x >= 0 && y >= 0 && x <= view.width && y <= view.height);
        return inView ?? null;
      }
      case 'LineString':
      case 'MultiLineString': {
        const line = this.visibleLine(g);
        return line ? pointAlong(line, lineLength(line) / 2) : null;
      }
      case 'Polygon':
      case 'MultiPolygon': {
        const rings = this.visiblePolygon(g);
        return rings ? pole(rings) : null;
      }
      case 'GeometryCollection':
        for (const part of g.geometries) {
          const a = this.anchor(part);
          if (a) return a;
        }
        return null;
    }
  }

  /** The visible rings (pixels) of the largest visible part of a polygon geometry. */
  private visiblePolygon(g: Geometry): Points[] | null {
    const polygons: (readonly (readonly (readonly number[])[])[])[] = [];
    collectPolygons(g, polygons);
    const view = this.tracer.view;
    const rect = [0, 0, view.width, view.height] as const;
    let best: Points[] | null = null;
    let bestArea = 0;
    for (const rings of polygons) {
      if (rings.length === 0) continue;
      const outer = clipRing(copy(this.tracer.toPixels(rings[0]!)), rect);
      const area = outer.n >= 3 ? Math.abs(ringArea(outer)) : 0;
      if (area <= bestArea) continue;
      const holes = rings.slice(1).map((h) => clipRing(copy(this.tracer.toPixels(h)), rect)).filter((h) => h.n >= 3);
      best = [outer, ...holes];
      bestArea = area;
    }
    return best && bestArea >= 1 ? best : null;
  }

  /** The longest visible piece of a line (or of a polygon's outline), in pixels. */
  private visibleLine(g: Geometry): Points | null {
    const lines: (readonly (readonly number[])[])[] = [];
    collectLines(g, lines);
    const view = this.tracer.view;
    const rect = [0, 0, view.width, view.height] as const;
    let best: Points | null = null;
    let bestLen = 0;
    for (const coords of lines) {
      const pts = this.tracer.toPixels(coords);
      if (pts.n < 2) continue;
      for (const part of clipLine(copy(pts), rect)) {
        const len = lineLength(part);
        if (len > bestLen) {
          best = part;
          bestLen = len;
        }
      }
    }
    return best;
  }

  private place(c: Candidate, index: LabelIndex, width: number, height: number): Placed | null {
    const s = c.style;
    const text = c.text!;
    const w = textWidth(text, s.font);
    const h = s.ascent + s.descent;
    const pad = s.halo ? s.halo.width : 0;
    const fits = (b: Box): boolean => b[0] >= 0 && b[1] >= 0 && b[2] <= width && b[3] <= height;
    if (c.mode === 'line') return placeAlong(c, w, h, pad, index, fits);
    const ax = c.x + s.dx;
    const ay = c.y + s.dy;
    let positions: Array<[number, number]>;
    if (c.mode === 'polygon') positions = insidePolygon(c, ax, ay, w, h);
    else if (s.dx !== 0 || s.dy !== 0) positions = [[ax, ay - h]]; // an explicit offset fixes the position
    else positions = aroundPoint(ax, ay, w, h, c.gap * Math.SQRT1_2);
    for (const [left, top] of positions) {
      const box: Box = [left - pad, top - pad, left + w + pad, top + h + pad];
      if (!fits(box) || index.collides(box)) continue;
      index.insert(box);
      return { c, x: left, y: top + s.ascent, angle: 0, width: w };
    }
    return null;
  }
}

/** The pole of inaccessibility of rings, or null. */
function pole(rings: Points[]): [number, number] | null {
  const [x, y] = poleOfInaccessibility(rings, 1);
  return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
}

/**
 * Top-left corners for a label centred in a polygon: at the pole first, then shifted up, down and
 * sideways, as long as the label centre stays well inside the polygon.
 */
function insidePolygon(c: Candidate, ax: number, ay: number, w: number, h: number): Array<[number, number]> {
  const out: Array<[number, number]> = [[ax - w / 2, ay - h / 2]];
  if (!c.rings) return out;
  const shifts = [[0, 1.5], [0, -1.5], [0.5, 0], [-0.5, 0], [0, 3], [0, -3], [0.5, 1.5], [-0.5, 1.5], [0.5, -1.5], [-0.5, -1.5]];
  for (const [fx, fy] of shifts) {
    const x = ax + fx! * w;
    const y = ay + fy! * h;
    if (signedDistance(x, y, c.rings) >= h / 2) out.push([x - w / 2, y - h / 2]);
  }
  return out;
}

/**
 * Whether every position a point label could take certainly collides. Whatever its text, a label at
 * least 2 px wide covers the pixel column next to its anchor side, over its full (known) height; a
 * position is taken if any pixel of that column lies inside a placed box. Saves evaluating and
 * measuring the text of most labels in crowded maps.
 */
function quickReject(c: Candidate, index: LabelIndex): boolean {
  const s = c.style;
  const h = s.ascent + s.descent;
  if (h < 2) return false;
  const ax = c.x + s.dx;
  const ay = c.y + s.dy;
  if (s.dx !== 0 || s.dy !== 0) return columnTaken(index, ax + 1, ay - h, ay);
  const d = c.gap * Math.SQRT1_2;
  return columnTaken(index, ax + d + 1, ay - d - h, ay - d) && columnTaken(index, ax - d - 1, ay - d - h, ay - d)
    && columnTaken(index, ax + d + 1, ay + d, ay + d + h) && columnTaken(index, ax - d - 1, ay + d, ay + d + h);
}

/** Whether a pixel of column floor(x), rows wholly inside [top, bottom], is covered by a placed label. */
function columnTaken(index: LabelIndex, x: number, top: number, bottom: number): boolean {
  for (let y = Math.ceil(top); y + 1 <= bottom; y++) if (index.isCovered(x, y)) return true;
  return false;
}

/** Whether the same text was already placed at (nearly) the same anchor: identical labels on one spot show once. */
function duplicate(anchors: Map<string, Array<[number, number]>>, c: Candidate): boolean {
  const near = c.style.ascent + c.style.descent;
  return (anchors.get(c.text!) ?? []).some(([x, y]) => Math.abs(x - c.x) < near && Math.abs(y - c.y) < near);
}

/** Straight label along a line: tried at the middle, then at other stations, where the line is straight enough. */
function placeAlong(c: Candidate, w: number, h: number, pad: number, index: LabelIndex, fits: (b: Box) => boolean): Placed | null {
  const line = c.line!;
  const len = lineLength(line);
  if (w > len) return null;
  for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) {
    const mid = len * f;
    if (mid - w / 2 < 0 || mid + w / 2 > len) continue;
    const a = pointAlong(line, mid - w / 2);
    const b = pointAlong(line, mid + w / 2);
    if (!a || !b) continue;
    if (maxDeviation(line, mid - w / 2, mid + w / 2, a, b) > h * 0.6) continue;
    let angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
    if (angle > Math.PI / 2) angle -= Math.PI;
    else if (angle < -Math.PI / 2) angle += Math.PI;
    const cx = (a[0] + b[0]) / 2;
    const cy = (a[1] + b[1]) / 2;
    const boxes = rotatedBoxes(cx, cy, w, h, angle, pad);
    if (!boxes.every(fits) || index.collidesAny(boxes)) continue;
    for (const box of boxes) index.insert(box);
    return { c, x: cx, y: cy, angle, width: w };
  }
  return null;
}

function drawLabel(ctx: CanvasRenderingContext2D, p: Placed): void {
  const s = p.c.style;
  const text = p.c.text!;
  if (ctx.font !== s.font) ctx.font = s.font;
  let x = p.x;
  let y = p.y;
  if (p.angle !== 0 || p.c.mode === 'line') {
    ctx.save();
    ctx.translate(p.x, p.y);
    ctx.rotate(p.angle);
    x = -p.width / 2;
    y = (s.ascent - s.descent) / 2;
  }
  if (s.halo) {
    ctx.strokeStyle = s.halo.color;
    ctx.lineWidth = s.halo.width * 2;
    ctx.strokeText(text, x, y);
  }
  ctx.fillStyle = s.color;
  ctx.fillText(text, x, y);
  if (p.angle !== 0 || p.c.mode === 'line') ctx.restore();
}

/** The label text of a feature, or null for none (null, empty, or an expression error). */
function labelText(labels: LabelStyle, feature: Feature): string | null {
  let v: unknown;
  try {
    v = labelExpression(labels).evaluate(feature.attributes);
  } catch {
    return null;
  }
  if (v === null || v === undefined) return null;
  const text = (v instanceof Date ? v.toISOString() : String(v)).replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

/** How a geometry is labelled under a placement setting. */
function placementFor(placement: LabelPlacement, g: Geometry): LabelMode {
  const kind = geometryKind(g);
  if (placement === 'auto') return kind;
  if (placement === 'line' && kind === 'point') return 'point';
  return placement;
}
