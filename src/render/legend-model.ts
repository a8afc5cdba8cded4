/**
 * Legend content: the entries a layer's style shows (one per symbol, category, class, rule or ramp
 * stop), independent of how they are drawn (legend.ts draws them as PNG or QGIS-style JSON).
 */
import type { Color, LayerDef, RasterStyle, Symbol, VectorLayerDef, VectorStyle } from '../project/model.js';
import { inScaleRange } from './scale.js';
import { kindOfType } from './label-geometry.js';

/** How a vector legend icon is drawn. */
export type IconGeometry = 'point' | 'line' | 'polygon';

/** One legend entry. */
export type LegendItem =
  | {
      kind: 'symbol';
      title: string;
      /** What GetLegendGraphic RULE= matches (rule name; for categories and classes, their label). */
      ruleName: string;
      symbol: Symbol;
      geometry: IconGeometry;
      /** The filter in the expression language, for SHOWRULEDETAILS. */
      rule?: string;
      minScale?: number;
      maxScale?: number;
    }
  | { kind: 'color'; title: string; ruleName: string; color: Color }
  | { kind: 'ramp'; title: string; ruleName: string; colors: Color[]; min?: number; max?: number };

/** The legend of one layer. */
export interface LayerLegend {
  type: 'layer';
  name: string;
  title: string;
  items: LegendItem[];
}

/** The legend of a group: its children's legends. */
export interface GroupLegend {
  type: 'group';
  name: string;
  title: string;
  nodes: LegendNode[];
}

/** A node of a legend tree. */
export type LegendNode = LayerLegend | GroupLegend;

/**
 * The legend of a layer with a style (default: its first). With `scale`, rules outside their
 * scale range are left out (GetLegendGraphic SCALE / BBOX).
 */
export function layerLegend(def: LayerDef, style?: VectorStyle | RasterStyle, scale?: number): LayerLegend {
  const s = style ?? def.styles[0]?.style;
  let items: LegendItem[] = [];
  if (s) items = def.kind === 'vector' ? vectorItems(def, s as VectorStyle, scale) : rasterItems(s as RasterStyle);
  return { type: 'layer', name: def.name, title: def.title || def.name, items };
}

/** The entry RULE= names: by rule name first, then by title. */
export function findLegendItem(legend: LayerLegend, rule: string): LegendItem | undefined {
  return legend.items.find((i) => i.ruleName === rule) ?? legend.items.find((i) => i.title === rule);
}

function vectorItems(def: VectorLayerDef, style: VectorStyle, scale: number | undefined): LegendItem[] {
  const geometry = (symbol: Symbol): IconGeometry => iconGeometry(def.geometryType, symbol);
  const item = (title: string, ruleName: string, symbol: Symbol, extra: Partial<Extract<LegendItem, { kind: 'symbol' }>> = {}): LegendItem => ({
    kind: 'symbol', title, ruleName, symbol, geometry: geometry(symbol), ...extra,
  });
  switch (style.type) {
    case 'single':
      return [item('', def.name, style.symbol)];
    case 'categorized': {
      const items = style.categories.map((c) => item(c.label || String(c.value ?? ''), c.label || String(c.value ?? ''), c.symbol, {
        rule: c.value === null ? `"${style.field}" IS NULL` : `"${style.field}" = ${literal(c.value)}`,
      }));
      if (style.defaultSymbol) items.push(item('', 'ELSE', style.defaultSymbol, { rule: 'ELSE' }));
      return items;
    }
    case 'graduated':
      return style.classes.map((c) => item(c.label || `${c.min} - ${c.max}`, c.label || `${c.min} - ${c.max}`, c.symbol, {
        rule: `"${style.field}" >= ${c.min} AND "${style.field}" <= ${c.max}`,
      }));
    case 'rules':
      return style.rules
        .filter((r) => scale === undefined || inScaleRange(scale, r.minScale, r.maxScale))
        .map((r) => item(r.label || r.name, r.name, r.symbol, {
          rule: r.else ? 'ELSE' : r.filter ?? '',
          ...(r.minScale !== undefined ? { minScale: r.minScale } : {}),
          ...(r.maxScale !== undefined ? { maxScale: r.maxScale } : {}),
        }));
  }
}

function rasterItems(style: RasterStyle): LegendItem[] {
  switch (style.type) {
    case 'gray':
      return [{
        kind: 'ramp', title: `Band ${style.band}`, ruleName: `Band ${style.band}`, colors: ['#000000', '#ffffff'],
        ...(style.min !== undefined ? { min: style.min } : {}), ...(style.max !== undefined ? { max: style.max } : {}),
      }];
    case 'rgb': {
      const names = ['Red', 'Green', 'Blue', 'Alpha'];
      const colors = ['#ff0000', '#00ff00', '#0000ff'];
      return style.bands.slice(0, 3).map((b, i) => ({ kind: 'color', title: `Band ${b} (${names[i]})`, ruleName: `Band ${b} (${names[i]})`, color: colors[i]! }));
    }
    case 'ramp':
      return [...style.stops].sort((a, b) => a.value - b.value)
        .map((s) => ({ kind: 'color', title: s.label || String(s.value), ruleName: s.label || String(s.value), color: s.color }));
  }
}

/** Point, line or polygon icon for a layer geometry type (a generic layer: polygon if the symbol fills). */
export function iconGeometry(geometryType: VectorLayerDef['geometryType'], symbol: Symbol): IconGeometry {
  return kindOfType(geometryType) ?? (symbol.fill ? 'polygon' : 'line');
}

function literal(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
}
