/**
 * Base of the Part 4 handlers: which methods a collection's items and a feature take (the project's `editable`
 * decides; access control narrows it to 403s, and to what OPTIONS answers), the feature a PUT / PATCH / DELETE
 * names (404 when it does not exist or access control hides it: the same answer), If-Match, and the pieces of
 * their OpenAPI operations. Every write goes through LayerAccess.transaction: all or nothing, access control's
 * permissions, allowToEdit per feature, hidden features and fields out of reach.
 */
import type { EditAction, EditResult } from '../../../data/index.js';
import { NotFoundError, OgcError } from '../../../errors/ogc-error.js';
import type { LayerEdits, VectorLayerDef } from '../../../project/model.js';
import { ContentType } from '../../../server/content-negotiation.js';
import type { ApiContext } from '../../context.js';
import { collectionPath } from '../collections.js';
import { FeaturesHandler } from '../features-handler.js';
import { decodeSegment, type FeaturesRequest } from '../features-request.js';
import type { DescribedHandler, OperationDescription } from '../openapi.js';

/** The items path of a collection, as the write handlers take it (no format extension). */
export const ITEMS_PATH = /^\/collections\/(?<collectionId>[^/]+)\/items$/;
/** The path of one feature, as the write handlers take it. */
export const ITEM_PATH = /^\/collections\/(?<collectionId>[^/]+)\/items\/(?<featureId>[^/]+)$/;

/** The methods a collection's items resource takes under these edits. */
export function itemsMethods(edits: LayerEdits): string[] {
  return ['GET', 'HEAD', ...(edits.insert ? ['POST'] : []), 'OPTIONS'];
}

/** The methods a feature resource takes under these edits. */
export function itemMethods(edits: LayerEdits): string[] {
  return ['GET', 'HEAD', ...(edits.update ? ['PUT', 'PATCH'] : []), ...(edits.delete ? ['DELETE'] : []), 'OPTIONS'];
}

/** The absolute URL of a feature (MAP kept). */
export function itemHref(r: FeaturesRequest, layer: VectorLayerDef, id: string | number): string {
  return r.href(`${collectionPath(layer)}/items/${encodeURIComponent(String(id))}`);
}

/** Whether a value given for the id (body "id", the id field's property) names the feature of the path. */
export function sameId(value: unknown, featureId: string): boolean {
  return (typeof value === 'string' || typeof value === 'number') && String(value) === featureId;
}

/** A handler of an edit: JSON error answers, and its OpenAPI operation said by the subclass. */
export abstract class EditHandler extends FeaturesHandler implements DescribedHandler {
  constructor(...args: ConstructorParameters<typeof FeaturesHandler>) {
    super(...args);
    // Nothing but errors is written in these (JSON); a client asking for GeoJSON must not get a 406.
    this.setContentTypes([ContentType.JSON, ContentType.GEOJSON]);
  }

  abstract openApiOperation(method: string, context: ApiContext): OperationDescription;

  /**
   * The collection of the path when the project lets it take this edit; 405 with the methods it takes otherwise.
   * (A collection this request may not read is a 404 first.)
   */
  protected editableCollection(context: ApiContext, r: FeaturesRequest, op: keyof LayerEdits): VectorLayerDef {
    const layer = r.collection(this.match(context)['collectionId'] ?? '');
    if (!layer.editable[op]) {
      const allow = (op === 'insert' ? itemsMethods(layer.editable) : itemMethods(layer.editable)).join(', ');
      const method = context.request().method();
      throw new OgcError('MethodNotAllowed', `${method} is not allowed: the project does not make the collection '${layer.name}' editable for ${op}; allowed: ${allow}`, { headers: { Allow: allow } });
    }
    return layer;
  }

  /** The id of the feature of the path (decoded); 404 for one that cannot be decoded. */
  protected featureId(context: ApiContext, layer: VectorLayerDef): string {
    const written = this.match(context)['featureId'] ?? '';
    const id = decodeSegment(written);
    if (id === null) throw notFound(layer, written);
    return id;
  }

  /**
   * Runs one edit of the feature of the path: 404 when it touched nothing (no such feature, or one access control
   * hides); under If-Match (only "*" can hold: this server gives no entity tags) 412 instead, as RFC 9110 says.
   */
  protected async editFeature(context: ApiContext, r: FeaturesRequest, layer: VectorLayerDef, id: string, action: EditAction): Promise<EditResult> {
    const ifMatch = checkIfMatch(context);
    const result = await r.access.transaction([action], { signal: context.response().signal });
    if (result.updated + result.deleted === 0) {
      if (ifMatch) throw preconditionFailed(`There is no feature '${id.slice(0, 100)}' in the collection '${layer.name}' for If-Match: *`);
      throw notFound(layer, id);
    }
    return result;
  }
}

/** The 404 of a feature that does not exist (or that access control hides). */
export function notFound(layer: VectorLayerDef, id: string): NotFoundError {
  return new NotFoundError(`The collection '${layer.name}' has no feature '${id.slice(0, 100)}'`, 'featureId');
}

/** Whether the request has If-Match: * (true), none (false); 412 for any entity tag, as none is ever current here. */
function checkIfMatch(context: ApiContext): boolean {
  const value = context.request().header('if-match')?.trim();
  if (value === undefined) return false;
  if (value === '*') return true;
  throw preconditionFailed('If-Match names an entity tag, but this server gives none (optimistic locking is not implemented): no tag can match');
}

function preconditionFailed(message: string): OgcError {
  return new OgcError('PreconditionFailed', message, { status: 412, locator: 'If-Match' });
}

/** OpenAPI schema of a GeoJSON geometry (null: none). */
const GEOMETRY_SCHEMA = {
  type: 'object', nullable: true, required: ['type'],
  properties: { type: { type: 'string', enum: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'] } },
};
/** OpenAPI schema of a GeoJSON Feature in a body. */
export const FEATURE_SCHEMA = {
  type: 'object', required: ['type'],
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    id: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    geometry: GEOMETRY_SCHEMA,
    properties: { type: 'object', nullable: true },
  },
};
/** OpenAPI schema of a GeoJSON FeatureCollection in a body. */
export const FEATURE_COLLECTION_SCHEMA = {
  type: 'object', required: ['type', 'features'],
  properties: { type: { type: 'string', enum: ['FeatureCollection'] }, features: { type: 'array', minItems: 1, items: FEATURE_SCHEMA } },
};

/** The Content-Crs request header (Part 2 and Part 4 "Features"). */
export const CONTENT_CRS_PARAMETER = {
  name: 'Content-Crs', in: 'header', required: false,
  description: 'The CRS of the geometries of the body, as <uri>: one of the collection\'s crs (default CRS84, longitude first)',
  schema: { type: 'string' },
};
/** The If-Match request header. */
export const IF_MATCH_PARAMETER = {
  name: 'If-Match', in: 'header', required: false,
  description: 'Only "*" (the feature exists): this server gives no entity tags, so any tag fails with 412',
  schema: { type: 'string' },
};

/** A response without content. */
export function noContent(description: string): Record<string, unknown> {
  return { 204: { description } };
}
