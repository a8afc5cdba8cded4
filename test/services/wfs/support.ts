import path from 'node:path';
import { create } from 'xmlbuilder2';
import { ROOT, testServer, call } from '../../support/server.js';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import type { Settings } from '../../../src/server/settings.js';

/** The committed test project (countries, cities, secret; relief is a raster and not a WFS type). */
export const PROJECT = path.join(ROOT, 'test/fixtures/projects/project.yaml');

/** A server with the core services (WMS, WFS) serving a project (default: the test project); optional access-control filters. */
export function wfsServer(filters: AccessControlFilterLike[] = [], settings: Partial<Settings> = {}) {
  const projectFile = settings.projectFile ?? PROJECT;
  const s = testServer({ projectFile, projectsDir: path.dirname(projectFile), dataSnapshot: 'wait', ...settings }, { coreServices: true });
  for (const f of filters) s.iface.registerAccessControl(f, 10);
  return s;
}

/** One WFS KVP request: `wfs(server, 'REQUEST=GetFeature&TYPENAMES=countries')` (SERVICE=WFS added). */
export function wfs(s: ReturnType<typeof wfsServer>, query: string) {
  return call(s.server, `/ows?SERVICE=WFS&${query}`);
}

/** One WFS XML POST to the bare endpoint (the root element names service and version). */
export function wfsPost(s: ReturnType<typeof wfsServer>, xml: string, url = '/ows') {
  return call(s.server, url, 'POST', { 'content-type': 'text/xml' }, xml);
}

/** A parsed XML document as xmlbuilder2's object form. */
export function xmlObject(body: string): Record<string, any> {
  return create(body).end({ format: 'object' }) as Record<string, any>;
}

/** Hides `secret`, the gdp_md field of countries, and every city under 1 million inhabitants. */
export const RESTRICTIVE: AccessControlFilterLike = {
  layerPermissions: (layer) => ({ canRead: layer.name() !== 'secret', canInsert: false, canUpdate: false, canDelete: false }),
  authorizedLayerAttributes: (layer, attrs) => (layer.name() === 'countries' ? attrs.filter((a) => a !== 'gdp_md') : attrs),
  layerFilterExpression: (layer) => (layer.name() === 'cities' ? '"population" >= 1000000' : null),
  layerFilterSubsetString: (layer) => (layer.name() === 'countries' ? "name <> 'Brazil'" : null),
  cacheKey: () => 'restrictive',
};
