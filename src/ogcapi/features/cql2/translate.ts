/**
 * The CQL2 syntax tree → what the data layer takes: an expression-language tree for the attribute part
 * and SpatialPredicate[] for the spatial functions found in the top-level AND chain.
 *
 * Properties must be queryables; the geometry queryable (options.geometryName) only appears in spatial
 * functions. Literals are converted to the type of the queryable they are compared with, as GeoServer
 * converts a literal to the property's type: a numeric string against a number ('5' → 5), a number against
 * a string (5 → '5'), a string holding a date or timestamp against a date/datetime, 'true'/'false' and
 * TRUE/FALSE against a boolean (→ 1/0, which compares equal to a boolean or an integer 0/1 attribute and
 * pushes down to SQL). A literal that cannot be converted ('abc' against a number, TRUE against a string,
 * a date against a number), and two properties of different types, are the type mismatch CQL2 forbids
 * (/req/basic-cql2/binary-comparison-predicate D): 400. DATE against a datetime means its UTC midnight.
 *
 * CASEI(x) is lower(x) (literals are lowered here); CASEI on both sides of =, <> or LIKE with a literal on
 * one side becomes ILIKE (Unicode simple case folding, pushed down to SQL where exact). Neither is the
 * full case folding CQL2 asks for (ß does not match SS): documented in index.ts.
 */
import { checkGeoJSON, parseSpatial } from '../../../data/spatial.js';
import type { SpatialPredicate } from '../../../data/types.js';
import { logical, type Node } from '../../../expression/ast.js';
import { Expression, ExpressionError } from '../../../expression/index.js';
import { crsAxes, literalGeometry, type CrsAxes } from './geometry.js';
import { parseDate, parseDecimal, parseTimestamp, startOfDay } from './literals.js';
import { filterError, quoteShort, type GeomOperand, type Predicate, type PropertyRef, type Scalar, type SpatialFunction } from './syntax.js';

/** What the translation needs to know about the collection. */
export interface TranslateOptions {
  queryables: ReadonlyMap<string, string>;
  geometryName: string;
  filterCrs: string;
}

/** Kinds of queryable, from the field type names (gdal-async's and JSON Schema's). */
type FieldClass = 'number' | 'string' | 'date' | 'datetime' | 'boolean' | 'geometry' | 'other';

/** What literals are converted to: the class of the property they meet (`what` names it for messages). */
interface Target { cls: FieldClass; what: string }

const STRING_TARGET: Target = { cls: 'string', what: 'CASEI(…)' };

const CLASSES: Readonly<Record<string, FieldClass>> = {
  integer: 'number', integer64: 'number', real: 'number', number: 'number', double: 'number', float: 'number',
  string: 'string', date: 'date', datetime: 'datetime', 'date-time': 'datetime', timestamp: 'datetime', boolean: 'boolean',
};
const GEOMETRY_TYPE = /^(geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon|geometrycollection)/i;

function classify(type: string): FieldClass {
  if (GEOMETRY_TYPE.test(type)) return 'geometry';
  return CLASSES[type.toLowerCase()] ?? 'other';
}

const CLASS_NAMES: Readonly<Record<FieldClass, string>> = {
  number: 'a number', string: 'a character string', date: 'a date', datetime: 'a timestamp', boolean: 'a boolean', geometry: 'a geometry', other: 'a value',
};
const KIND_NAMES: Readonly<Record<Scalar['kind'], string>> = {
  property: 'a property', string: 'a character string', number: 'a number', boolean: 'a boolean', date: 'a date', timestamp: 'a timestamp', casei: 'CASEI(…)',
};

/** The converse of "geometry <op> literal" written "literal <op> geometry". */
const CONVERSE: Readonly<Record<SpatialFunction, SpatialFunction>> = {
  intersects: 'intersects', disjoint: 'disjoint', within: 'contains', contains: 'within', equals: 'equals', touches: 'touches', crosses: 'crosses', overlaps: 'overlaps',
};
/** NOT S_INTERSECTS is S_DISJOINT and back; the other functions have no complement among them. */
const COMPLEMENT: Partial<Record<SpatialFunction, SpatialFunction>> = { intersects: 'disjoint', disjoint: 'intersects' };

type LiteralScalar = Exclude<Scalar, PropertyRef | { kind: 'casei' }>;

function lit(value: string | number | boolean | null): Node {
  return typeof value === 'number' ? { type: 'literal', pos: 0, value, real: !Number.isInteger(value) } : { type: 'literal', pos: 0, value };
}

/** '%', '_' and '\' made literal for a LIKE pattern. */
function escapeLike(s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/** Translates a parsed filter; throws the filter's 400 naming the property, value or predicate at fault. */
export function translate(root: Predicate, options: TranslateOptions): { expression: Expression | null; spatial: SpatialPredicate[] } {
  return new Translator(options).run(root);
}

class Translator {
  readonly #o: TranslateOptions;
  #axes: CrsAxes | null = null;

  constructor(options: TranslateOptions) {
    this.#o = options;
  }

  run(root: Predicate): { expression: Expression | null; spatial: SpatialPredicate[] } {
    const nodes: Node[] = [];
    const spatial: SpatialPredicate[] = [];
    for (const c of conjuncts(root)) {
      const s = this.#spatialConjunct(c);
      if (s) spatial.push(s);
      else nodes.push(this.#node(c));
    }
    if (nodes.length === 0) return { expression: null, spatial };
    try {
      return { expression: Expression.fromNode(nodes.length === 1 ? nodes[0] : logical('AND', nodes, 0)), spatial };
    } catch (e) {
      if (e instanceof ExpressionError) throw filterError(`the filter is too complex (${e.detail})`);
      throw e;
    }
  }

  // --- spatial ---------------------------------------------------------------------------------

  /** A top-level conjunct that is a spatial function, possibly under NOTs; null for any other conjunct. */
  #spatialConjunct(p: Predicate): SpatialPredicate | null {
    let negations = 0;
    let q = p;
    while (q.kind === 'not') {
      negations += 1;
      q = q.arg;
    }
    if (q.kind !== 'spatial') return null;
    if (negations % 2 === 0) return this.#spatial(q, q.op);
    const op = COMPLEMENT[q.op];
    if (!op) throw filterError(`NOT S_${q.op.toUpperCase()} is not supported (of the spatial functions only S_INTERSECTS and S_DISJOINT can be negated)`, p.loc);
    return this.#spatial(q, op);
  }

  #spatial(p: Predicate & { kind: 'spatial' }, op: SpatialFunction): SpatialPredicate {
    const [a, b] = p.args;
    const name = `S_${p.op.toUpperCase()}`;
    if (a.kind === 'property') this.#geometryProperty(a);
    if (b.kind === 'property') this.#geometryProperty(b);
    if (a.kind === 'property' && b.kind === 'property') throw filterError(`${name} needs a geometry literal as one of its arguments`, p.loc);
    if (a.kind !== 'property' && b.kind !== 'property') throw filterError(`${name} needs the geometry property '${this.#o.geometryName}' as one of its arguments`, p.loc);
    const literal = (a.kind === 'property' ? b : a) as Exclude<GeomOperand, PropertyRef>;
    const finalOp = a.kind === 'property' ? op : CONVERSE[op];
    this.#axes ??= crsAxes(this.#o.filterCrs);
    const { geometry, box } = literalGeometry(literal, this.#axes);
    const predicate: SpatialPredicate = { op: finalOp === 'intersects' && box ? 'bbox' : finalOp, geometry, crs: this.#o.filterCrs };
    // The data layer's own checks, now rather than at read time: the structure, then what GEOS thinks of it.
    const why = checkGeoJSON(geometry);
    if (why) throw filterError(`invalid geometry literal in ${name}: ${why}`, literal.loc);
    try {
      parseSpatial([predicate]);
    } catch (e) {
      const message = (e as Error).message;
      throw filterError(`invalid geometry literal in ${name}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`, literal.loc);
    }
    return predicate;
  }

  #geometryProperty(ref: PropertyRef): void {
    if (ref.name === this.#o.geometryName) return;
    const type = this.#o.queryables.get(ref.name);
    if (type === undefined) throw this.#unknown(ref);
    throw filterError(`property ${quoteShort(ref.name)} is not the geometry (spatial functions apply to '${this.#o.geometryName}')`, ref.loc);
  }

  #unknown(ref: PropertyRef): Error {
    return filterError(`unknown property ${quoteShort(ref.name)} (not a queryable of this collection)`, ref.loc);
  }

  // --- attribute predicates --------------------------------------------------------------------

  #node(p: Predicate): Node {
    switch (p.kind) {
      case 'and':
      case 'or':
        return logical(p.kind === 'and' ? 'AND' : 'OR', p.args.map((a) => this.#node(a)), 0);
      case 'not':
        // NOT x LIKE p is x NOT LIKE p (and so for BETWEEN, IN, IS NULL) in three-valued logic: one tree for
        // both spellings, and for JSON, which has only the first.
        if (p.arg.kind === 'like' || p.arg.kind === 'between' || p.arg.kind === 'in' || p.arg.kind === 'isNull') {
          return this.#node({ ...p.arg, negated: !p.arg.negated });
        }
        return { type: 'unary', pos: 0, op: 'NOT', operand: this.#node(p.arg) };
      case 'literal':
        return lit(p.value);
      case 'compare':
        return this.#compare(p.op, p.left, p.right);
      case 'like':
        return this.#like(p.negated, p.value, p.pattern);
      case 'between': {
        const target = this.#targetOf([p.value, p.low, p.high]);
        return { type: 'between', pos: 0, negated: p.negated, operand: this.#value(p.value, target), low: this.#value(p.low, target), high: this.#value(p.high, target) };
      }
      case 'in': {
        const target = this.#targetOf([p.value, ...p.list]);
        return { type: 'in', pos: 0, negated: p.negated, operand: this.#value(p.value, target), list: p.list.map((x) => this.#value(x, target)) };
      }
      case 'isNull':
        return { type: 'binary', pos: 0, op: p.negated ? 'IS NOT' : 'IS', left: this.#value(p.value, null), right: lit(null) };
      case 'spatial':
        throw filterError(`spatial functions (S_${p.op.toUpperCase()}) are only supported at the top level of the filter or in a top-level AND chain, not under OR or NOT`, p.loc);
    }
  }

  #compare(op: '=' | '<>' | '<' | '>' | '<=' | '>=', left: Scalar, right: Scalar): Node {
    if ((op === '=' || op === '<>') && left.kind === 'casei' && right.kind === 'casei') {
      const [a, b] = [uncased(left), uncased(right)];
      // CASEI(x) = CASEI('text'): x ILIKE 'text' with the wildcards escaped (case-insensitive equality that pushes down).
      const [subject, text] = b.kind === 'string' ? [a, b] : a.kind === 'string' ? [b, a] : [null, null];
      if (subject && text?.kind === 'string' && subject.kind !== 'string') {
        this.#caseiOperand(subject);
        return { type: 'binary', pos: 0, op: op === '=' ? 'ILIKE' : 'NOT ILIKE', left: this.#value(subject, STRING_TARGET), right: lit(escapeLike(text.value)) };
      }
    }
    const target = this.#targetOf([left, right]);
    return { type: 'binary', pos: 0, op, left: this.#value(left, target), right: this.#value(right, target) };
  }

  #like(negated: boolean, value: Scalar, pattern: Scalar): Node {
    if (value.kind !== 'property' && value.kind !== 'casei' && value.kind !== 'string') {
      throw filterError(`LIKE needs a character string, not ${KIND_NAMES[value.kind]}`, value.loc);
    }
    if (value.kind === 'casei' && pattern.kind === 'casei') {
      const subject = uncased(value);
      this.#caseiOperand(subject);
      return { type: 'binary', pos: 0, op: negated ? 'NOT ILIKE' : 'ILIKE', left: this.#value(subject, null), right: lit((uncased(pattern) as { value: string }).value) };
    }
    return { type: 'binary', pos: 0, op: negated ? 'NOT LIKE' : 'LIKE', left: this.#value(value, null), right: this.#value(pattern, null) };
  }

  /**
   * The class literals among `operands` are converted to: that of the first property (CASEI counts as a
   * string); null when there is none. Two properties of incompatible classes are refused.
   */
  #targetOf(operands: Scalar[]): Target | null {
    let target: Target | null = null;
    let first: PropertyRef | null = null;
    for (const s of operands) {
      if (s.kind === 'casei') target ??= STRING_TARGET;
      if (s.kind !== 'property') continue;
      const cls = this.#propertyClass(s);
      if (first === null) {
        first = s;
        target ??= { cls, what: `property ${quoteShort(s.name)}` };
      } else if (!compatible(this.#propertyClass(first), cls)) {
        throw filterError(`property ${quoteShort(s.name)} is ${CLASS_NAMES[cls]} and cannot be compared with ${quoteShort(first.name)}, which is ${CLASS_NAMES[this.#propertyClass(first)]}`, s.loc);
      }
    }
    return target;
  }

  #propertyClass(ref: PropertyRef): FieldClass {
    if (ref.name === this.#o.geometryName) throw this.#geometryAsValue(ref);
    const type = this.#o.queryables.get(ref.name);
    if (type === undefined) throw this.#unknown(ref);
    const cls = classify(type);
    if (cls === 'geometry') throw this.#geometryAsValue(ref);
    return cls;
  }

  #geometryAsValue(ref: PropertyRef): Error {
    return filterError(`the geometry ${quoteShort(ref.name)} can only be used in spatial functions (S_INTERSECTS, …)`, ref.loc);
  }

  /** A scalar as an expression node, its literal converted to `target`. */
  #value(s: Scalar, target: Target | null): Node {
    switch (s.kind) {
      case 'property':
        this.#propertyClass(s);
        return { type: 'field', pos: 0, name: s.name };
      case 'casei': {
        const inner = uncased(s);
        this.#caseiOperand(inner);
        if (inner.kind === 'string') return lit(inner.value.toLowerCase());
        return { type: 'call', pos: 0, name: 'lower', args: [this.#value(inner, null)] };
      }
      default:
        return lit(convert(s, target));
    }
  }

  /** CASEI applies to character strings: a string literal, or a property that is text (or of unknown type). */
  #caseiOperand(s: Scalar): void {
    if (s.kind === 'string') return;
    if (s.kind !== 'property') throw filterError(`CASEI needs a character string, not ${KIND_NAMES[s.kind]}`, s.loc);
    const cls = this.#propertyClass(s);
    if (cls !== 'string' && cls !== 'other') throw filterError(`CASEI needs a character string, but property ${quoteShort(s.name)} is ${CLASS_NAMES[cls]}`, s.loc);
  }
}

/** The top-level AND chain, flattened (nested ANDs and parentheses included), without recursion. */
function conjuncts(root: Predicate): Predicate[] {
  const out: Predicate[] = [];
  const stack: Predicate[] = [root];
  while (stack.length > 0) {
    const p = stack.pop() as Predicate;
    if (p.kind === 'and') for (let i = p.args.length - 1; i >= 0; i -= 1) stack.push(p.args[i]);
    else out.push(p);
  }
  return out;
}

/** The operand inside CASEI(CASEI(…)). */
function uncased(s: Scalar): Scalar {
  let x = s;
  while (x.kind === 'casei') x = x.arg;
  return x;
}

function compatible(a: FieldClass, b: FieldClass): boolean {
  const temporal = (c: FieldClass) => c === 'date' || c === 'datetime';
  return a === b || a === 'other' || b === 'other' || (temporal(a) && temporal(b));
}

function mismatch(s: LiteralScalar, target: Target): Error {
  const shown = s.kind === 'string' ? quoteShort(s.value) : `${KIND_NAMES[s.kind]} (${String(s.value)})`;
  return filterError(`${shown} cannot be compared with ${target.what}, which is ${CLASS_NAMES[target.cls]}`, s.loc);
}

/** A literal's value converted to the class of the property it is compared with (see the module comment). */
function convert(s: LiteralScalar, target: Target | null): string | number | boolean {
  if (target === null) return s.value;
  switch (target.cls) {
    case 'other':
      return s.value;
    case 'number':
      if (s.kind === 'number') return s.value;
      if (s.kind === 'string') {
        const n = parseDecimal(s.value);
        if (n !== null) return n;
      }
      throw mismatch(s, target);
    case 'string':
      if (s.kind === 'boolean') throw mismatch(s, target);
      return s.kind === 'number' ? String(s.value) : s.value;
    case 'date':
    case 'datetime': {
      let value: string | null = null;
      if (s.kind === 'date' || s.kind === 'timestamp') value = s.value;
      else if (s.kind === 'string') value = parseTimestamp(s.value) ?? parseDate(s.value);
      if (value === null) throw mismatch(s, target);
      return target.cls === 'datetime' && !value.includes('T') ? startOfDay(value) : value;
    }
    case 'boolean': {
      if (s.kind === 'boolean') return s.value ? 1 : 0;
      if (s.kind === 'number' && (s.value === 0 || s.value === 1)) return s.value;
      const text = s.kind === 'string' ? s.value.toLowerCase() : '';
      if (text === 'true' || text === 'false') return text === 'true' ? 1 : 0;
      throw mismatch(s, target);
    }
    default:
      throw mismatch(s, target);
  }
}
