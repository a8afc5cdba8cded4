/**
 * The OGC API Features access-control matrix: the SHIPPED example plugin (conf/plugins/examples/access-control),
 * loaded by the plugin loader, with rules for the OGC API test project (the WFS matrix's roles). `public` (also the
 * default, no header) must never see the collection `secret`, the field gdp_md of countries, Brazil (subset
 * string), the cities under 1 million and the sport event (filter expressions) or the visitors of events (hidden
 * field), nor edit anything; `admin` sees and edits all; an unknown role sees nothing; `editor` sees what public
 * sees and may edit German cities only. Every endpoint is tried, JSON and HTML: a hidden collection or feature
 * answers exactly as one that does not exist (no oracle), hidden fields are nowhere (items, queryables, the API
 * definition, the pages) and naming one is refused like naming an unknown field, filtered features are neither
 * counted nor reachable by id, filter or box. Part 4's write methods are tried where the API offers them, on
 * editable GeoPackage copies of the WFS test project (test/services/wfs/edit-support.ts).
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { call, EXAMPLES } from '../../support/server.js';
import { loadProject } from '../../../src/project/loader.js';
import type { VectorLayerDef } from '../../../src/project/model.js';
import { editableProject, type EditableProject } from '../../services/wfs/edit-support.js';
import { apiServer, PROJECT } from './support.js';

/** Public's view: no secret, no gdp_md nor visitors, no Brazil, no city under a million, no sport event. */
const PUBLIC_VIEW = {
  hiddenLayers: ['secret'],
  filterExpressions: { cities: '"population" >= 1000000', events: '"kind" <> \'sport\'' },
  subsetStrings: { countries: "name <> 'Brazil'" },
  hiddenAttributes: { countries: ['gdp_md'], events: ['visitors'] },
};

const RULES = {
  roleHeader: 'X-Ows-Role',
  defaultRole: 'public',
  roles: {
    public: { ...PUBLIC_VIEW, readOnly: true },
    editor: { ...PUBLIC_VIEW, editOnlyWhere: { field: 'country', equals: 'DEU' } },
    admin: {},
  },
};

type Role = 'public' | 'default' | 'admin' | 'editor' | 'intruder';
/** The roles that get public's view. */
const READERS = ['public', 'default', 'editor'] as const;
/** OGR filters giving public's view of each collection's source. */
const PUBLIC_WHERE: Record<string, string | undefined> = { countries: "name <> 'Brazil'", cities: 'population >= 1000000', events: "kind <> 'sport'" };
/** The collections public may read, the fields each must not show, and a text field of each. */
const PUBLIC_COLLECTIONS = ['countries', 'cities', 'events'];
const NAME_FIELD: Record<string, string> = { countries: 'name', cities: 'name', events: 'title' };
const HIDDEN_FIELDS: Record<string, string[]> = { countries: ['gdp_md'], cities: [], events: ['visitors'] };

/** What public must never get back, in any answer. */
const HIDDEN: Array<[string, RegExp]> = [
  ['the secret collection', /"secret"|collections\/secret\b|>secret<|\bsecret\.\d|Secret sites/],
  ['secret features', /Site (Alpha|Bravo|Charlie)|not for the public|very secret|only a little secret/],
  ['the secret fields', /clearance/],
  ['the hidden field of countries', /gdp_md|GDP \(million USD\)/],
  ['its values', /(?<![\d.])(2715518|3861123|1393490|2003576|1839758|95503|5081769)(?![\d.])/],
  ['Brazil', /Brazil|"id":"BRA"|items\/BRA\b|"iso_a3":"BRA"|(?<![\d.])211049527(?![\d.])/],
  ['Brazil\'s extent', /(?<![\d.])-33\.768(?!\d)|(?<![\d.])-73\.986(?!\d)/],
  ['small cities', /Lyon|Marseille|Mombasa|(?<![\d.])(516092|870731|799668)(?![\d.])/],
  ['small cities\' positions', /4\.8467|45\.7485|5\.3811|(?<![\d.])43\.297(?!\d)|39\.6682|-4\.0547/],
  ['the hidden field of events', /visitors/],
  ['the sport event', /Harbour race|"sport"|2024-06-01T14:30/],
];

/** Asserts that nothing of HIDDEN is in an answer. */
function nothingHidden(body: string, what: string): void {
  for (const [name, re] of HIDDEN) assert.doesNotMatch(body, re, `${what}: ${name} leaked`);
}

/** What a client sees of one answer. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The parts of an answer that differ from one call to the next whatever was asked. */
const stable = (body: string) => body.replace(/"timeStamp":"[^"]*"/g, '"timeStamp":""').replace(/(<p class="summary">[^(<]*(?:<span class="matched">[^<]*<\/span>[^(<]*)?\()[^)]*\)/g, '$1)');
/** A body with a name replaced by X, as written and as encoded in the links' query strings. */
const swap = (body: string, name: string) => [name, encodeURIComponent(name), new URLSearchParams({ n: name }).toString().slice(2)]
  .reduce((b, n) => b.split(n).join('X'), body);
/** A name of the same length that names nothing. */
const missingName = (hidden: string) => hidden.slice(0, -1) + (hidden.endsWith('z') ? 'y' : 'z');
const q = (s: string) => encodeURIComponent(s);

/** Two answers are the same once the two names are swapped out (messages quote the name asked): status, headers, body. */
function assertSame(a: Answer, b: Answer, hidden: string, missing: string, what: string): void {
  assert.equal(a.status, b.status, `${what}: status ${a.status} vs ${b.status}: ${a.body.slice(0, 300)}`);
  assert.deepEqual(a.headers, b.headers, `${what}: headers`);
  assert.equal(swap(stable(a.body), hidden), swap(stable(b.body), missing), `${what}: body differs from a missing name's`);
}

/** What a GeoPackage of an editable copy holds, read straight from the file: attributes by FID. */
function storedFeatures(project: EditableProject, layer: string): Map<number, Record<string, unknown>> {
  const ds = gdal.open(path.join(project.dir, `${layer}.gpkg`));
  try {
    return new Map([...ds.layers.get(0).features].map((f) => [f.fid, f.fields.toObject() as Record<string, unknown>]));
  } finally {
    ds.close();
  }
}

/** The source's features of a collection (GDAL on the file) with an OGR filter: ids (the API's) and extent. */
function sourceView(layer: VectorLayerDef, where?: string): { ids: string[]; extent: number[] } {
  const ds = gdal.open(layer.source.connection);
  try {
    const l = ds.layers.get(0);
    if (where) l.setAttributeFilter(where);
    const ids: string[] = [];
    for (const f of l.features) ids.push(layer.idField ? String(f.fields.get(layer.idField)) : String(f.fid));
    const e = l.getExtent();
    return { ids, extent: [e.minX, e.minY, e.maxX, e.maxY] };
  } finally {
    ds.close();
  }
}

describe('OGC API Features access-control matrix with the example plugin', { timeout: 180_000 }, () => {
  let server: ReturnType<typeof apiServer>;
  let dir: string;
  let layers: Map<string, VectorLayerDef>;

  /** A server with the example plugin loaded from a plugin dir that holds only it, reading our rules. */
  async function pluginServer(settings: Parameters<typeof apiServer>[1] = {}): Promise<ReturnType<typeof apiServer>> {
    const saved = process.env['OWS_ACCESS_RULES'];
    process.env['OWS_ACCESS_RULES'] = path.join(dir, 'rules.json');
    try {
      const s = apiServer([], { pluginPaths: [path.join(dir, 'plugins')], ...settings });
      const loaded = await s.server.ready();
      assert.deepEqual(loaded.map((p) => p.name), ['AccessControl'], JSON.stringify(s.records.filter((r) => (r['level'] as number) >= 40)));
      assert.ok('editor' in (loaded[0]!.instance as { rules: typeof RULES }).rules.roles, 'the plugin read the test rules');
      return s;
    } finally {
      if (saved === undefined) delete process.env['OWS_ACCESS_RULES'];
      else process.env['OWS_ACCESS_RULES'] = saved;
    }
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ows-oapif-access-matrix-'));
    await writeFile(path.join(dir, 'rules.json'), JSON.stringify(RULES, null, 2));
    await mkdir(path.join(dir, 'plugins'));
    await symlink(path.join(EXAMPLES, 'access-control'), path.join(dir, 'plugins', 'access-control'));
    server = await pluginServer();
    const project = await loadProject(PROJECT);
    layers = new Map([...project.layers.values()].filter((l): l is VectorLayerDef => l.kind === 'vector').map((l) => [l.name, l]));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const roleHeader = (role: Role): Record<string, string> => (role === 'default' ? {} : { 'X-Ows-Role': role });

  /** One request as a role ('default' sends no role header). */
  async function ask(role: Role, url: string, s = server, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    const r = await call(s.server, url, method, { ...roleHeader(role), ...headers }, body);
    return { status: r.status, headers: r.headers, body: r.body };
  }

  /** A JSON answer that must be 200, parsed. */
  async function json(role: Role, url: string, s = server): Promise<any> {
    const r = await ask(role, url, s);
    assert.equal(r.status, 200, `${role} ${url}: ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body);
  }

  /**
   * The answer about a hidden name is the answer about a missing name of the same length, and, for the roles with
   * public's view, nothing hidden shows besides the name asked.
   */
  async function sameAsMissing(role: Role, url: (name: string) => string, hidden: string, missing = missingName(hidden), s = server): Promise<Answer> {
    const a = await ask(role, url(hidden), s);
    assertSame(a, await ask(role, url(missing), s), hidden, missing, `${role} ${url(hidden)}`);
    if (role !== 'admin' && role !== 'intruder') nothingHidden(swap(a.body, hidden), `${role} ${url(hidden)}, besides the name asked`);
    return a;
  }

  /** The ids of the features of a whole collection as a role reads them (one large page). */
  async function readIds(role: Role, collection: string, s = server): Promise<{ ids: string[]; numberMatched: number }> {
    const fc = await json(role, `/ogcapi/collections/${collection}/items?limit=1000`, s);
    return { ids: fc.features.map((f: { id: string | number }) => String(f.id)), numberMatched: fc.numberMatched };
  }

  describe('landing page, conformance, API definition, collections', () => {
    test('landing page, conformance, API definition and map preview (JSON and HTML) carry nothing hidden; the API lists the readable collections only', async () => {
      for (const role of READERS) {
        for (const url of ['/ogcapi', '/ogcapi?f=html', '/ogcapi/conformance', '/ogcapi/conformance?f=html', '/ogcapi/api', '/ogcapi/api?f=html', '/ogcapi/map']) {
          const r = await ask(role, url);
          assert.equal(r.status, 200, `${role} ${url}: ${r.body.slice(0, 300)}`);
          nothingHidden(r.body, `${role} ${url}`);
        }
      }
      const collectionIds = async (role: Role) => {
        const api = await json(role, '/ogcapi/api');
        const p = (api.paths['/collections/{collectionId}'].get.parameters as Array<{ name: string; schema: { enum?: string[] } }>).find((x) => x.name === 'collectionId');
        return p?.schema.enum ?? [];
      };
      assert.deepEqual(await collectionIds('public'), PUBLIC_COLLECTIONS);
      assert.deepEqual(await collectionIds('admin'), [...PUBLIC_COLLECTIONS, 'secret']);
      assert.deepEqual(await collectionIds('intruder'), []);
    });

    test('collections (JSON and HTML): public sees countries, cities and events with the extents of what it may read; admin also secret; an unknown role nothing', async () => {
      for (const role of READERS) {
        const doc = await json(role, '/ogcapi/collections');
        assert.deepEqual(doc.collections.map((c: { id: string }) => c.id), PUBLIC_COLLECTIONS, role);
        for (const c of doc.collections as Array<{ id: string; extent: { spatial: { bbox: number[][] } } }>) {
          const want = sourceView(layers.get(c.id)!, PUBLIC_WHERE[c.id]).extent;
          c.extent.spatial.bbox[0]!.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-9, `${role} ${c.id} extent ${c.extent.spatial.bbox[0]} vs ${want}`));
        }
        nothingHidden(JSON.stringify(doc), `${role} collections`);
        const html = await ask(role, '/ogcapi/collections?f=html');
        assert.equal(html.status, 200);
        assert.match(html.body, /Countries/);
        nothingHidden(html.body, `${role} collections as HTML`);
      }
      const admin = await json('admin', '/ogcapi/collections');
      assert.deepEqual(admin.collections.map((c: { id: string }) => c.id), [...PUBLIC_COLLECTIONS, 'secret']);
      assert.equal(admin.collections[0].extent.spatial.bbox[0][0], -73.986, 'admin\'s countries reach Brazil');
      assert.deepEqual((await json('intruder', '/ogcapi/collections')).collections, []);
      const intruderPage = await ask('intruder', '/ogcapi/collections?f=html');
      assert.doesNotMatch(intruderPage.body, /Countries|Cities|Events|Secret/);
    });

    test('one collection (JSON, HTML, path extensions): the readable ones carry nothing hidden; secret answers exactly as a missing one', async () => {
      for (const role of READERS) {
        for (const c of PUBLIC_COLLECTIONS) {
          for (const suffix of ['', '?f=html', '.json', '.html']) {
            const r = await ask(role, `/ogcapi/collections/${c}${suffix}`);
            assert.equal(r.status, 200, `${role} ${c}${suffix}`);
            nothingHidden(r.body, `${role} collection ${c}${suffix}`);
          }
        }
        for (const suffix of ['', '?f=html', '.json', '.html', '?f=json&MAP=ogcapi/project.yaml']) {
          const r = await sameAsMissing(role, (n) => `/ogcapi/collections/${n}${suffix}`, 'secret');
          assert.equal(r.status, 404, `${role} secret${suffix}`);
        }
      }
      assert.match((await ask('admin', '/ogcapi/collections/secret')).body, /Secret sites/);
    });

    test('queryables (JSON and HTML) list no hidden field; those of secret answer as a missing collection\'s', async () => {
      for (const role of READERS) {
        for (const c of PUBLIC_COLLECTIONS) {
          const doc = await json(role, `/ogcapi/collections/${c}/queryables`);
          const fields = layers.get(c)!.fields.map((f) => f.name).filter((f) => !HIDDEN_FIELDS[c]!.includes(f));
          assert.deepEqual(Object.keys(doc.properties), ['geometry', ...fields], `${role} ${c}`);
          const html = await ask(role, `/ogcapi/collections/${c}/queryables?f=html`);
          assert.equal(html.status, 200);
          nothingHidden(JSON.stringify(doc) + html.body, `${role} ${c} queryables`);
        }
        for (const suffix of ['', '?f=html']) assert.equal((await sameAsMissing(role, (n) => `/ogcapi/collections/${n}/queryables${suffix}`, 'secret')).status, 404);
      }
      const admin = await json('admin', '/ogcapi/collections/countries/queryables');
      assert.ok('gdp_md' in admin.properties);
      assert.ok('visitors' in (await json('admin', '/ogcapi/collections/events/queryables')).properties);
    });
  });

  describe('items and items/{featureId}', () => {
    test('items (GeoJSON, HTML, another CRS), whole and page by page: only the readable features and fields, counted alone', async () => {
      for (const role of READERS) {
        for (const c of PUBLIC_COLLECTIONS) {
          const want = sourceView(layers.get(c)!, PUBLIC_WHERE[c]).ids;
          const whole = await readIds(role, c);
          assert.deepEqual(whole, { ids: want, numberMatched: want.length }, `${role} ${c}`);
          const pages: string[] = [];
          for (let offset = 0; offset < want.length + 2; offset += 2) {
            const r = await ask(role, `/ogcapi/collections/${c}/items?limit=2&offset=${offset}`);
            assert.equal(r.status, 200);
            nothingHidden(r.body, `${role} ${c} at ${offset}`);
            const page = JSON.parse(r.body) as { features: Array<{ id: string | number; properties: Record<string, unknown> }>; numberMatched: number; links: Array<{ rel: string }> };
            assert.equal(page.numberMatched, want.length, `${role} ${c} at ${offset}: numberMatched`);
            assert.equal(page.links.some((l) => l.rel === 'next'), offset + 2 < want.length, `${role} ${c} at ${offset}: a next link while there is more`);
            for (const f of page.features) assert.ok(HIDDEN_FIELDS[c]!.every((h) => !(h in f.properties)), `${c} ${f.id}: no hidden field`);
            pages.push(...page.features.map((f) => String(f.id)));
          }
          assert.deepEqual(pages, want, `${role} ${c} page by page`);
          for (const extra of ['f=html', 'f=html&limit=3&offset=2', `crs=${q('http://www.opengis.net/def/crs/EPSG/0/3857')}`, `sortby=-${NAME_FIELD[c]}`, 'limit=1&offset=1000']) {
            const r = await ask(role, `/ogcapi/collections/${c}/items?${extra}`);
            assert.equal(r.status, 200, `${role} ${c} ${extra}: ${r.body.slice(0, 300)}`);
            nothingHidden(r.body, `${role} ${c} items ${extra}`);
          }
        }
        assert.equal((await sameAsMissing(role, (n) => `/ogcapi/collections/${n}/items`, 'secret')).status, 404);
        assert.equal((await sameAsMissing(role, (n) => `/ogcapi/collections/${n}/items?f=html&limit=1`, 'secret')).status, 404);
      }
      for (const c of [...PUBLIC_COLLECTIONS, 'secret']) {
        const all = sourceView(layers.get(c)!).ids;
        assert.deepEqual(await readIds('admin', c), { ids: all, numberMatched: all.length }, `admin ${c}`);
      }
    });

    test('properties, sortby, filter (CQL2 text and JSON) and property=value naming a hidden field: 400 exactly as an unknown field', async () => {
      const queries: Array<(f: string, name: string) => string> = [
        (f) => `properties=${f}`,
        (f, name) => `properties=${name},${f}`,
        (f) => `sortby=${f}`,
        (f) => `sortby=-${f}`,
        (f, name) => `sortby=${q('+')}${name},-${f}`,
        (f) => `filter=${q(`${f} > 0`)}`,
        (f) => `filter=${q(`${f} IS NULL`)}&filter-lang=cql2-text`,
        (f) => `filter=${q(`"${f}" > 1 OR 1 = 1`)}`,
        (f) => `filter=${q(`NOT (${f} < 0) AND ${f} IN (1, 2)`)}`,
        (f) => `filter=${q(JSON.stringify({ op: '>', args: [{ property: f }, 0] }))}&filter-lang=cql2-json`,
        (f) => `filter=${q(JSON.stringify({ op: 'or', args: [{ op: 'isNull', args: [{ property: f }] }, { op: '=', args: [1, 1] }] }))}&filter-lang=cql2-json`,
        (f) => `${f}=1`,
        (f) => `${f}=1&f=html`,
        (f) => `filter=${q(`${f} > 0`)}&f=html`,
      ];
      for (const [c, field] of [['countries', 'gdp_md'], ['events', 'visitors']] as const) {
        for (const query of queries) {
          for (const role of READERS) {
            const r = await sameAsMissing(role, (f) => `/ogcapi/collections/${c}/items?${query(f, NAME_FIELD[c]!)}`, field);
            assert.equal(r.status, 400, `${role} ${c} ${query(field, NAME_FIELD[c]!)}: ${r.body.slice(0, 300)}`);
          }
          const admin = await ask('admin', `/ogcapi/collections/${c}/items?${query(field, NAME_FIELD[c]!)}`);
          assert.equal(admin.status, 200, `admin ${c} ${query(field, NAME_FIELD[c]!)}: ${admin.body.slice(0, 300)}`);
        }
      }
      const admin = await json('admin', '/ogcapi/collections/countries/items?sortby=-gdp_md&limit=1');
      assert.equal(admin.features[0].properties.name, 'Japan', 'admin sorts by gdp_md');
    });

    test('filters cannot reach hidden features: bbox, CQL2 (attribute and spatial), datetime and property=value answer as for an empty place', async () => {
      const cases: Array<[string, (n: string) => string, string, string]> = [
        ['countries', (n) => `filter=${q(`name = '${n}'`)}`, 'Brazil', 'Brazyl'],
        ['countries', (n) => `filter=${q(`iso_a3 IN ('${n}')`)}&limit=5`, 'BRA', 'BRZ'],
        ['countries', (n) => `iso_a3=${n}`, 'BRA', 'BRZ'],
        // Inner Brazil against the South Atlantic (same box size), as bbox and as a CQL2 spatial filter.
        ['countries', (b) => `bbox=${b}`, '-65,-25,-50,-10', '-35,-40,-20,-25'],
        ['countries', (p) => `filter=${q(`S_INTERSECTS(geometry, POINT(${p}))`)}`, '-50 -10', '-30 -30'],
        ['countries', (n) => `filter=${q(JSON.stringify({ op: '=', args: [{ property: 'name' }, n] }))}&filter-lang=cql2-json`, 'Brazil', 'Brazyl'],
        ['cities', (n) => `name=${n}`, 'Lyon', 'Lyoz'],
        ['cities', (n) => `filter=${q(`name LIKE '${n}%'`)}`, 'Marseille', 'Marseilly'],
        // Lyon against the sea off Algiers (same box size).
        ['cities', (b) => `bbox=${b}`, '4.5,45.5,5.2,46', '2.5,37.5,3.2,38'],
        ['events', (d) => `datetime=${d}`, '2024-06-01', '2024-06-02'],
        ['events', (k) => `kind=${k}`, 'sport', 'sporz'],
        ['events', (k) => `filter=${q(`kind = '${k}' OR title = 'Harbour race'`)}`, 'sport', 'sporz'],
      ];
      for (const [c, query, hidden, missing] of cases) {
        for (const role of READERS) {
          for (const f of ['', '&f=html']) {
            const r = await sameAsMissing(role, (n) => `/ogcapi/collections/${c}/items?${query(n)}${f}`, hidden, missing);
            assert.equal(r.status, 200, `${role} ${c} ${query(hidden)}: ${r.body.slice(0, 300)}`);
            if (!f) assert.deepEqual([JSON.parse(r.body).numberMatched, JSON.parse(r.body).features.length], [0, 0], `${role} ${c} ${query(hidden)}`);
          }
        }
        assert.ok((await json('admin', `/ogcapi/collections/${c}/items?${query(hidden)}`)).features.length > 0, `admin reaches ${c} ${query(hidden)}`);
      }
      // Sorted ascending, the first city is the smallest one public may read, not Lyon.
      const smallest = await json('public', '/ogcapi/collections/cities/items?sortby=population&limit=1');
      assert.ok(smallest.features[0].properties.population >= 1_000_000, JSON.stringify(smallest.features[0]));
      // Counting everything but a name counts only what may be read.
      assert.equal((await json('public', `/ogcapi/collections/countries/items?filter=${q("name <> 'x' OR name = 'Brazil'")}`)).numberMatched, 6);
    });

    test('one item (GeoJSON, HTML, another CRS): readable ones carry nothing hidden; hidden and filtered-out ones answer exactly as missing ones', async () => {
      for (const role of READERS) {
        for (const [c, id] of [['countries', 'FRA'], ['cities', '1'], ['events', '1']] as const) {
          for (const suffix of ['', '?f=html', '.html', `?crs=${q('http://www.opengis.net/def/crs/EPSG/0/3857')}`]) {
            const r = await ask(role, `/ogcapi/collections/${c}/items/${id}${suffix}`);
            assert.equal(r.status, 200, `${role} ${c}/${id}${suffix}: ${r.body.slice(0, 300)}`);
            nothingHidden(r.body, `${role} ${c}/${id}${suffix}`);
          }
        }
        // A missing id of the same length: digits would also swap the status code in the HTML error pages.
        const pairs: Array<[string, string, string]> = [['countries', 'BRA', 'BRZ'], ['cities', '2', 'x'], ['cities', '13', '99'], ['events', '2', 'x']];
        for (const [c, hidden, missing] of pairs) {
          for (const suffix of ['', '?f=html', '.json', `?crs=${q('http://www.opengis.net/def/crs/EPSG/0/4326')}`]) {
            assert.equal((await sameAsMissing(role, (n) => `/ogcapi/collections/${c}/items/${n}${suffix}`, hidden, missing)).status, 404, `${role} ${c}/${hidden}${suffix}`);
          }
        }
        assert.equal((await sameAsMissing(role, (n) => `/ogcapi/collections/${n}/items/1`, 'secret')).status, 404);
        // HEAD answers as GET does (the transports leave the body out).
        const heads: Array<[(n: string) => string, string, string]> = [[(n) => `/ogcapi/collections/cities/items/${n}`, '2', 'x'], [(n) => `/ogcapi/collections/${n}/items/1`, 'secret', 'secrez']];
        for (const [url, hidden, missing] of heads) {
          const head = await ask(role, url(hidden), server, 'HEAD');
          assertSame(head, await ask(role, url(missing), server, 'HEAD'), hidden, missing, `${role} HEAD ${url(hidden)}`);
          assert.equal(head.status, 404);
        }
      }
      for (const [c, id, seen] of [['countries', 'BRA', /Brazil/], ['cities', '2', /Lyon/], ['events', '2', /Harbour race/], ['secret', '1', /Site Alpha/]] as const) {
        assert.match((await ask('admin', `/ogcapi/collections/${c}/items/${id}`)).body, seen);
      }
    });
  });

  test('an unknown role: no collection; every collection resource answers exactly as for a collection that does not exist', async () => {
    for (const c of [...PUBLIC_COLLECTIONS, 'secret']) {
      for (const suffix of ['', '?f=html', '/items', '/items?f=html', '/items/1', '/queryables']) {
        assert.equal((await sameAsMissing('intruder', (n) => `/ogcapi/collections/${n}${suffix}`, c)).status, 404, `${c}${suffix}`);
      }
    }
    const landing = await ask('intruder', '/ogcapi');
    assert.equal(landing.status, 200);
    for (const name of ['countries', 'cities', 'events', 'secret']) assert.doesNotMatch((await ask('intruder', '/ogcapi/api')).body, new RegExp(`"${name}"`));
  });

  describe('Part 4: create, replace, update, delete', () => {
    let writable: boolean | undefined;

    /** Whether the API offers the write methods (Part 4's handlers registered); the tests skip while it does not. */
    async function offersWrites(t: TestContext): Promise<boolean> {
      if (writable === undefined) {
        const api = await json('admin', '/ogcapi/api');
        writable = Boolean(api.paths['/collections/{collectionId}/items']?.post && api.paths['/collections/{collectionId}/items/{featureId}']?.delete);
      }
      if (!writable) t.skip('Part 4 (POST / PUT / PATCH / DELETE) is not offered by the API yet');
      return writable;
    }

    /** A plugin server on a fresh editable copy of the WFS test project (countries, cities, secret as GeoPackages). */
    async function withEditable(t: TestContext, fn: (s: ReturnType<typeof apiServer>, project: EditableProject) => Promise<void>): Promise<void> {
      if (!(await offersWrites(t))) return;
      const project = await editableProject({ countries: true, cities: true, secret: true });
      try {
        await fn(await pluginServer({ projectFile: project.projectFile, projectsDir: project.dir }), project);
      } finally {
        await project.remove();
      }
    }

    const city = (name: string, country: string, population = 2_000_000) => JSON.stringify({
      type: 'Feature', geometry: { type: 'Point', coordinates: [10, 50] }, properties: { name, country, population, role: 'city' },
    });
    const GEOJSON = { 'content-type': 'application/geo+json' };
    const MERGE = { 'content-type': 'application/merge-patch+json' };

    /** The four writes on a collection (POST) and on one of its features (PUT, PATCH, DELETE). */
    const writes = (collection: string, id: string, feature: string, patch: string): Array<[string, string, string | undefined, Record<string, string>]> => [
      ['POST', `/ogcapi/collections/${collection}/items`, feature, GEOJSON],
      ['PUT', `/ogcapi/collections/${collection}/items/${id}`, feature, GEOJSON],
      ['PATCH', `/ogcapi/collections/${collection}/items/${id}`, patch, MERGE],
      ['DELETE', `/ogcapi/collections/${collection}/items/${id}`, undefined, {}],
    ];

    /** What the GeoPackages hold, for "nothing was written". */
    const snapshot = (project: EditableProject) => JSON.stringify(['countries', 'cities', 'secret'].map((l) => [...storedFeatures(project, l)]));

    /** A write's answer for a hidden name is the answer for a missing one; both refused. */
    async function sameWriteAsMissing(s: ReturnType<typeof apiServer>, role: Role, method: string, url: (n: string) => string, body: ((n: string) => string) | undefined, headers: Record<string, string>, hidden: string, missing = missingName(hidden)): Promise<Answer> {
      const a = await ask(role, url(hidden), s, method, body?.(hidden), headers);
      assertSame(a, await ask(role, url(missing), s, method, body?.(missing), headers), hidden, missing, `${role} ${method} ${url(hidden)}`);
      assert.ok(a.status >= 400 && a.status < 500, `${role} ${method} ${url(hidden)} refused: ${a.status} ${a.body.slice(0, 300)}`);
      if (role !== 'admin' && role !== 'intruder') nothingHidden(swap(a.body, hidden), `${role} ${method} ${url(hidden)}`);
      return a;
    }

    test('public (read-only) may not create, replace, update or delete: 403, nothing written', (t) => withEditable(t, async (s, project) => {
      const before = snapshot(project);
      for (const role of ['public', 'default'] as const) {
        for (const [method, url, body, headers] of writes('cities', '4', city('Bonn', 'DEU'), JSON.stringify({ properties: { role: 'x' } }))) {
          const r = await ask(role, url, s, method, body, headers);
          assert.equal(r.status, 403, `${role} ${method} ${url}: ${r.body.slice(0, 300)}`);
        }
      }
      assert.equal(snapshot(project), before);
    }));

    test('a hidden collection answers every write as a collection that does not exist; an unknown role gets that for every collection', (t) => withEditable(t, async (s, project) => {
      const before = snapshot(project);
      const feature = JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 1] }, properties: { name: 'x', clearance: 1, note: 'x' } });
      for (const role of ['public', 'editor'] as const) {
        for (const [method, , body, headers] of writes('secret', '1', feature, JSON.stringify({ properties: { note: 'x' } }))) {
          const path = (n: string) => `/ogcapi/collections/${n}/items${method === 'POST' ? '' : '/1'}`;
          assert.equal((await sameWriteAsMissing(s, role, method, path, body === undefined ? undefined : () => body, headers, 'secret')).status, 404);
        }
      }
      for (const c of ['countries', 'cities', 'secret']) {
        for (const [method, , body, headers] of writes(c, '1', city('Bonn', 'DEU'), JSON.stringify({ properties: { name: 'x' } }))) {
          const path = (n: string) => `/ogcapi/collections/${n}/items${method === 'POST' ? '' : '/1'}`;
          assert.equal((await sameWriteAsMissing(s, 'intruder', method, path, body === undefined ? undefined : () => body, headers, c)).status, 404);
        }
      }
      assert.equal(snapshot(project), before);
      const admin = await ask('admin', '/ogcapi/collections/secret/items/1', s, 'DELETE');
      assert.ok(admin.status >= 200 && admin.status < 300, `admin deletes a secret site: ${admin.status} ${admin.body.slice(0, 300)}`);
    }));

    test('hidden and filtered-out features answer PUT, PATCH and DELETE exactly as missing ones; nothing written', (t) => withEditable(t, async (s, project) => {
      const before = snapshot(project);
      // Replacements valid but for the feature they name (a country's id is its iso_a3).
      const pairs: Array<[string, string, string, (id: string) => string]> = [
        ['cities', '2', 'x', () => city('Lyon', 'FRA')],
        ['cities', '13', '99', () => city('Mombasa', 'KEN')],
        ['countries', 'BRA', 'BRZ', (id) => JSON.stringify({
          type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] },
          properties: { name: 'Brasil', continent: 'South America', pop_est: 1, iso_a3: id },
        })],
      ];
      const patch = () => JSON.stringify({ properties: { name: 'x' } });
      for (const [c, hidden, missing, feature] of pairs) {
        const url = (n: string) => `/ogcapi/collections/${c}/items/${n}`;
        assert.equal((await sameWriteAsMissing(s, 'editor', 'PUT', url, feature, GEOJSON, hidden, missing)).status, 404, `PUT ${c}/${hidden}`);
        assert.equal((await sameWriteAsMissing(s, 'editor', 'PATCH', url, patch, MERGE, hidden, missing)).status, 404, `PATCH ${c}/${hidden}`);
        assert.equal((await sameWriteAsMissing(s, 'editor', 'DELETE', url, undefined, {}, hidden, missing)).status, 404, `DELETE ${c}/${hidden}`);
      }
      assert.equal(snapshot(project), before);
    }));

    test('a hidden field in a created, replaced or patched feature answers as an unknown field; nothing written', (t) => withEditable(t, async (s, project) => {
      const before = snapshot(project);
      const country = (iso: string) => (f: string) => JSON.stringify({
        type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] },
        properties: { name: 'Atlantis', continent: 'Europe', pop_est: 1, [f]: 1, iso_a3: iso },
      });
      for (const role of ['public', 'editor'] as const) {
        await sameWriteAsMissing(s, role, 'POST', () => '/ogcapi/collections/countries/items', country('ATL'), GEOJSON, 'gdp_md');
        await sameWriteAsMissing(s, role, 'PUT', () => '/ogcapi/collections/countries/items/DEU', country('DEU'), GEOJSON, 'gdp_md');
        await sameWriteAsMissing(s, role, 'PATCH', () => '/ogcapi/collections/countries/items/DEU', (f) => JSON.stringify({ properties: { [f]: 1 } }), MERGE, 'gdp_md');
      }
      assert.equal(snapshot(project), before);
      const admin = await ask('admin', '/ogcapi/collections/countries/items/DEU', s, 'PATCH', JSON.stringify({ properties: { gdp_md: 7 } }), MERGE);
      assert.ok(admin.status >= 200 && admin.status < 300, `admin writes gdp_md: ${admin.status} ${admin.body.slice(0, 300)}`);
      assert.equal([...storedFeatures(project, 'countries').values()].find((a) => a['iso_a3'] === 'DEU')!['gdp_md'], 7);
    }));

    test('OPTIONS says what each role may do; hidden collections and features answer it as missing ones', (t) => withEditable(t, async (s) => {
      const allow = async (role: Role, url: string) => {
        const r = await ask(role, url, s, 'OPTIONS');
        assert.equal(r.status, 200, `${role} OPTIONS ${url}: ${r.body.slice(0, 300)}`);
        return r.headers['Allow'];
      };
      for (const role of ['public', 'default'] as const) {
        assert.equal(await allow(role, '/ogcapi/collections/cities/items'), 'GET, HEAD, OPTIONS');
        assert.equal(await allow(role, '/ogcapi/collections/cities/items/4'), 'GET, HEAD, OPTIONS');
      }
      assert.equal(await allow('editor', '/ogcapi/collections/cities/items'), 'GET, HEAD, POST, OPTIONS');
      assert.equal(await allow('editor', '/ogcapi/collections/cities/items/4'), 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
      assert.equal(await allow('admin', '/ogcapi/collections/secret/items/1'), 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
      for (const role of ['public', 'editor'] as const) {
        assert.equal((await sameWriteAsMissing(s, role, 'OPTIONS', (n) => `/ogcapi/collections/${n}/items`, undefined, {}, 'secret')).status, 404);
        assert.equal((await sameWriteAsMissing(s, role, 'OPTIONS', (n) => `/ogcapi/collections/${n}/items/1`, undefined, {}, 'secret')).status, 404);
        assert.equal((await sameWriteAsMissing(s, role, 'OPTIONS', (n) => `/ogcapi/collections/cities/items/${n}`, undefined, {}, '2', 'x')).status, 404);
        assert.equal((await sameWriteAsMissing(s, role, 'OPTIONS', (n) => `/ogcapi/collections/countries/items/${n}`, undefined, {}, 'BRA', 'BRZ')).status, 404);
      }
      assert.equal((await sameWriteAsMissing(s, 'intruder', 'OPTIONS', (n) => `/ogcapi/collections/${n}/items`, undefined, {}, 'cities')).status, 404);
    }));

    test('editor: German cities may be created, updated and deleted; any other feature is refused with 403 and nothing is written', (t) => withEditable(t, async (s, project) => {
      const refused: Array<[string, string, string | undefined, Record<string, string>]> = [
        ['POST', '/ogcapi/collections/cities/items', city('Nice', 'FRA'), GEOJSON],
        ['PUT', '/ogcapi/collections/cities/items/1', city('Paris', 'FRA'), GEOJSON],
        ['PATCH', '/ogcapi/collections/cities/items/1', JSON.stringify({ properties: { role: 'x' } }), MERGE],
        // Berlin may not become French: allowToEdit sees the feature as it would be written.
        ['PATCH', '/ogcapi/collections/cities/items/4', JSON.stringify({ properties: { country: 'FRA' } }), MERGE],
        ['DELETE', '/ogcapi/collections/cities/items/1', undefined, {}],
        ['DELETE', '/ogcapi/collections/countries/items/DEU', undefined, {}],
      ];
      const before = snapshot(project);
      for (const [method, url, body, headers] of refused) {
        const r = await ask('editor', url, s, method, body, headers);
        assert.equal(r.status, 403, `editor ${method} ${url}: ${r.status} ${r.body.slice(0, 300)}`);
      }
      assert.equal(snapshot(project), before);
      const done: Array<[string, string, string | undefined, Record<string, string>]> = [
        ['POST', '/ogcapi/collections/cities/items', city('Bonn', 'DEU'), GEOJSON],
        ['PATCH', '/ogcapi/collections/cities/items/5', JSON.stringify({ properties: { role: 'hansestadt' } }), MERGE],
        ['DELETE', '/ogcapi/collections/cities/items/4', undefined, {}],
      ];
      for (const [method, url, body, headers] of done) {
        const r = await ask('editor', url, s, method, body, headers);
        assert.ok(r.status >= 200 && r.status < 300, `editor ${method} ${url}: ${r.status} ${r.body.slice(0, 300)}`);
      }
      const cities = storedFeatures(project, 'cities');
      assert.equal(cities.get(5)!['role'], 'hansestadt');
      assert.equal(cities.has(4), false, 'Berlin deleted');
      assert.ok([...cities.values()].some((a) => a['name'] === 'Bonn'), 'Bonn created');
    }));
  });
});
