/**
 * The items of a collection (Part 1 §7.15): a GeoJSON FeatureCollection streamed like WFS GetFeature (batches
 * from the data layer, written with backpressure, sendResponse per chunk, the read stopped when the client
 * hangs up). numberMatched is learnt while reading where the page ends early, counted otherwise; next / prev
 * links keep every query parameter. The HTML page collects the (bounded) page and renders it.
 */
import { ContentType } from '../../server/content-negotiation.js';
import { writeGeoJson, type CollectionMeta, type FeatureLink } from '../../services/wfs/writers/index.js';
import type { ApiContext } from '../context.js';
import type { QueryStringParameter } from '../query-string-parameter.js';
import { collectionPath } from './collections.js';
import { FeaturesHandler } from './features-handler.js';
import type { FeaturesRequest } from './features-request.js';
import { itemsParameterList } from './items-parameters.js';
import { itemsQuery, type ItemsQuery } from './items-query.js';
import { maxFeatures } from './layer-options.js';
import { primedRead, relocated, TextSink } from './stream.js';
import { swappedBatches } from './axes.js';
import type { VectorLayerDef } from '../../project/model.js';

/** GET /collections/{collectionId}/items : the features, paged, filtered, in the CRS asked. */
export class ItemsHandler extends FeaturesHandler {
  constructor(...args: ConstructorParameters<typeof FeaturesHandler>) {
    super(...args);
    this.setContentTypes([ContentType.GEOJSON, ContentType.HTML]);
  }
  path(): RegExp {
    return /^\/collections\/(?<collectionId>[^/]+)\/items(?:\.(?:json|geojson|html))?$/;
  }
  operationId(): string {
    return 'getFeatures';
  }
  summary(): string {
    return 'The features of a collection';
  }
  override description(): string {
    return 'The features of a collection, paged (limit, offset, next / prev links) and filtered by bbox, datetime, a CQL2 filter '
      + 'and property=value for any queryable property; sorted by sortby; in the CRS asked (crs, Content-Crs header)';
  }
  override parameters(context: ApiContext): QueryStringParameter[] {
    return itemsParameterList(context.project() ? maxFeatures(this.features(context).project, null) : undefined);
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = r.collection(this.match(context)['collectionId'] ?? '');
    const q = await itemsQuery(context, r, layer);
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const res = context.response();
    const meta = this.#meta(r, layer, q, type);
    const read = await primedRead(() => r.access.readFeatureBatches(layer, { ...q.query, offset: q.offset, limit: q.limit }));
    const features = q.crs.swapAxes ? swappedBatches(read) : read;
    if (type === ContentType.HTML) {
      const sink = new TextSink();
      await writeGeoJson(sink, features, meta);
      this.writeDocument(context, r, 'items', `${layer.title || layer.name}: items`, JSON.parse(sink.text()));
      return;
    }
    res.setHeader('Content-Type', ContentType.GEOJSON);
    res.setHeader('Content-Crs', `<${q.crs.uri}>`);
    await writeGeoJson(res, features, meta);
  }

  /** What the writer needs: fields, axis order, precision, links, and numberMatched learnt at the end. */
  #meta(r: FeaturesRequest, layer: VectorLayerDef, q: ItemsQuery, type: string): CollectionMeta {
    const path = `${collectionPath(layer)}/items`;
    const title = layer.title || layer.name;
    const page = (rel: string, offset: number): FeatureLink => ({
      href: r.here(path, [['offset', String(offset)], ['limit', String(q.limit)], ['f', 'json']]),
      rel, type: ContentType.GEOJSON, title: rel === 'next' ? 'Next page' : 'Previous page',
    });
    return {
      typeName: layer.name, fields: q.fields, prefix: '', namespaceUri: '', qualifyIds: false,
      decimals: layer.precision, timeStamp: new Date(), signal: r.context.response().signal,
      links: [
        ...r.selfLinks(path, [{ type: ContentType.GEOJSON }, { type: ContentType.HTML }], type === ContentType.HTML ? ContentType.HTML : ContentType.GEOJSON, `${title}: items`),
        r.link(collectionPath(layer), 'collection', ContentType.JSON, title),
      ],
      lateNumberMatched: async (returned) => {
        // A page that ends before its limit tells the total, unless it is empty past the end.
        if (returned < q.limit && (returned > 0 || q.offset === 0)) return q.offset + returned;
        try {
          return await r.access.countFeatures(layer, q.query);
        } catch (err) {
          throw relocated(err);
        }
      },
      lateLinks: (returned, matched) => {
        const links: FeatureLink[] = [];
        if (matched !== undefined && q.offset + returned < matched) links.push(page('next', q.offset + returned));
        if (q.offset > 0) links.push(page('prev', Math.max(0, q.offset - q.limit)));
        return links;
      },
    };
  }
}
