/**
 * Vector reads served from a layer snapshot, giving what the GDAL path gives for the same query and grant:
 * the bbox as GDAL's spatial filter (in the layer CRS, exact intersection with the closed rectangle), access
 * control's expression on every source field and the client's on the visible ones (the whole expressions in
 * JS, Expression.test), ids, orderBy as SQL sorts (NULLs first ascending, last descending, ties in FID order),
 * offset/limit, fields, geometries as GDAL reprojected and rounded them.
 *
 * Not done here: clipping to the bbox and simplification (ReadOptions.clip, VectorQuery.simplify) are
 * rendering optimisations; snapshot geometries come whole and unsimplified, which draws the same map.
 * The orderBy bound of sources without native SQL sorting (maxSortFeatures) does not apply: nothing is
 * re-read to sort.
 */
import type { FeatureLike } from '../expression/index.js';
import { GEOMETRY_SOURCE, type Feature, type GeometrySource } from './types.js';
import type { VectorLayerDef } from '../project/model.js';
import type { ReadGrant } from './access-grant.js';
import type { ReadContext } from './read-context.js';
import { idClause, sqlPlan, type QueryPlan } from './vector-plan.js';
import { intersectsRect, toGeoJSON, type GeometryStore } from './snapshot-geometry.js';
import type { LayerSnapshot, ProjectedCopy } from './snapshot.js';

/** What a read selects from a snapshot: candidates (null: every feature, in order) and the test each must pass. */
interface Selection {
  candidates: Uint32Array | number[] | null;
  test: ((i: number) => boolean) | null;
}

/** Features matching bbox, ids and both filters, in FID order (indices into the snapshot). */
export function selectFeatures(snap: LayerSnapshot, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext): Uint32Array | number[] {
  const { candidates, test } = selection(snap, plan, grant, ctx);
  if (!candidates) return test ? rangeWhere(snap.count, test) : Uint32Array.from({ length: snap.count }, (_, i) => i);
  if (!test) return candidates;
  const out: number[] = [];
  for (const i of candidates) if (test(i)) out.push(i);
  return out;
}

function rangeWhere(n: number, test: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (test(i)) out.push(i);
  return out;
}

/** The candidates of a read (index search for a bbox or a predicates' envelope) and its tests, checked like the GDAL path's. */
function selection(snap: LayerSnapshot, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext): Selection {
  // The same checks and errors as the GDAL path (subsets self-contained, fields in the source, ids that can match).
  const sql = sqlPlan(plan, grant, snap.info);
  if (sql.empty) return { candidates: [], test: null };
  let candidates: Uint32Array | number[] | null = null;
  if (ctx.bounds) {
    const [x0, y0, x1, y1] = ctx.bounds;
    const hits = snap.search(x0, y0, x1, y1);
    const out: number[] = [];
    for (const i of hits) if (intersectsRect(snap.geometry, i, x0, y0, x1, y1)) out.push(i);
    candidates = out;
  } else if (ctx.spatial?.envelope) candidates = snap.search(...ctx.spatial.envelope);

  const tests: Array<(i: number) => boolean> = [];
  if (plan.ids) tests.push(idTest(snap, plan));
  const row = { i: 0 };
  if (grant.expression) {
    const expr = grant.expression;
    const all: FeatureLike = { attribute: (name: string) => field(snap, snap.names, name, row.i) };
    tests.push((i) => ((row.i = i), expr.test(all)));
  }
  if (plan.filter) {
    const expr = plan.filter;
    const visible = plan.visible.filter((f) => snap.resolve(f) === f);
    const seen: FeatureLike = { attribute: (name: string) => field(snap, visible, name, row.i) };
    tests.push((i) => ((row.i = i), expr.test(seen)));
  }
  // Last: the dearest test (GEOS on the full-precision layer-CRS geometry, as the GDAL path reads it).
  const spatial = ctx.spatial;
  if (spatial) tests.push((i) => spatial.testGeoJSON(toGeoJSON(snap.geometry, i)));
  const test = tests.length === 0 ? null : tests.length === 1 ? tests[0]! : (i: number) => tests.every((t) => t(i));
  return { candidates, test };
}

/** The ids test: on the id field (typed as the field) or on FIDs. */
function idTest(snap: LayerSnapshot, plan: QueryPlan): (i: number) => boolean {
  const layer = plan.layer;
  const clause = idClause(plan.ids!, layer, 'FID')!;
  if (!layer.idField) {
    const wanted = new Set(clause.values.map(Number));
    return (i) => wanted.has(snap.fids[i]!);
  }
  const type = layer.fields.find((f) => f.name === layer.idField)?.type ?? 'string';
  const field = layer.idField;
  if (/^(integer|integer64|real)$/.test(type)) {
    const wanted = new Set(clause.values.map(Number));
    return (i) => wanted.has(snap.value(field, i) as number);
  }
  const wanted = new Set(clause.values.map((v) => v.slice(1, -1).replace(/''/g, "'")));
  return (i) => {
    const v = snap.value(field, i);
    return v !== null && v !== undefined && wanted.has(String(v));
  };
}

/** Counts the matching features. */
export function countSnapshot(snap: LayerSnapshot, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext): number {
  const { candidates, test } = selection(snap, plan, grant, ctx);
  if (!test) return candidates ? candidates.length : snap.count;
  let n = 0;
  if (candidates) for (const i of candidates) n += test(i) ? 1 : 0;
  else for (let i = 0; i < snap.count; i++) n += test(i) ? 1 : 0;
  return n;
}

/** Features per batch of a snapshot read; the signal is checked between batches. */
export interface BatchOptions {
  size: number;
  signal?: AbortSignal | undefined;
}

/**
 * The features of a plan from a snapshot (copy: the geometries in the target CRS; null without geometry), in
 * batches. Unsorted reads test the candidates as they go, so the first batch comes without a pass over the
 * whole layer; sorted ones select and sort everything first.
 */
export function* snapshotBatches(snap: LayerSnapshot, copy: ProjectedCopy | null, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext, options: BatchOptions): Generator<Feature[]> {
  const make = featureMaker(snap, copy, plan, grant);
  const present = copy && plan.withGeometry ? copy.present : null;
  const { size, signal } = options;
  let batch: Feature[] = [];
  const full = () => batch.length >= size;
  if (signal?.aborted) signal.throwIfAborted();
  if (plan.orderBy.length > 0) {
    let selected = selectFeatures(snap, plan, grant, ctx);
    if (present) selected = Array.prototype.filter.call(selected, (i: number) => present[i] === 1) as number[];
    const sorted = sortBy(snap, selected, plan.orderBy);
    const end = Math.min(sorted.length, plan.offset + plan.limit);
    for (let k = plan.offset; k < end; k++) {
      batch.push(make(sorted[k]!));
      if (full()) {
        yield batch;
        batch = [];
        if (signal?.aborted) signal.throwIfAborted();
      }
    }
  } else {
    const { candidates, test } = selection(snap, plan, grant, ctx);
    const n = candidates ? candidates.length : snap.count;
    let skip = plan.offset;
    let remaining = plan.limit;
    // Nothing to test: the offset is a position.
    let k = 0;
    if (!test && !present) {
      k = Math.min(skip, n);
      skip = 0;
    }
    for (; k < n && remaining > 0; k++) {
      const i = candidates ? candidates[k]! : k;
      if ((present && present[i] !== 1) || (test && !test(i))) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      batch.push(make(i));
      remaining--;
      if (full()) {
        yield batch;
        batch = [];
        if (signal?.aborted) signal.throwIfAborted();
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** Builds feature i of the snapshot as a read returns it (fields, internal fields, id, geometry from the copy). */
function featureMaker(snap: LayerSnapshot, copy: ProjectedCopy | null, plan: QueryPlan, grant: ReadGrant): (i: number) => Feature {
  const internal = grant.internalFields;
  const idField = plan.layer.idField;
  const output = plan.output;
  const geometry = plan.withGeometry && copy ? copy.geometry : null;
  const store = geometry ? sourceKey(geometry, plan.layer) : null;
  return (i) => {
    const attributes: Record<string, unknown> = {};
    for (const name of output) attributes[name] = snap.value(name, i) ?? null;
    for (const name of internal) attributes[name] = snap.value(name, i) ?? null;
    const idValue = idField ? snap.value(idField, i) : null;
    const id = idValue !== null && idValue !== undefined ? (idValue as string | number) : snap.fids[i]!;
    const g = geometry ? toGeoJSON(geometry, i) : null;
    if (g && store) Object.defineProperty(g, GEOMETRY_SOURCE, { value: { store, index: i } satisfies GeometrySource });
    return { id, attributes, geometry: g };
  };
}

const sourceKeys = new WeakMap<GeometryStore, WeakMap<VectorLayerDef, object>>();

/**
 * The identity GEOMETRY_SOURCE carries: one per geometry store AND project layer, since two layers on one source
 * may have other id fields (the writers' texts hold feature ids). Both are immutable; a reload makes new ones.
 */
function sourceKey(geometry: GeometryStore, layer: VectorLayerDef): object {
  let byLayer = sourceKeys.get(geometry);
  if (!byLayer) sourceKeys.set(geometry, (byLayer = new WeakMap()));
  let key = byLayer.get(layer);
  if (!key) byLayer.set(layer, (key = {}));
  return key;
}

/** A field for an expression: the names it may see, exact or the unique case-insensitive match. */
function field(snap: LayerSnapshot, names: readonly string[], name: string, i: number): unknown {
  let canonical: string | undefined = name;
  if (!names.includes(name)) {
    const lower = name.toLowerCase();
    const m = names.filter((n) => n.toLowerCase() === lower);
    canonical = m.length === 1 ? m[0] : undefined;
  }
  if (canonical === undefined) return undefined;
  const v = snap.value(canonical, i);
  return v === undefined ? null : v;
}

/** SQL ORDER BY: NULL < numbers < text ascending, descending reversed; ties keep FID order (stable sort). */
function sortBy(snap: LayerSnapshot, selected: Uint32Array | number[], orderBy: ReadonlyArray<{ field: string; descending: boolean }>): number[] {
  const rows = Array.from(selected);
  const cols = orderBy.map((o) => rows.map((i) => snap.value(o.field, i)));
  const order = rows.map((_, k) => k);
  order.sort((a, b) => {
    for (let c = 0; c < cols.length; c++) {
      const d = compareSql(cols[c]![a], cols[c]![b]);
      if (d !== 0) return orderBy[c]!.descending ? -d : d;
    }
    return a - b;
  });
  return order.map((k) => rows[k]!);
}

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function compareSql(a: unknown, b: unknown): number {
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  if (ra === 1) return Number(a) - Number(b);
  const sa = ra === 2 ? (a as string) : JSON.stringify(a), sb = ra === 2 ? (b as string) : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
