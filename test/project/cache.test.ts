import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { utimes, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ProjectCache, projectLoaderFrom } from '../../src/project/cache.js';
import { loadProject } from '../../src/project/loader.js';
import { ProjectError } from '../../src/project/problems.js';
import type { ProjectModel } from '../../src/project/model.js';
import { makeTestData, type TestData } from './make-data.js';

let data: TestData;
before(async () => {
  data = await makeTestData();
});
after(() => data.cleanup());

const project = (title: string) => `service: { title: ${title} }\nlayers:\n  - { name: zones, source: zones.gpkg }\n`;

/** A cache with a hand-driven clock that counts its loads. */
function counted(): { cache: ProjectCache; loads: string[]; tick(ms: number): void } {
  let now = 1_000_000;
  const loads: string[] = [];
  const cache = new ProjectCache({
    now: () => now,
    load: async (f) => {
      loads.push(f);
      return loadProject(f);
    },
  });
  return { cache, loads, tick: (ms) => void (now += ms) };
}

/** Rewrites a file and moves its mtime, so the change is seen whatever the file system's time resolution. */
async function rewrite(file: string, text: string, secondsAhead: number): Promise<void> {
  await writeFile(file, text);
  const t = Date.now() / 1000 + secondsAhead;
  await utimes(file, t, t);
}

describe('ProjectCache', () => {
  it('loads once and returns the same model while the file is unchanged', async () => {
    const file = await data.project(project('One'), 'one.yaml');
    const { cache, loads, tick } = counted();
    const a = await cache.get(file);
    tick(5000);
    const b = await cache.get(path.relative(process.cwd(), file)); // another spelling of the same file
    assert.equal(a, b);
    assert.equal(a.title, 'One');
    assert.deepEqual(loads, [file]);
    assert.equal(cache.size, 1);
  });

  it('shares one load between concurrent get()s', async () => {
    const file = await data.project(project('Two'), 'two.yaml');
    const { cache, loads } = counted();
    const models = await Promise.all([cache.get(file), cache.get(file), cache.get(file)]);
    assert.equal(loads.length, 1);
    assert.ok(models.every((m) => m === models[0]));
  });

  it('reloads when the file changes, stats at most once per interval, and tells the listeners', async () => {
    const file = await data.project(project('Before'), 'three.yaml');
    const { cache, loads, tick } = counted();
    const dropped: string[] = [];
    const off = cache.onInvalidate((f) => dropped.push(f));
    const first = await cache.get(file);
    await rewrite(file, project('After'), 10);
    tick(500);
    assert.equal(await cache.get(file), first, 'checked less than a second ago: not stat()ed again');
    tick(600);
    const [second, third] = await Promise.all([cache.get(file), cache.get(file)]);
    assert.equal(second!.title, 'After');
    assert.equal(second, third);
    assert.deepEqual(loads, [file, file]);
    assert.deepEqual(dropped, [file]);
    assert.ok(second!.mtimeMs > first.mtimeMs);
    off();
    cache.invalidate(file);
    assert.deepEqual(dropped, [file], 'unregistered listener not called');
    assert.equal(cache.size, 0);
  });

  it('keeps a failed load until the file changes, then loads the fixed file', async () => {
    const file = await data.project('layers: 3\n', 'four.yaml');
    const { cache, loads, tick } = counted();
    await assert.rejects(cache.get(file), ProjectError);
    tick(2000);
    await assert.rejects(cache.get(file), (err: ProjectError) => /layers: must be a list/.test(err.message));
    assert.equal(loads.length, 1, 'an unchanged broken file is not loaded again');
    await rewrite(file, project('Fixed'), 20);
    tick(2000);
    assert.equal((await cache.get(file)).title, 'Fixed');
    assert.equal(loads.length, 2);
  });

  it('drops a project whose file is deleted', async () => {
    const file = await data.project(project('Gone'), 'five.yaml');
    const { cache, tick } = counted();
    const dropped: string[] = [];
    cache.onInvalidate((f) => dropped.push(f));
    await cache.get(file);
    await rm(file);
    tick(1500);
    await assert.rejects(cache.get(file), /cannot be read \(ENOENT\)/);
    assert.deepEqual(dropped, [file]);
  });

  it('gives the server a projectLoader', async () => {
    const file = await data.project(project('Served'), 'six.yaml');
    const cache = new ProjectCache();
    const loader = projectLoaderFrom(cache);
    const p = (await loader(file)) as ProjectModel;
    assert.equal(p.title, 'Served');
    assert.equal(await loader(file), p);
  });
});
