/**
 * Feature type names, namespace and feature ids of the WFS answers.
 * Types live in one namespace (prefix `qgs`, as QGIS Server does, so clients written for it find the same
 * names); requests may name a type bare, with any prefix, or as {namespace}name. gml:id / fid values are
 * `<type>.<id>` (QGIS Server's form); FEATUREID / RESOURCEID accept that form or, for one type, the bare id.
 */
import type { ProjectModel, VectorLayerDef } from '../../project/model.js';
import type { LayerAccess } from '../../data/index.js';
import { layerNotDefined } from '../../data/index.js';

export const WFS_PREFIX = 'qgs';
export const WFS_NAMESPACE = 'http://www.qgis.org/gml';

/** The vector layers a WFS request may read: published for WFS and readable under access control, in project order. */
export function wfsLayers(project: ProjectModel, access: LayerAccess): VectorLayerDef[] {
  return access.readableLayers(project).filter((l): l is VectorLayerDef => l.kind === 'vector' && l.services.includes('WFS'));
}

/** The local part of a type name as a client writes it: "qgs:countries", "{uri}countries", "countries". */
export function localTypeName(written: string): string {
  const t = written.trim();
  if (t.startsWith('{')) {
    const close = t.indexOf('}');
    return close > 0 ? t.slice(close + 1) : t;
  }
  const colon = t.indexOf(':');
  return colon >= 0 ? t.slice(colon + 1) : t;
}

/**
 * The layer a type name names: published for WFS and readable, else InvalidParameterValue (WFS 2.0 §7.9.2.4.1;
 * "does not exist" for a missing and a hidden name alike). `locator` is the parameter (TYPENAME / TYPENAMES).
 */
export function featureType(project: ProjectModel, access: LayerAccess, written: string, locator = 'TYPENAME'): VectorLayerDef {
  const name = localTypeName(written);
  const layer = wfsLayers(project, access).find((l) => l.name === name);
  if (!layer) throw layerNotDefined(name, 'InvalidParameterValue', locator);
  return layer;
}

/** The gml:id / fid of a feature: `<type>.<id>`. */
export function gmlId(typeName: string, id: string | number): string {
  return `${typeName}.${id}`;
}

/**
 * Splits a FEATUREID / RESOURCEID value: `<type>.<id>` when the prefix is one of `typeNames`, else the bare id
 * with type null (the caller decides whether a bare id is allowed).
 */
export function splitFeatureId(value: string, typeNames: readonly string[]): { type: string | null; id: string } {
  const v = value.trim();
  // Longest type name first: "a.b" must win over "a" for "a.b.7".
  for (const t of [...typeNames].sort((a, b) => b.length - a.length)) {
    if (v.startsWith(`${t}.`)) return { type: t, id: v.slice(t.length + 1) };
  }
  return { type: null, id: v };
}
