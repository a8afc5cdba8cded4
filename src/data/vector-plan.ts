/**
 * Turns a vector query plus what access control granted into a read plan: which fields are read and
 * returned, which SQL goes to the source, what is left to test in JS. Field names a client gives (fields,
 * filter, orderBy) must be published and authorised; a hidden field is refused exactly like a missing one.
 */
import { Expression, ExpressionError } from '../expression/index.js';
import { OgcError } from '../errors/ogc-error.js';
import type { VectorLayerDef } from '../project/model.js';
import type { VectorQuery } from './types.js';
import type { ReadGrant } from './access-grant.js';
import { parseSpatial, type ParsedPredicate } from './spatial.js';

/** How a driver takes SQL: SQLite (GPKG, SQLite), OGR SQL on a source read in FID order, OGR SQL otherwise. */
export type SourceKind = 'sqlite' | 'ordered' | 'other';

/** What the read needs to know about the source, learnt once per handle. */
export interface SourceInfo {
  driver: string;
  kind: SourceKind;
  layerName: string;
  /** FID column for SQLite sources ("fid"), '' elsewhere. */
  fidColumn: string;
  geomColumn: string;
  /** The source layer's OGR geometry type code (wkbPoint = 1 ...). */
  geometryType: number;
  /** SQLite sources: the GeoPackage R-tree of the geometry column ('' when there is none or it is not a GeoPackage). */
  rtree: string;
  /** Source field names and types (as gdal-async names them: 'integer', 'real', 'string', 'date' ...). */
  fields: ReadonlyMap<string, string>;
  /** GeoPackage: the fields SQLite gives as GDAL's GeoJSON writes them (gpkg-rows.ts); null elsewhere. */
  plainFields: ReadonlySet<string> | null;
  /** GeoPackage: the first 13 bytes, in hex, of a plain point's blob in this layer (gpkg-rows.ts); null when unknown. */
  pointPrefix: string | null;
  /** SQLite sources: the FID column is the table's INTEGER PRIMARY KEY (its rowid), so FID ranges are index seeks. */
  rowidFid: boolean;
}

/** A checked query, before the source is known. */
export interface QueryPlan {
  layer: VectorLayerDef;
  /** Attributes returned, in order. */
  output: string[];
  /** Attributes read: output, the residual filter's fields, the id field, internal fields. */
  read: string[];
  /** The client's filter, or null (access control's is in the grant). */
  filter: Expression | null;
  /** Published, authorised fields: all a client may name. */
  visible: string[];
  orderBy: Array<{ field: string; descending: boolean }>;
  offset: number;
  /** Infinity when unlimited. */
  limit: number;
  withGeometry: boolean;
  ids: Array<string | number> | null;
  /** Spatial predicates, checked, literals built (tested in the layer CRS: read-context.ts). */
  spatial: ParsedPredicate[];
}

const DRIVERS_SQLITE = new Set(['GPKG', 'SQLite']);
/** Drivers whose sequential reads (with or without spatial filter) come in ascending FID order. */
const DRIVERS_ORDERED = new Set(['ESRI Shapefile', 'GeoJSON', 'FlatGeobuf', 'CSV', 'MapInfo File', 'Memory', 'MEM']);

/** The SQL handling a driver gets. */
export function sourceKind(driver: string): SourceKind {
  return DRIVERS_SQLITE.has(driver) ? 'sqlite' : DRIVERS_ORDERED.has(driver) ? 'ordered' : 'other';
}

/** The error for a field a client named that is not published, not authorised or not there at all. */
export function unknownField(layer: string, field: string, locator: string): OgcError {
  return new OgcError('InvalidParameterValue', `Field '${field}' does not exist in layer '${layer}'`, { locator });
}

/** Checks a query against the grant and builds its plan (no I/O). */
export function planQuery(layer: VectorLayerDef, query: VectorQuery, grant: ReadGrant): QueryPlan {
  const visible = new Set(grant.fields);
  const check = (field: string, locator: string) => {
    if (!visible.has(field)) throw unknownField(layer.name, field, locator);
  };
  const output = query.fields ? dedupe(query.fields) : [...grant.fields];
  for (const f of output) check(f, 'fields');
  const orderBy = (query.orderBy ?? []).map((o) => ({ field: o.field, descending: !!o.descending }));
  for (const o of orderBy) check(o.field, 'orderBy');

  let userFilter: Expression | null = null;
  if (query.filter !== undefined && query.filter.trim() !== '') {
    try {
      userFilter = Expression.parse(query.filter);
    } catch (err) {
      if (err instanceof ExpressionError) {
        throw new OgcError('InvalidParameterValue', `The filter is not valid at character ${err.position + 1}: ${err.message}`, { locator: 'filter' });
      }
      throw err;
    }
    try {
      userFilter.validate(grant.fields);
    } catch (err) {
      if (err instanceof ExpressionError) throw new OgcError('InvalidParameterValue', `The filter is not valid: ${err.message}`, { locator: 'filter' });
      throw err;
    }
  }

  const offset = nonNegativeInt(query.offset ?? 0, 'offset');
  const limit = query.limit === undefined ? Infinity : nonNegativeInt(query.limit, 'limit');
  if (query.simplify !== undefined && !(Number.isFinite(query.simplify) && query.simplify >= 0)) {
    throw new OgcError('InvalidParameterValue', 'The simplification tolerance must be a number >= 0', { locator: 'simplify' });
  }
  const read = dedupe([...output, ...(layer.idField ? [layer.idField] : []), ...grant.internalFields]);
  return {
    layer, output, read, filter: userFilter, visible: [...grant.fields], orderBy, offset, limit,
    withGeometry: query.withGeometry !== false, ids: query.ids ? [...query.ids] : null, spatial: parseSpatial(query.spatial),
  };
}

/** The SQL side of a plan for one source. */
export interface SqlPlan {
  /** WHERE parts, ANDed: layer subset, access control's subset, the filters' SQL (not the ids). */
  where: string[];
  /** The ids as SQL (FID IN (...) or "idField" IN (...)), or null. */
  idWhere: string | null;
  /** The FIDs asked for, when idWhere is on FIDs (to test in JS where SQL cannot take them). */
  fids: ReadonlySet<number> | null;
  /** Access control's filter, the part SQL could not express: tested in JS on every field read. */
  acResidual: Expression | null;
  /** The client's filter, the part SQL could not express: tested in JS on the visible fields only. */
  userResidual: Expression | null;
  /** Fields the client's residual reads (canonical names, all visible). */
  userResidualFields: string[];
  /** Fields to read (plan.read plus the residuals' fields). */
  read: string[];
  /** FID in SQL ("fid" column for SQLite, FID in OGR SQL). */
  fid: string;
  /** No feature can match (ids that cannot be FIDs). */
  empty: boolean;
}

/**
 * Builds the WHERE parts and residuals for a source of a given kind. Access control's expression may name any
 * source field (hidden ones included); the client's translates and evaluates against visible fields only.
 */
export function sqlPlan(plan: QueryPlan, grant: ReadGrant, info: SourceInfo): SqlPlan {
  const layer = plan.layer;
  const dialect = info.kind === 'sqlite' ? 'sqlite' : 'ogr';
  const allTypes = Object.fromEntries(info.fields);
  const sourceNames = [...info.fields.keys()];
  const where: string[] = [];
  for (const [subset, what] of [[layer.source.subset, 'subset'], [grant.subset, 'access-control subset string']] as const) {
    if (!subset?.trim()) continue;
    if (!isSelfContainedSql(subset)) {
      // ANDed in parentheses with the other filters: a fragment that closes them could widen the read. Fail closed.
      throw new OgcError('NoApplicableCode', `Layer '${layer.name}': the ${what} is not a self-contained SQL condition`, { status: 500 });
    }
    where.push(subset);
  }
  let acResidual: Expression | null = null;
  const extra: string[] = [];
  if (grant.expression) {
    try {
      grant.expression.validate(sourceNames);
    } catch {
      throw new OgcError('NoApplicableCode', `Layer '${layer.name}': the access-control filter names a field that is not in the data source`, { status: 500 });
    }
    const t = grant.expression.toSql(dialect, allTypes);
    if (t.where) where.push(t.where);
    acResidual = t.complete ? null : t.residual;
    if (acResidual) extra.push(...resolveAll(acResidual, sourceNames));
  }
  let userResidual: Expression | null = null;
  let userResidualFields: string[] = [];
  if (plan.filter) {
    const visibleTypes = Object.fromEntries(plan.visible.filter((f) => info.fields.has(f)).map((f) => [f, info.fields.get(f)!]));
    const t = plan.filter.toSql(dialect, visibleTypes);
    if (t.where) where.push(t.where);
    userResidual = t.complete ? null : t.residual;
    if (userResidual) userResidualFields = resolveAll(userResidual, plan.visible);
    extra.push(...userResidualFields);
  }
  // PostgreSQL takes the attribute filter as its own SQL: the FID is its key column there.
  const fid = info.kind === 'sqlite' ? quoteIdent(info.fidColumn || 'rowid') : info.driver === 'PostgreSQL' && info.fidColumn ? quoteIdent(info.fidColumn) : 'FID';
  let empty = false;
  let idWhere: string | null = null;
  let fids: Set<number> | null = null;
  if (plan.ids) {
    const clause = idClause(plan.ids, layer, fid);
    if (clause === null) empty = true;
    else {
      idWhere = clause.sql;
      if (!layer.idField) fids = new Set(clause.values.map(Number));
    }
  }
  const read = dedupe([...plan.read, ...extra]);
  for (const f of read) {
    if (!info.fields.has(f)) throw new OgcError('NoApplicableCode', `Layer '${layer.name}': field '${f}' is not in its data source`, { status: 500 });
  }
  return { where, idWhere, fids, acResidual, userResidual, userResidualFields, read, fid, empty };
}

/**
 * A rectangle as SQLite SQL on a GeoPackage. GDAL applies a spatial filter (-spat) to a SQLite query's result
 * after its LIMIT, on the R-tree's candidates: a page then comes short of its LIMIT in the middle of the data
 * and ends the read, and OFFSETs count candidates. So SQLite reads give the rectangle to SQL: exactly for a
 * point layer (its coordinates compared, with GDAL's ST_MinX / ST_MinY), else as the R-tree's candidates or the
 * envelopes' (a superset, tested exactly in JS). Null where neither is available (the SQLite driver).
 */
export function sqliteRect(info: SourceInfo, rect: readonly [number, number, number, number], fid: string, useRtree = true): { where: string; exact: boolean } | null {
  if (info.driver !== 'GPKG' || !info.geomColumn) return null;
  const [x0, y0, x1, y1] = rect.map((v) => String(v));
  const g = quoteIdent(info.geomColumn);
  const rtree = info.rtree && useRtree ? `${fid} IN (SELECT id FROM ${quoteIdent(info.rtree)} WHERE minx <= ${x1} AND maxx >= ${x0} AND miny <= ${y1} AND maxy >= ${y0})` : null;
  if (((info.geometryType & 0x7fffffff) >>> 0) % 1000 === 1) {
    const exact = `ST_MinX(${g}) >= ${x0} AND ST_MinX(${g}) <= ${x1} AND ST_MinY(${g}) >= ${y0} AND ST_MinY(${g}) <= ${y1}`;
    return { where: rtree ? `${rtree} AND ${exact}` : exact, exact: true };
  }
  return { where: rtree ?? `ST_MaxX(${g}) >= ${x0} AND ST_MinX(${g}) <= ${x1} AND ST_MaxY(${g}) >= ${y0} AND ST_MinY(${g}) <= ${y1}`, exact: false };
}

/** The WHERE parts with the ids clause. */
export function withIds(sql: SqlPlan): string[] {
  return sql.idWhere ? [...sql.where, sql.idWhere] : sql.where;
}

/** Whether a feature's properties pass both residuals (the client's sees only the visible fields it names). */
export function passesResiduals(sql: SqlPlan, props: Record<string, unknown>): boolean {
  if (sql.acResidual && !sql.acResidual.test(props)) return false;
  if (sql.userResidual) {
    const visible: Record<string, unknown> = {};
    for (const f of sql.userResidualFields) visible[f] = props[f] ?? null;
    if (!sql.userResidual.test(visible)) return false;
  }
  return true;
}

/** The canonical names of the fields an expression names (exact, else the unique case-insensitive match). */
function resolveAll(expr: Expression, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const written of expr.referencedFields()) {
    if (names.includes(written)) out.push(written);
    else {
      const lower = written.toLowerCase();
      const m = names.filter((n) => n.toLowerCase() === lower);
      if (m.length === 1) out.push(m[0]!);
    }
  }
  return out;
}

/** The ids of a query as SQL on the id field or FID, with the literal values; null when none can match. */
export function idClause(ids: Array<string | number>, layer: VectorLayerDef, fid: string): { sql: string; values: string[] } | null {
  const idField = layer.idField;
  const type = idField ? layer.fields.find((f) => f.name === idField)?.type ?? 'string' : 'integer64';
  const numeric = /^(integer|integer64|real)$/.test(type);
  const values: string[] = [];
  for (const id of ids) {
    if (numeric) {
      const n = typeof id === 'number' ? id : /^\s*-?\d+(\.\d+)?\s*$/.test(id) ? Number(id) : NaN;
      if (Number.isFinite(n) && (idField || Number.isInteger(n))) values.push(String(n));
    } else values.push(quoteLiteral(String(id)));
  }
  if (values.length === 0) return null;
  const unique = [...new Set(values)];
  return { sql: `${idField ? quoteIdent(idField) : fid} IN (${unique.join(', ')})`, values: unique };
}

/**
 * Whether a SQL condition stays inside the parentheses it is put in: balanced parentheses outside quotes,
 * quotes closed, no statement separator or comment.
 */
export function isSelfContainedSql(sql: string): boolean {
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c);
      if (end < 0) return false;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) return false;
    } else if (c === ';' || c === '\0' || (c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*')) return false;
  }
  return depth === 0;
}

/** Index of the quote closing the one at `start` (a doubled quote is an escaped one), or -1. */
function closingQuote(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== q) continue;
    if (sql[i + 1] === q) i++;
    else return i;
  }
  return -1;
}

/** An identifier quoted for SQLite and OGR SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal quoted for SQL. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Parts ANDed, each in parentheses; null when there are none. */
export function andSql(parts: readonly string[]): string | null {
  return parts.length === 0 ? null : parts.map((p) => `(${p})`).join(' AND ');
}

function nonNegativeInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 0) throw new OgcError('InvalidParameterValue', `${name} must be an integer >= 0`, { locator: name });
  return v;
}

function dedupe(names: readonly string[]): string[] {
  return [...new Set(names)];
}
