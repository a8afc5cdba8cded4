/**
 * A GetFeature request as the KVP and XML readers hand it on: the same shape whatever the version and encoding,
 * names still as the client wrote them (type prefixes, property paths), nothing resolved against the project yet.
 */
import { OgcError } from '../../errors/ogc-error.js';
import { propertyName } from './xml/filter-encoding.js';
import type { XmlElement } from './xml/xml-tree.js';

/** A sort key: field (prefix stripped) and direction. */
export interface SortKey {
  field: string;
  descending: boolean;
}

/** A KVP BBOX: corner coordinates as written (axis order of `crs`) and the CRS when given. */
export interface WrittenBBox {
  values: [number, number, number, number];
  crs: string | null;
}

/** One query: one feature type (joins are refused) and what selects, projects and orders its features. */
export interface QueryRequest {
  /** The type name as written ("qgs:cities", "cities", "{uri}cities"). */
  typeName: string;
  /** srsName as written, or null for the type's default. */
  srsName: string | null;
  /** Property names (prefixes and paths stripped); null for all. */
  propertyNames: string[] | null;
  /** Filter Encoding <Filter> element, or null. */
  filter: XmlElement | null;
  /** FEATUREID / RESOURCEID values ("type.id" or a bare id), or null. */
  ids: string[] | null;
  bbox: WrittenBBox | null;
  sortBy: SortKey[];
  /** EXP_FILTER: our expression language (QGIS Server's vendor parameter), or null. */
  expFilter: string | null;
}

/** Whether the answer holds the features or only their number. */
export type ResultType = 'results' | 'hits';

/** A GetFeature request, KVP or XML. */
export interface GetFeatureRequest {
  queries: QueryRequest[];
  /** MAXFEATURES (1.x) / COUNT (2.0): most features in the answer, over all queries; null when unlimited. */
  count: number | null;
  /** STARTINDEX: features skipped over all queries (0-based). */
  startIndex: number;
  resultType: ResultType;
  /** OUTPUTFORMAT as written, or null for the version's default. */
  outputFormat: string | null;
  /** The ID of the GetFeatureById stored query (then `queries` is empty), else null. */
  byId: string | null;
}

/** The one stored query served (WFS 2.0 §7.9.3.6, mandatory). */
export const GET_FEATURE_BY_ID = 'urn:ogc:def:query:OGC-WFS::GetFeatureById';

/** A stored query id → the GetFeatureById ID, or InvalidParameterValue for another stored query. */
export function storedQueryId(id: string, featureId: string | undefined, locator: string): string {
  if (id.trim() !== GET_FEATURE_BY_ID) {
    throw new OgcError('InvalidParameterValue', `Stored query '${id.slice(0, 100)}' is not served; the one stored query is ${GET_FEATURE_BY_ID}`, { locator });
  }
  if (featureId === undefined || featureId.trim() === '') throw new OgcError('MissingParameterValue', 'GetFeatureById needs the ID parameter', { locator: 'ID' });
  return featureId.trim();
}

/** A query with nothing but its type. */
export function emptyQuery(typeName: string): QueryRequest {
  return { typeName, srsName: null, propertyNames: null, filter: null, ids: null, bbox: null, sortBy: [], expFilter: null };
}

/**
 * Parses a SORTBY list ("name", "name D", "name DESC,pop ASC", also "name+DESC" once decoded) into keys;
 * a direction other than A / ASC / D / DESC is InvalidParameterValue (locator).
 */
export function parseSortBy(items: readonly string[], locator = 'SORTBY'): SortKey[] {
  return items.filter((s) => s.trim() !== '').map((item) => {
    const [name = '', dir, ...rest] = item.trim().split(/[\s+]+/);
    const d = (dir ?? 'ASC').toUpperCase();
    if (rest.length > 0 || !['A', 'ASC', 'D', 'DESC'].includes(d)) {
      throw new OgcError('InvalidParameterValue', `Sort key '${item.trim().slice(0, 80)}' is not "property [ASC|DESC]"`, { locator });
    }
    return { field: propertyName(name), descending: d.startsWith('D') };
  });
}

/** Property names with prefixes and paths stripped; '*' (all) gives null. */
export function parsePropertyNames(items: readonly string[]): string[] | null {
  const names = items.map(propertyName).filter((n) => n !== '');
  return names.length === 0 || names.includes('*') ? null : names;
}
