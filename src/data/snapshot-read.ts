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
import type { Feature } from './types.js';
import type { ReadGrant } from './access-grant.js';
import type { ReadContext } from './read-context.js';
import { idClause, sqlPlan, type QueryPlan } from './vector-plan.js';
import { intersectsRect, toGeoJSON } from './snapshot-geometry.js';
import type { LayerSnapshot, ProjectedCopy } from './snapshot.js';

/** Features matching bbox, ids and both filters, in FID order (indices into the snapshot). */
export function selectFeatures(snap: LayerSnapshot, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext): Uint32Array | number[] {
  // The same checks and errors as the GDAL path (subsets self-contained, fields in the source, ids that can match).
  const sql = sqlPlan(plan, grant, snap.info);
  if (sql.empty) return [];
  let candidates: Uint32Array | number[];
  if (ctx.bounds) {
    const [x0, y0, x1, y1] = ctx.bounds;
    const hits = snap.search(x0, y0, x1, y1);
    const out: number[] = [];
    for (const i of hits) if (intersectsRect(snap.geometry, i, x0, y0, x1, y1)) out.push(i);
    candidates = out;
  } else if (ctx.spatial?.envelope) candidates = snap.search(...ctx.spatial.envelope);
  else candidates = Uint32Array.from({ length: snap.count }, (_, i) => i);

  const tests: Array<(i: number) => boolean> = [];
  if (plan.ids) {
    const layer = plan.layer;
    const clause = idClause(plan.ids, layer, 'FID')!;
    if (layer.idField) {
      const type = layer.fields.find((f) => f.name === layer.idField)?.type ?? 'string';
      const numeric = /^(integer|integer64|real)$/.test(type);
      const field = layer.idField;
      if (numeric) {
        const wanted = new Set(clause.values.map(Number));
        tests.push((i) => wanted.has(snap.value(field, i) as number));
      } else {
        const wanted = new Set(clause.values.map((v) => v.slice(1, -1).replace(/''/g, "'")));
        tests.push((i) => {
          const v = snap.value(field, i);
          return v !== null && v !== undefined && wanted.has(String(v));
        });
      }
    } else {
      const wanted = new Set(clause.values.map(Number));
      tests.push((i) => wanted.has(snap.fids[i]!));
    }
  }
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
  if (tests.length === 0) return candidates;
  const out: number[] = [];
  for (const i of candidates) if (tests.every((t) => t(i))) out.push(i);
  return out;
}

/** Counts the matching features. */
export function countSnapshot(snap: LayerSnapshot, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext): number {
  return selectFeatures(snap, plan, grant, ctx).length;
}

/** The features of a plan from a snapshot (copy: the geometries in the target CRS; null without geometry). */
export function* snapshotRead(snap: LayerSnapshot, copy: ProjectedCopy | null, plan: QueryPlan, grant: ReadGrant, ctx: ReadContext, signal?: AbortSignal): Generator<Feature> {
  let selected = selectFeatures(snap, plan, grant, ctx);
  if (copy && plan.withGeometry) selected = Array.prototype.filter.call(selected, (i: number) => copy.present[i] === 1) as number[];
  if (plan.orderBy.length > 0) selected = sortBy(snap, selected, plan.orderBy);
  const end = Math.min(selected.length, plan.offset + plan.limit);
  const internal = grant.internalFields;
  const idField = plan.layer.idField;
  for (let k = plan.offset; k < end; k++) {
    if (signal?.aborted) signal.throwIfAborted();
    const i = selected[k]!;
    const attributes: Record<string, unknown> = {};
    for (const name of plan.output) attributes[name] = snap.value(name, i) ?? null;
    for (const name of internal) attributes[name] = snap.value(name, i) ?? null;
    const idValue = idField ? snap.value(idField, i) : null;
    const id = idValue !== null && idValue !== undefined ? (idValue as string | number) : snap.fids[i]!;
    yield { id, attributes, geometry: plan.withGeometry && copy ? toGeoJSON(copy.geometry, i) : null };
  }
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
