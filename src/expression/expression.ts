import { isBooleanNode, logical, MAX_DEPTH, walk, type FieldNode, type Node, type Value } from './ast.js';
import { ExpressionError } from './errors.js';
import { compile, type Compiled, type FieldReader } from './evaluate.js';
import { format } from './format.js';
import { parseExpression } from './parser.js';
import { translate, type FieldTypes } from './sql.js';
import type { SqlDialect } from './sql-pattern.js';
import { fromAttribute, toBool } from './values.js';

/** A feature to evaluate against: an object with attribute(name) (undefined = no such field), or a plain record. */
export type FeatureLike = { attribute(name: string): unknown } | Record<string, unknown>;

/** The result of pushing a filter down to SQL. */
export interface SqlTranslation {
  /** SQL for the part that translates (null: nothing translates). */
  where: string | null;
  /** What must still be evaluated in JS on the rows `where` selects (null: nothing). */
  residual: Expression | null;
  /** True when `where` covers the whole expression. */
  complete: boolean;
}

/** Finds `name` among `names`: exact match first, else the only case-insensitive match (as QGIS looks fields up). */
function lookup(names: readonly string[], name: string, pos: number): string {
  if (names.includes(name)) return name;
  const lower = name.toLowerCase();
  const matches = names.filter((n) => n.toLowerCase() === lower);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new ExpressionError(`column '${name}' is ambiguous (${matches.map((m) => `'${m}'`).join(', ')})`, pos, 'field');
  }
  throw new ExpressionError(`column '${name}' not found`, pos, 'field');
}

function hasAttributeMethod(f: FeatureLike): f is { attribute(name: string): unknown } {
  return typeof (f as { attribute?: unknown }).attribute === 'function';
}

function readerFor(feature: FeatureLike): FieldReader {
  if (hasAttributeMethod(feature)) {
    return (name, pos) => {
      const raw = feature.attribute(name);
      if (raw === undefined) throw new ExpressionError(`column '${name}' not found`, pos, 'field');
      return fromAttribute(raw);
    };
  }
  const record = feature as Record<string, unknown>;
  return (name, pos) => {
    if (Object.prototype.hasOwnProperty.call(record, name)) return fromAttribute(record[name]);
    return fromAttribute(record[lookup(Object.keys(record), name, pos)]);
  };
}

const DIALECTS: ReadonlySet<string> = new Set(['sqlite', 'ogr']);

/** A parsed filter expression (a documented subset of QGIS expressions): evaluate, test, validate, push down to SQL. */
export class Expression {
  /** The text the expression was parsed from. */
  readonly text: string;
  readonly #root: Node;
  #compiled: Compiled | null = null;

  private constructor(text: string, root: Node) {
    this.text = text;
    this.#root = root;
  }

  /** Parses expression text; throws ExpressionError (kind 'syntax') with the position of the problem. */
  static parse(text: string): Expression {
    return new Expression(text, parseExpression(text));
  }

  /**
   * Builds an expression from a syntax tree, re-parsing its normalised text so positions refer to `text`.
   * Trees built by combining parsed expressions (one AND level more) stay within the limits.
   */
  static fromNode(node: Node): Expression {
    const text = format(node);
    return new Expression(text, parseExpression(text, { maxLength: Infinity, maxDepth: MAX_DEPTH + 1 }));
  }

  /** The syntax tree (read-only by convention). */
  get root(): Node {
    return this.#root;
  }

  /** Evaluates against a feature: NULL, boolean, number or string; throws ExpressionError for unknown fields and evaluation errors. */
  evaluate(feature: FeatureLike): Value {
    this.#compiled ??= compile(this.#root);
    return this.#compiled(readerFor(feature));
  }

  /**
   * Filter semantics: true only when the result is true (non-NULL; numbers ≠ 0; strings other than '', '0', 'false').
   * An evaluation error rejects the feature, as in QGIS; an unknown field still throws.
   */
  test(feature: FeatureLike): boolean {
    try {
      return toBool(this.evaluate(feature));
    } catch (e) {
      if (e instanceof ExpressionError && e.kind === 'evaluation') return false;
      throw e;
    }
  }

  /** Field names as written in the expression. */
  referencedFields(): Set<string> {
    return new Set(this.#fieldNodes().map((n) => n.name));
  }

  /** Throws ExpressionError (kind 'field') naming the first field not in `fields` (exact, else unique case-insensitive match). */
  validate(fields: readonly string[]): void {
    for (const node of this.#fieldNodes()) lookup(fields, node.name, node.pos);
  }

  /**
   * Pushes the filter down to SQL. Top-level AND conjuncts that translate with identical semantics go to
   * `where`; the rest is `residual`. Fields translate only when `fieldTypes` gives their type (as gdal-async
   * names it: 'integer', 'integer64', 'real', 'string', …), because SQL compares mixed types differently.
   */
  toSql(dialect: SqlDialect, fieldTypes?: FieldTypes): SqlTranslation {
    if (!DIALECTS.has(dialect)) throw new TypeError(`unknown SQL dialect '${String(dialect)}' (expected 'sqlite' or 'ogr')`);
    const { where, residual } = translate(this.#root, dialect, fieldTypes);
    const conjuncts = this.#root.type === 'logical' && this.#root.op === 'AND' ? this.#root.operands.length : 1;
    let rest: Expression | null = null;
    if (residual.length === conjuncts) rest = this;
    else if (residual.length === 1 && !isBooleanNode(residual[0])) {
      // Keep AND's three-valued reading of a non-boolean conjunct (a filter alone would use toBool).
      rest = Expression.fromNode(logical('AND', [residual[0], { type: 'literal', value: true, pos: 0 }], 0));
    } else if (residual.length > 0) rest = Expression.fromNode(logical('AND', residual, 0));
    return { where, residual: rest, complete: where !== null && rest === null };
  }

  /** Normalised text: upper-case keywords, double-quoted fields, minimal parentheses; parses back to the same tree. */
  toString(): string {
    return format(this.#root);
  }

  #fieldNodes(): FieldNode[] {
    return walk(this.#root).filter((n): n is FieldNode => n.type === 'field').sort((a, b) => a.pos - b.pos);
  }
}

/** Combines filters with AND, skipping null, undefined and blank strings; null when nothing is left. */
export function andExpressions(...parts: Array<string | Expression | null | undefined>): Expression | null {
  const exprs: Expression[] = [];
  for (const part of parts) {
    if (part === null || part === undefined) continue;
    if (typeof part === 'string') {
      if (part.trim() !== '') exprs.push(Expression.parse(part));
    } else exprs.push(part);
  }
  if (exprs.length === 0) return null;
  if (exprs.length === 1) return exprs[0];
  return Expression.fromNode(logical('AND', exprs.map((e) => e.root), 0));
}
