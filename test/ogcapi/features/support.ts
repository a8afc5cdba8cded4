import path from 'node:path';
import { ROOT, testServer, call } from '../../support/server.js';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import type { Settings } from '../../../src/server/settings.js';
import { ProjectCache, projectLoaderFrom } from '../../../src/project/cache.js';
import { loadProject } from '../../../src/project/loader.js';
import type { ProjectModel } from '../../../src/project/model.js';

/** The OGC API test project (countries, cities, events with dates, secret; cities_map is WMS/WFS only). */
export const PROJECT = path.join(ROOT, 'test/fixtures/ogcapi/project.yaml');
/** Where OWS_PROJECTS_DIR points: MAP=ogcapi/project.yaml names the same project. */
export const PROJECTS_DIR = path.join(ROOT, 'test/fixtures');

/**
 * The project as a test serves it: another temporal field for `events` than the project file's (day) and a
 * service-wide `maxFeatures`, when the test asks.
 */
export function withExtras(maxFeatures?: number, temporal?: string) {
  return (project: ProjectModel): ProjectModel => {
    const events = project.layers.get('events');
    if (events && temporal !== undefined) Object.assign(events, { temporal: { field: temporal } });
    if (maxFeatures !== undefined) Object.assign(project.service, { maxFeatures });
    return project;
  };
}

/** A server with the core services and APIs over the OGC API test project; optional access-control filters. */
export function apiServer(filters: AccessControlFilterLike[] = [], settings: Partial<Settings> = {}, options: { maxFeatures?: number; temporal?: string } = {}) {
  const extras = withExtras(options.maxFeatures, options.temporal);
  const projects = new ProjectCache({ load: async (file) => extras(await loadProject(file)) });
  const s = testServer({ projectFile: PROJECT, projectsDir: PROJECTS_DIR, dataSnapshot: 'wait', ...settings }, { coreServices: true, projectLoader: projectLoaderFrom(projects) });
  for (const f of filters) s.iface.registerAccessControl(f, 10);
  return s;
}

/** A GET of an API path ("/ogcapi/collections"); JSON bodies parsed into `json` (null otherwise). */
export async function get(s: ReturnType<typeof apiServer>, url: string, headers: Record<string, string> = {}, method = 'GET') {
  const r = await call(s.server, url, method, headers);
  let json: any = null;
  if (/json/.test(r.headers['Content-Type'] ?? '')) json = JSON.parse(r.body);
  return { ...r, json };
}

/** Hides `secret`, the gdp_md field of countries, the day field of events, Brazil, and every city under 1 million inhabitants. */
export const RESTRICTIVE: AccessControlFilterLike = {
  layerPermissions: (layer) => ({ canRead: layer.name() !== 'secret', canInsert: false, canUpdate: false, canDelete: false }),
  authorizedLayerAttributes: (layer, attrs) => (layer.name() === 'countries' ? attrs.filter((a) => a !== 'gdp_md') : layer.name() === 'events' ? attrs.filter((a) => a !== 'day') : attrs),
  layerFilterExpression: (layer) => (layer.name() === 'cities' ? '"population" >= 1000000' : null),
  layerFilterSubsetString: (layer) => (layer.name() === 'countries' ? "name <> 'Brazil'" : null),
  cacheKey: () => 'restrictive',
};
