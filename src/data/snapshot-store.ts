/**
 * The process's layer snapshots (snapshot.ts), below the access-control grant: keyed by connection, layer and
 * the SQL subsets in force (so roles with different subset strings get different snapshots), with their
 * reprojected copies keyed by target CRS. Bounded by a memory budget (least recently used evicted first).
 *
 * Loading policy: a read never waits for a load. The first read of a layer (or of a target CRS) starts a
 * background load and is served by the GDAL path, as is every read until the load is done; concurrent first
 * reads share the one load. A request is then never slower than without snapshots, and a layer that is read
 * once costs one extra scan, done off the request. (`wait: true`, for tests and warm-ups, makes reads wait.)
 *
 * Only local files that can be stat'ed are snapshotted (PG:, /vsi*, URLs read through GDAL every time), and
 * only drivers whose reads come in FID order. A file whose size or mtime changed (stat at most once a second
 * per file; a Shapefile's .dbf and a GeoPackage's -wal counted) drops its snapshots; the next read reloads.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { VectorLayerDef } from '../project/model.js';
import type { DatasetPool } from './dataset-pool.js';
import { loadProjected, loadSnapshot, type LayerSnapshot, type ProjectedCopy } from './snapshot.js';

/** Snapshot settings of a data access. */
export interface SnapshotSettings {
  /** Most features a snapshot holds (default 250,000; env OWS_DATA_SNAPSHOT_MAX_FEATURES). */
  maxFeatures: number;
  /** Memory budget in bytes (default 1024 MB; env OWS_DATA_SNAPSHOT_MB). */
  budgetBytes: number;
  /** Reads wait for a load instead of using the GDAL path meanwhile (tests, warm-ups). */
  wait: boolean;
  /** Features per GDAL page while loading. */
  pageSize: number;
}

/** Sizes, for tests and monitoring. */
export interface SnapshotStats {
  bytes: number;
  budgetBytes: number;
  snapshots: Array<{ key: string; features: number; bytes: number; projections: string[] }>;
  loads: number;
  evictions: number;
  invalidations: number;
  /** Keys the GDAL path keeps (too big, unsupported, failed), with why. */
  refused: Array<{ key: string; reason: string }>;
}

interface Entry {
  key: string;
  file: string;
  signature: string;
  snapshot: LayerSnapshot;
  projections: Map<string, ProjectedCopy>;
  pending: Map<string, Promise<ProjectedCopy | null>>;
}

interface FileState {
  signature: string;
  checked: number;
  pending: Promise<string | null> | null;
}

/** Snapshots of one DataAccess. */
export class SnapshotStore {
  readonly #settings: SnapshotSettings;
  /** Insertion order = least recently used first. */
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<Entry | null>>();
  readonly #refused = new Map<string, { signature: string; reason: string }>();
  readonly #files = new Map<string, FileState>();
  /** Per file: bumped by invalidate(); a load started before is not kept. */
  readonly #generations = new Map<string, number>();
  #bytes = 0;
  #loads = 0;
  #evictions = 0;
  #invalidations = 0;
  #closed = false;

  constructor(settings: SnapshotSettings) {
    this.#settings = settings;
  }

  /**
   * The snapshot of a layer under these subsets, or null when the read should take the GDAL path (not
   * eligible, or still loading: a load is then started).
   */
  async snapshot(pool: DatasetPool, layer: VectorLayerDef, where: readonly string[]): Promise<LayerSnapshot | null> {
    const entry = await this.#entry(pool, layer, where);
    return entry?.snapshot ?? null;
  }

  /** The copy of a snapshot in a target CRS (reproject null: the layer CRS), or null while it loads. */
  async projected(pool: DatasetPool, layer: VectorLayerDef, where: readonly string[], reproject: [string, string] | null, precision: number): Promise<{ snapshot: LayerSnapshot; copy: ProjectedCopy } | null> {
    const entry = await this.#entry(pool, layer, where);
    const key = `${reproject ? reproject.join('>') : ''}@${precision}`;
    const start = (e: Entry) => {
      let p = e.pending.get(key);
      if (!p) {
        p = this.#loadProjected(e, pool, layer, where, reproject, precision, key);
        e.pending.set(key, p);
      }
      return p;
    };
    if (!entry) {
      // Still loading: the copy follows the snapshot in the background.
      const file = localFile(layer.source.connection);
      const loading = file && this.#loading.get(entryKey(file, layer, where));
      if (loading) {
        void loading.then((e) => {
          if (e && this.#entries.get(e.key) === e && !e.projections.has(key)) void start(e);
        });
      }
      return null;
    }
    const ready = entry.projections.get(key);
    if (ready) return { snapshot: entry.snapshot, copy: ready };
    const pending = start(entry);
    if (!this.#settings.wait) return null;
    const copy = await pending;
    return copy && this.#entries.get(entry.key) === entry ? { snapshot: entry.snapshot, copy } : null;
  }

  /** Sizes and counts. */
  stats(): SnapshotStats {
    return {
      bytes: this.#bytes, budgetBytes: this.#settings.budgetBytes, loads: this.#loads, evictions: this.#evictions, invalidations: this.#invalidations,
      snapshots: [...this.#entries.values()].map((e) => ({
        key: e.key, features: e.snapshot.count, projections: [...e.projections.keys()],
        bytes: e.snapshot.bytes + [...e.projections.values()].reduce((s, p) => s + p.bytes, 0),
      })),
      refused: [...this.#refused].map(([key, r]) => ({ key, reason: r.reason })),
    };
  }

  /**
   * Drops the snapshots of a data source that was just written (a transaction committed): its size and mtime
   * may not have changed yet where they are looked at, so the next read must not trust them. Loads under way
   * are not kept; the next read starts a new one.
   */
  invalidate(connection: string): void {
    const file = localFile(connection);
    if (!file) return;
    this.#generations.set(file, (this.#generations.get(file) ?? 0) + 1);
    this.#files.delete(file);
    for (const e of [...this.#entries.values()]) {
      if (e.file !== file) continue;
      this.#drop(e);
      this.#invalidations++;
    }
    for (const key of [...this.#refused.keys(), ...this.#loading.keys()]) {
      if ((JSON.parse(key) as unknown[])[0] !== file) continue;
      this.#refused.delete(key);
      this.#loading.delete(key);
    }
  }

  /** Drops everything; later reads take the GDAL path. */
  close(): void {
    this.#closed = true;
    this.#entries.clear();
    this.#bytes = 0;
  }

  async #entry(pool: DatasetPool, layer: VectorLayerDef, where: readonly string[]): Promise<Entry | null> {
    if (this.#closed) return null;
    const file = localFile(layer.source.connection);
    if (!file) return null;
    const key = entryKey(file, layer, where);
    const signature = await this.#signature(file);
    if (signature === null) return null;
    const entry = this.#entries.get(key);
    if (entry) {
      if (entry.signature === signature) {
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return entry;
      }
      this.#drop(entry);
      this.#invalidations++;
    }
    const refused = this.#refused.get(key);
    if (refused) {
      if (refused.signature === signature) return null;
      this.#refused.delete(key);
    }
    let loading = this.#loading.get(key);
    if (!loading) {
      const started = this.#load(pool, layer, where, key, file, signature);
      loading = started;
      this.#loading.set(key, started);
      void started.finally(() => {
        if (this.#loading.get(key) === started) this.#loading.delete(key);
      });
    }
    return this.#settings.wait ? loading : null;
  }

  async #load(pool: DatasetPool, layer: VectorLayerDef, where: readonly string[], key: string, file: string, signature: string): Promise<Entry | null> {
    this.#loads++;
    const generation = this.#generations.get(file) ?? 0;
    try {
      const snapshot = await loadSnapshot({ pool, layer, where, maxFeatures: this.#settings.maxFeatures, pageSize: this.#settings.pageSize });
      if (this.#closed || (this.#generations.get(file) ?? 0) !== generation) return null;
      if ((await this.#signature(file, true)) !== signature) return null; // changed while read: the next read loads again
      if (snapshot.bytes > this.#settings.budgetBytes) throw new Error(`${snapshot.bytes} bytes is over the snapshot budget`);
      const entry: Entry = { key, file, signature, snapshot, projections: new Map(), pending: new Map() };
      this.#entries.set(key, entry);
      this.#bytes += snapshot.bytes;
      this.#evict(entry);
      return entry;
    } catch (err) {
      if ((this.#generations.get(file) ?? 0) === generation) this.#refused.set(key, { signature, reason: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }

  async #loadProjected(entry: Entry, pool: DatasetPool, layer: VectorLayerDef, where: readonly string[], reproject: [string, string] | null, precision: number, key: string): Promise<ProjectedCopy | null> {
    try {
      const copy = await loadProjected({ pool, layer, where, maxFeatures: this.#settings.maxFeatures, pageSize: this.#settings.pageSize }, entry.snapshot, reproject, precision, key);
      if (this.#entries.get(entry.key) !== entry || (await this.#signature(entry.file, true)) !== entry.signature) return null;
      if (this.#entries.get(entry.key) !== entry) return null;
      entry.projections.set(key, copy);
      this.#bytes += copy.bytes;
      this.#entries.delete(entry.key);
      this.#entries.set(entry.key, entry);
      this.#evict(entry);
      return this.#entries.get(entry.key) === entry ? copy : null;
    } catch {
      return null; // the next read tries again (the GDAL path answers meanwhile)
    } finally {
      entry.pending.delete(key);
    }
  }

  /** Evicts least recently used entries (projected copies of the entry in use first) until within budget. */
  #evict(keep: Entry): void {
    for (const e of this.#entries.values()) {
      if (this.#bytes <= this.#settings.budgetBytes) return;
      if (e === keep) continue;
      this.#drop(e);
      this.#evictions++;
    }
    if (this.#bytes <= this.#settings.budgetBytes) return;
    for (const [k, p] of keep.projections) {
      if (this.#bytes <= this.#settings.budgetBytes) return;
      keep.projections.delete(k);
      this.#bytes -= p.bytes;
      this.#evictions++;
    }
    if (this.#bytes > this.#settings.budgetBytes) {
      this.#drop(keep);
      this.#evictions++;
    }
  }

  #drop(e: Entry): void {
    if (this.#entries.get(e.key) !== e) return;
    this.#entries.delete(e.key);
    this.#bytes -= e.snapshot.bytes;
    for (const p of e.projections.values()) this.#bytes -= p.bytes;
    e.projections.clear();
  }

  /** "size:mtime" of the file and its companions, stat'ed at most once a second (force: now); null when it cannot be stat'ed. */
  async #signature(file: string, force = false): Promise<string | null> {
    let state = this.#files.get(file);
    const now = Date.now();
    if (state && !force && now - state.checked < 1000) return state.signature;
    if (state?.pending) return state.pending;
    const pending = fileSignature(file);
    if (!state) {
      state = { signature: '', checked: 0, pending };
      this.#files.set(file, state);
    } else state.pending = pending;
    const signature = await pending;
    state.pending = null;
    state.checked = Date.now();
    if (signature === null) {
      this.#files.delete(file);
      return null;
    }
    state.signature = signature;
    return signature;
  }
}

function entryKey(file: string, layer: VectorLayerDef, where: readonly string[]): string {
  return JSON.stringify([file, layer.source.layer ?? null, where]);
}

/** The local file behind a connection, or null (databases, services, /vsi paths, relative names). */
function localFile(connection: string): string | null {
  if (!path.isAbsolute(connection) || connection.startsWith('/vsi')) return null;
  return connection;
}

async function fileSignature(file: string): Promise<string | null> {
  const parts: string[] = [];
  try {
    const s = await stat(file);
    if (!s.isFile()) return null;
    parts.push(`${s.size}:${s.mtimeMs}`);
  } catch {
    return null;
  }
  const ext = path.extname(file).toLowerCase();
  const companions = ext === '.shp' ? [file.slice(0, -4) + '.dbf', file.slice(0, -4) + '.DBF'] : ext === '.gpkg' || ext === '.sqlite' || ext === '.db' ? [`${file}-wal`] : [];
  for (const c of companions) {
    try {
      const s = await stat(c);
      parts.push(`${s.size}:${s.mtimeMs}`);
    } catch {
      parts.push('-');
    }
  }
  return parts.join('|');
}
