/**
 * The access-control matrix: the SHIPPED example plugin (conf/plugins/examples/access-control), loaded by the
 * plugin loader, with rules for the test project. Role `public` (also the default, no header) must never see
 * the layer `secret`, the field `gdp_md` of countries, Brazil (subset string) or the cities under 1 million
 * (filter expression); `admin` sees all. Every WMS request is tried; errors about hidden things must be
 * the very answers given for things that do not exist (no oracle).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXAMPLES, call, testServer } from '../../support/server.js';
import type { Server } from '../../../src/server/server.js';
import type { ServerCacheFilterLike } from '../../../src/filters/cache.js';
import { PROJECT, png, pixel } from './support.js';

const RULES = {
  roleHeader: 'X-Ows-Role',
  defaultRole: 'public',
  roles: {
    public: {
      hiddenLayers: ['secret'],
      readOnly: true,
      filterExpressions: { cities: '"population" >= 1000000' },
      subsetStrings: { countries: "name <> 'Brazil'" },
      hiddenAttributes: { countries: ['gdp_md'] },
    },
    admin: {},
  },
};

type Role = 'public' | 'admin' | 'default' | 'intruder';

/** What `public` must never get back, in any answer. */
const HIDDEN: Array<[string, RegExp]> = [
  ['the secret layer name', /<Name>secret<\/Name>|name="secret"|LAYER=secret|"secret"|\bsecret\.\d|secret:|typeName="secret"|>secret</],
  ['the secret layer title', /Secret sites/],
  ['secret features', /Site (Alpha|Bravo|Charlie)|not for the public|very secret|only a little secret/],
  ['the secret field', /clearance/],
  ['the hidden field', /gdp_md|GDP \(million USD\)/],
  ['hidden field values', /(?<![\d.])(2715518|3861123|1393490|2003576|1839758|95503|5081769)(?![\d.])/],
  ['Brazil', /Brazil|(?<![\d.])211049527(?![\d.])/],
  ['small cities', /Lyon|Marseille|Mombasa|(?<![\d.])(516092|870731|799668)(?![\d.])/],
];

/** Asserts that nothing of HIDDEN is in a text answer. */
function nothingHidden(body: string, what: string): void {
  for (const [name, re] of HIDDEN) assert.doesNotMatch(body, re, `${what}: ${name} leaked`);
}

const SOUTH_AMERICA = [0x80, 0xb1, 0xd3];
const EUROPE = [0x8d, 0xd3, 0xc7];
const WHITE = [255, 255, 255];
const rgb = (p: number[]) => p.slice(0, 3);

/** Pixels of exactly this colour. */
function count(body: Buffer, colour: number[]): number {
  const img = png(body);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) if (img.data[i] === colour[0] && img.data[i + 1] === colour[1] && img.data[i + 2] === colour[2]) n++;
  return n;
}

/** Pixels that are not white. */
function inked(body: Buffer): number {
  const img = png(body);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) if (img.data[i]! < 250 || img.data[i + 1]! < 250 || img.data[i + 2]! < 250) n++;
  return n;
}

// Map views. Brazil at 0.1° a pixel (lon -75..-35, lat -34..6): inner Brazil (-60, -8) is pixel (150, 140).
const BRAZIL_111 = 'SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&SRS=EPSG:4326&BBOX=-75,-34,-35,6&WIDTH=400&HEIGHT=400&FORMAT=image/png';
const BRAZIL_130 = 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&CRS=EPSG:4326&BBOX=-34,-75,6,-35&WIDTH=400&HEIGHT=400&FORMAT=image/png';
// Around Lyon (4.85, 45.75) at 0.01° a pixel (lon 3.5..6.5, lat 44.5..47): no city of a million in view.
const LYON_111 = 'SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&SRS=EPSG:4326&BBOX=3.5,44.5,6.5,47&WIDTH=300&HEIGHT=250&FORMAT=image/png';
// Western Europe at 0.1° a pixel (lon -10..30, lat 35..60): France, Paris (123, 111), Lyon (148, 142), Site Alpha (-1.5, 47.2) at (85, 128).
const EUROPE_130 = 'SERVICE=WMS&VERSION=1.3.0&CRS=EPSG:4326&BBOX=35,-10,60,30&WIDTH=400&HEIGHT=250';
const WORLD_111 = 'SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&SRS=EPSG:4326&BBOX=-180,-90,180,90&WIDTH=360&HEIGHT=180&FORMAT=image/png';

const INFO_FORMATS = [
  'text/plain', 'text/html', 'text/xml', 'application/json', 'application/geo+json',
  'application/vnd.ogc.gml', 'application/vnd.ogc.gml/3.1.1', 'text/xml; subtype=gml/3.1.1',
];

const q = (s: string) => encodeURIComponent(s);

describe('access-control matrix with the example plugin', { timeout: 30_000 }, () => {
  let server: Server;
  let dir: string;

  /** A server with the example plugin loaded from a plugin dir that holds only it, reading our rules. */
  async function pluginServer(): Promise<ReturnType<typeof testServer>> {
    const saved = process.env['OWS_ACCESS_RULES'];
    process.env['OWS_ACCESS_RULES'] = path.join(dir, 'rules.json');
    try {
      const s = testServer({ projectFile: PROJECT, projectsDir: path.dirname(PROJECT), pluginPaths: [path.join(dir, 'plugins')] }, { coreServices: true });
      const loaded = await s.server.ready();
      assert.deepEqual(loaded.map((p) => p.name), ['AccessControl'], JSON.stringify(s.records.filter((r) => r['level'] as number >= 40)));
      const rules = (loaded[0]!.instance as { rules: typeof RULES }).rules;
      assert.equal(rules.roles.public.subsetStrings.countries, "name <> 'Brazil'", 'the plugin read the test rules');
      return s;
    } finally {
      if (saved === undefined) delete process.env['OWS_ACCESS_RULES'];
      else process.env['OWS_ACCESS_RULES'] = saved;
    }
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ows-access-matrix-'));
    await writeFile(path.join(dir, 'rules.json'), JSON.stringify(RULES, null, 2));
    await mkdir(path.join(dir, 'plugins'));
    await symlink(path.join(EXAMPLES, 'access-control'), path.join(dir, 'plugins', 'access-control'));
    ({ server } = await pluginServer());
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** One request as a role ('default' sends no role header). */
  async function ask(role: Role, query: string) {
    const r = await call(server, `/?${query}`, 'GET', role === 'default' ? {} : { 'X-Ows-Role': role });
    return { ...r, bytes: r.response.body() };
  }

  /**
   * The answer about a hidden name is the answer about a name that does not exist (of the same length):
   * same status, headers and body once the names are swapped (the swap covers messages that quote the name).
   */
  async function sameAsMissing(role: Role, query: (name: string) => string, hidden = 'secret', missing = 'z'.repeat(hidden.length)): Promise<void> {
    const a = await ask(role, query(hidden));
    const b = await ask(role, query(missing));
    assert.notEqual(a.status, 200, `${query(hidden)} must be refused for ${role}: ${a.body.slice(0, 300)}`);
    assert.equal(a.status, b.status, `${query(hidden)}: status`);
    assert.deepEqual(a.headers, b.headers, `${query(hidden)}: headers`);
    assert.equal(a.body.split(hidden).join('X'), b.body.split(missing).join('X'), `${query(hidden)}: body differs from a missing name's`);
    if (role === 'public' || role === 'default') nothingHidden(a.body.split(hidden).join('X'), `${query(hidden)}, besides the name asked`);
  }

  describe('GetCapabilities', () => {
    for (const [version, root] of [['1.3.0', 'WMS_Capabilities'], ['1.1.1', 'WMT_MS_Capabilities']]) {
      test(`${version}: public (and no role) see no secret; admin does`, async () => {
        for (const role of ['public', 'default'] as const) {
          const r = await ask(role, `SERVICE=WMS&VERSION=${version}&REQUEST=GetCapabilities`);
          assert.equal(r.status, 200);
          assert.match(r.body, new RegExp(`<${root}`));
          assert.match(r.body, /<Name>countries<\/Name>/);
          assert.match(r.body, /<Name>cities<\/Name>/);
          nothingHidden(r.body, `${role} capabilities ${version}`);
        }
        const admin = await ask('admin', `SERVICE=WMS&VERSION=${version}&REQUEST=GetCapabilities`);
        assert.match(admin.body, /<Name>secret<\/Name>/);
        assert.match(admin.body, /Secret sites/);
      });
    }

    test('the extent of a filtered layer does not give away the features filtered out', async () => {
      const box = async (role: Role) => {
        const r = await ask(role, 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities');
        const layer = /<Name>countries<\/Name>[\s\S]*?<EX_GeographicBoundingBox>([\s\S]*?)<\/EX_GeographicBoundingBox>/.exec(r.body)![1]!;
        const v = (tag: string) => Number(new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(layer)![1]);
        return { west: v('westBoundLongitude'), south: v('southBoundLatitude') };
      };
      const admin = await box('admin');
      assert.ok(admin.west < -73 && admin.south < -33, 'admin: Brazil reaches -73.99 W, -33.77 S');
      // Without Brazil the westmost land is French Guiana (-54.5) and the southmost Kenya (-4.7).
      const pub = await box('public');
      assert.ok(pub.west > -60 && pub.south > -10, `public's countries extent: west ${pub.west}, south ${pub.south}`);
    });

    test('an unknown role gets no layer at all', async () => {
      const r = await ask('intruder', 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities');
      assert.equal(r.status, 200);
      for (const name of ['relief', 'world', 'countries', 'cities', 'secret']) assert.doesNotMatch(r.body, new RegExp(`<Name>${name}</Name>`));
    });

    test('cached per role: admin asking first never hands its document to public', async () => {
      const { server: fresh, iface } = await pluginServer();
      const keys: string[] = [];
      const spy: ServerCacheFilterLike = { getCachedDocument: (_p, _r, key) => { keys.push(key); return null; } };
      iface.registerServerCache(spy, 0);
      const get = (headers: Record<string, string>, v = '1.3.0') => call(fresh, `/?SERVICE=WMS&VERSION=${v}&REQUEST=GetCapabilities`, 'GET', headers);
      for (const v of ['1.3.0', '1.1.1']) {
        const admin = await get({ 'X-Ows-Role': 'admin' }, v);
        assert.match(admin.body, /<Name>secret<\/Name>/);
        const again = await get({ 'X-Ows-Role': 'admin' }, v);
        assert.equal(again.body, admin.body);
        for (const h of [{ 'X-Ows-Role': 'public' }, {}, { 'x-ows-role': 'public' }] as Array<Record<string, string>>) {
          const pub = await get(h, v);
          assert.equal(pub.status, 200);
          nothingHidden(pub.body, `public after admin (${v}, ${JSON.stringify(h)})`);
        }
        const admin2 = await get({ 'X-Ows-Role': 'admin' }, v);
        assert.equal(admin2.body, admin.body, 'admin still gets its own document');
      }
      assert.ok(new Set(keys).size >= 2, `the cache is asked with one key per role: ${[...new Set(keys)].join(' | ')}`);
    });
  });

  describe('GetMap', () => {
    test('LAYERS=secret (alone, mixed, both versions, BLANK) answers as a layer that does not exist', async () => {
      for (const role of ['public', 'default'] as const) {
        await sameAsMissing(role, (n) => `${WORLD_111}&LAYERS=${n}`);
        await sameAsMissing(role, (n) => `${BRAZIL_130}&LAYERS=countries,${n}`);
        await sameAsMissing(role, (n) => `${BRAZIL_130}&LAYERS=${n},cities&STYLES=,`);
        await sameAsMissing(role, (n) => `${WORLD_111}&LAYERS=${n}&STYLES=default`);
        await sameAsMissing(role, (n) => `${WORLD_111}&LAYERS=${n}&FILTER=${q(`${n}:"clearance" > 0`)}`);
        await sameAsMissing(role, (n) => `${WORLD_111}&LAYERS=countries&FILTER=${q(`${n}:"clearance" > 0`)}`);
      }
      const blank = (n: string) => `${WORLD_111}&LAYERS=${n}&EXCEPTIONS=application/vnd.ogc.se_blank`;
      const a = await ask('public', blank('secret'));
      const b = await ask('public', blank('zzzzzz'));
      assert.equal(a.status, 200);
      assert.ok(a.bytes.equals(b.bytes), 'BLANK images are identical');
      const admin = await ask('admin', `${WORLD_111}&LAYERS=secret`);
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      // Site Alpha (-1.5, 47.2) is pixel (178, 42): a black square.
      assert.deepEqual(rgb(pixel(png(admin.bytes), 178, 42)), [0, 0, 0]);
    });

    test('Brazil (subset string) is not drawn for public, in both versions and through the group', async () => {
      for (const view of [BRAZIL_111, BRAZIL_130]) {
        for (const layers of ['countries', 'world', 'relief,world']) {
          const pub = await ask('public', `${view}&LAYERS=${layers}`);
          assert.equal(pub.status, 200, pub.body.slice(0, 300));
          assert.equal(count(pub.bytes, SOUTH_AMERICA), 0, `${layers}: no South America pixel for public`);
          const admin = await ask('admin', `${view}&LAYERS=${layers}`);
          assert.ok(count(admin.bytes, SOUTH_AMERICA) > 50_000, `${layers}: Brazil drawn for admin`);
        }
        const pub = png((await ask('default', `${view}&LAYERS=countries`)).bytes);
        assert.deepEqual(rgb(pixel(pub, 150, 140)), WHITE, 'inner Brazil is background');
        assert.ok(count((await ask('default', `${view}&LAYERS=countries`)).bytes, EUROPE) > 100, 'French Guiana is still drawn');
      }
    });

    test('cities under a million (filter expression) are not drawn, nor labelled, for public', async () => {
      for (const style of ['', 'population', 'capitals']) {
        const pubCities = await ask('public', `${LYON_111}&LAYERS=cities&STYLES=${style}`);
        assert.equal(pubCities.status, 200, pubCities.body.slice(0, 300));
        assert.equal(inked(pubCities.bytes), 0, `style '${style}': Lyon drawn for public`);
        const adminCities = await ask('admin', `${LYON_111}&LAYERS=cities&STYLES=${style}`);
        assert.ok(inked(adminCities.bytes) > 20, `style '${style}': Lyon drawn for admin`);
      }
      // The group: for public it is exactly the countries alone (no city in view).
      const world = await ask('public', `${LYON_111}&LAYERS=world`);
      const countries = await ask('public', `${LYON_111}&LAYERS=countries`);
      assert.ok(world.bytes.equals(countries.bytes), 'public: world = countries around Lyon');
      const adminWorld = await ask('admin', `${LYON_111}&LAYERS=world`);
      const adminCountries = await ask('admin', `${LYON_111}&LAYERS=countries`);
      assert.ok(!adminWorld.bytes.equals(adminCountries.bytes), 'admin: Lyon is on the group map');
    });

    test('vendor FILTER cannot reach hidden fields or filtered-out features', async () => {
      // A hidden field is refused exactly as a field that does not exist.
      await sameAsMissing('public', (f) => `${BRAZIL_111}&LAYERS=countries&FILTER=${q(`countries:"${f}" > 0`)}`, 'gdp_md');
      await sameAsMissing('public', (f) => `${BRAZIL_111}&LAYERS=countries,cities&FILTER=${q(`cities:"population" > 0;countries:"${f}" IS NOT NULL`)}`, 'gdp_md');
      const admin = await ask('admin', `${BRAZIL_111}&LAYERS=countries&FILTER=${q('countries:"gdp_md" > 0')}`);
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.ok(count(admin.bytes, SOUTH_AMERICA) > 50_000);
      // Asking for what is filtered out finds nothing.
      const brazil = await ask('public', `${BRAZIL_111}&LAYERS=countries&FILTER=${q(`countries:"name" = 'Brazil'`)}`);
      assert.equal(brazil.status, 200);
      assert.equal(inked(brazil.bytes), 0, 'FILTER name = Brazil draws nothing for public');
      // An OR in the vendor FILTER cannot escape the access-control filters it is ANDed with.
      for (const f of [`countries:"name" = 'x' OR "name" = 'Brazil'`, `countries:"name" = 'x' OR 1 = 1`, `countries:"name" IS NULL OR "continent" = 'South America'`]) {
        const r = await ask('public', `${BRAZIL_111}&LAYERS=countries&FILTER=${q(f)}`);
        assert.equal(r.status, 200, r.body.slice(0, 300));
        assert.equal(count(r.bytes, SOUTH_AMERICA), 0, `FILTER ${f}`);
      }
      const small = await ask('public', `${LYON_111}&LAYERS=cities&FILTER=${q('cities:"population" < 1000000')}`);
      assert.equal(small.status, 200);
      assert.equal(inked(small.bytes), 0);
      const smallAdmin = await ask('admin', `${LYON_111}&LAYERS=cities&FILTER=${q('cities:"population" < 1000000')}`);
      assert.ok(inked(smallAdmin.bytes) > 20);
    });
  });

  describe('GetFeatureInfo', () => {
    const gfi = (query: string, i: number, j: number, format: string, extra = '') =>
      `${EUROPE_130}&REQUEST=GetFeatureInfo&${query}&I=${i}&J=${j}&INFO_FORMAT=${q(format)}&FEATURE_COUNT=50${extra}`;
    /** A 1.1.1 click on pixel (150, 140) of a 400 × 400 view at 0.1° a pixel: inner Brazil for the box -75,-34,-35,6. */
    const onBrazil = (format: string, box = '-75,-34,-35,6', extra = '') =>
      `SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&SRS=EPSG:4326&BBOX=${box}&WIDTH=400&HEIGHT=400&LAYERS=countries&QUERY_LAYERS=countries&X=150&Y=140&INFO_FORMAT=${q(format)}&FEATURE_COUNT=10${extra}`;

    test('QUERY_LAYERS=secret, or LAYERS=secret, answers as a layer that does not exist', async () => {
      for (const format of INFO_FORMATS) {
        await sameAsMissing('public', (n) => gfi(`LAYERS=countries,${n}&QUERY_LAYERS=${n}`, 85, 128, format));
        await sameAsMissing('public', (n) => gfi(`LAYERS=countries&QUERY_LAYERS=${n}`, 85, 128, format));
        await sameAsMissing('public', (n) => gfi(`LAYERS=countries&QUERY_LAYERS=countries,${n}`, 85, 128, format));
      }
      const admin = await ask('admin', gfi('LAYERS=secret&QUERY_LAYERS=secret', 85, 128, 'application/json', '&FI_POINT_TOLERANCE=5'));
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.match(admin.body, /Site Alpha/);
    });

    for (const format of INFO_FORMATS) {
      test(`${format}: a wide click on France: no gdp_md, no small city; admin gets them`, async () => {
        // Near Lyon, 100 pixels (10°) of point tolerance: every French city is within reach.
        const query = gfi('LAYERS=world&QUERY_LAYERS=countries,cities', 148, 142, format, '&FI_POINT_TOLERANCE=100&WITH_GEOMETRY=true');
        const pub = await ask('public', query);
        assert.equal(pub.status, 200, pub.body.slice(0, 300));
        assert.match(pub.body, /France/);
        assert.match(pub.body, /Paris/, 'a city of a million is there');
        nothingHidden(pub.body, `public ${format}`);
        const admin = await ask('admin', query);
        assert.equal(admin.status, 200);
        assert.match(admin.body, /2715518/, 'admin sees France\'s GDP');
        assert.match(admin.body, /Lyon/);
        assert.match(admin.body, /Marseille/);
      });

      test(`${format}: a click on Brazil finds nothing for public, the same as a click on the sea`, async () => {
        // Brazil view at 0.1°: inner Brazil (150, 140); the same pixel with the view moved onto the South Atlantic.
        const brazil = await ask('public', onBrazil(format));
        assert.equal(brazil.status, 200, brazil.body.slice(0, 300));
        nothingHidden(brazil.body, `public ${format} on Brazil`);
        const sea = await ask('public', onBrazil(format, '-45,-44,-5,-4'));
        assert.equal(brazil.body, sea.body, 'nothing tells Brazil from the sea');
        const admin = await ask('admin', onBrazil(format));
        assert.match(admin.body, /Brazil/);
      });

      test(`${format}: a click on Lyon (a small city) finds nothing for public`, async () => {
        const query = `${LYON_111.replace('GetMap', 'GetFeatureInfo')}&LAYERS=cities&QUERY_LAYERS=cities&X=135&Y=125&INFO_FORMAT=${q(format)}&FI_POINT_TOLERANCE=10`;
        const pub = await ask('default', query);
        assert.equal(pub.status, 200, pub.body.slice(0, 300));
        nothingHidden(pub.body, `public ${format} on Lyon`);
        const admin = await ask('admin', query);
        assert.match(admin.body, /Lyon/);
        assert.match(admin.body, /516092/);
      });
    }

    test('FILTER on the hidden field answers as an unknown field; on filtered-out values finds nothing', async () => {
      for (const format of ['text/xml', 'application/json']) {
        await sameAsMissing('public', (f) => gfi(`LAYERS=countries&QUERY_LAYERS=countries&FILTER=${q(`countries:"${f}" > 0`)}`, 123, 111, format), 'gdp_md');
        for (const f of ['cities:"population" < 1000000', 'cities:"population" < 0 OR "population" < 1000000', `cities:"role" = 'x' OR 1 = 1`]) {
          const pub = await ask('public', gfi(`LAYERS=cities&QUERY_LAYERS=cities&FILTER=${q(f)}`, 148, 142, format, '&FI_POINT_TOLERANCE=100'));
          assert.equal(pub.status, 200, pub.body.slice(0, 300));
          nothingHidden(pub.body, `public ${format} FILTER ${f}`);
        }
        const brazil = await ask('public', onBrazil(format, undefined, `&FILTER=${q(`countries:"name" = 'x' OR "name" = 'Brazil'`)}`));
        assert.equal(brazil.status, 200, brazil.body.slice(0, 300));
        nothingHidden(brazil.body, `public ${format} FILTER on Brazil`);
      }
    });
  });

  describe('GetLegendGraphic and DescribeLayer', () => {
    test('GetLegendGraphic of secret answers as a layer that does not exist (PNG, JSON, with a rule)', async () => {
      for (const v of ['1.3.0', '1.1.1']) {
        for (const extra of ['', '&FORMAT=image/png', '&FORMAT=application/json', '&STYLE=default', '&RULE=x']) {
          await sameAsMissing('public', (n) => `SERVICE=WMS&VERSION=${v}&REQUEST=GetLegendGraphic&LAYER=${n}${extra}`);
          await sameAsMissing('public', (n) => `SERVICE=WMS&VERSION=${v}&REQUEST=GetLegendGraphic&LAYERS=countries,${n}${extra}`);
        }
      }
      const admin = await ask('admin', 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=secret&FORMAT=image/png');
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.equal(admin.headers['Content-Type'], 'image/png');
      const json = await ask('admin', 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=secret&FORMAT=application/json');
      assert.match(json.body, /Secret sites|secret/);
    });

    test('legends of readable layers carry nothing hidden; PNG legends are cached per role', async () => {
      const pub = await ask('public', 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=world,relief&FORMAT=application/json');
      assert.equal(pub.status, 200, pub.body.slice(0, 300));
      nothingHidden(pub.body, 'public legend JSON');
      // Admin asks first and its PNG legend is cached: an unknown role (which may read nothing) must not get it.
      const url = 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=countries&FORMAT=image/png';
      assert.equal((await ask('admin', url)).status, 200);
      const intruder = await ask('intruder', url);
      assert.notEqual(intruder.status, 200, 'an unknown role is not served admin\'s cached legend');
      await sameAsMissing('intruder', (n) => `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=${n}&FORMAT=image/png`, 'countries');
    });

    test('DescribeLayer of secret answers as a layer that does not exist (1.3.0 and 1.1.1)', async () => {
      await sameAsMissing('public', (n) => `SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer&SLD_VERSION=1.1.0&LAYERS=${n}`);
      await sameAsMissing('public', (n) => `SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer&SLD_VERSION=1.1.0&LAYERS=countries,${n}`);
      await sameAsMissing('public', (n) => `SERVICE=WMS&VERSION=1.1.1&REQUEST=DescribeLayer&LAYERS=${n}`);
      const world = await ask('public', 'SERVICE=WMS&VERSION=1.1.1&REQUEST=DescribeLayer&LAYERS=world,relief');
      assert.equal(world.status, 200, world.body.slice(0, 300));
      nothingHidden(world.body, 'public DescribeLayer');
      const admin = await ask('admin', 'SERVICE=WMS&VERSION=1.3.0&REQUEST=DescribeLayer&SLD_VERSION=1.1.0&LAYERS=secret');
      assert.equal(admin.status, 200, admin.body.slice(0, 300));
      assert.match(admin.body, />secret</);
    });
  });
});
