/**
 * The conformance declaration (Part 1 §7.4): the classes of OGC API Features Parts 1-4 this API implements,
 * the CQL2 classes the filter module implements, and sorting (the sortby parameter of OGC API Records).
 */
import { ContentType } from '../../server/content-negotiation.js';
import type { ApiContext } from '../context.js';
import { CQL2_CONFORMANCE } from './cql2/index.js';
import { FeaturesHandler } from './features-handler.js';
import { TRANSACTIONS_CONFORMANCE } from './transactions/index.js';

const PART1 = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf';
const PART2 = 'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf';
const PART3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf';

/** The conformance classes of this API, in the order of the standards. */
export const FEATURES_CONFORMANCE: readonly string[] = [
  `${PART1}/core`,
  `${PART1}/oas30`,
  `${PART1}/html`,
  `${PART1}/geojson`,
  `${PART2}/crs`,
  `${PART3}/queryables`,
  `${PART3}/queryables-query-parameters`,
  `${PART3}/filter`,
  `${PART3}/features-filter`,
  ...CQL2_CONFORMANCE,
  ...TRANSACTIONS_CONFORMANCE,
  'http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting',
];

/** GET /conformance : { conformsTo: [...] }. */
export class ConformanceHandler extends FeaturesHandler {
  path(): RegExp {
    return /^\/conformance(?:\.(?:json|html))?$/;
  }
  operationId(): string {
    return 'getConformanceDeclaration';
  }
  summary(): string {
    return 'Conformance classes implemented by this API';
  }
  handleRequest(context: ApiContext): void {
    const r = this.features(context);
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const doc = {
      conformsTo: [...FEATURES_CONFORMANCE],
      links: r.selfLinks('/conformance', [{ type: ContentType.JSON }, { type: ContentType.HTML }], type, 'Conformance declaration'),
    };
    this.writeDocument(context, r, 'conformance', 'Conformance', doc);
  }
}
