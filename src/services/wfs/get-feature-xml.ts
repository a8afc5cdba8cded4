/**
 * GetFeature XML (POST) → GetFeatureRequest: wfs:GetFeature (WFS 1.0 / 1.1 / 2.0 namespaces) with wfs:Query
 * children (typeName / typeNames, srsName; PropertyName (wfs: in 1.1 / 2.0, ogc: in 1.0), Filter, SortBy).
 * Attributes: maxFeatures (1.x) / count (2.0), startIndex, resultType, outputFormat.
 */
import { OgcError } from '../../errors/ogc-error.js';
import { emptyQuery, parsePropertyNames, storedQueryId, type GetFeatureRequest, type QueryRequest, type ResultType, type SortKey } from './get-feature-request.js';
import { propertyName } from './xml/filter-encoding.js';
import { attr, childNamed, parseError, type XmlElement } from './xml/xml-tree.js';

/** A non-negative integer attribute, or null when absent. */
function intAttr(el: XmlElement, ...names: string[]): number | null {
  for (const name of names) {
    const v = attr(el, name);
    if (v === undefined) continue;
    if (!/^\s*\+?\d+\s*$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw new OgcError('InvalidParameterValue', `${name} ('${v.slice(0, 40)}') must be an integer >= 0`, { locator: name });
    }
    return Number(v);
  }
  return null;
}

function resultTypeOf(el: XmlElement): ResultType {
  const v = (attr(el, 'resultType') ?? 'results').trim().toLowerCase();
  if (v !== 'results' && v !== 'hits') throw new OgcError('InvalidParameterValue', `resultType '${v.slice(0, 40)}' is not results or hits`, { locator: 'resultType' });
  return v;
}

/** <SortBy><SortProperty><PropertyName|ValueReference/><SortOrder>ASC|DESC</SortOrder></SortProperty>…</SortBy> */
function sortKeys(sortBy: XmlElement): SortKey[] {
  return sortBy.children.map((sp) => {
    if (sp.local !== 'SortProperty') throw parseError(sp, 'Expected SortProperty', 'SortBy');
    const name = childNamed(sp, 'PropertyName', 'ValueReference');
    if (!name || propertyName(name.text) === '') throw parseError(sp, 'A sort property needs a property name', 'SortBy');
    const order = (childNamed(sp, 'SortOrder')?.text ?? 'ASC').trim().toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') throw parseError(sp, `Sort order '${order.slice(0, 20)}' is not ASC or DESC`, 'SortBy');
    return { field: propertyName(name.text), descending: order === 'DESC' };
  });
}

/** One wfs:Query; several type names in it (a join) are refused. */
function queryOf(el: XmlElement): QueryRequest {
  // OWSLib up to 0.28 writes "typenames" (geopython/OWSLib#885): accepted, as MapServer does.
  const names = (attr(el, 'typeNames') ?? attr(el, 'typeName') ?? attr(el, 'typenames') ?? '').trim().split(/[\s,]+/).filter(Boolean);
  if (names.length === 0) throw new OgcError('MissingParameterValue', `The query${el.line ? ` at line ${el.line}` : ''} has no typeNames`, { locator: 'typeNames' });
  if (names.length > 1) throw new OgcError('InvalidParameterValue', `Joins (${names.join(' ').slice(0, 80)}) are not supported: one type name per query`, { locator: 'typeNames' });
  const q = emptyQuery(names[0]!);
  q.srsName = attr(el, 'srsName')?.trim() || null;
  const props: string[] = [];
  for (const c of el.children) {
    switch (c.local) {
      case 'PropertyName': props.push(c.text); break;
      case 'Filter': q.filter = c; break;
      case 'SortBy': q.sortBy = sortKeys(c); break;
      default: throw parseError(c, 'Unsupported element in a query', 'Query');
    }
  }
  if (props.length > 0) q.propertyNames = parsePropertyNames(props);
  return q;
}

/** <wfs:StoredQuery id="…GetFeatureById"><wfs:Parameter name="ID">…</wfs:Parameter></wfs:StoredQuery> → the ID. */
function storedQueryOf(el: XmlElement): string {
  const param = el.children.find((c) => c.local === 'Parameter' && attr(c, 'name')?.toUpperCase() === 'ID');
  return storedQueryId(attr(el, 'id') ?? '', param?.text, 'StoredQuery');
}

/** Parses a POSTed wfs:GetFeature element. */
export function parseGetFeatureXml(root: XmlElement): GetFeatureRequest {
  const queries: QueryRequest[] = [];
  let byId: string | null = null;
  for (const c of root.children) {
    if (c.local === 'Query') queries.push(queryOf(c));
    else if (c.local === 'StoredQuery' && root.children.length === 1) byId = storedQueryOf(c);
    else if (c.local === 'StoredQuery') throw parseError(c, 'A stored query cannot be mixed with other queries', 'StoredQuery');
    else throw parseError(c, 'Unsupported element in GetFeature', 'GetFeature');
  }
  if (queries.length === 0 && byId === null) throw new OgcError('MissingParameterValue', 'GetFeature holds no wfs:Query', { locator: 'Query' });
  return {
    byId,
    queries,
    count: intAttr(root, 'count', 'maxFeatures'),
    startIndex: intAttr(root, 'startIndex') ?? 0,
    resultType: resultTypeOf(root),
    outputFormat: (attr(root, 'outputFormat') ?? attr(root, 'outputformat'))?.trim() || null,
  };
}
