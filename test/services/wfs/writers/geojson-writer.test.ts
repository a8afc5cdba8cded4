import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeGeoJson } from '../../../../src/services/wfs/writers/geojson-writer.js';
import { batches, MemorySink, sampleFeatures, sampleMeta, SPECIAL } from './helpers.js';

test('GeoJSON parses back with features, attributes, geometries and trailing counts', async () => {
  const sink = new MemorySink();
  const fs = sampleFeatures();
  const res = await writeGeoJson(sink, batches(fs), sampleMeta({
    numberMatched: 100, links: [{ href: 'http://x/items?offset=7&limit=7', rel: 'next', type: 'application/geo+json' }],
  }));
  const doc = JSON.parse(sink.text);
  assert.equal(res.numberReturned, fs.length);
  assert.equal(doc.type, 'FeatureCollection');
  assert.equal(doc.numberMatched, 100);
  assert.equal(doc.numberReturned, fs.length);
  assert.equal(doc.timeStamp, '2025-01-02T03:04:05Z');
  assert.equal(doc.links[0].href, 'http://x/items?offset=7&limit=7');
  assert.equal(doc.crs, undefined, 'no legacy crs member for EPSG:4326');
  assert.equal(doc.features.length, fs.length);
  for (let i = 0; i < fs.length; i++) {
    const f = fs[i]!;
    const g = doc.features[i];
    assert.equal(g.id, f.id);
    assert.deepEqual(g.geometry, f.geometry);
  }
  assert.equal(doc.features[0].properties.name, SPECIAL);
  assert.equal(doc.features[0].properties.day, '2024-02-29');
  assert.equal(doc.features[1].properties.ratio, 1e-7);
  assert.equal(doc.features[2].properties.ratio, 123456789.125);
  assert.equal(doc.features[6].properties.name, 'ctl\u0001\r\n');
  assert.equal(doc.features[6].properties.pop, null);
});

test('GeoJSON: late numberMatched, legacy crs for projected srs, non-finite numbers become null', async () => {
  const sink = new MemorySink();
  await writeGeoJson(sink, batches([
    { id: 1, attributes: { name: '\u2028\ud800', pop: NaN, ratio: Infinity }, geometry: { type: 'Point', coordinates: [1.5, 2] } },
  ]), sampleMeta({ srsName: 'EPSG:3857', lateNumberMatched: () => 1 }));
  const doc = JSON.parse(sink.text);
  assert.equal(doc.numberMatched, 1);
  assert.equal(doc.crs.properties.name, 'EPSG:3857');
  assert.equal(doc.features[0].properties.name, '\u2028\ud800');
  assert.equal(doc.features[0].properties.pop, null);
  assert.equal(doc.features[0].properties.ratio, null);
});

test('GeoJSON: an aborted signal stops reading, output stays valid', async () => {
  const ac = new AbortController();
  let read = 0;
  async function* gen() {
    for (let i = 0; i < 1000; i++) {
      read++;
      if (i === 5) ac.abort();
      yield { id: i, attributes: {}, geometry: null };
    }
  }
  const sink = new MemorySink();
  await writeGeoJson(sink, gen(), sampleMeta({ signal: ac.signal }));
  assert.ok(read < 10);
  assert.equal(JSON.parse(sink.text).features.length, 5);
});
