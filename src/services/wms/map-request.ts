import { resolveCrs, type Crs } from '../../data/index.js';
import { InvalidParameterError, OgcError } from '../../errors/ogc-error.js';
import { parseParams, parseValue } from '../../params/table.js';
import type { LayerDef, LayerTreeNode, RasterStyle, VectorStyle } from '../../project/model.js';
import { METERS_PER_DEGREE, OGC_DPI, mapScale } from '../../render/index.js';
import { crsParam, invalidCrsCode, type WmsContext } from './context.js';
import { MAP } from './parameters.js';
import { parseVendorFilter } from './vendor-filter.js';
import { Expression, ExpressionError } from '../../expression/index.js';

/** One layer to draw or query: the leaf layer, its style, its opacity and the vendor FILTER for it. */
export interface PlannedLayer {
  def: LayerDef;
  style: VectorStyle | RasterStyle;
  styleName: string;
  /** 0..1 */
  opacity: number;
  /** Vendor FILTER expression for this layer (already checked as safe), if any. */
  filter?: string;
  /** The LAYERS entry it came from (a group name for layers of a group). */
  requestedAs: string;
}

/** The map part of GetMap and GetFeatureInfo, checked and typed. */
export interface MapPlan {
  crs: Crs;
  /** The CRS as the client spelt it. */
  crsName: string;
  /** [minx, miny, maxx, maxy] in x/y order of the CRS. */
  bbox: [number, number, number, number];
  width: number;
  height: number;
  dpi: number;
  metersPerUnit: number;
  scale: number;
  /** Bottom to top. */
  layers: PlannedLayer[];
}

/**
 * Reads and checks LAYERS, STYLES, CRS/SRS, BBOX, WIDTH, HEIGHT, DPI, FILTER and OPACITIES
 * (QGIS Server's checkParameters): every problem is the WMS exception with its code and locator.
 */
export async function planMap(ctx: WmsContext): Promise<MapPlan> {
  const p = parseParams(MAP, ctx.request.parameters());
  const { version, project, access, iface } = ctx;
  const crsKey = crsParam(version);
  const crs = await resolveCrs(p.CRS, invalidCrsCode(version), crsKey);

  if (p.BBOX.length !== 4) throw new InvalidParameterError('BBOX', `BBOX ('${p.BBOX.join(',')}') must be minx,miny,maxx,maxy`);
  const nums = p.BBOX.map((v) => parseValue('BBOX', { type: 'double' }, v) as number) as [number, number, number, number];
  // WMS 1.3.0: BBOX follows the CRS's axis order (lat/lon for EPSG:4326); 1.1.1 is always x/y.
  const bbox: [number, number, number, number] = version === '1.3.0' && crs.axisInverted ? [nums[1], nums[0], nums[3], nums[2]] : nums;
  if (!(bbox[0] < bbox[2]) || !(bbox[1] < bbox[3])) {
    throw new InvalidParameterError('BBOX', `BBOX ('${p.BBOX.join(',')}') is empty or inverted: min must be below max on each axis`);
  }

  const settings = iface.settings();
  const maxW = Math.min(project.service.maxWidth, settings.wmsMaxWidth ?? Infinity);
  const maxH = Math.min(project.service.maxHeight, settings.wmsMaxHeight ?? Infinity);
  if (p.WIDTH > maxW) throw new InvalidParameterError('WIDTH', `WIDTH ('${p.WIDTH}') is over the maximum of ${maxW}`);
  if (p.HEIGHT > maxH) throw new InvalidParameterError('HEIGHT', `HEIGHT ('${p.HEIGHT}') is over the maximum of ${maxH}`);

  const dpi = p.DPI ?? dpiFromFormatOptions(p.FORMAT_OPTIONS) ?? OGC_DPI;
  const metersPerUnit = crs.geographic ? METERS_PER_DEGREE : linearUnits(crs);
  const scale = mapScale({ bbox, width: p.WIDTH, metersPerUnit, dpi });

  const names = p.LAYERS.filter((n) => n !== '');
  if (names.length === 0) throw new OgcError('MissingParameterValue', 'The LAYERS parameter is empty', { locator: 'LAYERS' });
  const styles = p.STYLES;
  if (styles.length > 1 && styles.length !== names.length) {
    throw new InvalidParameterError('STYLES', `STYLES has ${styles.length} entries for ${names.length} layers`);
  }
  const opacities = (p.OPACITIES ?? []).map((o) => parseValue('OPACITIES', { type: 'integer', min: 0, max: 255 }, o) as number);
  if (opacities.length > 0 && opacities.length !== names.length) {
    throw new InvalidParameterError('OPACITIES', `OPACITIES has ${opacities.length} entries for ${names.length} layers`);
  }
  const filters = parseVendorFilter(p.FILTER);
  for (const layerName of filters.keys()) {
    if (!names.includes(layerName)) throw new InvalidParameterError('FILTER', `FILTER names layer '${layerName}', which is not in LAYERS`);
  }

  const layers: PlannedLayer[] = [];
  const visible = (def: LayerDef) => (def.kind === 'vector' ? access.fields(def).map((f) => f.name) : []);
  names.forEach((name, i) => {
    const node = access.node(project, name, 'LayerNotDefined');
    const styleName = (styles.length === 1 && names.length > 1 ? '' : styles[i] ?? '').trim();
    const opacity = opacities.length ? opacities[i]! / 255 : 1;
    const filter = filters.get(name);
    for (const leaf of leaves(node)) {
      // Fields the request may not see are unknown fields: the same answer either way (no oracle).
      if (filter) checkFilterFields(filter, visible(leaf), name);
      const chosen = pickStyle(leaf, node.kind === 'group' ? '' : styleName, name);
      layers.push({ def: leaf, style: chosen.style, styleName: chosen.name, opacity, requestedAs: name, ...(filter ? { filter } : {}) });
    }
  });
  return { crs, crsName: p.CRS, bbox, width: p.WIDTH, height: p.HEIGHT, dpi, metersPerUnit, scale, layers };
}

/** A vendor FILTER may name only fields this request can see. */
function checkFilterFields(filter: string, fields: string[], layer: string): void {
  try {
    Expression.parse(filter).validate(fields);
  } catch (err) {
    throw new InvalidParameterError('FILTER', `FILTER for layer '${layer}': ${err instanceof ExpressionError ? err.message : 'invalid'}`);
  }
}

/** A group's readable leaves in drawing order (bottom first, as the tree lists them). */
function leaves(node: LayerTreeNode): LayerDef[] {
  return node.kind === 'group' ? node.children.flatMap(leaves) : [node];
}

/** The named style of a layer ('' or 'default' → its first); StyleNotDefined otherwise. */
function pickStyle(layer: LayerDef, name: string, requestedAs: string): { name: string; style: VectorStyle | RasterStyle } {
  const styles = layer.styles as Array<{ name: string; style: VectorStyle | RasterStyle }>;
  if (name === '' || name.toLowerCase() === 'default') return styles[0]!;
  const hit = styles.find((s) => s.name === name);
  if (!hit) {
    throw new OgcError('StyleNotDefined', `Style '${name}' is not defined for layer '${requestedAs}'; styles: ${styles.map((s) => s.name).join(', ')}`, { locator: 'STYLES' });
  }
  return hit;
}

/** DPI from QGIS-style FORMAT_OPTIONS=dpi:180 (also map_resolution:180). */
function dpiFromFormatOptions(options: string | undefined): number | undefined {
  if (!options) return undefined;
  for (const opt of options.split(';')) {
    const [k = '', v = ''] = opt.split(':');
    if (/^(dpi|map_resolution)$/i.test(k.trim())) return parseValue('FORMAT_OPTIONS', { type: 'double', min: 1, max: 2400 }, v) as number;
  }
  return undefined;
}

/** Metres per unit of a projected CRS (feet CRSs exist). */
function linearUnits(crs: Crs): number {
  const f = crs.srs.getLinearUnits?.();
  const value = f && typeof f === 'object' && 'value' in f ? Number((f as { value: number }).value) : NaN;
  return Number.isFinite(value) && value > 0 ? value : 1;
}
