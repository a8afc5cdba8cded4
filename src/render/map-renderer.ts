/**
 * The map renderer: draws an ordered list of vector and raster layers onto one canvas (bottom to top),
 * then the labels of all layers on top. Scale ranges of layers, rules and labels are tested against
 * the OGC scale denominator of the request (see scale.ts).
 */
import { createCanvas, type Canvas, type CanvasRenderingContext2D } from 'canvas';
import { InvalidParameterError } from '../errors/ogc-error.js';
import type { LayerDef, VectorStyle } from '../project/model.js';
import { colorOrDefault, cssColor } from './color.js';
import { PathTracer, Viewport } from './geometry-path.js';
import { LabelEngine } from './labels.js';
import { rasterToCanvas } from './raster.js';
import { inScaleRange, scaleDenominator } from './scale.js';
import { compileStyle } from './style-eval.js';
import { OGC_DPI, type MapRequest, type RenderLayer, type RenderStats } from './types.js';
import { drawVectorLayer } from './vector-layer.js';

/** A rendered map and what happened while drawing it. */
export interface RenderedMap {
  canvas: Canvas;
  stats: RenderStats;
}

/** The scale denominator a request renders at. */
export function mapScale(req: Pick<MapRequest, 'bbox' | 'width' | 'metersPerUnit' | 'dpi'>): number {
  return scaleDenominator(req.bbox, req.width, req.metersPerUnit ?? 1, req.dpi ?? OGC_DPI);
}

/**
 * Whether a layer draws anything at `scale`: its own scale range and, for a vector layer, at least
 * one rule of its style in range. Callers use it to avoid reading layers that would not be drawn.
 */
export function layerVisibleAtScale(def: LayerDef, style: RenderLayer['style'] | undefined, scale: number): boolean {
  if (!inScaleRange(scale, def.minScale, def.maxScale)) return false;
  if (def.kind === 'vector' && style && isVectorStyle(style)) return compileStyle(style).atScale(scale).active;
  return true;
}

function isVectorStyle(style: RenderLayer['style']): style is VectorStyle {
  return style.type === 'single' || style.type === 'categorized' || style.type === 'graduated' || style.type === 'rules';
}

/** Draws the layers of a map request onto a new canvas. */
export async function renderMap(req: MapRequest): Promise<RenderedMap> {
  const { width, height, bbox } = req;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new InvalidParameterError('WIDTH', `The image size ${width}x${height} is not valid`);
  }
  if (!bbox.every(Number.isFinite) || !(bbox[2] > bbox[0] && bbox[3] > bbox[1])) {
    throw new InvalidParameterError('BBOX', 'The BBOX is empty or not valid');
  }
  const dpi = req.dpi && req.dpi > 0 ? req.dpi : OGC_DPI;
  const k = dpi / OGC_DPI;
  const scale = mapScale({ ...req, dpi });
  const stats: RenderStats = { scale, featuresRead: 0, featuresDrawn: 0, labelCandidates: 0, labelsPlaced: 0, rastersDrawn: 0, layersSkipped: [] };
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!req.transparent) {
    ctx.fillStyle = cssColor(colorOrDefault(req.background, [255, 255, 255, 255]));
    ctx.fillRect(0, 0, width, height);
  }
  const tracer = new PathTracer(new Viewport(bbox, width, height));
  const labels = new LabelEngine(tracer, k, scale);
  for (const layer of req.layers) {
    req.signal?.throwIfAborted();
    const opacity = Math.max(0, Math.min(1, layer.opacity ?? 1));
    if (opacity === 0 || !layerVisibleAtScale(layer.def, layer.style, scale)) {
      stats.layersSkipped.push(layer.def.name);
      if (layer.kind === 'vector') await closeSource(layer.features);
      continue;
    }
    if (layer.kind === 'raster') {
      drawRaster(ctx, layer, opacity, width, height);
      stats.rastersDrawn++;
      continue;
    }
    const target = opacity < 1 ? createCanvas(width, height) : canvas;
    const env = { tracer, k, scale, labels, stats, ...(req.signal ? { signal: req.signal } : {}) };
    await drawVectorLayer(target.getContext('2d'), layer, env);
    if (target !== canvas) {
      ctx.globalAlpha = opacity;
      ctx.drawImage(target, 0, 0);
      ctx.globalAlpha = 1;
    }
  }
  stats.labelCandidates = labels.size;
  stats.labelsPlaced = labels.draw(ctx);
  return { canvas, stats };
}

function drawRaster(ctx: CanvasRenderingContext2D, layer: Extract<RenderLayer, { kind: 'raster' }>, opacity: number, width: number, height: number): void {
  const image = rasterToCanvas(layer.window, layer.style, opacity, layer.bands);
  if (image.width === width && image.height === height) ctx.drawImage(image, 0, 0);
  else ctx.drawImage(image, 0, 0, width, height);
}

/** Lets a feature stream that will not be read release what it holds. */
async function closeSource(source: unknown): Promise<void> {
  const it = source as { return?: () => unknown };
  if (typeof it.return === 'function') await it.return();
}
