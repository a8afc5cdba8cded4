/**
 * Vector reads: features of a layer as an async iterable, in pages, with access control's grant applied.
 *
 * Where the driver reads in a stable FID order (GPKG, SQLite, Shapefile, GeoJSON, FlatGeobuf, CSV ...) features
 * come in pages from ogr2ogr (vector-translate.ts): GPKG/SQLite pages are keyed on the last FID, others use
 * LIMIT/OFFSET (growing geometrically); sorted reads use ORDER BY ... LIMIT/OFFSET. GeoPackage pages that need no
 * GDAL geometry step come as rows SQLite renders (gpkg-rows.ts), others as GeoJSON. The next page is read ahead
 * while the consumer works on this one (page-prefetch.ts). A handle is held only while a page is read, so a slow
 * consumer never pins a dataset and a consumer that stops early (break, abort) holds nothing once its iterator's
 * return() resolves. Reads come in batches of up to BATCH features (readFeatureBatches; readFeatures flattens
 * them). Other drivers (PostgreSQL, WFS ...) use a cursor (vector-cursor.ts).
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
import type gdal from 'gdal-async';
import type { VectorLayerDef } from '../project/model.js';
import { OgcError } from '../errors/ogc-error.js';
import type { Feature, Geometry, VectorQuery } from './types.js';
import { assertGrant, type ReadGrant } from './access-grant.js';
import { DataSourceError, isGdalFailure, type PooledDataset } from './dataset-pool.js';
import { openLayer, rtreePays } from './source-info.js';
import { planQuery, sqlPlan, sqliteRect, andSql, passesResiduals, withIds, quoteIdent, type QueryPlan, type SourceInfo, type SqlPlan } from './vector-plan.js';
import { pageFeatures, pageOf, queryRows, reformatGeometries, type OutputRequest, type Page, type PageRequest, type RawFeature } from './vector-translate.js';
import { PagePrefetch } from './page-prefetch.js';
import { boxMatcher, type SpatialMatcher } from './spatial.js';
import { cursorRead } from './vector-cursor.js';
import { readContext, type ReadContext } from './read-context.js';
import { isSelfContainedSql } from './vector-plan.js';
import { countSnapshot, snapshotBatches } from './snapshot-read.js';
import type { LayerSnapshot, ProjectedCopy } from './snapshot.js';

/**
 * The features of a layer matching a query. Field, filter and paging errors are thrown here, before any
 * read; CRS and data errors when iteration starts. Geometries are GeoJSON in query.targetCrs, x/y order.
 */
export function readFeatures(layer: VectorLayerDef, query: VectorQuery, grant: ReadGrant): AsyncIterable<Feature> {
  return flatten(readFeatureBatches(layer, query, grant), query.signal);
}

/**
 * readFeatures in batches of up to BATCH features (fewer at the end of a page or of a cursor's run; never empty):
 * the same checks, errors and features, in the same order.
 */
export function readFeatureBatches(layer: VectorLayerDef, query: VectorQuery, grant: ReadGrant): AsyncIterable<Feature[]> {
  assertGrant(grant);
  const plan = planQuery(layer, query, grant);
  return iterate(plan, query, grant);
}

/**
 * The features of batches one by one, the signal checked before each (an aborted read stops at once, its
 * batches closed so that their handles are back in the pool when the error comes). A plain iterator rather
 * than an async generator: no generator queue per feature.
 */
function flatten(batches: AsyncIterable<Feature[]>, signal: AbortSignal | undefined): AsyncIterable<Feature> {
  return {
    [Symbol.asyncIterator]: () => {
      const it = batches[Symbol.asyncIterator]();
      let batch: Feature[] = [];
      let k = 0;
      const close = async () => {
        batch = [];
        await it.return?.();
      };
      const pull = async (): Promise<IteratorResult<Feature>> => {
        for (;;) {
          const r = await it.next();
          if (r.done) return { done: true, value: undefined };
          if (r.value.length === 0) continue;
          batch = r.value;
          k = 1;
          return { done: false, value: batch[0]! };
        }
      };
      return {
        next: () => {
          if (signal?.aborted) return close().then(() => Promise.reject(signal.reason));
          if (k < batch.length) return Promise.resolve({ done: false, value: batch[k++]! });
          return pull();
        },
        return: async () => {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
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
  for await (const batch of iterate(plan, base, grant)) n += batch.length;
  return n;
}

/**
 * OFFSET pages grow from the base to this many times it, so that a long read rescans the source a few times only.
 * Keyed pages stay at the base: with the next page read ahead, a page costs under a millisecond more than its
 * features (a 1M-point GetFeature took 2.9 s with pages of 2000, 2.6 s with pages growing to 8000), while big
 * pages outlive scavenges (their parsed rows wait for their turn) and grow the old generation (the same requests
 * peaked at 198 MB and 236 MB RSS).
 */
const OFFSET_PAGE_GROWTH = 8;
/** Pages a whole-table read takes in FID ranges reads at once (rangeRead), and the least it must span to. */
const RANGE_DEPTH = 2;
const RANGE_MIN_PAGES = 4;
/** A range's LIMIT, in pages; and how much wider than the last a range may grow (sparse FIDs). */
const RANGE_LIMIT_PAGES = 2;
const RANGE_GROWTH = 4;
/** Characters of text a page should come in at most (big geometries make small pages). */
const PAGE_CHARS = 8 * 1024 * 1024;
/**
 * Features per batch handed out. Small: the objects of a batch die before the next scavenge, so V8 keeps
 * allocating them in the young generation (a batch of a whole page outlives scavenges, and V8 then pretenures
 * them into the old one, which grew by hundreds of MB between mark-compacts on a 1M-feature read).
 */
const BATCH = 500;
/** Features per batch from a cursor (one thread-pool round trip each). */
const CURSOR_BATCH = 256;

/**
 * The size of the page after a full one of `size` features that came in `chars` characters: OFFSET pages double
 * up to OFFSET_PAGE_GROWTH × the base, keyed ones keep the base; neither takes more than PAGE_CHARS of text at the
 * last page's rate.
 */
export function nextPageSize(size: number, base: number, chars: number, keyed: boolean): number {
  const byChars = chars > 0 ? Math.floor(PAGE_CHARS / (chars / size)) : Infinity;
  return Math.max(1, Math.min(keyed ? base : size * 2, base * OFFSET_PAGE_GROWTH, byChars));
}

async function* iterate(plan: QueryPlan, query: VectorQuery, grant: ReadGrant): AsyncGenerator<Feature[]> {
  if (plan.limit === 0) return;
  const signal = query.signal;
  const ctx = await readContext(plan.layer, query, grant.clip, plan.spatial);
  if (ctx.noMatch) return;
  const snapshot = await fromSnapshot(plan, grant, ctx);
  if (snapshot) {
    yield* snapshotBatches(snapshot.snap, snapshot.copy, plan, grant, ctx, { size: BATCH, signal });
    return;
  }
  const connection = plan.layer.source.connection;
  let lease: PooledDataset | null = await grant.pool.acquire(connection, signal ? { signal } : {});
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
      yield* batched(cursorRead(owned, opened.layer, { ...sql, where: withIds(sql) }, plan, ctx, grant.internalFields, signal), CURSOR_BATCH);
      return;
    }
    if (sorted && info.kind !== 'sqlite') {
      lease.release();
      lease = null;
      await checkSortBound(plan, query, grant);
    }
    const paged = await pagedPlan(lease, info, sql, plan, ctx, grant);
    const owned = lease;
    lease = null;
    yield* pagedRead(owned, paged, plan, grant, signal);
  } finally {
    (lease as PooledDataset | null)?.release();
  }
}

/** How the pages of a GDAL read are asked for and what is left to test in JS. */
interface PagedPlan {
  sql: SqlPlan;
  /** The first page's request (limit and offset included). */
  first: PageRequest;
  /** WHERE parts of every page (the keyed pages add their FID condition). */
  where: string[];
  /** Pages keyed on the last FID (SQLite, unsorted), else LIMIT/OFFSET. */
  keyed: boolean;
  /** FIDs asked for, tested in JS (OGR SQL cannot take them). */
  jsFids: ReadonlySet<number> | null;
  /** Offset and limit are SQL's: every feature a page brings is returned. */
  pushLimit: boolean;
  /** Tested in JS (spatial predicates; a bbox SQL can only approximate). */
  spatial: SpatialMatcher | null;
  /** What the returned geometries go through (the pages read full-precision layer-CRS geometries when spatial). */
  output: OutputRequest;
  /** The table's lowest and highest FIDs when the read takes it whole in FID ranges (rangeRead), else null. */
  fidRange: { lo: number; hi: number } | null;
}

async function pagedPlan(lease: PooledDataset | null, info: SourceInfo, sql: SqlPlan, plan: QueryPlan, ctx: ReadContext, grant: ReadGrant): Promise<PagedPlan> {
  // SQLite pages are keyed on the last FID; OGR SQL cannot take FID conditions (see vector-translate.ts),
  // so OGR pages use LIMIT/OFFSET on the driver's FID-ordered scan and FID ids are tested in JS.
  const sorted = plan.orderBy.length > 0;
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
  const output: OutputRequest = {
    withGeometry: plan.withGeometry, bounds: ctx.bounds, clip: ctx.clip, simplify: ctx.simplify,
    reproject: ctx.transform ? [ctx.layerCrs.id, ctx.target.id] : null, precision: ctx.precision,
  };
  // Spatial tests run on full-precision geometries in the layer CRS; spatialPage() then makes the output.
  const read: OutputRequest = spatial ? { ...output, withGeometry: true, clip: false, simplify: undefined, reproject: null, precision: null } : output;
  const size = grant.settings.pageSize;
  const first: PageRequest = {
    info, fields: sql.read, where, orderBy: plan.orderBy, orderByFid: keyed, fid: sql.fid,
    limit: pushLimit ? Math.min(size, plan.limit) : size, offset: pushLimit ? plan.offset : 0, ...read, spatialFilter: sqlite ? null : ctx.sourceFilter,
  };
  const whole = keyed && pushLimit && where.length === 0 && plan.offset === 0 && plan.limit >= RANGE_MIN_PAGES * size;
  const fidRange = whole && info.rowidFid && lease ? await fidBounds(lease.dataset, info, sql.fid, size) : null;
  return { sql, first, where, keyed, jsFids, pushLimit, spatial, output, fidRange };
}

/** The lowest and highest FIDs of a table, when it spans RANGE_MIN_PAGES pages or more (else null). */
async function fidBounds(dataset: gdal.Dataset, info: SourceInfo, fid: string, size: number): Promise<{ lo: number; hi: number } | null> {
  // Apart: SQLite answers a lone min() or max() of the rowid from the B-tree's ends, both in one SELECT by a scan.
  const table = quoteIdent(info.layerName);
  const [row] = await queryRows(dataset, `SELECT (SELECT min(${fid}) FROM ${table}) AS lo, (SELECT max(${fid}) FROM ${table}) AS hi`);
  const lo = row?.['lo'], hi = row?.['hi'];
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) return null;
  return (hi as number) - (lo as number) >= RANGE_MIN_PAGES * size ? { lo: lo as number, hi: hi as number } : null;
}

/**
 * The pages of a GDAL read as batches of up to BATCH features, the next page read ahead (page-prefetch.ts) while
 * the consumer works on this one. `first`: the handle to read the first page on (given to the prefetcher), or null.
 */
async function* pagedRead(first: PooledDataset | null, pp: PagedPlan, plan: QueryPlan, grant: ReadGrant, signal?: AbortSignal): AsyncGenerator<Feature[]> {
  if (pp.fidRange) {
    yield* rangeRead(first, pp, pp.fidRange, plan, grant, signal);
    return;
  }
  const pages = new PagePrefetch(grant.pool, plan.layer.source.connection, signal);
  const base = grant.settings.pageSize;
  const make = featureMaker(plan, pp.sql, grant.internalFields);
  let skip = pp.pushLimit ? 0 : plan.offset;
  let remaining = plan.limit;
  let request = pp.first;
  try {
    pages.start(request, first);
    for (;;) {
      const page = await pages.take();
      signal?.throwIfAborted();
      const next = page.length >= request.limit
        ? followingPage(pp, request, page, nextPageSize(page.length, base, page.bytes, pp.keyed), pp.pushLimit ? remaining - page.length : Infinity)
        : null;
      // Read ahead at once when the features still wanted after this page are known without testing it.
      const wanted = pp.pushLimit ? remaining - page.length : plan.limit === Infinity ? Infinity : 0;
      if (next && wanted > 0) pages.start(next);
      const items = pp.pushLimit ? page : await acceptedOf(page, pp);
      const from = Math.min(skip, items.length);
      skip -= from;
      const to = Math.min(items.length, from + remaining);
      remaining -= to - from;
      if (next && !pages.busy && remaining > 0) pages.start(next);
      yield* pageBatches(items, from, to, make);
      if (!pages.busy) return;
      request = next!;
    }
  } finally {
    await pages.close();
  }
}

/** Features from..to of a page, made as each batch of up to BATCH is handed out. */
function* pageBatches(page: Page, from: number, to: number, make: (raw: RawFeature) => Feature): Generator<Feature[]> {
  for (let k = from; k < to;) {
    const end = Math.min(to, k + BATCH);
    const batch: Feature[] = new Array(end - k);
    for (let j = 0; k < end; j++, k++) batch[j] = make(page.at(k));
    yield batch;
  }
}

/** A page started by rangeRead: the FID range (from, to] it reads, or to = null for a keyed page after `from`. */
interface RangePage {
  request: PageRequest;
  from: number;
  to: number | null;
}

/**
 * A whole table read in FID ranges, RANGE_DEPTH pages under way at a time on their own pooled handles: unlike a
 * keyed page, whose start is the last FID of the page before, a range is known before the pages before it are
 * read, so SQLite works on two pages at once while the consumer writes a third (on the 1M-point GetFeature the
 * main thread otherwise waited for SQLite ~40 % of the time). Each range (a, b] is sized from the FID density seen
 * so far to hold about a page; its LIMIT (2 pages) bounds the memory whatever the density: a range that fills it
 * was cut short, so what is under way is dropped and the ranges start again after its last FID. The table's
 * highest FID is taken at the start; keyed pages after it bring rows added since.
 */
async function* rangeRead(first: PooledDataset | null, pp: PagedPlan, range: { lo: number; hi: number }, plan: QueryPlan, grant: ReadGrant, signal?: AbortSignal): AsyncGenerator<Feature[]> {
  const connection = plan.layer.source.connection;
  const make = featureMaker(plan, pp.sql, grant.internalFields);
  const base = grant.settings.pageSize;
  const fid = pp.sql.fid;
  let pages = new PagePrefetch(grant.pool, connection, signal, RANGE_DEPTH);
  const started: RangePage[] = [];
  let remaining = plan.limit;
  /** Rows wanted per page (fewer for big features: nextPageSize), and the FID span expected to hold them. */
  let size = base;
  let width = base;
  /** Where the next range starts (it reads FIDs above it). */
  let cursor = range.lo - 1;
  let tail = false;
  const fill = (lease: PooledDataset | null = null): void => {
    while (pages.room && !tail) {
      let page: RangePage;
      if (cursor >= range.hi) {
        page = { request: { ...pp.first, where: [`${fid} > ${cursor}`], limit: size, offset: 0 }, from: cursor, to: null };
        tail = true;
      } else {
        const to = Math.min(cursor + width, range.hi);
        page = { request: { ...pp.first, where: [`${fid} > ${cursor}`, `${fid} <= ${to}`], limit: RANGE_LIMIT_PAGES * size, offset: 0 }, from: cursor, to };
        cursor = to;
      }
      pages.start(page.request, lease);
      lease = null;
      started.push(page);
    }
    lease?.release();
  };
  try {
    fill(first);
    while (started.length > 0) {
      const { request, from, to } = started.shift()!;
      const page = await pages.take();
      signal?.throwIfAborted();
      if (page.length > 0) size = nextPageSize(page.length, base, page.bytes, true);
      if (page.length >= request.limit) {
        // Cut short by its LIMIT (a range) or full (the keyed page after the ranges): go on after its last FID.
        const last = page.at(page.length - 1).id;
        if (typeof last !== 'number') throw new OgcError('NoApplicableCode', 'The data source gave features without ids', { status: 500 });
        await pages.close();
        pages = new PagePrefetch(grant.pool, connection, signal, RANGE_DEPTH);
        started.length = 0;
        cursor = last;
        width = size;
        tail = false;
      } else if (to !== null) {
        // The density of this range sizes the next ones: at most RANGE_GROWTH times wider each time.
        width = Math.max(1, Math.min(width * RANGE_GROWTH, Math.round((size * (to - from)) / Math.max(page.length, 1))));
      }
      if (remaining > page.length) fill();
      const end = Math.min(page.length, remaining);
      remaining -= end;
      yield* pageBatches(page, 0, end, make);
      if (remaining <= 0) return;
    }
  } finally {
    await pages.close();
  }
}

/** The features of a page that pass what SQL could not test (FIDs, residual filters, spatial predicates). */
async function acceptedOf(page: Page, pp: PagedPlan): Promise<Page> {
  let accepted = pageFeatures(page).filter((raw) => (!pp.jsFids || pp.jsFids.has(raw.id as number)) && passesResiduals(pp.sql, raw.properties ?? {}));
  if (pp.spatial) accepted = await spatialPage(accepted, pp.spatial, pp.output);
  return pageOf(accepted, 0);
}

/** The page after `page` (read with `request`): keyed on its last FID, else at the next OFFSET. */
function followingPage(pp: PagedPlan, request: PageRequest, page: Page, size: number, remaining: number): PageRequest {
  const limit = pp.pushLimit ? Math.min(size, remaining) : size;
  if (!pp.keyed) return { ...request, offset: request.offset + page.length, limit };
  const last = page.at(page.length - 1).id;
  if (typeof last !== 'number') throw new OgcError('NoApplicableCode', 'The data source gave features without ids', { status: 500 });
  return { ...request, where: [...pp.where, `${pp.sql.fid} > ${last}`], offset: 0, limit };
}

/** Features of a feature-at-a-time source in arrays of up to `size`. */
async function* batched(source: AsyncIterable<Feature>, size: number): AsyncGenerator<Feature[]> {
  let batch: Feature[] = [];
  for await (const f of source) {
    batch.push(f);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
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

/**
 * Makes a read's Feature from a raw one: its output and internal fields, the id (idField, else FID), the geometry.
 * Where the fields read are exactly those returned (no id field, filter or internal field besides), the page's
 * properties object becomes the attributes as it is: one object less per feature.
 */
function featureMaker(plan: QueryPlan, sql: SqlPlan, internal: readonly string[]): (raw: RawFeature) => Feature {
  const idField = plan.layer.idField;
  const withGeometry = plan.withGeometry;
  const output = plan.output;
  // With no field read, OGR SQL selects FID, which GDAL writes as a property: build the (empty) attributes then.
  const same = output.length > 0 && internal.length === 0 && sql.read.length === output.length && output.every((f, i) => sql.read[i] === f);
  return (raw) => {
    const props = raw.properties ?? {};
    let attributes = props;
    if (!same) {
      attributes = {};
      for (const name of output) attributes[name] = props[name] ?? null;
      for (const name of internal) attributes[name] = props[name] ?? null;
    }
    const id = idField && props[idField] !== null && props[idField] !== undefined ? (props[idField] as string | number) : (raw.id as number);
    return { id, attributes, geometry: withGeometry ? ((raw.geometry as Geometry | null) ?? null) : null };
  };
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
