/**
 * A bounded pool of open GDAL datasets per connection string.
 *
 * gdal-async serialises every call on one dataset (a lock per dataset), so a handle shared by two readers
 * makes one wait for the other on a libuv thread, and a synchronous getter on a busy handle blocks the
 * event loop. The pool therefore hands each handle to one reader at a time: acquire() → use → release().
 * Readers past the per-connection maximum wait in a FIFO queue. Idle handles are closed after a while; a
 * handle released as broken is closed and replaced on the next acquire.
 */
import gdal from 'gdal-async';
import { OgcError } from '../errors/ogc-error.js';

/** read: read-only handles; update: handles opened for writing (WFS-T). */
export type OpenMode = 'read' | 'update';

/** Pool settings. */
export interface DatasetPoolOptions {
  /** Most handles open at once per connection and mode (default 4). */
  maxPerConnection?: number;
  /** An idle handle is closed after this many ms (default 60 s). */
  idleMs?: number;
  /** A reader waiting longer than this for a handle gets an error (default 30 s). */
  acquireTimeoutMs?: number;
  /** How a dataset is opened (tests); default gdal.openAsync(connection, 'r' | 'r+'). */
  open?: (connection: string, mode: OpenMode) => Promise<gdal.Dataset>;
}

/** One handle lent to one reader. Call release() exactly once (later calls do nothing). */
export interface PooledDataset {
  readonly dataset: gdal.Dataset;
  /** Per-handle memo (driver name, layer schema ...), dropped with the handle. */
  readonly memo: Map<string, unknown>;
  /** Gives the handle back; broken=true closes it (after a GDAL error) so the next reader gets a fresh one. */
  release(broken?: boolean): void;
}

/** Counts for one connection (or all). */
export interface PoolStats {
  open: number;
  busy: number;
  idle: number;
  waiting: number;
}

/** The data source could not be opened or read (a server-side problem: 500, message safe for clients). */
export class DataSourceError extends OgcError {
  constructor(message: string, cause?: unknown) {
    super('NoApplicableCode', message, { status: 500, cause });
  }
}

interface Entry {
  dataset: gdal.Dataset;
  memo: Map<string, unknown>;
  lastUsed: number;
  /** The connection's generation when opened (see invalidate()). */
  generation: number;
}

interface Waiter {
  resolve(lease: PooledDataset): void;
  reject(err: unknown): void;
  cleanup(): void;
}

interface Slot {
  idle: Entry[];
  /** Handles lent out or being opened. */
  busy: number;
  waiters: Waiter[];
}

/** Per-connection pools of gdal-async datasets, one reader per handle at a time. */
export class DatasetPool {
  readonly #max: number;
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  readonly #open: (connection: string, mode: OpenMode) => Promise<gdal.Dataset>;
  readonly #slots = new Map<string, Slot>();
  /** Per connection: bumped by invalidate(); handles of an older generation are closed when they come back. */
  readonly #generations = new Map<string, number>();
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: DatasetPoolOptions = {}) {
    this.#max = Math.max(1, Math.floor(options.maxPerConnection ?? 4));
    this.#idleMs = Math.max(10, options.idleMs ?? 60_000);
    this.#timeoutMs = Math.max(1, options.acquireTimeoutMs ?? 30_000);
    this.#open = options.open ?? openRetrying;
  }

  /** Lends a handle on `connection`, opening one if under the limit, else waiting for one to come back. */
  async acquire(connection: string, options: { mode?: OpenMode; signal?: AbortSignal } = {}): Promise<PooledDataset> {
    if (this.#closed) throw new DataSourceError('The data access is shut down');
    const { signal } = options;
    signal?.throwIfAborted();
    const key = `${options.mode ?? 'read'}\0${connection}`;
    const slot = this.#slot(key);
    const entry = slot.idle.pop();
    if (entry) {
      slot.busy++;
      return this.#lease(key, entry);
    }
    if (slot.busy < this.#max) {
      slot.busy++;
      return this.#openEntry(key, connection, options.mode ?? 'read');
    }
    return new Promise<PooledDataset>((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(new OgcError('NoApplicableCode', 'Timed out waiting for the data source', { status: 503 }));
      }, this.#timeoutMs);
      const onAbort = () => {
        remove();
        reject(signal!.reason);
      };
      const remove = () => {
        waiter.cleanup();
        const i = slot.waiters.indexOf(waiter);
        if (i >= 0) slot.waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        resolve, reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.waiters.push(waiter);
    });
  }

  /** Runs fn with a handle and gives it back afterwards (broken if fn threw something other than an OgcError/abort). */
  async use<T>(connection: string, fn: (dataset: gdal.Dataset, memo: Map<string, unknown>) => Promise<T>, options: { mode?: OpenMode; signal?: AbortSignal } = {}): Promise<T> {
    const lease = await this.acquire(connection, options);
    let broken = false;
    try {
      return await fn(lease.dataset, lease.memo);
    } catch (err) {
      broken = isGdalFailure(err);
      throw err;
    } finally {
      lease.release(broken);
    }
  }

  /** Counts of open, busy, idle handles and waiting readers, for one connection (read mode) or all. */
  stats(connection?: string, mode: OpenMode = 'read'): PoolStats {
    const slots = connection === undefined ? [...this.#slots.values()] : [this.#slots.get(`${mode}\0${connection}`)].filter((s): s is Slot => !!s);
    const out: PoolStats = { open: 0, busy: 0, idle: 0, waiting: 0 };
    for (const s of slots) {
      out.busy += s.busy;
      out.idle += s.idle.length;
      out.waiting += s.waiters.length;
    }
    out.open = out.busy + out.idle;
    return out;
  }

  /**
   * Forgets every handle on a connection after it was written: idle ones are closed now, busy ones when they
   * come back. Drivers cache what they read (GeoPackage's feature count, extents, schemas): a handle opened
   * before a commit may answer with what was true before it.
   */
  invalidate(connection: string): void {
    this.#generations.set(connection, (this.#generations.get(connection) ?? 0) + 1);
    for (const mode of ['read', 'update'] as const) {
      const key = `${mode}\0${connection}`;
      const slot = this.#slots.get(key);
      if (!slot) continue;
      for (const e of slot.idle.splice(0)) closeQuietly(e.dataset);
      this.#forget(key, slot);
    }
  }

  /** Closes every idle handle now (busy ones are closed when released). */
  closeIdle(): void {
    for (const [key, slot] of this.#slots) {
      for (const e of slot.idle.splice(0)) closeQuietly(e.dataset);
      this.#forget(key, slot);
    }
  }

  /** Shuts the pool: idle handles closed, waiters refused, busy handles closed when they come back. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const slot of this.#slots.values()) {
      for (const w of slot.waiters.splice(0)) {
        w.cleanup();
        w.reject(new DataSourceError('The data access is shut down'));
      }
    }
    this.closeIdle();
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { idle: [], busy: 0, waiters: [] };
      this.#slots.set(key, slot);
    }
    return slot;
  }

  async #openEntry(key: string, connection: string, mode: OpenMode): Promise<PooledDataset> {
    let dataset: gdal.Dataset;
    const generation = this.#generations.get(connection) ?? 0; // before the open: what it reads may predate a commit
    try {
      dataset = await this.#open(connection, mode);
    } catch (err) {
      this.#giveBack(key, null);
      throw new DataSourceError('The data source cannot be opened', err);
    }
    return this.#lease(key, { dataset, memo: new Map(), lastUsed: Date.now(), generation });
  }

  #lease(key: string, entry: Entry): PooledDataset {
    let done = false;
    return {
      dataset: entry.dataset,
      memo: entry.memo,
      release: (broken = false) => {
        if (done) return;
        done = true;
        if (broken || this.#closed || entry.generation !== (this.#generations.get(splitKey(key)[1]) ?? 0)) {
          closeQuietly(entry.dataset);
          this.#giveBack(key, null);
        } else {
          entry.lastUsed = Date.now();
          this.#giveBack(key, entry);
        }
      },
    };
  }

  /** A handle (or, with null, a slot) comes back: hand it to the first waiter, else keep it idle. */
  #giveBack(key: string, entry: Entry | null): void {
    const slot = this.#slot(key);
    const waiter = slot.waiters.shift();
    if (waiter) {
      waiter.cleanup();
      if (entry) {
        waiter.resolve(this.#lease(key, entry));
      } else {
        const [mode, connection] = splitKey(key);
        this.#openEntry(key, connection, mode).then(waiter.resolve, waiter.reject);
      }
      return;
    }
    slot.busy--;
    if (entry) {
      slot.idle.push(entry);
      this.#armSweeper();
    } else this.#forget(key, slot);
  }

  #forget(key: string, slot: Slot): void {
    if (slot.busy === 0 && slot.idle.length === 0 && slot.waiters.length === 0) this.#slots.delete(key);
  }

  #armSweeper(): void {
    if (this.#sweeper || this.#closed) return;
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(5, Math.floor(this.#idleMs / 2)));
    this.#sweeper.unref();
  }

  #sweep(): void {
    const now = Date.now();
    let any = false;
    for (const [key, slot] of this.#slots) {
      const keep: Entry[] = [];
      for (const e of slot.idle) {
        if (now - e.lastUsed >= this.#idleMs) closeQuietly(e.dataset);
        else keep.push(e);
      }
      slot.idle = keep;
      this.#forget(key, slot);
      if (keep.length) any = true;
    }
    if (!any && this.#sweeper) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }
}

/**
 * gdal.openAsync, tried again for a few seconds while a SQLite file is locked: GDAL's SQLite driver reads its
 * schema when it opens and fails at once while another process commits.
 */
async function openRetrying(connection: string, mode: OpenMode): Promise<gdal.Dataset> {
  const deadline = Date.now() + 5000;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    try {
      return await gdal.openAsync(connection, mode === 'update' ? 'r+' : 'r');
    } catch (err) {
      if (!/database is locked/i.test(err instanceof Error ? err.message : '') || Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function splitKey(key: string): [OpenMode, string] {
  const i = key.indexOf('\0');
  return [key.slice(0, i) as OpenMode, key.slice(i + 1)];
}

/** Closing a read-only dataset frees memory and file handles; it does not write. */
function closeQuietly(ds: gdal.Dataset): void {
  try {
    ds.close();
  } catch {
    /* already closed or destroyed */
  }
}

/** Whether an error came from GDAL (the handle may be unusable) rather than from our own checks or an abort. */
export function isGdalFailure(err: unknown): boolean {
  if (err instanceof OgcError) return false;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return false;
  return true;
}
