/**
 * Paging over the queries of one GetFeature: STARTINDEX and COUNT run over the queries' results in order (WFS 2.0
 * §7.7.4.4), so a page may end inside one query and start inside another. Two ways to place it:
 * - countedPage: counts every query first (WFS 2.0 GML writes numberMatched and numberReturned on the root);
 * - LazyPager: counts nothing unless it must skip a whole query, so the first bytes leave at once; what it learns
 *   while reading gives numberMatched at the end (JSON), counting only the queries it could not finish.
 */
import type { Feature, VectorQuery } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { WfsContext } from './context.js';
import type { TypeQuery } from './query-resolve.js';

/** Where the data layer's errors point, renamed to the GetFeature parameter the client wrote. */
export function relocate(err: unknown, tq: TypeQuery, locator?: string): unknown {
  if (!(err instanceof OgcError) || err.code !== 'InvalidParameterValue') return err;
  const names: Record<string, string> = {
    fields: 'PROPERTYNAME', orderBy: 'SORTBY', filter: tq.sources.filter !== null ? 'FILTER' : 'EXP_FILTER',
  };
  const to = locator ?? (err.locator !== undefined ? names[err.locator] : undefined);
  return to === undefined ? err : new OgcError(err.code, err.message, { locator: to, cause: err });
}

/** numberMatched of one query (access control applied by the data layer). */
export async function countQuery(ctx: WfsContext, tq: TypeQuery): Promise<number> {
  try {
    return await ctx.access.countFeatures(tq.layer, tq.query);
  } catch (err) {
    throw relocate(err, tq);
  }
}

/** The features of one query from `offset`, at most `limit` (Infinity: all). */
export function readQuery(ctx: WfsContext, tq: TypeQuery, offset: number, limit: number): AsyncIterable<Feature> {
  return paged(tq, offset, limit, (q) => ctx.access.readFeatures(tq.layer, q));
}

/** readQuery in batches (arrays of features, as the data layer reads them): what GetFeature streams. */
export function readQueryBatches(ctx: WfsContext, tq: TypeQuery, offset: number, limit: number): AsyncIterable<Feature[]> {
  return paged(tq, offset, limit, (q) => ctx.access.readFeatureBatches(tq.layer, q));
}

/** Runs a read of the query narrowed to offset and limit; the data layer's errors relocated to the parameters. */
function paged<T>(tq: TypeQuery, offset: number, limit: number, read: (q: VectorQuery) => T): T {
  const q: VectorQuery = { ...tq.query };
  if (offset > 0) q.offset = offset;
  if (Number.isFinite(limit)) q.limit = limit;
  try {
    return read(q);
  } catch (err) {
    throw relocate(err, tq);
  }
}

/** One query's share of a page. */
export interface PagePart {
  tq: TypeQuery;
  offset: number;
  /** Exact number of features the part returns. */
  limit: number;
  matched: number;
}

/** A page placed on counted queries. */
export interface CountedPage {
  parts: PagePart[];
  matched: number;
  returned: number;
}

/** Counts every query and places the page on them. */
export async function countedPage(ctx: WfsContext, tqs: readonly TypeQuery[], startIndex: number, count: number | null): Promise<CountedPage> {
  const matched = await Promise.all(tqs.map((tq) => countQuery(ctx, tq)));
  let skip = startIndex;
  let remaining = count ?? Infinity;
  const parts = tqs.map((tq, i) => {
    const m = matched[i]!;
    const offset = Math.min(skip, m);
    skip -= offset;
    const limit = Math.min(remaining, m - offset);
    remaining -= limit;
    return { tq, offset, limit, matched: m };
  });
  return { parts, matched: sum(matched), returned: sum(parts.map((p) => p.limit)) };
}

function sum(ns: readonly number[]): number {
  return ns.reduce((a, b) => a + b, 0);
}

/** Places a page while it is read (see the module comment). */
export class LazyPager {
  #skip: number;
  #remaining: number;
  /** numberMatched per query when learnt (counted, or read to its end), else null. */
  readonly #matched: Array<number | null>;

  constructor(private readonly ctx: WfsContext, private readonly tqs: readonly TypeQuery[], startIndex: number, count: number | null) {
    this.#skip = startIndex;
    this.#remaining = count ?? Infinity;
    this.#matched = tqs.map(() => null);
  }

  /**
   * The features query `i` contributes, in batches; iterate the queries in order. A plain iterator rather than an
   * async generator: one promise per batch on top of the data layer's, not a generator's queue.
   */
  features(i: number): AsyncIterable<Feature[]> {
    return { [Symbol.asyncIterator]: () => this.#iterator(i) };
  }

  #iterator(i: number): AsyncIterator<Feature[]> {
    const tq = this.tqs[i]!;
    let inner: AsyncIterator<Feature[]> | null = null;
    let offset = 0;
    let limit = 0;
    let n = 0;
    const counted = (r: IteratorResult<Feature[]>): IteratorResult<Feature[]> => {
      if (r.done) this.#learn(i, offset, limit, n);
      else {
        n += r.value.length;
        this.#remaining -= r.value.length;
      }
      return r;
    };
    const failed = (err: unknown): never => {
      throw relocate(err, tq);
    };
    const start = async (): Promise<AsyncIterator<Feature[]>> => {
      [offset, limit] = await this.#place(i);
      return (limit > 0 ? readQueryBatches(this.ctx, tq, offset, limit) : EMPTY_BATCHES)[Symbol.asyncIterator]();
    };
    return {
      next: () => (inner ? inner.next() : start().then((it) => (inner = it).next())).then(counted, failed),
      return: async (value?: unknown) => {
        await inner?.return?.(value);
        return { done: true, value: undefined };
      },
    };
  }

  /** Offset and limit of query `i`, once the queries before it are done. */
  async #place(i: number): Promise<[number, number]> {
    if (this.#remaining <= 0) return [0, 0];
    const offset = this.#skip;
    // Skipping into a later query needs to know how many this one has: count it (never the last query).
    if (offset > 0 && i < this.tqs.length - 1) {
      const m = await countQuery(this.ctx, this.tqs[i]!);
      this.#matched[i] = m;
      if (m <= offset) {
        this.#skip -= m;
        return [0, 0];
      }
    }
    this.#skip = 0;
    return [offset, this.#remaining];
  }

  /** A query read to its end before its limit has `offset + n` features (when the offset fell inside it). */
  #learn(i: number, offset: number, limit: number, n: number): void {
    if (this.#matched[i] === null && limit > 0 && n < limit && (n > 0 || offset === 0)) this.#matched[i] = offset + n;
  }

  /** numberMatched over all queries, counting those not learnt while reading. */
  async numberMatched(): Promise<number> {
    const ms = await Promise.all(this.tqs.map((tq, i) => this.#matched[i] ?? countQuery(this.ctx, tq)));
    return sum(ms);
  }
}

/** No batches. */
export const EMPTY_BATCHES: AsyncIterable<Feature[]> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };

/**
 * Lets the data layer check a query's names before anything is written: each part alone, so the error names the
 * parameter it came from (PROPERTYNAME, SORTBY, FILTER, EXP_FILTER). Planning throws before any read, and the
 * iterables made here are never iterated: no I/O.
 */
export function probeQuery(ctx: WfsContext, tq: TypeQuery): void {
  const probe = (q: VectorQuery, locator: string): void => {
    try {
      ctx.access.readFeatures(tq.layer, { ...q, withGeometry: false, limit: 0 });
    } catch (err) {
      throw relocate(err, tq, locator);
    }
  };
  if (tq.query.fields) probe({ fields: tq.query.fields }, 'PROPERTYNAME');
  if (tq.query.orderBy) probe({ fields: [], orderBy: tq.query.orderBy }, 'SORTBY');
  if (tq.sources.filter !== null) probe({ fields: [], filter: tq.sources.filter }, 'FILTER');
  if (tq.sources.expFilter !== null) probe({ fields: [], filter: tq.sources.expFilter }, 'EXP_FILTER');
}
