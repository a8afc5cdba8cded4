import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Feature } from '../../../../src/data/types.js';
import { writeGeoJson } from '../../../../src/services/wfs/writers/geojson-writer.js';
import { writeGml } from '../../../../src/services/wfs/writers/gml-writer.js';
import type { ChunkSink } from '../../../../src/services/wfs/writers/types.js';
import { sampleMeta } from './helpers.js';

/** Counts UTF-8 bytes and drops them, like a fast socket. */
class CountingSink implements ChunkSink {
  bytes = 0;
  write(chunk: string): void { this.bytes += Buffer.byteLength(chunk); }
  async flush(): Promise<void> {}
}

const N = Number(process.env.WRITER_BENCH_FEATURES ?? 1_000_000);
const FIELDS = [
  { name: 'name', alias: '', type: 'string' }, { name: 'pop', alias: '', type: 'integer' }, { name: 'ratio', alias: '', type: 'real' },
];

/** 1M points in batches of 1000, built lazily (like a data source read). */
async function* points(): AsyncIterable<Feature[]> {
  for (let b = 0; b < N; b += 1000) {
    const batch: Feature[] = [];
    for (let i = b; i < Math.min(N, b + 1000); i++) {
      batch.push({ id: i + 1, attributes: { name: `City ${i}`, pop: i * 3, ratio: i / 7 },
        geometry: { type: 'Point', coordinates: [-180 + (i % 36000) / 100.3, -90 + i / 5600.7] } });
    }
    yield batch;
  }
}

test(`speed: ${N} points as GeoJSON and GML 3.2 (printed, not asserted)`, async () => {
  for (const [name, run] of [
    ['GeoJSON', (s: ChunkSink) => writeGeoJson(s, points(), sampleMeta({ fields: FIELDS }))],
    ['GML 3.2', (s: ChunkSink) => writeGml('3.2', s, points(), sampleMeta({ fields: FIELDS, srsName: 'urn:ogc:def:crs:EPSG::4326', swapAxes: true }))],
    ['GML 2', (s: ChunkSink) => writeGml('2', s, points(), sampleMeta({ fields: FIELDS }))],
  ] as const) {
    const sink = new CountingSink();
    const t0 = process.hrtime.bigint();
    const res = await run(sink);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    assert.equal(res.numberReturned, N);
    const mb = sink.bytes / 1e6;
    console.log(`# ${name}: ${N} features, ${mb.toFixed(1)} MB in ${s.toFixed(2)} s = ${(mb / s).toFixed(1)} MB/s, ${(N / s / 1000).toFixed(0)}k features/s, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  }
});
