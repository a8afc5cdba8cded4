import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type gdal from 'gdal-async';
import { DatasetPool, DataSourceError, type OpenMode } from '../../src/data/dataset-pool.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import { makeFixture } from './fixtures.js';

/** A pool over fake datasets that records opens and closes. */
function fakePool(options: { max?: number; idleMs?: number; timeoutMs?: number; failOpen?: () => boolean } = {}) {
  const opened: Array<{ connection: string; mode: OpenMode; closed: boolean }> = [];
  const pool = new DatasetPool({
    maxPerConnection: options.max ?? 2,
    idleMs: options.idleMs ?? 60_000,
    acquireTimeoutMs: options.timeoutMs ?? 5_000,
    open: async (connection, mode) => {
      await sleep(1);
      if (options.failOpen?.()) throw new Error('cannot open');
      const rec = { connection, mode, closed: false };
      opened.push(rec);
      return { rec, close: () => void (rec.closed = true) } as unknown as gdal.Dataset;
    },
  });
  return { pool, opened };
}
const rec = (ds: gdal.Dataset) => (ds as unknown as { rec: { closed: boolean; mode: OpenMode } }).rec;

describe('DatasetPool', () => {
  it('opens up to the maximum per connection, then queues readers in order', async () => {
    const { pool, opened } = fakePool({ max: 2 });
    const a = await pool.acquire('x');
    const b = await pool.acquire('x');
    assert.equal(opened.length, 2);
    const order: string[] = [];
    const c = pool.acquire('x').then((l) => (order.push('c'), l));
    const d = pool.acquire('x').then((l) => (order.push('d'), l));
    await sleep(5);
    assert.deepEqual(pool.stats('x'), { open: 2, busy: 2, idle: 0, waiting: 2 });
    a.release();
    const lc = await c;
    assert.equal(lc.dataset, a.dataset, 'the handle is handed on, not reopened');
    b.release();
    const ld = await d;
    assert.deepEqual(order, ['c', 'd']);
    assert.equal(opened.length, 2);
    lc.release();
    ld.release();
    assert.deepEqual(pool.stats('x'), { open: 2, busy: 0, idle: 2, waiting: 0 });
    // Another connection has its own limit.
    const other = await pool.acquire('y');
    assert.equal(opened.length, 3);
    other.release();
    await pool.close();
  });

  it('release is idempotent', async () => {
    const { pool } = fakePool({ max: 1 });
    const a = await pool.acquire('x');
    a.release();
    a.release();
    assert.deepEqual(pool.stats('x'), { open: 1, busy: 0, idle: 1, waiting: 0 });
    // A second release must not have freed a second slot: with max 1, the next reader still waits.
    const b = await pool.acquire('x');
    const c = pool.acquire('x');
    await sleep(5);
    assert.equal(pool.stats('x').waiting, 1);
    b.release();
    (await c).release();
    await pool.close();
  });

  it('a broken handle is closed and replaced, also for a waiting reader', async () => {
    const { pool, opened } = fakePool({ max: 1 });
    const a = await pool.acquire('x');
    const waiting = pool.acquire('x');
    a.release(true);
    const b = await waiting;
    assert.equal(rec(a.dataset).closed, true);
    assert.notEqual(b.dataset, a.dataset);
    assert.equal(opened.length, 2);
    b.release();
    await pool.close();
  });

  it('use() gives the handle back, marking it broken on a GDAL error but not on an OgcError', async () => {
    const { pool, opened } = fakePool({ max: 1 });
    await assert.rejects(pool.use('x', async () => { throw new OgcError('InvalidParameterValue', 'bad'); }), OgcError);
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.closed, false);
    await assert.rejects(pool.use('x', async () => { throw new Error('GDAL failure'); }), /GDAL failure/);
    assert.equal(opened[0]!.closed, true);
    assert.equal(await pool.use('x', async () => 42), 42);
    assert.equal(opened.length, 2);
    assert.equal(pool.stats('x').busy, 0);
    await pool.close();
  });

  it('modes have separate handles; update opens with r+ semantics', async () => {
    const { pool, opened } = fakePool({ max: 1 });
    const r = await pool.acquire('x');
    const w = await pool.acquire('x', { mode: 'update' });
    assert.equal(rec(r.dataset).mode, 'read');
    assert.equal(rec(w.dataset).mode, 'update');
    assert.equal(opened.length, 2);
    r.release();
    w.release();
    await pool.close();
  });

  it('closes idle handles after idleMs', async () => {
    const { pool, opened } = fakePool({ max: 2, idleMs: 30 });
    const a = await pool.acquire('x');
    a.release();
    assert.equal(pool.stats('x').idle, 1);
    await sleep(120);
    assert.equal(opened[0]!.closed, true);
    assert.deepEqual(pool.stats('x'), { open: 0, busy: 0, idle: 0, waiting: 0 });
    await pool.close();
  });

  it('an aborted or timed-out wait leaves the queue; the handle goes to the next reader', async () => {
    const { pool } = fakePool({ max: 1, timeoutMs: 40 });
    const a = await pool.acquire('x');
    const ctl = new AbortController();
    const aborted = pool.acquire('x', { signal: ctl.signal });
    const timedOut = pool.acquire('x');
    ctl.abort();
    await assert.rejects(aborted, (e: unknown) => (e as Error).name === 'AbortError');
    await assert.rejects(timedOut, (e: unknown) => e instanceof OgcError && e.status === 503);
    assert.equal(pool.stats('x').waiting, 0);
    const next = pool.acquire('x');
    a.release();
    (await next).release();
    await assert.rejects(pool.acquire('x', { signal: AbortSignal.abort() }), (e: unknown) => (e as Error).name === 'AbortError');
    await pool.close();
  });

  it('a failed open frees its slot and reports a DataSourceError without the path', async () => {
    let fail = true;
    const { pool } = fakePool({ max: 1, failOpen: () => fail });
    await assert.rejects(pool.acquire('/secret/path.gpkg'), (e: unknown) => e instanceof DataSourceError && e.status === 500 && !e.message.includes('secret'));
    fail = false;
    const ok = await pool.acquire('/secret/path.gpkg');
    ok.release();
    await pool.close();
  });

  it('close() refuses waiters and later readers, and closes busy handles when they come back', async () => {
    const { pool, opened } = fakePool({ max: 1 });
    const a = await pool.acquire('x');
    const waiting = pool.acquire('x');
    await pool.close();
    await assert.rejects(waiting, DataSourceError);
    await assert.rejects(pool.acquire('x'), DataSourceError);
    a.release();
    assert.equal(opened[0]!.closed, true);
  });
});

describe('DatasetPool on a real GeoPackage', () => {
  const fx = makeFixture();
  after(async () => (await fx).cleanup());

  it('many concurrent readers: no deadlock, never more handles than the maximum', async () => {
    const { gpkg } = await fx;
    const pool = new DatasetPool({ maxPerConnection: 3 });
    let peak = 0;
    const counts = await Promise.all(Array.from({ length: 24 }, () => pool.use(gpkg, async (ds) => {
      peak = Math.max(peak, pool.stats(gpkg).busy);
      const layer = await ds.layers.getAsync(0);
      return layer.features.countAsync();
    })));
    assert.ok(counts.every((n) => n === 300));
    assert.ok(peak <= 3, `peak ${peak}`);
    assert.deepEqual(pool.stats(gpkg), { open: 3, busy: 0, idle: 3, waiting: 0 });
    await pool.close();
    assert.equal(pool.stats(gpkg).open, 0);
  });
});
