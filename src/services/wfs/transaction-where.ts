/**
 * Which features a WFS-T Update / Delete touches: a Filter Encoding filter (FE 1.1 or 2.0) → the data layer's
 * EditWhere. Feature ids are `<type>.<id>` (QGIS Server's form) or bare; the expression and the spatial
 * constraints are ANDed. Access control's own filters are the data layer's business.
 */
import type { EditWhere } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { ProjectModel, VectorLayerDef } from '../../project/model.js';
import type { LayerAccess } from '../../data/index.js';
import { splitFeatureId, wfsLayers } from './names.js';
import { defaultSrsName, toSpatialPredicates } from './spatial.js';
import type { WfsVersion } from './version.js';
import { parseFilter } from './xml/filter-encoding.js';
import type { XmlElement } from './xml/xml-tree.js';

/** What resolving ids and spatial constraints needs besides the filter. */
export interface WhereContext {
  project: ProjectModel;
  access: LayerAccess;
  version: WfsVersion;
}

/**
 * A <Filter> element → EditWhere on `layer`. A spatial constraint without srsName is in the layer's CRS as this
 * version writes it by default (the same rule GetFeature applies, so one filter selects the same features).
 */
export async function filterWhere(ctx: WhereContext, filter: XmlElement, layer: VectorLayerDef, locator: string): Promise<EditWhere> {
  const parsed = parseFilter(filter);
  const where: EditWhere = {};
  if (parsed.ids) where.ids = featureIds(ctx, parsed.ids, layer, locator);
  if (parsed.expression) where.filter = parsed.expression.toString();
  if (parsed.spatial.length > 0) {
    where.spatial = await toSpatialPredicates(parsed.spatial, ctx.version, defaultSrsName(layer.crs, ctx.version), locator);
  }
  return where;
}

/**
 * Feature ids written `<type>.<id>` or bare → the layer's ids. An id naming another type is refused rather than
 * ignored: an edit that silently touches nothing hides a client's mistake.
 */
export function featureIds(ctx: WhereContext, written: readonly string[], layer: VectorLayerDef, locator: string): string[] {
  const types = wfsLayers(ctx.project, ctx.access).map((l) => l.name);
  return written.map((w) => {
    const { type, id } = splitFeatureId(w, types);
    if (type !== null && type !== layer.name) {
      throw new OgcError('InvalidParameterValue', `Feature id '${w.slice(0, 80)}' is not of type '${layer.name}'`, { locator });
    }
    if (id === '') throw new OgcError('InvalidParameterValue', `Empty feature id '${w.slice(0, 80)}'`, { locator });
    return id;
  });
}
