/**
 * A POSTed wfs:Transaction (WFS 1.0.0 / 1.1.0 in http://www.opengis.net/wfs, 2.0.0 in http://www.opengis.net/wfs/2.0)
 * → one list of the data layer's EditActions, in document order. Nothing is written here: the caller hands the
 * list to LayerAccess.transaction once, which applies all of it or nothing.
 *
 * Errors name the action: the locator is its handle when the client gave one, else its element name.
 * Locking is not implemented: a lock id is unknown by definition, so a request that relies on one is refused.
 */
import type { EditAction, EditWhere } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import { featureType } from './names.js';
import { featureContent, isGeometryProperty, readInsert } from './transaction-insert.js';
import { editGeometry, fieldValue, type EditGeometry } from './transaction-values.js';
import { filterWhere, type WhereContext } from './transaction-where.js';
import type { WfsVersion } from './version.js';
import { propertyName } from './xml/filter-encoding.js';
import { readGmlFeature, readProperty } from './xml/gml-feature.js';
import { attr, childNamed, childrenNamed, NS, parseError, type XmlElement } from './xml/xml-tree.js';

type UpdateAction = Extract<EditAction, { type: 'update' }>;

/** The edits of a transaction, and which wfs:Insert each insert action came from (WFS 1.0 reports per Insert). */
export interface TransactionPlan {
  actions: EditAction[];
  /** For each insert action, in order: the index of its wfs:Insert element among the Inserts. */
  insertSource: number[];
}

/** The version a Transaction body is written in: its namespace decides between 2.0 and 1.x. */
export function bodyVersion(root: XmlElement, requested: WfsVersion): WfsVersion {
  if (root.ns === NS.wfs20) {
    if (requested !== '2.0.0') throw parseError(root, `A WFS 2.0 Transaction cannot be version ${requested}`, 'version');
    return requested;
  }
  if (root.ns !== NS.wfs) throw parseError(root, `Expected a wfs:Transaction in ${NS.wfs20} or ${NS.wfs}`);
  if (requested !== '2.0.0') return requested;
  // The WFS 1.x namespace with no version attribute: 1.1.0 (1.0.0 clients always write it).
  if (attr(root, 'version') === undefined) return '1.1.0';
  throw parseError(root, `A version ${requested} Transaction must be in ${NS.wfs20}`, 'version');
}

/** Reads the whole Transaction; `ctx.version` is the body's version (bodyVersion). */
export async function readTransaction(ctx: WhereContext, root: XmlElement): Promise<TransactionPlan> {
  checkLocking(root, ctx.version);
  const plan: TransactionPlan = { actions: [], insertSource: [] };
  let inserts = 0;
  for (const el of root.children) {
    const handle = attr(el, 'handle');
    const locator = handle ?? el.local;
    try {
      if (el.local === 'Insert') {
        const actions = await readInsert(ctx, el, locator);
        plan.actions.push(...actions);
        plan.insertSource.push(...actions.map(() => inserts));
        inserts += 1;
      } else {
        const action = await readAction(ctx, el, locator);
        if (action) plan.actions.push(withHandle(action, handle));
      }
    } catch (err) {
      throw relocated(err, locator);
    }
  }
  return plan;
}

/** Update, Delete, Replace, Native (or a misplaced LockId / unknown element). Null for a Native that may be ignored. */
async function readAction(ctx: WhereContext, el: XmlElement, locator: string): Promise<EditAction | null> {
  switch (el.local) {
    case 'Update':
      return readUpdate(ctx, el, locator);
    case 'Delete': {
      const layer = featureType(ctx.project, ctx.access, typeNameOf(el, locator), locator);
      return { type: 'delete', layer, where: await requiredWhere(ctx, el, layer, locator) };
    }
    case 'Replace':
      if (ctx.version !== '2.0.0') break;
      return readReplace(ctx, el, locator);
    case 'Native':
      if (attr(el, 'safeToIgnore') === 'true') return null;
      throw new OgcError('OperationNotSupported', `Native actions (vendorId "${(attr(el, 'vendorId') ?? '').slice(0, 60)}") are not supported`, { locator });
    case 'LockId':
      throw unknownLock(ctx.version, el.text.trim(), locator);
    default:
  }
  throw parseError(el, 'Not a transaction action', locator);
}

function withHandle(action: EditAction, handle: string | undefined): EditAction {
  return handle === undefined ? action : { ...action, handle };
}

/** A wfs:Update: Property (Name / ValueReference + Value; no Value = NULL) list and a required Filter. */
async function readUpdate(ctx: WhereContext, el: XmlElement, locator: string): Promise<UpdateAction> {
  const layer = featureType(ctx.project, ctx.access, typeNameOf(el, locator), locator);
  const fields = new Map(ctx.access.fields(layer).map((d) => [d.name, d]));
  const srsName = attr(el, 'srsName') ?? null;
  const properties = childrenNamed(el, 'Property');
  if (properties.length === 0) throw parseError(el, 'An Update needs at least one Property', locator);
  const action: UpdateAction = { type: 'update', layer, attributes: {}, where: await requiredWhere(ctx, el, layer, locator) };
  const seen = new Set<string>();
  for (const p of properties) {
    const name = updatedName(p, locator);
    if (seen.has(name)) throw parseError(p, `Property '${name}' is given twice`, locator);
    seen.add(name);
    const valueEl = childNamed(p, 'Value');
    const prop = valueEl ? { ...readProperty(valueEl, srsName), name } : { name, element: p, value: null, geometry: null };
    if (isGeometryProperty(prop, fields.has(name))) {
      if (action.geometry) throw parseError(p, 'An Update sets one geometry', locator);
      action.geometry = geometryValue(prop.geometry ? await editGeometry(prop.geometry, ctx.version, layer, locator) : null);
    } else action.attributes[name] = fieldValue(name, prop.value, fields.get(name), locator);
  }
  return action;
}

/** The property a wfs:Property sets (wfs:Name in 1.x, wfs:ValueReference in 2.0: action "replace" or "remove"). */
function updatedName(p: XmlElement, locator: string): string {
  const nameEl = childNamed(p, 'Name', 'ValueReference');
  const name = nameEl ? propertyName(nameEl.text) : '';
  if (!nameEl || name === '') throw parseError(p, 'A Property needs a Name (ValueReference in 2.0)', locator);
  const action = attr(nameEl, 'action') ?? 'replace';
  if (action === 'remove' && childNamed(p, 'Value')) throw parseError(p, 'action="remove" takes no Value', locator);
  if (action !== 'replace' && action !== 'remove') {
    throw new OgcError('OperationNotSupported', `ValueReference action="${action.slice(0, 40)}" is not supported (properties are single-valued)`, { locator });
  }
  return name;
}

/**
 * A wfs:Replace (2.0): the features its filter selects take every property the replacement gives, and its
 * geometry; properties it does not give are left as they are.
 */
async function readReplace(ctx: WhereContext, el: XmlElement, locator: string): Promise<UpdateAction> {
  const members = el.children.filter((c) => c.local !== 'Filter');
  if (members.length !== 1) throw parseError(el, 'A Replace holds exactly one feature and a Filter', locator);
  const content = await featureContent(ctx, readGmlFeature(members[0], attr(el, 'srsName') ?? null), locator);
  const action: UpdateAction = {
    type: 'update', layer: content.layer, attributes: content.attributes,
    where: await requiredWhere(ctx, el, content.layer, locator),
  };
  if (content.geometry !== undefined) action.geometry = geometryValue(content.geometry);
  return action;
}

function geometryValue(g: EditGeometry | null): UpdateAction['geometry'] {
  return g ? { value: g.value, crs: g.crs } : { value: null };
}

/**
 * The Filter of an Update / Delete / Replace. Required: WFS lets an Update omit it (every feature), but one
 * missing element should not be able to rewrite a whole layer.
 */
async function requiredWhere(ctx: WhereContext, el: XmlElement, layer: EditAction['layer'], locator: string): Promise<EditWhere> {
  const filter = childNamed(el, 'Filter');
  if (!filter) throw new OgcError('MissingParameterValue', `${el.local} of '${layer.name}' needs a Filter`, { locator });
  return filterWhere(ctx, filter, layer, locator);
}

function typeNameOf(el: XmlElement, locator: string): string {
  const t = attr(el, 'typeName') ?? attr(el, 'typeNames');
  if (t === undefined || t.trim() === '') throw parseError(el, `${el.local} needs a typeName`, locator);
  return t;
}

/**
 * releaseAction is accepted and has nothing to release; a lock id (2.0 lockId attribute, 1.x wfs:LockId) names a
 * lock this server never granted: InvalidLockId in 2.0, InvalidParameterValue in 1.x (whose codes are OWS Common's).
 */
function checkLocking(root: XmlElement, version: WfsVersion): void {
  const release = attr(root, 'releaseAction');
  if (release !== undefined && release !== 'ALL' && release !== 'SOME') throw parseError(root, `releaseAction must be ALL or SOME, not "${release.slice(0, 20)}"`, 'releaseAction');
  const lockId = attr(root, 'lockId');
  if (lockId !== undefined) throw unknownLock(version, lockId, 'lockId');
}

function unknownLock(version: WfsVersion, id: string, locator: string): OgcError {
  const code = version === '2.0.0' ? 'InvalidLockId' : 'InvalidParameterValue';
  return new OgcError(code, `Lock '${id.slice(0, 60)}' is unknown: this server does not lock features`, { locator });
}

/** An OgcError raised inside an action, its locator set to the action (handle or element name). */
function relocated(err: unknown, locator: string): unknown {
  if (!(err instanceof OgcError) || err.locator === locator) return err;
  return new OgcError(err.code, err.message, { locator, status: err.status, cause: err, headers: { ...err.headers } });
}
