/**
 * CQL2 text (OGC 21-065r2, cql2-text) → the CQL2 syntax tree, by recursive descent on the BNF:
 *
 *   booleanExpression = booleanTerm { OR booleanTerm }          (OR binds loosest, then AND, then NOT)
 *   booleanTerm       = booleanFactor { AND booleanFactor }
 *   booleanFactor     = [ NOT ] booleanPrimary
 *   booleanPrimary    = predicate | TRUE | FALSE | ( booleanExpression )
 *   predicate         = scalar ( = | <> | < | > | <= | >= ) scalar
 *                     | scalar [NOT] LIKE pattern | scalar [NOT] BETWEEN scalar AND scalar
 *                     | scalar [NOT] IN ( scalar {, scalar} ) | scalar IS [NOT] NULL
 *                     | S_INTERSECTS … S_CONTAINS ( geom , geom )
 *   scalar            = property | "property" | 'text' | [+|-] number | TRUE | FALSE
 *                     | DATE('…') | TIMESTAMP('…') | CASEI( scalar )
 *   geom              = property | WKT (POINT … GEOMETRYCOLLECTION, optional Z) | BBOX( 4 or 6 numbers )
 *
 * Keywords and function names are case-insensitive. What CQL2 has but this server does not implement
 * (arithmetic, functions, ACCENTI, temporal and array predicates, INTERVAL) fails with a 400 that names it.
 * Every error carries the offset in the filter; nesting beyond MAX_FILTER_DEPTH fails before the stack does.
 */
import type { Geometry } from '../../../data/types.js';
import { parseDate, parseTimestamp } from './literals.js';
import { filterError, MAX_FILTER_DEPTH, quoteShort, SPATIAL_FUNCTIONS, type CompareOp, type GeomOperand, type Predicate, type Scalar, type SpatialFunction } from './syntax.js';
import { describeToken, tokenize, type Token } from './text-lexer.js';

const COMPARE: ReadonlySet<string> = new Set(['=', '<>', '<', '>', '<=', '>=']);
const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '^']);
/** Words that cannot be a bare property name (quote them: "in"). */
const RESERVED: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const GEOMETRY_TAGS: ReadonlySet<string> = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION']);
const TEMPORAL = /^T_(AFTER|BEFORE|CONTAINS|DISJOINT|DURING|EQUALS|FINISHEDBY|FINISHES|INTERSECTS|MEETS|METBY|OVERLAPPEDBY|OVERLAPS|STARTEDBY|STARTS)$/;
const ARRAY = /^A_(EQUALS|CONTAINS|CONTAINEDBY|OVERLAPS)$/;

/** Parses CQL2 text; throws the filter's 400 (InvalidParameterError 'filter') with the position of the problem. */
export function parseText(text: string): Predicate {
  return new TextParser(text).parse();
}

class TextParser {
  readonly #text: string;
  readonly #tokens: Token[];
  #i = 0;
  #depth = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  parse(): Predicate {
    if (this.#peek().type === 'eof') throw filterError('the filter is empty');
    const out = this.#or();
    const t = this.#peek();
    if (t.type !== 'eof') {
      if (t.type === 'punct' && t.value === ')') throw this.#error(`unbalanced ')'`, t);
      throw this.#error(`expected AND, OR or the end of the filter but found ${describeToken(t, this.#text)}`, t);
    }
    return out;
  }

  // --- tokens ----------------------------------------------------------------------------------

  #peek(k = 0): Token {
    return this.#tokens[Math.min(this.#i + k, this.#tokens.length - 1)];
  }

  #next(): Token {
    const t = this.#tokens[this.#i];
    if (this.#i < this.#tokens.length - 1) this.#i += 1;
    return t;
  }

  #isPunct(value: string, k = 0): boolean {
    const t = this.#peek(k);
    return t.type === 'punct' && t.value === value;
  }

  #isWord(word: string, k = 0): boolean {
    const t = this.#peek(k);
    return t.type === 'ident' && t.value.toUpperCase() === word;
  }

  #error(detail: string, t: Token): Error {
    return filterError(detail, `position ${t.pos}`);
  }

  #expectPunct(value: string, what: string): Token {
    const t = this.#peek();
    if (t.type !== 'punct' || t.value !== value) throw this.#error(`expected '${value}' ${what} but found ${describeToken(t, this.#text)}`, t);
    return this.#next();
  }

  #enter(t: Token): void {
    this.#depth += 1;
    if (this.#depth > MAX_FILTER_DEPTH) throw this.#error(`the filter is nested too deeply (more than ${MAX_FILTER_DEPTH} levels)`, t);
  }

  #leave(): void {
    this.#depth -= 1;
  }

  #loc(t: Token): string {
    return `position ${t.pos}`;
  }

  // --- boolean expressions ---------------------------------------------------------------------

  #or(): Predicate {
    const first = this.#peek();
    const args = [this.#and()];
    while (this.#isWord('OR')) {
      this.#next();
      args.push(this.#and());
    }
    return args.length === 1 ? args[0] : { kind: 'or', args, loc: this.#loc(first) };
  }

  #and(): Predicate {
    const first = this.#peek();
    const args = [this.#not()];
    while (this.#isWord('AND')) {
      this.#next();
      args.push(this.#not());
    }
    return args.length === 1 ? args[0] : { kind: 'and', args, loc: this.#loc(first) };
  }

  #not(): Predicate {
    const t = this.#peek();
    if (!this.#isWord('NOT')) return this.#primary();
    this.#next();
    this.#enter(t);
    const arg = this.#not();
    this.#leave();
    return { kind: 'not', arg, loc: this.#loc(t) };
  }

  #primary(): Predicate {
    const t = this.#peek();
    if (this.#isPunct('(')) {
      this.#next();
      this.#enter(t);
      const inner = this.#or();
      this.#expectPunct(')', 'to close the parenthesis');
      this.#leave();
      return inner;
    }
    if (t.type === 'ident' && this.#isPunct('(', 1)) {
      const name = t.value.toUpperCase();
      const op = SPATIAL_FUNCTIONS.get(name);
      if (op) return this.#spatial(op);
      if (TEMPORAL.test(name)) throw this.#error(`temporal functions (${name}) are not supported`, t);
      if (ARRAY.test(name)) throw this.#error(`array functions (${name}) are not supported`, t);
    }
    return this.#predicate();
  }

  #predicate(): Predicate {
    const start = this.#peek();
    const left = this.#scalar('a property or a value');
    const loc = this.#loc(start);
    const t = this.#peek();
    if (t.type === 'punct' && COMPARE.has(t.value)) {
      this.#next();
      const right = this.#scalar(`a value after '${t.value}'`);
      return { kind: 'compare', op: t.value as CompareOp, left, right, loc };
    }
    const negated = this.#isWord('NOT') && (this.#isWord('LIKE', 1) || this.#isWord('BETWEEN', 1) || this.#isWord('IN', 1));
    if (negated) this.#next();
    if (this.#isWord('LIKE')) {
      this.#next();
      return { kind: 'like', negated, value: left, pattern: this.#pattern(), loc };
    }
    if (this.#isWord('BETWEEN')) {
      this.#next();
      const low = this.#scalar('the lower bound of BETWEEN');
      if (!this.#isWord('AND')) throw this.#error(`expected AND in BETWEEN but found ${describeToken(this.#peek(), this.#text)}`, this.#peek());
      this.#next();
      const high = this.#scalar('the upper bound of BETWEEN');
      return { kind: 'between', negated, value: left, low, high, loc };
    }
    if (this.#isWord('IN')) {
      this.#next();
      const open = this.#expectPunct('(', 'after IN');
      this.#enter(open);
      const list = [this.#scalar('a value in the IN list')];
      while (this.#isPunct(',')) {
        this.#next();
        list.push(this.#scalar('a value in the IN list'));
      }
      this.#expectPunct(')', 'to close the IN list');
      this.#leave();
      return { kind: 'in', negated, value: left, list, loc };
    }
    if (this.#isWord('IS')) {
      this.#next();
      const isNot = this.#isWord('NOT');
      if (isNot) this.#next();
      if (!this.#isWord('NULL')) throw this.#error(`expected NULL after IS${isNot ? ' NOT' : ''} but found ${describeToken(this.#peek(), this.#text)}`, this.#peek());
      this.#next();
      return { kind: 'isNull', negated: isNot, value: left, loc };
    }
    if (this.#isWord('NOT')) throw this.#error(`expected LIKE, BETWEEN or IN after NOT but found ${describeToken(this.#peek(1), this.#text)}`, this.#peek(1));
    if (left.kind === 'boolean') return { kind: 'literal', value: left.value, loc };
    const what = left.kind === 'property' ? `property ${quoteShort(left.name)}` : 'the value';
    throw this.#error(`expected a comparison operator (=, <>, <, >, <=, >=, LIKE, BETWEEN, IN or IS NULL) after ${what} but found ${describeToken(t, this.#text)}`, t);
  }

  /** A LIKE pattern: a character literal, or CASEI of one. */
  #pattern(): Scalar {
    const t = this.#peek();
    if (t.type === 'string') {
      this.#next();
      return this.#noArithmetic({ kind: 'string', value: t.value, loc: this.#loc(t) });
    }
    if (this.#isWord('CASEI') && this.#isPunct('(', 1)) return this.#casei(() => this.#pattern());
    if (this.#isWord('ACCENTI') && this.#isPunct('(', 1)) throw this.#error('ACCENTI is not supported', t);
    throw this.#error(`expected a character literal as the LIKE pattern but found ${describeToken(t, this.#text)}`, t);
  }

  // --- scalars ---------------------------------------------------------------------------------

  #scalar(what: string): Scalar {
    return this.#noArithmetic(this.#scalarOnly(what));
  }

  /** Refuses an arithmetic operator after an operand, naming it (CQL2 arithmetic is not implemented). */
  #noArithmetic(s: Scalar): Scalar {
    const t = this.#peek();
    if ((t.type === 'punct' && ARITHMETIC.has(t.value)) || this.#isWord('DIV')) {
      throw this.#error(`arithmetic expressions (${describeToken(t, this.#text)}) are not supported`, t);
    }
    return s;
  }

  #scalarOnly(what: string): Scalar {
    const t = this.#peek();
    const loc = this.#loc(t);
    switch (t.type) {
      case 'number':
        this.#next();
        return { kind: 'number', value: t.num as number, loc };
      case 'string':
        this.#next();
        return { kind: 'string', value: t.value, loc };
      case 'qident':
        this.#next();
        return { kind: 'property', name: t.value, loc };
      case 'punct':
        if ((t.value === '-' || t.value === '+') && this.#peek(1).type === 'number') {
          this.#next();
          const n = this.#next().num as number;
          return { kind: 'number', value: t.value === '-' ? -n : n, loc };
        }
        if (t.value === '(') throw this.#error(`expected ${what} but found '(' (arithmetic expressions are not supported)`, t);
        if (t.value === '[') throw this.#error('arrays are not supported', t);
        throw this.#error(`expected ${what} but found ${describeToken(t, this.#text)}`, t);
      case 'eof':
        throw this.#error(`expected ${what} but found end of filter`, t);
      default:
        return this.#word(t, what);
    }
  }

  /** A scalar starting with a bare identifier: TRUE/FALSE, DATE/TIMESTAMP/CASEI(…), or a property name. */
  #word(t: Token, what: string): Scalar {
    const name = t.value.toUpperCase();
    const loc = this.#loc(t);
    if (this.#isPunct('(', 1)) {
      switch (name) {
        case 'DATE':
        case 'TIMESTAMP':
          return this.#instant(name);
        case 'CASEI':
          return this.#casei(() => this.#scalarOnly('a character string in CASEI'));
        case 'ACCENTI':
          throw this.#error('ACCENTI is not supported', t);
        case 'INTERVAL':
          throw this.#error('intervals (INTERVAL) are not supported', t);
        default:
          break;
      }
      if (GEOMETRY_TAGS.has(name) || name === 'BBOX') throw this.#error(`a geometry literal (${name}) is only allowed in a spatial function such as S_INTERSECTS`, t);
      if (SPATIAL_FUNCTIONS.has(name) || TEMPORAL.test(name) || ARRAY.test(name)) throw this.#error(`${name} is a predicate, not a value`, t);
      throw this.#error(`functions are not supported (${quoteShort(t.value)})`, t);
    }
    if (name === 'TRUE' || name === 'FALSE') {
      this.#next();
      return { kind: 'boolean', value: name === 'TRUE', loc };
    }
    if (RESERVED.has(name)) throw this.#error(`expected ${what} but found ${describeToken(t, this.#text)}`, t);
    if (this.#isGeometryStart()) throw this.#error(`a geometry literal (${name}) is only allowed in a spatial function such as S_INTERSECTS`, t);
    this.#next();
    return { kind: 'property', name: t.value, loc };
  }

  #instant(name: 'DATE' | 'TIMESTAMP'): Scalar {
    const t = this.#next();
    this.#expectPunct('(', `after ${name}`);
    const s = this.#peek();
    if (s.type !== 'string') throw this.#error(`expected a quoted ${name === 'DATE' ? 'date' : 'timestamp'} in ${name}(…) but found ${describeToken(s, this.#text)}`, s);
    this.#next();
    this.#expectPunct(')', `to close ${name}(…)`);
    if (name === 'DATE') {
      const value = parseDate(s.value);
      if (value === null) throw this.#error(`${quoteShort(s.value)} is not a date (YYYY-MM-DD)`, s);
      return { kind: 'date', value, loc: this.#loc(t) };
    }
    const value = parseTimestamp(s.value);
    if (value === null) throw this.#error(`${quoteShort(s.value)} is not a UTC timestamp (YYYY-MM-DDTHH:MM:SS[.sss]Z)`, s);
    return { kind: 'timestamp', value, loc: this.#loc(t) };
  }

  #casei(inner: () => Scalar): Scalar {
    const t = this.#next();
    this.#expectPunct('(', 'after CASEI');
    this.#enter(t);
    const arg = inner();
    this.#expectPunct(')', 'to close CASEI(…)');
    this.#leave();
    return { kind: 'casei', arg, loc: this.#loc(t) };
  }

  // --- spatial ---------------------------------------------------------------------------------

  #spatial(op: SpatialFunction): Predicate {
    const t = this.#next();
    this.#expectPunct('(', `after ${t.value}`);
    const a = this.#geomOperand();
    this.#expectPunct(',', `between the arguments of ${t.value.toUpperCase()}`);
    const b = this.#geomOperand();
    this.#expectPunct(')', `to close ${t.value.toUpperCase()}(…)`);
    return { kind: 'spatial', op, args: [a, b], loc: this.#loc(t) };
  }

  #isGeometryStart(): boolean {
    const t = this.#peek();
    if (t.type !== 'ident' || !GEOMETRY_TAGS.has(t.value.toUpperCase())) return false;
    return this.#isPunct('(', 1) || (this.#isWord('Z', 1) && this.#isPunct('(', 2));
  }

  #geomOperand(): GeomOperand {
    const t = this.#peek();
    const loc = this.#loc(t);
    if (this.#isGeometryStart()) return { kind: 'geometry', geometry: this.#wkt(false), loc };
    if (this.#isWord('BBOX') && this.#isPunct('(', 1)) {
      this.#next();
      this.#next();
      const values = [this.#coordinate()];
      while (this.#isPunct(',')) {
        this.#next();
        values.push(this.#coordinate());
      }
      this.#expectPunct(')', 'to close BBOX(…)');
      if (values.length !== 4 && values.length !== 6) throw this.#error(`BBOX takes 4 or 6 numbers, not ${values.length}`, t);
      return { kind: 'bbox', values, loc };
    }
    if (t.type === 'ident' && GEOMETRY_TAGS.has(t.value.toUpperCase()) && this.#peek(1).type === 'ident') {
      throw this.#error(`${t.value.toUpperCase()} ${this.#peek(1).value.toUpperCase()} is not supported (only 2D or Z coordinates, no EMPTY geometries)`, t);
    }
    const isName = t.type === 'qident' || (t.type === 'ident' && !RESERVED.has(t.value.toUpperCase()));
    if (isName && !this.#isPunct('(', 1)) {
      this.#next();
      return { kind: 'property', name: t.value, loc };
    }
    if (t.type === 'ident' && this.#isPunct('(', 1)) throw this.#error(`expected a geometry property or literal but found ${quoteShort(t.value)}(…) (functions are not supported)`, t);
    throw this.#error(`expected a geometry property, a geometry literal or BBOX(…) but found ${describeToken(t, this.#text)}`, t);
  }

  /** A WKT geometry (coordinates as written, Z dropped). Collections hold simple geometries only, as in the BNF. */
  #wkt(inCollection: boolean): Geometry {
    const t = this.#next();
    const tag = t.value.toUpperCase();
    if (this.#isWord('Z')) this.#next();
    switch (tag) {
      case 'POINT':
        return { type: 'Point', coordinates: this.#pointText() };
      case 'LINESTRING':
        return { type: 'LineString', coordinates: this.#lineText() };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: this.#polygonText() };
      case 'MULTIPOINT':
        // Both ((1 2), (3 4)) as in the BNF and the common (1 2, 3 4).
        return { type: 'MultiPoint', coordinates: this.#list(() => (this.#isPunct('(') ? this.#pointText() : this.#position())) };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: this.#list(() => this.#lineText()) };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: this.#list(() => this.#polygonText()) };
      default: {
        if (inCollection) throw this.#error('a GEOMETRYCOLLECTION cannot hold another GEOMETRYCOLLECTION', t);
        return {
          type: 'GeometryCollection',
          geometries: this.#list(() => {
            if (!this.#isGeometryStart()) throw this.#error(`expected a geometry in GEOMETRYCOLLECTION but found ${describeToken(this.#peek(), this.#text)}`, this.#peek());
            return this.#wkt(true);
          }),
        };
      }
    }
  }

  /** ( item {, item} ) */
  #list<T>(item: () => T): T[] {
    this.#expectPunct('(', 'to open the coordinate list');
    const out = [item()];
    while (this.#isPunct(',')) {
      this.#next();
      out.push(item());
    }
    this.#expectPunct(')', 'to close the coordinate list');
    return out;
  }

  #pointText(): number[] {
    this.#expectPunct('(', 'to open the point');
    const p = this.#position();
    this.#expectPunct(')', 'to close the point');
    return p;
  }

  #lineText(): number[][] {
    return this.#list(() => this.#position());
  }

  #polygonText(): number[][][] {
    return this.#list(() => this.#lineText());
  }

  /** x y [z]: the z is read and dropped (spatial predicates are 2D). */
  #position(): number[] {
    const x = this.#coordinate();
    const y = this.#coordinate();
    const t = this.#peek();
    if (t.type === 'number' || (t.type === 'punct' && (t.value === '-' || t.value === '+'))) this.#coordinate();
    return [x, y];
  }

  #coordinate(): number {
    const t = this.#peek();
    let sign = 1;
    if (t.type === 'punct' && (t.value === '-' || t.value === '+')) {
      sign = t.value === '-' ? -1 : 1;
      this.#next();
    }
    const n = this.#peek();
    if (n.type !== 'number') throw this.#error(`expected a coordinate but found ${describeToken(n, this.#text)}`, n);
    this.#next();
    return sign * (n.num as number);
  }
}
