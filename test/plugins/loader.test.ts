import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, call, testServer } from '../support/server.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/loader');

test('loads CommonJS, ESM default-export and async factories; logs and skips the broken ones', async () => {
  const { server, records } = testServer({ pluginPaths: [FIXTURES, path.join(ROOT, 'no/such/dir')] });
  const loaded = await server.ready();
  assert.deepEqual(loaded.map((p) => p.name).sort(), ['async-factory', 'good-cjs', 'good-esm-default']);
  assert.equal(loaded.find((p) => p.name === 'good-cjs')?.version, '2.1.0');
  assert.deepEqual(loaded.find((p) => p.name === 'good-cjs')?.instance, { kind: 'cjs' });

  const failures = records.filter((r) => r['msg'] === 'plugin failed to load');
  const byName = Object.fromEntries(failures.map((r) => [r['plugin'], String(r['reason'])]));
  assert.deepEqual(Object.keys(byName).sort(), ['escapes-folder', 'factory-throws', 'no-factory', 'syntax-error']);
  assert.match(byName['factory-throws']!, /missing licence/);
  assert.match(byName['no-factory']!, /no serverClassFactory/);
  assert.match(byName['escapes-folder']!, /outside the plugin folder/);
  assert.ok(records.some((r) => r['msg'] === 'plugin directory cannot be read'));

  assert.equal((await call(server, '/?SERVICE=GOODCJS')).body, 'cjs');
  assert.equal((await call(server, '/?SERVICE=GOODESM')).body, 'esm');
  assert.equal((await call(server, '/?SERVICE=GOODESM')).headers['X-Async-Plugin'], 'yes', 'async factory finished before the first request');
});

test('the first request waits for the plugins; a plugin of the same name later on the path is skipped', async () => {
  const { server, records } = testServer({ pluginPaths: [FIXTURES, FIXTURES] });
  const r = await call(server, '/?SERVICE=GOODCJS');
  assert.equal(r.body, 'cjs');
  assert.ok(records.some((rec) => rec['msg'] === 'plugin of the same name already loaded; this one is skipped'));
});
