/**
 * The CQL2 syntax tree both encodings parse into (text.ts / json.ts), so one translation (translate.ts) gives
 * the same result for the same filter whichever encoding carried it; and the error every stage throws.
 */
import type { Geometry } from '../../../data/types.js';
import { InvalidParameterError } from '../../../errors/ogc-error.js';
import { MAX_EXPRESSION_LENGTH } from '../../../expression/index.js';

/** Where a node came from, for messages: "position 12" (text) or "#/args/0" (JSON Pointer, JSON). */
export type Loc = string;

/** The binary comparison operators of Basic CQL2. */
export type CompareOp = '=' | '<>' | '<' | '>' | '<=' | '>=';

/** The spatial functions of CQL2 (S_INTERSECTS … S_CONTAINS), by their data-layer names. */
export type SpatialFunction = 'intersects' | 'disjoint' | 'within' | 'contains' | 'equals' | 'touches' | 'crosses' | 'overlaps';

/** The CQL2 spatial function names (text upper case, JSON lower case) and the operator each one is. */
export const SPATIAL_FUNCTIONS: ReadonlyMap<string, SpatialFunction> = new Map([
  ['S_INTERSECTS', 'intersects'], ['S_DISJOINT', 'disjoint'], ['S_WITHIN', 'within'], ['S_CONTAINS', 'contains'],
  ['S_EQUALS', 'equals'], ['S_TOUCHES', 'touches'], ['S_CROSSES', 'crosses'], ['S_OVERLAPS', 'overlaps'],
]);

/** A property reference (rule propertyName / {"property": …}). */
export interface PropertyRef { kind: 'property'; name: string; loc: Loc }

/**
 * A scalar operand: a property, a literal, or CASEI of one. `date` holds 'YYYY-MM-DD' and `timestamp` the
 * UTC instant as the data layer writes datetimes ('YYYY-MM-DDTHH:MM:SS[.sss]Z', see literals.ts).
 */
export type Scalar =
  | PropertyRef
  | { kind: 'string'; value: string; loc: Loc }
  | { kind: 'number'; value: number; loc: Loc }
  | { kind: 'boolean'; value: boolean; loc: Loc }
  | { kind: 'date'; value: string; loc: Loc }
  | { kind: 'timestamp'; value: string; loc: Loc }
  | { kind: 'casei'; arg: Scalar; loc: Loc };

/** A spatial operand: the geometry property, a geometry literal (as written: filter-crs axis order, 2D) or a BBOX. */
export type GeomOperand =
  | PropertyRef
  | { kind: 'geometry'; geometry: Geometry; loc: Loc }
  | { kind: 'bbox'; values: number[]; loc: Loc };

/** A CQL2 boolean expression. */
export type Predicate =
  | { kind: 'and' | 'or'; args: Predicate[]; loc: Loc }
  | { kind: 'not'; arg: Predicate; loc: Loc }
  | { kind: 'literal'; value: boolean; loc: Loc }
  | { kind: 'compare'; op: CompareOp; left: Scalar; right: Scalar; loc: Loc }
  | { kind: 'like'; negated: boolean; value: Scalar; pattern: Scalar; loc: Loc }
  | { kind: 'between'; negated: boolean; value: Scalar; low: Scalar; high: Scalar; loc: Loc }
  | { kind: 'in'; negated: boolean; value: Scalar; list: Scalar[]; loc: Loc }
  | { kind: 'isNull'; negated: boolean; value: Scalar; loc: Loc }
  | { kind: 'spatial'; op: SpatialFunction; args: [GeomOperand, GeomOperand]; loc: Loc };

/**
 * Deepest nesting accepted, in either encoding: each parenthesis, NOT and CASEI (text) or each nested JSON
 * object (JSON) is a level. Well inside the expression language's MAX_DEPTH once translated, and far from
 * the stack limit, so a hostile filter fails fast with a 400.
 */
export const MAX_FILTER_DEPTH = 100;

/**
 * Longest filter accepted (UTF-16 code units): four times the expression language's MAX_EXPRESSION_LENGTH,
 * because a filter may carry geometry literals that never reach the expression text.
 */
export const MAX_FILTER_LENGTH = 4 * MAX_EXPRESSION_LENGTH;

/** The HTTP 400 for a bad filter: InvalidParameterValue, locator 'filter', with where it went wrong. */
export function filterError(detail: string, loc?: Loc): InvalidParameterError {
  return new InvalidParameterError('filter', loc === undefined ? `Invalid filter: ${detail}` : `Invalid filter at ${loc}: ${detail}`);
}

/** A short, quoted rendering of client text for messages. */
export function quoteShort(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;
}
