/**
 * The items path of each collection in the API definition, with one query parameter per queryable (Part 1,
 * /rec/core/fc-filters: "field=value" filters are parameters of the collection's items operation). Clients that
 * look for them there — GDAL's OAPIF driver sends `-where name = 'x'` as `name=x` only when the items operation of
 * that collection lists `name` — then filter on the server instead of downloading the whole layer. Built for the
 * request, so access control decides which collections and fields are listed (as pygeoapi and QGIS Server do).
 */
import type { VectorLayerDef } from '../../project/model.js';
import type { LayerAccess } from '../../data/index.js';
import { fieldSchema, queryableFields } from './queryables.js';
import { temporalFieldName } from './layer-options.js';

const ITEMS = '/collections/{collectionId}/items';

interface Operation {
  operationId?: string;
  parameters?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * Adds `/collections/<id>/items` (GET) for each collection: the generic items operation without its collectionId
 * parameter, plus the collection's queryables. Does nothing when the document has no generic items GET.
 */
export function addCollectionItemsPaths(paths: Record<string, Record<string, unknown>>, collections: readonly VectorLayerDef[], access: LayerAccess): void {
  const generic = paths[ITEMS]?.['get'] as Operation | undefined;
  if (!generic) return;
  const shared = (generic.parameters ?? []).filter((p) => p['name'] !== 'collectionId');
  const sharedNames = new Set(shared.map((p) => p['name']));
  for (const layer of collections) {
    // The temporal field is filtered with datetime (listing it too makes GDAL 3.6 filter it on the client).
    const temporal = temporalFieldName(layer);
    const queryables = queryableFields(access, layer)
      .filter((f) => !sharedNames.has(f.name) && f.name !== temporal)
      .map((f) => ({
        name: f.name, in: 'query', required: false, style: 'form', explode: false,
        description: `Features whose ${f.name} equals the value`, schema: fieldSchema(f),
      }));
    const path = `/collections/${encodeURIComponent(layer.name)}/items`;
    if (paths[path]) continue;
    paths[path] = {
      get: {
        ...generic,
        operationId: `${generic.operationId ?? 'getFeatures'}.${layer.name}`,
        summary: `The features of ${layer.title || layer.name}`,
        parameters: [...shared, ...queryables],
      },
    };
  }
}
