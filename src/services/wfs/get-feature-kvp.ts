/**
 * GetFeature KVP → GetFeatureRequest. Both spellings of the renamed parameters are accepted in every version
 * (TYPENAME / TYPENAMES, FEATUREID / RESOURCEID, MAXFEATURES / COUNT); errors name the one the client sent.
 * Per-query values follow the WFS list rules (WFS 2.0 §6.2.5.3): `PROPERTYNAME=(a,b)(c)` gives one list per
 * type; a list without parentheses applies to every type.
 */
import { MissingParameterError, OgcError } from '../../errors/ogc-error.js';
import { parseValue, type ParamSpec } from '../../params/table.js';
import type { ParameterMap } from '../../server/parameter-map.js';
import { emptyQuery, parsePropertyNames, parseSortBy, storedQueryId, type GetFeatureRequest, type QueryRequest, type ResultType, type WrittenBBox } from './get-feature-request.js';
import { localTypeName, splitFeatureId } from './names.js';
import type { WfsVersion } from './version.js';
import { parseXml } from './xml/parse-xml.js';
import { NS, type XmlElement } from './xml/xml-tree.js';

/** The FILTER_LANGUAGE of Filter Encoding (the only one served). */
const FES_LANGUAGE = 'urn:ogc:def:query:OGC-FES:Filter';

/** The name a renamed parameter was sent under, else the version's own spelling. */
export function sentAs(params: ParameterMap, version: WfsVersion, v2: string, v1: string): string {
  if (params.has(v2) && params.get(v2)!.trim() !== '') return v2;
  if (params.has(v1) && params.get(v1)!.trim() !== '') return v1;
  return version === '2.0.0' ? v2 : v1;
}

function value(params: ParameterMap, name: string): string | null {
  const v = params.get(name);
  return v === undefined || v.trim() === '' ? null : v;
}

/**
 * A KVP list, or one list per query when parenthesised: "a,b" → [[a, b]]; "(a,b)(c)" → [[a, b], [c]].
 * Text outside the parentheses is InvalidParameterValue.
 */
export function kvpLists(text: string, locator: string): string[][] {
  const t = text.trim();
  if (!t.startsWith('(')) return [t.split(',').map((s) => s.trim())];
  const groups: string[][] = [];
  const rest = t.replace(/\(([^()]*)\)/g, (_, inner: string) => {
    groups.push(inner.split(',').map((s) => s.trim()));
    return '';
  });
  if (rest.trim() !== '') throw new OgcError('InvalidParameterValue', `${locator} is not a list of parenthesised lists`, { locator });
  return groups;
}

/** Per-query values: one group for all queries, or exactly one per query. */
function perQuery<T>(groups: T[], queries: number, parenthesised: boolean, locator: string): T[] {
  if (!parenthesised) return Array.from({ length: queries }, () => groups[0]!);
  if (groups.length !== queries) {
    throw new OgcError('InvalidParameterValue', `${locator} has ${groups.length} lists for ${queries} queries; give one per type name`, { locator });
  }
  return groups;
}

/**
 * Splits "(expr)(expr)" into its top-level groups (quotes respected), or null when the text is not exactly a
 * sequence of parenthesised groups (then it is one value for every query).
 */
export function topLevelGroups(text: string): string[] | null {
  const t = text.trim();
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let quote: string | null = null;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') {
      if (depth++ === 0) start = i + 1;
    } else if (c === ')') {
      if (--depth < 0) return null;
      if (depth === 0) out.push(t.slice(start, i));
    } else if (depth === 0 && !/\s/.test(c)) return null;
  }
  return depth === 0 && !quote && out.length > 0 ? out : null;
}

/** Filters in KVP often omit namespace declarations: the version's FE and GML namespaces are declared around them. */
export function parseKvpFilter(text: string, version: WfsVersion, locator = 'FILTER'): XmlElement {
  const [fe, gml] = version === '2.0.0' ? [NS.fes, NS.gml32] : [NS.ogc, NS.gml];
  // A filter sent as a whole document starts with an XML declaration, which cannot sit inside the wrapper.
  const body = text.replace(/^\s*<\?xml[^>]*\?>/, '');
  const wrapped = `<kvp xmlns="${fe}" xmlns:ogc="${NS.ogc}" xmlns:fes="${NS.fes}" xmlns:gml="${gml}">${body}</kvp>`;
  let root: XmlElement;
  try {
    root = parseXml(wrapped);
  } catch (err) {
    if (err instanceof OgcError) throw new OgcError(err.code, `${locator}: ${err.message}`, { locator });
    throw err;
  }
  // Text beside the element (junk, a Python bytes repr "b'<Filter…>'") must not be ignored silently.
  if (root.children.length !== 1 || root.children[0]!.local !== 'Filter' || root.text.trim() !== '') {
    throw new OgcError('OperationParsingFailed', `${locator} must hold one <Filter> element`, { locator });
  }
  return root.children[0]!;
}

/** KVP BBOX "minx,miny,maxx,maxy[,crs]" (also 2N coordinates: the first two of each corner are used). */
export function parseKvpBBox(text: string, locator = 'BBOX'): WrittenBBox {
  const parts = text.split(',').map((s) => s.trim());
  let crs: string | null = null;
  if (parts.length % 2 === 1) crs = parts.pop()!;
  const nums = parts.map((p) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p) ? Number(p) : NaN));
  if (nums.length < 4 || nums.some((n) => !Number.isFinite(n)) || crs === '') {
    throw new OgcError('InvalidParameterValue', `${locator} '${text.slice(0, 100)}' is not minx,miny,maxx,maxy[,crs]`, { locator });
  }
  const n = nums.length / 2;
  const values: [number, number, number, number] = [nums[0]!, nums[1]!, nums[n]!, nums[n + 1]!];
  if (values[0] > values[2] || values[1] > values[3]) {
    throw new OgcError('InvalidParameterValue', `${locator}: the lower corner must not be above the upper corner`, { locator });
  }
  return { values, crs };
}

const INT_MIN0: ParamSpec = { type: 'integer', min: 0 };

/** The paging and format parameters. */
function answerParams(params: ParameterMap, version: WfsVersion): Omit<GetFeatureRequest, 'queries'> {
  const countName = sentAs(params, version, 'COUNT', 'MAXFEATURES');
  const count = parseValue(countName, INT_MIN0, params.get(countName)) as number | undefined;
  const startIndex = (parseValue('STARTINDEX', INT_MIN0, params.get('STARTINDEX')) as number | undefined) ?? 0;
  const resultType = parseValue('RESULTTYPE', { type: 'string', allowed: ['results', 'hits'], default: 'results' }, params.get('RESULTTYPE')) as ResultType;
  const language = value(params, 'FILTER_LANGUAGE');
  if (language !== null && language.trim() !== FES_LANGUAGE) {
    throw new OgcError('InvalidParameterValue', `FILTER_LANGUAGE '${language.slice(0, 80)}' is not served; use ${FES_LANGUAGE}`, { locator: 'FILTER_LANGUAGE' });
  }
  const stored = value(params, 'STOREDQUERY_ID');
  const byId = stored === null ? null : storedQueryId(stored, params.get('ID'), 'STOREDQUERY_ID');
  return { count: count ?? null, startIndex, resultType, outputFormat: value(params, 'OUTPUTFORMAT'), byId };
}

/** WFS 2.0 §7.9.2.4 (Table 8): BBOX, FILTER and RESOURCEID are mutually exclusive. */
function checkExclusive(params: ParameterMap, version: WfsVersion, idName: string): void {
  const given = ['BBOX', 'FILTER', idName].filter((n) => value(params, n) !== null);
  if (given.length > 1) {
    const code = version === '2.0.0' ? 'OperationParsingFailed' : 'InvalidParameterValue';
    throw new OgcError(code, `${given.join(' and ')} cannot be used together: give one of BBOX, FILTER, ${idName}`, { locator: given[1] });
  }
}

/** The type names, one query each; a parenthesised group of several names (a join) is refused. */
function typeNamesOf(text: string, locator: string): string[] {
  const groups = kvpLists(text, locator);
  const parenthesised = text.trim().startsWith('(');
  const names = parenthesised ? groups.map((g) => {
    if (g.length !== 1) throw new OgcError('InvalidParameterValue', `Joins (${g.join(',').slice(0, 80)}) are not supported: one type name per query`, { locator });
    return g[0]!;
  }) : groups[0]!;
  if (names.some((n) => n === '')) throw new OgcError('InvalidParameterValue', `${locator} has an empty type name`, { locator });
  return names;
}

/**
 * Binds feature ids to the queries: with type names, each id goes to the query of its type (a bare id only when
 * there is one query); without, the ids' types make the queries, in order of first appearance.
 */
function bindIds(ids: string[], queries: QueryRequest[] | null, typeNames: readonly string[], locator: string): QueryRequest[] {
  const out = queries ?? [];
  for (const written of ids) {
    const { type, id } = splitFeatureId(written, typeNames);
    let q: QueryRequest | undefined;
    if (type === null) {
      if (out.length !== 1 || queries === null) {
        throw new OgcError('InvalidParameterValue', `Feature id '${written.slice(0, 100)}' does not name its type: write it as <type>.<id>`, { locator });
      }
      q = out[0];
    } else {
      q = out.find((x) => localTypeName(x.typeName) === type);
      if (!q && queries === null) out.push(q = emptyQuery(type));
      if (!q) throw new OgcError('InvalidParameterValue', `Feature id '${written.slice(0, 100)}' is not of a type the request names`, { locator });
    }
    (q.ids ??= []).push(id);
  }
  return out;
}

/** Parses a KVP GetFeature; `typeNames` are the readable WFS types (to split `type.id` feature ids). */
export function parseGetFeatureKvp(params: ParameterMap, version: WfsVersion, typeNames: readonly string[]): GetFeatureRequest {
  const typeLocator = sentAs(params, version, 'TYPENAMES', 'TYPENAME');
  const idLocator = sentAs(params, version, 'RESOURCEID', 'FEATUREID');
  checkExclusive(params, version, idLocator);
  const answer = answerParams(params, version);
  if (answer.byId !== null) return { ...answer, queries: [] };
  const typesText = value(params, typeLocator);
  const idsText = value(params, idLocator);
  let queries: QueryRequest[] | null = typesText === null ? null : typeNamesOf(typesText, typeLocator).map(emptyQuery);
  if (idsText !== null) {
    const ids = kvpLists(idsText, idLocator).flat().filter((s) => s !== '');
    if (ids.length === 0) throw new OgcError('InvalidParameterValue', `${idLocator} names no feature`, { locator: idLocator });
    queries = bindIds(ids, queries, typeNames, idLocator);
  }
  if (queries === null) throw new MissingParameterError(typeLocator);
  applyPerQuery(params, version, queries);
  return { ...answer, queries };
}

/** PROPERTYNAME, SORTBY, FILTER, EXP_FILTER, BBOX and SRSNAME onto each query. */
function applyPerQuery(params: ParameterMap, version: WfsVersion, queries: QueryRequest[]): void {
  const n = queries.length;
  const listed = (name: string): string[][] | null => {
    const text = value(params, name);
    return text === null ? null : perQuery(kvpLists(text, name), n, text.trim().startsWith('('), name);
  };
  const props = listed('PROPERTYNAME');
  const sorts = listed('SORTBY');
  const filters = filterTexts(value(params, 'FILTER'), n);
  const exp = value(params, 'EXP_FILTER');
  const exps = exp === null ? null : n > 1 ? topLevelGroups(exp) ?? Array<string>(n).fill(exp) : [exp];
  if (exps && exps.length !== n) throw new OgcError('InvalidParameterValue', `EXP_FILTER has ${exps.length} expressions for ${n} queries`, { locator: 'EXP_FILTER' });
  const bboxText = value(params, 'BBOX');
  const bbox = bboxText === null ? null : parseKvpBBox(bboxText);
  const srsName = value(params, 'SRSNAME')?.trim() ?? null;
  queries.forEach((q, i) => {
    if (props) q.propertyNames = parsePropertyNames(props[i]!);
    if (sorts) q.sortBy = parseSortBy(sorts[i]!);
    if (filters) q.filter = parseKvpFilter(filters[i]!, version);
    if (exps) q.expFilter = exps[i]!;
    q.bbox = bbox;
    q.srsName = srsName;
  });
}

/** FILTER: one filter for all queries, or "(<Filter/>)(<Filter/>)" with one per query. */
function filterTexts(text: string | null, queries: number): string[] | null {
  if (text === null) return null;
  const t = text.trim();
  if (!t.startsWith('(')) return Array<string>(queries).fill(t);
  const groups = t.slice(1, -1).split(/\)\s*\(\s*(?=<)/);
  if (!t.endsWith(')')) throw new OgcError('InvalidParameterValue', 'FILTER is not a list of parenthesised filters', { locator: 'FILTER' });
  return perQuery(groups, queries, true, 'FILTER');
}
