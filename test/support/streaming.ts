/** Shared pieces of the streaming tests (WFS GetFeature, OGC API Features items): generated points, a read spy, a client that hangs up. */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import gdal from 'gdal-async';
import type { Feature, VectorQuery } from '../../src/data/index.js';
import { BufferResponse } from '../../src/server/response.js';
import type { Server } from '../../src/server/server.js';

/**
 * Writes `n` points (name, value) into the GeoPackage `file`, layer `points`, through a CSV and ogr2ogr (one
 * transaction per 100,000): point i at (-180 + (i % 3600) / 10, -80 + ⌊i / 3600⌋ × yStep).
 */
export async function makePoints(file: string, n: number, yStep: number): Promise<void> {
  const csv = file.replace(/\.gpkg$/, '.csv');
  // The CSV driver reads a column named WKT as the geometry. Written in blocks: the test's memory stays small.
  const fd = openSync(csv, 'w');
  writeSync(fd, 'name,value,WKT\n');
  for (let start = 0; start < n; start += 10_000) {
    let block = '';
    for (let i = start; i < Math.min(n, start + 10_000); i++) block += `p${i},${i},"POINT (${-180 + (i % 3600) / 10} ${-80 + Math.floor(i / 3600) * yStep})"\n`;
    writeSync(fd, block);
  }
  closeSync(fd);
  const src = await gdal.openAsync(csv);
  (await gdal.vectorTranslateAsync(file, src, ['-f', 'GPKG', '-nln', 'points', '-a_srs', 'EPSG:4326', '-nlt', 'POINT', '-gt', '100000',
    '-sql', 'SELECT name, CAST(value AS integer) AS value FROM points'])).close();
  src.close();
  rmSync(csv);
}

/** Counts the features the data layer hands out (one by one or in batches), and whether each read was closed. */
export function spyOnReads(server: Server): { pulled: number; closed: number } {
  const spy = { pulled: 0, closed: 0 };
  const forRequest = server.data.forRequest.bind(server.data);
  async function* counted<T extends Feature | Feature[]>(source: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      for await (const item of source) {
        spy.pulled += Array.isArray(item) ? item.length : 1;
        yield item;
      }
    } finally {
      spy.closed++;
    }
  }
  server.data.forRequest = (ac) => {
    const access = forRequest(ac);
    const read = access.readFeatures.bind(access);
    const readBatches = access.readFeatureBatches.bind(access);
    access.readFeatures = (layer, query?: VectorQuery, options?) => counted(read(layer, query, options));
    access.readFeatureBatches = (layer, query?: VectorQuery, options?) => counted(readBatches(layer, query, options));
    return access;
  };
  return spy;
}

/** A response whose client hangs up after `chunks` chunks. */
export class HangUp extends BufferResponse {
  constructor(private readonly chunks: number) {
    super();
  }
  protected override async sendChunk(chunk: Buffer): Promise<void> {
    await super.sendChunk(chunk);
    if (this.chunkCount() >= this.chunks) this.abort();
  }
}
