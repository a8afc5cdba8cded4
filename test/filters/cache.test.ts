import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CacheManager, ServerCacheFilter, type ServerCacheFilterLike, type CachedData } from '../../src/filters/cache.js';
import { AccessControl, type AccessControlFilterLike } from '../../src/filters/access-control.js';
import { BufferRequest, type ServerRequest } from '../../src/server/request.js';
import type { Project } from '../../src/project/project.js';

const PROJECT: Project = { fileName: '/srv/projects/world.yaml' };
const OTHER: Project = { fileName: '/srv/projects/other.yaml' };
const req = (q = 'SERVICE=WMS&REQUEST=GetCapabilities', method = 'GET'): ServerRequest => new BufferRequest(`/ows?${q}`, method);

function acWith(...keys: Array<string | null>): AccessControl {
  const a = new AccessControl('access control');
  for (const k of keys) a.register({ cacheKey: () => k } satisfies AccessControlFilterLike);
  return a;
}
const NO_AC = new AccessControl('access control');

/** A cache filter backed by a Map, recording every call. */
class MapCache implements ServerCacheFilterLike {
  readonly docs = new Map<string, Buffer>();
  readonly images = new Map<string, Buffer>();
  readonly calls: string[] = [];
  constructor(readonly tag: string, private readonly accept = true) {}
  getCachedDocument(_p: Project | null, _r: ServerRequest, key: string): CachedData | null {
    this.calls.push('getDoc');
    return this.docs.get(key) ?? null;
  }
  setCachedDocument(doc: Buffer, _p: Project | null, _r: ServerRequest, key: string): boolean {
    this.calls.push('setDoc');
    if (this.accept) this.docs.set(key, doc);
    return this.accept;
  }
  deleteCachedDocument(_p: Project | null, _r: ServerRequest, key: string): boolean {
    this.calls.push('delDoc');
    return this.docs.delete(key);
  }
  deleteCachedDocuments(): boolean {
    this.calls.push('delDocs');
    const had = this.docs.size > 0;
    this.docs.clear();
    return had;
  }
  getCachedImage(_p: Project | null, _r: ServerRequest, key: string): CachedData | null {
    this.calls.push('getImg');
    return this.images.get(key) ?? null;
  }
  async setCachedImage(img: Buffer, _p: Project | null, _r: ServerRequest, key: string): Promise<boolean> {
    this.calls.push('setImg');
    await new Promise((r) => setImmediate(r));
    if (this.accept) this.images.set(key, img);
    return this.accept;
  }
  deleteCachedImage(_p: Project | null, _r: ServerRequest, key: string): boolean {
    this.calls.push('delImg');
    return this.images.delete(key);
  }
  deleteCachedImages(): boolean {
    this.calls.push('delImgs');
    const had = this.images.size > 0;
    this.images.clear();
    return had;
  }
}

function manager(...filters: Array<[ServerCacheFilterLike, number?]>): CacheManager {
  const m = new CacheManager('cache filter');
  for (const [f, p] of filters) m.register(f, p);
  return m;
}

describe('CacheManager.keyFor', () => {
  it('is null when access control gives no key', () => {
    assert.equal(CacheManager.keyFor(PROJECT, req(), acWith('a', null)), null);
    assert.equal(CacheManager.keyFor(PROJECT, req(), acWith('')), null);
  });
  it('is a string when there is no access control filter', () => {
    assert.equal(typeof CacheManager.keyFor(PROJECT, req(), NO_AC), 'string');
  });
  it('contains the project file, the method, the parameters and the access-control key', () => {
    const key = CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=roads'), acWith('user:bob'))!;
    for (const part of ['/srv/projects/world.yaml', 'GET', 'SERVICE', 'WMS', 'LAYERS', 'roads', 'user:bob']) {
      assert.ok(key.includes(part), `key has ${part}: ${key}`);
    }
  });
  it('does not depend on parameter order or name case', () => {
    const a = CacheManager.keyFor(PROJECT, req('SERVICE=WMS&REQUEST=GetMap&LAYERS=a'), NO_AC);
    const b = CacheManager.keyFor(PROJECT, req('layers=a&request=GetMap&service=WMS'), NO_AC);
    assert.equal(a, b);
  });
  it('changes with each of its parts', () => {
    const base = CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=a'), acWith('u1'));
    const variants = [
      CacheManager.keyFor(OTHER, req('SERVICE=WMS&LAYERS=a'), acWith('u1')),
      CacheManager.keyFor(null, req('SERVICE=WMS&LAYERS=a'), acWith('u1')),
      CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=a', 'POST'), acWith('u1')),
      CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=b'), acWith('u1')),
      CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=a&STYLES='), acWith('u1')),
      CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=a'), acWith('u2')),
      CacheManager.keyFor(PROJECT, req('SERVICE=WMS&LAYERS=a'), acWith('u1', 'x')),
    ];
    for (const v of variants) assert.notEqual(v, base);
    assert.equal(new Set(variants).size, variants.length);
  });
  it('cannot be confused by values that contain separators', () => {
    const a = CacheManager.keyFor(PROJECT, req('A=1%262&B=3'), NO_AC);
    const b = CacheManager.keyFor(PROJECT, req('A=1&B=3'), NO_AC);
    const c = CacheManager.keyFor(PROJECT, req('A=1,B&C=3'), NO_AC);
    assert.notEqual(a, b);
    assert.notEqual(b, c);
  });
});

describe('CacheManager: documents', () => {
  it('without filters nothing is cached', async () => {
    const m = manager();
    assert.equal(await m.setCachedDocument('x', PROJECT, req(), NO_AC), false);
    assert.equal(await m.getCachedDocument(PROJECT, req(), NO_AC), null);
    assert.equal(await m.deleteCachedDocument(PROJECT, req(), NO_AC), false);
    assert.equal(await m.deleteCachedDocuments(PROJECT), false);
  });

  it('stores and returns a document under the request key, as a Buffer', async () => {
    const cache = new MapCache('c');
    const m = manager([cache]);
    assert.equal(await m.setCachedDocument('<Capabilities/>', PROJECT, req(), NO_AC), true);
    assert.deepEqual([...cache.docs.keys()], [CacheManager.keyFor(PROJECT, req(), NO_AC)]);
    const hit = await m.getCachedDocument(PROJECT, req(), NO_AC);
    assert.ok(Buffer.isBuffer(hit));
    assert.equal(hit.toString(), '<Capabilities/>');
    assert.equal(await m.getCachedDocument(PROJECT, req('SERVICE=WFS'), NO_AC), null, 'another request misses');
    assert.equal(await m.getCachedDocument(OTHER, req(), NO_AC), null, 'another project misses');
  });

  it('the filter receives a Buffer whatever the data type', async () => {
    const got: unknown[] = [];
    const m = manager([{ setCachedDocument: (doc: Buffer) => { got.push(doc); return true; } }]);
    await m.setCachedDocument('str', PROJECT, req(), NO_AC);
    await m.setCachedDocument(new Uint8Array([1, 2]), PROJECT, req(), NO_AC);
    await m.setCachedDocument(Buffer.from('buf'), PROJECT, req(), NO_AC);
    assert.ok(got.every((g) => Buffer.isBuffer(g)));
    assert.deepEqual(got.map((g) => [...(g as Buffer)]), [[...Buffer.from('str')], [1, 2], [...Buffer.from('buf')]]);
  });

  it('filters are handed project, request and key', async () => {
    const args: unknown[][] = [];
    const r = req();
    const m = manager([{ getCachedDocument: (...a: unknown[]) => { args.push(a); return null; } }]);
    await m.getCachedDocument(PROJECT, r, acWith('k'));
    assert.deepEqual(args, [[PROJECT, r, CacheManager.keyFor(PROJECT, r, acWith('k'))]]);
  });

  it('the first filter in priority order that has the entry answers', async () => {
    const log: string[] = [];
    const m = manager(
      [{ getCachedDocument: () => { log.push('p10'); return 'from p10'; } }, 10],
      [{ getCachedDocument: () => { log.push('p-1'); return null; } }, -1],
      [{ getCachedDocument: async () => { log.push('p5'); return 'from p5'; } }, 5],
      [{ getCachedDocument: () => { log.push('p20'); return 'from p20'; } }, 20],
    );
    assert.equal((await m.getCachedDocument(PROJECT, req(), NO_AC))?.toString(), 'from p5');
    assert.deepEqual(log, ['p-1', 'p5']);
  });

  it('undefined and null are misses; a Uint8Array hit becomes a Buffer', async () => {
    const m = manager(
      [{ getCachedDocument: () => undefined }],
      [{}],
      [{ getCachedDocument: () => new Uint8Array([104, 105]) }],
    );
    const hit = await m.getCachedDocument(PROJECT, req(), NO_AC);
    assert.ok(Buffer.isBuffer(hit));
    assert.equal(hit.toString(), 'hi');
  });

  it('an empty cached document is a hit', async () => {
    const m = manager([{ getCachedDocument: () => '' }], [{ getCachedDocument: () => 'second' }]);
    const hit = await m.getCachedDocument(PROJECT, req(), NO_AC);
    assert.ok(hit);
    assert.equal(hit.length, 0);
  });

  it('the first filter that accepts a document keeps it; the rest are not asked', async () => {
    const refuses = new MapCache('refuses', false);
    const keeps = new MapCache('keeps');
    const later = new MapCache('later');
    const m = manager([later, 3], [keeps, 2], [refuses, 1]);
    assert.equal(await m.setCachedDocument('doc', PROJECT, req(), NO_AC), true);
    assert.deepEqual([refuses.docs.size, keeps.docs.size, later.docs.size], [0, 1, 0]);
    assert.deepEqual(later.calls, []);
  });

  it('false when every filter refuses', async () => {
    const m = manager([new MapCache('a', false)], [new ServerCacheFilter()], [{}]);
    assert.equal(await m.setCachedDocument('doc', PROJECT, req(), NO_AC), false);
  });

  it('delete asks every filter and is true if any deleted', async () => {
    const a = new MapCache('a');
    const b = new MapCache('b');
    const m = manager([a], [b]);
    await m.setCachedDocument('doc', PROJECT, req(), NO_AC);
    assert.equal(await m.deleteCachedDocument(PROJECT, req(), NO_AC), true);
    assert.deepEqual(b.calls, ['delDoc'], 'the second filter is asked too');
    assert.equal(await m.getCachedDocument(PROJECT, req(), NO_AC), null);
    assert.equal(await m.deleteCachedDocument(PROJECT, req(), NO_AC), false);
  });

  it('deleteCachedDocuments asks every filter with the project', async () => {
    const projects: unknown[] = [];
    const m = manager(
      [{ deleteCachedDocuments: (p: Project | null) => { projects.push(p); return false; } }],
      [{ deleteCachedDocuments: async (p: Project | null) => { projects.push(p); return true; } }],
      [{ deleteCachedDocuments: (p: Project | null) => { projects.push(p); return false; } }],
    );
    assert.equal(await m.deleteCachedDocuments(PROJECT), true);
    assert.deepEqual(projects, [PROJECT, PROJECT, PROJECT]);
  });

  it('nothing is read, written or deleted when access control gives no key', async () => {
    const cache = new MapCache('c');
    cache.docs.set('anything', Buffer.from('x'));
    const m = manager([cache]);
    const noKey = acWith('bob', null);
    assert.equal(await m.setCachedDocument('doc', PROJECT, req(), noKey), false);
    assert.equal(await m.getCachedDocument(PROJECT, req(), noKey), null);
    assert.equal(await m.deleteCachedDocument(PROJECT, req(), noKey), false);
    assert.deepEqual(cache.calls, []);
  });

  it('entries are separated by access-control key', async () => {
    const cache = new MapCache('c');
    const m = manager([cache]);
    await m.setCachedDocument('bob sees this', PROJECT, req(), acWith('bob'));
    assert.equal(await m.getCachedDocument(PROJECT, req(), acWith('eve')), null);
    assert.equal((await m.getCachedDocument(PROJECT, req(), acWith('bob')))?.toString(), 'bob sees this');
  });
});

describe('CacheManager: images', () => {
  it('images use the image hooks and a separate store', async () => {
    const cache = new MapCache('c');
    const m = manager([cache]);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    assert.equal(await m.setCachedImage(png, PROJECT, req('REQUEST=GetMap'), NO_AC), true);
    assert.deepEqual(await m.getCachedImage(PROJECT, req('REQUEST=GetMap'), NO_AC), png);
    assert.equal(await m.getCachedDocument(PROJECT, req('REQUEST=GetMap'), NO_AC), null);
    assert.deepEqual(cache.calls, ['setImg', 'getImg', 'getDoc']);
    assert.equal(await m.deleteCachedImage(PROJECT, req('REQUEST=GetMap'), NO_AC), true);
    assert.equal(await m.getCachedImage(PROJECT, req('REQUEST=GetMap'), NO_AC), null);
  });
  it('deleteCachedImages clears images only', async () => {
    const cache = new MapCache('c');
    const m = manager([cache]);
    await m.setCachedImage(Buffer.from('i'), PROJECT, req(), NO_AC);
    await m.setCachedDocument('d', PROJECT, req(), NO_AC);
    assert.equal(await m.deleteCachedImages(PROJECT), true);
    assert.equal(cache.images.size, 0);
    assert.equal(cache.docs.size, 1);
    assert.equal(await m.deleteCachedImages(PROJECT), false);
  });
  it('no caching of images when access control gives no key', async () => {
    const cache = new MapCache('c');
    const m = manager([cache]);
    const noKey = acWith(null);
    assert.equal(await m.setCachedImage(Buffer.from('i'), PROJECT, req(), noKey), false);
    assert.equal(await m.getCachedImage(PROJECT, req(), noKey), null);
    assert.equal(await m.deleteCachedImage(PROJECT, req(), noKey), false);
    assert.deepEqual(cache.calls, []);
  });
});

describe('ServerCacheFilter (base class)', () => {
  it('caches nothing', async () => {
    const f = new ServerCacheFilter();
    assert.equal(f.getCachedDocument(), null);
    assert.equal(f.setCachedDocument(), false);
    assert.equal(f.deleteCachedDocument(), false);
    assert.equal(f.deleteCachedDocuments(), false);
    assert.equal(f.getCachedImage(), null);
    assert.equal(f.setCachedImage(), false);
    assert.equal(f.deleteCachedImage(), false);
    assert.equal(f.deleteCachedImages(), false);
    const m = manager([f]);
    assert.equal(await m.setCachedImage(Buffer.from('x'), PROJECT, req(), NO_AC), false);
    assert.equal(await m.getCachedImage(PROJECT, req(), NO_AC), null);
  });
});

describe('CacheManager.keyFor: the address the client used', () => {
  it('differs by host and path, not by query order', () => {
    const ac = new AccessControl('ac');
    const k = (url: string) => CacheManager.keyFor({ fileName: '/p.yaml' }, new BufferRequest(url), ac);
    assert.notEqual(k('http://a.example/ows?SERVICE=WMS'), k('http://b.example/ows?SERVICE=WMS'));
    assert.notEqual(k('http://a.example/ows?SERVICE=WMS'), k('http://a.example/other?SERVICE=WMS'));
    assert.equal(k('http://a.example/ows?SERVICE=WMS&REQUEST=x'), k('http://a.example/ows?request=x&service=WMS'));
  });
});
