import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, testServer } from '../../support/server.js';
import { PROJECT } from './support.js';

test('a changed project file is reloaded and its cached capabilities dropped', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ows-reload-'));
  try {
    await cp(path.dirname(PROJECT), dir, { recursive: true });
    const file = path.join(dir, 'project.yaml');
    const { server } = testServer({ projectsDir: dir }, { coreServices: true });
    const url = '/?SERVICE=WMS&REQUEST=GetCapabilities&MAP=project.yaml';
    const first = await call(server, url);
    assert.match(first.body, /<Title>ows-server test project<\/Title>/);
    assert.equal((await call(server, url)).body, first.body, 'served again (from the cache)');

    const yaml = await readFile(file, 'utf8');
    await writeFile(file, yaml.replace('title: ows-server test project', 'title: Renamed project'));
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later); // a different mtime even on coarse file systems
    await new Promise((r) => setTimeout(r, 1100)); // the cache looks at the file at most once a second
    const second = await call(server, url);
    assert.match(second.body, /<Title>Renamed project<\/Title>/);
    assert.doesNotMatch(second.body, /ows-server test project/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
