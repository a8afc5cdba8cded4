import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeLandingPage } from '../../src/server/landing.js';
import { BufferRequest } from '../../src/server/request.js';
import { BufferResponse } from '../../src/server/response.js';
import { ProjectCache, projectLoaderFrom } from '../../src/project/cache.js';
import type { ProjectLoader } from '../../src/project/project.js';
import type { Settings } from '../../src/server/settings.js';
import { ROOT, call, testServer } from '../support/server.js';

const PROJECT = path.join(ROOT, 'test/fixtures/projects/project.yaml');
const COUNTRIES = path.join(ROOT, 'test/fixtures/projects/data/countries.geojson');
const HOSTILE = 'Alpha <script>x()</script> & "quoted"';

const project = (title: string) => `service:\n  title: ${JSON.stringify(title)}\nlayers:\n  - name: countries\n    source: ${JSON.stringify(COUNTRIES)}\n`;

interface LandingProject {
  map: string | null;
  title: string;
  default: boolean;
  services: Array<{ name: string; href: string }>;
  apis: Array<{ name: string; href: string }>;
  mapPreview: string | null;
}

let top: string;
let dir: string;

before(async () => {
  top = await mkdtemp(path.join(tmpdir(), 'ows-landing-'));
  dir = path.join(top, 'projects');
  await mkdir(path.join(dir, 'sub'), { recursive: true });
  await mkdir(path.join(dir, 'd1/d2/d3/d4'), { recursive: true });
  await mkdir(path.join(dir, '.git'), { recursive: true });
  await mkdir(path.join(dir, 'folder.yaml'));
  await writeFile(path.join(dir, 'alpha.yaml'), project(HOSTILE));
  await writeFile(path.join(dir, 'sub/beta.yml'), project('Beta'));
  await writeFile(path.join(dir, 'sub/notes.yaml'), 'just: some notes\n');
  await writeFile(path.join(dir, 'sub/readme.txt'), 'not a project');
  await writeFile(path.join(dir, '.hidden.yaml'), project('Hidden'));
  await writeFile(path.join(dir, '.git/config.yaml'), project('In .git'));
  await writeFile(path.join(dir, 'd1/d2/d3/deep.yaml'), project('Three levels down'));
  await writeFile(path.join(dir, 'd1/d2/d3/d4/deeper.yaml'), project('Too deep'));
  await writeFile(path.join(top, 'outside.yaml'), project('Outside'));
  await symlink(path.join(dir, 'alpha.yaml'), path.join(dir, 'link-in.yaml'));
  await symlink(path.join(top, 'outside.yaml'), path.join(dir, 'link-out.yaml'));
  await symlink(top, path.join(dir, 'linked-dir'));
  await symlink(path.join(dir, 'missing.yaml'), path.join(dir, 'dangling.yaml'));
});

after(async () => {
  await rm(top, { recursive: true, force: true });
});

/** A server with WMS, WFS and the Features API over the directory (and the test project as the default). */
function server(settings: Partial<Settings> = {}) {
  return testServer({ projectsDir: dir, projectFile: PROJECT, ...settings }, { coreServices: true });
}

async function landing(s: ReturnType<typeof server>, url: string, loader?: ProjectLoader, headers: Record<string, string> = {}) {
  const response = new BufferResponse();
  await writeLandingPage(new BufferRequest(url, 'GET', headers), response, s.iface, s.server.settings, loader);
  await response.finish();
  return { body: response.body().toString('utf8'), type: response.headers()['Content-Type'] ?? '' };
}

const loader = () => projectLoaderFrom(new ProjectCache());

describe('landing page: projects', () => {
  test('lists the default project and the loadable project files of OWS_PROJECTS_DIR, each with its service and API links', async () => {
    const s = server();
    const doc = JSON.parse((await landing(s, 'http://example.org/ows/', loader())).body) as { projects: LandingProject[] };
    assert.deepEqual(doc.projects.map((p) => [p.map, p.title, p.default]), [
      [null, 'ows-server test project', true],
      ['alpha.yaml', HOSTILE, false],
      ['d1/d2/d3/deep.yaml', 'Three levels down', false],
      ['link-in.yaml', HOSTILE, false],
      ['sub/beta.yml', 'Beta', false],
    ], 'hidden, too deep, not a project, symlinks out of the directory and directories are left out');
    const beta = doc.projects.find((p) => p.map === 'sub/beta.yml')!;
    assert.deepEqual(beta.services, [
      { name: 'WMS', href: 'http://example.org/ows/?MAP=sub%2Fbeta.yml&SERVICE=WMS&REQUEST=GetCapabilities' },
      { name: 'WFS', href: 'http://example.org/ows/?MAP=sub%2Fbeta.yml&SERVICE=WFS&REQUEST=GetCapabilities' },
    ]);
    assert.deepEqual(beta.apis, [{ name: 'OGC API Features', href: 'http://example.org/ows/ogcapi?MAP=sub%2Fbeta.yml' }]);
    assert.equal(beta.mapPreview, 'http://example.org/ows/ogcapi/map?MAP=sub%2Fbeta.yml');
    const def = doc.projects[0]!;
    assert.equal(def.services[0]!.href, 'http://example.org/ows/?SERVICE=WMS&REQUEST=GetCapabilities');
    assert.equal(def.mapPreview, 'http://example.org/ows/ogcapi/map');
  });

  test('every link it gives works: capabilities, the Features API and the map preview of a listed project', async () => {
    const s = server();
    const doc = JSON.parse((await landing(s, 'http://localhost:8080/', loader())).body) as { projects: LandingProject[] };
    const beta = doc.projects.find((p) => p.map === 'sub/beta.yml')!;
    for (const href of [...beta.services.map((x) => x.href), beta.apis[0]!.href, beta.mapPreview!]) {
      const r = await call(s.server, href, 'GET', { accept: 'text/html' });
      assert.equal(r.status, 200, href);
    }
    const preview = await call(s.server, beta.mapPreview!);
    assert.match(preview.body, /<title>Map preview: Beta<\/title>/);
  });

  test('HTML: a table of projects, titles escaped, links with MAP', async () => {
    const s = server();
    const r = await landing(s, 'http://localhost:8080/?f=html', loader());
    assert.match(r.type, /^text\/html/);
    assert.ok(!r.body.includes('<script>'), 'the hostile title stays text');
    assert.match(r.body, /<td>Alpha &lt;script&gt;x\(\)&lt;\/script&gt; &amp; &quot;quoted&quot;<\/td><td><code>alpha\.yaml<\/code><\/td>/);
    assert.match(r.body, /<a href="http:\/\/localhost:8080\/\?MAP=alpha\.yaml&amp;SERVICE=WFS&amp;REQUEST=GetCapabilities">WFS<\/a>/);
    assert.match(r.body, /<a href="http:\/\/localhost:8080\/ogcapi\/map\?MAP=sub%2Fbeta\.yml">Map preview<\/a>/);
    assert.match(r.body, /<td>ows-server test project<\/td><td><em>default project<\/em><\/td>/);
  });

  test('without the server\'s loader the files are listed by name, unchecked', async () => {
    const doc = JSON.parse((await landing(server(), 'http://localhost:8080/')).body) as { projects: LandingProject[] };
    assert.deepEqual(doc.projects.map((p) => [p.map, p.title]), [
      [null, 'project.yaml'], ['alpha.yaml', 'alpha.yaml'], ['d1/d2/d3/deep.yaml', 'deep.yaml'], ['link-in.yaml', 'alpha.yaml'],
      ['sub/beta.yml', 'beta.yml'], ['sub/notes.yaml', 'notes.yaml'],
    ]);
  });

  test('no projects directory, no default project: an empty list, and no map preview without a WMS', async () => {
    const none = JSON.parse((await landing(testServer({}, { coreServices: true }), 'http://localhost:8080/')).body) as { projects: unknown[] };
    assert.deepEqual(none.projects, []);
    const html = await landing(testServer(), 'http://localhost:8080/', undefined, { accept: 'text/html' });
    assert.match(html.body, /<h2>Projects<\/h2>\n<p>No project: set OWS_PROJECT_FILE/);
    const noWms = testServer({ projectFile: PROJECT });
    noWms.iface.serviceRegistry().registerApi({ name: () => 'x', description: () => '', version: () => '1', rootPath: () => '/x', executeRequest: () => {} });
    const doc = JSON.parse((await landing(noWms, 'http://localhost:8080/', loader())).body) as { projects: LandingProject[] };
    assert.deepEqual(doc.projects.map((p) => [p.title, p.mapPreview, p.apis]), [['ows-server test project', null, [{ name: 'x', href: 'http://localhost:8080/x' }]]]);
  });

  test('through the server: GET / lists the projects with their titles', async () => {
    const s = server();
    const r = await call(s.server, 'http://localhost:8080/');
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.body) as { projects: LandingProject[] };
    assert.deepEqual(doc.projects.map((p) => p.title), ['ows-server test project', HOSTILE, 'Three levels down', HOSTILE, 'Beta']);
  });
});
