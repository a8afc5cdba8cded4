import { OgcError, toOgcError } from '../../errors/ogc-error.js';
import { parseParams } from '../../params/table.js';
import type { LayerAccess } from '../../data/index.js';
import type { VectorLayerDef, VectorStyle } from '../../project/model.js';
import {
  contentTypeOf, encodeImage, inScaleRange, labelExpression, layerVisibleAtScale, normalizeImageFormat, parseColor, rasterStyleBands,
  renderExceptionImage, renderMap, styleFields, supportedImageFormats, type ImageFormat, type RenderLayer,
} from '../../render/index.js';
import type { WmsContext } from './context.js';
import { planMap, type MapPlan, type PlannedLayer } from './map-request.js';
import { GET_MAP } from './parameters.js';

type ExceptionMode = 'xml' | 'inimage' | 'blank';

/** WMS GetMap: layers drawn bottom to top with their styles and labels; EXCEPTIONS=INIMAGE / BLANK honoured. */
export async function getMap(ctx: WmsContext): Promise<void> {
  const { request, response } = ctx;
  // FORMAT and EXCEPTIONS first: they decide how any later error is answered.
  const p = parseParams(GET_MAP, request.parameters());
  const format = normalizeImageFormat(p.FORMAT);
  if (!format || !supportedImageFormats().includes(format)) {
    throw new OgcError('InvalidFormat', `FORMAT '${p.FORMAT}' is not supported; use one of: ${supportedImageFormats().join(', ')}`, { locator: 'FORMAT' });
  }
  const mode = exceptionMode(p.EXCEPTIONS);
  const background = parseBgColor(p.BGCOLOR);
  let plan: MapPlan;
  try {
    plan = await planMap(ctx);
  } catch (err) {
    if (mode === 'xml') throw err;
    return answerInImage(ctx, toOgcError(err), mode, format, p.TRANSPARENT, background);
  }
  const layers: RenderLayer[] = [];
  for (const planned of plan.layers) {
    if (!layerVisibleAtScale(planned.def, planned.style, plan.scale)) continue;
    layers.push(await renderLayer(ctx.access, planned, plan, response.signal));
  }
  const { canvas, stats } = await renderMap({
    width: plan.width, height: plan.height, bbox: plan.bbox, metersPerUnit: plan.metersPerUnit, dpi: plan.dpi,
    transparent: p.TRANSPARENT, background, layers, signal: response.signal,
  });
  const body = await encodeImage(canvas, format, { background, continuousTone: stats.rastersDrawn > 0 });
  response.setHeader('Content-Type', contentTypeOf(format));
  response.write(body);
}

/** A layer ready to draw: vector features streamed from the data layer, or the raster window read. */
async function renderLayer(access: LayerAccess, planned: PlannedLayer, plan: MapPlan, signal: AbortSignal): Promise<RenderLayer> {
  const bbox = { crs: plan.crs.id, bounds: plan.bbox };
  if (planned.def.kind === 'raster') {
    const style = planned.style as Extract<RenderLayer, { kind: 'raster' }>['style'];
    const bands = rasterStyleBands(style);
    const window = await access.readRaster(planned.def, { bbox, width: plan.width, height: plan.height, bands, signal });
    return { kind: 'raster', def: planned.def, style, window, bands, opacity: planned.opacity };
  }
  const def = planned.def;
  const style = labelsAllowed(access, def, planned.style as VectorStyle);
  const pixel = (plan.bbox[2] - plan.bbox[0]) / plan.width;
  const labelFields = style.labels ? [...labelExpression(style.labels).referencedFields()] : [];
  const filter = andFilters(planned.filter, activeRulesFilter(style, plan.scale));
  const features = access.readFeatures(def, {
    bbox, targetCrs: plan.crs.id, fields: labelFields, simplify: pixel / 2, signal,
    ...(filter ? { filter } : {}),
  }, { internalFields: styleFields(withoutLabels(style)), clip: true });
  return { kind: 'vector', def, style, features, opacity: planned.opacity };
}

/**
 * What a rule-based style can draw at this scale, as one filter for the data layer: the OR of the
 * filters of the rules in scale range. None when a rule without filter (or an ELSE rule) is in range:
 * then any feature may draw. Features no rule would draw are then never read.
 */
export function activeRulesFilter(style: VectorStyle, scale: number): string | undefined {
  if (style.type !== 'rules') return undefined;
  const active = style.rules.filter((r) => inScaleRange(scale, r.minScale, r.maxScale));
  if (active.length === 0 || active.some((r) => r.else || !r.filter)) return undefined;
  return active.map((r) => `(${r.filter})`).join(' OR ');
}

function andFilters(a: string | undefined, b: string | undefined): string | undefined {
  return a && b ? `(${a}) AND (${b})` : a ?? b;
}

const stripped = new WeakMap<VectorStyle, VectorStyle>();

/** The style without its labels (cached per style object, so the renderer's compiled-style cache still hits). */
function withoutLabels(style: VectorStyle): VectorStyle {
  if (!style.labels) return style;
  let s = stripped.get(style);
  if (!s) {
    s = { ...style } as VectorStyle;
    delete (s as { labels?: unknown }).labels;
    stripped.set(style, s);
  }
  return s;
}

/** Labels print attribute values: a label that needs an attribute this request may not see is not drawn. */
function labelsAllowed(access: LayerAccess, def: VectorLayerDef, style: VectorStyle): VectorStyle {
  if (!style.labels) return style;
  const visible = new Set(access.fields(def).map((f) => f.name));
  for (const f of labelExpression(style.labels).referencedFields()) if (!visible.has(f)) return withoutLabels(style);
  return style;
}

/** EXCEPTIONS: XML (default), INIMAGE, BLANK; 1.1.1 spells them application/vnd.ogc.se_xml, _inimage, _blank. */
function exceptionMode(value: string | undefined): ExceptionMode {
  const v = (value ?? '').trim().toLowerCase();
  if (v.endsWith('inimage')) return 'inimage';
  if (v.endsWith('blank')) return 'blank';
  return 'xml';
}

/** BGCOLOR is 0xRRGGBB. */
function parseBgColor(value: string): string {
  const m = /^(?:0x|#)([0-9a-f]{6})$/i.exec(value.trim());
  if (!m || !parseColor(`#${m[1]}`)) throw new OgcError('InvalidParameterValue', `BGCOLOR ('${value}') must be 0xRRGGBB`, { locator: 'BGCOLOR' });
  return `#${m[1]!.toLowerCase()}`;
}

/** The error drawn into an image of the asked size and format (INIMAGE), or an empty image (BLANK); status 200. */
async function answerInImage(ctx: WmsContext, err: OgcError, mode: ExceptionMode, format: ImageFormat, transparent: boolean, background: string): Promise<void> {
  const q = ctx.request.parameters();
  const size = (name: string) => {
    const n = Number.parseInt(q.get(name) ?? '', 10);
    return Number.isInteger(n) && n > 0 && n <= 4096 ? n : null;
  };
  const width = size('WIDTH');
  const height = size('HEIGHT');
  if (width === null || height === null) throw err; // no sane image size: the XML exception it is
  ctx.iface.log().debug({ code: err.code, message: err.message }, `GetMap error answered as ${mode}`);
  const canvas = renderExceptionImage({ width, height, transparent, background, ...(mode === 'inimage' ? { message: `${err.code}: ${err.message}` } : {}) });
  const body = await encodeImage(canvas, format, { background });
  ctx.response.setHeader('Content-Type', contentTypeOf(format));
  ctx.response.write(body);
}
