/**
 * WMS GetFeatureInfo (1.3.0 I/J, 1.1.1 X/Y), following QGIS Server:
 * - the clicked point is the centre of pixel (I, J) of the map that LAYERS/CRS/BBOX/WIDTH/HEIGHT describe;
 * - tolerances are FI_POINT_TOLERANCE / FI_LINE_TOLERANCE / FI_POLYGON_TOLERANCE pixels; absent or 0, QGIS's
 *   defaults apply: the map width / 100 for points, / 200 for lines, / 400 for polygons (in map units);
 * - a feature is hit when it is within its tolerance of the point (0 inside a polygon), its layer's style
 *   draws it at this scale (QGIS's willRenderFeature) and the vendor FILTER and access control let it through;
 * - layers outside their scale range are left out silently, as QGIS leaves them out;
 * - up to FEATURE_COUNT features per layer, nearest first (ties in the source's read order);
 * - raster layers answer the value of each band at the point (empty for nodata; no values off the raster).
 * Every read goes through LayerAccess: only authorised attributes ever reach a formatter.
 */
import { transformer, type Feature, type LayerAccess } from '../../data/index.js';
import { InvalidParameterError, MissingParameterError, OgcError } from '../../errors/ogc-error.js';
import { parseParams } from '../../params/table.js';
import type { LayerDef, LayerTreeNode, RasterLayerDef, VectorLayerDef, VectorStyle } from '../../project/model.js';
import { compileStyle, inScaleRange, styleFields } from '../../render/index.js';
import type { WmsContext } from './context.js';
import { distanceTo, geometryFamily, type GeometryFamily } from './feature-info-geometry.js';
import { featureInfoGml } from './feature-info-gml.js';
import { featureInfoJson } from './feature-info-json.js';
import type { FeatureInfo, InfoFormat, InfoLayer, RasterInfoLayer, VectorInfoLayer } from './feature-info-model.js';
import { featureInfoHtml, featureInfoText } from './feature-info-text.js';
import { featureInfoXml } from './feature-info-xml.js';
import { planMap, type MapPlan, type PlannedLayer } from './map-request.js';
import { GET_FEATURE_INFO, INFO_FORMATS } from './parameters.js';

/** QGIS Server's default feature-info precision (decimals of coordinates). */
const PRECISION = 6;
/** QGIS's default tolerances: the map width divided by these (points, lines, polygons). */
const DEFAULT_DIVISOR: Record<GeometryFamily, number> = { point: 100, line: 200, polygon: 400 };

type Tolerances = Record<GeometryFamily, number>;

/** WMS GetFeatureInfo. */
export async function getFeatureInfo(ctx: WmsContext): Promise<void> {
  const q = ctx.request.parameters();
  const queryLayers = (q.get('QUERY_LAYERS') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (queryLayers.length === 0) throw new MissingParameterError('QUERY_LAYERS');
  const [iName, jName] = ctx.version === '1.3.0' ? ['I', 'J'] as const : ['X', 'Y'] as const;
  const i = pixelParam(q.get(iName) ?? q.get(iName === 'I' ? 'X' : 'I'), iName);
  const j = pixelParam(q.get(jName) ?? q.get(jName === 'J' ? 'Y' : 'J'), jName);
  const format = infoFormat(q.get('INFO_FORMAT'));

  const plan = await planMap(ctx);
  if (i < 0 || i >= plan.width) throw new OgcError('InvalidPoint', `${iName} (${i}) is outside the map, which is ${plan.width} pixels wide`, { locator: iName });
  if (j < 0 || j >= plan.height) throw new OgcError('InvalidPoint', `${jName} (${j}) is outside the map, which is ${plan.height} pixels high`, { locator: jName });
  const p = parseParams(GET_FEATURE_INFO, q);

  const xRes = (plan.bbox[2] - plan.bbox[0]) / plan.width;
  const yRes = (plan.bbox[3] - plan.bbox[1]) / plan.height;
  const point: [number, number] = [plan.bbox[0] + (i + 0.5) * xRes, plan.bbox[3] - (j + 0.5) * yRes];
  const mapWidth = plan.bbox[2] - plan.bbox[0];
  const tolerance = (px: number | undefined, family: GeometryFamily) =>
    px !== undefined && px > 0 ? px * xRes : mapWidth / DEFAULT_DIVISOR[family];
  const tolerances: Tolerances = {
    point: tolerance(p.FI_POINT_TOLERANCE, 'point'),
    line: tolerance(p.FI_LINE_TOLERANCE, 'line'),
    polygon: tolerance(p.FI_POLYGON_TOLERANCE, 'polygon'),
  };

  const layers: InfoLayer[] = [];
  for (const target of queryTargets(ctx, plan, queryLayers)) {
    // QGIS renders (and so queries) only layers in their scale range; a layer with no rule in range answers empty.
    if (!inScaleRange(plan.scale, target.def.minScale, target.def.maxScale)) continue;
    layers.push(target.def.kind === 'raster'
      ? await queryRaster(ctx.access, target.def, plan, point, ctx.response.signal)
      : await queryVector(ctx.access, target, plan, point, tolerances, p.FEATURE_COUNT, ctx.response.signal));
  }
  const info: FeatureInfo = { version: ctx.version, crs: plan.crs.id, withGeometry: p.WITH_GEOMETRY, precision: PRECISION, layers };
  ctx.response.setHeader('Content-Type', format.contentType);
  ctx.response.write(render(info, format.format));
}

/** I/J (X/Y): required, an integer; its range is checked against WIDTH/HEIGHT later (InvalidPoint). */
function pixelParam(raw: string | undefined, name: string): number {
  const v = (raw ?? '').trim();
  if (v === '') throw new MissingParameterError(name);
  if (!/^[+-]?\d{1,9}$/.test(v)) throw new InvalidParameterError(name, `${name} ('${v.slice(0, 40)}') cannot be converted into int`);
  return Number.parseInt(v, 10);
}

/** INFO_FORMAT (default text/plain), case-insensitive, parameters such as charset ignored; InvalidFormat otherwise. */
function infoFormat(raw: string | undefined): { format: InfoFormat; contentType: string } {
  const given = (raw ?? '').trim() || 'text/plain';
  const [type = '', ...params] = given.toLowerCase().split(';').map((s) => s.trim());
  const gml3Subtype = params.some((s) => /^subtype=("?)gml\/3/.test(s));
  const table: Record<string, [InfoFormat, string]> = {
    'text/plain': ['text', 'text/plain; charset=utf-8'],
    'text/html': ['html', 'text/html; charset=utf-8'],
    'text/xml': gml3Subtype ? ['gml3', 'text/xml; subtype=gml/3.1.1; charset=utf-8'] : ['xml', 'text/xml; charset=utf-8'],
    'application/json': ['json', 'application/json; charset=utf-8'],
    'application/geo+json': ['json', 'application/geo+json; charset=utf-8'],
    'application/vnd.ogc.gml': ['gml2', 'application/vnd.ogc.gml; charset=utf-8'],
    'application/vnd.ogc.gml/3.1.1': ['gml3', 'application/vnd.ogc.gml/3.1.1; charset=utf-8'],
  };
  const hit = table[type];
  if (!hit) {
    throw new OgcError('InvalidFormat', `INFO_FORMAT '${given.slice(0, 100)}' is not supported; use one of: ${INFO_FORMATS.join(', ')}`, { locator: 'INFO_FORMAT' });
  }
  return { format: hit[0], contentType: hit[1] };
}

function render(info: FeatureInfo, format: InfoFormat): string {
  switch (format) {
    case 'text': return featureInfoText(info);
    case 'html': return featureInfoHtml(info);
    case 'xml': return featureInfoXml(info);
    case 'json': return featureInfoJson(info);
    case 'gml2': return featureInfoGml(info, 2);
    case 'gml3': return featureInfoGml(info, 3);
  }
}

/**
 * The layers QUERY_LAYERS asks, in its order, each once: a name must be readable (else LayerNotDefined)
 * and drawn by LAYERS (itself or through a group, else LayerNotDefined); a group stands for its queryable
 * layers; a layer, or a group without any, that is not queryable is LayerNotQueryable.
 */
function queryTargets(ctx: WmsContext, plan: MapPlan, names: string[]): PlannedLayer[] {
  const out: PlannedLayer[] = [];
  for (const name of names) {
    const node = ctx.access.node(ctx.project, name, 'LayerNotDefined');
    const inMap = leaves(node).map((l) => plan.layers.find((pl) => pl.def.name === l.name)).filter((pl): pl is PlannedLayer => pl !== undefined);
    if (inMap.length === 0) throw new OgcError('LayerNotDefined', `Layer '${name}' is in QUERY_LAYERS but not in LAYERS`, { locator: name });
    const queryable = inMap.filter((pl) => pl.def.queryable);
    if (queryable.length === 0) throw new OgcError('LayerNotQueryable', `Layer '${name}' is not queryable`, { locator: name });
    for (const pl of queryable) if (!out.some((o) => o.def === pl.def)) out.push(pl);
  }
  return out;
}

function leaves(node: LayerTreeNode): LayerDef[] {
  return node.kind === 'group' ? node.children.flatMap(leaves) : [node];
}

/** The features of a vector layer hit at the point, nearest first, at most `count`. */
async function queryVector(
  access: LayerAccess, target: PlannedLayer, plan: MapPlan, point: [number, number], tolerances: Tolerances, count: number, signal: AbortSignal,
): Promise<VectorInfoLayer> {
  const def = target.def as VectorLayerDef;
  const style = target.style as VectorStyle;
  const [x, y] = point;
  const radius = Math.max(...familiesOf(def).map((f) => tolerances[f]));
  const matcher = compileStyle(style).atScale(plan.scale);
  if (!matcher.active) return { kind: 'vector', name: def.name, features: [] };
  const { labels: _labels, ...drawing } = style;
  const read = access.readFeatures(def, {
    bbox: { crs: plan.crs.id, bounds: [x - radius, y - radius, x + radius, y + radius] },
    targetCrs: plan.crs.id, signal, ...(target.filter ? { filter: target.filter } : {}),
  }, { internalFields: styleFields(drawing as VectorStyle) });
  const hits: Array<{ feature: Feature; distance: number; order: number }> = [];
  for await (const feature of read) {
    if (!feature.geometry) continue;
    const distance = distanceTo(x, y, feature.geometry);
    if (!(distance <= tolerances[geometryFamily(feature.geometry)])) continue;
    if (matcher.match(feature.attributes).length === 0) continue;
    hits.push({ feature, distance, order: hits.length });
  }
  hits.sort((a, b) => a.distance - b.distance || a.order - b.order);
  // Only the authorised published fields are written (the style's own fields are read to draw, never shown).
  const fields = access.fields(def);
  return {
    kind: 'vector',
    name: def.name,
    features: hits.slice(0, count).map(({ feature }) => ({
      id: feature.id,
      attributes: fields.map((f) => ({ name: f.name, alias: f.alias, value: feature.attributes[f.name] ?? null })),
      geometry: feature.geometry,
    })),
  };
}

function familiesOf(def: VectorLayerDef): GeometryFamily[] {
  switch (def.geometryType) {
    case 'Point':
    case 'MultiPoint':
      return ['point'];
    case 'LineString':
    case 'MultiLineString':
      return ['line'];
    case 'Polygon':
    case 'MultiPolygon':
      return ['polygon'];
    default:
      return ['point', 'line', 'polygon'];
  }
}

/** The band values of a raster layer at the point (the source pixel under it); no bands off the raster. */
async function queryRaster(access: LayerAccess, def: RasterLayerDef, plan: MapPlan, point: [number, number], signal: AbortSignal): Promise<RasterInfoLayer> {
  const [x, y] = point;
  const inLayer = (await transformer(plan.crs, def.extent.crs)).point(x, y);
  const [minx, miny, maxx, maxy] = def.extent.bbox;
  if (!inLayer || inLayer[0] < minx || inLayer[0] > maxx || inLayer[1] < miny || inLayer[1] > maxy) return { kind: 'raster', name: def.name, bands: [] };
  const hx = (plan.bbox[2] - plan.bbox[0]) / plan.width / 2;
  const hy = (plan.bbox[3] - plan.bbox[1]) / plan.height / 2;
  const bands = Array.from({ length: def.bandCount }, (_, k) => k + 1);
  const w = await access.readRaster(def, {
    bbox: { crs: plan.crs.id, bounds: [x - hx, y - hy, x + hx, y + hy] }, width: 1, height: 1, bands, resampling: 'nearest', signal,
  });
  return {
    kind: 'raster',
    name: def.name,
    bands: bands.map((b, k) => {
      const v = w.bands[k]?.[0];
      const nodata = w.mask[0] === 0 || v === undefined || !Number.isFinite(v) || (w.noData[k] !== null && w.noData[k] === v);
      return { name: `Band ${b}`, value: nodata ? null : v };
    }),
  };
}
