import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import gdal from 'gdal-async';
import { writeGml } from '../../../../src/services/wfs/writers/gml-writer.js';
import type { GmlVersion } from '../../../../src/services/wfs/writers/gml-geometry.js';
import type { CollectionMeta } from '../../../../src/services/wfs/writers/types.js';
import { batches, MemorySink, sampleFeatures, sampleMeta, SPECIAL } from './helpers.js';

let dir = '';
let n = 0;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'wfs-writers-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

interface ReadFeature { attrs: Record<string, unknown>; geom: unknown }

/** Writes the sample layer, saves it, reads it back with GDAL's GML driver. */
async function roundTrip(version: GmlVersion, over: Partial<CollectionMeta> = {}): Promise<{ text: string; read: ReadFeature[] }> {
  const sink = new MemorySink();
  const res = await writeGml(version, sink, batches(sampleFeatures()), sampleMeta(over));
  const text = sink.text;
  assert.equal(res.numberReturned, 7);
  assert.equal(res.bytes, Buffer.byteLength(text));
  const file = join(dir, `t${n++}.gml`);
  await writeFile(file, text);
  const ds = await gdal.openAsync(file, 'r', ['GML']);
  const layer = ds.layers.get(0);
  const read: ReadFeature[] = [];
  for (const f of layer.features) {
    const g = f.getGeometry();
    read.push({ attrs: f.fields.toObject() as Record<string, unknown>, geom: g ? JSON.parse(g.toJSON()) : null });
  }
  ds.close();
  return { text, read };
}

function checkRead(read: ReadFeature[]): void {
  const fs = sampleFeatures();
  assert.equal(read.length, fs.length);
  assert.equal(read[0]!.attrs.name, SPECIAL);
  assert.equal(Number(read[0]!.attrs.pop), 42);
  assert.equal(Number(read[1]!.attrs.ratio), 1e-7);
  assert.equal(Number(read[2]!.attrs.ratio), 123456789.125);
  assert.equal(read[6]!.attrs.name, 'ctl\ufffd\r\n', 'control char replaced, CR kept');
  for (let i = 0; i < fs.length; i++) {
    const want = fs[i]!.geometry;
    const got = read[i]!.geom as { type: string; coordinates: unknown } | null;
    if (!want) { assert.equal(got, null); continue; }
    assert.ok(got);
    assert.equal(got.type, want.type, `feature ${i}`);
    assert.deepEqual(got.coordinates, (want as { coordinates: unknown }).coordinates, `feature ${i} ${want.type}`);
  }
}

for (const version of ['2', '3.1.1', '3.2'] as const) {
  test(`GML ${version}: GDAL reads back count, attributes, geometries (holes, multi)`, async () => {
    const { text, read } = await roundTrip(version, { bbox: [0, -5, 20, 48.75], numberMatched: 7, numberReturned: 7 });
    checkRead(read);
    assert.ok(text.includes('A &amp; B &lt;c&gt; "d"'), 'text escaped');
    if (version === '2') {
      assert.ok(text.includes('<gml:featureMember><qgs:places fid="places.1">'));
      assert.ok(text.includes('<gml:coordinates decimal="." cs="," ts=" ">2.5,48.75</gml:coordinates>'));
      assert.ok(text.includes('<gml:innerBoundaryIs>'));
    } else if (version === '3.1.1') {
      assert.ok(text.includes('<gml:featureMember><qgs:places gml:id="places.1">'));
      assert.ok(text.includes('<gml:MultiSurface'));
      assert.ok(text.includes('numberOfFeatures="7"'));
    } else {
      assert.ok(text.includes('xmlns:gml="http://www.opengis.net/gml/3.2"'));
      assert.ok(text.includes('numberMatched="7" numberReturned="7" timeStamp="2025-01-02T03:04:05Z"'));
      assert.ok(text.includes('<wfs:member><qgs:places gml:id="places.1"><qgs:geometry><gml:Point gml:id="places.1.geom" srsName="EPSG:4326"><gml:pos>2.5 48.75</gml:pos>'));
      assert.ok(text.includes('gml:id="places.x_7"'), 'gml:id made an NCName');
    }
  });
}

for (const version of ['3.1.1', '3.2'] as const) {
  test(`GML ${version}: lat/lon axis order with the URN srsName, GDAL swaps back`, async () => {
    const { text, read } = await roundTrip(version, { srsName: 'urn:ogc:def:crs:EPSG::4326', swapAxes: true, bbox: [0, -5, 20, 48.75] });
    assert.ok(text.includes('<gml:pos>48.75 2.5</gml:pos>'));
    assert.ok(text.includes('<gml:lowerCorner>-5 0</gml:lowerCorner>'));
    checkRead(read);
  });
}

test('GML 3.2: unknown counts and paging links on the root', async () => {
  const sink = new MemorySink();
  await writeGml('3.2', sink, batches([]), sampleMeta({ links: [{ href: 'http://h/wfs?a=1&b=2', rel: 'next' }, { href: 'http://h/p', rel: 'self' }] }));
  assert.match(sink.text, /numberMatched="unknown" numberReturned="unknown"/);
  assert.match(sink.text, / next="http:\/\/h\/wfs\?a=1&amp;b=2"/);
  assert.doesNotMatch(sink.text, /self=/);
});
