/**
 * An in-memory snapshot of a vector layer: every feature the source's SQL subsets select (the layer's
 * source.subset and access control's subset string), read once through GDAL with the same SQL the read path
 * runs, held as FIDs, attribute columns (typed arrays for numbers), flat geometries in the layer CRS with a
 * Flatbush index, and, per target CRS, a reprojected copy made by GDAL (ogr2ogr -t_srs, the very
 * transformation and coordinate rounding of the GDAL read path). Built by snapshot-store.ts, read by
 * snapshot-read.ts; never exported from the data layer.
 */
import Flatbush from 'flatbush';
import type { VectorLayerDef } from '../project/model.js';
import type { DatasetPool, PooledDataset } from './dataset-pool.js';
import { isGdalFailure } from './dataset-pool.js';
import { openLayer } from './source-info.js';
import { readPage, type Page, type RawFeature } from './vector-translate.js';
import { quoteIdent, type SourceInfo } from './vector-plan.js';
import { GeometryBuilder, UnsupportedGeometry, type GeometryStore } from './snapshot-geometry.js';

/** One attribute column: numbers in a Float64Array with a null mask, or any values. */
export type Column =
  | { kind: 'number'; values: Float64Array; nulls: Uint8Array }
  | { kind: 'any'; values: unknown[] };

/** Geometries of the snapshot in one target CRS, as GDAL's read path writes them. */
export interface ProjectedCopy {
  /** Target CRS id and decimals. */
  readonly key: string;
  readonly geometry: GeometryStore;
  /** 1 where GDAL wrote the feature (0: its reprojection failed and the GDAL path skips it). */
  readonly present: Uint8Array;
  readonly bytes: number;
}

/** The features of a layer under one SQL subset. */
export class LayerSnapshot {
  readonly info: SourceInfo;
  readonly count: number;
  readonly fids: Float64Array;
  readonly names: readonly string[];
  readonly #columns: ReadonlyMap<string, Column>;
  readonly #lower: ReadonlyMap<string, string | null>;
  /** Geometries in the layer CRS, full precision (spatial filtering). */
  readonly geometry: GeometryStore;
  /** Over features with a geometry; null when there is none. */
  readonly index: Flatbush | null;
  readonly bytes: number;

  constructor(info: SourceInfo, fids: Float64Array, columns: Map<string, Column>, geometry: GeometryStore, columnBytes: number) {
    this.info = info;
    this.count = fids.length;
    this.fids = fids;
    this.names = [...columns.keys()];
    this.#columns = columns;
    const lower = new Map<string, string | null>();
    for (const n of this.names) lower.set(n.toLowerCase(), lower.has(n.toLowerCase()) ? null : n);
    this.#lower = lower;
    this.geometry = geometry;
    let indexed = 0;
    for (let i = 0; i < this.count; i++) if (geometry.types[i] !== 0) indexed++;
    let index: Flatbush | null = null;
    if (indexed > 0) {
      index = new Flatbush(indexed);
      const b = geometry.bounds;
      for (let i = 0; i < this.count; i++) if (geometry.types[i] !== 0) index.add(b[4 * i]!, b[4 * i + 1]!, b[4 * i + 2]!, b[4 * i + 3]!);
      index.finish();
    }
    this.index = index;
    // Flatbush items are numbered in insertion order; map them back when some features have no geometry.
    let map: Uint32Array | null = null;
    if (indexed !== this.count) {
      map = new Uint32Array(indexed);
      let k = 0;
      for (let i = 0; i < this.count; i++) if (geometry.types[i] !== 0) map[k++] = i;
    }
    this.#indexToFeature = map;
    this.bytes = fids.byteLength + geometry.bytes + columnBytes + (index ? index.data.byteLength : 0) + (this.#indexToFeature?.byteLength ?? 0);
  }

  readonly #indexToFeature: Uint32Array | null;

  /** Features whose bbox meets the closed rectangle, ascending. */
  search(x0: number, y0: number, x1: number, y1: number): Uint32Array {
    if (!this.index) return new Uint32Array(0);
    const hits = this.index.search(x0, y0, x1, y1);
    const out = new Uint32Array(hits.length);
    const map = this.#indexToFeature;
    for (let k = 0; k < hits.length; k++) out[k] = map ? map[hits[k]!]! : hits[k]!;
    return out.sort();
  }

  /** The canonical source field name for a name as written (exact, else the unique case-insensitive match). */
  resolve(name: string): string | undefined {
    if (this.#columns.has(name)) return name;
    return this.#lower.get(name.toLowerCase()) ?? undefined;
  }

  /** Feature i's value of a source field (null for NULL; undefined when there is no such field). */
  value(name: string, i: number): unknown {
    const c = this.#columns.get(name);
    if (!c) return undefined;
    if (c.kind === 'number') return c.nulls[i] ? null : c.values[i]!;
    return c.values[i];
  }
}

/** Why a layer cannot be snapshotted (it stays on the GDAL path until its file changes). */
export class NotSnapshottable extends Error {}

/** How a snapshot is read from its source. */
export interface LoadRequest {
  pool: DatasetPool;
  layer: VectorLayerDef;
  /** WHERE parts: the layer's subset and access control's subset string (already checked self-contained). */
  where: readonly string[];
  maxFeatures: number;
  /** Features per GDAL page. */
  pageSize: number;
}

/** Reads the base snapshot (layer CRS, every digit) through GDAL. */
export async function loadSnapshot(req: LoadRequest): Promise<LayerSnapshot> {
  await checkSize(req);
  const fids: number[] = [];
  const props: Array<Record<string, unknown> | null> = [];
  const geometry = new GeometryBuilder();
  const info = await scan(req, null, (raw) => {
    if (typeof raw.id !== 'number') throw new NotSnapshottable('features without numeric FIDs');
    fids.push(raw.id);
    props.push(raw.properties);
    try {
      geometry.add(raw.geometry);
    } catch (err) {
      if (err instanceof UnsupportedGeometry) throw new NotSnapshottable(err.message);
      throw err;
    }
    if (fids.length > req.maxFeatures) throw new NotSnapshottable(`more than ${req.maxFeatures} features`);
  });
  const columns = new Map<string, Column>();
  let columnBytes = 0;
  for (const name of info.fields.keys()) {
    const values = props.map((p) => (p ? p[name] ?? null : null));
    if (values.every((v) => v === null || typeof v === 'number')) {
      const nums = new Float64Array(values.length);
      const nulls = new Uint8Array(values.length);
      values.forEach((v, i) => (v === null ? (nulls[i] = 1) : (nums[i] = v as number)));
      columns.set(name, { kind: 'number', values: nums, nulls });
      columnBytes += nums.byteLength + nulls.byteLength;
    } else {
      columns.set(name, { kind: 'any', values });
      for (const v of values) columnBytes += 8 + (typeof v === 'string' ? 16 + 2 * v.length : typeof v === 'object' && v !== null ? 64 : 0);
    }
  }
  return new LayerSnapshot(info, Float64Array.from(fids), columns, geometry.build(), columnBytes);
}

/** Reads the snapshot's features reprojected by GDAL (as the read path does) into a copy aligned on the snapshot. */
export async function loadProjected(req: LoadRequest, snapshot: LayerSnapshot, reproject: [string, string] | null, precision: number, key: string): Promise<ProjectedCopy> {
  const geometry = new GeometryBuilder();
  const present = new Uint8Array(snapshot.count);
  let next = 0;
  await scan(req, { reproject, precision }, (raw) => {
    // Both reads come in FID order; a feature GDAL could not reproject is missing here.
    while (next < snapshot.count && snapshot.fids[next] !== raw.id) {
      geometry.add(null);
      next++;
    }
    if (next >= snapshot.count) throw new NotSnapshottable('the source changed while it was read');
    present[next++] = 1;
    try {
      geometry.add(raw.geometry);
    } catch (err) {
      if (err instanceof UnsupportedGeometry) throw new NotSnapshottable(err.message);
      throw err;
    }
  });
  while (next++ < snapshot.count) geometry.add(null);
  const store = geometry.build();
  return { key, geometry: store, present, bytes: store.bytes + present.byteLength };
}

/**
 * Refuses a layer over the limit before reading any of it, where the driver knows its size without a scan
 * (GeoPackage, Shapefile ...) and no subset applies: reading the first maxFeatures to find out would cost a
 * second or more of a core and, for a while, more memory than the snapshot limit is there to save.
 */
async function checkSize(req: LoadRequest): Promise<void> {
  if (req.where.length > 0) return;
  const lease = await req.pool.acquire(req.layer.source.connection);
  let count: number;
  try {
    const { layer } = await openLayer(lease, req.layer.source.layer);
    count = await layer.features.countAsync(false);
  } catch (err) {
    lease.release(isGdalFailure(err));
    throw err;
  }
  lease.release();
  if (count > req.maxFeatures) throw new NotSnapshottable(`more than ${req.maxFeatures} features`);
}

/** Pages through the whole selection in FID order, one pooled handle per page. */
async function scan(req: LoadRequest, project: { reproject: [string, string] | null; precision: number } | null, each: (raw: RawFeature) => void): Promise<SourceInfo> {
  const connection = req.layer.source.connection;
  let info: SourceInfo | null = null;
  let cursor: number | null = null;
  let offset = 0;
  for (;;) {
    const lease: PooledDataset = await req.pool.acquire(connection);
    let page: Page;
    try {
      const opened = await openLayer(lease, req.layer.source.layer);
      info = opened.info;
      if (info.kind === 'other') throw new NotSnapshottable(`driver ${info.driver} does not read in FID order`);
      const keyed = info.kind === 'sqlite';
      const fid = keyed ? quoteIdent(info.fidColumn || 'rowid') : 'FID';
      page = await readPage(lease.dataset, {
        info, fields: project ? [] : [...info.fields.keys()], where: cursor === null ? req.where : [...req.where, `${fid} > ${cursor}`],
        orderBy: [], orderByFid: keyed, fid, limit: req.pageSize, offset: keyed ? 0 : offset,
        withGeometry: true, spatialFilter: null, bounds: null, clip: false, simplify: undefined, reproject: project?.reproject ?? null, precision: project ? project.precision : null,
      });
    } catch (err) {
      lease.release(isGdalFailure(err));
      throw err;
    }
    lease.release();
    for (let i = 0; i < page.length; i++) each(page.at(i));
    if (page.length < req.pageSize) return info;
    if (info.kind === 'sqlite') {
      const last = page.at(page.length - 1).id;
      if (typeof last !== 'number') throw new NotSnapshottable('features without numeric FIDs');
      cursor = last;
    } else offset += page.length;
  }
}
