/**
 * One feature (Part 1 §7.16): a GeoJSON Feature with self / alternate / collection links, in the CRS asked
 * (Part 2). A feature that does not exist and one access control hides are the same 404.
 */
import { NotFoundError } from '../../errors/ogc-error.js';
import { ContentType } from '../../server/content-negotiation.js';
import { geoJsonFeatureSerializer } from '../../services/wfs/writers/geojson-writer.js';
import type { ApiContext } from '../context.js';
import { QueryStringParameter } from '../query-string-parameter.js';
import { collectionCrs, CRS84, requestCrs } from './crs.js';
import { FeaturesHandler } from './features-handler.js';
import { decodeSegment } from './features-request.js';
import { checkParameterNames } from './items-query.js';
import { primedRead } from './stream.js';
import { swapFeature } from './axes.js';
import { collectionPath } from './collections.js';

const CRS = new QueryStringParameter('crs', false, 'string', 'The CRS of the geometry answered: one of the collection\'s crs', CRS84);

/** GET /collections/{collectionId}/items/{featureId} : one feature. */
export class ItemHandler extends FeaturesHandler {
  constructor(...args: ConstructorParameters<typeof FeaturesHandler>) {
    super(...args);
    this.setContentTypes([ContentType.GEOJSON, ContentType.HTML]);
  }
  path(): RegExp {
    return /^\/collections\/(?<collectionId>[^/]+)\/items\/(?<featureId>[^/]+?)(?:\.(?:json|geojson|html))?$/;
  }
  operationId(): string {
    return 'getFeature';
  }
  summary(): string {
    return 'One feature of a collection';
  }
  override parameters(): QueryStringParameter[] {
    return [CRS];
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = r.collection(this.match(context)['collectionId'] ?? '');
    checkParameterNames(context, new Set([CRS.name]));
    const written = this.match(context)['featureId'] ?? '';
    const id = decodeSegment(written);
    const notFound = () => new NotFoundError(`The collection '${layer.name}' has no feature '${(id ?? written).slice(0, 100)}'`, 'featureId');
    if (id === null) throw notFound();
    const crs = await requestCrs(CRS.raw(context), collectionCrs(r.project, layer), 'crs');
    const read = await primedRead(() => r.access.readFeatures(layer, { ids: [id], targetCrs: crs.id, limit: 1, signal: context.response().signal }));
    const it = read[Symbol.asyncIterator]();
    const first = await it.next();
    await it.return?.();
    if (first.done) throw notFound();
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const path = `${collectionPath(layer)}/items/${encodeURIComponent(String(first.value.id))}`;
    const title = layer.title || layer.name;
    const links = [
      ...r.selfLinks(path, [{ type: ContentType.GEOJSON }, { type: ContentType.HTML }], type, `Feature ${first.value.id}`),
      r.link(collectionPath(layer), 'collection', ContentType.JSON, title),
    ];
    const serialize = geoJsonFeatureSerializer({
      typeName: layer.name, fields: r.access.fields(layer), prefix: '', namespaceUri: '', qualifyIds: false,
      decimals: layer.precision,
    });
    const text = serialize(crs.swapAxes ? swapFeature(first.value) : first.value).replace(/\}$/, `,"links":${JSON.stringify(links)}}`);
    if (type === ContentType.HTML) {
      this.writeDocument(context, r, 'item', `${title}: ${first.value.id}`, JSON.parse(text));
      return;
    }
    const res = context.response();
    res.setHeader('Content-Type', ContentType.GEOJSON);
    res.setHeader('Content-Crs', `<${crs.uri}>`);
    res.write(text);
  }
}
