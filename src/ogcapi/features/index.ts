/**
 * OGC API – Features (Parts 1 Core, 2 CRS by reference, 3 Filtering, 4 Create, Replace, Update and Delete) on the
 * OGC API framework, at /ogcapi: landing page, conformance, API definition, collections, items, one item,
 * queryables, the HTML pages' own resources (html/handlers.ts), and the edits of transactions/ (POST on the items,
 * PUT / PATCH / DELETE on a feature, OPTIONS on both: the API routes one handler per method). The project is the
 * request's (MAP, else OWS_PROJECT_FILE); every read and write goes through the request's LayerAccess, so access
 * control applies everywhere.
 */
import type { DataAccess } from '../../data/index.js';
import type { ServerInterface } from '../../server/server-interface.js';
import { OgcApi } from '../api.js';
import { ApiDefinitionHandler } from './api-definition.js';
import { CollectionHandler, CollectionsHandler } from './collections.js';
import { ConformanceHandler } from './conformance.js';
import { htmlHandlers } from './html/handlers.js';
import { ItemHandler } from './item.js';
import { ItemsHandler } from './items.js';
import { LandingHandler } from './landing.js';
import { QueryablesHandler } from './queryables.js';
import { transactionHandlers } from './transactions/index.js';

/** The root path of the Features API. */
export const FEATURES_ROOT = '/ogcapi';
/** Its name, as the landing page and the logs show it. */
export const FEATURES_NAME = 'OGC API Features';

/** The Features API with its handlers (register it with iface.serviceRegistry().registerApi). */
export function featuresApi(iface: ServerInterface, data: DataAccess): OgcApi {
  const api = new OgcApi(iface, FEATURES_ROOT, FEATURES_NAME, 'OGC API - Features (Parts 1, 2, 3 and 4) of the project\'s vector layers', '1.0.0');
  api.registerHandler(new LandingHandler(data));
  api.registerHandler(new ConformanceHandler(data));
  api.registerHandler(new ApiDefinitionHandler(data, api));
  api.registerHandler(new CollectionsHandler(data));
  api.registerHandler(new CollectionHandler(data));
  api.registerHandler(new QueryablesHandler(data));
  api.registerHandler(new ItemsHandler(data));
  api.registerHandler(new ItemHandler(data));
  for (const handler of transactionHandlers(data)) api.registerHandler(handler);
  for (const handler of htmlHandlers()) api.registerHandler(handler);
  return api;
}
