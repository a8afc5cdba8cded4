import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryCache } from '../../src/filters/memory-cache.js';
import { ServerRequest } from '../../src/server/request.js';

const req = new ServerRequest('http://x/');
const p1 = { fileName: '/p/one.yaml' };
const p2 = { fileName: '/p/two.yaml' };

test('documents and images are kept apart, per key', () => {
  const c = new MemoryCache();
  assert.equal(c.setCachedDocument(Buffer.from('doc'), p1, req, 'k'), true);
  assert.equal(c.setCachedImage(Buffer.from('img'), p1, req, 'k'), true);
  assert.equal(c.getCachedDocument(p1, req, 'k')?.toString(), 'doc');
  assert.equal(c.getCachedImage(p1, req, 'k')?.toString(), 'img');
  assert.equal(c.getCachedDocument(p1, req, 'other'), null);
  assert.equal(c.deleteCachedDocument(p1, req, 'k'), true);
  assert.equal(c.getCachedDocument(p1, req, 'k'), null);
  assert.equal(c.getCachedImage(p1, req, 'k')?.toString(), 'img');
});

test('least recently used goes first when the budget is spent; sizes stay exact', () => {
  const c = new MemoryCache(40);
  c.setCachedDocument(Buffer.alloc(10, 1), p1, req, 'a');
  c.setCachedDocument(Buffer.alloc(10, 2), p1, req, 'b');
  c.setCachedDocument(Buffer.alloc(10, 3), p1, req, 'c');
  c.getCachedDocument(p1, req, 'a'); // a is now the most recent
  c.setCachedDocument(Buffer.alloc(10, 4), p1, req, 'd');
  c.setCachedDocument(Buffer.alloc(10, 5), p1, req, 'e'); // 50 > 40: b goes
  assert.equal(c.getCachedDocument(p1, req, 'b'), null);
  assert.ok(c.getCachedDocument(p1, req, 'a'));
  assert.equal(c.size(), 40);
  c.setCachedDocument(Buffer.alloc(5, 6), p1, req, 'a'); // replacing counts the new size only
  assert.equal(c.size(), 35);
  assert.equal(c.setCachedDocument(Buffer.alloc(11), p1, req, 'big'), false, 'an entry over a quarter of the budget is refused');
});

test('a project change drops only that project\'s entries', () => {
  const c = new MemoryCache();
  c.setCachedDocument(Buffer.from('1'), p1, req, 'k1');
  c.setCachedImage(Buffer.from('1'), p1, req, 'k1');
  c.setCachedDocument(Buffer.from('2'), p2, req, 'k2');
  assert.equal(c.deleteCachedDocuments(p1), true);
  assert.equal(c.getCachedDocument(p1, req, 'k1'), null);
  assert.ok(c.getCachedImage(p1, req, 'k1'));
  assert.ok(c.getCachedDocument(p2, req, 'k2'));
  assert.equal(c.deleteCachedImages(p1), true);
  assert.equal(c.deleteCachedImages(p1), false);
});
