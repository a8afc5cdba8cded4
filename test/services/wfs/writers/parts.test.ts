/** Answers holding several feature types: one collection (GML 2 / 3.1.1, GeoJSON), nested collections (GML 3.2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeGeoJsonParts } from '../../../../src/services/wfs/writers/geojson-writer.js';
import { writeGmlParts } from '../../../../src/services/wfs/writers/gml-writer.js';
import type { AnswerMeta, CollectionPart } from '../../../../src/services/wfs/writers/types.js';
import { writerForFormat } from '../../../../src/services/wfs/writers/index.js';
import { batches, MemorySink, sampleFeatures, sampleMeta } from './helpers.js';

const ROOT: AnswerMeta = { prefix: 'qgs', namespaceUri: 'http://www.qgis.org/gml', timeStamp: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) };

function parts(over: Partial<CollectionPart['meta']> = {}): CollectionPart[] {
  const fs = sampleFeatures();
  return [
    { meta: sampleMeta({ typeName: 'a', numberMatched: 9, numberReturned: 2, ...over }), features: batches(fs.slice(0, 2)) },
    { meta: sampleMeta({ typeName: 'b', srsName: 'urn:ogc:def:crs:EPSG::4326', swapAxes: true, numberMatched: 1, numberReturned: 1, ...over }), features: batches(fs.slice(0, 1)) },
  ];
}

test('GML 3.2 with several parts: one wfs:member/wfs:FeatureCollection per part with its counts; each part its own axes', async () => {
  const sink = new MemorySink();
  const res = await writeGmlParts('3.2', sink, { ...ROOT, numberMatched: 10, numberReturned: 3 }, parts());
  assert.equal(res.numberReturned, 3);
  const t = sink.text;
  assert.match(t, /<wfs:FeatureCollection [^>]*numberMatched="10" numberReturned="3" timeStamp="2025-01-02T03:04:05Z">/);
  assert.match(t, /<wfs:member>\n<wfs:FeatureCollection numberMatched="9" numberReturned="2" timeStamp="2025-01-02T03:04:05Z">\n<wfs:member><qgs:a gml:id="a\.1">/);
  assert.match(t, /<\/wfs:FeatureCollection>\n<\/wfs:member>\n<wfs:member>\n<wfs:FeatureCollection numberMatched="1" numberReturned="1"/);
  assert.match(t, /<qgs:b gml:id="b\.1"><qgs:geometry><gml:Point gml:id="b\.1\.geom" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>48\.75 2\.5<\/gml:pos>/);
  assert.match(t, /<qgs:a gml:id="a\.1"><qgs:geometry><gml:Point gml:id="a\.1\.geom" srsName="EPSG:4326"><gml:pos>2\.5 48\.75<\/gml:pos>/);
  assert.ok(t.endsWith('</wfs:FeatureCollection>\n</wfs:member>\n</wfs:FeatureCollection>\n'));
});

test('GML 3.2 with one part is flat; GML 3.1.1 and 2 never nest', async () => {
  const one = new MemorySink();
  await writeGmlParts('3.2', one, ROOT, parts().slice(0, 1));
  assert.equal(one.text.match(/<wfs:FeatureCollection/g)!.length, 1);
  for (const v of ['3.1.1', '2'] as const) {
    const sink = new MemorySink();
    await writeGmlParts(v, sink, ROOT, parts());
    assert.equal(sink.text.match(/<wfs:FeatureCollection/g)!.length, 1, v);
    assert.equal(sink.text.match(/<gml:featureMember>/g)!.length, 3, v);
  }
});

test('GML 1.x: numberOfFeatures from numberReturned when known (hits), nothing otherwise', async () => {
  for (const v of ['3.1.1', '2'] as const) {
    const hits = new MemorySink();
    await writeGmlParts(v, hits, { ...ROOT, numberReturned: 42 }, []);
    assert.match(hits.text, /<wfs:FeatureCollection [^>]*numberOfFeatures="42"/, v);
    const plain = new MemorySink();
    await writeGmlParts(v, plain, ROOT, parts());
    assert.doesNotMatch(plain.text, /numberOfFeatures|numberMatched/, v);
  }
});

test('GeoJSON with several parts: one collection, qualified ids, late counts and links', async () => {
  const sink = new MemorySink();
  const res = await writeGeoJsonParts(sink, {
    ...ROOT,
    lateNumberMatched: async (n) => n + 100,
    lateLinks: (n, m) => [{ href: `x?start=${n}&of=${m}`, rel: 'next' }],
  }, parts({ qualifyIds: true }));
  assert.equal(res.numberReturned, 3);
  const doc = JSON.parse(sink.text);
  assert.deepEqual(doc.features.map((f: { id: string }) => f.id), ['a.1', 'a.2', 'b.1']);
  assert.equal(doc.numberMatched, 103);
  assert.equal(doc.numberReturned, 3);
  assert.deepEqual(doc.links, [{ href: 'x?start=3&of=103', rel: 'next' }]);
  const bare = new MemorySink();
  await writeGeoJsonParts(bare, ROOT, parts());
  assert.deepEqual(JSON.parse(bare.text).features.map((f: { id: unknown }) => f.id), [1, 2, 1], 'OGC API style: bare ids');
});

test('OUTPUTFORMAT spellings: an unencoded + (space), quoted subtypes, OGC MIME names', () => {
  assert.equal(writerForFormat('application/gml xml; version=3.2')?.gml, '3.2');
  assert.equal(writerForFormat('text/xml; subtype="gml/3.2"')?.gml, '3.2');
  assert.equal(writerForFormat('text/xml; subtype="gml/3.1.1"')?.gml, '3.1.1');
  assert.equal(writerForFormat('application/vnd.ogc.gml')?.gml, '2');
  assert.equal(writerForFormat('application/vnd.ogc.gml/3.1.1')?.gml, '3.1.1');
  assert.equal(writerForFormat('GeoJSON')?.gml, null);
});
