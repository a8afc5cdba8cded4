/**
 * WFS 2.0 paging links (next / previous, §7.7.4.4.2): the same request as KVP with another STARTINDEX. A POSTed
 * request is rewritten as KVP (its filters serialised back to XML); one that KVP cannot express (queries with
 * different srsNames, some queries filtered and some not) gets no links.
 */
import { escapeXmlAttr, escapeXmlText } from './writers/escape.js';
import type { FeatureLink } from './writers/index.js';
import type { WfsContext } from './context.js';
import type { GetFeatureRequest, QueryRequest } from './get-feature-request.js';
import type { XmlElement } from './xml/xml-tree.js';

/** What the links depend on: numberMatched (when known) and numberReturned of this page. */
export interface PageNumbers {
  matched: number | undefined;
  returned: number;
}

/** The next link when more features remain, the previous one when this page does not start at 0. */
export function pagingLinks(ctx: WfsContext, req: GetFeatureRequest, n: PageNumbers, type?: string): FeatureLink[] {
  const base = ctx.body ? kvpOfXml(req, ctx.version) : kvpOfRequest(ctx);
  if (!base) return [];
  const links: FeatureLink[] = [];
  const start = req.startIndex;
  const link = (rel: string, startIndex: number, count: number): FeatureLink => {
    const params = new Map(base);
    params.set('STARTINDEX', String(startIndex));
    params.set('COUNT', String(count));
    const href = ctx.onlineResource + [...params].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return type ? { href, rel, type } : { href, rel };
  };
  if (req.count !== null && n.matched !== undefined && start + n.returned < n.matched) links.push(link('next', start + n.returned, req.count));
  if (start > 0) {
    const size = req.count ?? start;
    links.push(link('previous', Math.max(0, start - size), size));
  }
  return links;
}

/** The request's own KVP parameters, without MAP (already in onlineResource) and the paging ones. */
function kvpOfRequest(ctx: WfsContext): Map<string, string> {
  const out = new Map<string, string>([['SERVICE', 'WFS'], ['VERSION', ctx.version], ['REQUEST', 'GetFeature']]);
  for (const [k, v] of ctx.request.parameters()) {
    if (!['MAP', 'STARTINDEX', 'COUNT', 'MAXFEATURES', 'SERVICE', 'VERSION', 'REQUEST'].includes(k)) out.set(k, v);
  }
  return out;
}

/** One value per query, parenthesised when there are several. */
function perQuery(values: string[]): string {
  return values.length === 1 ? values[0]! : values.map((v) => `(${v})`).join('');
}

/** A POSTed GetFeature as KVP, or null when KVP cannot say the same. */
function kvpOfXml(req: GetFeatureRequest, version: string): Map<string, string> | null {
  const qs = req.queries;
  const srs = new Set(qs.map((q) => q.srsName));
  const filtered = qs.filter((q) => q.filter !== null).length;
  if (srs.size > 1 || (filtered > 0 && filtered < qs.length)) return null;
  const out = new Map<string, string>([['SERVICE', 'WFS'], ['VERSION', version], ['REQUEST', 'GetFeature']]);
  out.set('TYPENAMES', qs.map((q) => q.typeName).join(','));
  const [srsName] = srs;
  if (srsName) out.set('SRSNAME', srsName);
  if (qs.some((q) => q.propertyNames !== null)) out.set('PROPERTYNAME', perQuery(qs.map((q) => (q.propertyNames ?? ['*']).join(','))));
  if (qs.some((q) => q.sortBy.length > 0)) out.set('SORTBY', perQuery(qs.map(sortText)));
  if (filtered > 0) out.set('FILTER', perQuery(qs.map((q) => serializeXml(q.filter!))));
  if (req.outputFormat) out.set('OUTPUTFORMAT', req.outputFormat);
  return out;
}

function sortText(q: QueryRequest): string {
  return q.sortBy.map((k) => `${k.field} ${k.descending ? 'DESC' : 'ASC'}`).join(',');
}

/**
 * An element tree back to XML text. Namespaces are written as default-namespace declarations where they change
 * (and numbered prefixes for namespaced attributes), so no prefix of the original document is needed.
 */
export function serializeXml(el: XmlElement, parentNs: string | null = null): string {
  let s = `<${el.local}`;
  if (el.ns !== parentNs) s += ` xmlns="${escapeXmlAttr(el.ns)}"`;
  el.attributes.forEach((a, i) => {
    if (a.ns) s += ` xmlns:a${i}="${escapeXmlAttr(a.ns)}" a${i}:${a.local}="${escapeXmlAttr(a.value)}"`;
    else s += ` ${a.local}="${escapeXmlAttr(a.value)}"`;
  });
  s += '>' + escapeXmlText(el.text);
  for (const c of el.children) s += serializeXml(c, el.ns);
  return s + `</${el.local}>`;
}
