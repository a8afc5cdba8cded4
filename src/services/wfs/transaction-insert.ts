/**
 * WFS-T feature content → the data layer's edits: wfs:Insert (features of one or more types, in any GML
 * namespace and prefix) and the property list of wfs:Replace. Types map through names.ts like GetFeature's
 * TYPENAME (a hidden or unknown type is InvalidParameterValue); properties become attributes typed by the
 * layer's fields; the one GML geometry property becomes the geometry.
 */
import type { EditAction, NewFeature } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { VectorLayerDef } from '../../project/model.js';
import { featureType, splitFeatureId } from './names.js';
import { GEOMETRY_PROPERTY } from './query-resolve.js';
import type { WhereContext } from './transaction-where.js';
import { editGeometry, fieldValue, type EditGeometry } from './transaction-values.js';
import { readGmlFeature, type GmlFeature, type GmlProperty } from './xml/gml-feature.js';
import { attr, childrenNamed, parseError, type XmlElement } from './xml/xml-tree.js';

/** A feature's content mapped onto its layer. */
export interface FeatureContent {
  layer: VectorLayerDef;
  attributes: Record<string, unknown>;
  /** undefined: the feature has no geometry property; null: it says "no geometry". */
  geometry: EditGeometry | null | undefined;
  gmlId: string | null;
}

/** How ids of inserted features are made (WFS 1.1 / 2.0 idgen). */
type IdGen = 'GenerateNew' | 'UseExisting';

/**
 * A wfs:Insert → insert actions, one per run of features of the same type (the data layer takes one layer per
 * action), each carrying the Insert's handle. `locator` names the action in errors.
 */
export async function readInsert(ctx: WhereContext, el: XmlElement, locator: string): Promise<Array<Extract<EditAction, { type: 'insert' }>>> {
  const idgen = idGeneration(el);
  const srsName = attr(el, 'srsName') ?? null;
  const members = featureElements(el);
  if (members.length === 0) throw parseError(el, 'An Insert needs at least one feature', locator);
  const handle = attr(el, 'handle');
  const actions: Array<Extract<EditAction, { type: 'insert' }>> = [];
  for (const member of members) {
    const content = await featureContent(ctx, readGmlFeature(member, srsName), locator);
    const feature = newFeature(content, idgen, locator);
    const last = actions.at(-1);
    if (last && last.layer === content.layer) last.features.push(feature);
    else actions.push({ type: 'insert', layer: content.layer, features: [feature], ...(handle === undefined ? {} : { handle }) });
  }
  return actions;
}

/** The features of an Insert: its children, or the members of a FeatureCollection some clients wrap them in. */
function featureElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of el.children) {
    if (child.local !== 'FeatureCollection') {
      out.push(child);
      continue;
    }
    for (const m of childrenNamed(child, 'featureMember', 'featureMembers', 'member')) out.push(...m.children);
  }
  return out;
}

/** idgen: GenerateNew (default) and UseExisting; ReplaceDuplicate needs upserts, which the data layer does not do. */
function idGeneration(el: XmlElement): IdGen {
  const idgen = attr(el, 'idgen') ?? 'GenerateNew';
  if (idgen === 'GenerateNew' || idgen === 'UseExisting') return idgen;
  if (idgen === 'ReplaceDuplicate') throw new OgcError('OptionNotSupported', 'idgen="ReplaceDuplicate" is not supported; use GenerateNew or UseExisting', { locator: 'idgen' });
  throw parseError(el, `Unknown idgen "${idgen.slice(0, 40)}"`, 'idgen');
}

/**
 * A GML feature mapped onto its layer: typed attributes (hidden and unknown properties pass through for the data
 * layer to refuse by name), the geometry in x/y order with its CRS.
 */
export async function featureContent(ctx: WhereContext, f: GmlFeature, locator: string): Promise<FeatureContent> {
  const layer = featureType(ctx.project, ctx.access, f.typeName, locator);
  const fields = new Map(ctx.access.fields(layer).map((d) => [d.name, d]));
  const attributes: Record<string, unknown> = {};
  let geometry: EditGeometry | null | undefined;
  for (const p of f.properties) {
    if (Object.hasOwn(attributes, p.name)) throw parseError(p.element, `Property '${p.name}' is given twice`, locator);
    if (isGeometryProperty(p, fields.has(p.name))) {
      if (geometry !== undefined) throw parseError(p.element, 'A feature has one geometry', locator);
      geometry = p.geometry ? await editGeometry(p.geometry, ctx.version, layer, locator) : null;
    } else attributes[p.name] = fieldValue(p.name, p.value, fields.get(p.name), locator);
  }
  return { layer, attributes, geometry, gmlId: f.gmlId };
}

/** A property holding a GML geometry, or the (empty) geometry property itself. */
export function isGeometryProperty(p: GmlProperty, isField: boolean): boolean {
  return p.geometry !== null || (p.name === GEOMETRY_PROPERTY && !isField);
}

/** The feature to insert; with idgen="UseExisting" the gml:id gives the id field's value (FID layers cannot take it). */
function newFeature(c: FeatureContent, idgen: IdGen, locator: string): NewFeature {
  const feature: NewFeature = { attributes: c.attributes, geometry: c.geometry?.value ?? null };
  if (c.geometry) feature.crs = c.geometry.crs;
  if (idgen === 'UseExisting') {
    if (!c.layer.idField) throw new OgcError('OptionNotSupported', `idgen="UseExisting" needs an id field; layer '${c.layer.name}' numbers its features itself`, { locator });
    if (c.gmlId === null) throw new OgcError('InvalidParameterValue', 'idgen="UseExisting" needs a gml:id on every feature', { locator });
    c.attributes[c.layer.idField] ??= splitFeatureId(c.gmlId, [c.layer.name]).id;
  }
  return feature;
}
