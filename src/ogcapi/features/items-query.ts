/**
 * The items request checked and turned into one data-layer read (Part 1 §7.15, Part 2, Part 3): paging,
 * output CRS, bbox, datetime, properties, sortby, property=value filters on queryables and the CQL2 filter.
 * Every name a client gives is checked against what this request may see (access control's authorised fields),
 * so a hidden field is refused like one that does not exist, naming the parameter it came in. Unknown parameters
 * and parameters given twice are refused (400), as Part 1 recommends.
 */
import { andExpressions, type Node } from '../../expression/index.js';
import type { BBox, SpatialPredicate, VectorQuery } from '../../data/index.js';
import { InvalidParameterError } from '../../errors/ogc-error.js';
import type { FieldDef, VectorLayerDef } from '../../project/model.js';
import type { ApiContext } from '../context.js';
import { parseCql2, type FilterLang } from './cql2/index.js';
import { collectionCrs, requestCrs, type RequestCrs } from './crs.js';
import { datetimeFilter, parseDatetime } from './datetime.js';
import { and, compare, field, literal, toExpression } from './expression-nodes.js';
import type { FeaturesRequest } from './features-request.js';
import { itemsParameters } from './items-parameters.js';
import { maxFeatures, temporalField } from './layer-options.js';
import { GEOMETRY_QUERYABLE, queryableFields, queryableTypes } from './queryables.js';

/** A checked items request. */
export interface ItemsQuery {
  /** The read, without offset and limit. */
  query: VectorQuery;
  /** The properties answered, in order. */
  fields: FieldDef[];
  /** The CRS of the geometries answered. */
  crs: RequestCrs;
  limit: number;
  offset: number;
}

/** Parameters every resource takes besides its own: the format, and MAP (any case: it is the server's KVP). */
function isGeneric(name: string): boolean {
  return name === 'f' || name.toLowerCase() === 'map';
}

/** Refuses query parameters the resource does not take, and any given more than once. */
export function checkParameterNames(context: ApiContext, known: ReadonlySet<string>): void {
  const params = context.request().url().searchParams;
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) {
      if (known.has(name) || name === 'f') throw new InvalidParameterError(name, `${name} is given ${params.getAll(name).length} times; give it once`);
      continue;
    }
    seen.add(name);
    if (!known.has(name) && !isGeneric(name)) {
      throw new InvalidParameterError(name, `Unknown query parameter '${name.slice(0, 100)}'; this resource takes: ${[...known, 'f'].join(', ')}`);
    }
  }
}

/** A property=value filter: the value as the field's type (a number for numeric fields ...), else 400 naming the property. */
function propertyFilter(f: FieldDef, raw: string): Node {
  const type = f.type.toLowerCase();
  const value = raw.trim();
  if (type === 'integer' || type === 'integer64' || type === 'real') {
    const ok = type === 'real' ? /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) : /^[+-]?\d+$/.test(value);
    if (!ok || !Number.isFinite(Number(value))) throw new InvalidParameterError(f.name, `${f.name} ('${raw.slice(0, 100)}') is not a ${type === 'real' ? 'number' : 'whole number'}`);
    return compare('=', field(f.name), literal(Number(value)));
  }
  if (type === 'boolean') {
    if (!/^(true|false)$/i.test(value)) throw new InvalidParameterError(f.name, `${f.name} ('${raw.slice(0, 100)}') is not true or false`);
    return compare('=', field(f.name), literal(value.toLowerCase() === 'true'));
  }
  return compare('=', field(f.name), literal(raw));
}

/** The bbox as the data layer takes it, or a spatial predicate for a geographic box across the antimeridian. */
function bboxSelection(values: number[], crs: RequestCrs): { bbox?: BBox; spatial?: SpatialPredicate } {
  const [x0, y0, x1, y1] = values.length === 6 ? [values[0]!, values[1]!, values[3]!, values[4]!] : (values as [number, number, number, number]);
  // Written in the CRS's axis order: latitude / northing first for EPSG:4326 and the like.
  const [minx, miny, maxx, maxy] = crs.swapAxes ? [y0, x0, y1, x1] : [x0, y0, x1, y1];
  if (miny > maxy) throw new InvalidParameterError('bbox', `bbox: the lower ${crs.swapAxes ? 'first' : 'second'} coordinate (${miny}) is above the upper one (${maxy})`);
  if (minx <= maxx) return { bbox: { crs: crs.id, bounds: [minx, miny, maxx, maxy] } };
  if (!crs.geographic) throw new InvalidParameterError('bbox', `bbox: the lower x (${minx}) is above the upper one (${maxx}); only a geographic box may cross the antimeridian`);
  const ring = (a: number, b: number) => [[a, miny], [b, miny], [b, maxy], [a, maxy], [a, miny]];
  return { spatial: { op: 'intersects', crs: crs.id, geometry: { type: 'MultiPolygon', coordinates: [[ring(minx, 180)], [ring(-180, maxx)]] } } };
}

/** Checks an items request and builds its read. */
export async function itemsQuery(context: ApiContext, r: FeaturesRequest, layer: VectorLayerDef): Promise<ItemsQuery> {
  const p = itemsParameters(maxFeatures(r.project, layer));
  const queryables = queryableFields(r.access, layer);
  const byName = new Map(queryables.map((f) => [f.name, f]));
  checkParameterNames(context, new Set([...Object.values(p).map((q) => q.name), ...byName.keys()]));
  const offered = collectionCrs(r.project, layer);

  const limit = Math.min(p.limit.value(context) as number, maxFeatures(r.project, layer));
  const offset = p.offset.value(context) as number;
  const crs = await requestCrs(p.crs.raw(context), offered, 'crs');

  const nodes: Node[] = [];
  const spatial: SpatialPredicate[] = [];
  const query: VectorQuery = { targetCrs: crs.id, signal: context.response().signal };

  const bbox = p.bbox.value(context);
  const bboxCrsText = p.bboxCrs.raw(context);
  if (bbox) {
    const chosen = bboxSelection(bbox, await requestCrs(bboxCrsText, offered, 'bbox-crs'));
    if (chosen.bbox) query.bbox = chosen.bbox;
    if (chosen.spatial) spatial.push(chosen.spatial);
  } else if (bboxCrsText !== undefined) throw new InvalidParameterError('bbox-crs', 'bbox-crs is given without bbox');

  const datetime = p.datetime.raw(context);
  if (datetime !== undefined) {
    const temporal = temporalField(layer, r.access.fields(layer));
    if (!temporal) throw new InvalidParameterError('datetime', `The collection '${layer.name}' has no temporal property: datetime cannot be used`);
    nodes.push(datetimeFilter(temporal, parseDatetime(datetime)));
  }

  const names = p.properties.value(context) as string[] | undefined;
  let fields = r.access.fields(layer);
  if (names) {
    const visible = new Map(fields.map((f) => [f.name, f]));
    const unique = [...new Set(names)];
    for (const n of unique) if (!visible.has(n)) throw new InvalidParameterError('properties', `properties: '${n.slice(0, 100)}' is not a property of collection '${layer.name}'`);
    fields = unique.map((n) => visible.get(n)!);
    query.fields = unique;
  }

  const sortby = p.sortby.value(context);
  if (sortby) {
    for (const k of sortby) if (!byName.has(k.field)) throw new InvalidParameterError('sortby', `sortby: '${k.field.slice(0, 100)}' is not a sortable property of collection '${layer.name}'`);
    query.orderBy = sortby;
  }

  for (const [name, f] of byName) {
    const raw = context.request().url().searchParams.get(name);
    if (raw !== null) nodes.push(propertyFilter(f, raw));
  }

  const filterText = p.filter.raw(context);
  let cqlExpression = null;
  if (filterText !== undefined && filterText.trim() !== '') {
    const lang = p.filterLang.value(context) as FilterLang;
    const filterCrs = await requestCrs(p.filterCrs.raw(context), offered, 'filter-crs');
    const parsed = parseCql2(filterText, lang, { filterCrs: filterCrs.uri, queryables: queryableTypes(queryables), geometryName: GEOMETRY_QUERYABLE });
    cqlExpression = parsed.expression;
    spatial.push(...parsed.spatial);
  } else {
    for (const q of [p.filterLang, p.filterCrs]) {
      if (q.raw(context) !== undefined) throw new InvalidParameterError(q.name, `${q.name} is given without filter`);
    }
  }

  const filter = andExpressions(nodes.length ? toExpression(and(nodes)) : null, cqlExpression);
  if (filter) query.filter = filter.text;
  if (spatial.length) query.spatial = spatial;
  return { query, fields, crs, limit, offset };
}
