/**
 * The answer to a committed Transaction, per version:
 * - 1.0.0: wfs:WFS_TransactionResponse — one wfs:InsertResult (ogc:FeatureId fid …) per wfs:Insert, then
 *   wfs:TransactionResult/wfs:Status/wfs:SUCCESS.
 * - 1.1.0: wfs:TransactionResponse — wfs:TransactionSummary (totalInserted / totalUpdated / totalDeleted) and
 *   wfs:InsertResults/wfs:Feature[@handle]/ogc:FeatureId[@fid] (wfs:TransactionResults is only for failures,
 *   which are exceptions here: a transaction is all or nothing).
 * - 2.0.0: wfs:TransactionResponse version="2.0.0" — wfs:TransactionSummary and
 *   wfs:InsertResults/wfs:Feature[@handle]/fes:ResourceId[@rid]. A Replace is applied as an update, so it counts
 *   in totalUpdated (totalReplaced, optional, is not written).
 * Ids are `<type>.<id>` (names.ts gmlId), as GetFeature writes gml:id, so a client can read them back.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { EditResult } from '../../data/index.js';
import { gmlId } from './names.js';
import type { WfsVersion } from './version.js';
import { NS } from './xml/xml-tree.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The inserted features of one insert action, and the wfs:Insert it came from. */
export interface InsertedGroup {
  handle?: string;
  /** Index of the wfs:Insert element (1.0 writes one InsertResult per Insert). */
  source: number;
  fids: string[];
}

/** Pairs the data layer's per-action insert results with the wfs:Insert each action came from. */
export function insertedGroups(result: EditResult, insertSource: readonly number[]): InsertedGroup[] {
  return result.inserted.map((r, i) => ({
    ...(r.handle === undefined ? {} : { handle: r.handle }),
    source: insertSource[i] ?? i,
    fids: r.ids.map((id) => gmlId(r.layer, id)),
  }));
}

/** The response document for `version`. */
export function transactionResponse(version: WfsVersion, result: EditResult, groups: readonly InsertedGroup[]): string {
  if (version === '1.0.0') return response100(groups);
  const v20 = version === '2.0.0';
  const wfs = v20 ? NS.wfs20 : NS.wfs;
  const filterNs = v20 ? NS.fes : NS.ogc;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(wfs, 'wfs:TransactionResponse', {
    'xmlns:wfs': wfs, [v20 ? 'xmlns:fes' : 'xmlns:ogc']: filterNs, 'xmlns:xsi': XSI, version,
    'xsi:schemaLocation': `${wfs} http://schemas.opengis.net/wfs/${version}/wfs.xsd`,
  });
  const summary = root.ele(wfs, 'wfs:TransactionSummary');
  const inserted = groups.reduce((n, g) => n + g.fids.length, 0);
  summary.ele(wfs, 'wfs:totalInserted').txt(String(inserted));
  summary.ele(wfs, 'wfs:totalUpdated').txt(String(result.updated));
  summary.ele(wfs, 'wfs:totalDeleted').txt(String(result.deleted));
  if (inserted > 0) insertResults(root.ele(wfs, 'wfs:InsertResults'), wfs, filterNs, v20, groups);
  return root.end({ prettyPrint: true });
}

/** wfs:InsertResults: one wfs:Feature per inserted feature, in order, with its action's handle. */
function insertResults(parent: XMLBuilder, wfs: string, filterNs: string, v20: boolean, groups: readonly InsertedGroup[]): void {
  for (const g of groups) {
    for (const fid of g.fids) {
      const feature = parent.ele(wfs, 'wfs:Feature', g.handle === undefined ? {} : { handle: g.handle });
      if (v20) feature.ele(filterNs, 'fes:ResourceId', { rid: fid });
      else feature.ele(filterNs, 'ogc:FeatureId', { fid });
    }
  }
}

/** WFS 1.0.0: an InsertResult per wfs:Insert that inserted something, then a SUCCESS TransactionResult. */
function response100(groups: readonly InsertedGroup[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.wfs, 'wfs:WFS_TransactionResponse', {
    'xmlns:wfs': NS.wfs, 'xmlns:ogc': NS.ogc, 'xmlns:xsi': XSI, version: '1.0.0',
    'xsi:schemaLocation': `${NS.wfs} http://schemas.opengis.net/wfs/1.0.0/WFS-transaction.xsd`,
  });
  const bySource = new Map<number, InsertedGroup[]>();
  for (const g of groups) bySource.set(g.source, [...(bySource.get(g.source) ?? []), g]);
  for (const list of bySource.values()) {
    const fids = list.flatMap((g) => g.fids);
    if (fids.length === 0) continue;
    const handle = list[0]!.handle;
    const result = root.ele(NS.wfs, 'wfs:InsertResult', handle === undefined ? {} : { handle });
    for (const fid of fids) result.ele(NS.ogc, 'ogc:FeatureId', { fid });
  }
  root.ele(NS.wfs, 'wfs:TransactionResult').ele(NS.wfs, 'wfs:Status').ele(NS.wfs, 'wfs:SUCCESS');
  return root.end({ prettyPrint: true });
}
