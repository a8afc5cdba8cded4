/**
 * One GetFeature query resolved against the project: the layer, the data-layer VectorQuery (access control is
 * applied by the data layer when it is read), the fields and srsName the writer needs. Nothing is read here.
 */
import { andExpressions, ExpressionError } from '../../expression/index.js';
import { resolveCrs, type BBox, type SpatialPredicate, type VectorQuery } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { FieldDef, VectorLayerDef } from '../../project/model.js';
import type { WfsContext } from './context.js';
import type { QueryRequest, WrittenBBox } from './get-feature-request.js';
import { featureType, localTypeName, splitFeatureId } from './names.js';
import { GEOMETRY_PROPERTY } from './schema-types.js';
import { defaultSrsName, srsNameSwapsAxes, toSpatialPredicates } from './spatial.js';
import type { WfsVersion } from './version.js';
import { parseFilter, type ParsedFilter } from './xml/filter-encoding.js';

/** The geometry property (DescribeFeatureType's name for it), re-exported for the other request modules. */
export { GEOMETRY_PROPERTY };

/** A query ready to read. */
export interface TypeQuery {
  layer: VectorLayerDef;
  /** Type name without prefix (the layer name). */
  typeName: string;
  /** The read, without offset and limit (paging sets them). */
  query: VectorQuery;
  /** Fields written, in published order. */
  fields: FieldDef[];
  /** srsName written on geometries. */
  srsName: string;
  /** Coordinates written northing first. */
  swapAxes: boolean;
  /** Where each part of the query came from, to name the parameter in errors (see query-check.ts). */
  sources: { filter: string | null; expFilter: string | null };
}

/** How the answer writes geometries: GML follows the version's axis rules; GeoJSON is x/y, EPSG:4326 by default. */
export interface OutputCrsRules {
  version: WfsVersion;
  json: boolean;
}

/** The srsName written, the CRS read in, and the axis order, for a query. */
async function outputCrs(layer: VectorLayerDef, written: string | null, rules: OutputCrsRules): Promise<{ srsName: string; targetCrs: string; swapAxes: boolean }> {
  const fallback = rules.json ? 'EPSG:4326' : layer.crs;
  const crs = await resolveCrs(written ?? fallback, 'InvalidParameterValue', 'SRSNAME');
  if (rules.json) return { srsName: defaultSrsName(crs.id, '2.0.0'), targetCrs: crs.id, swapAxes: false };
  if (rules.version === '1.0.0') return { srsName: crs.id, targetCrs: crs.id, swapAxes: false };
  const srsName = written ?? defaultSrsName(crs.id, rules.version);
  return { srsName, targetCrs: crs.id, swapAxes: await srsNameSwapsAxes(srsName, rules.version) };
}

/** A KVP BBOX in x/y order; without a CRS it is in the query's srsName (as written), else the type's default. */
/** A written BBOX as the data layer takes it: its CRS (else `defaultSrs`) resolved, axes in x/y order. */
export async function bboxOf(b: WrittenBBox, defaultSrs: string, version: WfsVersion): Promise<BBox> {
  const name = b.crs ?? defaultSrs;
  const crs = await resolveCrs(name, 'InvalidParameterValue', 'BBOX');
  const [x0, y0, x1, y1] = b.values;
  const swap = await srsNameSwapsAxes(name, version, 'BBOX');
  return { crs: crs.id, bounds: swap ? [y0, x0, y1, x1] : [x0, y0, x1, y1] };
}

/** The ids of a query for its type: bare ids and `type.id` of this type; ids of other types match nothing. */
function idsFor(typeName: string, fromRequest: string[] | null, fromFilter: string[] | null, allTypes: readonly string[]): string[] | undefined {
  if (fromRequest === null && fromFilter === null) return undefined;
  const own = (fromFilter ?? []).flatMap((written) => {
    const { type, id } = splitFeatureId(written, allTypes);
    return type === null || type === typeName ? [id] : [];
  });
  if (fromRequest !== null && fromFilter !== null) return fromRequest.filter((id) => own.includes(id));
  return fromRequest ?? own;
}

function parseFilterOrNull(q: QueryRequest): ParsedFilter | null {
  return q.filter ? parseFilter(q.filter) : null;
}

/** The client's filter text: the FE filter's expression AND EXP_FILTER (an EXP_FILTER that does not parse names its parameter). */
function filterText(parsed: ParsedFilter | null, exp: string | null): string | undefined {
  try {
    return andExpressions(parsed?.expression ?? null, exp)?.toString();
  } catch (err) {
    if (err instanceof ExpressionError) throw new OgcError('InvalidParameterValue', `EXP_FILTER is not valid at character ${err.position + 1}: ${err.message}`, { locator: 'EXP_FILTER' });
    throw err;
  }
}

/**
 * Resolves one query. `typeNames` are the readable WFS types (for `type.id` ids), `typeLocator` the parameter
 * naming types in errors. Unknown or hidden types, CRSs and units are refused here; fields by the data layer.
 */
export async function resolveQuery(ctx: WfsContext, q: QueryRequest, rules: OutputCrsRules, typeNames: readonly string[], typeLocator: string): Promise<TypeQuery> {
  const layer = featureType(ctx.project, ctx.access, q.typeName, typeLocator);
  const out = await outputCrs(layer, q.srsName, rules);
  const parsed = parseFilterOrNull(q);
  // Coordinates without a CRS (BBOX, filter geometries) are in the srsName as written, else the type's default.
  const inputSrs = q.srsName ?? defaultSrsName(layer.crs, rules.version);
  const projection = projectionOf(ctx, layer, q.propertyNames);
  const query: VectorQuery = {
    targetCrs: out.targetCrs, signal: ctx.response.signal,
    ...(await selectionOf(q, parsed, layer.name, typeNames, inputSrs, rules.version)),
    ...(q.sortBy.length > 0 ? { orderBy: q.sortBy } : {}),
    ...projection.query,
  };
  return {
    layer, typeName: layer.name, query, fields: projection.fields, srsName: out.srsName, swapAxes: out.swapAxes,
    sources: { filter: parsed?.expression ? parsed.expression.toString() : null, expFilter: q.expFilter },
  };
}

/** Which features: filter expression, ids, BBOX and spatial predicates (all ANDed by the data layer). */
async function selectionOf(q: QueryRequest, parsed: ParsedFilter | null, typeName: string, typeNames: readonly string[], inputSrs: string, version: WfsVersion): Promise<Partial<VectorQuery>> {
  const out: Partial<VectorQuery> = {};
  const filter = filterText(parsed, q.expFilter);
  if (filter !== undefined) out.filter = filter;
  const ids = idsFor(typeName, q.ids, parsed?.ids ?? null, typeNames);
  if (ids !== undefined) out.ids = ids;
  if (q.bbox) out.bbox = await bboxOf(q.bbox, inputSrs, version);
  // The geometry property a spatial operator names is not checked: a type has one geometry, and clients name it
  // variously (OWSLib's BBox writes ows:BoundingBox).
  const spatial: SpatialPredicate[] = parsed ? await toSpatialPredicates(parsed.spatial, version, inputSrs) : [];
  if (spatial.length > 0) out.spatial = spatial;
  return out;
}

/**
 * PROPERTYNAME: the named fields (the geometry only when named, as QGIS Server does), written in published
 * order so the output follows the DescribeFeatureType sequence. Unknown and hidden names are left for the data
 * layer to refuse (one message for both).
 */
function projectionOf(ctx: WfsContext, layer: VectorLayerDef, names: string[] | null): { query: Partial<VectorQuery>; fields: FieldDef[] } {
  const visible = ctx.access.fields(layer);
  if (names === null) return { query: {}, fields: visible };
  const wanted = names.filter((n) => n !== GEOMETRY_PROPERTY);
  const set = new Set(wanted);
  return {
    query: { fields: [...set], withGeometry: wanted.length < names.length },
    fields: visible.filter((f) => set.has(f.name)),
  };
}

/** The local type names of the queries, for schema locations. */
export function queryTypeNames(queries: readonly TypeQuery[]): string[] {
  return [...new Set(queries.map((q) => localTypeName(q.typeName)))];
}
