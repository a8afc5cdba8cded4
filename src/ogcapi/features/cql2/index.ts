/**
 * OGC API – Features Part 3 filters: CQL2 (OGC 21-065r2) text and JSON to what the data layer takes.
 *
 * Both encodings parse into one CQL2 syntax tree (text-parser.ts, json-parser.ts → syntax.ts), which
 * translate.ts turns into our expression language (the attribute part, as an Expression whose text
 * round-trips through Expression.parse and pushes down to SQL) and SpatialPredicate[] (the spatial
 * functions), so the same filter gives the same result whichever encoding carries it.
 *
 * Supported (CQL2_CONFORMANCE lists the classes):
 * - Basic CQL2: = <> < > <= >= on properties and literals (strings, numbers, booleans, DATE('…'),
 *   TIMESTAMP('…')), AND / OR / NOT, parentheses, IS [NOT] NULL, TRUE / FALSE; precedence OR < AND < NOT.
 * - Advanced comparison operators: [NOT] LIKE (% any run, _ one character, \ escapes: our LIKE's own
 *   syntax, so patterns pass through unchanged), [NOT] BETWEEN, [NOT] IN (list).
 * - Case-insensitive comparison: CASEI(…) (see translate.ts: lower() / ILIKE, i.e. Unicode simple case
 *   folding and lower-casing rather than the full case folding CQL2 asks for: 'ß' does not match 'SS').
 * - Spatial functions S_INTERSECTS, S_DISJOINT, S_WITHIN, S_CONTAINS, S_EQUALS, S_TOUCHES, S_CROSSES,
 *   S_OVERLAPS between the geometry queryable and a literal: WKT POINT … GEOMETRYCOLLECTION (Z accepted and
 *   dropped: predicates are 2D) and BBOX(…) in text, GeoJSON geometries and {"bbox": […]} in JSON, in
 *   filter-crs axis order (geometry.ts). A literal first is turned round (S_WITHIN(literal, geometry) is
 *   "geometry contains literal"). S_INTERSECTS with a BBOX is the data layer's 'bbox' operator, as the bbox
 *   parameter is.
 * - Property-property: literals on the left, two properties of compatible types compared.
 *
 * Limitation: the data layer ANDs spatial predicates with the expression, so a spatial function is only
 * accepted at the top level of the filter or in its top-level AND chain; NOT S_INTERSECTS and
 * NOT S_DISJOINT there become S_DISJOINT and S_INTERSECTS. Anywhere else (under OR, under another NOT) it is
 * refused with a 400 that says so. Not implemented, each refused with a 400 naming it: ACCENTI, arithmetic,
 * functions, temporal (T_*) and array (A_*) functions, INTERVAL, spatial functions between two properties or
 * two literals.
 *
 * Literals are converted to the type of the queryable they meet, as GeoServer does; conversions that lose
 * meaning are 400s (translate.ts). Dates and timestamps compare as ISO text in the form the data layer
 * gives attributes (literals.ts): exact for UTC values, except that within one second a value with
 * milliseconds sorts before the same second without them, and that a datetime attribute without a time
 * zone never equals a TIMESTAMP (which is UTC, 'Z'). A DATE against a datetime is its UTC midnight; a
 * TIMESTAMP against a date compares as text (the date sorts before every instant of its day).
 *
 * Every error is InvalidParameterError('filter') (HTTP 400), with the position (text) or JSON Pointer
 * (JSON) at fault; 'filter-lang' and 'filter-crs' errors name those parameters. Filters are limited to
 * MAX_FILTER_LENGTH characters and MAX_FILTER_DEPTH levels of nesting, so no filter can exhaust the stack.
 */
import type { SpatialPredicate } from '../../../data/types.js';
import { InvalidParameterError } from '../../../errors/ogc-error.js';
import type { Expression } from '../../../expression/index.js';
import { checkCrsName } from './geometry.js';
import { parseJson } from './json-parser.js';
import { filterError, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './syntax.js';
import { parseText } from './text-parser.js';
import { translate } from './translate.js';

export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH };

/** The filter-lang values this server accepts. */
export type FilterLang = 'cql2-text' | 'cql2-json';

/** The filter-lang values, first the default (OGC API – Features Part 3). */
export const FILTER_LANGS: readonly FilterLang[] = ['cql2-text', 'cql2-json'];

/** CRS84, the default filter-crs. */
export const DEFAULT_FILTER_CRS = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** The CQL2 conformance classes parseCql2 implements (for /conformance). */
export const CQL2_CONFORMANCE: readonly string[] = [
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/property-property',
];

export interface Cql2Options {
  /** CRS of the geometry literals (filter-crs); default http://www.opengis.net/def/crs/OGC/1.3/CRS84. */
  filterCrs?: string;
  /** The queryables: property name -> field type ('integer' | 'integer64' | 'real' | 'string' | 'date' | 'datetime' | 'boolean' ...). */
  queryables: ReadonlyMap<string, string>;
  /** Name of the geometry queryable (default 'geometry'). */
  geometryName?: string;
}

/** A parsed filter: the attribute part as our expression language, the spatial predicates ANDed with it. */
export interface Cql2Filter {
  expression: Expression | null;
  spatial: SpatialPredicate[];
}

/** Parses a filter; throws InvalidParameterError('filter', …) (HTTP 400) on any error. */
export function parseCql2(filter: string, lang: FilterLang, options: Cql2Options): Cql2Filter {
  if (!FILTER_LANGS.includes(lang)) {
    throw new InvalidParameterError('filter-lang', `filter-lang '${String(lang).slice(0, 40)}' is not supported (${FILTER_LANGS.join(' or ')})`);
  }
  const filterCrs = options.filterCrs ?? DEFAULT_FILTER_CRS;
  checkCrsName(filterCrs);
  if (typeof filter !== 'string') throw filterError('the filter must be text');
  if (filter.length > MAX_FILTER_LENGTH) throw filterError(`the filter is too long (more than ${MAX_FILTER_LENGTH} characters)`);
  const tree = lang === 'cql2-text' ? parseText(filter) : parseJson(filter);
  return translate(tree, { queryables: options.queryables, geometryName: options.geometryName ?? 'geometry', filterCrs });
}
