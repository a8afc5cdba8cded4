/**
 * The WFS access-control matrix: the SHIPPED example plugin (conf/plugins/examples/access-control), loaded by the
 * plugin loader, with rules for the test project (the WMS matrix's rules and two more roles). `public` (also the
 * default, no header) must never see the type `secret`, the field `gdp_md` of countries, Brazil (subset string)
 * or the cities under 1 million (filter expression), nor edit anything; `admin` sees and edits all; an unknown
 * role sees nothing; `editor` sees what public sees and may edit German cities only (allowToEdit). Every WFS
 * request is tried, KVP and POST, in each version; errors about hidden things must be the very answers given for
 * things that do not exist (no oracle). Transactions run on editable GeoPackage copies (edit-support.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXAMPLES, call, testServer } from '../../support/server.js';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import type { ServerCacheFilterLike } from '../../../src/filters/cache.js';
import { PROJECT } from './support.js';
import { editServer, editableProject, exceptionOf, stored, transactionXml, type EditServer, type Editable } from './edit-support.js';

/** Public's view: no secret, no gdp_md, no Brazil, no city under a million. */
const PUBLIC_VIEW = {
  hiddenLayers: ['secret'],
  filterExpressions: { cities: '"population" >= 1000000' },
  subsetStrings: { countries: "name <> 'Brazil'" },
  hiddenAttributes: { countries: ['gdp_md'] },
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
type Version = '1.0.0' | '1.1.0' | '2.0.0';
const VERSIONS: Version[] = ['1.0.0', '1.1.0', '2.0.0'];

/** What `public` must never get back, in any answer. */
const HIDDEN: Array<[string, RegExp]> = [
  ['the secret type name', /qgs:secret\b|<Name>secret<|name="secret"|"secret"|\bsecret\.\d|typeNames?="(?:\w+:)?secret"|TYPENAMES?=(?:qgs(?::|%3A))?secret\b|>secret</],
  ['the secret type title', /Secret sites/],
  ['secret features', /Site (Alpha|Bravo|Charlie)|not for the public|very secret|only a little secret/],
  ['the secret fields', /clearance/],
  ['the hidden field', /gdp_md|GDP \(million USD\)/],
  ['hidden field values', /(?<![\d.])(2715518|3861123|1393490|2003576|1839758|95503|5081769)(?![\d.])/],
  ['Brazil', /Brazil|countries\.BRA|iso_a3>BRA<|"iso_a3":"BRA"|(?<![\d.])211049527(?![\d.])/],
  ['Brazil\'s extent', /(?<![\d.])-33\.768(?!\d)|(?<![\d.])-73\.986(?!\d)/],
  ['small cities', /Lyon|Marseille|Mombasa|(?<![\d.])(516092|870731|799668)(?![\d.])/],
  ['small cities\' positions', /4\.8467|45\.7485|5\.3811|(?<![\d.])43\.297(?!\d)|39\.6682|-4\.0547/],
];

/** Asserts that nothing of HIDDEN is in a text answer. */
function nothingHidden(body: string, what: string): void {
  for (const [name, re] of HIDDEN) assert.doesNotMatch(body, re, `${what}: ${name} leaked`);
}

/** The parts of an answer that differ from one call to the next whatever was asked. */
function stable(body: string): string {
  return body.replace(/timeStamp="[^"]*"/g, 'timeStamp=""').replace(/"timeStamp":"[^"]*"/g, '"timeStamp":""');
}

const q = (s: string) => encodeURIComponent(s);
/** The type-name parameter of a version. */
const TN = (v: Version) => (v === '2.0.0' ? 'TYPENAMES' : 'TYPENAME');
/** The feature-id parameter of a version. */
const ID = (v: Version) => (v === '2.0.0' ? 'RESOURCEID' : 'FEATUREID');
const NS: Record<Version, string> = {
  '1.0.0': 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"',
  '1.1.0': 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"',
  '2.0.0': 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"',
};
/** The filter-encoding prefix and property element of a version. */
const fe = (v: Version) => (v === '2.0.0' ? { p: 'fes', prop: 'fes:ValueReference' } : { p: 'ogc', prop: 'ogc:PropertyName' });
/** A Filter element of a version around `inner` (namespaces declared on it, so it also works as a KVP FILTER). */
const filterXml = (v: Version, inner: string) => `<${fe(v).p}:Filter ${NS[v]}>${inner}</${fe(v).p}:Filter>`;
/** A binary comparison in the version's encoding. */
const cmp = (v: Version, op: string, field: string, literal: string | number) =>
  `<${fe(v).p}:PropertyIs${op}><${fe(v).prop}>${field}</${fe(v).prop}><${fe(v).p}:Literal>${literal}</${fe(v).p}:Literal></${fe(v).p}:PropertyIs${op}>`;
const or = (v: Version, ...parts: string[]) => `<${fe(v).p}:Or>${parts.join('')}</${fe(v).p}:Or>`;
/** Feature-id filter of a version. */
const idFilter = (v: Version, ...ids: string[]) => filterXml(v, ids.map((id) => (v === '2.0.0' ? `<fes:ResourceId rid="${id}"/>` : `<ogc:FeatureId fid="${id}"/>`)).join(''));

/** A POSTed GetFeature with one query; `inner` goes inside wfs:Query, `attrs` on the root. */
function getFeatureXml(v: Version, type: string, inner = '', attrs = ''): string {
  const typeAttr = v === '2.0.0' ? 'typeNames' : 'typeName';
  return `<wfs:GetFeature service="WFS" version="${v}" ${NS[v]} xmlns:qgs="http://www.qgis.org/gml" ${attrs}><wfs:Query ${typeAttr}="${type}">${inner}</wfs:Query></wfs:GetFeature>`;
}
/** The query's property-name element of a version. */
const propertyNameXml = (v: Version, name: string) => (v === '1.0.0' ? `<ogc:PropertyName>${name}</ogc:PropertyName>` : `<wfs:PropertyName>${name}</wfs:PropertyName>`);
const sortByXml = (v: Version, name: string) =>
  `<${fe(v).p}:SortBy><${fe(v).p}:SortProperty><${fe(v).prop}>${name}</${fe(v).prop}><${fe(v).p}:SortOrder>DESC</${fe(v).p}:SortOrder></${fe(v).p}:SortProperty></${fe(v).p}:SortBy>`;

/** Transaction actions (the qgs namespace and the version's FE are declared by transactionXml). */
const city = (name: string, country: string, population = 2_000_000) =>
  `<qgs:cities><qgs:name>${name}</qgs:name><qgs:country>${country}</qgs:country><qgs:population>${population}</qgs:population><qgs:role>city</qgs:role><qgs:geometry><gml:Point srsName="EPSG:4326"><gml:coordinates>10,50</gml:coordinates></gml:Point></qgs:geometry></qgs:cities>`;
const setProperty = (v: Version, name: string, value: string) =>
  `<wfs:Property>${v === '2.0.0' ? `<wfs:ValueReference>${name}</wfs:ValueReference>` : `<wfs:Name>${name}</wfs:Name>`}<wfs:Value>${value}</wfs:Value></wfs:Property>`;
/** A filter element for inside an Update / Delete (the namespaces are on the Transaction). */
const innerFilter = (v: Version, inner: string) => `<${fe(v).p}:Filter>${inner}</${fe(v).p}:Filter>`;
const innerIds = (v: Version, ...ids: string[]) => innerFilter(v, ids.map((id) => (v === '2.0.0' ? `<fes:ResourceId rid="${id}"/>` : `<ogc:FeatureId fid="${id}"/>`)).join(''));
const update = (v: Version, type: string, props: string, filter: string) => `<wfs:Update typeName="${type}">${props}${filter}</wfs:Update>`;
const del = (type: string, filter: string) => `<wfs:Delete typeName="${type}">${filter}</wfs:Delete>`;
/** The Transaction operation in a capabilities document (1.0 Request element, 1.1 / 2.0 ows:Operation). */
const TRANSACTION_OFFERED = /<Transaction>|<ows:Operation name="Transaction">/;
/** TransactionSummary totals (1.1 / 2.0). */
const totals = (body: string) => ['totalInserted', 'totalUpdated', 'totalDeleted'].map((k) => Number(new RegExp(`<wfs:${k}>(\\d+)<`).exec(body)?.[1] ?? NaN));

/** What a client sees of one answer. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Two answers are the same once the two names (if any) are swapped out of them (messages quote the name asked) and the
 * time stamps are set aside: same status, headers and body.
 */
function assertSame(a: Answer, b: Answer, hidden: string, missing: string, what: string): void {
  assert.equal(a.status, b.status, `${what}: status ${a.status} vs ${b.status}: ${a.body.slice(0, 300)}`);
  assert.deepEqual(a.headers, b.headers, `${what}: headers`);
  assert.equal(swap(stable(a.body), hidden), swap(stable(b.body), missing), `${what}: body differs from a missing name's`);
}

/** A body with a name replaced by X ('' replaces nothing). */
const swap = (body: string, name: string) => (name ? body.split(name).join('X') : body);

/** The number of features in a GetFeature answer (GeoJSON or GML of any version). */
function featureCount(body: string): number {
  if (body.trimStart().startsWith('{')) return (JSON.parse(body) as { features: unknown[] }).features.length;
  return body.match(/<(wfs:member|gml:featureMember)>/g)?.length ?? 0;
}

/** A name of the same length that names nothing. */
const missingName = (hidden: string) => hidden.slice(0, -1) + (hidden.endsWith('z') ? 'y' : 'z');

describe('WFS access-control matrix with the example plugin', { timeout: 120_000 }, () => {
  let server: ReturnType<typeof testServer>;
  let dir: string;

  /** A server with the example plugin loaded from a plugin dir that holds only it, reading our rules. */
  async function pluginServer(projectFile = PROJECT): Promise<ReturnType<typeof testServer>> {
    const saved = process.env['OWS_ACCESS_RULES'];
    process.env['OWS_ACCESS_RULES'] = path.join(dir, 'rules.json');
    try {
      const s = testServer({ projectFile, projectsDir: path.dirname(projectFile), pluginPaths: [path.join(dir, 'plugins')], dataSnapshot: 'wait' }, { coreServices: true });
      const loaded = await s.server.ready();
      assert.deepEqual(loaded.map((p) => p.name), ['AccessControl'], JSON.stringify(s.records.filter((r) => r['level'] as number >= 40)));
      assert.ok('editor' in (loaded[0]!.instance as { rules: typeof RULES }).rules.roles, 'the plugin read the test rules');
      return s;
    } finally {
      if (saved === undefined) delete process.env['OWS_ACCESS_RULES'];
      else process.env['OWS_ACCESS_RULES'] = saved;
    }
  }

  /** An editable copy of the test project (edit-support.ts) served with the plugin. */
  async function editablePluginServer(editable: Editable = { countries: true, cities: true, secret: true }): Promise<EditServer> {
    const project = await editableProject(editable);
    return Object.assign(await pluginServer(project.projectFile), { project });
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ows-wfs-access-matrix-'));
    await writeFile(path.join(dir, 'rules.json'), JSON.stringify(RULES, null, 2));
    await mkdir(path.join(dir, 'plugins'));
    await symlink(path.join(EXAMPLES, 'access-control'), path.join(dir, 'plugins', 'access-control'));
    server = await pluginServer();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const roleHeader = (role: Role): Record<string, string> => (role === 'default' ? {} : { 'X-Ows-Role': role });

  /** One KVP request as a role ('default' sends no role header). */
  async function ask(role: Role, query: string, s = server): Promise<Answer> {
    return call(s.server, `/ows?SERVICE=WFS&${query}`, 'GET', roleHeader(role));
  }

  /** One XML POST as a role, to the bare endpoint (the root element names the service). */
  async function post(role: Role, xml: string, s = server): Promise<Answer> {
    return call(s.server, '/ows', 'POST', { 'content-type': 'text/xml', ...roleHeader(role) }, xml);
  }

  /** The answer about a hidden name is the answer about a missing name of the same length (KVP). */
  async function sameAsMissing(role: Role, query: (name: string) => string, hidden = 'secret', missing = missingName(hidden), s = server): Promise<Answer> {
    const a = await ask(role, query(hidden), s);
    assertSame(a, await ask(role, query(missing), s), hidden, missing, `${role} ${query(hidden)}`);
    if (role === 'public' || role === 'default') nothingHidden(swap(a.body, hidden), `${query(hidden)}, besides the name asked`);
    return a;
  }

  /** The same for an XML POST. */
  async function sameAsMissingPost(role: Role, xml: (name: string) => string, hidden = 'secret', missing = missingName(hidden), s = server): Promise<Answer> {
    const a = await post(role, xml(hidden), s);
    assertSame(a, await post(role, xml(missing), s), hidden, missing, `${role} POST ${xml(hidden)}`);
    if (role === 'public' || role === 'default' || role === 'editor') nothingHidden(swap(a.body, hidden), `POST ${xml(hidden)}, besides the name asked`);
    return a;
  }

  /** Asserts an answer is refused (an exception report, not 200). */
  function refused(a: Answer, what: string): void {
    assert.notEqual(a.status, 200, `${what} must be refused: ${a.body.slice(0, 300)}`);
    assert.match(a.body, /Exception/, what);
  }

  describe('GetCapabilities', () => {
    for (const version of VERSIONS) {
      test(`${version}: public (and no role) see no secret and no Brazil in the extents; admin does`, async () => {
        for (const role of ['public', 'default'] as const) {
          const r = await ask(role, `VERSION=${version}&REQUEST=GetCapabilities`);
          assert.equal(r.status, 200, r.body.slice(0, 300));
          assert.match(r.body, /qgs:countries/);
          assert.match(r.body, /qgs:cities/);
          nothingHidden(r.body, `${role} capabilities ${version}`);
        }
        const admin = await ask('admin', `VERSION=${version}&REQUEST=GetCapabilities`);
        assert.match(admin.body, /qgs:secret/);
        assert.match(admin.body, /Secret sites/);
        assert.match(admin.body, /-73\.98/, 'admin\'s countries extent reaches Brazil');
      });
    }

    test('ACCEPTVERSIONS and POST GetCapabilities: the same filtering', async () => {
      for (const v of VERSIONS) {
        const r = await ask('public', `REQUEST=GetCapabilities&ACCEPTVERSIONS=${v}`);
        assert.equal(r.status, 200, r.body.slice(0, 300));
        nothingHidden(r.body, `ACCEPTVERSIONS=${v}`);
      }
      const xml = '<GetCapabilities xmlns="http://www.opengis.net/wfs/2.0" service="WFS"/>';
      const pub = await post('public', xml);
      assert.equal(pub.status, 200, pub.body.slice(0, 300));
      nothingHidden(pub.body, 'POST GetCapabilities');
      assert.match((await post('admin', xml)).body, /qgs:secret/);
    });

    test('an unknown role gets no feature type at all', async () => {
      for (const v of VERSIONS) {
        const r = await ask('intruder', `VERSION=${v}&REQUEST=GetCapabilities`);
        assert.equal(r.status, 200);
        assert.doesNotMatch(r.body, /<(wfs:)?FeatureType>/, `${v}: ${r.body}`);
        for (const name of ['countries', 'cities', 'secret']) assert.doesNotMatch(r.body, new RegExp(`qgs:${name}\\b`));
      }
    });

    test('cached per role: admin asking first never hands its document to public', async () => {
      const fresh = await pluginServer();
      const keys: string[] = [];
      const spy: ServerCacheFilterLike = { getCachedDocument: (_p, _r, key) => { keys.push(key); return null; } };
      fresh.iface.registerServerCache(spy, 0);
      const get = (headers: Record<string, string>, v: Version) => call(fresh.server, `/ows?SERVICE=WFS&VERSION=${v}&REQUEST=GetCapabilities`, 'GET', headers);
      for (const v of VERSIONS) {
        const admin = await get({ 'X-Ows-Role': 'admin' }, v);
        assert.match(admin.body, /qgs:secret/);
        assert.equal((await get({ 'X-Ows-Role': 'admin' }, v)).body, admin.body);
        for (const h of [{ 'X-Ows-Role': 'public' }, {}, { 'x-ows-role': 'public' }] as Array<Record<string, string>>) {
          const pub = await get(h, v);
          assert.equal(pub.status, 200);
          nothingHidden(pub.body, `public after admin (${v}, ${JSON.stringify(h)})`);
        }
        assert.equal((await get({ 'X-Ows-Role': 'admin' }, v)).body, admin.body, 'admin still gets its own document');
      }
      assert.ok(new Set(keys).size >= 2, `the cache is asked with one key per role: ${[...new Set(keys)].join(' | ')}`);
    });
  });

  describe('DescribeFeatureType', () => {
    test('TYPENAME(S)=secret, alone or with another type, XML or JSON, KVP or POST, answers as a missing type', async () => {
      for (const v of VERSIONS) {
        for (const fmt of ['', '&OUTPUTFORMAT=application/json']) {
          for (const role of ['public', 'default', 'editor'] as const) {
            refused(await sameAsMissing(role, (n) => `VERSION=${v}&REQUEST=DescribeFeatureType&${TN(v)}=${n}${fmt}`), `${v} DescribeFeatureType secret`);
            await sameAsMissing(role, (n) => `VERSION=${v}&REQUEST=DescribeFeatureType&${TN(v)}=countries,qgs:${n}${fmt}`);
          }
        }
        const ns = v === '2.0.0' ? 'http://www.opengis.net/wfs/2.0' : 'http://www.opengis.net/wfs';
        await sameAsMissingPost('public', (n) => `<DescribeFeatureType xmlns="${ns}" xmlns:qgs="http://www.qgis.org/gml" service="WFS" version="${v}"><TypeName>qgs:${n}</TypeName></DescribeFeatureType>`);
      }
      const admin = await ask('admin', 'VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=secret');
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.match(admin.body, /clearance/);
    });

    test('every type\'s schema (all types, XML and JSON): no secret, no gdp_md; admin has both', async () => {
      for (const v of VERSIONS) {
        for (const fmt of ['', '&OUTPUTFORMAT=application/json']) {
          for (const role of ['public', 'default', 'editor'] as const) {
            const r = await ask(role, `VERSION=${v}&REQUEST=DescribeFeatureType${fmt}`);
            assert.equal(r.status, 200, r.body.slice(0, 300));
            assert.match(r.body, /pop_est/);
            nothingHidden(r.body, `${role} DescribeFeatureType ${v}${fmt}`);
          }
          const admin = await ask('admin', `VERSION=${v}&REQUEST=DescribeFeatureType${fmt}`);
          assert.match(admin.body, /gdp_md/);
          assert.match(admin.body, /clearance/);
        }
      }
    });

    test('an unknown role: no type, and asking for one answers as a missing type', async () => {
      await sameAsMissing('intruder', (n) => `VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=${n}`, 'countries');
      await sameAsMissing('intruder', (n) => `VERSION=1.1.0&REQUEST=DescribeFeatureType&TYPENAME=${n}`, 'cities');
      const all = await ask('intruder', 'VERSION=2.0.0&REQUEST=DescribeFeatureType');
      for (const name of ['countries', 'cities', 'secret', 'pop_est', 'population']) assert.doesNotMatch(all.body, new RegExp(name), all.body);
    });
  });

  describe('GetFeature', () => {
    test('TYPENAME(S)=secret (alone, mixed, prefixed, any format, hits, KVP and POST) answers as a missing type', async () => {
      for (const v of VERSIONS) {
        const base = `VERSION=${v}&REQUEST=GetFeature`;
        for (const role of ['public', 'default', 'editor'] as const) {
          refused(await sameAsMissing(role, (n) => `${base}&${TN(v)}=${n}`), `${v} GetFeature secret`);
          await sameAsMissing(role, (n) => `${base}&${TN(v)}=cities,${n}`);
          await sameAsMissing(role, (n) => `${base}&${TN(v)}=${n},countries&OUTPUTFORMAT=application/json`);
          await sameAsMissing(role, (n) => `${base}&${TN(v)}=qgs:${n}&RESULTTYPE=hits`);
          await sameAsMissing(role, (n) => `${base}&${TN(v)}=${n}&PROPERTYNAME=name&${v === '1.0.0' ? 'MAXFEATURES' : 'COUNT'}=1`);
          await sameAsMissing(role, (n) => `${base}&${TN(v)}=${n}&FILTER=${q(filterXml(v, cmp(v, 'GreaterThan', 'clearance', 0)))}`);
          await sameAsMissing(role, (n) => `${base}&${TN(v)}=${n}&EXP_FILTER=${q('"clearance" > 0')}`);
          await sameAsMissingPost(role, (n) => getFeatureXml(v, `qgs:${n}`));
          await sameAsMissingPost(role, (n) => getFeatureXml(v, 'cities').replace('</wfs:GetFeature>', `<wfs:Query ${v === '2.0.0' ? 'typeNames' : 'typeName'}="${n}"/></wfs:GetFeature>`));
          await sameAsMissingPost(role, (n) => getFeatureXml(v, n, filterXml(v, cmp(v, 'GreaterThan', 'clearance', 0)), 'outputFormat="application/json"'));
        }
      }
      const admin = await ask('admin', 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=secret&OUTPUTFORMAT=application/json');
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.match(admin.body, /Site Alpha/);
    });

    test('feature ids of the secret type answer as ids of a missing type (FEATUREID, RESOURCEID, POST, GetFeatureById)', async () => {
      for (const v of VERSIONS) {
        for (const role of ['public', 'default'] as const) {
          await sameAsMissing(role, (n) => `VERSION=${v}&REQUEST=GetFeature&${ID(v)}=${n}.1`);
          await sameAsMissing(role, (n) => `VERSION=${v}&REQUEST=GetFeature&${ID(v)}=cities.1,${n}.1`);
          await sameAsMissing(role, (n) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=${n}&${ID(v)}=${n}.1`);
          await sameAsMissingPost(role, (n) => getFeatureXml(v, n, idFilter(v, `${n}.1`)));
        }
      }
      await sameAsMissing('public', (n) => `VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=${n}.1`);
    });

    test('ids of hidden features (Brazil, Lyon) answer as ids that do not exist, alone or beside a visible one', async () => {
      const pairs: Array<[string, string]> = [['countries.BRA', 'countries.BRZ'], ['cities.2', 'cities.0'], ['cities.13', 'cities.99']];
      for (const v of VERSIONS) {
        for (const fmt of ['', '&OUTPUTFORMAT=application/json']) {
          for (const [hidden, missing] of pairs) {
            const type = hidden.split('.')[0]!;
            const alone = await sameAsMissing('public', (n) => `VERSION=${v}&REQUEST=GetFeature&${ID(v)}=${n}${fmt}`, hidden, missing);
            assert.equal(alone.status, 200, alone.body.slice(0, 300));
            const visible = type === 'countries' ? 'countries.FRA' : 'cities.1';
            const mixed = await sameAsMissing('default', (n) => `VERSION=${v}&REQUEST=GetFeature&${ID(v)}=${visible},${n}${fmt}`, hidden, missing);
            assert.match(mixed.body, type === 'countries' ? /France/ : /Paris/);
            await sameAsMissing('public', (n) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=${type}&${ID(v)}=${n}${fmt}`, hidden, missing);
            await sameAsMissingPost('public', (n) => getFeatureXml(v, type, idFilter(v, n), fmt ? 'outputFormat="application/json"' : ''), hidden, missing);
          }
        }
      }
      for (const [hidden, missing] of pairs) {
        await sameAsMissing('public', (n) => `VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=${n}`, hidden, missing);
        await sameAsMissing('public', (n) => `VERSION=2.0.0&REQUEST=GetFeature&RESOURCEID=${n}&RESULTTYPE=hits`, hidden, missing);
      }
      const admin = await ask('admin', 'VERSION=2.0.0&REQUEST=GetFeature&RESOURCEID=countries.BRA,cities.2&OUTPUTFORMAT=application/json');
      assert.match(admin.body, /Brazil/);
      assert.match(admin.body, /Lyon/);
    });

    test('PROPERTYNAME / SORTBY / FILTER / EXP_FILTER naming the hidden field answer as a missing field (KVP and POST)', async () => {
      for (const v of VERSIONS) {
        const base = `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=countries`;
        const kvp: Array<(f: string) => string> = [
          (f) => `${base}&PROPERTYNAME=${f}`,
          (f) => `${base}&PROPERTYNAME=name,${f}`,
          (f) => `${base}&PROPERTYNAME=qgs:${f}`,
          (f) => `${base}&SORTBY=${f}`,
          (f) => `${base}&SORTBY=name ASC,${f} DESC`,
          (f) => `${base}&FILTER=${q(filterXml(v, cmp(v, 'GreaterThan', f, 1)))}`,
          (f) => `${base}&FILTER=${q(filterXml(v, or(v, cmp(v, 'EqualTo', 'name', 'x'), `<${fe(v).p}:PropertyIsNull><${fe(v).prop}>${f}</${fe(v).prop}></${fe(v).p}:PropertyIsNull>`)))}`,
          (f) => `${base}&FILTER=${q(filterXml(v, `<${fe(v).p}:Not>${cmp(v, 'LessThan', `qgs:${f}`, 0)}</${fe(v).p}:Not>`))}`,
          (f) => `${base}&EXP_FILTER=${q(`"${f}" > 1`)}`,
          (f) => `${base}&EXP_FILTER=${q(`"name" = 'x' OR "${f}" IS NULL`)}`,
          (f) => `${base}&RESULTTYPE=hits&FILTER=${q(filterXml(v, cmp(v, 'GreaterThan', f, 1)))}`,
          (f) => `${base}&OUTPUTFORMAT=application/json&PROPERTYNAME=${f}`,
        ];
        for (const query of kvp) {
          for (const role of ['public', 'default'] as const) refused(await sameAsMissing(role, query, 'gdp_md'), `${v} ${query('gdp_md')}`);
        }
        const xml: Array<(f: string) => string> = [
          (f) => getFeatureXml(v, 'countries', propertyNameXml(v, f)),
          (f) => getFeatureXml(v, 'countries', filterXml(v, cmp(v, 'GreaterThan', f, 1))),
          (f) => getFeatureXml(v, 'countries', filterXml(v, cmp(v, 'GreaterThan', f, 1)), 'resultType="hits"'),
        ];
        if (v !== '1.0.0') xml.push((f) => getFeatureXml(v, 'countries', sortByXml(v, f)));
        for (const body of xml) refused(await sameAsMissingPost('public', body, 'gdp_md'), `${v} POST ${body('gdp_md')}`);
      }
      const admin = await ask('admin', `VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=countries&SORTBY=gdp_md DESC&COUNT=1&FILTER=${q(filterXml('2.0.0', cmp('2.0.0', 'GreaterThan', 'gdp_md', 1)))}`);
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.match(admin.body, /Japan/, 'admin sorts by gdp_md: Japan first');
    });

    test('whole types in every output format and version carry nothing hidden; admin gets it all', async () => {
      const formats: Record<Version, string[]> = {
        '1.0.0': ['', 'GML2', 'GML3', 'application/json'],
        '1.1.0': ['', 'text/xml; subtype=gml/2.1.2', 'text/xml; subtype=gml/3.1.1', 'application/json', 'application/geo+json'],
        '2.0.0': ['', 'application/gml+xml; version=3.2', 'text/xml; subtype=gml/3.1.1', 'text/xml; subtype=gml/2.1.2', 'application/json'],
      };
      for (const v of VERSIONS) {
        for (const fmt of formats[v]) {
          const query = `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=countries,cities${fmt ? `&OUTPUTFORMAT=${q(fmt)}` : ''}`;
          for (const role of ['public', 'default', 'editor'] as const) {
            const r = await ask(role, query);
            assert.equal(r.status, 200, `${query}: ${r.body.slice(0, 300)}`);
            for (const seen of [/France/, /Paris/, /São Paulo/, /pop_est/]) assert.match(r.body, seen, `${role} ${query}`);
            nothingHidden(r.body, `${role} ${query}`);
          }
          const admin = await ask('admin', query);
          for (const seen of [/Brazil/, /Lyon/, /Mombasa/, /2715518/]) assert.match(admin.body, seen, `admin ${query}`);
        }
      }
      const reprojected = await ask('public', 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=countries,cities&SRSNAME=EPSG:3857');
      assert.equal(reprojected.status, 200, reprojected.body.slice(0, 300));
      nothingHidden(reprojected.body, 'SRSNAME=EPSG:3857');
      const posted = await post('public', getFeatureXml('1.1.0', 'qgs:countries'));
      assert.equal(posted.status, 200, posted.body.slice(0, 300));
      nothingHidden(posted.body, 'POST 1.1.0 countries');
    });

    test('hits and numberMatched count only what the role may read', async () => {
      const hits = async (role: Role, v: Version, type: string, extra = '') => {
        const r = await ask(role, `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=${type}&RESULTTYPE=hits${extra}`);
        assert.equal(r.status, 200, r.body.slice(0, 300));
        return Number(/(?:numberMatched|numberOfFeatures)="(\d+)"/.exec(r.body)?.[1]);
      };
      for (const v of ['1.1.0', '2.0.0'] as const) {
        for (const role of ['public', 'default', 'editor'] as const) {
          assert.equal(await hits(role, v, 'countries'), 6, `${role} ${v} countries`);
          assert.equal(await hits(role, v, 'cities'), 12, `${role} ${v} cities`);
          assert.equal(await hits(role, v, 'cities', `&FILTER=${q(filterXml(v, cmp(v, 'LessThan', 'population', 1_000_000)))}`), 0);
          assert.equal(await hits(role, v, 'countries', `&EXP_FILTER=${q('"name" = \'Brazil\' OR 1 = 1')}`), 6);
        }
        assert.equal(await hits('admin', v, 'countries'), 7);
        assert.equal(await hits('admin', v, 'cities'), 15);
        // Counting Brazil answers like counting a name no country has.
        await sameAsMissing('public', (n) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=countries&RESULTTYPE=hits&FILTER=${q(filterXml(v, cmp(v, 'EqualTo', 'name', n)))}`, 'Brazil', 'Brazyl');
      }
      const page = await ask('public', 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=countries&COUNT=2&STARTINDEX=4&OUTPUTFORMAT=application/json');
      const fc = JSON.parse(page.body) as { numberMatched: number; features: unknown[]; links?: Array<{ rel: string }> };
      assert.equal(fc.numberMatched, 6);
      assert.equal(fc.features.length, 2);
      assert.ok(!fc.links?.some((l) => l.rel === 'next'), 'no next page past the readable features');
    });

    test('FILTER / EXP_FILTER / BBOX cannot reach hidden features: the answer is the one for an empty place', async () => {
      // Inner Brazil against the South Atlantic; Lyon against an empty corner of the Balkans (same box size).
      const boxes: Array<[string, string, string]> = [['countries', '-60,-20,-45,-5', '-35,-40,-20,-25'], ['cities', '4.5,45.5,5.2,46', '20.5,45.5,21.2,46']];
      for (const v of VERSIONS) {
        for (const [type, hidden, empty] of boxes) {
          for (const fmt of ['', '&OUTPUTFORMAT=application/json']) {
            const bbox = v === '1.0.0' ? hidden : `${hidden},EPSG:4326`;
            const r = await sameAsMissing('public', (b) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=${type}&BBOX=${b}${fmt}`, bbox, v === '1.0.0' ? empty : `${empty},EPSG:4326`);
            assert.equal(r.status, 200, r.body.slice(0, 300));
            assert.equal(featureCount(r.body), 0, `${v} ${type} BBOX=${bbox}${fmt}: ${r.body.slice(0, 300)}`);
          }
          const envelope = (b: string) => {
            const [x0, y0, x1, y1] = b.split(',');
            return filterXml(v, `<${fe(v).p}:BBOX><${fe(v).prop}>geometry</${fe(v).prop}><gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>${x0} ${y0}</gml:lowerCorner><gml:upperCorner>${x1} ${y1}</gml:upperCorner></gml:Envelope></${fe(v).p}:BBOX>`);
          };
          if (v !== '1.0.0') await sameAsMissingPost('public', (b) => getFeatureXml(v, type, envelope(b)), hidden, empty);
        }
        const f = (name: string) => q(filterXml(v, or(v, cmp(v, 'EqualTo', 'name', 'x'), cmp(v, 'EqualTo', 'name', name))));
        await sameAsMissing('public', (n) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=countries&FILTER=${f(n)}`, 'Brazil', 'Brazyl');
        await sameAsMissing('public', (n) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=cities&EXP_FILTER=${q(`"name" = '${n}' OR "population" < 0`)}`, 'Lyon', 'Lyom');
        for (const exp of ['"population" < 1000000', '"population" < 0 OR "population" < 1000000', '"role" = \'x\' OR 1 = 1']) {
          const r = await ask('public', `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=cities&EXP_FILTER=${q(exp)}`);
          assert.equal(r.status, 200, r.body.slice(0, 300));
          nothingHidden(r.body, `EXP_FILTER ${exp}`);
        }
      }
      const admin = await ask('admin', 'VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=countries&BBOX=-60,-20,-45,-5,EPSG:4326');
      assert.match(admin.body, /Brazil/);
      assert.equal(featureCount(admin.body), 1);
    });

    test('an unknown role reads no type: each answers as a missing type', async () => {
      for (const v of VERSIONS) {
        refused(await sameAsMissing('intruder', (n) => `VERSION=${v}&REQUEST=GetFeature&${TN(v)}=${n}`, 'countries'), 'intruder countries');
        await sameAsMissing('intruder', (n) => `VERSION=${v}&REQUEST=GetFeature&${ID(v)}=${n}.1`, 'cities');
        await sameAsMissingPost('intruder', (n) => getFeatureXml(v, n), 'cities');
      }
    });

    test('ListStoredQueries / DescribeStoredQueries list no hidden type', async () => {
      for (const request of ['ListStoredQueries', 'DescribeStoredQueries']) {
        const r = await ask('public', `VERSION=2.0.0&REQUEST=${request}`);
        assert.equal(r.status, 200, r.body.slice(0, 300));
        nothingHidden(r.body, request);
        assert.match((await ask('admin', `VERSION=2.0.0&REQUEST=${request}`)).body, /qgs:secret/);
      }
    });
  });

  describe('Transaction', () => {
    /** Runs `fn` against a fresh editable copy served with the plugin; removes it after. */
    async function withEditable(fn: (s: EditServer) => Promise<void>, editable?: Editable): Promise<void> {
      const s = await editablePluginServer(editable);
      try {
        await fn(s);
      } finally {
        await s.project.remove();
      }
    }

    /** Every stored feature of the three layers, read from the GeoPackages. */
    const snapshot = (s: EditServer) => (['countries', 'cities', 'secret'] as const).map((l) => [...stored(s, l).values()]);

    /** POSTs a transaction as a role and asserts it was refused with `code` and changed nothing. */
    async function assertRefused(s: EditServer, role: Role, xml: string, code: string, status: number): Promise<Answer> {
      const before = snapshot(s);
      const r = await post(role, xml, s);
      assert.equal(r.status, status, `${role}: ${r.body.slice(0, 400)}`);
      assert.equal(exceptionOf(r.body).code, code, r.body.slice(0, 400));
      assert.deepEqual(snapshot(s), before, `${role}: a refused transaction changed the data`);
      return r;
    }

    /** A transaction that must succeed; returns the totals (inserted, updated, deleted). */
    async function assertDone(s: EditServer, role: Role, xml: string): Promise<number[]> {
      const r = await post(role, xml, s);
      assert.equal(r.status, 200, `${role}: ${r.body.slice(0, 400)}`);
      return totals(r.body);
    }

    test('capabilities advertise Transaction to admin and editor only', () => withEditable(async (s) => {
      for (const v of VERSIONS) {
        for (const role of ['public', 'default', 'intruder'] as const) {
          const r = await ask(role, `VERSION=${v}&REQUEST=GetCapabilities`, s);
          assert.doesNotMatch(r.body, TRANSACTION_OFFERED, `${role} ${v}`);
          assert.doesNotMatch(r.body, /<(wfs:)?(Insert|Update|Delete)\/>|<wfs:Operation>(Insert|Update|Delete)</, `${role} ${v}: no edit operation on any type`);
          if (role !== 'intruder') nothingHidden(r.body, `${role} ${v} (editable project)`);
        }
        for (const role of ['admin', 'editor'] as const) assert.match((await ask(role, `VERSION=${v}&REQUEST=GetCapabilities`, s)).body, TRANSACTION_OFFERED, `${role} ${v}`);
      }
    }));

    test('public (read-only) may not insert, update or delete: Security 403, nothing written, every version', () => withEditable(async (s) => {
      for (const v of VERSIONS) {
        for (const role of ['public', 'default'] as const) {
          await assertRefused(s, role, transactionXml(v, `<wfs:Insert>${city('Bonn', 'DEU')}</wfs:Insert>`), 'Security', 403);
          await assertRefused(s, role, transactionXml(v, update(v, 'cities', setProperty(v, 'role', 'x'), innerIds(v, 'cities.4'))), 'Security', 403);
          await assertRefused(s, role, transactionXml(v, del('cities', innerIds(v, 'cities.4'))), 'Security', 403);
          await assertRefused(s, role, transactionXml(v, del('countries', innerFilter(v, cmp(v, 'EqualTo', 'name', 'France')))), 'Security', 403);
        }
      }
      const kvp = await ask('public', 'VERSION=1.1.0&REQUEST=Transaction&OPERATION=Delete&FEATUREID=cities.4', s);
      assert.equal(kvp.status, 403, kvp.body);
      assert.equal(stored(s, 'cities').size, 15);
    }));

    test('a hidden type in Insert / Update / Delete (POST and KVP) answers as a type that does not exist', () => withEditable(async (s) => {
      const before = snapshot(s);
      for (const v of VERSIONS) {
        const actions: Array<(n: string) => string> = [
          (n) => `<wfs:Insert><qgs:${n}><qgs:name>x</qgs:name></qgs:${n}></wfs:Insert>`,
          (n) => update(v, n, setProperty(v, 'name', 'x'), innerIds(v, `${n}.1`)),
          (n) => update(v, `qgs:${n}`, setProperty(v, 'name', 'x'), innerFilter(v, cmp(v, 'GreaterThan', 'clearance', 0))),
          (n) => del(n, innerIds(v, `${n}.1`)),
          (n) => `<wfs:Insert>${city('Bonn', 'DEU')}</wfs:Insert>${del(n, innerFilter(v, cmp(v, 'GreaterThan', 'clearance', 0)))}`,
        ];
        for (const action of actions) {
          for (const role of ['public', 'editor'] as const) refused(await sameAsMissingPost(role, (n) => transactionXml(v, action(n)), 'secret', 'secrez', s), `${role} ${v} ${action('secret')}`);
          // An unknown role reads nothing: the cities type does not exist for it either.
          await sameAsMissingPost('intruder', (n) => transactionXml(v, action(n)), 'secret', 'secrez', s);
        }
      }
      for (const role of ['public', 'editor'] as const) {
        await sameAsMissing(role, (n) => `VERSION=1.1.0&REQUEST=Transaction&OPERATION=Delete&FEATUREID=${n}.1`, 'secret', 'secrez', s);
        await sameAsMissing(role, (n) => `VERSION=1.1.0&REQUEST=Transaction&OPERATION=Delete&TYPENAME=${n}&EXP_FILTER=${q('"clearance" > 0')}`, 'secret', 'secrez', s);
      }
      await sameAsMissingPost('intruder', (n) => transactionXml('2.0.0', del(n, innerIds('2.0.0', `${n}.4`))), 'cities', 'citiez', s);
      assert.deepEqual(snapshot(s), before);
      // Admin may edit the secret type.
      assert.deepEqual(await assertDone(s, 'admin', transactionXml('1.1.0', del('secret', innerIds('1.1.0', 'secret.1')))), [0, 0, 1]);
    }));

    test('the hidden field in Insert, Update or a filter answers as a missing field; nothing written', () => withEditable(async (s) => {
      const before = snapshot(s);
      for (const v of VERSIONS) {
        const actions: Array<(f: string) => string> = [
          (f) => `<wfs:Insert><qgs:countries><qgs:name>Atlantis</qgs:name><qgs:${f}>1</qgs:${f}><qgs:iso_a3>ATL</qgs:iso_a3></qgs:countries></wfs:Insert>`,
          (f) => update(v, 'countries', setProperty(v, f, '1'), innerIds(v, 'countries.DEU')),
          (f) => update(v, 'countries', setProperty(v, 'pop_est', '1'), innerFilter(v, cmp(v, 'GreaterThan', f, 0))),
          (f) => del('countries', innerFilter(v, cmp(v, 'GreaterThan', f, 0))),
        ];
        for (const action of actions) {
          for (const role of ['public', 'editor'] as const) {
            refused(await sameAsMissingPost(role, (f) => transactionXml(v, action(f)), 'gdp_md', 'gdp_mz', s), `${role} ${v} ${action('gdp_md')}`);
          }
        }
      }
      assert.deepEqual(snapshot(s), before);
      // Admin may write it.
      assert.deepEqual(await assertDone(s, 'admin', transactionXml('1.1.0', update('1.1.0', 'countries', setProperty('1.1.0', 'gdp_md', '7'), innerIds('1.1.0', 'countries.DEU')))), [0, 1, 0]);
      assert.equal([...stored(s, 'countries').values()].find((f) => f.attributes['iso_a3'] === 'DEU')!.attributes['gdp_md'], 7);
    }));

    test('editor: allowToEdit false for a feature refuses the whole transaction (insert, update before and after, delete)', () => withEditable(async (s) => {
      for (const v of VERSIONS) {
        await assertRefused(s, 'editor', transactionXml(v, `<wfs:Insert>${city('Bonn', 'DEU')}${city('Nice', 'FRA')}</wfs:Insert>`), 'Security', 403);
        // role = city reaches Hamburg (DEU) and Barcelona, Milan, São Paulo, Osaka (not DEU).
        await assertRefused(s, 'editor', transactionXml(v, update(v, 'cities', setProperty(v, 'population', '5000000'), innerFilter(v, cmp(v, 'EqualTo', 'role', 'city')))), 'Security', 403);
        await assertRefused(s, 'editor', transactionXml(v, update(v, 'cities', setProperty(v, 'country', 'FRA'), innerIds(v, 'cities.4'))), 'Security', 403);
        await assertRefused(s, 'editor', transactionXml(v, del('cities', innerIds(v, 'cities.5', 'cities.6'))), 'Security', 403);
        await assertRefused(s, 'editor', transactionXml(v, `${update(v, 'cities', setProperty(v, 'role', 'x'), innerIds(v, 'cities.4'))}${del('countries', innerIds(v, 'countries.FRA'))}`), 'Security', 403);
      }
      // What the editor may do, it does.
      assert.deepEqual(await assertDone(s, 'editor', transactionXml('2.0.0', `<wfs:Insert>${city('Bonn', 'DEU')}</wfs:Insert>${update('2.0.0', 'cities', setProperty('2.0.0', 'role', 'hansestadt'), innerIds('2.0.0', 'cities.5'))}`)), [1, 1, 0]);
      assert.equal(stored(s, 'cities').get(5)!.attributes['role'], 'hansestadt');
    }));

    test('editor: a broad Update / Delete never touches hidden features; aiming at them answers as at nothing', () => withEditable(async (s) => {
      for (const v of VERSIONS) {
        // Lyon, Marseille, Mombasa (under a million) are the only matches: nothing to do, as for a filter matching nothing.
        const population = (op: string, n: number) => transactionXml(v, del('cities', innerFilter(v, cmp(v, op, 'population', n))));
        const hidden = await post('editor', population('LessThan', 1_000_000), s);
        assertSame(hidden, await post('editor', population('GreaterThan', 99_000_000), s), '', '', `${v} delete of the hidden cities`);
        await sameAsMissingPost('editor', (id) => transactionXml(v, del('cities', innerIds(v, id))), 'cities.2', 'cities.0', s);
        await sameAsMissingPost('editor', (id) => transactionXml(v, update(v, 'countries', setProperty(v, 'name', 'x'), innerIds(v, id))), 'countries.BRA', 'countries.BRZ', s);
        await sameAsMissingPost('editor', (n) => transactionXml(v, update(v, 'countries', setProperty(v, 'pop_est', '1'), innerFilter(v, cmp(v, 'EqualTo', 'name', n)))), 'Brazil', 'Brazyl', s);
      }
      assert.equal(stored(s, 'cities').size, 15);
      // DEU or under a million: only Berlin and Hamburg are reachable, and editable.
      const v = '1.1.0';
      const broad = innerFilter(v, or(v, cmp(v, 'EqualTo', 'country', 'DEU'), cmp(v, 'LessThan', 'population', 1_000_000)));
      assert.deepEqual(await assertDone(s, 'editor', transactionXml(v, update(v, 'cities', setProperty(v, 'role', 'touched'), broad))), [0, 2, 0]);
      const touched = [...stored(s, 'cities').values()].filter((f) => f.attributes['role'] === 'touched').map((f) => f.attributes['name']).sort();
      assert.deepEqual(touched, ['Berlin', 'Hamburg']);
      assert.deepEqual(await assertDone(s, 'editor', transactionXml(v, del('cities', broad))), [0, 0, 2]);
      assert.deepEqual([...stored(s, 'cities').values()].filter((f) => Number(f.attributes['population']) < 1_000_000).map((f) => f.attributes['name']).sort(), ['Lyon', 'Marseille', 'Mombasa']);
      // Brazil is still there, untouched (subset string).
      assert.equal([...stored(s, 'countries').values()].find((f) => f.attributes['iso_a3'] === 'BRA')!.attributes['name'], 'Brazil');
    }));

    test('admin edits everything, hidden features and fields included', () => withEditable(async (s) => {
      const v = '2.0.0';
      assert.deepEqual(await assertDone(s, 'admin', transactionXml(v, del('cities', innerFilter(v, cmp(v, 'LessThan', 'population', 1_000_000))))), [0, 0, 3]);
      assert.deepEqual(await assertDone(s, 'admin', transactionXml(v, update(v, 'countries', setProperty(v, 'gdp_md', '1'), innerIds(v, 'countries.BRA')))), [0, 1, 0]);
      assert.deepEqual(await assertDone(s, 'admin', transactionXml(v, `<wfs:Insert>${city('Nice', 'FRA')}</wfs:Insert>`)), [1, 0, 0]);
      assert.equal(stored(s, 'cities').size, 13);
    }));

    describe('layerPermissions: each of canInsert / canUpdate / canDelete alone', () => {
      const deny = (op: 'canInsert' | 'canUpdate' | 'canDelete'): AccessControlFilterLike => ({
        layerPermissions: () => ({ canRead: true, canInsert: op !== 'canInsert', canUpdate: op !== 'canUpdate', canDelete: op !== 'canDelete' }),
        cacheKey: () => `deny-${op}`,
      });
      const actions = {
        canInsert: (_v: Version) => `<wfs:Insert>${city('Bonn', 'DEU')}</wfs:Insert>`,
        canUpdate: (v: Version) => update(v, 'cities', setProperty(v, 'role', 'x'), innerIds(v, 'cities.4')),
        canDelete: (v: Version) => del('cities', innerIds(v, 'cities.5')),
      };
      for (const denied of ['canInsert', 'canUpdate', 'canDelete'] as const) {
        test(`${denied} false: that operation is refused (alone or with the others), the other two are done`, async () => {
          const s = await editServer([deny(denied)], { cities: true });
          try {
            for (const v of VERSIONS) {
              const r = await assertRefused(s, 'admin', transactionXml(v, actions[denied](v)), 'Security', 403);
              assert.match(r.body, /Exception/);
              await assertRefused(s, 'admin', transactionXml(v, Object.values(actions).map((a) => a(v)).join('')), 'Security', 403);
            }
            const allowed = (['canInsert', 'canUpdate', 'canDelete'] as const).filter((o) => o !== denied);
            const done = await assertDone(s, 'admin', transactionXml('1.1.0', allowed.map((o) => actions[o]('1.1.0')).join('')));
            assert.deepEqual(done, ['canInsert', 'canUpdate', 'canDelete'].map((o) => (o === denied ? 0 : 1)));
            // The capabilities still offer Transaction while some edit is allowed.
            assert.match((await ask('admin', 'VERSION=2.0.0&REQUEST=GetCapabilities', s)).body, TRANSACTION_OFFERED);
          } finally {
            await s.project.remove();
          }
        });
      }
    });
  });
});
