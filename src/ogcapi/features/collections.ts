/**
 * The collections (Part 1 §7.13-7.14, Part 2 §6.2): the project's vector layers published for OAPIF that access
 * control lets this request read, each with its extent (the one this request may know: readable-extents.ts),
 * the CRSs it can be read in, its storage CRS, and links to its items and queryables.
 */
import { OgcError } from '../../errors/ogc-error.js';
import type { VectorLayerDef } from '../../project/model.js';
import { ContentType } from '../../server/content-negotiation.js';
import { readableExtents, type Box } from '../../services/readable-extents.js';
import type { ApiContext } from '../context.js';
import { collectionCrs, CRS84, crsUri } from './crs.js';
import { FeaturesHandler } from './features-handler.js';
import type { FeaturesRequest, Link } from './features-request.js';
import { temporalField } from './layer-options.js';
import { timeText } from './datetime.js';
import { notNull, toExpression } from './expression-nodes.js';

/** The queryables link relation (Part 3). */
export const REL_QUERYABLES = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';
/** The JSON Schema media type of the queryables. */
export const SCHEMA_JSON = 'application/schema+json';

/** The path of a collection resource, its id encoded as a segment. */
export function collectionPath(layer: VectorLayerDef): string {
  return `/collections/${encodeURIComponent(layer.name)}`;
}

/** Links every collection description has: items (GeoJSON and HTML) and queryables. */
function collectionLinks(r: FeaturesRequest, layer: VectorLayerDef): Link[] {
  const path = collectionPath(layer);
  const title = layer.title || layer.name;
  return [
    r.link(`${path}/items`, 'items', ContentType.GEOJSON, `${title}: items as GeoJSON`),
    r.link(`${path}/items`, 'items', ContentType.HTML, `${title}: items as HTML`),
    r.link(`${path}/queryables`, REL_QUERYABLES, SCHEMA_JSON, `${title}: queryables`),
  ];
}

/** The description of one collection (without its own self / alternate links). */
async function describe(r: FeaturesRequest, layer: VectorLayerDef, wgs84: Box | null): Promise<Record<string, unknown>> {
  const extent: Record<string, unknown> = {};
  if (wgs84) extent['spatial'] = { bbox: [wgs84], crs: CRS84 };
  const interval = await temporalExtent(r, layer);
  if (interval) extent['temporal'] = { interval: [interval], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' };
  return {
    id: layer.name,
    title: layer.title || layer.name,
    description: layer.abstract,
    ...(layer.keywords.length ? { keywords: [...layer.keywords] } : {}),
    itemType: 'feature',
    ...(Object.keys(extent).length ? { extent } : {}),
    crs: collectionCrs(r.project, layer),
    storageCrs: crsUri(layer.crs) ?? CRS84,
  };
}

/**
 * The first and last value of the temporal field among the features this request may read, as RFC 3339 text;
 * null without a temporal field or a dated feature. A source too big to sort gives none rather than no answer.
 */
async function temporalExtent(r: FeaturesRequest, layer: VectorLayerDef): Promise<[string, string] | null> {
  const field = temporalField(layer, r.access.fields(layer));
  if (!field) return null;
  const edge = async (descending: boolean): Promise<string | null> => {
    const query = {
      fields: [field.name], withGeometry: false, filter: toExpression(notNull(field.name)).text,
      orderBy: [{ field: field.name, descending }], limit: 1, signal: r.context.response().signal,
    };
    try {
      for await (const f of r.access.readFeatures(layer, query)) return timeText(f.attributes[field.name]);
    } catch (err) {
      if (err instanceof OgcError && err.locator === 'orderBy') return null;
      throw err;
    }
    return null;
  };
  const [first, last] = [await edge(false), await edge(true)];
  return first !== null && last !== null ? [first, last] : null;
}

/** GET /collections : every collection this request may read. */
export class CollectionsHandler extends FeaturesHandler {
  path(): RegExp {
    return /^\/collections(?:\.(?:json|html))?$/;
  }
  operationId(): string {
    return 'getCollections';
  }
  summary(): string {
    return 'The feature collections of the project';
  }
  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const layers = r.collections();
    const extents = await readableExtents(context.serverInterface().accessControls(), r.access, layers, context.response().signal);
    const collections = [];
    for (const layer of layers) {
      const path = collectionPath(layer);
      const title = layer.title || layer.name;
      collections.push({
        ...(await describe(r, layer, extents.get(layer) ?? null)),
        links: [
          r.link(path, 'self', ContentType.JSON, title),
          r.link(path, 'alternate', ContentType.HTML, `${title} as HTML`),
          ...collectionLinks(r, layer),
        ],
      });
    }
    const doc = {
      links: r.selfLinks('/collections', [{ type: ContentType.JSON }, { type: ContentType.HTML }], type, 'Collections'),
      collections,
    };
    this.writeDocument(context, r, 'collections', 'Collections', doc);
  }
}

/** GET /collections/{collectionId} : one collection; 404 for one that does not exist or may not be read. */
export class CollectionHandler extends FeaturesHandler {
  path(): RegExp {
    return /^\/collections\/(?<collectionId>[^/]+?)(?:\.(?:json|html))?$/;
  }
  operationId(): string {
    return 'describeCollection';
  }
  summary(): string {
    return 'A feature collection';
  }
  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = r.collection(this.match(context)['collectionId'] ?? '');
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const extents = await readableExtents(context.serverInterface().accessControls(), r.access, [layer], context.response().signal);
    const title = layer.title || layer.name;
    const doc = {
      ...(await describe(r, layer, extents.get(layer) ?? null)),
      links: [
        ...r.selfLinks(collectionPath(layer), [{ type: ContentType.JSON }, { type: ContentType.HTML }], type, title),
        ...collectionLinks(r, layer),
      ],
    };
    this.writeDocument(context, r, 'collection', title, doc);
  }
}
