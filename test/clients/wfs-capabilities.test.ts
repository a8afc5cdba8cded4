import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { needTools, which } from '../helpers/procs.js';
import { owslibScript, PROJECT, clientEnv, killClients, run, startHttpWms, type HttpWms } from './support.js';

// Real clients reading the WFS capabilities and feature type schemas of the test project over HTTP:
// OWSLib's WebFeatureService (1.0.0, 1.1.0, 2.0.0: contents, operations, get_schema) and GDAL's WFS driver
// (ogrinfo: the layers, their fields and geometry types, against the source files).

const PYTHON = '/usr/bin/python3';
const owslib = owslibScript('owslib_wfs_capabilities.py');
const OGRINFO = which('ogrinfo');
const DATA = path.join(path.dirname(PROJECT), 'data');
const VERSIONS = ['1.0.0', '1.1.0', '2.0.0'] as const;
const TYPES = ['countries', 'cities', 'secret'];

/** What ogrinfo -so says of a layer: geometry type, extent, fields with their OGR types. */
interface LayerSummary {
  geometry: string;
  extent: number[] | null;
  fields: Array<[string, string]>;
}

function summary(out: string): LayerSummary {
  const geometry = /^Geometry: (.+)$/m.exec(out)?.[1] ?? '';
  const e = /^Extent: \((\S+), (\S+)\) - \((\S+), (\S+)\)$/m.exec(out);
  const fields = [...out.matchAll(/^(\w+): (\w+) \(/gm)].map((m) => [m[1]!, m[2]!] as [string, string]).filter(([n]) => n !== 'gml_id');
  return { geometry, extent: e ? e.slice(1).map(Number) : null, fields };
}

/** GDAL reads GML 3 MultiSurface / Curve property types as curve geometry types; the linear type is the same data. */
function linear(geometryType: string): string {
  const map: Record<string, string> = { 'Multi Surface': 'Multi Polygon', 'Curve Polygon': 'Polygon', 'Compound Curve': 'Line String', 'Multi Curve': 'Multi Line String' };
  return map[geometryType] ?? geometryType;
}

/** The source file's layer as ogrinfo sees it. */
async function source(name: string): Promise<LayerSummary> {
  const r = await run(OGRINFO!, ['-ro', '-so', path.join(DATA, `${name}.geojson`), name]);
  assert.equal(r.code, 0, r.stderr);
  return summary(r.stdout);
}

const tools = needTools({ python3: PYTHON, owslib: '/usr/lib/python3/dist-packages/owslib/feature/wfs200.py', ogrinfo: OGRINFO });

describe('WFS capabilities with real clients', { skip: tools.skip, timeout: 60_000 }, () => {
  let http: HttpWms;
  const sources = new Map<string, LayerSummary>();
  before(async () => {
    tools.assertTools();
    http = await startHttpWms(); // the core services: WMS and WFS
    for (const t of TYPES) sources.set(t, await source(t));
  });
  after(async () => {
    killClients();
    await http?.close();
  });

  async function ogrinfo(args: string[]): Promise<string> {
    const env = clientEnv({ GDAL_HTTP_TIMEOUT: '15', GDAL_HTTP_MAX_RETRY: '0', CPL_DEBUG: 'OFF' });
    const r = await run(OGRINFO!, ['-ro', '-so', ...args], { env, timeoutMs: 25_000 });
    assert.equal(r.code, 0, `ogrinfo ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /ERROR/, r.stderr);
    return r.stdout;
  }

  for (const version of VERSIONS) {
    test(`OWSLib ${version}: service, contents with titles, WGS 84 boxes and CRS, operations`, async () => {
      const cap = await owslib('capabilities', http.url, version);
      assert.equal(cap.version, version);
      assert.equal(cap.title, 'ows-server test project');
      assert.deepEqual(cap.order, TYPES.map((t) => `qgs:${t}`));
      assert.equal(cap.contents['qgs:countries'].title, 'Countries');
      assert.equal(cap.contents['qgs:countries'].abstract, 'Seven countries from Natural Earth 1:110m.');
      for (const t of TYPES) {
        const box = cap.contents[`qgs:${t}`].boundingBoxWGS84;
        const expected = sources.get(t)!.extent!;
        box.forEach((v: number, i: number) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `${t} box ${box} vs source ${expected}`));
      }
      const crs = cap.contents['qgs:countries'].crsOptions.join(' ');
      assert.match(crs, /4326/);
      if (version !== '1.0.0') assert.ok(/3857/.test(crs) && /3035/.test(crs), crs);
      for (const op of ['GetCapabilities', 'DescribeFeatureType', 'GetFeature']) {
        assert.deepEqual(cap.operations[op]?.methods, ['Get', 'Post'], `${op}: ${JSON.stringify(cap.operations)}`);
        for (const url of cap.operations[op].urls) assert.equal(url, http.url + '?');
      }
      assert.equal(cap.operations.Transaction, undefined, 'nothing is editable in the test project');
      if (version !== '1.0.0') {
        assert.ok(cap.operations.GetFeature.parameters.outputFormat.values.includes('application/json'));
        assert.deepEqual(cap.operations.GetFeature.parameters.resultType.values, ['results', 'hits']);
      }
    });

    test(`OWSLib ${version}: get_schema gives each type's published fields, types and geometry`, async () => {
      // OWSLib names gml:MultiSurfacePropertyType "3D MultiPolygon" (its fiona-style name for a GML 3 multi-surface).
      const polygons = version === '1.0.0' ? 'MultiPolygon' : '3D MultiPolygon';
      const expectGeometry: Record<string, string> = { countries: polygons, cities: 'Point', secret: 'Point' };
      const xsdOf: Record<string, string> = { String: 'string', Integer: 'int', Integer64: 'long', Real: 'double' };
      for (const t of TYPES) {
        const schema = await owslib('schema', http.url, version, `qgs:${t}`);
        assert.equal(schema.geometry, expectGeometry[t], `${t}: ${JSON.stringify(schema)}`);
        assert.equal(schema.geometry_column, 'geometry');
        const expected = Object.fromEntries(sources.get(t)!.fields.map(([n, type]) => [n, xsdOf[type] ?? type]));
        assert.deepEqual(schema.properties, expected, `${t} fields`);
      }
    });

    test(`ogrinfo WFS ${version}: the layers, and each one's fields and geometry type match the source`, async () => {
      const url = `WFS:${http.url}?VERSION=${version}`;
      const list = await ogrinfo([url]);
      const layers = [...list.matchAll(/^\d+: (\S+) \(title: [^)]*\) \(([^)]+)\)$/gm)].map((m) => [m[1], linear(m[2]!)]);
      assert.deepEqual(layers, TYPES.map((t) => [`qgs:${t}`, sources.get(t)!.geometry]), list);
      for (const t of TYPES) {
        const s = summary(await ogrinfo(['-nocount', '-noextent', url, `qgs:${t}`]));
        const src = sources.get(t)!;
        assert.equal(linear(s.geometry), src.geometry, `${t} geometry`);
        assert.deepEqual(s.fields, src.fields, `${t} fields`);
      }
    });
  }
});
