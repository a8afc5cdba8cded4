/**
 * The query parameters of the items resource, declared once: they validate and type the request's values and
 * describe themselves in the OpenAPI document (the items handler's parameters()). bbox and sortby have their own
 * syntax and parse it here; the rest are plain QueryStringParameters.
 */
import { InvalidParameterError } from '../../errors/ogc-error.js';
import type { ApiContext } from '../context.js';
import { QueryStringParameter } from '../query-string-parameter.js';
import { CRS84 } from './crs.js';
import { FILTER_LANGS } from './cql2/index.js';
import { DEFAULT_MAX_FEATURES } from './layer-options.js';

/** bbox: 4 numbers (minx,miny,maxx,maxy) or 6 (with min and max z, ignored), in bbox-crs axis order. */
export class BboxParameter extends QueryStringParameter {
  constructor() {
    super('bbox', false, 'list', 'Only features whose geometry intersects this box: minx,miny,maxx,maxy (or 6 numbers with heights, '
      + 'which are ignored), in bbox-crs (default CRS84: longitude, latitude) in its axis order. A box across the antimeridian has minx > maxx.');
  }
  /** The numbers, or undefined when absent. */
  override value(context: ApiContext): number[] | undefined {
    const raw = this.raw(context);
    if (raw === undefined || raw.trim() === '') return undefined;
    const parts = raw.split(',').map((s) => s.trim());
    const numbers = parts.map((p) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p) ? Number(p) : NaN));
    if ((parts.length !== 4 && parts.length !== 6) || numbers.some((n) => !Number.isFinite(n))) {
      throw new InvalidParameterError('bbox', `bbox ('${raw.slice(0, 200)}') must be 4 or 6 comma-separated numbers`);
    }
    return numbers;
  }
  override toOpenApi(): Record<string, unknown> {
    return {
      ...super.toOpenApi(),
      schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
    };
  }
}

/** One sort key of sortby. */
export interface SortKey {
  field: string;
  descending: boolean;
}

/** sortby: comma-separated property names, each optionally prefixed + (ascending, the default) or - (descending). */
export class SortbyParameter extends QueryStringParameter {
  constructor() {
    super('sortby', false, 'list', 'Sort keys: property names separated by commas, each prefixed + (ascending, the default) or - (descending)');
  }
  /** The sort keys in order, or undefined when absent. */
  override value(context: ApiContext): SortKey[] | undefined {
    const raw = this.raw(context);
    if (raw === undefined || raw.trim() === '') return undefined;
    return raw.split(',').map((item) => {
      // A "+" the client did not percent-encode arrives as a space.
      const m = /^\s*([+-]?)\s*(\S(?:.*\S)?)\s*$/.exec(item);
      if (!m) throw new InvalidParameterError('sortby', `sortby ('${raw.slice(0, 200)}') has an empty sort key`);
      return { field: m[2]!, descending: m[1] === '-' };
    });
  }
  override toOpenApi(): Record<string, unknown> {
    return { ...super.toOpenApi(), schema: { type: 'array', items: { type: 'string', pattern: '^[+-]?.+$' } } };
  }
}

/** The items parameters; `maxFeatures` is the largest page of the collection (a larger limit is lowered to it). */
export function itemsParameters(maxFeatures = DEFAULT_MAX_FEATURES) {
  return {
    limit: new QueryStringParameter('limit', false, 'integer', `Most features in the answer (1 or more; a value above ${maxFeatures} is lowered to ${maxFeatures})`, 10, undefined, { minimum: 1 }),
    offset: new QueryStringParameter('offset', false, 'integer', 'Features to skip before the first one answered (paging: see the next and prev links)', 0, undefined, { minimum: 0 }),
    bbox: new BboxParameter(),
    bboxCrs: new QueryStringParameter('bbox-crs', false, 'string', 'The CRS of bbox: one of the collection\'s crs', CRS84),
    crs: new QueryStringParameter('crs', false, 'string', 'The CRS of the geometries answered: one of the collection\'s crs', CRS84),
    datetime: new QueryStringParameter('datetime', false, 'string', 'Only features whose temporal property intersects this RFC 3339 instant '
      + '(2024-06-21, 2024-06-21T12:00:00Z) or interval (start/end, an open end written .. or left empty); for collections with a temporal property'),
    properties: new QueryStringParameter('properties', false, 'list', 'The properties to answer (comma-separated); default all'),
    sortby: new SortbyParameter(),
    filter: new QueryStringParameter('filter', false, 'string', 'A CQL2 filter on the queryables (see filter-lang)'),
    filterLang: new QueryStringParameter('filter-lang', false, 'string', 'The language of filter', FILTER_LANGS[0], FILTER_LANGS),
    filterCrs: new QueryStringParameter('filter-crs', false, 'string', 'The CRS of the geometries in filter: one of the collection\'s crs', CRS84),
  };
}

/** The parameter objects in declaration order. */
export function itemsParameterList(maxFeatures?: number): QueryStringParameter[] {
  return Object.values(itemsParameters(maxFeatures));
}
