/**
 * What every OGC API Features handler needs for one request: the project (a loaded project file), the reads
 * with access control applied (LayerAccess), the collections this request may see, and the public URLs of the
 * API's resources with MAP kept, so that every link a client follows reaches the same project.
 */
import type { DataAccess, LayerAccess } from '../../data/index.js';
import { MissingParameterError, NotFoundError, OgcError } from '../../errors/ogc-error.js';
import { isProjectModel } from '../../project/loader.js';
import type { ProjectModel, VectorLayerDef } from '../../project/model.js';
import { ContentType, type ContentTypeValue } from '../../server/content-negotiation.js';
import { serviceUrl } from '../../server/service-url.js';
import type { ApiContext } from '../context.js';

/** A link of an OGC API document. */
export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** The `f` value that asks for a content type. */
export function formatOf(type: string): string {
  return type === ContentType.HTML ? 'html' : 'json';
}

/** The request's view of the API: project, reads, collections and URLs. */
export class FeaturesRequest {
  readonly project: ProjectModel;
  /** The reads of this request, access control applied. */
  readonly access: LayerAccess;
  /** Absolute URL of the API root, without query ("https://example.org/ows/ogcapi"). */
  readonly root: string;
  /** The MAP value of the request, kept in every link (null without one). */
  readonly map: string | null;

  constructor(readonly context: ApiContext, data: DataAccess) {
    const project = context.project();
    if (!project) throw new MissingParameterError('MAP', 'No project: give MAP, or set OWS_PROJECT_FILE on the server');
    if (!isProjectModel(project)) throw new OgcError('NoApplicableCode', 'The project loader gave no layers; OGC API Features needs a project file');
    this.project = project;
    const iface = context.serverInterface();
    this.access = data.forRequest(iface.accessControls());
    this.root = apiRootUrl(context, project.service.onlineResource ?? iface.settings().serviceUrl, iface.settings().trustProxy);
    this.map = context.request().parameter('MAP')?.trim() || null;
  }

  /** The vector layers published as collections (OAPIF) that this request may read, in project order. */
  collections(): VectorLayerDef[] {
    return this.access.readableLayers(this.project)
      .filter((l): l is VectorLayerDef => l.kind === 'vector' && l.services.includes('OAPIF'));
  }

  /** A collection by id (URL-decoded path segment); 404 for one that does not exist and one this request may not read alike. */
  collection(encodedId: string): VectorLayerDef {
    const id = decodeSegment(encodedId);
    const layer = id === null ? undefined : this.collections().find((l) => l.name === id);
    if (!layer) throw new NotFoundError(`The collection '${(id ?? encodedId).slice(0, 200)}' does not exist`, 'collectionId');
    return layer;
  }

  /** The absolute URL of a resource path below the root ("/collections/x"), MAP first, then `params`. */
  href(path: string, params: Iterable<[string, string]> = []): string {
    const query = new URLSearchParams();
    if (this.map !== null) query.set('MAP', this.map);
    for (const [k, v] of params) query.append(k, v);
    const q = query.toString();
    return this.root + path + (q ? `?${q}` : '');
  }

  /** A link to a resource path in one format. */
  link(path: string, rel: string, type: ContentTypeValue | string, title: string): Link {
    return { href: this.href(path, [['f', formatOf(type)]]), rel, type, title };
  }

  /**
   * Self and alternate links of the requested resource, one per format: the request's own query parameters kept
   * (MAP too, under the name the client gave it), `f` set per format. `current` is the format answered.
   */
  selfLinks(path: string, types: ReadonlyArray<{ type: ContentTypeValue; media?: string }>, current: ContentTypeValue, title: string): Link[] {
    return types.map(({ type, media }) => ({
      href: this.here(path, [['f', formatOf(type)]]),
      rel: type === current ? 'self' : 'alternate',
      type: media ?? type,
      title: `${title}${type === current ? '' : ` as ${type === ContentType.HTML ? 'HTML' : 'JSON'}`}`,
    }));
  }

  /** A resource path with the request's query parameters, some of them set to other values. */
  here(path: string, set: Iterable<[string, string]>): string {
    const query = new URLSearchParams(this.context.request().url().searchParams);
    for (const [k, v] of set) query.set(k, v);
    const q = query.toString();
    return this.root + path + (q ? `?${q}` : '');
  }

  /** The query string every link of an HTML page keeps ("MAP=…"), without "?"; "" without MAP. */
  pageQuery(): string {
    return this.map === null ? '' : new URLSearchParams([['MAP', this.map]]).toString();
  }
}

/** A path segment URL-decoded; null when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The public URL of the API root: the configured service URL (project onlineResource, else OWS_SERVICE_URL) with
 * the API's root path appended; else the request's URL (proxy headers believed when OWS_TRUST_PROXY is set) up to
 * and including the root, so an API reached under a web-server prefix links under it.
 */
export function apiRootUrl(context: ApiContext, configured: string | null | undefined, trustProxy: boolean): string {
  if (configured) {
    const url = new URL(configured);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}${context.apiRootPath().replace(/\/+$/, '')}`;
  }
  const url = serviceUrl(context.request(), null, trustProxy);
  const path = url.pathname.replace(/\/{2,}/g, '/');
  const rest = context.handlerPath();
  const rootPath = rest && path.endsWith(rest) ? path.slice(0, path.length - rest.length) : path;
  return `${url.origin}${rootPath.replace(/\/+$/, '')}`;
}
