import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needTools, which } from '../helpers/procs.js';
import { editServer, stored, storedWhere, type EditServer } from '../services/wfs/edit-support.js';
import { clientEnv, killClients, run, serveOverHttp, tempDir, type HttpWms } from './support.js';

// GDAL's WFS-T (gdal-bin's ogr2ogr / ogrinfo, and the Python bindings for SetFeature) against an editable copy of
// the test project over HTTP: inserts with `ogr2ogr -update -append`, deletes with `ogrinfo -sql "DELETE FROM …"`,
// an update with OGRLayer.SetFeature, in WFS 1.0.0 and 1.1.0 (GDAL writes transactions for those two).

const OGR2OGR = which('ogr2ogr');
const OGRINFO = which('ogrinfo');
const PYTHON = '/usr/bin/python3';
const tools = needTools({ ogr2ogr: OGR2OGR, ogrinfo: OGRINFO, python3: PYTHON, 'python3-gdal': '/usr/lib/python3/dist-packages/osgeo/ogr.py' });

/** The editable project behind a loopback HTTP server that logs every request with its POST body. */
async function startHttpWfs(): Promise<HttpWms & { edit: EditServer }> {
  const edit = await editServer([], { cities: true, countries: true });
  const http = await serveOverHttp(edit);
  return {
    ...http, edit,
    close: async () => {
      await http.close();
      await edit.project.remove();
    },
  };
}

/** Two new cities as a GeoJSON file (lon/lat). */
const NEW_CITIES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { name: 'Nice', country: 'FRA', population: 342669, role: 'city' }, geometry: { type: 'Point', coordinates: [7.2620, 43.7031] } },
    { type: 'Feature', properties: { name: 'Lille', country: 'FRA', population: 232787, role: 'city' }, geometry: { type: 'Point', coordinates: [3.0573, 50.6292] } },
  ],
};

/** A Python (osgeo.ogr) client that sets one field of one feature through GDAL's WFS driver (SetFeature → wfs:Update). */
const SET_FEATURE = `
import sys
from osgeo import ogr, gdal
gdal.UseExceptions()
url, layer_name, gml_id, field, value = sys.argv[1:6]
ds = gdal.OpenEx(url, gdal.OF_VECTOR | gdal.OF_UPDATE)
lyr = ds.GetLayerByName(layer_name)
lyr.SetAttributeFilter("gml_id = '%s'" % gml_id)
f = lyr.GetNextFeature()
if f is None:
    sys.exit('no feature ' + gml_id)
f.SetField(field, value)
if lyr.SetFeature(f) != 0:
    sys.exit('SetFeature failed')
print('updated', f.GetField('gml_id'))
`;

for (const version of ['1.1.0', '1.0.0'] as const) {
  describe(`GDAL WFS-T ${version}`, { skip: tools.skip, timeout: 60_000 }, () => {
    let srv: Awaited<ReturnType<typeof startHttpWfs>>;
    let tmp: { dir: string; remove: () => Promise<void> };
    let env: NodeJS.ProcessEnv;
    let source: string;
    let wfsUrl: string;
    before(async () => {
      tools.assertTools();
      srv = await startHttpWfs();
      tmp = await tempDir('ows-wfst-gdal-');
      source = path.join(tmp.dir, 'new-cities.geojson');
      await writeFile(source, JSON.stringify(NEW_CITIES));
      await writeFile(path.join(tmp.dir, 'set_feature.py'), SET_FEATURE);
      env = clientEnv({ GDAL_HTTP_TIMEOUT: '15', GDAL_HTTP_MAX_RETRY: '0', CPL_DEBUG: 'OFF', OGR_WFS_LOAD_MULTIPLE_LAYER_DEFN: 'NO' });
      wfsUrl = `WFS:${srv.url}?SERVICE=WFS&VERSION=${version}`;
    });
    after(async () => {
      killClients();
      await srv?.close();
      await tmp?.remove();
    });

    /** Runs a GDAL tool; a failure shows GDAL's own words and what the server was sent. */
    async function gdal(tool: string, args: string[]): Promise<string> {
      const from = srv.seen.length;
      const r = await run(tool, args, { cwd: tmp.dir, env, timeoutMs: 40_000 });
      const sent = srv.seen.slice(from).map((s) => `${s.method} ${JSON.stringify(s.params)} ${s.body.slice(0, 600)}`).join('\n');
      assert.equal(r.code, 0, `${path.basename(tool)} ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}\nrequests:\n${sent}`);
      assert.doesNotMatch(r.stderr, /ERROR/, `${r.stderr}\nrequests:\n${sent}`);
      return r.stdout;
    }

    const transactions = (from: number) => srv.seen.slice(from).filter((s) => s.method === 'POST' && /<(\w+:)?Transaction\b/.test(s.body));

    test('ogr2ogr -update -append inserts the features: stored attributes and x/y positions', async () => {
      const from = srv.seen.length;
      await gdal(OGR2OGR!, ['-update', '-append', wfsUrl, source, '-nln', 'qgs:cities']);
      const posts = transactions(from);
      assert.ok(posts.length >= 1, 'GDAL sent no Transaction');
      assert.match(posts[0]!.body, new RegExp(`version="${version}"`));
      for (const f of NEW_CITIES.features) {
        const rows = storedWhere(srv.edit, 'cities', 'name', f.properties.name);
        assert.equal(rows.length, 1, `${f.properties.name} stored ${rows.length} times`);
        const [x, y] = rows[0]!.geometry!.coordinates as number[];
        assert.ok(Math.abs(x! - f.geometry.coordinates[0]!) < 1e-6 && Math.abs(y! - f.geometry.coordinates[1]!) < 1e-6, `${f.properties.name}: ${x} ${y}`);
        assert.equal(rows[0]!.attributes['population'], f.properties.population);
      }
    });

    test('ogrinfo -sql "DELETE FROM … WHERE …" deletes through a wfs:Delete with a filter', async () => {
      const from = srv.seen.length;
      // GDAL takes the layer name unquoted here ("qgs:cities" in quotes is an unknown layer to it).
      await gdal(OGRINFO!, [wfsUrl, '-sql', "DELETE FROM qgs:cities WHERE name = 'Lyon'"]);
      const posts = transactions(from);
      assert.equal(posts.length, 1);
      assert.match(posts[0]!.body, /<(\w+:)?Delete\b/);
      assert.equal(storedWhere(srv.edit, 'cities', 'name', 'Lyon').length, 0);
      assert.equal(storedWhere(srv.edit, 'cities', 'name', 'Paris').length, 1);
    });

    test('OGRLayer.SetFeature updates one feature through a wfs:Update on its gml_id', async () => {
      const from = srv.seen.length;
      const out = await gdal(PYTHON, [path.join(tmp.dir, 'set_feature.py'), wfsUrl, 'qgs:cities', 'cities.4', 'role', 'capital city']);
      assert.match(out, /updated cities\.4/);
      assert.ok(transactions(from).some((p) => /<(\w+:)?Update\b/.test(p.body)));
      const berlin = stored(srv.edit, 'cities').get(4)!;
      assert.equal(berlin.attributes['role'], 'capital city');
      assert.equal(berlin.attributes['name'], 'Berlin');
      assert.equal(berlin.attributes['population'], 3426354);
      // GDAL sends the geometry back too (lat/lon in 1.1.0): it must land where it was.
      const [x, y] = berlin.geometry!.coordinates as number[];
      assert.ok(Math.abs(x! - 13.4105) < 1e-6 && Math.abs(y! - 52.5244) < 1e-6, `Berlin moved to ${x} ${y}`);
    });
  });
}
