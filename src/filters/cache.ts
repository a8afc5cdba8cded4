import { PriorityRegistry } from './priority-registry.js';
import type { AccessControl } from './access-control.js';
import type { ServerRequest } from '../server/request.js';
import type { Project } from '../project/project.js';

type MaybePromise<T> = T | Promise<T>;
/** A cached payload. */
export type CachedData = Buffer | Uint8Array | string;

/** What a cache filter may implement (QgsServerCacheFilter; duck typing: a plain object will do). */
export interface ServerCacheFilterLike {
  getCachedDocument?(project: Project | null, request: ServerRequest, key: string): MaybePromise<CachedData | null | undefined>;
  setCachedDocument?(doc: Buffer, project: Project | null, request: ServerRequest, key: string): MaybePromise<boolean>;
  deleteCachedDocument?(project: Project | null, request: ServerRequest, key: string): MaybePromise<boolean>;
  deleteCachedDocuments?(project: Project | null): MaybePromise<boolean>;
  getCachedImage?(project: Project | null, request: ServerRequest, key: string): MaybePromise<CachedData | null | undefined>;
  setCachedImage?(img: Buffer, project: Project | null, request: ServerRequest, key: string): MaybePromise<boolean>;
  deleteCachedImage?(project: Project | null, request: ServerRequest, key: string): MaybePromise<boolean>;
  deleteCachedImages?(project: Project | null): MaybePromise<boolean>;
}

/** Base class for cache filters: caches nothing. */
export class ServerCacheFilter implements ServerCacheFilterLike {
  getCachedDocument(): CachedData | null {
    return null;
  }
  setCachedDocument(): boolean {
    return false;
  }
  deleteCachedDocument(): boolean {
    return false;
  }
  deleteCachedDocuments(): boolean {
    return false;
  }
  getCachedImage(): CachedData | null {
    return null;
  }
  setCachedImage(): boolean {
    return false;
  }
  deleteCachedImage(): boolean {
    return false;
  }
  deleteCachedImages(): boolean {
    return false;
  }
}

type Kind = 'Document' | 'Image';

/**
 * The cache filters seen as one (QgsServerCacheManager). The key handed to filters is made of the
 * project file, the method, the URL's origin and path, the sorted request parameters and the access-control cacheKey; when access control
 * gives no key, nothing is read from or written to any cache.
 */
export class CacheManager extends PriorityRegistry<ServerCacheFilterLike> {
  /** The key for a request, or null when access control forbids caching. */
  static keyFor(project: Project | null, request: ServerRequest, accessControl: AccessControl): string | null {
    const ac = accessControl.cacheKey();
    if (ac === null) return null;
    const params = [...request.parameters()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Documents carry URLs built from the address the client used: two hosts never share an entry.
    const url = request.url();
    return JSON.stringify([project?.fileName ?? '', request.method(), url.origin + url.pathname, params, ac]);
  }

  getCachedDocument(project: Project | null, request: ServerRequest, ac: AccessControl): Promise<Buffer | null> {
    return this.#get('Document', project, request, ac);
  }
  setCachedDocument(doc: CachedData, project: Project | null, request: ServerRequest, ac: AccessControl): Promise<boolean> {
    return this.#set('Document', doc, project, request, ac);
  }
  deleteCachedDocument(project: Project | null, request: ServerRequest, ac: AccessControl): Promise<boolean> {
    return this.#delete('Document', project, request, ac);
  }
  deleteCachedDocuments(project: Project | null): Promise<boolean> {
    return this.#deleteAll('Document', project);
  }
  getCachedImage(project: Project | null, request: ServerRequest, ac: AccessControl): Promise<Buffer | null> {
    return this.#get('Image', project, request, ac);
  }
  setCachedImage(img: CachedData, project: Project | null, request: ServerRequest, ac: AccessControl): Promise<boolean> {
    return this.#set('Image', img, project, request, ac);
  }
  deleteCachedImage(project: Project | null, request: ServerRequest, ac: AccessControl): Promise<boolean> {
    return this.#delete('Image', project, request, ac);
  }
  deleteCachedImages(project: Project | null): Promise<boolean> {
    return this.#deleteAll('Image', project);
  }

  /** The first filter, in priority order, that has the entry answers. */
  async #get(kind: Kind, project: Project | null, request: ServerRequest, ac: AccessControl): Promise<Buffer | null> {
    const key = CacheManager.keyFor(project, request, ac);
    if (key === null) return null;
    for (const f of this.list()) {
      const hit = await f[`getCached${kind}`]?.(project, request, key);
      if (hit !== null && hit !== undefined) return typeof hit === 'string' ? Buffer.from(hit) : Buffer.from(hit);
    }
    return null;
  }
  /** The first filter that accepts the entry keeps it. */
  async #set(kind: Kind, data: CachedData, project: Project | null, request: ServerRequest, ac: AccessControl): Promise<boolean> {
    const key = CacheManager.keyFor(project, request, ac);
    if (key === null) return false;
    const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    for (const f of this.list()) {
      if (await f[`setCached${kind}`]?.(buf, project, request, key)) return true;
    }
    return false;
  }
  async #delete(kind: Kind, project: Project | null, request: ServerRequest, ac: AccessControl): Promise<boolean> {
    const key = CacheManager.keyFor(project, request, ac);
    if (key === null) return false;
    let any = false;
    for (const f of this.list()) any = (await f[`deleteCached${kind}`]?.(project, request, key)) === true || any;
    return any;
  }
  async #deleteAll(kind: Kind, project: Project | null): Promise<boolean> {
    let any = false;
    for (const f of this.list()) any = (await f[`deleteCached${kind}s`]?.(project)) === true || any;
    return any;
  }
}
