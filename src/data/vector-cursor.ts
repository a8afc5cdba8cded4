/**
 * The fallback vector reader: a gdal-async feature cursor (nextAsync) on one handle held for the whole read.
 * Used for drivers whose sequential reads are not known to come in FID order (PostgreSQL, WFS, ...), where
 * FID-keyed pages could miss features. Slower (a thread-pool round trip per feature) but streams any size
 * in constant memory. Geometry maths on the detached features (clip, simplify, reprojection) is synchronous
 * CPU work: no I/O and no dataset lock is involved.
 */
import gdal from 'gdal-async';
import type { Feature, Geometry } from './types.js';
import type { PooledDataset } from './dataset-pool.js';
import { isGdalFailure } from './dataset-pool.js';
import { andSql, passesResiduals, type QueryPlan, type SqlPlan } from './vector-plan.js';
import type { ReadContext } from './read-context.js';
import { rectGeometry } from './spatial.js';

/** Streams the features of a plan through a cursor; takes ownership of the lease and releases it at the end. */
export async function* cursorRead(
  lease: PooledDataset, layer: gdal.Layer, sql: SqlPlan, plan: QueryPlan, ctx: ReadContext, internal: readonly string[], signal?: AbortSignal,
): AsyncGenerator<Feature> {
  let broken = false;
  try {
    const clipTo = ctx.clip && ctx.bounds ? rectGeometry(ctx.bounds) : null;
    let skip = plan.offset;
    let remaining = plan.limit;
    for await (const { feature: f, props } of scanLayer(layer, sql, ctx, signal)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      const geometry = plan.withGeometry ? convertGeometry(f.getGeometry(), ctx, clipTo) : null;
      if (geometry === undefined) continue;
      const attributes: Record<string, unknown> = {};
      for (const name of plan.output) attributes[name] = props[name] ?? null;
      for (const name of internal) attributes[name] = props[name] ?? null;
      const id = plan.layer.idField ? (props[plan.layer.idField] as string | number) ?? f.fid : f.fid;
      yield { id, attributes, geometry };
      if (--remaining <= 0) return;
    }
  } catch (err) {
    broken = isGdalFailure(err);
    throw err;
  } finally {
    lease.release(broken);
  }
}

/**
 * The features of a layer that pass the SQL (sql.where, set as the layer's attribute filter), the spatial
 * filter, the residual expressions and the spatial predicates, with the fields of sql.read. The layer's
 * filters are reset when the scan ends (a reset that fails throws: the handle is then broken).
 */
export async function* scanLayer(layer: gdal.Layer, sql: SqlPlan, ctx: ReadContext, signal?: AbortSignal): AsyncGenerator<{ feature: gdal.Feature; props: Record<string, unknown> }> {
  try {
    if (ctx.sourceFilter) layer.setSpatialFilter(...ctx.sourceFilter);
    else layer.setSpatialFilter(null);
    layer.setAttributeFilter(andSql(sql.where));
    for (let f: gdal.Feature | null = await layer.features.firstAsync(); f; f = await layer.features.nextAsync()) {
      signal?.throwIfAborted();
      const props: Record<string, unknown> = {};
      for (const name of sql.read) props[name] = normalizeValue(f.fields.get(name));
      if (!passesResiduals(sql, props)) continue;
      if (ctx.spatial && !ctx.spatial.test(f.getGeometry())) continue;
      yield { feature: f, props };
    }
  } finally {
    layer.setAttributeFilter(null);
    layer.setSpatialFilter(null);
  }
}

/** The geometry as GeoJSON after clip, simplify and reprojection; null for none, undefined when it cannot be reprojected (skipped, as ogr2ogr -skipfailures does). */
function convertGeometry(g: gdal.Geometry | null, ctx: ReadContext, clipTo: gdal.Geometry | null): Geometry | null | undefined {
  if (!g) return null;
  let geom = g;
  if (clipTo) {
    geom = geom.intersection(clipTo);
    if (geom.isEmpty()) return null;
  }
  if (ctx.simplify !== undefined && ctx.simplify > 0) geom = geom.simplifyPreserveTopology(ctx.simplify);
  if (ctx.transform && !ctx.transform.geometry(geom)) return undefined;
  return geom.toObject() as Geometry;
}

/** Dates from gdal-async ({year, month, day, hour, minute, second, timezone}) as the ISO strings the GeoJSON path gives. */
export function normalizeValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v && typeof v === 'object' && 'year' in v && 'month' in v) {
    const d = v as { year: number; month: number; day: number; hour?: number; minute?: number; second?: number; timezone?: number };
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const date = `${p(d.year, 4)}-${p(d.month)}-${p(d.day)}`;
    if (d.hour === undefined) return date;
    const sec = d.second ?? 0;
    const secText = Number.isInteger(sec) ? p(sec) : sec.toFixed(3).padStart(6, '0');
    let tz = '';
    if (d.timezone === 100) tz = 'Z';
    else if (d.timezone !== undefined && d.timezone > 1) {
      const minutes = (d.timezone - 100) * 15;
      tz = `${minutes < 0 ? '-' : '+'}${p(Math.floor(Math.abs(minutes) / 60))}:${p(Math.abs(minutes) % 60)}`;
    }
    return `${date}T${p(d.hour)}:${p(d.minute ?? 0)}:${secText}${tz}`;
  }
  return v;
}
