/**
 * GetLegendGraphic output: a PNG of icon + label rows per layer (layer titles as headings), the icon
 * of one rule alone (RULE=), and QGIS Server's JSON legend ({"nodes":[…],"title":""}, icons as base64
 * PNG; a layer with one entry carries its icon itself, others list "symbols").
 */
import { createCanvas, type Canvas, type CanvasRenderingContext2D } from 'canvas';
import type { Color } from '../project/model.js';
import { colorOrDefault, cssColor } from './color.js';
import { encodeImage } from './encode.js';
import type { LayerLegend, LegendItem, LegendNode } from './legend-model.js';
import { drawMarker, resolveSymbol, setStroke } from './symbols.js';
import { cssFont } from './text.js';
import { OGC_DPI } from './types.js';

/** A legend font: family (with style words), size in points, bold, colour. */
export interface LegendFont {
  family?: string;
  size?: number;
  bold?: boolean;
  italic?: boolean;
  color?: Color;
}

/** How a legend looks (GetLegendGraphic parameters). Sizes in pixels at 90.7 DPI unless noted. */
export interface LegendOptions {
  /** Icon size; default 25 × 14 (QGIS's 7 × 4 mm at 0.28 mm pixels). */
  iconWidth?: number;
  iconHeight?: number;
  /** Show layer titles as headings (LAYERTITLE); default true. */
  layerTitle?: boolean;
  /** Show entry labels (RULELABEL); default true. */
  ruleLabel?: boolean;
  layerFont?: LegendFont;
  itemFont?: LegendFont;
  transparent?: boolean;
  /** Background when not transparent; default white. */
  background?: Color;
  dpi?: number;
  /** Margin around the legend (BOXSPACE); default 4. */
  boxSpace?: number;
  /** Gap between layers (LAYERSPACE); default 6. */
  layerSpace?: number;
  /** Gap between rows (SYMBOLSPACE); default 3. */
  symbolSpace?: number;
  /** Gap between an icon and its label (ICONLABELSPACE); default 5. */
  iconLabelSpace?: number;
  /** JSON: add each entry's rule and scale range (SHOWRULEDETAILS). */
  showRuleDetails?: boolean;
}

interface Layout {
  k: number;
  iconW: number;
  iconH: number;
  box: number;
  layerSpace: number;
  symbolSpace: number;
  gap: number;
  layerFont: string;
  itemFont: string;
  layerColor: string;
  itemColor: string;
  o: LegendOptions;
}

type Row =
  | { kind: 'title'; text: string; top: number; h: number }
  | { kind: 'item'; item: LegendItem | null; text: string; font: 'layer' | 'item'; top: number; h: number; w: number };

function layout(o: LegendOptions): Layout {
  const k = (o.dpi && o.dpi > 0 ? o.dpi : OGC_DPI) / OGC_DPI;
  const font = (f: LegendFont | undefined, size: number, bold: boolean): string =>
    cssFont(`${(f?.bold ?? bold) ? 'bold ' : ''}${f?.italic ? 'italic ' : ''}${f?.family ?? 'DejaVu Sans'}`, ((f?.size ?? size) * k * OGC_DPI) / 72);
  return {
    k,
    iconW: Math.round((o.iconWidth ?? 25) * k),
    iconH: Math.round((o.iconHeight ?? 14) * k),
    box: (o.boxSpace ?? 4) * k,
    layerSpace: (o.layerSpace ?? 6) * k,
    symbolSpace: (o.symbolSpace ?? 3) * k,
    gap: (o.iconLabelSpace ?? 5) * k,
    layerFont: font(o.layerFont, 10, true),
    itemFont: font(o.itemFont, 9, false),
    layerColor: cssColor(colorOrDefault(o.layerFont?.color, [0, 0, 0, 255])),
    itemColor: cssColor(colorOrDefault(o.itemFont?.color, [0, 0, 0, 255])),
    o,
  };
}

/** Draws the legend of layers and groups as one image. */
export function renderLegendImage(nodes: readonly LegendNode[], options: LegendOptions = {}): Canvas {
  const L = layout(options);
  const measure = createCanvas(1, 1).getContext('2d');
  const rows: Row[] = [];
  let y = L.box;
  let width = 0;
  const lineHeight = (font: string): number => {
    measure.font = font;
    const m = measure.measureText('Hgjy');
    return Math.ceil(m.actualBoundingBoxAscent + m.actualBoundingBoxDescent);
  };
  const textWidth = (text: string, font: string): number => {
    measure.font = font;
    return text ? measure.measureText(text).width : 0;
  };
  const addLayer = (layer: LayerLegend, first: boolean): void => {
    if (!first) y += L.layerSpace;
    const single = layer.items.length === 1 && layer.items[0]!.title === '';
    if (single && L.o.layerTitle !== false) {
      const h = Math.max(L.iconH, lineHeight(L.layerFont));
      const w = L.iconW + L.gap + textWidth(layer.title, L.layerFont);
      rows.push({ kind: 'item', item: layer.items[0]!, text: layer.title, font: 'layer', top: y, h, w });
      y += h;
      width = Math.max(width, w);
      return;
    }
    if (L.o.layerTitle !== false) {
      const h = lineHeight(L.layerFont);
      rows.push({ kind: 'title', text: layer.title, top: y, h });
      width = Math.max(width, textWidth(layer.title, L.layerFont));
      y += h + L.symbolSpace;
    }
    layer.items.forEach((item, i) => {
      if (i > 0) y += L.symbolSpace;
      const text = L.o.ruleLabel === false ? '' : item.title;
      const h = Math.max(L.iconH, text ? lineHeight(L.itemFont) : 0);
      const w = L.iconW + (text ? L.gap + textWidth(text, L.itemFont) : 0);
      rows.push({ kind: 'item', item, text, font: 'item', top: y, h, w });
      y += h;
      width = Math.max(width, w);
    });
  };
  const walk = (list: readonly LegendNode[]): void => {
    for (const node of list) {
      if (node.type === 'layer') addLayer(node, rows.length === 0);
      else {
        if (L.o.layerTitle !== false) {
          if (rows.length > 0) y += L.layerSpace;
          const h = lineHeight(L.layerFont);
          rows.push({ kind: 'title', text: node.title, top: y, h });
          width = Math.max(width, textWidth(node.title, L.layerFont));
          y += h;
        }
        walk(node.nodes);
      }
    }
  };
  walk(nodes);
  const canvas = createCanvas(Math.max(1, Math.ceil(width + L.box * 2 - 1e-3)), Math.max(1, Math.ceil(y + L.box - 1e-3)));
  const ctx = canvas.getContext('2d');
  paintBackground(ctx, canvas, options);
  for (const row of rows) drawRow(ctx, row, L);
  return canvas;
}

function drawRow(ctx: CanvasRenderingContext2D, row: Row, L: Layout): void {
  const x = L.box;
  if (row.kind === 'title') {
    drawText(ctx, row.text, L.layerFont, L.layerColor, x, row.top, row.h);
    return;
  }
  if (row.item) drawIcon(ctx, row.item, x, row.top + (row.h - L.iconH) / 2, L.iconW, L.iconH, L.k);
  if (row.text) {
    const font = row.font === 'layer' ? L.layerFont : L.itemFont;
    drawText(ctx, row.text, font, row.font === 'layer' ? L.layerColor : L.itemColor, x + L.iconW + L.gap, row.top, row.h);
  }
}

/** Draws text vertically centred in a row. */
function drawText(ctx: CanvasRenderingContext2D, text: string, font: string, color: string, x: number, top: number, h: number): void {
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillText(text, x, top + h / 2);
}

function paintBackground(ctx: CanvasRenderingContext2D, canvas: Canvas, o: LegendOptions): void {
  if (o.transparent) return;
  ctx.fillStyle = cssColor(colorOrDefault(o.background, [255, 255, 255, 255]));
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

/** The icon of one entry alone, `width` × `height` pixels (GetLegendGraphic RULE=). */
export function renderLegendIcon(item: LegendItem, width: number, height: number, options: LegendOptions = {}): Canvas {
  const canvas = createCanvas(Math.max(1, Math.round(width)), Math.max(1, Math.round(height)));
  const ctx = canvas.getContext('2d');
  paintBackground(ctx, canvas, options);
  const k = (options.dpi && options.dpi > 0 ? options.dpi : OGC_DPI) / OGC_DPI;
  drawIcon(ctx, item, 0, 0, canvas.width, canvas.height, k);
  return canvas;
}

/** Draws an entry's icon into the box (x, y, w, h). */
export function drawIcon(ctx: CanvasRenderingContext2D, item: LegendItem, x: number, y: number, w: number, h: number, k: number): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  if (item.kind === 'color') {
    ctx.fillStyle = cssColor(colorOrDefault(item.color));
    ctx.fillRect(x + 1, y + 1, w - 2, h - 2);
  } else if (item.kind === 'ramp') {
    const g = ctx.createLinearGradient(x, 0, x + w, 0);
    item.colors.forEach((c, i) => g.addColorStop(item.colors.length > 1 ? i / (item.colors.length - 1) : 0, cssColor(colorOrDefault(c))));
    ctx.fillStyle = g;
    ctx.fillRect(x + 1, y + 1, w - 2, h - 2);
  } else {
    const s = resolveSymbol(item.symbol, k);
    if (item.geometry === 'point') {
      const fit = Math.min(w, h) - s.width - 1;
      drawMarker(ctx, s.size > fit ? { ...s, size: Math.max(1, fit) } : s, x + w / 2, y + h / 2);
    } else if (item.geometry === 'line') {
      const color = s.stroke ?? s.fill;
      if (setStroke(ctx, { ...s, width: Math.min(s.width, h) }, color)) {
        ctx.globalAlpha = s.opacity;
        ctx.beginPath();
        ctx.moveTo(x + 1, y + h / 2);
        ctx.lineTo(x + w - 1, y + h / 2);
        ctx.stroke();
      }
    } else {
      const inset = s.stroke ? Math.min(s.width, h / 3) / 2 + 0.5 : 0.5;
      ctx.globalAlpha = s.opacity;
      ctx.beginPath();
      ctx.rect(x + inset, y + inset, w - inset * 2, h - inset * 2);
      if (s.fill) {
        ctx.fillStyle = s.fill;
        ctx.fill();
      }
      if (setStroke(ctx, { ...s, width: Math.min(s.width, h / 3) })) ctx.stroke();
    }
  }
  ctx.restore();
}

/** One node of QGIS Server's JSON legend. */
export type JsonLegendNode = Record<string, unknown>;

/** The legend as QGIS Server's JSON (FORMAT=application/json); icons are base64 PNGs. */
export async function legendToJson(nodes: readonly LegendNode[], options: LegendOptions = {}, title = ''): Promise<{ nodes: JsonLegendNode[]; title: string }> {
  const k = (options.dpi && options.dpi > 0 ? options.dpi : OGC_DPI) / OGC_DPI;
  const iconW = Math.round((options.iconWidth ?? 25) * k);
  const iconH = Math.round((options.iconHeight ?? 14) * k);
  const icon = async (item: LegendItem): Promise<string> =>
    (await encodeImage(renderLegendIcon(item, iconW, iconH, { ...options, transparent: true }), 'image/png')).toString('base64');
  const symbolJson = async (item: LegendItem): Promise<JsonLegendNode> => {
    const out: JsonLegendNode = { icon: await icon(item), title: item.title };
    if (options.showRuleDetails && item.kind === 'symbol') {
      if (item.rule !== undefined) out.rule = item.rule;
      if (item.maxScale !== undefined) out.scaleMaxDenom = item.maxScale;
      if (item.minScale !== undefined) out.scaleMinDenom = item.minScale;
    }
    if (item.kind === 'ramp') {
      if (item.min !== undefined) out.min = item.min;
      if (item.max !== undefined) out.max = item.max;
    }
    return out;
  };
  const convert = async (node: LegendNode): Promise<JsonLegendNode> => {
    if (node.type === 'group') return { nodes: await Promise.all(node.nodes.map(convert)), title: node.title, type: 'group' };
    if (node.items.length === 1) {
      const one = await symbolJson(node.items[0]!);
      return { ...one, title: node.items[0]!.title || node.title, type: 'layer' };
    }
    return { symbols: await Promise.all(node.items.map(symbolJson)), title: node.title, type: 'layer' };
  };
  return { nodes: await Promise.all(nodes.map(convert)), title };
}
