/**
 * Layer extents as one request may know them, for capabilities documents (WMS, WFS): a layer that access
 * control filters (subset string or filter expression) gets the extent of the features this request may read,
 * since the source's extent would give away where the filtered-out features are.
 */
import { serverLayer, type Geometry, type LayerAccess } from '../data/index.js';
import type { AccessControl } from '../filters/access-control.js';
import type { LayerDef } from '../project/model.js';

/** A WGS 84 box: west, south, east, north. */
export type Box = [number, number, number, number];

/** WGS 84 extents (lon/lat order) per layer; null when a filtered layer has nothing readable with a geometry. */
export type Extents = Map<LayerDef, Box | null>;

/** The WGS 84 extent of each layer that this request may know. */
export async function readableExtents(ac: AccessControl, access: LayerAccess, layers: readonly LayerDef[], signal?: AbortSignal): Promise<Extents> {
  const out: Extents = new Map();
  for (const layer of layers) {
    const name = serverLayer(layer);
    const filtered = layer.kind === 'vector' && (ac.layerFilterExpression(name) !== null || ac.layerFilterSubsetString(name) !== null);
    if (!filtered) {
      out.set(layer, layer.extent.wgs84);
      continue;
    }
    let box: Box | null = null;
    for await (const f of access.readFeatures(layer, { targetCrs: 'EPSG:4326', fields: [], signal })) {
      if (f.geometry) box = extendBox(box, f.geometry);
    }
    out.set(layer, box);
  }
  return out;
}

/** Grows a box by a GeoJSON geometry's coordinates. */
function extendBox(box: Box | null, g: Geometry): Box | null {
  if (g.type === 'GeometryCollection') return g.geometries.reduce<Box | null>(extendBox, box);
  let b = box;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      b = b ? [Math.min(b[0], x!), Math.min(b[1], y!), Math.max(b[2], x!), Math.max(b[3], y!)] : [x!, y!, x!, y!];
    } else if (Array.isArray(c)) for (const p of c) walk(p);
  };
  walk(g.coordinates);
  return b;
}
