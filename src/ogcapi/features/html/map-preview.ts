/**
 * The map preview of a project (GET {api}/map, HTML only): an OpenLayers map of the project's WMS as this
 * server publishes it. The page script reads the WMS capabilities of the same OWS URL (MAP kept), so the
 * layers and the extent are exactly those the request may see (access control applies), and draws them with
 * ol.source.ImageWMS in EPSG:3857 (a CRS every project serves: GetMap takes any CRS that PROJ knows).
 * The OWS URL is the API root's public URL (the Features API's own rule) without the API's root path.
 */
import { ContentType } from '../../../server/content-negotiation.js';
import { MissingParameterError, NotFoundError } from '../../../errors/ogc-error.js';
import type { ApiContext } from '../../context.js';
import { OgcApiHandler } from '../../handler.js';
import { isProjectModel } from '../../../project/loader.js';
import { apiRootUrl } from '../features-request.js';
import { PageLinks } from './links.js';
import { dataBlock, linkHtml, mapElement, pageShell } from './parts.js';

/** The operationId of the map preview (the server landing page links projects to it where an API serves it). */
export const MAP_PREVIEW_OPERATION = 'getMapPreview';

/** GET /map: the WMS map preview of the request's project. */
export class MapPreviewHandler extends OgcApiHandler {
  constructor() {
    super();
    this.setContentTypes([ContentType.HTML]);
  }
  path(): RegExp {
    return /^\/map(?:\.html)?$/;
  }
  operationId(): string {
    return MAP_PREVIEW_OPERATION;
  }
  summary(): string {
    return 'Map preview of the project (its WMS layers)';
  }

  handleRequest(ctx: ApiContext): void {
    const project = ctx.project();
    if (!project) throw new MissingParameterError('MAP', 'The map preview needs a project: give MAP=… (this server has no default project)');
    if (!ctx.serverInterface().serviceRegistry().getService('WMS')) throw new NotFoundError('This server has no WMS to preview');
    const map = ctx.request().parameter('MAP')?.trim();
    const query = map ? `MAP=${encodeURIComponent(map)}` : '';
    const settings = ctx.serverInterface().settings();
    const configured = (isProjectModel(project) ? project.service.onlineResource : undefined) ?? settings.serviceUrl;
    const apiRoot = apiRootUrl(ctx, configured, settings.trustProxy);
    const url = owsUrl(apiRoot, ctx.apiRootPath());
    if (map) url.searchParams.set('MAP', map);
    const capabilities = new URL(url.href);
    for (const [k, v] of Object.entries({ SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetCapabilities' })) capabilities.searchParams.set(k, v);
    const pl = new PageLinks(apiRoot, query);
    const title = `Map preview: ${project.title || map || 'default project'}`;
    const body = [
      '<p>The layers of this project as its WMS draws them (GetMap in EPSG:3857).</p>',
      mapElement('wms', 'wms-data', { 'layer-list': 'layers' }, 'map preview'),
      '<h2>Layers</h2>\n<ul class="layers" id="layers"></ul>',
      dataBlock('wms-data', { url: url.href, capabilities: capabilities.href }),
      '<section>\n<h2>Links</h2>\n<ul class="links">',
      `<li>${linkHtml(capabilities.href, 'WMS capabilities')}</li>`,
      `<li>${linkHtml(pl.page(''), 'OGC API – Features')}</li>`,
      '</ul>\n</section>',
    ].join('\n');
    ctx.response().setHeader('Content-Type', 'text/html; charset=utf-8');
    ctx.response().write(pageShell({ title, crumbs: [{ title: 'Landing page', href: pl.page('') }, { title: 'Map preview' }], links: pl, body, map: true }));
  }
}

/** The OWS endpoint under which an API root sits ("https://h/ows/ogcapi" -> "https://h/ows"; the server root -> "/"). */
function owsUrl(apiRoot: string, rootPath: string): URL {
  const url = new URL(apiRoot);
  const root = rootPath.replace(/\/+$/, '');
  url.pathname = url.pathname.endsWith(root) ? url.pathname.slice(0, url.pathname.length - root.length) || '/' : '/';
  return url;
}
