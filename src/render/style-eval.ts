/**
 * Vector style evaluation: which symbols a feature gets. A style is compiled once (its expressions
 * parsed once) and cached per style object; per render only the scale-dependent rule list is built.
 */
import { Expression } from '../expression/index.js';
import { OgcError } from '../errors/ogc-error.js';
import type { LabelStyle, StyleRule, Symbol, VectorStyle } from '../project/model.js';
import { inScaleRange } from './scale.js';

/** Attributes of a feature, as the expression evaluator reads them. */
export type Attributes = Record<string, unknown>;

/** Picks the symbols of one feature at one scale. */
export interface SymbolMatcher {
  /** Indices into the compiled style's `symbols`, in drawing order; empty when the feature is not drawn. */
  match(attributes: Attributes): readonly number[];
  /** Whether any symbol can be drawn at this scale (false skips reading the layer). */
  readonly active: boolean;
}

/** A style with its expressions parsed. */
export interface CompiledStyle {
  readonly symbols: readonly Symbol[];
  /** The matcher for one scale denominator. */
  atScale(scale: number): SymbolMatcher;
}

const NONE: readonly number[] = Object.freeze([]);
const compiledStyles = new WeakMap<VectorStyle, CompiledStyle>();
const labelExpressions = new WeakMap<LabelStyle, Expression>();

/** The compiled form of a style (parsed once per style object, then cached). */
export function compileStyle(style: VectorStyle): CompiledStyle {
  let compiled = compiledStyles.get(style);
  if (!compiled) {
    compiled = build(style);
    compiledStyles.set(style, compiled);
  }
  return compiled;
}

/** The parsed label expression of a label style (parsed once per style object, then cached). */
export function labelExpression(labels: LabelStyle): Expression {
  let expr = labelExpressions.get(labels);
  if (!expr) {
    expr = parseOrThrow(labels.expression, 'label expression');
    labelExpressions.set(labels, expr);
  }
  return expr;
}

/** Fields a style reads (classification field, rule filters, label expression), for narrowing the read. */
export function styleFields(style: VectorStyle): string[] {
  const fields = new Set<string>();
  if (style.type === 'categorized' || style.type === 'graduated') fields.add(style.field);
  if (style.type === 'rules') {
    for (const rule of style.rules) {
      if (rule.filter) for (const f of parseOrThrow(rule.filter, `filter of rule "${rule.name}"`).referencedFields()) fields.add(f);
    }
  }
  if (style.labels) for (const f of labelExpression(style.labels).referencedFields()) fields.add(f);
  return [...fields];
}

/** Singleton index arrays, so matching allocates nothing for the common one-symbol case. */
function singletons(n: number): ReadonlyArray<readonly number[]> {
  return Array.from({ length: n }, (_, i) => Object.freeze([i]));
}

function build(style: VectorStyle): CompiledStyle {
  switch (style.type) {
    case 'single': return buildSingle(style.symbol);
    case 'categorized': return buildCategorized(style);
    case 'graduated': return buildGraduated(style);
    case 'rules': return buildRules(style.rules);
  }
}

function constantMatcher(result: readonly number[]): SymbolMatcher {
  return { active: result.length > 0, match: () => result };
}

function buildSingle(symbol: Symbol): CompiledStyle {
  const matcher = constantMatcher(Object.freeze([0]));
  return { symbols: [symbol], atScale: () => matcher };
}

function buildCategorized(style: Extract<VectorStyle, { type: 'categorized' }>): CompiledStyle {
  const symbols = style.categories.map((c) => c.symbol);
  const byValue = new Map<string, number>();
  let nullIndex = -1;
  style.categories.forEach((c, i) => {
    if (c.value === null) {
      if (nullIndex < 0) nullIndex = i;
    } else if (!byValue.has(String(c.value))) {
      byValue.set(String(c.value), i);
    }
  });
  const defaultIndex = style.defaultSymbol ? symbols.push(style.defaultSymbol) - 1 : -1;
  const one = singletons(symbols.length);
  const field = style.field;
  const matcher: SymbolMatcher = {
    active: symbols.length > 0,
    match(attributes) {
      const v = attributes[field];
      let i = v === null || v === undefined ? nullIndex : byValue.get(categoryKey(v)) ?? -1;
      if (i < 0) i = defaultIndex;
      return i < 0 ? NONE : one[i]!;
    },
  };
  return { symbols, atScale: () => matcher };
}

/** The text a value is compared by (1 and 1.0 and "1" fall in one category). */
function categoryKey(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function buildGraduated(style: Extract<VectorStyle, { type: 'graduated' }>): CompiledStyle {
  const classes = style.classes;
  const symbols = classes.map((c) => c.symbol);
  const one = singletons(symbols.length);
  const field = style.field;
  const last = classes.length - 1;
  const matcher: SymbolMatcher = {
    active: symbols.length > 0,
    match(attributes) {
      const raw = attributes[field];
      if (raw === null || raw === undefined || raw === '') return NONE;
      const v = typeof raw === 'number' ? raw : Number(raw);
      if (Number.isNaN(v)) return NONE;
      for (let i = 0; i <= last; i++) {
        const c = classes[i]!;
        if (v >= c.min && (v < c.max || (i === last && v === c.max))) return one[i]!;
      }
      return NONE;
    },
  };
  return { symbols, atScale: () => matcher };
}

interface CompiledRule {
  index: number;
  filter: Expression | null;
  rule: StyleRule;
}

function buildRules(rules: readonly StyleRule[]): CompiledStyle {
  const compiled: CompiledRule[] = rules.map((rule, index) => ({
    index,
    rule,
    filter: rule.filter && rule.filter.trim() !== '' ? parseOrThrow(rule.filter, `filter of rule "${rule.name}"`) : null,
  }));
  const one = singletons(rules.length);
  const byScale = new Map<number, SymbolMatcher>();
  return {
    symbols: rules.map((r) => r.symbol),
    atScale(scale) {
      let m = byScale.get(scale);
      if (!m) {
        m = rulesMatcher(compiled, scale, one);
        if (byScale.size > 64) byScale.clear();
        byScale.set(scale, m);
      }
      return m;
    },
  };
}

function rulesMatcher(all: readonly CompiledRule[], scale: number, one: ReadonlyArray<readonly number[]>): SymbolMatcher {
  const active = all.filter((r) => inScaleRange(scale, r.rule.minScale, r.rule.maxScale));
  const regular = active.filter((r) => !r.rule.else);
  const elses = active.filter((r) => r.rule.else);
  const collect = (list: readonly CompiledRule[], attributes: Attributes): readonly number[] => {
    let found: number[] | null = null;
    let first = -1;
    for (const r of list) {
      if (r.filter && !safeTest(r.filter, attributes)) continue;
      if (first < 0) first = r.index;
      else (found ??= [first]).push(r.index);
    }
    return found ?? (first < 0 ? NONE : one[first]!);
  };
  return {
    active: active.length > 0,
    match(attributes) {
      const hit = collect(regular, attributes);
      return hit.length > 0 || elses.length === 0 ? hit : collect(elses, attributes);
    },
  };
}

/** A filter that fails to evaluate for a feature does not match it (as in QGIS). */
function safeTest(expr: Expression, attributes: Attributes): boolean {
  try {
    return expr.test(attributes);
  } catch {
    return false;
  }
}

function parseOrThrow(text: string, what: string): Expression {
  try {
    return Expression.parse(text);
  } catch (err) {
    throw new OgcError('NoApplicableCode', `Invalid ${what}: ${(err as Error).message}`, { cause: err });
  }
}
