/**
 * Pages read ahead for the paged GDAL reads (vector-source.ts): while the consumer works on page k, page k+1
 * (and, for reads that know their pages in advance, k+2: `depth`) is read by ogr2ogr on the libuv pool, each on a
 * pooled handle of its own that goes back to the pool as soon as the page is read. At most `depth` pages are under
 * way or waiting, as their bytes (memory stays bounded by depth + 1 pages; a page is parsed when taken, so its
 * objects are young when the consumer gets them); they are taken in the order they were started. close() cancels
 * pages not started yet, drops those being read (GDAL cannot be interrupted) and resolves once their handles are
 * back in the pool, so a read that stops early (break, abort, error) holds nothing.
 */
import { isGdalFailure, type DatasetPool, type PooledDataset } from './dataset-pool.js';
import { fetchPage, type Page, type PageRequest, type PageText } from './vector-translate.js';
import { RowsUnsupported } from './gpkg-rows.js';

type Settled = { text: PageText } | { error: unknown };

interface Pending {
  request: PageRequest;
  /** Never rejects: an error waits for take(), so a page nobody takes cannot be an unhandled rejection. */
  settled: Promise<Settled>;
}

/** Reads the pages of one read, up to `depth` ahead. */
export class PagePrefetch {
  readonly #pool: DatasetPool;
  readonly #connection: string;
  readonly #cancel = new AbortController();
  /** The read's signal or close(), whichever comes first. */
  readonly #signal: AbortSignal;
  readonly #pending: Pending[] = [];
  readonly #depth: number;

  constructor(pool: DatasetPool, connection: string, signal?: AbortSignal, depth = 1) {
    this.#pool = pool;
    this.#connection = connection;
    this.#signal = signal ? AbortSignal.any([signal, this.#cancel.signal]) : this.#cancel.signal;
    this.#depth = Math.max(1, depth);
  }

  /** Whether a page is under way (started and not taken). */
  get busy(): boolean {
    return this.#pending.length > 0;
  }

  /** Whether another page may be started (fewer than `depth` under way). */
  get room(): boolean {
    return this.#pending.length < this.#depth;
  }

  /** Starts reading a page, on `lease` when given (it then owns and releases it), else on a handle from the pool. */
  start(request: PageRequest, lease: PooledDataset | null = null): void {
    if (!this.room) {
      lease?.release();
      throw new Error(`${this.#depth} page(s) already being read`);
    }
    const settled = this.#fetch(request, lease).then((text): Settled => ({ text }), (error: unknown): Settled => ({ error }));
    this.#pending.push({ request, settled });
  }

  /** The oldest page started, parsed now (its error thrown here). */
  async take(): Promise<Page> {
    const pending = this.#pending.shift();
    if (!pending) throw new Error('no page is being read');
    const { request } = pending;
    const settled = await pending.settled;
    if ('error' in settled) throw settled.error;
    try {
      return settled.text.parse();
    } catch (err) {
      if (!(err instanceof RowsUnsupported)) throw err;
    }
    // A geometry the rows reader cannot give (the source is now marked): the page again, as GeoJSON.
    return (await this.#fetch(request, null)).parse();
  }

  /** Cancels or drops the pages under way; resolves when their handles are back in the pool. Idempotent. */
  async close(): Promise<void> {
    this.#cancel.abort();
    const pending = this.#pending.splice(0);
    await Promise.all(pending.map((p) => p.settled));
  }

  async #fetch(request: PageRequest, lease: PooledDataset | null): Promise<PageText> {
    const held = lease ?? (await this.#pool.acquire(this.#connection, { signal: this.#signal }));
    let text: PageText;
    try {
      text = await fetchPage(held.dataset, request, this.#signal);
    } catch (err) {
      held.release(isGdalFailure(err));
      throw err;
    }
    held.release();
    return text;
  }
}
