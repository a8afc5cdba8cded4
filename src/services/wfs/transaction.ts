/**
 * WFS Transaction (WFS-T) for 1.0.0, 1.1.0 and 2.0.0: Insert, Update, Delete (and 2.0 Replace) from a POSTed
 * wfs:Transaction, or a KVP Delete (OPERATION=Delete, as QGIS Server takes it). All actions become one list
 * of edits handed to the data layer once: it applies all of them or none, and enforces the project's
 * `editable`, layerPermissions and allowToEdit per feature (a refusal is a Security exception, 403).
 */
import type { EditResult } from '../../data/index.js';
import type { WfsContext } from './context.js';
import { readKvpTransaction } from './transaction-kvp.js';
import { bodyVersion, readTransaction, type TransactionPlan } from './transaction-read.js';
import { insertedGroups, transactionResponse } from './transaction-response.js';
import type { WfsVersion } from './version.js';

/** WFS Transaction. */
export async function transaction(ctx: WfsContext): Promise<void> {
  let version: WfsVersion = ctx.version;
  let plan: TransactionPlan;
  if (ctx.body) {
    version = bodyVersion(ctx.body, ctx.version);
    plan = await readTransaction({ project: ctx.project, access: ctx.access, version }, ctx.body);
  } else {
    plan = await readKvpTransaction(ctx);
  }
  const result: EditResult = plan.actions.length === 0
    ? { inserted: [], updated: 0, deleted: 0 }
    : await ctx.access.transaction(plan.actions, { signal: ctx.response.signal });
  ctx.response.setHeader('Content-Type', 'text/xml; charset=utf-8');
  ctx.response.write(transactionResponse(version, result, insertedGroups(result, plan.insertSource)));
}
