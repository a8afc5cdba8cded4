/**
 * Draws one vector layer: features are streamed once; each gets its symbols from the compiled style.
 * Polygons are filled (even-odd, so holes stay open) and stroked per feature; consecutive lines that
 * share a symbol are stroked as one path; point markers are queued and composited at the end.
 * Geometry wholly outside the canvas is skipped before it reaches cairo.
 */
import type { CanvasRenderingContext2D } from 'canvas';
import type { Feature, Geometry } from '../data/types.js';
import type { LabelEngine } from './labels.js';
import type { PathTracer } from './geometry-path.js';
import { PointBatch } from './point-sprites.js';
import { compileStyle } from './style-eval.js';
import { resolveSymbol, setStroke, type DrawSymbol } from './symbols.js';
import type { FeatureSource, RenderStats, VectorRenderLayer } from './types.js';

/** Consecutive same-symbol lines are stroked together, at most this many per path. */
const MAX_LINE_RUN = 256;

/** What drawing a layer needs from the map render. */
export interface VectorDrawContext {
  tracer: PathTracer;
  /** Symbol scale: dpi / 90.7. */
  k: number;
  scale: number;
  labels: LabelEngine;
  stats: RenderStats;
  signal?: AbortSignal;
}

/** Draws a vector layer's features onto `ctx` and offers their labels. */
export async function drawVectorLayer(ctx: CanvasRenderingContext2D, layer: VectorRenderLayer, env: VectorDrawContext): Promise<void> {
  const compiled = compileStyle(layer.style);
  const matcher = compiled.atScale(env.scale);
  if (!matcher.active) return;
  const painter = new FeaturePainter(ctx, compiled.symbols.map((s) => resolveSymbol(s, env.k)), env);
  const labels = env.labels.active(layer.style.labels) ? layer.style.labels : undefined;
  const handle = (f: Feature): void => {
    env.stats.featuresRead++;
    if (!f.geometry) return;
    const symbols = matcher.match(f.attributes);
    if (symbols.length === 0) return;
    env.stats.featuresDrawn++;
    for (const i of symbols) painter.draw(f.geometry, i);
    if (labels) env.labels.add(labels, f, painter.markerSize(symbols[0]!));
  };
  await forEachFeature(layer.features, handle, env.signal);
  painter.finish();
}

/** Calls `fn` for every feature of a source (array, iterable, or async stream of features or batches). */
export async function forEachFeature(source: FeatureSource, fn: (f: Feature) => void, signal?: AbortSignal): Promise<void> {
  if (Symbol.iterator in source) {
    let n = 0;
    for (const f of source as Iterable<Feature>) {
      if ((++n & 1023) === 0) signal?.throwIfAborted();
      fn(f);
    }
    return;
  }
  for await (const item of source as AsyncIterable<Feature | readonly Feature[]>) {
    signal?.throwIfAborted();
    if (Array.isArray(item)) for (const f of item as readonly Feature[]) fn(f);
    else fn(item as Feature);
  }
}

/** Draws geometries with resolved symbols, keeping the line run and point queue. */
class FeaturePainter {
  private runSymbol = -1;
  private runLength = 0;
  private readonly points: PointBatch;

  constructor(private readonly ctx: CanvasRenderingContext2D, private readonly symbols: readonly DrawSymbol[], private readonly env: VectorDrawContext) {
    this.points = new PointBatch(symbols);
  }

  markerSize(i: number): number {
    return this.symbols[i]?.size ?? 0;
  }

  draw(g: Geometry, i: number): void {
    const s = this.symbols[i]!;
    switch (g.type) {
      case 'Point':
        this.point(g.coordinates, i, s);
        break;
      case 'MultiPoint':
        for (const c of g.coordinates) this.point(c, i, s);
        break;
      case 'LineString':
        this.line(g.coordinates, i, s);
        break;
      case 'MultiLineString':
        for (const c of g.coordinates) this.line(c, i, s);
        break;
      case 'Polygon':
        this.polygons([g.coordinates], s);
        break;
      case 'MultiPolygon':
        this.polygons(g.coordinates, s);
        break;
      case 'GeometryCollection':
        for (const part of g.geometries) this.draw(part, i);
        break;
    }
  }

  /** Draws what is still queued (the last line run, the point markers). */
  finish(): void {
    this.flushLines();
    const { width, height } = this.env.tracer.view;
    this.points.flush(this.ctx, width, height);
  }

  private point(c: readonly number[], i: number, s: DrawSymbol): void {
    if (c.length < 2 || s.size <= 0) return;
    const view = this.env.tracer.view;
    const x = view.px(c[0]!);
    const y = view.py(c[1]!);
    const m = s.margin;
    if (!(x > -m && y > -m && x < view.width + m && y < view.height + m)) return;
    this.points.add(i, x, y);
  }

  private line(coords: readonly (readonly number[])[], i: number, s: DrawSymbol): void {
    if (!(s.stroke ?? s.fill)) return;
    if (this.runSymbol !== i || this.runLength >= MAX_LINE_RUN) {
      this.flushLines();
      this.ctx.beginPath();
      this.runSymbol = i;
    }
    if (this.env.tracer.line(this.ctx, coords, s.margin)) this.runLength++;
  }

  private flushLines(): void {
    if (this.runSymbol < 0) return;
    const s = this.symbols[this.runSymbol]!;
    if (this.runLength > 0 && setStroke(this.ctx, s, s.stroke ?? s.fill)) {
      this.ctx.globalAlpha = s.opacity;
      this.ctx.lineJoin = 'round';
      this.ctx.lineCap = s.dash.length > 0 ? 'butt' : 'round';
      this.ctx.stroke();
      this.ctx.globalAlpha = 1;
    }
    this.runSymbol = -1;
    this.runLength = 0;
  }

  private polygons(polys: readonly (readonly (readonly (readonly number[])[])[])[], s: DrawSymbol): void {
    if (!s.fill && !s.stroke) return;
    this.flushLines();
    const ctx = this.ctx;
    ctx.beginPath();
    let any = false;
    for (const rings of polys) if (this.env.tracer.polygon(ctx, rings, s.margin)) any = true;
    if (!any) return;
    ctx.globalAlpha = s.opacity;
    if (s.fill) {
      ctx.fillStyle = s.fill;
      ctx.fill('evenodd');
    }
    if (setStroke(ctx, s)) {
      ctx.lineJoin = 'round';
      ctx.lineCap = 'butt';
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }
}
