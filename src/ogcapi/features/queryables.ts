/**
 * Queryables (Part 3 §6): the properties a request may filter on, as a JSON Schema (draft 2020-12,
 * application/schema+json). They are the published fields access control lets this request see (binary ones
 * left out: nothing can be compared with them) and the geometry, described as a GeoJSON geometry.
 */
import type { FieldDef, VectorLayerDef } from '../../project/model.js';
import type { LayerAccess } from '../../data/index.js';
import { ContentType, type ContentTypeValue } from '../../server/content-negotiation.js';
import type { ApiContext } from '../context.js';
import { collectionPath, SCHEMA_JSON } from './collections.js';
import { FeaturesHandler } from './features-handler.js';

/** The name of the geometry queryable (CQL2 spatial predicates name it). */
export const GEOMETRY_QUERYABLE = 'geometry';

/** The fields a request may filter and sort on: visible and not binary, in published order. */
export function queryableFields(access: LayerAccess, layer: VectorLayerDef): FieldDef[] {
  return access.fields(layer).filter((f) => f.type.toLowerCase() !== 'binary');
}

/** Queryable name -> field type, lower-case ('integer', 'real', 'string', 'date', 'datetime' ...), for the CQL2 parser. */
export function queryableTypes(fields: readonly FieldDef[]): ReadonlyMap<string, string> {
  return new Map(fields.map((f) => [f.name, f.type.toLowerCase()]));
}

/** The JSON Schema of a field. */
export function fieldSchema(f: FieldDef): Record<string, unknown> {
  const title = f.alias && f.alias !== f.name ? { title: f.alias } : {};
  switch (f.type.toLowerCase()) {
    case 'integer':
    case 'integer64':
      return { ...title, type: 'integer' };
    case 'real':
      return { ...title, type: 'number' };
    case 'boolean':
      return { ...title, type: 'boolean' };
    case 'date':
      return { ...title, type: 'string', format: 'date' };
    case 'datetime':
      return { ...title, type: 'string', format: 'date-time' };
    default:
      return { ...title, type: 'string' };
  }
}

/** The geometry queryable: format geometry-<type> and the GeoJSON schema of that type. */
function geometrySchema(layer: VectorLayerDef): Record<string, unknown> {
  const type = layer.geometryType === 'Geometry' ? 'Geometry' : layer.geometryType;
  return {
    title: 'Geometry',
    format: type === 'Geometry' ? 'geometry-any' : `geometry-${type.toLowerCase()}`,
    $ref: `https://geojson.org/schema/${type}.json`,
  };
}

/** GET /collections/{collectionId}/queryables : the JSON Schema of the queryable properties. */
export class QueryablesHandler extends FeaturesHandler {
  path(): RegExp {
    return /^\/collections\/(?<collectionId>[^/]+)\/queryables(?:\.(?:json|html))?$/;
  }
  operationId(): string {
    return 'getQueryables';
  }
  summary(): string {
    return 'The queryable properties of a collection';
  }
  override mediaType(type: ContentTypeValue): string {
    return type === ContentType.JSON ? SCHEMA_JSON : type;
  }
  handleRequest(context: ApiContext): void {
    const r = this.features(context);
    const layer = r.collection(this.match(context)['collectionId'] ?? '');
    const path = `${collectionPath(layer)}/queryables`;
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const properties: Record<string, unknown> = { [GEOMETRY_QUERYABLE]: geometrySchema(layer) };
    for (const f of queryableFields(r.access, layer)) properties[f.name] = fieldSchema(f);
    const title = layer.title || layer.name;
    const doc = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: r.href(path),
      type: 'object',
      title,
      description: `The properties of '${title}' that filters (filter, property=value) and sortby may name`,
      properties,
      additionalProperties: false,
      links: r.selfLinks(path, [{ type: ContentType.JSON, media: SCHEMA_JSON }, { type: ContentType.HTML }], type, `Queryables of ${title}`),
    };
    this.writeDocument(context, r, 'queryables', `Queryables of ${title}`, doc);
  }
}
