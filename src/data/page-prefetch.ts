/**
 * One page read ahead for the paged GDAL reads (vector-source.ts): while the consumer works on page k, page k+1
 * is read by ogr2ogr on the libuv pool, on a pooled handle of its own that goes back to the pool as soon as the
 * page is read. At most one page is under way or waiting, as its text (memory stays bounded by two pages; the
 * page is parsed when taken, so its objects are young when the consumer gets them). close() cancels a page not
 * started yet, drops one being read (GDAL cannot be interrupted) and resolves once its handle is back in the pool,
 * so a read that stops early (break, abort, error) holds nothing.
 */
import { isGdalFailure, type DatasetPool, type PooledDataset } from './dataset-pool.js';
import { fetchPage, type Page, type PageRequest, type PageText } from './vector-translate.js';
import { RowsUnsupported } from './gpkg-rows.js';

type Settled = { text: PageText } | { error: unknown };

/** Reads the pages of one read, one ahead. */
export class PagePrefetch {
  readonly #pool: DatasetPool;
  readonly #connection: string;
  readonly #cancel = new AbortController();
  /** The read's signal or close(), whichever comes first. */
  readonly #signal: AbortSignal;
  /** Never rejects: an error waits for take(), so a page nobody takes cannot be an unhandled rejection. */
  #pending: Promise<Settled> | null = null;
  #request: PageRequest | null = null;

  constructor(pool: DatasetPool, connection: string, signal?: AbortSignal) {
    this.#pool = pool;
    this.#connection = connection;
    this.#signal = signal ? AbortSignal.any([signal, this.#cancel.signal]) : this.#cancel.signal;
  }

  /** Whether a page is under way (started and not taken). */
  get busy(): boolean {
    return this.#pending !== null;
  }

  /** Starts reading a page, on `lease` when given (it then owns and releases it), else on a handle from the pool. */
  start(request: PageRequest, lease: PooledDataset | null = null): void {
    if (this.#pending) {
      lease?.release();
      throw new Error('a page is already being read');
    }
    this.#request = request;
    this.#pending = this.#fetch(request, lease).then((text) => ({ text }), (error: unknown) => ({ error }));
  }

  /** The page started last, parsed now (its error thrown here). */
  async take(): Promise<Page> {
    const pending = this.#pending;
    const request = this.#request!;
    if (!pending) throw new Error('no page is being read');
    this.#pending = null;
    const settled = await pending;
    if ('error' in settled) throw settled.error;
    try {
      return settled.text.parse();
    } catch (err) {
      if (!(err instanceof RowsUnsupported)) throw err;
    }
    // A geometry the rows reader cannot give (the source is now marked): the page again, as GeoJSON.
    return (await this.#fetch(request, null)).parse();
  }

  /** Cancels or drops the page under way; resolves when its handle is back in the pool. Idempotent. */
  async close(): Promise<void> {
    this.#cancel.abort();
    const pending = this.#pending;
    this.#pending = null;
    if (pending) await pending;
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
