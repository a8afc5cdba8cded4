/**
 * KVP Transaction, as QGIS Server takes it (WFS 1.x allows Transaction in KVP):
 *   REQUEST=Transaction&OPERATION=Delete&TYPENAME=a,b&FILTER=(<Filter>…</Filter>)(<Filter>…</Filter>)
 *   REQUEST=Transaction&OPERATION=Delete&FEATUREID=a.1,b.7
 *   REQUEST=Transaction&OPERATION=Delete&TYPENAME=a&BBOX=minx,miny,maxx,maxy[,crs]&EXP_FILTER="x" > 3
 * Only Delete: a GET that changes data is an odd thing, kept for QGIS Server's clients and no further. FEATUREID,
 * FILTER and BBOX exclude each other (as in QGIS Server); EXP_FILTER may join BBOX. A delete needs one of them.
 */
import type { EditAction, EditWhere } from '../../data/index.js';
import { InvalidParameterError, MissingParameterError, OgcError } from '../../errors/ogc-error.js';
import { andExpressions, ExpressionError } from '../../expression/index.js';
import { defineParams, parseParams } from '../../params/table.js';
import type { VectorLayerDef } from '../../project/model.js';
import type { WfsContext } from './context.js';
import { parseKvpBBox, parseKvpFilter, topLevelGroups } from './get-feature-kvp.js';
import { featureType, splitFeatureId, wfsLayers } from './names.js';
import { bboxOf } from './query-resolve.js';
import { defaultSrsName } from './spatial.js';
import type { TransactionPlan } from './transaction-read.js';
import { featureIds, filterWhere, type WhereContext } from './transaction-where.js';

/** The parameters of a KVP Transaction. */
export const TRANSACTION_KVP = defineParams({
  OPERATION: { type: 'string', required: true, allowed: ['Delete'], description: 'the action; only Delete is taken in KVP' },
  TYPENAME: { type: 'list', aliases: ['TYPENAMES'], description: 'feature types (not needed with FEATUREID)' },
  FEATUREID: { type: 'list', aliases: ['RESOURCEID'], description: 'ids `<type>.<id>` (bare ids with one TYPENAME)' },
  FILTER: { type: 'string', description: 'Filter Encoding, one per type in parentheses when several' },
  BBOX: { type: 'string', description: 'minx,miny,maxx,maxy[,crs]; axis order of the CRS as the version writes it' },
  EXP_FILTER: { type: 'string', description: 'expression, one per type in parentheses when several' },
});

/** Reads a KVP Transaction into delete actions, one per type. */
export async function readKvpTransaction(ctx: WfsContext): Promise<TransactionPlan> {
  const p = parseParams(TRANSACTION_KVP, ctx.request.parameters());
  const given = (['FEATUREID', 'FILTER', 'BBOX'] as const).filter((k) => p[k] !== undefined);
  if (given.length > 1) throw new InvalidParameterError(given[1]!, `${given.join(', ')} exclude each other`);
  if (given.length === 0 && p.EXP_FILTER === undefined) {
    throw new MissingParameterError('FILTER', 'A Delete needs FEATUREID, FILTER, BBOX or EXP_FILTER');
  }
  const where: WhereContext = { project: ctx.project, access: ctx.access, version: ctx.version };
  const layers = typesOf(ctx, p.TYPENAME, p.FEATUREID);
  const filters = p.FILTER === undefined ? null : perType(p.FILTER, layers.length, 'FILTER');
  const expressions = p.EXP_FILTER === undefined ? null : perType(p.EXP_FILTER, layers.length, 'EXP_FILTER');
  const actions: EditAction[] = [];
  for (const [i, layer] of layers.entries()) {
    const w: EditWhere = filters ? await filterWhere(where, parseKvpFilter(filters[i]!, ctx.version), layer, 'FILTER') : {};
    if (p.FEATUREID) w.ids = featureIds(where, idsOf(ctx, p.FEATUREID, layer, layers.length), layer, 'FEATUREID');
    if (p.BBOX) w.bbox = await bboxOf(parseKvpBBox(p.BBOX), defaultSrsName(layer.crs, ctx.version), ctx.version);
    if (expressions) w.filter = andFilters(w.filter, expressions[i]!);
    actions.push({ type: 'delete', layer, where: w });
  }
  return { actions, insertSource: [] };
}

/** The layers: TYPENAME, else the types named by FEATUREID's `<type>.<id>` values. */
function typesOf(ctx: WfsContext, typeNames: string[] | undefined, ids: string[] | undefined): VectorLayerDef[] {
  if (typeNames && typeNames.length > 0) return unique(typeNames.map((t) => featureType(ctx.project, ctx.access, t, 'TYPENAME')));
  if (!ids) throw new MissingParameterError('TYPENAME', 'TYPENAME is required unless FEATUREID names the types');
  const names = wfsLayers(ctx.project, ctx.access).map((l) => l.name);
  return unique(ids.map((id) => {
    const { type } = splitFeatureId(id, names);
    if (type === null) throw new InvalidParameterError('FEATUREID', `Feature id '${id.slice(0, 80)}' does not name a type; write <type>.<id> or give TYPENAME`);
    return featureType(ctx.project, ctx.access, type, 'FEATUREID');
  }));
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The FEATUREID values of one type: its own `<type>.<id>` ones, and bare ones when there is a single type. */
function idsOf(ctx: WfsContext, ids: string[], layer: VectorLayerDef, typeCount: number): string[] {
  const names = wfsLayers(ctx.project, ctx.access).map((l) => l.name);
  const mine = ids.filter((id) => {
    const { type } = splitFeatureId(id, names);
    if (type === null && typeCount > 1) throw new InvalidParameterError('FEATUREID', `Feature id '${id.slice(0, 80)}' needs its type (<type>.<id>) when several types are given`);
    return type === null || type === layer.name;
  });
  // An empty id list must never reach the data layer as "no id constraint".
  if (mine.length === 0) throw new InvalidParameterError('FEATUREID', `FEATUREID names no feature of type '${layer.name}'`);
  return mine;
}

/**
 * One value per type: "(a)(b)" for two types, the bare value (or one group) for one. Parentheses inside a value
 * are kept (a filter or an expression may hold them): the split is on top-level groups only.
 */
export function perType(value: string, types: number, locator: string): string[] {
  const v = value.trim();
  const groups = topLevelGroups(v);
  if (groups !== null && groups.length === types) return groups;
  if (types === 1) return [v];
  throw new InvalidParameterError(locator, `${locator} needs one value in parentheses per type (${types} types)`);
}

/** The filter's expression AND the EXP_FILTER (checked here so the error names EXP_FILTER). */
function andFilters(filter: string | undefined, expression: string): string {
  try {
    return andExpressions(filter, expression)!.toString();
  } catch (err) {
    if (err instanceof ExpressionError) throw new OgcError('InvalidParameterValue', `EXP_FILTER is not valid: ${err.message}`, { locator: 'EXP_FILTER', cause: err });
    throw err;
  }
}
