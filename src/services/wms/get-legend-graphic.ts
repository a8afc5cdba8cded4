/**
 * WMS GetLegendGraphic (SLD 1.1 profile, QGIS Server's vendor options): the legend of layers and groups
 * as a PNG or as QGIS's JSON, or the icon of one rule (RULE=). A group gives a node per layer (nested
 * under a group node with ADDLAYERGROUPS=true); SCALE keeps the layers and rules visible at that scale.
 * PNG legends go through the cache manager as images, keyed by project, request and access control.
 */
import { InvalidParameterError, OgcError } from '../../errors/ogc-error.js';
import { defineParams, parseParams, type ParamSource, type Parsed } from '../../params/table.js';
import type { LayerDef, LayerTreeNode, RasterStyle, VectorStyle } from '../../project/model.js';
import {
  encodeImage, findLegendItem, inScaleRange, layerLegend, legendToJson, parseColor, renderLegendIcon, renderLegendImage,
  type LegendFont, type LegendItem, type LegendNode, type LegendOptions,
} from '../../render/index.js';
import type { WmsContext } from './context.js';
import { GET_LEGEND_GRAPHIC } from './parameters.js';

/** QGIS Server's vendor options of GetLegendGraphic that this server honours (sizes in mm, fonts in points). */
export const LEGEND_VENDOR = defineParams({
  LAYERTITLE: { type: 'boolean', default: true, description: 'show layer titles' },
  RULELABEL: { type: 'string', description: 'TRUE, FALSE or AUTO: show entry labels' },
  ADDLAYERGROUPS: { type: 'boolean', default: false, description: 'nest the layers of a group under a group node' },
  SHOWRULEDETAILS: { type: 'boolean', default: false, description: 'JSON: add each entry\'s rule and scale range' },
  DPI: { type: 'double', min: 1, max: 1200 },
  SYMBOLWIDTH: { type: 'double', min: 0.1, max: 200, description: 'icon width in mm (default 7)' },
  SYMBOLHEIGHT: { type: 'double', min: 0.1, max: 200, description: 'icon height in mm (default 4)' },
  BOXSPACE: { type: 'double', min: 0, max: 100, description: 'margin in mm' },
  LAYERSPACE: { type: 'double', min: 0, max: 100, description: 'space between layers in mm' },
  SYMBOLSPACE: { type: 'double', min: 0, max: 100, description: 'space between entries in mm' },
  ICONLABELSPACE: { type: 'double', min: 0, max: 100, description: 'space between icon and label in mm' },
  LAYERFONTFAMILY: { type: 'string' },
  LAYERFONTSIZE: { type: 'double', min: 1, max: 200 },
  LAYERFONTBOLD: { type: 'boolean' },
  LAYERFONTITALIC: { type: 'boolean' },
  LAYERFONTCOLOR: { type: 'string' },
  ITEMFONTFAMILY: { type: 'string' },
  ITEMFONTSIZE: { type: 'double', min: 1, max: 200 },
  ITEMFONTBOLD: { type: 'boolean' },
  ITEMFONTITALIC: { type: 'boolean' },
  ITEMFONTCOLOR: { type: 'string' },
});

/** Millimetres to pixels at 90.7 DPI (the OGC 0.28 mm pixel): the renderer's unit. */
const MM = 1 / 0.28;

/** WMS GetLegendGraphic. */
export async function getLegendGraphic(ctx: WmsContext): Promise<void> {
  const q = ctx.request.parameters();
  const format = legendFormat(q.get('FORMAT'));
  const source: ParamSource = { get: (name) => (name.toUpperCase() === 'FORMAT' ? format : q.get(name)) };
  const p = parseParams(GET_LEGEND_GRAPHIC, source);
  const v = parseParams(LEGEND_VENDOR, q);
  if (p.RULE !== undefined && format === 'application/json') throw new InvalidParameterError('RULE', 'RULE cannot be used with the JSON format');
  const options = legendOptions(v, p.TRANSPARENT);

  const { iface, project, request, response } = ctx;
  const names = p.LAYER.map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new OgcError('MissingParameterValue', 'The LAYER parameter is empty', { locator: 'LAYER' });
  const styles = (p.STYLE ?? '').split(',').map((s) => s.trim());
  const nodes: LegendNode[] = [];
  names.forEach((name, i) => {
    const node = ctx.access.node(project, name, 'LayerNotDefined');
    const styleName = names.length === 1 ? (p.STYLE ?? '').trim() : styles.length === names.length ? styles[i]! : '';
    nodes.push(...legendNodes(node, node.kind === 'group' ? '' : styleName, p.SCALE, v.ADDLAYERGROUPS));
  });

  // Access control has been asked (a hidden layer is LayerNotDefined whatever a cache holds); now the cache.
  const cache = iface.cacheManager();
  const ac = iface.accessControls();
  if (format === 'image/png') {
    const cached = await cache.getCachedImage(project, request, ac);
    if (cached) {
      response.setHeader('Content-Type', 'image/png');
      response.write(cached);
      return;
    }
  }

  if (format === 'application/json') {
    const json = await legendToJson(nodes, options);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.write(JSON.stringify(json));
    return;
  }
  let body: Buffer;
  if (p.RULE !== undefined) {
    const item = findRule(nodes, p.RULE);
    if (!item) throw new InvalidParameterError('RULE', `RULE '${p.RULE.slice(0, 100)}' is not a legend entry of ${names.join(', ')}`);
    const w = p.WIDTH ?? options.iconWidth ?? 25;
    const h = p.HEIGHT ?? options.iconHeight ?? 14;
    body = await encodeImage(renderLegendIcon(item, w, h, options), 'image/png');
  } else {
    body = await encodeImage(renderLegendImage(nodes, options), 'image/png');
  }
  await cache.setCachedImage(body, project, request, ac);
  response.setHeader('Content-Type', 'image/png');
  response.write(body);
}

/** FORMAT: image/png (any PNG mode) or application/json; InvalidFormat otherwise. */
function legendFormat(raw: string | undefined): 'image/png' | 'application/json' {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '' || v === 'png' || v === 'image/png' || v.startsWith('image/png;')) return 'image/png';
  if (v === 'json' || v === 'application/json') return 'application/json';
  throw new OgcError('InvalidFormat', `FORMAT '${(raw ?? '').slice(0, 100)}' is not supported by GetLegendGraphic; use image/png or application/json`, { locator: 'FORMAT' });
}

/** The legend of a layer (one node), or of a group's layers (a node each, or a group node with ADDLAYERGROUPS). */
function legendNodes(node: LayerTreeNode, styleName: string, scale: number | undefined, nestGroups: boolean): LegendNode[] {
  if (node.kind === 'group') {
    const children = node.children.flatMap((c) => legendNodes(c, '', scale, nestGroups));
    if (!nestGroups) return children;
    return children.length ? [{ type: 'group', name: node.name, title: node.title || node.name, nodes: children }] : [];
  }
  if (scale !== undefined && !inScaleRange(scale, node.minScale, node.maxScale)) return [];
  return [layerLegend(node, pickStyle(node, styleName), scale)];
}

/** The named style of a layer ('' or 'default' → its first); StyleNotDefined otherwise. */
function pickStyle(layer: LayerDef, name: string): VectorStyle | RasterStyle {
  const styles = layer.styles as Array<{ name: string; style: VectorStyle | RasterStyle }>;
  if (name === '' || name.toLowerCase() === 'default') return styles[0]!.style;
  const hit = styles.find((s) => s.name === name);
  if (!hit) throw new OgcError('StyleNotDefined', `Style '${name.slice(0, 100)}' is not defined for layer '${layer.name}'`, { locator: 'STYLE' });
  return hit.style;
}

/** The entry RULE= names, in the first layer that has it (QGIS searches every layer of the legend). */
function findRule(nodes: readonly LegendNode[], rule: string): LegendItem | undefined {
  for (const n of nodes) {
    const hit = n.type === 'layer' ? findLegendItem(n, rule) : findRule(n.nodes, rule);
    if (hit) return hit;
  }
  return undefined;
}

function legendOptions(v: Parsed<typeof LEGEND_VENDOR>, transparent: boolean): LegendOptions {
  const o: LegendOptions = { transparent, layerTitle: v.LAYERTITLE, showRuleDetails: v.SHOWRULEDETAILS };
  if (v.RULELABEL !== undefined) {
    const r = v.RULELABEL.trim().toUpperCase();
    if (!['TRUE', 'FALSE', 'AUTO', '1', '0', 'YES', 'NO', 'ON', 'OFF'].includes(r)) {
      throw new InvalidParameterError('RULELABEL', `RULELABEL ('${v.RULELABEL.slice(0, 40)}') must be TRUE, FALSE or AUTO`);
    }
    o.ruleLabel = !['FALSE', '0', 'NO', 'OFF'].includes(r);
  }
  if (v.DPI !== undefined) o.dpi = v.DPI;
  if (v.SYMBOLWIDTH !== undefined) o.iconWidth = v.SYMBOLWIDTH * MM;
  if (v.SYMBOLHEIGHT !== undefined) o.iconHeight = v.SYMBOLHEIGHT * MM;
  if (v.BOXSPACE !== undefined) o.boxSpace = v.BOXSPACE * MM;
  if (v.LAYERSPACE !== undefined) o.layerSpace = v.LAYERSPACE * MM;
  if (v.SYMBOLSPACE !== undefined) o.symbolSpace = v.SYMBOLSPACE * MM;
  if (v.ICONLABELSPACE !== undefined) o.iconLabelSpace = v.ICONLABELSPACE * MM;
  const layerFont = font('LAYER', v.LAYERFONTFAMILY, v.LAYERFONTSIZE, v.LAYERFONTBOLD, v.LAYERFONTITALIC, v.LAYERFONTCOLOR);
  const itemFont = font('ITEM', v.ITEMFONTFAMILY, v.ITEMFONTSIZE, v.ITEMFONTBOLD, v.ITEMFONTITALIC, v.ITEMFONTCOLOR);
  if (layerFont) o.layerFont = layerFont;
  if (itemFont) o.itemFont = itemFont;
  return o;
}

function font(prefix: string, family?: string, size?: number, bold?: boolean, italic?: boolean, color?: string): LegendFont | null {
  const f: LegendFont = {};
  if (family !== undefined) {
    if (!/^[\p{L}\p{N} _-]{1,64}$/u.test(family)) throw new InvalidParameterError(`${prefix}FONTFAMILY`, `${prefix}FONTFAMILY ('${family.slice(0, 40)}') is not a font family name`);
    f.family = family;
  }
  if (size !== undefined) f.size = size;
  if (bold !== undefined) f.bold = bold;
  if (italic !== undefined) f.italic = italic;
  if (color !== undefined) {
    if (!parseColor(color)) throw new InvalidParameterError(`${prefix}FONTCOLOR`, `${prefix}FONTCOLOR ('${color.slice(0, 40)}') is not a colour`);
    f.color = color;
  }
  return Object.keys(f).length ? f : null;
}

