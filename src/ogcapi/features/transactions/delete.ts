/**
 * DELETE (Part 4 §6, DELETE /collections/{collectionId}/items/{featureId}): removes the feature. 204 No Content;
 * 404 when there is no such feature or access control hides it (Part 4 lets a server choose 404 there).
 */
import type { ApiContext } from '../../context.js';
import { checkParameterNames } from '../items-query.js';
import type { OperationDescription } from '../openapi.js';
import { EditHandler, IF_MATCH_PARAMETER, ITEM_PATH, noContent } from './edit-handler.js';

/** DELETE /collections/{collectionId}/items/{featureId} : removes a feature. */
export class DeleteFeatureHandler extends EditHandler {
  path(): RegExp {
    return ITEM_PATH;
  }
  operationId(): string {
    return 'deleteFeature';
  }
  summary(): string {
    return 'Removes a feature';
  }
  override methods(): string[] {
    return ['DELETE'];
  }

  openApiOperation(): OperationDescription {
    return { parameters: [IF_MATCH_PARAMETER], responses: noContent('Removed'), errors: ['403', '405', '412'] };
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = this.editableCollection(context, r, 'delete');
    checkParameterNames(context, new Set());
    const id = this.featureId(context, layer);
    await this.editFeature(context, r, layer, id, { type: 'delete', layer, where: { ids: [id] } });
    context.response().setStatusCode(204);
  }
}
