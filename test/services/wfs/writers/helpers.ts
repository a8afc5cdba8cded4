/** Shared fixtures for the writer tests. */
import type { Feature } from '../../../../src/data/types.js';
import type { FieldDef } from '../../../../src/project/model.js';
import type { ChunkSink, CollectionMeta } from '../../../../src/services/wfs/writers/types.js';

/** A sink keeping everything written (each chunk decoded: the writers never split a character across chunks). */
export class MemorySink implements ChunkSink {
  chunks: string[] = [];
  flushes = 0;
  write(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder('utf-8', { fatal: true }).decode(chunk);
    this.chunks.push(text);
  }
  async flush(): Promise<void> { this.flushes++; }
  get text(): string { return this.chunks.join(''); }
}

export const FIELDS: FieldDef[] = [
  { name: 'name', alias: 'Name', type: 'string' },
  { name: 'pop', alias: 'Population', type: 'integer' },
  { name: 'ratio', alias: 'Ratio', type: 'real' },
  { name: 'day', alias: 'Day', type: 'date' },
];

export const SPECIAL = 'A & B <c> "d" \'e\' é ✓ 𝄞';

/** Point, line, polygon with a hole, multi-point/line/polygon, null geometry. */
export function sampleFeatures(): Feature[] {
  const day = new Date(Date.UTC(2024, 1, 29));
  return [
    { id: 1, attributes: { name: SPECIAL, pop: 42, ratio: 0.1, day }, geometry: { type: 'Point', coordinates: [2.5, 48.75] } },
    { id: 2, attributes: { name: 'line', pop: -7, ratio: 1e-7, day: null }, geometry: { type: 'LineString', coordinates: [[0, 0], [10, 5], [20, -5]] } },
    { id: 3, attributes: { name: 'poly', pop: 0, ratio: 123456789.125, day }, geometry: { type: 'Polygon', coordinates: [
      [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
      [[2, 2], [2, 4], [4, 4], [4, 2], [2, 2]],
    ] } },
    { id: 4, attributes: { name: 'mpt', pop: 1, ratio: 2, day }, geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] } },
    { id: 5, attributes: { name: 'mline', pop: 1, ratio: 2, day }, geometry: { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] } },
    { id: 6, attributes: { name: 'mpoly', pop: 1, ratio: 2, day }, geometry: { type: 'MultiPolygon', coordinates: [
      [[[0, 0], [1, 0], [1, 1], [0, 0]]],
      [[[5, 5], [9, 5], [9, 9], [5, 5]], [[6, 5.5], [8, 7], [8, 5.5], [6, 5.5]]],
    ] } },
    { id: 'x/7', attributes: { name: 'ctl\u0001\r\n', pop: null, ratio: null, day: null }, geometry: null },
  ];
}

/** Yields the features in batches of `size`. */
export async function* batches(fs: Feature[], size = 3): AsyncIterable<Feature[]> {
  for (let i = 0; i < fs.length; i += size) yield fs.slice(i, i + size);
}

/** Metadata for the sample layer. */
export function sampleMeta(over: Partial<CollectionMeta> = {}): CollectionMeta {
  return {
    typeName: 'places',
    prefix: 'qgs',
    namespaceUri: 'http://www.qgis.org/gml',
    fields: FIELDS,
    srsName: 'EPSG:4326',
    timeStamp: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    ...over,
  };
}
