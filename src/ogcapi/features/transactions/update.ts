/**
 * UPDATE (Part 4 §7, PATCH /collections/{collectionId}/items/{featureId}): a JSON Merge Patch (RFC 7396) of the
 * feature's GeoJSON. Under "properties" each member given sets that property (null: NULL) and the others stay;
 * "properties": null clears every property this request may see. "geometry" replaces the geometry (null: none); it
 * must be a whole GeoJSON geometry, in the CRS of Content-Crs, since merging coordinate arrays means nothing.
 * The id cannot change ("id" or the id field: 400, as Part 4 requires). 204 No Content; 404 when there is no such
 * feature or access control hides it. Also taken as application/geo+json or application/json.
 */
import { InvalidParameterError } from '../../../errors/ogc-error.js';
import type { ApiContext } from '../../context.js';
import { checkParameterNames } from '../items-query.js';
import type { OperationDescription } from '../openapi.js';
import { jsonBody, PATCH_MEDIA_TYPES } from './body.js';
import { CONTENT_CRS_PARAMETER, EditHandler, IF_MATCH_PARAMETER, ITEM_PATH, noContent, sameId } from './edit-handler.js';
import { contentCrs, inputGeometry, jsonObject } from './geojson-input.js';
import { checkIdField } from './replace.js';

/** The OpenAPI schema of a merge patch of a feature. */
const PATCH_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    geometry: { type: 'object', nullable: true, required: ['type'] },
    properties: { type: 'object', nullable: true },
  },
};

/** PATCH /collections/{collectionId}/items/{featureId} : updates some properties and/or the geometry of a feature. */
export class UpdateFeatureHandler extends EditHandler {
  path(): RegExp {
    return ITEM_PATH;
  }
  operationId(): string {
    return 'updateFeature';
  }
  summary(): string {
    return 'Updates a feature (JSON Merge Patch)';
  }
  override description(): string {
    return 'Changes the properties given under "properties" (null: empty) and the geometry when "geometry" is given, '
      + 'leaving the rest of the feature as it is (RFC 7396 JSON Merge Patch of the GeoJSON Feature).';
  }
  override methods(): string[] {
    return ['PATCH'];
  }

  openApiOperation(): OperationDescription {
    return {
      parameters: [CONTENT_CRS_PARAMETER, IF_MATCH_PARAMETER],
      requestBody: {
        required: true, description: 'A JSON Merge Patch of the GeoJSON Feature',
        content: Object.fromEntries(PATCH_MEDIA_TYPES.map((t) => [t, { schema: PATCH_SCHEMA }])),
      },
      responses: noContent('Updated'),
      errors: ['403', '405', '412', '413', '415'],
    };
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = this.editableCollection(context, r, 'update');
    checkParameterNames(context, new Set());
    const id = this.featureId(context, layer);
    const patch = jsonObject(jsonBody(context, PATCH_MEDIA_TYPES, 'Accept-Patch'));
    if (!patch) throw new InvalidParameterError('body', 'A merge patch of a feature is a JSON object (RFC 7396)');
    const crs = await contentCrs(context, r.project, layer);
    if (patch['type'] !== undefined && patch['type'] !== 'Feature') throw new InvalidParameterError('type', 'A feature stays a "Feature"');
    if (patch['id'] !== undefined && !sameId(patch['id'], id)) throw new InvalidParameterError('id', `The id of a feature cannot change (${id.slice(0, 100)})`);
    if (patch['place'] !== undefined && patch['place'] !== null) throw new InvalidParameterError('place', 'JSON-FG "place" is not supported: patch "geometry"');
    const attributes = patchedProperties(patch['properties'], r.access.fields(layer).map((f) => f.name).filter((n) => n !== layer.idField));
    checkIdField(layer, attributes, id);
    const g = patch['geometry'];
    if (g !== undefined && g !== null && jsonObject(g)?.['type'] === undefined) {
      throw new InvalidParameterError('geometry', 'A patched geometry is given whole (a GeoJSON geometry with its "type"): it replaces the feature\'s');
    }
    const geometry = inputGeometry(g, crs);
    await this.editFeature(context, r, layer, id, {
      type: 'update', layer, where: { ids: [id] }, attributes,
      ...(geometry !== undefined ? { geometry: { value: geometry, crs: crs.id } } : {}),
    });
    context.response().setStatusCode(204);
  }
}

/** The attributes a patch's "properties" sets: its members (absent: none; null: every field of `clearable`). */
function patchedProperties(value: unknown, clearable: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null) return Object.fromEntries(clearable.map((name) => [name, null]));
  const props = jsonObject(value);
  if (!props) throw new InvalidParameterError('properties', 'The "properties" of a merge patch must be an object or null');
  return { ...props };
}
