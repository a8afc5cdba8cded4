/**
 * Builds the model's styles from the (schema-valid) YAML: fills in the defaults, normalises colours, and checks
 * what the schema cannot: field names and expressions against the layer's published fields, bands against the
 * raster's band count, scale ranges, duplicate names.
 */
import { Expression, ExpressionError } from '../expression/index.js';
import { normalizeColor } from './colors.js';
import { closest, fieldPath, quote, type NodeLocation, type Problems } from './problems.js';
import type { FieldDef, LabelStyle, NamedStyle, RasterStyle, StyleRule, Symbol, VectorLayerDef, VectorStyle } from './model.js';

type Raw = Record<string, unknown>;

/** What style building needs to know about the layer, and where to report. */
export interface StyleContext {
  node: NodeLocation;
  problems: Problems;
  title: string;
}

const VECTOR_TYPES = new Set(['single', 'categorized', 'graduated', 'rules']);

/** Symbol defaults: 1 px stroke, solid, opaque, 6 px circle marker. */
export function buildSymbol(raw: Raw): Symbol {
  const marker = raw['marker'];
  const m = typeof marker === 'object' && marker !== null ? (marker as Raw) : {};
  const sym: Symbol = {
    strokeWidth: (raw['strokeWidth'] as number | undefined) ?? 1,
    dash: (raw['dash'] as number[] | undefined) ?? [],
    opacity: (raw['opacity'] as number | undefined) ?? 1,
    marker: {
      shape: (typeof marker === 'string' ? marker : (m['shape'] as string | undefined) ?? 'circle') as Symbol['marker']['shape'],
      size: (m['size'] as number | undefined) ?? 6,
    },
  };
  if (raw['fill'] !== undefined) sym.fill = color(raw['fill']);
  if (raw['stroke'] !== undefined) sym.stroke = color(raw['stroke']);
  return sym;
}

/** The style a vector layer gets when the project gives none. */
export function defaultVectorSymbol(geometryType: VectorLayerDef['geometryType']): Symbol {
  if (geometryType === 'LineString' || geometryType === 'MultiLineString') return buildSymbol({ stroke: '#3182bd', strokeWidth: 1.5 });
  if (geometryType === 'Point' || geometryType === 'MultiPoint') return buildSymbol({ fill: '#e6550d', stroke: '#ffffff' });
  return buildSymbol({ fill: '#c6dbef', stroke: '#3182bd' });
}

/** The vector styles of a layer (`style:` or `styles:`), or its default style. */
export function buildVectorStyles(raws: Array<{ raw: Raw; at: string }>, fields: readonly FieldDef[], geometryType: VectorLayerDef['geometryType'], ctx: StyleContext): Array<NamedStyle<VectorStyle>> {
  if (raws.length === 0) return [{ name: 'default', title: ctx.title, style: { type: 'single', symbol: defaultVectorSymbol(geometryType) } }];
  const out: Array<NamedStyle<VectorStyle>> = [];
  for (const { raw, at } of raws) {
    const type = (raw['type'] as string | undefined) ?? 'single';
    if (!VECTOR_TYPES.has(type)) {
      ctx.problems.add(ctx.node, `${at}.type`, `'${type}' is a raster style; this is a vector layer (use single, categorized, graduated or rules)`);
      continue;
    }
    out.push(named(raw, vectorStyle(type, raw, fields, at, ctx)));
  }
  checkUniqueNames(raws, ctx);
  return out;
}

/** The raster styles of a layer, or its default style (RGB(A) from 3 or 4 bands, else grey band 1). */
export function buildRasterStyles(raws: Array<{ raw: Raw; at: string }>, bandCount: number, ctx: StyleContext): Array<NamedStyle<RasterStyle>> {
  if (raws.length === 0) {
    const style: RasterStyle = bandCount >= 4 ? { type: 'rgb', bands: [1, 2, 3, 4] } : bandCount === 3 ? { type: 'rgb', bands: [1, 2, 3] } : { type: 'gray', band: 1 };
    return [{ name: 'default', title: ctx.title, style }];
  }
  const out: Array<NamedStyle<RasterStyle>> = [];
  for (const { raw, at } of raws) {
    const type = (raw['type'] as string | undefined) ?? 'single';
    if (VECTOR_TYPES.has(type)) {
      ctx.problems.add(ctx.node, `${at}.type`, `${raw['type'] === undefined ? 'is required for a raster style' : `'${type}' is a vector style; this is a raster layer`} (use gray, rgb or ramp)`);
      continue;
    }
    out.push(named(raw, rasterStyle(type, raw, bandCount, at, ctx)));
  }
  checkUniqueNames(raws, ctx);
  return out;
}

function named<S>(raw: Raw, style: S): NamedStyle<S> {
  const name = (raw['name'] as string | undefined) ?? 'default';
  return { name, title: (raw['title'] as string | undefined) ?? name, style };
}

function checkUniqueNames(raws: Array<{ raw: Raw; at: string }>, ctx: StyleContext): void {
  const seen = new Set<string>();
  for (const { raw, at } of raws) {
    const name = (raw['name'] as string | undefined) ?? 'default';
    if (seen.has(name)) ctx.problems.add(ctx.node, `${at}.name`, `style '${name}' is defined twice`);
    seen.add(name);
  }
}

function vectorStyle(type: string, raw: Raw, fields: readonly FieldDef[], at: string, ctx: StyleContext): VectorStyle {
  const check = new FieldCheck(fields, ctx);
  const style = vectorStyleBody(type, raw, at, check);
  if (raw['labels']) style.labels = buildLabels(raw['labels'] as Raw, `${at}.labels`, check);
  return style;
}

function vectorStyleBody(type: string, raw: Raw, at: string, check: FieldCheck): VectorStyle {
  const ctx = check.ctx;
  switch (type) {
    case 'categorized': {
      check.field(raw['field'] as string, `${at}.field`);
      const seen = new Set<string>();
      const fieldType = check.typeOf(raw['field'] as string);
      const categories = (raw['categories'] as Raw[]).map((c, i) => {
        const value = check.categoryValue(c['value'] as string | number | null, fieldType, `${at}.categories[${i}].value`);
        const key = JSON.stringify(value);
        if (seen.has(key)) ctx.problems.add(ctx.node, `${at}.categories[${i}].value`, `${quote(value)} is listed twice`);
        seen.add(key);
        return { value, label: (c['label'] as string | undefined) ?? (value === null ? '(no value)' : String(value)), symbol: buildSymbol(c) };
      });
      const s: VectorStyle = { type: 'categorized', field: raw['field'] as string, categories };
      if (raw['default']) s.defaultSymbol = buildSymbol(raw['default'] as Raw);
      return s;
    }
    case 'graduated': {
      check.field(raw['field'] as string, `${at}.field`);
      const fieldType = check.typeOf(raw['field'] as string);
      if (fieldType !== undefined && !NUMERIC.has(fieldType)) ctx.problems.add(ctx.node, `${at}.field`, `'${String(raw['field'])}' is of type ${fieldType}; graduated styles need a number field`);
      const classes = (raw['classes'] as Raw[]).map((c, i) => {
        const min = c['min'] as number;
        const max = c['max'] as number;
        if (!(min < max)) ctx.problems.add(ctx.node, `${at}.classes[${i}]`, `min (${min}) must be less than max (${max})`);
        return { min, max, label: (c['label'] as string | undefined) ?? `${min} – ${max}`, symbol: buildSymbol(c) };
      });
      return { type: 'graduated' as const, field: raw['field'] as string, classes };
    }
    case 'rules': {
      const names = new Set<string>();
      const rules = (raw['rules'] as Raw[]).map((r, i): StyleRule => {
        const where = `${at}.rules[${i}]`;
        const name = (r['name'] as string | undefined) ?? `rule${i + 1}`;
        if (names.has(name)) ctx.problems.add(ctx.node, `${where}.name`, `rule '${name}' is defined twice in this style`);
        names.add(name);
        const filter = r['filter'] as string | undefined;
        if (filter !== undefined) check.expression(filter, `${where}.filter`);
        checkScales(r, where, ctx);
        const rule: StyleRule = {
          name,
          label: (r['label'] as string | undefined) ?? (r['name'] as string | undefined) ?? filter ?? (r['else'] ? 'other' : 'all'),
          else: (r['else'] as boolean | undefined) ?? false,
          symbol: buildSymbol(r),
        };
        if (filter !== undefined) rule.filter = filter;
        if (r['minScale'] !== undefined) rule.minScale = r['minScale'] as number;
        if (r['maxScale'] !== undefined) rule.maxScale = r['maxScale'] as number;
        return rule;
      });
      return { type: 'rules' as const, rules };
    }
    default:
      return { type: 'single' as const, symbol: buildSymbol(raw) };
  }
}

function rasterStyle(type: string, raw: Raw, bandCount: number, at: string, ctx: StyleContext): RasterStyle {
  const band = (value: unknown, where: string): number => {
    const b = (value as number | undefined) ?? 1;
    if (b > bandCount) ctx.problems.add(ctx.node, where, `band ${b} does not exist (the raster has ${bandCount} band${bandCount === 1 ? '' : 's'})`);
    return b;
  };
  switch (type) {
    case 'rgb': {
      const bands = ((raw['bands'] as number[] | undefined) ?? [1, 2, 3]).map((b, i) => band(b, `${at}.bands[${i}]`));
      return { type: 'rgb', bands: bands as [number, number, number] };
    }
    case 'ramp': {
      const stops = (raw['stops'] as Raw[]).map((s) => ({ value: s['value'] as number, color: color(s['color']), label: (s['label'] as string | undefined) ?? String(s['value']) }));
      stops.forEach((s, i) => {
        if (i > 0 && !(s.value > stops[i - 1]!.value)) ctx.problems.add(ctx.node, `${at}.stops[${i}].value`, `stops must be in increasing order of value (${s.value} follows ${stops[i - 1]!.value})`);
      });
      return { type: 'ramp', band: band(raw['band'], `${at}.band`), interpolation: (raw['interpolation'] as 'linear' | 'discrete' | undefined) ?? 'linear', stops };
    }
    default: {
      const s: RasterStyle = { type: 'gray', band: band(raw['band'], `${at}.band`) };
      if (raw['min'] !== undefined) s.min = raw['min'] as number;
      if (raw['max'] !== undefined) s.max = raw['max'] as number;
      if (s.min !== undefined && s.max !== undefined && !(s.min < s.max)) ctx.problems.add(ctx.node, at, `min (${s.min}) must be less than max (${s.max})`);
      return s;
    }
  }
}

/** Label defaults: sans-serif 10 pt black, placement auto, no offset, priority 0; halo width 1. */
function buildLabels(raw: Raw, at: string, check: FieldCheck): LabelStyle {
  const field = raw['field'] as string | undefined;
  const given = raw['expression'] as string | undefined;
  let expression = given ?? '';
  if (field !== undefined && given !== undefined) check.problem(at, "give either 'field' or 'expression', not both");
  else if (field !== undefined) {
    check.field(field, `${at}.field`);
    expression = `"${field.replace(/"/g, '""')}"`;
  } else if (given !== undefined) check.expression(given, `${at}.expression`);
  else check.problem(at, "needs 'field' or 'expression'");
  const label: LabelStyle = {
    expression,
    font: (raw['font'] as string | undefined) ?? 'sans-serif',
    size: (raw['size'] as number | undefined) ?? 10,
    color: raw['color'] !== undefined ? color(raw['color']) : '#000000',
    placement: (raw['placement'] as LabelStyle['placement'] | undefined) ?? 'auto',
    offset: (raw['offset'] as [number, number] | undefined) ?? [0, 0],
    priority: (raw['priority'] as number | undefined) ?? 0,
  };
  const halo = raw['halo'];
  if (typeof halo === 'string') label.halo = { color: color(halo), width: 1 };
  else if (halo) label.halo = { color: color((halo as Raw)['color']), width: ((halo as Raw)['width'] as number | undefined) ?? 1 };
  if (raw['minScale'] !== undefined) label.minScale = raw['minScale'] as number;
  if (raw['maxScale'] !== undefined) label.maxScale = raw['maxScale'] as number;
  checkScales(raw, at, check.ctx);
  return label;
}

/** Reports minScale >= maxScale on an object that has both. */
export function checkScales(raw: Raw, at: string, ctx: { node: NodeLocation; problems: Problems }): void {
  const min = raw['minScale'] as number | undefined;
  const max = raw['maxScale'] as number | undefined;
  if (min !== undefined && max !== undefined && !(min < max)) {
    ctx.problems.add(ctx.node, fieldPath([at, 'minScale'].filter(Boolean)), `minScale (${min}) must be less than maxScale (${max}): the layer is drawn when minScale <= scale < maxScale`);
  }
}

const NUMERIC = new Set(['integer', 'integer64', 'real']);

/** Checks field names and expressions against the layer's published fields. */
class FieldCheck {
  readonly fields: readonly string[];
  readonly #types: ReadonlyMap<string, string>;

  constructor(defs: readonly FieldDef[], readonly ctx: StyleContext) {
    this.fields = defs.map((f) => f.name);
    this.#types = new Map(defs.map((f) => [f.name, f.type]));
  }
  typeOf(field: string): string | undefined {
    return this.#types.get(field);
  }
  /** A category value as the field holds it: '250' for a string field written 250, 3 for a number field written '3'. */
  categoryValue(value: string | number | null, fieldType: string | undefined, at: string): string | number | null {
    if (value === null || fieldType === undefined) return value;
    if (NUMERIC.has(fieldType)) {
      if (typeof value === 'number') return value;
      const n = value.trim() === '' ? NaN : Number(value);
      if (Number.isFinite(n)) return n;
      this.problem(at, `${quote(value)} can never match: the field is of type ${fieldType}`);
      return value;
    }
    return fieldType === 'string' ? String(value) : value;
  }

  problem(at: string, message: string): void {
    this.ctx.problems.add(this.ctx.node, at, message);
  }
  field(name: string, at: string): void {
    if (this.fields.includes(name)) return;
    const hint = closest(name, this.fields);
    this.problem(at, `'${name}' is not a published field of the layer${hint ? ` (did you mean '${hint}'?)` : ` (fields: ${this.fields.join(', ')})`}`);
  }
  expression(text: string, at: string): void {
    try {
      Expression.parse(text).validate(this.fields);
    } catch (err) {
      if (err instanceof ExpressionError) this.problem(at, `${quote(text)}: ${(err as Error).message}`);
      else throw err;
    }
  }
}

/** A colour the schema has accepted, normalised ('#rrggbb' or 'rgba(...)'). */
function color(value: unknown): string {
  return normalizeColor(value as string) ?? (value as string);
}
