/** The CRS side of a vector read: layer and target CRS, the spatial filter in the layer CRS, the simplification tolerance. */
import { OgcError } from '../errors/ogc-error.js';
import type { VectorLayerDef } from '../project/model.js';
import { resolveCrs, transformer, transformBounds, type Crs, type Transformer } from './crs.js';
import type { VectorQuery } from './types.js';
import { prepareSpatial, type ParsedPredicate, type SpatialMatcher } from './spatial.js';

/** Resolved CRSs and filters of a read. */
export interface ReadContext {
  layerCrs: Crs;
  target: Crs;
  /** Layer → target, or null when they are the same CRS. */
  transform: Transformer | null;
  /** Spatial filter in the layer CRS (x/y), or null for none. */
  bounds: [number, number, number, number] | null;
  /** The query's spatial predicates in the layer CRS, or null for none. */
  spatial: SpatialMatcher | null;
  /** The rectangle given to the source's spatial filter: the bbox, else the predicates' prefilter; null for none. */
  sourceFilter: [number, number, number, number] | null;
  /** The bbox lies wholly where the layer CRS cannot go: nothing matches. */
  noMatch: boolean;
  clip: boolean;
  /** Simplification tolerance converted to layer CRS units. */
  simplify: number | undefined;
  /** Decimals of the coordinates written (9 for degrees, 4 otherwise). */
  precision: number;
}

/** Checks a BBox's numbers; throws InvalidParameterValue (locator bbox) when unusable. */
export function checkBounds(b: readonly number[]): asserts b is [number, number, number, number] {
  if (b.length !== 4 || !b.every(Number.isFinite) || b[0]! > b[2]! || b[1]! > b[3]!) {
    throw new OgcError('InvalidParameterValue', 'The bounding box must be four numbers minx,miny,maxx,maxy with min <= max', { locator: 'bbox' });
  }
}

/** Resolves the CRSs of a read and brings its bbox (densified) and spatial predicates into the layer CRS. */
export async function readContext(layer: VectorLayerDef, query: VectorQuery, clip: boolean, predicates: readonly ParsedPredicate[] = []): Promise<ReadContext> {
  const layerCrs = await resolveCrs(layer.crs, 'NoApplicableCode');
  const spatial = await prepareSpatial(predicates, layerCrs);
  const target = query.targetCrs ? await resolveCrs(query.targetCrs, 'InvalidCRS', 'targetCrs') : layerCrs;
  const transform = target.epsg === layerCrs.epsg ? null : await transformer(layerCrs, target);
  let bounds: [number, number, number, number] | null = null;
  let noMatch = false;
  let queryInTarget: [number, number, number, number] | null = null;
  if (query.bbox) {
    checkBounds(query.bbox.bounds);
    const bboxCrs = await resolveCrs(query.bbox.crs, 'InvalidCRS', 'bbox');
    bounds = transformBounds(await transformer(bboxCrs, layerCrs), query.bbox.bounds);
    if (!bounds) noMatch = true;
    queryInTarget = bboxCrs.epsg === target.epsg ? [...query.bbox.bounds] : transformBounds(await transformer(bboxCrs, target), query.bbox.bounds);
  }
  let simplify: number | undefined;
  if (query.simplify !== undefined && query.simplify > 0) {
    simplify = query.simplify;
    if (transform) {
      const inLayer = bounds ?? layer.extent.bbox;
      const inTarget = bounds ? queryInTarget : transformBounds(transform, layer.extent.bbox);
      const scale = inTarget ? ratio(inLayer, inTarget) : NaN;
      simplify = Number.isFinite(scale) && scale > 0 ? query.simplify * scale : undefined;
    }
  }
  if (spatial?.noMatch) noMatch = true;
  // "Intersects A and intersects B" is not "intersects A∩B": one rectangle only, the bbox first (clipping needs it).
  const sourceFilter = bounds ?? spatial?.envelope ?? null;
  return {
    layerCrs, target, transform, bounds, spatial, sourceFilter, noMatch, clip: clip && bounds !== null, simplify, precision: target.geographic ? 9 : 4,
  };
}

/** Size of a box in the layer CRS over its size in the target CRS (mean of both axes). */
function ratio(a: readonly number[], b: readonly number[]): number {
  const w = (b[2]! - b[0]!) > 0 ? (a[2]! - a[0]!) / (b[2]! - b[0]!) : NaN;
  const h = (b[3]! - b[1]!) > 0 ? (a[3]! - a[1]!) / (b[3]! - b[1]!) : NaN;
  if (Number.isFinite(w) && Number.isFinite(h)) return (w + h) / 2;
  return Number.isFinite(w) ? w : h;
}
