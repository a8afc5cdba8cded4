import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Feature } from '../../../../src/data/types.js';
import { writeGeoJson } from '../../../../src/services/wfs/writers/geojson-writer.js';
import { writeGml } from '../../../../src/services/wfs/writers/gml-writer.js';
import type { ChunkSink, CollectionMeta, FeatureSource, WriteResult } from '../../../../src/services/wfs/writers/types.js';
import { MemorySink, sampleMeta } from './helpers.js';

/** A sink whose flush takes a while; records what was pending at each write and pull. */
class SlowSink implements ChunkSink {
  pending = 0;
  maxPending = 0;
  flushing = false;
  writesDuringFlush = 0;
  total = 0;
  write(chunk: string): void {
    if (this.flushing) this.writesDuringFlush++;
    this.pending += chunk.length;
    this.total += chunk.length;
    this.maxPending = Math.max(this.maxPending, this.pending);
  }
  async flush(): Promise<void> {
    this.flushing = true;
    await new Promise((r) => setTimeout(r, 1));
    this.pending = 0;
    this.flushing = false;
  }
}

const CHUNK = 16 * 1024;

for (const [name, write] of [
  ['GeoJSON', writeGeoJson],
  ['GML 3.2', (s: ChunkSink, f: FeatureSource, m: CollectionMeta) => writeGml('3.2', s, f, m)],
] as Array<[string, (s: ChunkSink, f: FeatureSource, m: CollectionMeta) => Promise<WriteResult>]>) {
  test(`${name}: a slow sink holds the reader back; pending output stays under chunk + one feature`, async () => {
    const sink = new SlowSink();
    const big = 'x'.repeat(3000);
    let pulledDuringFlush = 0;
    let pulled = 0;
    async function* source(): AsyncIterable<Feature[]> {
      for (let b = 0; b < 200; b++) {
        if (sink.flushing) pulledDuringFlush++;
        const batch: Feature[] = [];
        for (let i = 0; i < 50; i++) {
          const id = b * 50 + i;
          batch.push({ id, attributes: { name: id % 97 === 0 ? big : `n${id}`, pop: id }, geometry: { type: 'Point', coordinates: [id / 7, -id / 3] } });
        }
        pulled += batch.length;
        yield batch;
      }
    }
    const res = await write(sink, source(), sampleMeta({ chunkSize: CHUNK, fields: [
      { name: 'name', alias: '', type: 'string' }, { name: 'pop', alias: '', type: 'integer' },
    ] }));
    assert.equal(res.numberReturned, 10000);
    assert.equal(pulled, 10000);
    assert.equal(sink.writesDuringFlush, 0, 'no write while a flush is pending');
    assert.equal(pulledDuringFlush, 0, 'no read while a flush is pending');
    const oneFeature = big.length + 1000;
    assert.ok(sink.maxPending <= CHUNK + oneFeature, `max pending ${sink.maxPending}`);
    assert.ok(sink.total > 10 * CHUNK, 'several chunks written');
  });
}

test('a flush that fails (client gone) rejects the write and closes the source', async () => {
  let flushes = 0;
  const sink: ChunkSink = { write() {}, async flush() { if (++flushes === 3) throw new Error('client gone'); } };
  let pulled = 0;
  let closed = false;
  async function* source(): AsyncIterable<Feature> {
    try {
      for (let i = 0; i < 1_000_000; i++) { pulled++; yield { id: i, attributes: { name: 'n' + i }, geometry: { type: 'Point', coordinates: [i, i] } }; }
    } finally { closed = true; }
  }
  await assert.rejects(writeGml('2', sink, source(), sampleMeta({ chunkSize: 4096 })), /client gone/);
  assert.ok(closed, 'source closed');
  assert.ok(pulled < 1000, `pulled ${pulled}`);
});

test('ChunkBuffer: the texts in order as UTF-8, chunks from the threshold on, long and multi-byte texts whole', async () => {
  const { ChunkBuffer } = await import('../../../../src/services/wfs/writers/chunk-buffer.js');
  const sink = new MemorySink();
  const out = new ChunkBuffer(sink, 100);
  const texts: string[] = [];
  for (let i = 0; i < 500; i++) {
    const t = i % 50 === 0 ? 'é€😀'.repeat(60) + i : i % 7 === 0 ? 'ünïcødé-' + i : 'f' + i + ',';
    texts.push(t);
    out.add(t);
    if (out.full) {
      assert.ok(out.pending >= 100);
      await out.flush();
      assert.equal(out.pending, 0);
    }
  }
  await out.flush();
  assert.equal(sink.text, texts.join(''));
  assert.equal(out.handed, Buffer.byteLength(texts.join('')));
  for (const c of sink.chunks.slice(0, -1)) assert.ok(Buffer.byteLength(c) >= 100, `a chunk under the threshold: ${Buffer.byteLength(c)}`);
});
