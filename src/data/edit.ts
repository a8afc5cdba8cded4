/**
 * Transactions (LayerAccess.transaction): inserts, updates and deletes written all-or-nothing.
 *
 * 1. Every action is checked before anything is written: the layer readable and editable (the project's
 *    `editable`, then layerPermissions), attribute names and values, geometries, filters.
 * 2. The writer lock of each data source is taken (one writer per connection in this process; connections in
 *    sorted order, so two transactions never wait on each other), then a write handle with a transaction.
 * 3. Actions run in order, each on its source's transaction: updates and deletes select on the write handle
 *    (so they see the earlier actions) through the read path's SQL and filters with access control's subset
 *    and expression ANDed, and allowToEdit is asked per feature (for an update, before and after the change).
 * 4. Every source commits (in order); on any error before, every source rolls back and nothing is written.
 *    A failure while committing the second of two sources cannot undo the first: documented in the README.
 * 5. After a commit, the pool's handles (drivers cache counts and extents) and the snapshots of the source are
 *    dropped, so the next read sees the change. Write handles are closed, never reused: after a rollback the
 *    GeoPackage driver keeps counts that are no longer true.
 *
 * Readers are not blocked: they use their own read-only handles, and SQLite's locking lets them read the last
 * committed state while a writer works (a commit waits for SQLite's busy timeout when a read is under way).
 * Sources: GeoPackage and SQLite (edit-source.ts says why not PostgreSQL).
 */
import gdal from 'gdal-async';
import { OgcError, SecurityError } from '../errors/ogc-error.js';
import type { ServerFeature } from '../filters/access-control.js';
import type { FieldDef, VectorLayerDef } from '../project/model.js';
import type { ReadGrant } from './access-grant.js';
import type { DatasetPool, PooledDataset } from './dataset-pool.js';
import { convertAttributes, fitGeometry, invalidValue, layerGeometry, type Values } from './edit-values.js';
import { editTarget, execute, writeFailed, type EditTarget } from './edit-source.js';
import { readContext } from './read-context.js';
import { queryRows } from './vector-translate.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { EditAction, EditResult, EditWhere, VectorQuery } from './types.js';
import { scanLayer } from './vector-cursor.js';
import { planQuery, quoteIdent, sqlPlan, withIds } from './vector-plan.js';

/** An edit operation, as layerPermissions and the project's `editable` name it. */
export type EditOperation = 'insert' | 'update' | 'delete';

/** What a transaction needs from the access layer (LayerAccess builds it: access control stays there). */
export interface EditAccess {
  pool: DatasetPool;
  snapshots: SnapshotStore | null;
  /** Throws unless the request may make this kind of edit on the layer (LayerNotDefined / Security). */
  permit(layer: VectorLayerDef, op: EditOperation): void;
  /** Every access-control filter's allowToEdit. */
  allowed(layer: VectorLayerDef, feature: ServerFeature): boolean;
  /** The published fields this request may see. */
  fields(layer: VectorLayerDef): FieldDef[];
  /** A read grant (access control's subset and expression) reading these source fields too. */
  grant(layer: VectorLayerDef, internalFields: string[]): ReadGrant;
}

/** SQLite waits this long for a lock (another process writing, a commit waiting for readers) before failing. */
const BUSY_TIMEOUT_MS = 30_000;

/** A checked action, ready to run on its source's transaction. */
interface Prepared {
  layer: VectorLayerDef;
  run(target: EditTarget, ctx: RunContext): Promise<void>;
}

interface RunContext {
  access: EditAccess;
  result: EditResult;
  signal: AbortSignal | undefined;
}

/** Runs the actions all-or-nothing; see the module comment. */
export async function runTransaction(actions: readonly EditAction[], access: EditAccess, signal?: AbortSignal): Promise<EditResult> {
  if (!Array.isArray(actions)) throw new OgcError('InvalidParameterValue', 'A transaction is a list of actions');
  const prepared: Prepared[] = [];
  for (const a of actions) prepared.push(await prepare(a, access));
  const result: EditResult = { inserted: [], updated: 0, deleted: 0 };
  if (prepared.length === 0) return result;
  const connections = [...new Set(prepared.map((p) => p.layer.source.connection))].sort();
  const unlock = await lockAll(connections);
  try {
    signal?.throwIfAborted();
    await withSessions(connections, access, signal, async (sessions) => {
      for (const p of prepared) {
        signal?.throwIfAborted();
        await p.run(await sessions.get(p.layer.source.connection)!.target(p.layer), { access, result, signal });
      }
    });
  } finally {
    unlock();
  }
  return result;
}

/** Checks one action (permissions, fields, values, geometry, filter) without touching the source. */
async function prepare(action: EditAction, access: EditAccess): Promise<Prepared> {
  if (!action || typeof action !== 'object' || !['insert', 'update', 'delete'].includes(action.type)) {
    throw new OgcError('InvalidParameterValue', `Unknown edit action '${String((action as { type?: unknown })?.type).slice(0, 40)}'`);
  }
  const layer = action.layer;
  if (!layer || layer.kind !== 'vector') throw new OgcError('InvalidParameterValue', 'Only vector layers can be edited', { locator: layer?.name });
  access.permit(layer, action.type);
  const handle = action.handle;
  if (action.type === 'insert') {
    if (!Array.isArray(action.features)) throw new OgcError('InvalidParameterValue', `The insert into layer '${layer.name}' has no feature list`, { locator: layer.name });
    const features: Array<{ values: Values; geometry: gdal.Geometry | null }> = [];
    for (const f of action.features) {
      features.push({ values: convertAttributes(layer, access.fields(layer), f?.attributes), geometry: await layerGeometry(f?.geometry, f?.crs, layer) });
    }
    return { layer, run: (t, ctx) => runInsert(t, features, handle, ctx) };
  }
  checkWhere(layer, action.where, access);
  if (action.type === 'delete') return { layer, run: (t, ctx) => runDelete(t, action.where, ctx) };
  const values = convertAttributes(layer, access.fields(layer), action.attributes ?? {});
  const geometry = action.geometry === undefined ? undefined : await layerGeometry(action.geometry?.value, action.geometry?.crs, layer);
  return { layer, run: (t, ctx) => runUpdate(t, action.where, values, geometry, ctx) };
}

/** The query of an update's or delete's selection. */
function whereQuery(where: EditWhere): VectorQuery {
  const q: VectorQuery = { fields: [], withGeometry: true };
  if (where.filter !== undefined) q.filter = where.filter;
  if (where.ids !== undefined) q.ids = where.ids;
  if (where.spatial !== undefined) q.spatial = where.spatial;
  if (where.bbox !== undefined) q.bbox = where.bbox;
  return q;
}

/** Checks a selection's fields, filter and predicates as a read would, before anything is written. */
function checkWhere(layer: VectorLayerDef, where: EditWhere | undefined, access: EditAccess): void {
  if (!where || typeof where !== 'object') throw new OgcError('InvalidParameterValue', `The edit of layer '${layer.name}' has no selection`, { locator: layer.name });
  planQuery(layer, whereQuery(where), access.grant(layer, []));
}

async function runInsert(t: EditTarget, features: ReadonlyArray<{ values: Values; geometry: gdal.Geometry | null }>, handle: string | undefined, ctx: RunContext): Promise<void> {
  const ids: Array<string | number> = [];
  const idField = t.def.idField;
  for (const nf of features) {
    ctx.signal?.throwIfAborted();
    const f = new gdal.Feature(t.layer);
    checkRequired(t, nf.values);
    setValues(f, nf.values);
    if (nf.geometry) f.setGeometry(fitGeometry(nf.geometry, t.geometryType, t.has3D, t.def));
    const given = idField ? nf.values.get(idField) : undefined;
    if (idField && (given === null || given === undefined) && !t.columns.get(idField)?.generated) {
      throw invalidValue(`A feature inserted into layer '${t.def.name}' needs a value for its id field '${idField}'`, idField);
    }
    const attributes = Object.fromEntries(nf.values);
    if (!ctx.access.allowed(t.def, serverFeature((given as string | number | undefined) ?? null, attributes))) {
      throw new SecurityError(`Inserting this feature into layer '${t.def.name}' is not allowed`, t.def.name);
    }
    await t.layer.features.addAsync(f).catch((err: unknown) => {
      throw writeFailed(t.def, err);
    });
    ids.push(idField ? (given as string | number | null | undefined) ?? await storedValue(t, f.fid, idField) : f.fid);
  }
  ctx.result.inserted.push({ layer: t.def.name, ...(handle !== undefined ? { handle } : {}), ids });
}

async function runUpdate(t: EditTarget, where: EditWhere, values: Values, geometry: gdal.Geometry | null | undefined, ctx: RunContext): Promise<void> {
  for (const [name, value] of values) {
    if (value === null && t.columns.get(name)?.notNull) throw invalidValue(`Field '${name}' of layer '${t.def.name}' cannot be empty`, name);
  }
  checkWidths(t, values);
  const fitted = geometry ? fitGeometry(geometry, t.geometryType, t.has3D, t.def) : geometry;
  const selected = await select(t, where, ctx);
  const changed = Object.fromEntries(values);
  for (const { feature, props } of selected) {
    ctx.signal?.throwIfAborted();
    if (!ctx.access.allowed(t.def, serverFeature(idOf(t, feature, props), props))) throw refused(t, 'Updating');
    const after = { ...props, ...changed };
    if (!ctx.access.allowed(t.def, serverFeature(idOf(t, feature, after), after))) throw refused(t, 'This update of');
    setValues(feature, values);
    if (fitted !== undefined) feature.setGeometry(fitted);
    await t.layer.features.setAsync(feature.fid, feature).catch((err: unknown) => {
      throw writeFailed(t.def, err);
    });
  }
  await setNulls(t, [...values].filter(([, v]) => v === null).map(([name]) => name), selected.map((s) => s.feature.fid));
  ctx.result.updated += selected.length;
}

/**
 * Writes NULLs: gdal-async has no SetFieldNull, and an unset field is left as it was by an update. In SQL, on
 * the same transaction.
 */
async function setNulls(t: EditTarget, fields: readonly string[], fids: readonly number[]): Promise<void> {
  if (fields.length === 0 || fids.length === 0) return;
  const table = quoteIdent(t.info.layerName);
  const fid = quoteIdent(t.info.fidColumn || 'rowid');
  const set = fields.map((f) => `${quoteIdent(f)} = NULL`).join(', ');
  for (let i = 0; i < fids.length; i += 500) {
    await execute(t.layer.ds, `UPDATE ${table} SET ${set} WHERE ${fid} IN (${fids.slice(i, i + 500).join(', ')})`).catch((err: unknown) => {
      throw writeFailed(t.def, err);
    });
  }
}

async function runDelete(t: EditTarget, where: EditWhere, ctx: RunContext): Promise<void> {
  const selected = await select(t, where, ctx);
  for (const { feature, props } of selected) {
    if (!ctx.access.allowed(t.def, serverFeature(idOf(t, feature, props), props))) throw refused(t, 'Deleting');
  }
  for (const { feature } of selected) {
    ctx.signal?.throwIfAborted();
    await t.layer.features.removeAsync(feature.fid).catch((err: unknown) => {
      throw writeFailed(t.def, err);
    });
  }
  ctx.result.deleted += selected.length;
}

function refused(t: EditTarget, what: string): SecurityError {
  return new SecurityError(`${what} this feature of layer '${t.def.name}' is not allowed`, t.def.name);
}

/**
 * The features an update or delete touches, on the write handle: the read path's SQL and filters with access
 * control's subset and expression, every source field read (for allowToEdit). Collected before any change:
 * a cursor must not run over rows being rewritten.
 */
async function select(t: EditTarget, where: EditWhere, ctx: RunContext): Promise<Array<{ feature: gdal.Feature; props: Record<string, unknown> }>> {
  const grant = ctx.access.grant(t.def, [...t.info.fields.keys()]);
  const query = whereQuery(where);
  const plan = planQuery(t.def, query, grant);
  const rc = await readContext(t.def, query, false, plan.spatial);
  if (rc.noMatch) return [];
  const sql = sqlPlan(plan, grant, t.info);
  if (sql.empty) return [];
  const out: Array<{ feature: gdal.Feature; props: Record<string, unknown> }> = [];
  for await (const row of scanLayer(t.layer, { ...sql, where: withIds(sql) }, rc, ctx.signal)) out.push(row);
  return out;
}

/** NOT NULL columns an insert leaves empty (named when the client may see them). */
function checkRequired(t: EditTarget, values: Values): void {
  for (const [name, c] of t.columns) {
    if (!c.notNull || c.generated || name === t.info.fidColumn || name === t.info.geomColumn) continue;
    const v = values.get(name);
    if (v !== null && v !== undefined) continue;
    const visible = t.def.fields.some((f) => f.name === name);
    throw invalidValue(visible ? `Field '${name}' of layer '${t.def.name}' cannot be empty` : `A feature of layer '${t.def.name}' lacks a value the data source requires`, visible ? name : t.def.name);
  }
  checkWidths(t, values);
}

function checkWidths(t: EditTarget, values: Values): void {
  for (const [name, v] of values) {
    const width = t.columns.get(name)?.width ?? 0;
    if (width > 0 && typeof v === 'string' && [...v].length > width) throw invalidValue(`The value of field '${name}' is longer than ${width} characters`, name);
  }
}

function setValues(f: gdal.Feature, values: Values): void {
  for (const [name, v] of values) {
    try {
      f.fields.set(name, v as never);
    } catch {
      throw invalidValue(`The value of field '${name}' cannot be stored`, name);
    }
  }
}

/** A feature's id as reads give it: the id field's value, else the FID. */
function idOf(t: EditTarget, feature: gdal.Feature, props: Record<string, unknown>): string | number {
  const v = t.def.idField ? props[t.def.idField] : null;
  return v !== null && v !== undefined ? (v as string | number) : feature.fid;
}

/** A value the source gave a new feature (a default, a generated key). */
async function storedValue(t: EditTarget, fid: number, field: string): Promise<string | number> {
  const f = await t.layer.features.getAsync(fid);
  const v = f?.fields.get(field) as unknown;
  return v === null || v === undefined ? fid : (v as string | number);
}

function serverFeature(id: string | number | null, attributes: Record<string, unknown>): ServerFeature {
  return { id: () => id, attribute: (name) => attributes[name] ?? null, attributes: () => ({ ...attributes }) };
}

/** A write handle with a transaction on one data source. */
interface Session {
  lease: PooledDataset;
  target(layer: VectorLayerDef): Promise<EditTarget>;
}

/**
 * Opens a transaction on every connection, runs `body`, commits all; on an error rolls back what is open.
 * Caches of every committed connection are dropped; write handles are closed in every case.
 */
async function withSessions(connections: readonly string[], access: EditAccess, signal: AbortSignal | undefined, body: (sessions: ReadonlyMap<string, Session>) => Promise<void>): Promise<void> {
  const sessions = new Map<string, Session>();
  let open: string[] = [];
  try {
    for (const c of connections) {
      sessions.set(c, await begin(access.pool, c, signal));
      open.push(c);
    }
    await body(sessions);
    for (const c of connections) {
      await commit(sessions.get(c)!.lease.dataset, c, connections);
      open = open.filter((o) => o !== c);
      access.pool.invalidate(c);
      access.snapshots?.invalidate(c);
    }
  } finally {
    for (const c of open) await rollback(sessions.get(c)!.lease.dataset);
    for (const s of sessions.values()) s.lease.release(true);
  }
}

async function begin(pool: DatasetPool, connection: string, signal: AbortSignal | undefined): Promise<Session> {
  const lease = await pool.acquire(connection, { mode: 'update', ...(signal ? { signal } : {}) });
  try {
    await queryRows(lease.dataset, `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await whileLocked(() => beginWriting(lease.dataset));
  } catch (err) {
    lease.release(true);
    throw new OgcError('OperationProcessingFailed', 'A transaction cannot be started on the data source', { cause: err });
  }
  const targets = new Map<VectorLayerDef, Promise<EditTarget>>();
  return {
    lease,
    target: (layer) => {
      let t = targets.get(layer);
      if (!t) {
        t = editTarget(lease, layer);
        targets.set(layer, t);
      }
      return t;
    },
  };
}

/**
 * BEGIN, then the write lock. SQLite's BEGIN takes no lock: two processes that read, then write, deadlock and
 * one fails. A write statement that changes nothing takes the write lock at once instead; when another process
 * holds it, the transaction ends (so that its commit is not blocked by our read lock) and whileLocked() tries
 * again. A file without the metadata table (a SQLite file not made by OGR) takes the lock at its first write.
 */
async function beginWriting(dataset: gdal.Dataset): Promise<void> {
  await execute(dataset, 'BEGIN');
  const table = dataset.driver.description === 'GPKG' ? 'gpkg_contents' : 'geometry_columns';
  try {
    await execute(dataset, `UPDATE ${table} SET rowid = rowid WHERE 0`);
  } catch (err) {
    if (!isLocked(err)) return;
    await rollback(dataset);
    throw err;
  }
}

function isLocked(err: unknown): boolean {
  return /locked|busy/i.test(err instanceof Error ? err.message : '');
}

/** Runs a step again while SQLite answers "locked" (GDAL's SQLite driver does not honour the busy timeout), up to the timeout. */
async function whileLocked(run: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    try {
      return await run();
    } catch (err) {
      if (!isLocked(err) || Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

async function commit(dataset: gdal.Dataset, connection: string, all: readonly string[]): Promise<void> {
  try {
    // A COMMIT refused as busy (readers of another process) leaves the transaction open: it may be retried.
    await whileLocked(() => execute(dataset, 'COMMIT'));
  } catch (err) {
    const partial = all.indexOf(connection) > 0;
    throw new OgcError('OperationProcessingFailed', partial
      ? 'The transaction could not be committed on every data source: the changes to the first ones are kept'
      : 'The transaction could not be committed; nothing was written', { cause: err });
  }
}

async function rollback(dataset: gdal.Dataset): Promise<void> {
  try {
    await execute(dataset, 'ROLLBACK');
  } catch {
    /* the handle is closed next: SQLite rolls back an open transaction when its connection closes */
  }
}

const locks = new Map<string, Promise<void>>();

/** Takes the writer lock of each connection, in the order given (sorted: no two transactions wait on each other). */
async function lockAll(connections: readonly string[]): Promise<() => void> {
  const releases: Array<() => void> = [];
  for (const c of connections) releases.push(await lock(c));
  return () => releases.forEach((r) => r());
}

/** One writer per connection in this process: waits for the writers before, in order. */
async function lock(connection: string): Promise<() => void> {
  const previous = locks.get(connection) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const chained = previous.then(() => mine);
  locks.set(connection, chained);
  await previous;
  return () => {
    release();
    if (locks.get(connection) === chained) locks.delete(connection);
  };
}
