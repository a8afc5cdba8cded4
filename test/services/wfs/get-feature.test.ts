/** GetFeature: every version × output format read back with GDAL and compared with the source data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wfs, wfsServer } from './support.js';
import { gdalRead, gmlIds, near, positions, sourceFeatures } from './get-feature-helpers.js';

const s = wfsServer();

const CASES = [
  { version: '1.0.0', format: null, mime: 'text/xml; subtype=gml/2.1.2', kind: 'gml' },
  { version: '1.1.0', format: null, mime: 'text/xml; subtype=gml/3.1.1', kind: 'gml' },
  { version: '2.0.0', format: null, mime: 'application/gml+xml; version=3.2', kind: 'gml' },
  { version: '1.0.0', format: 'GML3', mime: 'text/xml; subtype=gml/3.1.1', kind: 'gml' },
  { version: '1.1.0', format: 'GML2', mime: 'text/xml; subtype=gml/2.1.2', kind: 'gml' },
  { version: '2.0.0', format: 'text/xml; subtype=gml/3.1.1', mime: 'text/xml; subtype=gml/3.1.1', kind: 'gml' },
  { version: '1.1.0', format: 'application/gml+xml; version=3.2', mime: 'application/gml+xml; version=3.2', kind: 'gml' },
  { version: '1.0.0', format: 'GeoJSON', mime: 'application/geo+json', kind: 'json' },
  { version: '1.1.0', format: 'application/json', mime: 'application/geo+json', kind: 'json' },
  { version: '2.0.0', format: 'application/geo+json', mime: 'application/geo+json', kind: 'json' },
] as const;

for (const c of CASES) {
  for (const layer of ['cities', 'countries'] as const) {
    test(`WFS ${c.version} ${c.format ?? 'default format'}: ${layer} read back by GDAL equals the source`, async () => {
      const q = `REQUEST=GetFeature&VERSION=${c.version}&TYPENAME=${layer}` + (c.format ? `&OUTPUTFORMAT=${encodeURIComponent(c.format)}` : '');
      const r = await wfs(s, q);
      assert.equal(r.status, 200, r.body.slice(0, 500));
      assert.equal(r.headers['Content-Type'], c.mime);
      const read = await gdalRead(r.body, c.kind);
      const got = Object.values(read)[0]!;
      const src = sourceFeatures(layer);
      assert.equal(got.length, src.length);
      for (let i = 0; i < src.length; i++) {
        const want = src[i]!;
        const have = got[i]!;
        assert.equal(have.attrs['name'], want.props['name']);
        if (layer === 'cities') assert.equal(Number(have.attrs['population']), want.props['population']);
        else assert.equal(have.attrs['iso_a3'], want.props['iso_a3']);
        assert.equal(have.id, `${layer}.${want.id}`, 'gml:id / fid / GeoJSON id is <type>.<id>');
        const a = positions(have.geom!);
        const b = positions(want.geometry);
        assert.equal(a.length, b.length, `${want.props['name']}: positions`);
        assert.ok(a.every((p, k) => near(p, b[k]!)), `${want.props['name']}: coordinates in x/y after GDAL's axis handling`);
      }
    });
  }
}

test('GML answers carry xsi:schemaLocation to DescribeFeatureType of their types and the WFS schema', async () => {
  const expect = {
    '1.0.0': ['TYPENAME=cities&amp;OUTPUTFORMAT=XMLSCHEMA',
      'http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.0.0/WFS-basic.xsd http://www.opengis.net/gml http://schemas.opengis.net/gml/2.1.2/feature.xsd'],
    '1.1.0': ['TYPENAME=cities&amp;OUTPUTFORMAT=text%2Fxml%3B%20subtype%3Dgml%2F3.1.1',
      'http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.1.0/wfs.xsd http://www.opengis.net/gml http://schemas.opengis.net/gml/3.1.1/base/gml.xsd'],
    '2.0.0': ['TYPENAMES=cities&amp;OUTPUTFORMAT=application%2Fgml%2Bxml%3B%20version%3D3.2',
      'http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd http://www.opengis.net/gml/3.2 http://schemas.opengis.net/gml/3.2.1/gml.xsd'],
  } as const;
  for (const [v, [dft, wfsXsd]] of Object.entries(expect)) {
    const r = await wfs(s, `REQUEST=GetFeature&VERSION=${v}&TYPENAME=cities&MAXFEATURES=1`);
    const loc = /xsi:schemaLocation="([^"]+)"/.exec(r.body)?.[1] ?? '';
    assert.ok(loc.startsWith(`http://www.qgis.org/gml http://localhost:8080/ows?SERVICE=WFS&amp;VERSION=${v}&amp;REQUEST=DescribeFeatureType&amp;${dft}`), loc);
    assert.ok(loc.endsWith(wfsXsd), loc);
  }
});

test('MAP is kept in the schema location and paging links', async () => {
  const r = await wfs(s, 'REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities&COUNT=1&MAP=project.yaml');
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /xsi:schemaLocation="http:\/\/www\.qgis\.org\/gml http:\/\/localhost:8080\/ows\?MAP=project\.yaml&amp;SERVICE=WFS/);
  assert.match(r.body, /next="http:\/\/localhost:8080\/ows\?MAP=project\.yaml&amp;SERVICE=WFS&amp;VERSION=2\.0\.0&amp;REQUEST=GetFeature&amp;TYPENAMES=cities&amp;STARTINDEX=1&amp;COUNT=1"/);
});

test('WFS 1.0 writes fid, 1.1 / 2.0 gml:id; 2.0 numbers geometries too', async () => {
  const r10 = await wfs(s, 'REQUEST=GetFeature&VERSION=1.0.0&TYPENAME=countries&MAXFEATURES=1');
  assert.match(r10.body, /<qgs:countries fid="countries\.FRA">/);
  const r11 = await wfs(s, 'REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=countries&MAXFEATURES=1');
  assert.match(r11.body, /<qgs:countries gml:id="countries\.FRA">/);
  const r20 = await wfs(s, 'REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=countries&COUNT=1');
  assert.match(r20.body, /<qgs:countries gml:id="countries\.FRA"><qgs:geometry><gml:\w+ gml:id="countries\.FRA\.geom"/);
  assert.deepEqual(gmlIds(r20.body), ['countries.FRA']);
});

test('a missing VERSION is 2.0.0; OUTPUTFORMAT "text/xml" is the version\'s GML; an unencoded + is understood', async () => {
  const r = await wfs(s, 'REQUEST=GetFeature&TYPENAMES=cities&COUNT=1');
  assert.equal(r.headers['Content-Type'], 'application/gml+xml; version=3.2');
  const x = await wfs(s, 'REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=cities&MAXFEATURES=1&OUTPUTFORMAT=text/xml');
  assert.equal(x.headers['Content-Type'], 'text/xml; subtype=gml/3.1.1');
  const p = await wfs(s, 'REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=cities&COUNT=1&OUTPUTFORMAT=application/gml+xml;%20version=3.2');
  assert.equal(p.status, 200, p.body);
  assert.equal(p.headers['Content-Type'], 'application/gml+xml; version=3.2');
});

test('GeoJSON: FeatureCollection with numberMatched, numberReturned, timeStamp; no crs member for EPSG:4326', async () => {
  const r = await wfs(s, 'REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=cities&OUTPUTFORMAT=GeoJSON');
  const doc = JSON.parse(r.body);
  assert.equal(doc.type, 'FeatureCollection');
  assert.equal(doc.numberMatched, 15);
  assert.equal(doc.numberReturned, 15);
  assert.match(doc.timeStamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(doc.crs, undefined);
  assert.equal(doc.links, undefined, 'no paging links outside WFS 2.0 or without paging');
  assert.deepEqual(doc.features[0].properties, { name: 'Paris', country: 'FRA', population: 2138551, role: 'capital' });
});
