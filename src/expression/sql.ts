import type { BetweenNode, BinaryNode, CallNode, CaseNode, InNode, LiteralNode, Node } from './ast.js';
import { formatNumber } from './format.js';
import { sqlLikePattern, type SqlDialect } from './sql-pattern.js';
import { codePointLength } from './values.js';

/** Field types as gdal-async names them ('integer', 'integer64', 'real', 'string', 'date', …), by field name. */
export type FieldTypes = Readonly<Record<string, string>>;

/** The static type of a translated value. */
type Kind = 'integer' | 'real' | 'string' | 'null';
/** A translated value: SQL text and its type. */
interface Sql { sql: string; kind: Kind }
/** A translated condition: SQL that is true exactly where the expression is TRUE, or (exact false) on a superset. */
interface Cond { sql: string; exact: boolean }

/** The outcome of translating a filter: SQL for what translates, the conjuncts left for JavaScript. */
export interface Translation { where: string | null; residual: Node[] }

const NEVER: Cond = { sql: '(0 = 1)', exact: true };
const ALWAYS: Cond = { sql: '(1 = 1)', exact: true };
const NEGATE: Readonly<Record<string, string>> = { '=': '<>', '<>': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

/** Matches a UTF-16 surrogate that is not part of a pair (it cannot be encoded as UTF-8). */
const LONE_SURROGATE = /\p{Cs}/u;
const numeric = (k: Kind): boolean => k === 'integer' || k === 'real';

/** The common type of two values, or null when SQL would compare or combine them differently from QGIS. */
function unify(a: Kind, b: Kind): Kind | null {
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (numeric(a) && numeric(b)) return a === 'integer' && b === 'integer' ? 'integer' : 'real';
  return a === b ? a : null;
}

/** Joins conditions pairwise so that long AND/OR chains stay shallow for the SQL parser. */
function join(parts: string[], op: 'AND' | 'OR'): string {
  if (parts.length === 1) return parts[0];
  const mid = Math.ceil(parts.length / 2);
  return `(${join(parts.slice(0, mid), op)} ${op} ${join(parts.slice(mid), op)})`;
}

const isNullLiteral = (n: Node): boolean => n.type === 'literal' && n.value === null;

const intLiteral = (n: Node, min: number): number | null =>
  n.type === 'literal' && typeof n.value === 'number' && !n.real && Number.isSafeInteger(n.value) && n.value >= min ? n.value : null;

/** Translates expression trees to one SQL dialect, keeping only constructs whose semantics are identical. */
class Translator {
  private readonly fieldNames: string[];

  constructor(private readonly dialect: SqlDialect, private readonly fields: FieldTypes) {
    this.fieldNames = Object.keys(fields);
  }

  /** The actual field name (exact, else the only case-insensitive match), or null. */
  private resolve(name: string): string | null {
    if (Object.prototype.hasOwnProperty.call(this.fields, name)) return name;
    const lower = name.toLowerCase();
    const matches = this.fieldNames.filter((f) => f.toLowerCase() === lower);
    return matches.length === 1 ? matches[0] : null;
  }

  private identifier(name: string): string | null {
    if (name.includes('\0')) return null;
    if (this.dialect === 'ogr') return /["\\]/.test(name) ? null : `"${name}"`;
    return `"${name.replace(/"/g, '""')}"`;
  }

  /** A string literal, or null when the text cannot be sent safely (NUL, lone surrogates, OGR backslashes). */
  string(text: string): string | null {
    if (text.includes('\0') || LONE_SURROGATE.test(text)) return null;
    if (this.dialect === 'ogr' && text.includes('\\')) return null;
    return `'${text.replace(/'/g, "''")}'`;
  }

  private literal(node: LiteralNode): Sql | null {
    const v = node.value;
    if (v === null) return this.dialect === 'sqlite' ? { sql: 'NULL', kind: 'null' } : null;
    if (typeof v === 'number') {
      if (!node.real && !Number.isSafeInteger(v)) return null;
      return { sql: formatNumber(v, node.real === true), kind: node.real ? 'real' : 'integer' };
    }
    if (typeof v === 'string') {
      const sql = this.string(v);
      return sql === null ? null : { sql, kind: 'string' };
    }
    return null;
  }

  /** SQL for a field reference of any type (for IS NULL), or null. */
  private column(node: Node): string | null {
    if (node.type !== 'field') return null;
    const name = this.resolve(node.name);
    return name === null ? null : this.identifier(name);
  }

  private field(node: Node & { type: 'field' }): Sql | null {
    const name = this.resolve(node.name);
    if (name === null) return null;
    const type = this.fields[name];
    const kind: Kind | null = type === 'integer' || type === 'integer64' ? 'integer' : type === 'real' ? 'real' : type === 'string' ? 'string' : null;
    const sql = this.identifier(name);
    return kind && sql ? { sql, kind } : null;
  }

  /** Translates a value-producing node, or returns null. Translated values never raise evaluation errors. */
  value(node: Node): Sql | null {
    switch (node.type) {
      case 'literal': return this.literal(node);
      case 'field': return this.field(node);
      case 'unary': {
        if (node.op === 'NOT') return null;
        const v = this.value(node.operand);
        if (!v || !numeric(v.kind)) return null;
        return { sql: node.op === '-' ? `(-(${v.sql}))` : v.sql, kind: v.kind };
      }
      case 'binary': return this.arithmetic(node);
      case 'call': return this.dialect === 'sqlite' ? this.call(node) : null;
      case 'case': return this.dialect === 'sqlite' ? this.caseValue(node) : null;
      default: return null;
    }
  }

  private arithmetic(node: BinaryNode): Sql | null {
    const { op } = node;
    if (!['+', '-', '*', '/', '%', '||'].includes(op)) return null;
    if (this.dialect === 'ogr' && (op === '/' || op === '%' || op === '||')) return null;
    const a = this.value(node.left);
    const b = this.value(node.right);
    if (!a || !b) return null;
    if (op === '||') {
      const textual = (k: Kind): boolean => k === 'string' || k === 'integer' || k === 'null';
      return textual(a.kind) && textual(b.kind) ? { sql: `(${a.sql} || ${b.sql})`, kind: 'string' } : null;
    }
    if (!numeric(a.kind) || !numeric(b.kind)) return null;
    if (op === '/') return { sql: `(CAST(${a.sql} AS REAL) / ${b.sql})`, kind: 'real' };
    if (op === '%') return a.kind === 'integer' && b.kind === 'integer' ? { sql: `(${a.sql} % ${b.sql})`, kind: 'integer' } : null;
    return { sql: `(${a.sql} ${op} ${b.sql})`, kind: unify(a.kind, b.kind) as Kind };
  }

  private call(node: CallNode): Sql | null {
    const args = node.args;
    switch (node.name) {
      case 'abs': {
        const v = this.value(args[0]);
        return v && numeric(v.kind) ? { sql: `abs(${v.sql})`, kind: v.kind } : null;
      }
      case 'round': {
        const v = args.length === 1 ? this.value(args[0]) : null;
        return v && numeric(v.kind) ? { sql: `round(${v.sql})`, kind: 'real' } : null;
      }
      case 'length':
      case 'char_length': {
        const v = this.value(args[0]);
        return v && v.kind === 'string' ? { sql: `length(${v.sql})`, kind: 'integer' } : null;
      }
      case 'substr':
      case 'left': {
        const v = this.value(args[0]);
        const start = node.name === 'left' ? 1 : intLiteral(args[1], 1);
        const len = node.name === 'left' ? intLiteral(args[1], 0) : args.length > 2 ? intLiteral(args[2], 0) : undefined;
        if (!v || v.kind !== 'string' || start === null || len === null) return null;
        return { sql: `substr(${v.sql}, ${start}${len === undefined ? '' : `, ${len}`})`, kind: 'string' };
      }
      case 'coalesce': {
        const vs = args.map((a) => this.value(a));
        if (vs.some((v) => v === null)) return null;
        let kind: Kind | null = 'null';
        for (const v of vs as Sql[]) kind = kind && unify(kind, v.kind);
        if (!kind) return null;
        return vs.length === 1 ? (vs[0] as Sql) : { sql: `coalesce(${(vs as Sql[]).map((v) => v.sql).join(', ')})`, kind };
      }
      case 'if': {
        const cond = this.cond(args[0], false, false);
        const a = this.value(args[1]);
        const b = this.value(args[2]);
        const kind = a && b ? unify(a.kind, b.kind) : null;
        return cond && a && b && kind ? { sql: `(CASE WHEN ${cond.sql} THEN ${a.sql} ELSE ${b.sql} END)`, kind } : null;
      }
      default:
        return null;
    }
  }

  private caseValue(node: CaseNode): Sql | null {
    let kind: Kind | null = 'null';
    const parts: string[] = [];
    for (const b of node.branches) {
      const when = this.cond(b.when, false, false);
      const then = this.value(b.then);
      if (!when || !then) return null;
      kind = kind && unify(kind, then.kind);
      parts.push(`WHEN ${when.sql} THEN ${then.sql}`);
    }
    if (node.otherwise) {
      const other = this.value(node.otherwise);
      if (!other) return null;
      kind = kind && unify(kind, other.kind);
      parts.push(`ELSE ${other.sql}`);
    }
    return kind ? { sql: `(CASE ${parts.join(' ')} END)`, kind } : null;
  }

  /**
   * Translates a condition in negation normal form: `negated` pushes NOT down to the atoms, so the SQL
   * has no NOT and gives the same rows under SQL's three-valued logic and OGR's two-valued one.
   * With `superset`, atoms that cannot be exact may return a condition true on a superset of the rows.
   */
  cond(node: Node, negated: boolean, superset: boolean): Cond | null {
    switch (node.type) {
      case 'literal':
        if (node.value === null) return NEVER;
        if (typeof node.value === 'boolean' || typeof node.value === 'number') {
          return (node.value !== false && node.value !== 0) !== negated ? ALWAYS : NEVER;
        }
        return null;
      case 'field': {
        const f = this.field(node);
        return f && f.kind === 'integer' ? { sql: `(${f.sql} ${negated ? '=' : '<>'} 0)`, exact: true } : null;
      }
      case 'unary':
        return node.op === 'NOT' ? this.cond(node.operand, !negated, superset) : null;
      case 'logical': {
        const and = (node.op === 'AND') !== negated;
        const parts = node.operands.map((o) => this.cond(o, negated, superset));
        const kept = parts.filter((p): p is Cond => p !== null);
        if (kept.length < parts.length && !(and && superset)) return null;
        if (kept.length === 0) return null;
        return { sql: join(kept.map((p) => p.sql), and ? 'AND' : 'OR'), exact: kept.length === parts.length && kept.every((p) => p.exact) };
      }
      case 'binary': return this.binaryCond(node, negated, superset);
      case 'in': return this.inCond(node, negated, superset);
      case 'between': return this.betweenCond(node, negated);
      case 'call': return this.callCond(node, negated);
      default: return null;
    }
  }

  /** A comparison with a NULL literal is never TRUE, provided the other side cannot raise an error. */
  private nullComparison(a: Node, b: Node): Cond | null | undefined {
    if (isNullLiteral(a)) return this.value(b) || isNullLiteral(b) ? NEVER : null;
    if (isNullLiteral(b)) return this.value(a) ? NEVER : null;
    return undefined;
  }

  private binaryCond(node: BinaryNode, negated: boolean, superset: boolean): Cond | null {
    const { op, left, right } = node;
    if (op === 'IS' || op === 'IS NOT') return this.isCond(node, (op === 'IS NOT') !== negated);
    if (op.endsWith('LIKE')) return this.likeCond(node, negated, superset);
    if (!(op in NEGATE)) return null;
    const viaNull = this.nullComparison(left, right);
    if (viaNull !== undefined) return viaNull;
    const a = this.value(left);
    const b = this.value(right);
    if (!a || !b) return null;
    const effective = negated ? NEGATE[op] : op;
    if (numeric(a.kind) && numeric(b.kind)) return { sql: `(${a.sql} ${effective} ${b.sql})`, exact: true };
    if (a.kind !== 'string' || b.kind !== 'string') return null;
    if (this.dialect === 'sqlite') return { sql: `(${a.sql} ${effective} ${b.sql})`, exact: true };
    // OGR SQL compares strings case-insensitively: '=' selects a superset, the rest cannot be used.
    return superset && effective === '=' ? { sql: `(${a.sql} = ${b.sql})`, exact: false } : null;
  }

  private isCond(node: BinaryNode, isNot: boolean): Cond | null {
    const { left, right } = node;
    if (isNullLiteral(left) && isNullLiteral(right)) return isNot ? NEVER : ALWAYS;
    const other = isNullLiteral(right) ? left : isNullLiteral(left) ? right : null;
    if (other) {
      const sql = this.column(other) ?? this.value(other)?.sql;
      return sql ? { sql: `(${sql} IS ${isNot ? 'NOT ' : ''}NULL)`, exact: true } : null;
    }
    if (this.dialect !== 'sqlite') return null;
    const a = this.value(left);
    const b = this.value(right);
    if (!a || !b || !(numeric(a.kind) && numeric(b.kind)) && !(a.kind === 'string' && b.kind === 'string')) return null;
    return { sql: `(${a.sql} IS ${isNot ? 'NOT ' : ''}${b.sql})`, exact: true };
  }

  private likeCond(node: BinaryNode, negated: boolean, superset: boolean): Cond | null {
    const viaNull = this.nullComparison(node.left, node.right);
    if (viaNull !== undefined) return viaNull;
    const a = this.value(node.left);
    const right = node.right;
    if (!a || a.kind !== 'string' || right.type !== 'literal' || typeof right.value !== 'string') return null;
    const ci = node.op.includes('ILIKE');
    const not = node.op.startsWith('NOT') !== negated;
    const p = sqlLikePattern(right.value, this.dialect, ci);
    const pattern = p && this.string(p.pattern);
    if (!p || !pattern) return null;
    if (not && !p.exact) return null;
    if (!p.exact && !superset) return null;
    if (this.dialect === 'sqlite') return { sql: `(${a.sql} ${not ? 'NOT ' : ''}LIKE ${pattern} ESCAPE '\\')`, exact: p.exact };
    const op = ci ? 'ILIKE' : 'LIKE';
    return not ? { sql: `(${a.sql} IS NOT NULL AND ${a.sql} NOT ${op} ${pattern})`, exact: true } : { sql: `(${a.sql} ${op} ${pattern})`, exact: p.exact };
  }

  private inCond(node: InNode, negated: boolean, superset: boolean): Cond | null {
    if (isNullLiteral(node.operand)) return node.list.every((n) => this.value(n) || isNullLiteral(n)) ? NEVER : null;
    const a = this.value(node.operand);
    const items = node.list.map((n) => this.value(n));
    if (!a || items.some((i) => i === null)) return null;
    let kind: Kind | null = a.kind;
    for (const i of items as Sql[]) kind = kind && unify(kind, i.kind);
    if (!kind || kind === 'null') return null;
    const not = node.negated !== negated;
    const list = (items as Sql[]).map((i) => i.sql).join(', ');
    if (this.dialect === 'sqlite') return { sql: `(${a.sql} ${not ? 'NOT ' : ''}IN (${list}))`, exact: true };
    if (numeric(kind)) return { sql: not ? `(${a.sql} IS NOT NULL AND ${a.sql} NOT IN (${list}))` : `(${a.sql} IN (${list}))`, exact: true };
    return superset && !not ? { sql: `(${a.sql} IN (${list}))`, exact: false } : null;
  }

  private betweenCond(node: BetweenNode, negated: boolean): Cond | null {
    if (isNullLiteral(node.operand)) return this.value(node.low) && this.value(node.high) ? NEVER : null;
    const [x, lo, hi] = [this.value(node.operand), this.value(node.low), this.value(node.high)];
    if (!x || !lo || !hi) return null;
    const low = unify(x.kind, lo.kind);
    const kind = low && unify(low, hi.kind);
    if (!kind || kind === 'null' || (kind === 'string' && this.dialect === 'ogr')) return null;
    const sql = node.negated !== negated ? `(${x.sql} < ${lo.sql} OR ${x.sql} > ${hi.sql})` : `(${x.sql} >= ${lo.sql} AND ${x.sql} <= ${hi.sql})`;
    return { sql, exact: true };
  }

  private callCond(node: CallNode, negated: boolean): Cond | null {
    if (node.name !== 'starts_with' || this.dialect !== 'sqlite') return null;
    const s = this.value(node.args[0]);
    const prefix = node.args[1];
    if (!s || s.kind !== 'string' || prefix.type !== 'literal' || typeof prefix.value !== 'string') return null;
    const lit = this.string(prefix.value);
    if (!lit) return null;
    return { sql: `(substr(${s.sql}, 1, ${codePointLength(prefix.value)}) ${negated ? '<>' : '='} ${lit})`, exact: true };
  }
}

/**
 * Splits a filter into top-level AND conjuncts and translates each: exact ones go to `where` only,
 * superset ones go to `where` and stay in `residual`, the others stay in `residual`.
 */
export function translate(root: Node, dialect: SqlDialect, fields: FieldTypes = {}): Translation {
  const t = new Translator(dialect, fields);
  const conjuncts = root.type === 'logical' && root.op === 'AND' ? root.operands : [root];
  const where: string[] = [];
  const residual: Node[] = [];
  for (const c of conjuncts) {
    const r = t.cond(c, false, true);
    if (r) where.push(r.sql);
    if (!r || !r.exact) residual.push(c);
  }
  return { where: where.length > 0 ? join(where, 'AND') : null, residual };
}
