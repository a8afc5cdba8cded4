/**
 * Vector reads: features of a layer as an async iterable, in pages, with access control's grant applied.
 *
 * Where the driver reads in a stable FID order (GPKG, SQLite, Shapefile, GeoJSON, FlatGeobuf, CSV ...) features
 * come in pages from ogr2ogr (vector-translate.ts): GPKG/SQLite pages are keyed on the last FID, others use
 * LIMIT/OFFSET with pages growing geometrically; sorted reads use ORDER BY ... LIMIT/OFFSET. The handle is held
 * only while a page is read, so a slow consumer never pins a dataset and a consumer that stops early (break,
 * abort) holds nothing. Other drivers (PostgreSQL, WFS ...) use a cursor (vector-cursor.ts).
 *
 * Filters, in order: the layer's source.subset (SQL), access control's subset string (SQL), then the
 * expression filters (access control's AND the query's) translated to the source's SQL where they
 * translate (SQLite dialect for GPKG/SQLite, OGR SQL otherwise); the rest is evaluated in JS per feature.
 * The bbox is GDAL's spatial filter, except on SQLite sources, where GDAL would apply it after the page's
 * LIMIT: there it is SQL (exact for points, R-tree candidates otherwise, tested in JS: sqliteRect). Spatial
 * predicates (spatial.ts) are tested in JS on full-precision layer-CRS geometries, which are then put through
 * the read's output steps (reformatGeometries), so that offsets, limits and counts apply after every test.
 * Not exported from src/data/index.ts: reads go through LayerAccess, which mints the grant.
 */
import type { VectorLayerDef } from '../project/model.js';
import { OgcError } from '../errors/ogc-error.js';
import type { Feature, Geometry, VectorQuery } from './types.js';
import { assertGrant, type ReadGrant } from './access-grant.js';
import { DataSourceError, isGdalFailure, type PooledDataset } from './dataset-pool.js';
import { openLayer, rtreePays } from './source-info.js';
import { planQuery, sqlPlan, sqliteRect, andSql, passesResiduals, withIds, type QueryPlan } from './vector-plan.js';
import { readPage, reformatGeometries, type OutputRequest, type RawFeature } from './vector-translate.js';
import { boxMatcher, type SpatialMatcher } from './spatial.js';
import { cursorRead } from './vector-cursor.js';
import { readContext, type ReadContext } from './read-context.js';
import { isSelfContainedSql } from './vector-plan.js';
import { countSnapshot, snapshotRead } from './snapshot-read.js';
import type { LayerSnapshot, ProjectedCopy } from './snapshot.js';

/**
 * The features of a layer matching a query. Field, filter and paging errors are thrown here, before any
 * read; CRS and data errors when iteration starts. Geometries are GeoJSON in query.targetCrs, x/y order.
 */
export function readFeatures(layer: VectorLayerDef, query: VectorQuery, grant: ReadGrant): AsyncIterable<Feature> {
  assertGrant(grant);
  const plan = planQuery(layer, query, grant);
  return iterate(plan, query, grant);
}

/** How many features match the query's bbox, filter and ids (offset, limit, orderBy and fields are ignored). */
export async function countFeatures(layer: VectorLayerDef, query: VectorQuery, grant: ReadGrant): Promise<number> {
  assertGrant(grant);
  const base: VectorQuery = { fields: [], withGeometry: false };
  for (const k of ['bbox', 'filter', 'ids', 'spatial', 'signal'] as const) if (query[k] !== undefined) Object.assign(base, { [k]: query[k] });
  const plan = planQuery(layer, base, grant);
  const ctx = await readContext(layer, base, false, plan.spatial);
  if (ctx.noMatch) return 0;
  const snapshot = await fromSnapshot(plan, grant, ctx);
  if (snapshot) return countSnapshot(snapshot.snap, plan, grant, ctx);
  const lease = await grant.pool.acquire(layer.source.connection, query.signal ? { signal: query.signal } : {});
  let counted: number | null = null;
  let broken = false;
  try {
    const { layer: source, info } = await openLayer(lease, layer.source.layer);
    const sql = sqlPlan(plan, grant, info);
    if (sql.empty) return 0;
    // Shapefiles and databases count a bbox on envelopes while reads test geometries: count those reads, unless
    // points. SQLite sources count with the rectangle in SQL (sqliteRect), exact for points only.
    const rect = info.kind === 'sqlite' && ctx.bounds ? sqliteRect(info, ctx.bounds, sql.fid) : null;
    const exact = !ctx.spatial && (!ctx.bounds || (info.kind === 'sqlite' ? rect?.exact === true : layer.geometryType === 'Point'));
    if (exact && !sql.acResidual && !sql.userResidual) {
      try {
        if (ctx.bounds && !rect) source.setSpatialFilter(...ctx.bounds);
        else source.setSpatialFilter(null);
        source.setAttributeFilter(andSql([...withIds(sql), ...(rect ? [rect.where] : [])]));
        counted = await source.features.countAsync(true);
        // GPKG answers -1 rather than throwing when the filter SQL is bad.
        if (counted < 0) throw new DataSourceError('The features of the layer cannot be counted');
      } finally {
        source.setAttributeFilter(null);
        source.setSpatialFilter(null);
      }
    }
  } catch (err) {
    broken = isGdalFailure(err);
    throw err;
  } finally {
    lease.release(broken);
  }
  if (counted !== null) return counted;
  let n = 0;
  for await (const _ of iterate(plan, base, grant)) n++;
  return n;
}

async function* iterate(plan: QueryPlan, query: VectorQuery, grant: ReadGrant): AsyncGenerator<Feature> {
  if (plan.limit === 0) return;
  const signal = query.signal;
  const ctx = await readContext(plan.layer, query, grant.clip, plan.spatial);
  if (ctx.noMatch) return;
  const snapshot = await fromSnapshot(plan, grant, ctx);
  if (snapshot) {
    yield* snapshotRead(snapshot.snap, snapshot.copy, plan, grant, ctx, signal);
    return;
  }
  const connection = plan.layer.source.connection;
  const acquire = () => grant.pool.acquire(connection, signal ? { signal } : {});
  let lease: PooledDataset | null = await acquire();
  try {
    const opened = await openLayer(lease, plan.layer.source.layer).catch((err: unknown) => {
      lease!.release(isGdalFailure(err));
      lease = null;
      throw err;
    });
    const { info } = opened;
    const sql = sqlPlan(plan, grant, info);
    if (sql.empty) return;
    const sorted = plan.orderBy.length > 0;
    if (!sorted && (grant.settings.vectorStrategy === 'cursor' || info.kind === 'other')) {
      const owned = lease;
      lease = null;
      yield* cursorRead(owned, opened.layer, { ...sql, where: withIds(sql) }, plan, ctx, grant.internalFields, signal);
      return;
    }
    if (sorted && info.kind !== 'sqlite') {
      lease.release();
      lease = null;
      await checkSortBound(plan, query, grant);
    }
    // SQLite pages are keyed on the last FID; OGR SQL cannot take FID conditions (see vector-translate.ts),
    // so OGR pages use LIMIT/OFFSET on the driver's FID-ordered scan and FID ids are tested in JS.
    const keyed = info.kind === 'sqlite' && !sorted;
    const jsFids = info.kind !== 'sqlite' ? sql.fids : null;
    const where = [...(jsFids ? sql.where : withIds(sql))];
    // SQLite sources get the rectangle in SQL (sqliteRect: GDAL would apply it after LIMIT); where that is not
    // exact, it is tested in JS with the spatial predicates. Other drivers filter exactly before LIMIT, but with
    // a spatial filter on other than points page in SQL and count in JS (as found by the property tests).
    const sqlite = info.kind === 'sqlite';
    const useRtree = sqlite && ctx.sourceFilter && keyed && lease ? await rtreePays(lease.dataset, info, ctx.sourceFilter, grant.settings.pageSize) : true;
    const rect = sqlite && ctx.sourceFilter ? sqliteRect(info, ctx.sourceFilter, sql.fid, useRtree) : null;
    const spatial = sqlite && ctx.bounds && !rect?.exact ? boxMatcher(ctx.bounds, ctx.spatial) : ctx.spatial;
    if (rect) where.push(rect.where);
    const exactBounds = sqlite || !ctx.bounds || plan.layer.geometryType === 'Point';
    const pushLimit = !sql.acResidual && !sql.userResidual && !jsFids && exactBounds && !spatial;
    let skip = pushLimit ? 0 : plan.offset;
    let sqlOffset = pushLimit ? plan.offset : 0;
    let remaining = plan.limit;
    let cursor: number | null = null;
    const base = grant.settings.pageSize;
    let pageSize = base;
    const output: OutputRequest = {
      withGeometry: plan.withGeometry, bounds: ctx.bounds, clip: ctx.clip, simplify: ctx.simplify,
      reproject: ctx.transform ? [ctx.layerCrs.id, ctx.target.id] : null, precision: ctx.precision,
    };
    // Spatial tests run on full-precision geometries in the layer CRS; spatialPage() then makes the output.
    const read: OutputRequest = spatial ? { ...output, withGeometry: true, clip: false, simplify: undefined, reproject: null, precision: null } : output;
    const spatialFilter = sqlite ? null : ctx.sourceFilter;
    for (;;) {
      signal?.throwIfAborted();
      const limit = pushLimit ? Math.min(pageSize, remaining) : pageSize;
      lease ??= await acquire();
      let page: RawFeature[];
      try {
        page = await readPage(lease.dataset, {
          info, fields: sql.read, where: cursor === null ? where : [...where, `${sql.fid} > ${cursor}`],
          orderBy: plan.orderBy, orderByFid: keyed, fid: sql.fid, limit, offset: sqlOffset, ...read, spatialFilter,
        });
      } catch (err) {
        lease.release(isGdalFailure(err));
        lease = null;
        throw err;
      }
      lease.release();
      lease = null;
      let accepted = page.filter((raw) => (!jsFids || jsFids.has(raw.id as number)) && (pushLimit || passesResiduals(sql, raw.properties ?? {})));
      if (spatial) accepted = await spatialPage(accepted, spatial, output);
      for (const raw of accepted) {
        if (skip > 0) {
          skip--;
          continue;
        }
        yield toFeature(raw, raw.properties ?? {}, plan, grant.internalFields);
        if (--remaining <= 0) return;
        signal?.throwIfAborted();
      }
      if (page.length < limit) return;
      if (!keyed) sqlOffset += page.length;
      else {
        const last = page[page.length - 1]!.id;
        if (typeof last !== 'number') throw new OgcError('NoApplicableCode', 'The data source gave features without ids', { status: 500 });
        cursor = last;
        sqlOffset = 0;
      }
      // OFFSET pages grow (up to 8× the base) so that a long read rescans the source a few times only.
      if (!keyed) pageSize = Math.min(pageSize * 2, base * 8);
    }
  } finally {
    (lease as PooledDataset | null)?.release();
  }
}

/**
 * The layer's snapshot (and its copy in the target CRS when geometries are read) when one is ready; null sends
 * the read down the GDAL path (no snapshots, not eligible, still loading, or subsets the GDAL path refuses).
 */
async function fromSnapshot(plan: QueryPlan, grant: ReadGrant, ctx: ReadContext): Promise<{ snap: LayerSnapshot; copy: ProjectedCopy | null } | null> {
  const store = grant.snapshots;
  if (!store) return null;
  const layer = plan.layer;
  const where: string[] = [];
  for (const subset of [layer.source.subset, grant.subset]) {
    if (!subset?.trim()) continue;
    if (!isSelfContainedSql(subset)) return null;
    where.push(subset);
  }
  if (!plan.withGeometry) {
    const snap = await store.snapshot(grant.pool, layer, where);
    return snap && { snap, copy: null };
  }
  const got = await store.projected(grant.pool, layer, where, ctx.transform ? [ctx.layerCrs.id, ctx.target.id] : null, ctx.precision);
  return got && { snap: got.snapshot, copy: got.copy };
}

/** The features of a page that pass the spatial predicates, with their geometries as the read asked for them (none, or reformatted). */
async function spatialPage(page: RawFeature[], spatial: SpatialMatcher, output: OutputRequest): Promise<RawFeature[]> {
  const passed = page.filter((raw) => spatial.testGeoJSON(raw.geometry));
  if (!output.withGeometry) return passed.map((raw) => ({ ...raw, geometry: null }));
  if (passed.length === 0) return passed;
  const geometries = await reformatGeometries(passed.filter((raw) => raw.geometry), output);
  // A feature without geometry never passes a predicate; one GDAL cannot reproject is skipped, as on a direct read.
  return passed.filter((raw) => geometries.has(raw.id as number)).map((raw) => ({ ...raw, geometry: geometries.get(raw.id as number) }));
}

function toFeature(raw: RawFeature, props: Record<string, unknown>, plan: QueryPlan, internal: readonly string[]): Feature {
  const attributes: Record<string, unknown> = {};
  for (const name of plan.output) attributes[name] = props[name] ?? null;
  for (const name of internal) attributes[name] = props[name] ?? null;
  const idField = plan.layer.idField;
  const id = idField && props[idField] !== null && props[idField] !== undefined ? (props[idField] as string | number) : (raw.id as number);
  return { id, attributes, geometry: plan.withGeometry ? ((raw.geometry as Geometry | null) ?? null) : null };
}

/** Sorting on a source without native SQL holds every matching key in memory: refuse past the bound. */
async function checkSortBound(plan: QueryPlan, query: VectorQuery, grant: ReadGrant): Promise<void> {
  const max = grant.settings.maxSortFeatures;
  const counted: VectorQuery = {};
  for (const k of ['bbox', 'filter', 'ids', 'spatial', 'signal'] as const) if (query[k] !== undefined) Object.assign(counted, { [k]: query[k] });
  const n = await countFeatures(plan.layer, counted, grant);
  if (n > max) {
    throw new OgcError('InvalidParameterValue', `Sorting is limited to ${max} features on layer '${plan.layer.name}'; narrow the request`, { locator: 'orderBy' });
  }
}
