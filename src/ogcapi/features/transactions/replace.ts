/**
 * REPLACE (Part 4 §6, PUT /collections/{collectionId}/items/{featureId}): the feature becomes the GeoJSON Feature
 * of the body. Every property this request may see that the body leaves out becomes NULL, and so does the geometry
 * when the body has none; fields access control hides keep their values (the client cannot see them), and so does
 * the id field. An "id" (or id field value) other than the path's is 400: PUT does not move or create a feature.
 * 204 No Content; 404 when there is no such feature or access control hides it.
 */
import { InvalidParameterError } from '../../../errors/ogc-error.js';
import type { VectorLayerDef } from '../../../project/model.js';
import type { ApiContext } from '../../context.js';
import { checkParameterNames } from '../items-query.js';
import type { OperationDescription } from '../openapi.js';
import { FEATURE_MEDIA_TYPES, jsonBody } from './body.js';
import { CONTENT_CRS_PARAMETER, EditHandler, FEATURE_SCHEMA, IF_MATCH_PARAMETER, ITEM_PATH, noContent, sameId } from './edit-handler.js';
import { bodyFeature, contentCrs } from './geojson-input.js';

/** PUT /collections/{collectionId}/items/{featureId} : replaces a feature. */
export class ReplaceFeatureHandler extends EditHandler {
  path(): RegExp {
    return ITEM_PATH;
  }
  operationId(): string {
    return 'replaceFeature';
  }
  summary(): string {
    return 'Replaces a feature';
  }
  override description(): string {
    return 'Replaces a feature of an editable collection with the GeoJSON Feature of the body: properties left out and a '
      + 'missing geometry become null. Geometries are in the CRS of the Content-Crs header (default CRS84).';
  }
  override methods(): string[] {
    return ['PUT'];
  }

  openApiOperation(): OperationDescription {
    return {
      parameters: [CONTENT_CRS_PARAMETER, IF_MATCH_PARAMETER],
      requestBody: {
        required: true, description: 'The GeoJSON Feature that replaces the feature',
        content: { 'application/geo+json': { schema: FEATURE_SCHEMA }, 'application/json': { schema: FEATURE_SCHEMA } },
      },
      responses: noContent('Replaced'),
      errors: ['403', '405', '412', '413', '415'],
    };
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = this.editableCollection(context, r, 'update');
    checkParameterNames(context, new Set());
    const id = this.featureId(context, layer);
    const doc = jsonBody(context, FEATURE_MEDIA_TYPES);
    const crs = await contentCrs(context, r.project, layer);
    const feature = bodyFeature(doc, crs);
    if (feature.id !== undefined && !sameId(feature.id, id)) {
      throw new InvalidParameterError('id', `The body's "id" (${String(feature.id).slice(0, 100)}) is not the feature's (${id.slice(0, 100)}): PUT replaces the feature of its URL`);
    }
    const cleared = Object.fromEntries(r.access.fields(layer).filter((f) => f.name !== layer.idField).map((f) => [f.name, null]));
    const attributes: Record<string, unknown> = { ...cleared, ...(feature.properties ?? {}) };
    checkIdField(layer, attributes, id);
    await this.editFeature(context, r, layer, id, {
      type: 'update', layer, where: { ids: [id] }, attributes, geometry: { value: feature.geometry ?? null, crs: crs.id },
    });
    context.response().setStatusCode(204);
  }
}

/** Refuses a value of the id field other than the feature's own (it would move the feature to another URL). */
export function checkIdField(layer: VectorLayerDef, attributes: Record<string, unknown>, id: string): void {
  const idField = layer.idField;
  if (idField === undefined || !(idField in attributes) || sameId(attributes[idField], id)) return;
  throw new InvalidParameterError(idField, `The id field '${idField}' cannot change (${id.slice(0, 100)}): it is the feature's id`);
}
