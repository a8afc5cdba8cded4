/**
 * CREATE (Part 4 §6, POST /collections/{collectionId}/items): a GeoJSON Feature, or a FeatureCollection whose
 * features are all inserted or none, in the CRS of Content-Crs (CRS84 without it). The answer is 201 Created with
 * Location: the new feature's URL (MAP kept); for a FeatureCollection Location names the first feature and the
 * body lists every new id with its URL. A feature's "id" gives the id field's value where the layer has one
 * (an id already taken, or given twice, is 409), and is ignored where the id is the data source's FID, which the
 * source assigns.
 */
import type { NewFeature } from '../../../data/index.js';
import { InvalidParameterError, OgcError } from '../../../errors/ogc-error.js';
import type { FieldDef, VectorLayerDef } from '../../../project/model.js';
import type { ApiContext } from '../../context.js';
import type { FeaturesRequest } from '../features-request.js';
import { checkParameterNames } from '../items-query.js';
import { FEATURE_MEDIA_TYPES, jsonBody } from './body.js';
import {
  CONTENT_CRS_PARAMETER, EditHandler, FEATURE_COLLECTION_SCHEMA, FEATURE_SCHEMA, itemHref, ITEMS_PATH,
} from './edit-handler.js';
import { bodyFeatures, contentCrs, jsonObject, type FeatureInput } from './geojson-input.js';
import type { OperationDescription } from '../openapi.js';

/** POST /collections/{collectionId}/items : adds features. */
export class CreateFeatureHandler extends EditHandler {
  path(): RegExp {
    return ITEMS_PATH;
  }
  operationId(): string {
    return 'createFeature';
  }
  summary(): string {
    return 'Adds a feature (or the features of a FeatureCollection, all or none) to a collection';
  }
  override description(): string {
    return 'Adds a GeoJSON Feature, or every feature of a FeatureCollection in one transaction, to an editable collection. '
      + 'Geometries are in the CRS of the Content-Crs header (default CRS84). Answers 201 with Location: the URL of the '
      + '(first) new feature; for a FeatureCollection the body lists the ids and URLs of all of them.';
  }
  override methods(): string[] {
    return ['POST'];
  }

  openApiOperation(): OperationDescription {
    const schema = { oneOf: [FEATURE_SCHEMA, FEATURE_COLLECTION_SCHEMA] };
    return {
      parameters: [CONTENT_CRS_PARAMETER],
      requestBody: {
        required: true, description: 'A GeoJSON Feature or FeatureCollection',
        content: { 'application/geo+json': { schema }, 'application/json': { schema } },
      },
      responses: {
        201: {
          description: 'Created: Location is the URL of the (first) new feature; for a FeatureCollection the body lists them all',
          headers: { Location: { description: 'The URL of the (first) new feature', schema: { type: 'string', format: 'uri' } } },
          content: { 'application/json': { schema: CREATED_SCHEMA } },
        },
      },
      errors: ['403', '405', '409', '413', '415'],
    };
  }

  async handleRequest(context: ApiContext): Promise<void> {
    const r = this.features(context);
    const layer = this.editableCollection(context, r, 'insert');
    checkParameterNames(context, new Set());
    const doc = jsonBody(context, FEATURE_MEDIA_TYPES, 'Accept-Post');
    const crs = await contentCrs(context, r.project, layer);
    const inputs = bodyFeatures(doc, crs);
    const visible = r.access.fields(layer);
    const features = inputs.map((f): NewFeature => ({ attributes: attributesOf(layer, visible, f), geometry: f.geometry ?? null, crs: crs.id }));
    await checkNewIds(r, layer, features);
    const result = await r.access.transaction([{ type: 'insert', layer, features }], { signal: context.response().signal });
    const ids = result.inserted.flatMap((i) => i.ids);
    const res = context.response();
    res.setStatusCode(201);
    res.setHeader('Location', itemHref(r, layer, ids[0]!));
    if (jsonObject(doc)?.['type'] === 'FeatureCollection') {
      res.setHeader('Content-Type', 'application/json');
      res.write(JSON.stringify({
        ids,
        links: ids.map((id) => ({ href: itemHref(r, layer, id), rel: 'item', type: 'application/geo+json', title: `Feature ${id}` })),
      }));
    }
  }
}

/** The body of a 201 for a FeatureCollection. */
const CREATED_SCHEMA = {
  type: 'object',
  properties: {
    ids: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
    links: { type: 'array', items: { type: 'object', properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' } } } },
  },
};

/**
 * The attributes of a new feature: its properties, and its "id" as the id field's value where the layer has a
 * visible one (both given and different is 400). Where the id is the FID, the "id" is the source's to give.
 */
function attributesOf(layer: VectorLayerDef, visible: readonly FieldDef[], f: FeatureInput): Record<string, unknown> {
  const attributes = { ...(f.properties ?? {}) };
  const idField = layer.idField;
  if (idField === undefined || f.id === undefined || !visible.some((v) => v.name === idField)) return attributes;
  const given = attributes[idField];
  if (given === undefined || given === null) attributes[idField] = f.id;
  else if (String(given) !== String(f.id)) {
    throw new InvalidParameterError('id', `The feature's "id" (${String(f.id).slice(0, 100)}) and its "${idField}" (${String(given).slice(0, 100)}) differ; they are the same here`);
  }
  return attributes;
}

/**
 * Refuses ids that are taken (a feature this request can read has it) or given twice in the body: 409. The data
 * sources have no unique constraint the server could rely on; a feature access control hides is not seen here.
 */
async function checkNewIds(r: FeaturesRequest, layer: VectorLayerDef, features: readonly NewFeature[]): Promise<void> {
  const idField = layer.idField;
  if (idField === undefined) return;
  const ids = features.map((f) => f.attributes[idField]).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(String(id))) throw conflict(`The id '${String(id).slice(0, 100)}' is given to more than one feature of the body`);
    seen.add(String(id));
  }
  if (ids.length === 0) return;
  for await (const existing of r.access.readFeatures(layer, { ids, fields: [], withGeometry: false, limit: 1 })) {
    throw conflict(`The collection '${layer.name}' has a feature '${String(existing.id).slice(0, 100)}' already`);
  }
}

function conflict(message: string): OgcError {
  return new OgcError('Conflict', message, { status: 409, locator: 'id' });
}
