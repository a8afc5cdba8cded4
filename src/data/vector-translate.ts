/**
 * Reads one page of features with gdal.vectorTranslateAsync (ogr2ogr) into an in-memory GeoJSON file:
 * SQL selection, spatial filter, clipping, simplification and reprojection all run on a libuv thread, and the
 * page reaches JS as one JSON document. On this machine that is ~8 µs per point feature against ~90 µs for
 * a nextAsync() loop, whose every feature is a thread-pool round trip. GeoPackage pages that need none of
 * GDAL's geometry steps come as rows rendered by SQLite instead (gpkg-rows.ts: ~1.5 µs per point feature).
 */
import { randomUUID } from 'node:crypto';
import gdal from 'gdal-async';
import { quoteIdent, andSql, type SourceInfo } from './vector-plan.js';
import { fetchRows, rowsReadable, RowsUnsupported } from './gpkg-rows.js';

/**
 * A page read: its features, and the characters of the text they came in (to size the next page by). Features
 * may be made when asked for (rows pages): a consumer that takes them a batch at a time keeps the objects young,
 * where a whole page of them would outlive a few scavenges and teach V8 to allocate them in the old generation.
 */
export interface Page {
  readonly length: number;
  /** Feature i (0 <= i < length); made anew on each call where the page makes them when asked. */
  at(i: number): RawFeature;
  readonly bytes: number;
}

/** A page over features already made. */
export function pageOf(features: RawFeature[], bytes: number): Page {
  return { length: features.length, at: (i) => features[i]!, bytes };
}

/** Every feature of a page. */
export function pageFeatures(page: Page): RawFeature[] {
  const out: RawFeature[] = new Array(page.length);
  for (let i = 0; i < page.length; i++) out[i] = page.at(i);
  return out;
}

/** A page read and not parsed yet (fetchPage). */
export interface PageText {
  /** Characters (bytes for GeoJSON) of its text. */
  chars: number;
  /** Its features (main thread); may throw RowsUnsupported (see fetchPage). */
  parse(): Page;
}

/** A feature as the GeoJSON driver writes it. */
export interface RawFeature {
  id?: number;
  properties: Record<string, unknown> | null;
  geometry: unknown;
}

/**
 * One page to read: a SELECT in SQLite (GPKG, SQLite) or OGR SQL (other drivers). Never put FID in an OGR
 * SQL WHERE: GDAL 3.6 then ignores the whole WHERE when it also names a field left out of the SELECT list,
 * and renumbers the FIDs. (ogr2ogr's -where/-select is no way out: with -select it ignores the unselected
 * fields the -where needs on some drivers, GeoJSON among them.)
 */
export interface PageRequest {
  info: SourceInfo;
  /** Fields to select. */
  fields: readonly string[];
  where: readonly string[];
  orderBy: ReadonlyArray<{ field: string; descending: boolean }>;
  /** Order by FID (cursor paging) when there is no orderBy. */
  orderByFid: boolean;
  fid: string;
  /** Page size (finite). */
  limit: number;
  offset: number;
  withGeometry: boolean;
  /** Spatial filter in the layer CRS (-spat). */
  spatialFilter: readonly [number, number, number, number] | null;
  /** The rectangle to clip to (with clip) in the layer CRS. */
  bounds: readonly [number, number, number, number] | null;
  clip: boolean;
  /** Simplification tolerance in layer CRS units. */
  simplify: number | undefined;
  /** [source CRS, target CRS] when reprojecting. */
  reproject: [string, string] | null;
  /** Decimals written for coordinates; null: every significant digit (17, exact doubles). */
  precision: number | null;
}

/** The SELECT statement of a page, in SQLite (GPKG/SQLite) or OGR SQL. */
export function pageSql(p: PageRequest): string {
  const sqlite = p.info.kind === 'sqlite';
  const cols: string[] = [];
  if (sqlite) cols.push(p.fid);
  cols.push(...p.fields.map(quoteIdent));
  // Selected for a spatial filter too: without the geometry GDAL can only test the R-tree envelopes.
  if (sqlite && (p.withGeometry || p.spatialFilter) && p.info.geomColumn) cols.push(quoteIdent(p.info.geomColumn));
  if (cols.length === 0) cols.push('FID');
  let sql = `SELECT ${cols.join(', ')} FROM ${quoteIdent(p.info.layerName)}`;
  const where = andSql(p.where);
  if (where) sql += ` WHERE ${where}`;
  const order = p.orderBy.map((o) => `${quoteIdent(o.field)}${o.descending ? ' DESC' : ''}`);
  if (order.length > 0 || p.orderByFid) order.push(p.fid);
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
  sql += ` LIMIT ${p.limit}`;
  if (p.offset > 0) sql += ` OFFSET ${p.offset}`;
  return sql;
}

/** ogr2ogr arguments for a page. */
export function pageArgs(p: PageRequest): string[] {
  const args = ['-sql', pageSql(p), '-dialect', p.info.kind === 'sqlite' ? 'SQLite' : 'OGRSQL'];
  if (p.spatialFilter) args.push('-spat', ...p.spatialFilter.map(String));
  if (!p.withGeometry) args.push('-nlt', 'NONE');
  return [...outputArgs(p), ...args];
}

/** What a page's geometries go through on the way out: clipping, simplification, reprojection, rounding. */
export type OutputRequest = Pick<PageRequest, 'withGeometry' | 'bounds' | 'clip' | 'simplify' | 'reproject' | 'precision'>;

/** The output side of ogr2ogr's arguments (GeoJSON written with FIDs; clip, simplify, reproject, precision). */
function outputArgs(p: OutputRequest): string[] {
  const digits = p.precision === null ? 'SIGNIFICANT_FIGURES=17' : `COORDINATE_PRECISION=${p.precision}`;
  const args = ['-f', 'GeoJSON', '-preserve_fid', '-skipfailures', '-lco', digits, '-lco', 'WRITE_NAME=NO'];
  if (p.withGeometry && p.clip && p.bounds) args.push('-clipsrc', ...p.bounds.map(String));
  if (p.withGeometry && p.simplify !== undefined && p.simplify > 0) args.push('-simplify', String(p.simplify));
  if (p.withGeometry && p.reproject) args.push('-s_srs', p.reproject[0], '-t_srs', p.reproject[1]);
  return args;
}

/**
 * Puts features read at full precision in the layer CRS (a spatial test needs them so) through the output
 * steps a direct page read applies, by ogr2ogr from an in-memory GeoJSON: 17 significant digits round-trip
 * every double, so the result is what the direct read writes. Features GDAL cannot reproject are dropped,
 * as -skipfailures drops them there.
 */
export async function reformatGeometries(features: readonly RawFeature[], p: OutputRequest): Promise<Map<number, unknown>> {
  const input = `/vsimem/ows-reformat-${randomUUID()}.json`;
  const doc = { type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', id: f.id, properties: {}, geometry: f.geometry })) };
  gdal.vsimem.set(Buffer.from(JSON.stringify(doc)), input);
  let src: gdal.Dataset | undefined;
  try {
    src = await gdal.openAsync(input);
    const out = await translate(src, outputArgs(p));
    return new Map(out.map((f) => [f.id as number, f.geometry]));
  } finally {
    src?.close();
    release(input);
  }
}

/** Reads a page and parses it (fetchPage then parse, read again as GeoJSON when the rows reader cannot give it). */
export async function readPage(dataset: gdal.Dataset, p: PageRequest, signal?: AbortSignal): Promise<Page> {
  const text = await fetchPage(dataset, p, signal);
  try {
    return text.parse();
  } catch (err) {
    if (!(err instanceof RowsUnsupported)) throw err;
  }
  return (await fetchPage(dataset, p, signal)).parse();
}

/**
 * Reads a page on the libuv pool, as GeoPackage rows where it can (gpkg-rows.ts) else as GeoJSON through ogr2ogr,
 * and leaves the parse to the caller: a page read ahead waits as one string or buffer, not as thousands of objects
 * the garbage collector would move to the old generation meanwhile. parse() may throw RowsUnsupported: the source
 * is then marked, and reading the page again gives GeoJSON. An aborted signal stops the read before it starts
 * and, when it comes during the read (which GDAL cannot interrupt), drops the page.
 */
export async function fetchPage(dataset: gdal.Dataset, p: PageRequest, signal?: AbortSignal): Promise<PageText> {
  if (rowsReadable(p)) {
    try {
      return await fetchRows(dataset, p, signal);
    } catch (err) {
      if (!(err instanceof RowsUnsupported)) throw err;
    }
  }
  const buffer = await translateBuffer(dataset, pageArgs(p), signal);
  return { chars: buffer.length, parse: () => pageOf(geoJsonFeatures(buffer), buffer.length) };
}

/**
 * The rows of a SQL query (no geometry), through ogr2ogr like a page: gdal-async's executeSQL leaves a result
 * layer for the garbage collector, which then blocks the event loop while the dataset is busy. dialect null:
 * the driver's own SQL.
 */
export async function queryRows(dataset: gdal.Dataset, sql: string, dialect: string | null = 'SQLite'): Promise<Array<Record<string, unknown>>> {
  const args = ['-f', 'GeoJSON', '-lco', 'WRITE_NAME=NO', '-nlt', 'NONE', '-sql', sql, ...(dialect ? ['-dialect', dialect] : [])];
  return (await translate(dataset, args)).map((f) => f.properties ?? {});
}

/** ogr2ogr into an in-memory GeoJSON file, parsed. */
async function translate(dataset: gdal.Dataset, args: string[]): Promise<RawFeature[]> {
  return geoJsonFeatures(await translateBuffer(dataset, args));
}

/** The features of a GeoJSON text (JSON.parse makes the objects: no allocation site for V8 to pretenure). */
function geoJsonFeatures(buffer: Buffer): RawFeature[] {
  const doc = JSON.parse(buffer.toString('utf8')) as { features?: RawFeature[] };
  return doc.features ?? [];
}

/** ogr2ogr into an in-memory GeoJSON file, its bytes (unless the signal aborted meanwhile). */
async function translateBuffer(dataset: gdal.Dataset, args: string[], signal?: AbortSignal): Promise<Buffer> {
  signal?.throwIfAborted();
  const file = `/vsimem/ows-read-${randomUUID()}.json`;
  let out: gdal.Dataset | undefined;
  try {
    out = await gdal.vectorTranslateAsync(file, dataset, args);
    out.close();
    out = undefined;
    signal?.throwIfAborted();
    return gdal.vsimem.release(file);
  } finally {
    if (out) {
      try {
        out.close();
      } catch {
        /* closed */
      }
    }
    release(file);
  }
}

function release(file: string): void {
  try {
    gdal.vsimem.release(file);
  } catch {
    /* already released or never written */
  }
}
