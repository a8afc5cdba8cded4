/**
 * What an edit writes, checked before anything is written: attribute values converted to their field's type
 * (InvalidValue naming the field otherwise; a hidden or unknown field is refused like a missing one) and
 * geometries brought into the layer CRS and fitted to the layer's geometry type (a single geometry is promoted
 * to its multi type; any other mismatch is InvalidValue). What only the source knows (NOT NULL, defaults, text
 * widths, its geometry type) is checked against the source's description (edit-source.ts) when applied.
 */
import gdal from 'gdal-async';
import { OgcError } from '../errors/ogc-error.js';
import type { FieldDef, VectorLayerDef } from '../project/model.js';
import { resolveCrs, transformer } from './crs.js';
import { checkGeoJSON, toGdal } from './spatial.js';
import { unknownField } from './vector-plan.js';
import type { Geometry } from './types.js';

/** Attribute values by source field name, converted to what GDAL stores (null: NULL). */
export type Values = Map<string, unknown>;

const INTEGER = /^\s*[+-]?\d+\s*$/;
const REAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:?\d{2})?$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** A value that cannot be stored in its field (or a geometry in its layer). */
export function invalidValue(message: string, locator: string): OgcError {
  return new OgcError('InvalidValue', message, { locator });
}

/**
 * The attributes of an insert or update, converted: each must name a field this request may see (the
 * published, authorised ones), each value must fit the field's type.
 */
export function convertAttributes(layer: VectorLayerDef, visible: readonly FieldDef[], attributes: unknown): Values {
  if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw new OgcError('InvalidParameterValue', `The attributes of an edit of layer '${layer.name}' must be a map of field names to values`, { locator: layer.name });
  }
  const fields = new Map(visible.map((f) => [f.name, f]));
  const out: Values = new Map();
  for (const [name, value] of Object.entries(attributes as Record<string, unknown>)) {
    const field = fields.get(name);
    if (!field) throw unknownField(layer.name, name, name);
    out.set(name, convertValue(field, value));
  }
  return out;
}

/** One value in the type GDAL stores for the field; null and undefined are NULL. */
export function convertValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const bad = (why = `is not a valid ${field.type}`) => invalidValue(`The value of field '${field.name}' ${why}`, field.name);
  switch (field.type.toLowerCase()) {
    case 'integer':
    case 'boolean':
      return integer(value, 32, bad);
    case 'integer64':
      return integer(value, 64, bad);
    case 'real': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && REAL.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw bad();
      return n;
    }
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'boolean') return String(value);
      throw bad();
    case 'date':
      return dateText(value, DATE, bad, (m) => `${m[1]}-${m[2]}-${m[3]}`);
    case 'datetime':
      return dateText(value, DATETIME, bad, (m) => m[0]!.replace(' ', 'T'));
    case 'time': {
      const m = typeof value === 'string' ? TIME.exec(value.trim()) : null;
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 60) throw bad();
      return m[0];
    }
    default:
      throw bad(`cannot be written (a ${field.type} field)`);
  }
}

function integer(value: unknown, bits: 32 | 64, bad: () => OgcError): number | string {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw bad();
    if (bits === 32 ? Math.abs(value) > 2 ** 31 - (value < 0 ? 0 : 1) : !Number.isSafeInteger(value)) throw bad();
    return value;
  }
  if (typeof value !== 'string' || !INTEGER.test(value)) throw bad();
  const big = BigInt(value.trim());
  const max = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (big >= max || big < -max) throw bad();
  // Past 2^53 a 64-bit value stays text: OGR parses it without losing a digit.
  return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
}

/** A date or date-time text, checked as a calendar date (GDAL stores 2020-02-30 without a word). */
function dateText(value: unknown, pattern: RegExp, bad: () => OgcError, keep: (m: RegExpExecArray) => string): string {
  const m = typeof value === 'string' ? pattern.exec(value.trim()) : null;
  if (!m) throw bad();
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) throw bad();
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 60)) throw bad();
  return keep(m);
}

/** A geometry of an edit in the layer CRS (GeoJSON in x/y order in `crs`, default the layer's); null stays null. */
export async function layerGeometry(value: Geometry | null | undefined, crs: string | undefined, layer: VectorLayerDef): Promise<gdal.Geometry | null> {
  if (value === null || value === undefined) return null;
  const why = checkGeoJSON(value, 0);
  if (why) throw invalidValue(`The geometry is not valid: ${why}`, 'geometry');
  const from = await resolveCrs(crs ?? layer.crs, 'InvalidParameterValue', 'srsName');
  const to = await resolveCrs(layer.crs, 'NoApplicableCode');
  let g: gdal.Geometry;
  try {
    g = toGdal(value);
  } catch {
    throw invalidValue('The geometry is not valid', 'geometry');
  }
  if (!(await transformer(from, to)).geometry(g)) throw invalidValue(`The geometry cannot be expressed in the CRS of layer '${layer.name}' (${layer.crs})`, 'geometry');
  return g;
}

const NAMES: Record<number, string> = { 1: 'Point', 2: 'LineString', 3: 'Polygon', 4: 'MultiPoint', 5: 'MultiLineString', 6: 'MultiPolygon', 7: 'GeometryCollection' };
const MULTI_OF: Record<number, number> = { 1: 4, 2: 5, 3: 6 };

/** The 2D OGR type code of a geometry type (Z / M / 2.5D flags dropped). */
export function flatType(code: number): number {
  return ((code & 0x7fffffff) >>> 0) % 1000;
}

/**
 * A geometry fitted to the layer's type (`want`: flat OGR code, 0 = any): the same type stays, a single
 * geometry goes into its multi type, anything else is InvalidValue. Z is dropped for a 2D layer.
 */
export function fitGeometry(g: gdal.Geometry, want: number, has3D: boolean, layer: VectorLayerDef): gdal.Geometry {
  let out = g;
  if (!has3D && flatType(g.wkbType) !== g.wkbType) {
    out = g.clone();
    out.flattenTo2D();
  }
  const type = flatType(out.wkbType);
  if (want === 0 || want === type) return out;
  if (MULTI_OF[type] === want) {
    const multi = want === 4 ? new gdal.MultiPoint() : want === 5 ? new gdal.MultiLineString() : new gdal.MultiPolygon();
    multi.children.add(out);
    return multi;
  }
  throw invalidValue(`A ${NAMES[type] ?? 'geometry'} cannot be stored in layer '${layer.name}' (${NAMES[want] ?? 'geometry'})`, 'geometry');
}
