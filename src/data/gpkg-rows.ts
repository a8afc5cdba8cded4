/**
 * GeoPackage pages read as rows rather than through GDAL's GeoJSON writer: SQLite renders the page's SELECT as
 * one JSON array of rows (json_group_array), ogr2ogr hands that one value over in a Memory dataset as a blob, its
 * bytes are scanned into columns (rows-scan.ts, no JSON.parse), and the geometries come as their blobs in hex,
 * decoded here (a plain point's coordinates read straight from the hex digits). Measured on 1M points: ogr2ogr
 * to GeoJSON ~7 µs per feature on the libuv thread and ~1 µs to parse; this ~1.4 µs and ~0.3 µs.
 *
 * Used only where it gives what the GeoJSON path gives (rowsReadable): no reprojection, clipping or
 * simplification, and fields whose SQLite values GDAL writes as they are (plainFields: integers, reals, text,
 * without a boolean, float32 or JSON subtype). Reals keep every digit (quote() round-trips doubles); coordinates
 * are rounded to the page's decimals as GDAL prints them (gdal-round.ts). A geometry GeoJSON cannot carry as it is
 * (curves, empty ones) makes the page fail with RowsUnsupported: the caller reads it as GeoJSON.
 */
import gdal from 'gdal-async';
import { quoteIdent, quoteLiteral, type SourceInfo } from './vector-plan.js';
import type { Geometry } from './types.js';
import { gdalRounder } from './gdal-round.js';
import { CellKind, RowsScanError, scanRows, type ScannedRows } from './rows-scan.js';
import { pageSql, queryRows, type PageRequest, type Page, type PageText } from './vector-translate.js';

/** A page the rows reader cannot give exactly as GDAL would: read it as GeoJSON. */
export class RowsUnsupported extends Error {}

/** Declared column types GDAL reads as plain integers, reals and text (no subtype it would write differently). */
const PLAIN_DECLARED = /^(INTEGER|INT|MEDIUMINT|SMALLINT|TINYINT|DOUBLE|REAL|TEXT(\s*\(\s*\d+\s*\))?)$/i;
const PLAIN_TYPES = new Set(['integer', 'integer64', 'real', 'string']);

/**
 * The fields of a GeoPackage layer the rows reader may read: plain types, declared as such, not JSON text
 * (gpkg_data_columns' mime type). Null for other sources.
 */
export async function plainFields(dataset: gdal.Dataset, driver: string, table: string, fields: ReadonlyMap<string, string>): Promise<ReadonlySet<string> | null> {
  if (driver !== 'GPKG') return null;
  try {
    const declared = new Map((await queryRows(dataset, `SELECT name, type FROM pragma_table_info(${quoteLiteral(table)})`)).map((r) => [String(r['name']), String(r['type'] ?? '')] as [string, string]));
    let json = new Set<string>();
    try {
      const rows = await queryRows(dataset, `SELECT column_name FROM gpkg_data_columns WHERE lower(table_name) = lower(${quoteLiteral(table)}) AND lower(mime_type) LIKE 'application/json%'`);
      json = new Set(rows.map((r) => String(r['column_name'])));
    } catch {
      /* no gpkg_data_columns table: no JSON columns */
    }
    const plain = new Set<string>();
    for (const [name, type] of fields) {
      if (PLAIN_TYPES.has(type) && PLAIN_DECLARED.test((declared.get(name) ?? '').trim()) && !json.has(name)) plain.add(name);
    }
    return plain;
  } catch {
    return null;
  }
}

/** Whether a page can be read as rows. */
export function rowsReadable(p: PageRequest): boolean {
  const info = p.info;
  if (info.kind !== 'sqlite' || !info.plainFields || !info.fidColumn || failed.has(info)) return false;
  if (p.reproject || p.spatialFilter || (p.withGeometry && ((p.clip && p.bounds) || (p.simplify !== undefined && p.simplify > 0)))) return false;
  if (p.withGeometry && !info.geomColumn) return false;
  return p.fields.every((f) => info.plainFields!.has(f));
}

/**
 * Sources (per pooled handle) the rows reader failed on: SQLite without JSON functions, a geometry it cannot give,
 * rows out of order. They read GeoJSON from then on.
 */
const failed = new WeakSet<SourceInfo>();

/** The page's SELECT wrapped into one JSON array of [fid, ...fields, hex geometry] rows, as a blob (rowsBytes). */
export function rowsSql(p: PageRequest): string {
  const cols = [p.fid, ...p.fields.map((f) => valueSql(quoteIdent(f), p.info.fields.get(f)!))];
  if (p.withGeometry) cols.push(geometrySql(quoteIdent(p.info.geomColumn), p.info.pointPrefix));
  return `SELECT CAST(json_group_array(json_array(${cols.join(', ')})) AS BLOB) AS j FROM (${pageSql(p)})`;
}

/**
 * The geometry cell, in hex ('' for NULL). Where the layer's plain-point prefix is known (plainPointPrefix), a
 * blob that starts with it comes as the 16 bytes of its x and y (POINT_XY_HEX characters), any other blob whole;
 * else every blob comes whole (a plain point is then recognised here: pointAt). One comparison of a prefix
 * costs SQLite less than testing the flags and the WKB header apart (the two took a third of a million-point
 * page read), and the shorter cell less to parse.
 */
function geometrySql(g: string, pointPrefix: string | null): string {
  if (!pointPrefix) return `hex(${g})`;
  return `CASE WHEN substr(${g}, 1, 13) = x'${pointPrefix}' THEN hex(substr(${g}, 14, 16)) ELSE hex(${g}) END`;
}

/**
 * The first 13 bytes of a plain point's blob in a GeoPackage table, in hex: 'GP', version 0, flags 0x01
 * (little-endian, no envelope, not empty), the table's srs_id (int32 little-endian), then a little-endian WKB
 * point header (01 01000000). Null when the table's srs_id cannot be read.
 */
export async function plainPointPrefix(dataset: gdal.Dataset, table: string): Promise<string | null> {
  try {
    const [row] = await queryRows(dataset, `SELECT srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(${quoteLiteral(table)})`);
    const srs = Number(row?.['srs_id']);
    if (!Number.isInteger(srs) || srs < -2147483648 || srs > 2147483647) return null;
    const id = Buffer.alloc(4);
    id.writeInt32LE(srs);
    return `47500001${id.toString('hex').toUpperCase()}0101000000`;
  } catch {
    return null;
  }
}

const HEX_DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_DIGIT['0123456789ABCDEF'.charCodeAt(i)] = i;
  HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = i;
}
const scratch = new DataView(new ArrayBuffer(8));

/** The little-endian double whose 8 bytes are written in hex at `at` of `bytes`. */
function hexDouble(bytes: Buffer, at: number): number {
  for (let i = 0; i < 8; i++) {
    const hi = HEX_DIGIT[bytes[at + 2 * i]!]!, lo = HEX_DIGIT[bytes[at + 2 * i + 1]!]!;
    if (hi < 0 || lo < 0) throw new RowsUnsupported('bad hex');
    scratch.setUint8(i, (hi << 4) | lo);
  }
  return scratch.getFloat64(0, true);
}

/** Hex digits of a plain point's coordinates alone (see geometrySql). */
const POINT_XY_HEX = 32;
/** Hex digits of a plain point's whole blob: the 13 bytes of POINT_TEMPLATE, then x and y. */
const POINT_HEX = 58;
/** A plain point blob's fixed bytes (see plainPointPrefix); '.' = any (the srs_id). */
const POINT_TEMPLATE = Buffer.from('47500001........0101000000', 'latin1');

/**
 * Where a geometry cell (`length` hex digits at `start`) has a plain point's x (y follows 16 digits on), as an
 * offset from `start`, or -1 for other geometries.
 */
function pointAt(bytes: Buffer, start: number, length: number): number {
  if (length === POINT_XY_HEX) return 0;
  if (length !== POINT_HEX) return -1;
  for (let i = 0; i < POINT_TEMPLATE.length; i++) {
    const t = POINT_TEMPLATE[i]!;
    if (t !== 46 && t !== bytes[start + i]) return -1;
  }
  return POINT_TEMPLATE.length;
}

/**
 * A column as GDAL reads it (sqlite3_column_int64 / _double / _text). Reals come as quote()'s text, which
 * round-trips every double ('NULL' for null; made numbers in rows-scan.ts): cheaper than having SQLite turn that
 * text into JSON numbers.
 */
function valueSql(col: string, type: string): string {
  if (type === 'real') return `quote(CAST(${col} AS REAL))`;
  return type === 'string' ? `CAST(${col} AS TEXT)` : `CAST(${col} AS INTEGER)`;
}

/** The kinds of a page's cells, in rowsSql's order. */
function cellKinds(p: PageRequest): CellKind[] {
  const kinds = [CellKind.Integer];
  for (const f of p.fields) {
    const type = p.info.fields.get(f);
    kinds.push(type === 'real' ? CellKind.Real : type === 'string' ? CellKind.Text : CellKind.Integer);
  }
  if (p.withGeometry) kinds.push(CellKind.Hex);
  return kinds;
}

/**
 * Reads a page as rows (see the module comment), not parsed yet: its bytes, and parse() to make the features on
 * the main thread when they are wanted. RowsUnsupported when SQLite cannot render it (then, or from parse(), when
 * a geometry needs GDAL's GeoJSON writer): read the page as GeoJSON.
 */
export async function fetchRows(dataset: gdal.Dataset, p: PageRequest, signal?: AbortSignal): Promise<PageText> {
  signal?.throwIfAborted();
  let bytes: Buffer;
  try {
    bytes = await rowsBytes(dataset, rowsSql(p));
  } catch (err) {
    // No JSON functions in this SQLite, a page too big for one value, a point with NaN coordinates: GeoJSON then.
    if (/no such function|too big|malformed JSON/i.test(err instanceof Error ? err.message : '')) {
      failed.add(p.info);
      throw new RowsUnsupported('SQLite cannot render the page');
    }
    throw err;
  }
  signal?.throwIfAborted();
  return { chars: bytes.length, parse: () => parseRows(bytes, p) };
}

/**
 * The features of a page's rows, made when asked (Page.at): a plain point's coordinates are read from its hex
 * when asked; other geometries, and reals, are decoded now, so that one the rows reader cannot give fails the
 * page before any feature of it is used (RowsUnsupported; the source is then marked for GeoJSON).
 */
function parseRows(bytes: Buffer, p: PageRequest): Page {
  let rows: ScannedRows;
  try {
    rows = scanRows(bytes, cellKinds(p));
  } catch (err) {
    if (!(err instanceof RowsScanError)) throw err;
    failed.add(p.info);
    throw new RowsUnsupported(err.message);
  }
  const length = rows.length;
  const fids = rows.numbers[0]!;
  // The aggregate takes the rows in the order the page's SELECT gives them (SQLite runs it as a co-routine);
  // keyed paging depends on it, so a page keyed on FIDs is checked.
  if (p.orderByFid && p.orderBy.length === 0 && !ascending(fids, length)) {
    failed.add(p.info);
    throw new RowsUnsupported('rows out of FID order');
  }
  const round = p.precision === null ? null : gdalRounder(p.precision);
  const fields = p.fields;
  const n = fields.length;
  const hexStart = p.withGeometry ? rows.start[n + 1]! : null;
  const hexEnd = p.withGeometry ? rows.end[n + 1]! : null;
  let blobs: Array<Geometry | undefined> | null = null;
  if (hexStart && hexEnd) {
    try {
      for (let r = 0; r < length; r++) {
        const start = hexStart[r]!, digits = hexEnd[r]! - start;
        if (digits > 0 && pointAt(bytes, start, digits) < 0) (blobs ??= new Array(length))[r] = decodeGpkg(bytes.latin1Slice(start, start + digits), round);
      }
    } catch (err) {
      if (err instanceof RowsUnsupported) failed.add(p.info);
      throw err;
    }
  }
  const geometry = (r: number): Geometry | null => {
    const start = hexStart![r]!, digits = hexEnd![r]! - start;
    if (digits === 0) return null;
    const blob = blobs?.[r];
    if (blob) return blob;
    const at = start + pointAt(bytes, start, digits);
    const x = hexDouble(bytes, at), y = hexDouble(bytes, at + 16);
    return { type: 'Point', coordinates: round ? [round(x), round(y)] : [x, y] };
  };
  return {
    length,
    bytes: bytes.length,
    at: (r) => {
      const properties: Record<string, unknown> = {};
      for (let c = 0; c < n; c++) properties[fields[c]!] = rows.value(c + 1, r);
      return { id: fids[r]!, properties, geometry: hexStart ? geometry(r) : null };
    },
  };
}

function ascending(fids: Float64Array, length: number): boolean {
  for (let r = 1; r < length; r++) if (!(fids[r]! > fids[r - 1]!)) return false;
  return true;
}

/**
 * Runs the SQL through ogr2ogr into a Memory dataset and takes its one value. rowsSql casts the text to a blob:
 * GDAL then gives its bytes as they are (a Buffer) rather than a string decoded from UTF-8, which cost more than
 * scanning the bytes (and made a two-byte string of a whole page for one non-ASCII letter).
 */
async function rowsBytes(dataset: gdal.Dataset, sql: string): Promise<Buffer> {
  const out = await gdal.vectorTranslateAsync('', dataset, ['-f', 'Memory', '-sql', sql, '-dialect', 'SQLite', '-nlt', 'NONE']);
  try {
    // The Memory dataset is ours alone: its synchronous getters wait for no lock.
    const value: unknown = out.layers.get(0)?.features.first()?.fields.get('j');
    if (Buffer.isBuffer(value)) return value;
    // A GDAL that types the cast column as text (or an empty value): the same bytes.
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from('[]');
  } finally {
    out.close();
  }
}

/** A GeoPackage geometry blob (hex) as GeoJSON; coordinates rounded with `round` (null: every digit). */
export function decodeGpkg(hex: string, round: ((v: number) => number) | null): Geometry {
  const buf = Buffer.from(hex, 'hex');
  if (buf.length < 8 || buf[0] !== 0x47 || buf[1] !== 0x50) throw new RowsUnsupported('not a GeoPackage geometry');
  const flags = buf[3]!;
  if (flags & 0x30) throw new RowsUnsupported('empty or extended GeoPackage geometry');
  const envelope = [0, 32, 48, 48, 64][(flags >> 1) & 7];
  if (envelope === undefined) throw new RowsUnsupported('bad GeoPackage envelope');
  return new WkbReader(buf, 8 + envelope, round).geometry();
}

const TYPE_NAMES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'] as const;

/** ISO (and 2.5D-flagged) WKB to GeoJSON, as GDAL's GeoJSON writer puts it: x, y and z, no m. */
class WkbReader {
  #at: number;
  #little = true;
  #z = false;
  #m = false;

  constructor(private readonly buf: Buffer, at: number, private readonly round: ((v: number) => number) | null) {
    this.#at = at;
  }

  geometry(): Geometry {
    const buf = this.buf;
    if (this.#at + 5 > buf.length) throw new RowsUnsupported('truncated WKB');
    this.#little = buf[this.#at] === 1;
    this.#at++;
    const code = this.#uint();
    const flat = (code & 0x0fffffff) % 1000;
    const dims = Math.floor((code & 0x0fffffff) / 1000);
    this.#z = dims === 1 || dims === 3 || (code & 0x80000000) !== 0;
    this.#m = dims === 2 || dims === 3 || (code & 0x40000000) !== 0;
    const type = TYPE_NAMES[flat];
    if (!type) throw new RowsUnsupported(`WKB geometry type ${code}`);
    switch (flat) {
      case 1: {
        const point = this.#position();
        if (point.some(Number.isNaN)) throw new RowsUnsupported('empty point');
        return { type: 'Point', coordinates: point };
      }
      case 2: return { type: 'LineString', coordinates: this.#line() };
      case 3: return { type: 'Polygon', coordinates: this.#rings() };
      case 7: return { type: 'GeometryCollection', geometries: this.#parts(() => this.geometry()) };
      default: {
        // Multi*: each part a WKB geometry of its own (header and all).
        const parts = this.#parts(() => this.geometry());
        const coordinates = parts.map((g) => (g as { coordinates: unknown }).coordinates);
        return { type, coordinates } as Geometry;
      }
    }
  }

  #parts<T>(read: () => T): T[] {
    const n = this.#uint();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  }

  #rings(): number[][][] {
    return this.#parts(() => this.#line());
  }

  #line(): number[][] {
    return this.#parts(() => this.#position());
  }

  #position(): number[] {
    const x = this.#double(), y = this.#double();
    const z = this.#z ? this.#double() : NaN;
    if (this.#m) this.#double();
    const r = this.round;
    if (!r) return this.#z ? [x, y, z] : [x, y];
    return this.#z ? [r(x), r(y), r(z)] : [r(x), r(y)];
  }

  #uint(): number {
    if (this.#at + 4 > this.buf.length) throw new RowsUnsupported('truncated WKB');
    const v = this.#little ? this.buf.readUInt32LE(this.#at) : this.buf.readUInt32BE(this.#at);
    this.#at += 4;
    return v;
  }

  #double(): number {
    if (this.#at + 8 > this.buf.length) throw new RowsUnsupported('truncated WKB');
    const v = this.#little ? this.buf.readDoubleLE(this.#at) : this.buf.readDoubleBE(this.#at);
    this.#at += 8;
    return v;
  }
}
