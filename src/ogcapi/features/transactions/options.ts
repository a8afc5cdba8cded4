/**
 * OPTIONS on the items of a collection and on a feature (Part 4 /req/create-replace-delete/options): 200 with
 * Allow, the methods this request may use there now (the project's `editable` ANDed with access control's
 * layerPermissions; allowToEdit, which judges each feature's content, is only asked when an edit is made), with
 * Accept-Post and Accept-Patch naming the body media types when POST or PATCH is allowed. A collection this
 * request may not read, or a feature that does not exist or is hidden, is 404.
 */
import type { ApiContext } from '../../context.js';
import { checkParameterNames } from '../items-query.js';
import type { OperationDescription } from '../openapi.js';
import { FEATURE_MEDIA_TYPES, PATCH_MEDIA_TYPES } from './body.js';
import { EditHandler, ITEM_PATH, itemMethods, ITEMS_PATH, itemsMethods, notFound } from './edit-handler.js';

/** OPTIONS /collections/{collectionId}/items and /collections/{collectionId}/items/{featureId}. */
export class OptionsHandler extends EditHandler {
  constructor(data: ConstructorParameters<typeof EditHandler>[0], private readonly kind: 'items' | 'item') {
    super(data);
  }
  path(): RegExp {
    return this.kind === 'items' ? ITEMS_PATH : ITEM_PATH;
  }
  operationId(): string {
    return this.kind === 'items' ? 'optionsFeatures' : 'optionsFeature';
  }
  summary(): string {
    return this.kind === 'items' ? 'The methods the items of a collection take for this request' : 'The methods a feature takes for this request';
  }
  override methods(): string[] {
    return ['OPTIONS'];
  }

  openApiOperation(): OperationDescription {
    const header = (description: string) => ({ description, schema: { type: 'string' } });
    return {
      responses: {
        200: {
          description: 'The methods allowed',
          headers: {
            Allow: header('The methods this request may use on the resource'),
            ...(this.kind === 'items'
              ? { 'Accept-Post': header('The media types of a POST body (when POST is allowed)') }
              : { 'Accept-Patch': header('The media types of a PATCH body (when PATCH is allowed)') }),
          },
        },
      },
    };
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = r.collection(this.match(context)['collectionId'] ?? '');
    checkParameterNames(context, new Set());
    const edits = r.access.editsAllowed(layer);
    let allow = itemsMethods(edits);
    if (this.kind === 'item') {
      const id = this.featureId(context, layer);
      const read = r.access.readFeatures(layer, { ids: [id], fields: [], withGeometry: false, limit: 1, signal: context.response().signal });
      const it = read[Symbol.asyncIterator]();
      const first = await it.next();
      await it.return?.();
      if (first.done) throw notFound(layer, id);
      allow = itemMethods(edits);
    }
    const res = context.response();
    res.setStatusCode(200);
    res.setHeader('Allow', allow.join(', '));
    if (allow.includes('POST')) res.setHeader('Accept-Post', FEATURE_MEDIA_TYPES.join(', '));
    if (allow.includes('PATCH')) res.setHeader('Accept-Patch', PATCH_MEDIA_TYPES.join(', '));
  }
}
