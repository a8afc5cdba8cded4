import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { needTools } from '../helpers/procs.js';
import { png, pixel } from '../services/wms/support.js';
import { owslibScript, killClients, run, startHttpWms, tempDir, type HttpWms } from './support.js';

// OWSLib (Debian's python3-owslib) talking to the test project over HTTP: capabilities, GetMap, GetFeatureInfo.

const PYTHON = '/usr/bin/python3';
const owslib = owslibScript('owslib_wms.py');
const SOUTH_AMERICA = [0x80, 0xb1, 0xd3];
const EUROPE = [0x8d, 0xd3, 0xc7];
const rgb = (p: number[]) => p.slice(0, 3);

const tools = needTools({ python3: PYTHON, owslib: '/usr/lib/python3/dist-packages/owslib/wms.py' });

describe('OWSLib WebMapService', { skip: tools.skip, timeout: 30_000 }, () => {
  let wms: HttpWms;
  let tmp: { dir: string; remove: () => Promise<void> };
  before(async () => {
    tools.assertTools();
    wms = await startHttpWms();
    tmp = await tempDir('ows-owslib-');
  });
  after(async () => {
    killClients();
    await wms?.close();
    await tmp?.remove();
  });

  for (const version of ['1.3.0', '1.1.1']) {
    test(`${version} capabilities: layers, titles, boxes, CRS, styles, operations`, async () => {
      const cap = await owslib('capabilities', wms.url, version);
      assert.equal(cap.version, version);
      assert.equal(cap.title, 'ows-server test project');
      assert.equal(cap.provider, 'ows-server');
      assert.deepEqual(cap.keywords, ['test', 'countries', 'cities']);
      assert.equal(cap.fees, 'none');
      assert.deepEqual(cap.order.filter((n: string) => ['relief', 'world', 'countries', 'cities', 'secret'].includes(n)),
        ['relief', 'world', 'countries', 'cities', 'secret']);
      const { countries, cities, world, relief } = cap.layers;
      assert.equal(countries.title, 'Countries');
      assert.equal(countries.abstract, 'Seven countries from Natural Earth 1:110m.');
      assert.equal(world.title, 'World');
      assert.deepEqual(world.children, ['countries', 'cities']);
      assert.equal(countries.parent, 'world');
      assert.equal(countries.queryable, 1);
      // Brazil to Japan, lon/lat whatever the version (OWSLib undoes the 1.3.0 lat/lon order itself).
      const [w, s, e, n] = countries.boundingBoxWGS84;
      assert.ok(w < -70 && w > -80 && e > 145 && e < 146 && s < -30 && s > -35 && n > 54 && n < 56, `countries WGS84 box ${countries.boundingBoxWGS84}`);
      const b4326 = countries.crs_list.find((b: any[]) => b[4] === 'EPSG:4326');
      assert.ok(b4326, `an EPSG:4326 BoundingBox: ${JSON.stringify(countries.crs_list)}`);
      for (let i = 0; i < 4; i++) assert.ok(Math.abs(b4326[i] - countries.boundingBoxWGS84[i]) < 1e-6, `EPSG:4326 box read as lon/lat: ${b4326} vs ${countries.boundingBoxWGS84}`);
      if (version === '1.3.0') {
        const b3857 = countries.crs_list.find((b: any[]) => b[4] === 'EPSG:3857');
        assert.ok(b3857 && b3857[0] < -7e6 && b3857[2] > 1.6e7, `EPSG:3857 box ${b3857}`);
      }
      for (const crs of ['EPSG:4326', 'EPSG:3857', 'EPSG:3035']) assert.ok(countries.crsOptions.includes(crs), `${crs} in ${countries.crsOptions}`);
      // Styles are inherited in WMS: the group's 'default' reaches its layers (as with QGIS Server).
      assert.deepEqual(Object.keys(countries.styles).filter((s) => s !== 'default'), ['continents', 'outline']);
      assert.equal(countries.styles.continents.title, 'By continent');
      assert.match(countries.styles.continents.legend, /REQUEST=GetLegendGraphic&LAYER=countries&FORMAT=image\/png&STYLE=continents/);
      assert.deepEqual(Object.keys(cities.styles).filter((s) => s !== 'default'), ['population', 'capitals']);
      assert.equal(relief.title, 'Relief');
      const ops = cap.operations;
      assert.ok(ops.GetCapabilities && ops.GetMap, `operations ${Object.keys(ops)}`);
      assert.ok(ops.GetMap.formatOptions.includes('image/png') && ops.GetMap.formatOptions.includes('image/jpeg'));
      const get = ops.GetMap.methods.find((m: any) => m.type === 'Get');
      assert.ok(get.url.startsWith(wms.url), `GetMap URL ${get.url} points back at ${wms.url}`);
    });

    test(`${version} getmap: a ${'360×180'} PNG with Brazil in South America's colour`, async () => {
      const out = path.join(tmp.dir, `map-${version}.png`);
      const r = await owslib('getmap', wms.url, version, out);
      assert.match(r.contentType, /^image\/png/);
      const img = png(await readFile(out));
      assert.deepEqual([img.width, img.height], [360, 180]);
      assert.deepEqual(rgb(pixel(img, 125, 100)), SOUTH_AMERICA, 'inner Brazil (lon -55, lat -10)');
      assert.deepEqual(rgb(pixel(img, 182, 43)), EUROPE, 'France');
      assert.deepEqual(rgb(pixel(img, 180, 90)), [255, 255, 255], 'the Gulf of Guinea');
      // What OWSLib sent, as the server saw it.
      const seen = wms.seen.filter((s) => s.params['REQUEST'] === 'GetMap' && s.params['VERSION'] === version).at(-1);
      assert.ok(seen, 'the server saw the GetMap');
      if (version === '1.3.0') {
        assert.equal(seen.params['CRS'], 'EPSG:4326');
        assert.deepEqual(seen.params['BBOX']!.split(',').map(Number), [-90, -180, 90, 180], 'lat/lon in 1.3.0');
      } else {
        assert.equal(seen.params['SRS'], 'EPSG:4326');
        assert.deepEqual(seen.params['BBOX']!.split(',').map(Number), [-180, -90, 180, 90], 'lon/lat in 1.1.1');
      }
    });
  }

  describe('getfeatureinfo on Paris', () => {
    for (const version of ['1.3.0', '1.1.1']) {
      test(`${version} application/json: Paris and France, field by field`, async () => {
        const out = path.join(tmp.dir, `gfi-${version}.json`);
        const r = await owslib('getfeatureinfo', wms.url, version, 'application/json', out);
        assert.match(r.contentType, /^application\/(geo\+)?json/);
        const doc = JSON.parse(await readFile(out, 'utf8'));
        assert.equal(doc.type, 'FeatureCollection');
        const props = doc.features.map((f: any) => f.properties);
        const paris = props.find((p: any) => p.name === 'Paris');
        assert.ok(paris, `Paris among ${JSON.stringify(props)}`);
        assert.equal(paris.country, 'FRA');
        assert.equal(Number(paris.population), 2138551);
        assert.equal(paris.role, 'capital');
        const france = props.find((p: any) => p.iso_a3 === 'FRA' || p.name === 'France' || p.Name === 'France');
        assert.ok(france, `France among ${JSON.stringify(props)}`);
        assert.ok(Object.values(france).includes(67059887), `France's population, as a number: ${JSON.stringify(france)}`);
        assert.equal(doc.features.length, 2, 'France and Paris only');
        assert.ok(!props.some((p: any) => p.name === 'Berlin' || p.name === 'Germany'), 'nothing far from the click');
        const seen = wms.seen.filter((s) => s.params['REQUEST'] === 'GetFeatureInfo' && s.params['VERSION'] === version).at(-1);
        assert.ok(seen);
        if (version === '1.3.0') assert.deepEqual([seen.params['I'], seen.params['J']], ['123', '111']);
        else assert.deepEqual([seen.params['X'], seen.params['Y']], ['123', '111']);
      });

      test(`${version} text/xml: Paris and France`, async () => {
        const out = path.join(tmp.dir, `gfi-${version}.xml`);
        const r = await owslib('getfeatureinfo', wms.url, version, 'text/xml', out);
        assert.match(r.contentType, /^text\/xml/);
        const xml = await readFile(out, 'utf8');
        assert.match(xml, /<GetFeatureInfoResponse/);
        assert.match(xml, /<Layer name="cities"/);
        assert.match(xml, /<Attribute name="name" value="Paris"\s*\/>/);
        assert.match(xml, /<Attribute name="population" value="2138551"\s*\/>/);
        assert.match(xml, /<Layer name="countries"/);
        assert.match(xml, /value="France"/);
        assert.doesNotMatch(xml, /Berlin|Germany/);
      });
    }
  });

  test('an error reaches OWSLib as a ServiceException with the server\'s message', async () => {
    // OWSLib checks layers client-side only for contents; a bad size makes the server refuse.
    const r = await run(PYTHON, ['-c', [
      'import sys, json',
      'from owslib.wms import WebMapService',
      'wms = WebMapService(sys.argv[1], version="1.3.0", timeout=20)',
      'try:',
      '    wms.getmap(layers=["countries"], srs="EPSG:4326", bbox=(-180,-90,180,90), size=(5000,10), format="image/png")',
      '    print(json.dumps({"error": None}))',
      'except Exception as e:',
      '    print(json.dumps({"error": str(e), "type": type(e).__name__}))',
    ].join('\n'), wms.url], { timeoutMs: 25_000 });
    const out = JSON.parse(r.stdout || '{}');
    assert.equal(out.type, 'ServiceException', r.stdout + r.stderr);
    assert.match(out.error, /WIDTH/);
  });
});
