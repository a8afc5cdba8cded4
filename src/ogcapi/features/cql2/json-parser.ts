/**
 * CQL2 JSON (OGC 21-065r2, cql2-json, schema cql2.json) → the CQL2 syntax tree:
 *
 *   {"op": "and" | "or", "args": [p, p, …]}      {"op": "not", "args": [p]}        true | false
 *   {"op": "=" | "<>" | "<" | ">" | "<=" | ">=", "args": [s, s]}
 *   {"op": "like", "args": [s, pattern]}  {"op": "between", "args": [s, s, s]}  {"op": "in", "args": [s, [s, …]]}
 *   {"op": "isNull", "args": [s]}         {"op": "s_intersects" … "s_contains", "args": [g, g]}
 *   s = {"property": name} | "text" | number | true | false | {"date": "…"} | {"timestamp": "…"}
 *     | {"op": "casei", "args": [s]}
 *   g = {"property": name} | GeoJSON geometry | {"bbox": [4 or 6 numbers]}
 *
 * Operator names are matched case-insensitively; members other than these are ignored. Errors name the
 * JSON Pointer of the offending value (#/args/1/args/0). Nesting beyond MAX_FILTER_DEPTH is refused.
 */
import type { Geometry } from '../../../data/types.js';
import { parseDate, parseTimestamp } from './literals.js';
import { filterError, MAX_FILTER_DEPTH, quoteShort, SPATIAL_FUNCTIONS, type CompareOp, type GeomOperand, type Predicate, type Scalar } from './syntax.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const COMPARE: ReadonlySet<string> = new Set(['=', '<>', '<', '>', '<=', '>=']);
const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '^', 'div']);
const TEMPORAL = /^t_(after|before|contains|disjoint|during|equals|finishedby|finishes|intersects|meets|metby|overlappedby|overlaps|startedby|starts)$/;
const ARRAY = /^a_(equals|contains|containedby|overlaps)$/;
const PREDICATES: ReadonlySet<string> = new Set(['and', 'or', 'not', 'like', 'between', 'in', 'isnull', ...COMPARE, ...[...SPATIAL_FUNCTIONS.keys()].map((k) => k.toLowerCase())]);

/** Parses CQL2 JSON text; malformed JSON and every unsupported construct give the filter's 400. */
export function parseJson(text: string): Predicate {
  if (text.trim() === '') throw filterError('the filter is empty');
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (e) {
    throw filterError(`malformed CQL2 JSON (${(e as Error).message})`);
  }
  return predicate(value, '#', 0);
}

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeJson(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${quoteShort(JSON.stringify(v))}`;
}

/** The operator and its argument list of {"op": …, "args": […]}, with the expected argument count checked. */
function operation(v: JsonObject, path: string): { op: string; args: Json[] } {
  if (typeof v.op !== 'string') throw filterError('expected an object with "op" and "args"', path);
  const op = v.op.toLowerCase();
  if (!Array.isArray(v.args)) throw filterError(`"${v.op}" needs an "args" array`, path);
  return { op, args: v.args };
}

function arity(op: string, args: Json[], count: number, path: string): void {
  if (args.length !== count) throw filterError(`"${op}" takes ${count} argument${count === 1 ? '' : 's'}, not ${args.length}`, `${path}/args`);
}

function checkDepth(depth: number, path: string): void {
  if (depth > MAX_FILTER_DEPTH) throw filterError(`the filter is nested too deeply (more than ${MAX_FILTER_DEPTH} levels)`, path);
}

function predicate(v: Json, path: string, depth: number): Predicate {
  checkDepth(depth, path);
  if (typeof v === 'boolean') return { kind: 'literal', value: v, loc: path };
  if (!isObject(v)) throw filterError(`expected a CQL2 JSON predicate but found ${describeJson(v)}`, path);
  const { op, args } = operation(v, path);
  const at = (i: number): string => `${path}/args/${i}`;
  switch (op) {
    case 'and':
    case 'or':
      if (args.length < 2) throw filterError(`"${op}" takes at least 2 arguments, not ${args.length}`, `${path}/args`);
      return { kind: op, args: args.map((a, i) => predicate(a, at(i), depth + 1)), loc: path };
    case 'not':
      arity(op, args, 1, path);
      return { kind: 'not', arg: predicate(args[0], at(0), depth + 1), loc: path };
    case 'like':
      arity(op, args, 2, path);
      return { kind: 'like', negated: false, value: scalar(args[0], at(0), depth + 1), pattern: pattern(args[1], at(1), depth + 1), loc: path };
    case 'between':
      arity(op, args, 3, path);
      return {
        kind: 'between', negated: false, value: scalar(args[0], at(0), depth + 1),
        low: scalar(args[1], at(1), depth + 1), high: scalar(args[2], at(2), depth + 1), loc: path,
      };
    case 'in': {
      arity(op, args, 2, path);
      const list = args[1];
      if (!Array.isArray(list) || list.length === 0) throw filterError('"in" needs a non-empty array of values as its second argument', at(1));
      return { kind: 'in', negated: false, value: scalar(args[0], at(0), depth + 1), list: list.map((x, i) => scalar(x, `${at(1)}/${i}`, depth + 1)), loc: path };
    }
    case 'isnull':
      arity(op, args, 1, path);
      return { kind: 'isNull', negated: false, value: scalar(args[0], at(0), depth + 1), loc: path };
    default:
      break;
  }
  if (COMPARE.has(op)) {
    arity(op, args, 2, path);
    return { kind: 'compare', op: op as CompareOp, left: scalar(args[0], at(0), depth + 1), right: scalar(args[1], at(1), depth + 1), loc: path };
  }
  const spatial = SPATIAL_FUNCTIONS.get(op.toUpperCase());
  if (spatial) {
    arity(op, args, 2, path);
    return { kind: 'spatial', op: spatial, args: [geometry(args[0], at(0)), geometry(args[1], at(1))], loc: path };
  }
  throw unsupported(op, path, 'predicate');
}

function unsupported(op: string, path: string, role: string): Error {
  if (TEMPORAL.test(op)) return filterError(`temporal functions ("${op}") are not supported`, path);
  if (ARRAY.test(op)) return filterError(`array functions ("${op}") are not supported`, path);
  if (ARITHMETIC.has(op)) return filterError(`arithmetic expressions ("${op}") are not supported`, path);
  if (op === 'accenti') return filterError('"accenti" is not supported', path);
  if (op === 'casei') return filterError(`"casei" is a value, not a ${role}`, path);
  if (PREDICATES.has(op)) return filterError(`"${op}" is a predicate, not a ${role}`, path);
  return filterError(`unknown operator or unsupported function ${quoteShort(op)}`, path);
}

function scalar(v: Json, path: string, depth: number): Scalar {
  checkDepth(depth, path);
  switch (typeof v) {
    case 'string':
      return { kind: 'string', value: v, loc: path };
    case 'number':
      return { kind: 'number', value: v, loc: path };
    case 'boolean':
      return { kind: 'boolean', value: v, loc: path };
    default:
      break;
  }
  if (!isObject(v)) throw filterError(`expected a property, a value or "casei" but found ${Array.isArray(v) ? 'an array (arrays are not supported)' : describeJson(v)}`, path);
  if ('property' in v) return property(v, path);
  if ('date' in v) {
    const value = typeof v.date === 'string' ? parseDate(v.date) : null;
    if (value === null) throw filterError(`${describeJson(v.date)} is not a date (YYYY-MM-DD)`, `${path}/date`);
    return { kind: 'date', value, loc: path };
  }
  if ('timestamp' in v) {
    const value = typeof v.timestamp === 'string' ? parseTimestamp(v.timestamp) : null;
    if (value === null) throw filterError(`${describeJson(v.timestamp)} is not a UTC timestamp (YYYY-MM-DDTHH:MM:SS[.sss]Z)`, `${path}/timestamp`);
    return { kind: 'timestamp', value, loc: path };
  }
  if ('interval' in v) throw filterError('intervals are not supported', path);
  if ('bbox' in v || 'type' in v) throw filterError('a geometry literal is only allowed in a spatial function such as "s_intersects"', path);
  const { op, args } = operation(v, path);
  if (op !== 'casei') throw unsupported(op, path, 'value');
  arity(op, args, 1, path);
  return { kind: 'casei', arg: scalar(args[0], `${path}/args/0`, depth + 1), loc: path };
}

/** A LIKE pattern: a string, or "casei" of one. */
function pattern(v: Json, path: string, depth: number): Scalar {
  checkDepth(depth, path);
  if (typeof v === 'string') return { kind: 'string', value: v, loc: path };
  if (isObject(v) && typeof v.op === 'string') {
    const { op, args } = operation(v, path);
    if (op === 'accenti') throw filterError('"accenti" is not supported', path);
    if (op === 'casei') {
      arity(op, args, 1, path);
      return { kind: 'casei', arg: pattern(args[0], `${path}/args/0`, depth + 1), loc: path };
    }
  }
  throw filterError(`expected a string as the LIKE pattern but found ${describeJson(v)}`, path);
}

function property(v: JsonObject, path: string): Scalar & { kind: 'property' } {
  if (typeof v.property !== 'string' || v.property === '') throw filterError('"property" must be a non-empty string', `${path}/property`);
  return { kind: 'property', name: v.property, loc: path };
}

function geometry(v: Json, path: string): GeomOperand {
  if (!isObject(v)) throw filterError(`expected a geometry property, a GeoJSON geometry or a bbox but found ${describeJson(v)}`, path);
  if ('property' in v) return property(v, path);
  if ('bbox' in v && !('type' in v)) {
    const b = v.bbox;
    if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || !b.every((x) => typeof x === 'number')) {
      throw filterError('"bbox" must be an array of 4 or 6 numbers', `${path}/bbox`);
    }
    return { kind: 'bbox', values: b as number[], loc: path };
  }
  if ('type' in v) return { kind: 'geometry', geometry: geoJson(v, path, false), loc: path };
  if (typeof v.op === 'string') throw unsupported(v.op.toLowerCase(), path, 'geometry');
  throw filterError('expected a geometry property, a GeoJSON geometry or a bbox', path);
}

/** A GeoJSON geometry copied to 2D positions (a third coordinate is dropped); ring closure and counts are checked later. */
function geoJson(v: JsonObject, path: string, inCollection: boolean): Geometry {
  const positions = (c: Json, level: number, at: string): number[][] | number[][][] | number[][][][] | number[] => {
    if (!Array.isArray(c)) throw filterError('coordinates must be arrays', at);
    if (level === 0) {
      if (c.length < 2 || c.length > 4 || !c.every((x) => typeof x === 'number')) throw filterError('a position must be 2 to 4 numbers', at);
      return [c[0] as number, c[1] as number];
    }
    return c.map((x, i) => positions(x, level - 1, `${at}/${i}`)) as number[][];
  };
  const coords = (level: number): unknown => {
    if (!('coordinates' in v)) throw filterError(`a ${String(v.type)} needs "coordinates"`, path);
    return positions(v.coordinates, level, `${path}/coordinates`);
  };
  switch (v.type) {
    case 'Point': return { type: 'Point', coordinates: coords(0) as number[] };
    case 'MultiPoint': return { type: 'MultiPoint', coordinates: coords(1) as number[][] };
    case 'LineString': return { type: 'LineString', coordinates: coords(1) as number[][] };
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: coords(2) as number[][][] };
    case 'Polygon': return { type: 'Polygon', coordinates: coords(2) as number[][][] };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: coords(3) as number[][][][] };
    case 'GeometryCollection': {
      if (inCollection) throw filterError('a GeometryCollection cannot hold another GeometryCollection', path);
      const g = v.geometries;
      if (!Array.isArray(g) || g.length === 0) throw filterError('a GeometryCollection needs a non-empty "geometries" array', `${path}/geometries`);
      return {
        type: 'GeometryCollection',
        geometries: g.map((x, i) => {
          if (!isObject(x)) throw filterError('expected a GeoJSON geometry', `${path}/geometries/${i}`);
          return geoJson(x, `${path}/geometries/${i}`, true);
        }),
      };
    }
    default:
      throw filterError(`unknown GeoJSON geometry type ${describeJson(v.type)}`, `${path}/type`);
  }
}
