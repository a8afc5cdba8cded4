/**
 * Handlers the HTML pages need, registered by the Features API next to its own: the static assets
 * (OpenLayers from npm, the page script and style) and the map preview of a project.
 */
import { ContentType, type ContentTypeValue } from '../../../server/content-negotiation.js';
import { NotFoundError } from '../../../errors/ogc-error.js';
import type { ApiContext } from '../../context.js';
import { OgcApiHandler } from '../../handler.js';
import { asset, ASSET_NAMES, etagMatches } from './assets.js';
import { MapPreviewHandler } from './map-preview.js';

export { MAP_PREVIEW_OPERATION } from './map-preview.js';

/**
 * GET /assets/{file}: one of the known files, with its ETag (If-None-Match gives 304) and Cache-Control: a
 * request with the current version (?v=, as the pages link it) may be cached for a year, others for an hour.
 */
export class AssetsHandler extends OgcApiHandler {
  path(): RegExp {
    return /^\/assets\/(?<file>[^/]+)$/;
  }
  operationId(): string {
    return 'getAsset';
  }
  /** Static files are not an operation of the API: the OpenAPI document leaves them out. */
  override documented(): boolean {
    return false;
  }
  summary(): string {
    return `Static files of the HTML pages (${ASSET_NAMES.join(', ')})`;
  }
  override pathParameter(name: string, context: ApiContext): { description: string; schema: Record<string, unknown> } {
    if (name === 'file') return { description: 'The name of a static file of the HTML pages', schema: { type: 'string', enum: [...ASSET_NAMES] } };
    return super.pathParameter(name, context);
  }
  /** A static file has one type whatever the request accepts (a browser asks for a style sheet or a script in its own words). */
  override contentTypeFromRequest(_context: ApiContext): ContentTypeValue {
    return ContentType.JSON;
  }

  handleRequest(ctx: ApiContext): void {
    const name = this.match(ctx)['file'] ?? '';
    const file = asset(name);
    if (!file) throw new NotFoundError(`No asset '${name}'; the assets are ${ASSET_NAMES.join(', ')}`);
    const res = ctx.response();
    const current = ctx.request().url().searchParams.get('v') === file.version;
    res.setHeader('ETag', file.etag);
    res.setHeader('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    if (etagMatches(ctx.request().header('if-none-match'), file.etag)) {
      res.setStatusCode(304);
      return;
    }
    res.setHeader('Content-Type', file.type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.write(file.body);
  }
}

/** The handlers to register on the Features API (paths relative to its root: /assets/{file}, /map). */
export function htmlHandlers(): OgcApiHandler[] {
  return [new AssetsHandler(), new MapPreviewHandler()];
}
