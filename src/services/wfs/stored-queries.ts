/**
 * WFS 2.0 ListStoredQueries and DescribeStoredQueries (§10, §11): the one stored query every WFS 2.0 server has,
 * GetFeatureById (§7.9.3.6), which GetFeature runs with STOREDQUERY_ID and ID. Types listed are the readable ones.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { InvalidParameterError, OperationNotSupportedError } from '../../errors/ogc-error.js';
import { defineParams, parseParams } from '../../params/table.js';
import type { WfsContext } from './context.js';
import { GET_FEATURE_BY_ID } from './get-feature-request.js';
import { WFS_NAMESPACE, WFS_PREFIX, wfsLayers } from './names.js';
import { childrenNamed } from './xml/xml-tree.js';

export { GET_FEATURE_BY_ID };

const WFS20 = 'http://www.opengis.net/wfs/2.0';
const SCHEMA_LOCATION = `${WFS20} http://schemas.opengis.net/wfs/2.0/wfs.xsd`;

/** DescribeStoredQueries KVP parameters. */
export const DESCRIBE_STORED_QUERIES = defineParams({
  STOREDQUERY_ID: { type: 'list', description: 'stored query identifiers; none: all' },
});

/** The stored queries served: id, title, abstract and parameters (name, XML Schema type). */
const STORED_QUERIES = [{
  id: GET_FEATURE_BY_ID,
  title: 'Get feature by identifier',
  abstract: 'Returns the single feature whose identifier (gml:id) is the value of the ID parameter',
  parameters: [{ name: 'ID', type: 'xs:string' }],
}] as const;

export async function listStoredQueries(ctx: WfsContext): Promise<void> {
  requireWfs20(ctx, 'ListStoredQueries');
  const root = responseRoot('wfs:ListStoredQueriesResponse');
  const types = returnTypes(ctx);
  for (const q of STORED_QUERIES) {
    const sq = root.ele('wfs:StoredQuery', { id: q.id });
    sq.ele('wfs:Title').txt(q.title);
    for (const t of types) sq.ele('wfs:ReturnFeatureType').txt(t);
  }
  send(ctx, root);
}

export async function describeStoredQueries(ctx: WfsContext): Promise<void> {
  requireWfs20(ctx, 'DescribeStoredQueries');
  const asked = ctx.body
    ? childrenNamed(ctx.body, 'StoredQueryId').map((el) => el.text.trim())
    : parseParams(DESCRIBE_STORED_QUERIES, ctx.request.parameters()).STOREDQUERY_ID ?? [];
  const ids = asked.filter(Boolean);
  for (const id of ids) {
    if (!STORED_QUERIES.some((q) => q.id === id)) {
      throw new InvalidParameterError('STOREDQUERY_ID', `Stored query '${id.slice(0, 100)}' does not exist; use ${STORED_QUERIES.map((q) => q.id).join(', ')}`);
    }
  }
  const root = responseRoot('wfs:DescribeStoredQueriesResponse');
  const types = returnTypes(ctx).join(' ');
  for (const q of STORED_QUERIES.filter((s) => ids.length === 0 || ids.includes(s.id))) {
    const d = root.ele('wfs:StoredQueryDescription', { id: q.id });
    d.ele('wfs:Title').txt(q.title);
    d.ele('wfs:Abstract').txt(q.abstract);
    for (const p of q.parameters) d.ele('wfs:Parameter', { name: p.name, type: p.type });
    // Private: the query is built in code, there is no expression text to show.
    d.ele('wfs:QueryExpressionText', { isPrivate: 'true', language: 'urn:ogc:def:queryLanguage:OGC-WFS::WFSQueryExpression', returnFeatureTypes: types });
  }
  send(ctx, root);
}

function requireWfs20(ctx: WfsContext, operation: string): void {
  if (ctx.version !== '2.0.0') throw new OperationNotSupportedError(`${operation} is a WFS 2.0.0 operation; this request is WFS ${ctx.version}`, 'REQUEST');
}

function responseRoot(name: string): XMLBuilder {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele(WFS20, name, {
    [`xmlns:${WFS_PREFIX}`]: WFS_NAMESPACE,
    'xmlns:xs': 'http://www.w3.org/2001/XMLSchema',
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': SCHEMA_LOCATION,
  });
}

function returnTypes(ctx: WfsContext): string[] {
  return wfsLayers(ctx.project, ctx.access).map((l) => `${WFS_PREFIX}:${l.name}`);
}

function send(ctx: WfsContext, root: XMLBuilder): void {
  ctx.response.setHeader('Content-Type', 'text/xml; charset=utf-8');
  ctx.response.write(root.end({ prettyPrint: true }));
}
