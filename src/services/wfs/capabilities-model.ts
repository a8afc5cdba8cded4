/**
 * What a WFS capabilities document says, computed once per request and written by each version's builder:
 * the operations served, the output formats GetFeature accepts, and one entry per feature type this request
 * may read (extent narrowed by access control, edits allowed to this request).
 */
import { parseCrsName, serverLayer } from '../../data/index.js';
import type { LayerEdits, VectorLayerDef } from '../../project/model.js';
import { readableExtents, type Box } from '../readable-extents.js';
import type { WfsContext } from './context.js';
import { WfsService } from './index.js';
import { WFS_PREFIX, wfsLayers } from './names.js';
import type { WfsVersion } from './version.js';

/** GetFeature OUTPUTFORMAT values advertised per version; each is one writerForFormat (writers/index.ts) accepts. */
export const GETFEATURE_FORMATS: Readonly<Record<WfsVersion, readonly string[]>> = {
  '1.0.0': ['GML2', 'GML3', 'GeoJSON'],
  '1.1.0': ['text/xml; subtype=gml/3.1.1', 'text/xml; subtype=gml/2.1.2', 'application/json', 'application/geo+json'],
  '2.0.0': [
    'application/gml+xml; version=3.2', 'text/xml; subtype=gml/3.2', 'text/xml; subtype=gml/3.1.1', 'text/xml; subtype=gml/2.1.2',
    'application/json', 'application/geo+json',
  ],
};

/** The operations a WFS serves when the registry cannot tell (the ones src/services/index.ts registers). */
const DEFAULT_OPERATIONS = ['getcapabilities', 'describefeaturetype', 'getfeature', 'transaction'];

/** The WFS operations registered on this server, lower-case: capabilities list only what is served. */
export function servedOperations(ctx: WfsContext): ReadonlySet<string> {
  const service = ctx.iface.serviceRegistry().getService('WFS');
  return new Set(service instanceof WfsService ? service.operations() : DEFAULT_OPERATIONS);
}

/** One feature type as the capabilities describe it. */
export interface FeatureTypeInfo {
  layer: VectorLayerDef;
  /** Prefixed name: qgs:countries. */
  name: string;
  title: string;
  abstract: string;
  keywords: readonly string[];
  /** EPSG code of the layer's CRS (the default CRS), then the project's other CRS codes. */
  defaultEpsg: number;
  otherEpsg: readonly number[];
  /** Extent this request may know, WGS 84 lon/lat; null when nothing with a geometry is readable. */
  wgs84: Box | null;
  /** The edits the project AND access control allow to this request. */
  edits: LayerEdits;
}

/**
 * The feature types of the capabilities, in project order. `extents: false` skips the extents (they read every
 * readable feature of a filtered layer) when the document will not show them.
 */
export async function featureTypeInfos(ctx: WfsContext, options: { extents: boolean }): Promise<FeatureTypeInfo[]> {
  const layers = wfsLayers(ctx.project, ctx.access);
  const extents = options.extents ? await readableExtents(ctx.iface.accessControls(), ctx.access, layers, ctx.response.signal) : new Map();
  const transactions = servedOperations(ctx).has('transaction');
  return layers.map((layer) => {
    const defaultEpsg = epsgOf(layer.crs) ?? 4326;
    const others = ctx.project.service.crs.map(epsgOf).filter((c): c is number => c !== null && c !== defaultEpsg);
    return {
      layer,
      name: `${WFS_PREFIX}:${layer.name}`,
      title: layer.title || layer.name,
      abstract: layer.abstract,
      keywords: layer.keywords,
      defaultEpsg,
      otherEpsg: [...new Set(others)],
      wgs84: extents.get(layer) ?? null,
      edits: transactions ? allowedEdits(ctx, layer) : { insert: false, update: false, delete: false },
    };
  });
}

/** Whether some type may be edited by this request. */
export function anyEditable(types: readonly FeatureTypeInfo[]): boolean {
  return types.some((t) => t.edits.insert || t.edits.update || t.edits.delete);
}

/** The edits of a layer that the project allows and access control grants to this request. */
function allowedEdits(ctx: WfsContext, layer: VectorLayerDef): LayerEdits {
  // `editable` is optional on layers built by code that predates it (tests' hand-made models).
  const project: Partial<LayerEdits> = layer.editable ?? {};
  const p = ctx.iface.accessControls().layerPermissions(serverLayer(layer));
  return { insert: project.insert === true && p.canInsert, update: project.update === true && p.canUpdate, delete: project.delete === true && p.canDelete };
}

function epsgOf(crs: string): number | null {
  return parseCrsName(crs)?.epsg ?? null;
}

/** A CRS as a version writes it: "EPSG:n" in 1.0.0, "urn:ogc:def:crs:EPSG::n" in 1.1.0 and 2.0.0. */
export function crsText(epsg: number, version: WfsVersion): string {
  return version === '1.0.0' ? `EPSG:${epsg}` : `urn:ogc:def:crs:EPSG::${epsg}`;
}

/** A coordinate for a document: at most 8 decimals, no float noise. */
export function coord(v: number): string {
  return String(Math.round(v * 1e8) / 1e8);
}

/** The edit operation names of a type, in WFS order. */
export function editNames(edits: LayerEdits): Array<'Insert' | 'Update' | 'Delete'> {
  const out: Array<'Insert' | 'Update' | 'Delete'> = [];
  if (edits.insert) out.push('Insert');
  if (edits.update) out.push('Update');
  if (edits.delete) out.push('Delete');
  return out;
}
