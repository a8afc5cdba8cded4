import type { Logger } from './logger.js';
import type { ServiceLike } from './service.js';
import type { ServerRequest } from './request.js';
import { compareVersions } from './version.js';

/** What the registry needs of an API (QgsServerApi); OgcApi implements it. */
export interface ApiLike {
  name(): string;
  description(): string;
  version(): string;
  rootPath(): string;
  executeRequest(context: import('../ogcapi/context.js').ApiContext): Promise<void> | void;
}

/** Where an API's root path sits in a URL path. */
export interface ApiMatch {
  api: ApiLike;
  /** The part of the URL path up to and including the API root ("/ows/customapi"). */
  matchedPath: string;
  /** The rest of the path after the root ("" or "/collections/x"). */
  handlerPath: string;
}

/** Services by name and version, and OGC APIs by root path (QgsServiceRegistry). */
export class ServiceRegistry {
  #services = new Map<string, ServiceLike[]>();
  #apis: ApiLike[] = [];

  constructor(private readonly log?: Logger) {}

  /** Registers a service; the same name and version registered twice replaces the first. */
  registerService(service: ServiceLike): void {
    const name = String(service.name()).toUpperCase();
    const version = String(service.version());
    if (!name || typeof service.executeRequest !== 'function') throw new TypeError('a service needs name(), version() and executeRequest()');
    const list = (this.#services.get(name) ?? []).filter((s) => s.version() !== version);
    list.push(service);
    list.sort((a, b) => compareVersions(b.version(), a.version()));
    this.#services.set(name, list);
    this.log?.info({ service: name, version }, 'registered service');
  }
  /** Removes a service (all versions when none is given); returns how many were removed. */
  unregisterService(name: string, version?: string): number {
    const key = name.toUpperCase();
    const list = this.#services.get(key) ?? [];
    const kept = version === undefined ? [] : list.filter((s) => s.version() !== version);
    if (kept.length) this.#services.set(key, kept);
    else this.#services.delete(key);
    return list.length - kept.length;
  }
  /**
   * The service for a SERVICE value (case-insensitive) and VERSION. Without a version, or with one
   * not registered, the highest registered version serves (version negotiation is the service's own).
   */
  getService(name: string, version?: string): ServiceLike | undefined {
    const list = this.#services.get(name.toUpperCase());
    if (!list?.length) return undefined;
    return (version && list.find((s) => s.version() === version)) || list[0];
  }
  /** Registered services: name -> versions, highest first. */
  services(): Array<{ name: string; versions: string[] }> {
    return [...this.#services].map(([name, list]) => ({ name, versions: list.map((s) => s.version()) }));
  }

  /** Registers an OGC API; a second API on the same root path is refused. */
  registerApi(api: ApiLike): void {
    const root = normaliseRoot(api.rootPath());
    if (this.#apis.some((a) => normaliseRoot(a.rootPath()) === root)) throw new Error(`an API is already registered at ${root}`);
    this.#apis.push(api);
    this.#apis.sort((a, b) => normaliseRoot(b.rootPath()).length - normaliseRoot(a.rootPath()).length);
    this.log?.info({ api: api.name(), rootPath: root, version: api.version() }, 'registered API');
  }
  /** Removes an API by name; true if it was there. */
  unregisterApi(name: string): boolean {
    const before = this.#apis.length;
    this.#apis = this.#apis.filter((a) => a.name() !== name);
    return this.#apis.length !== before;
  }
  /** Registered APIs, longest root first. */
  apis(): ApiLike[] {
    return [...this.#apis];
  }
  /**
   * The API whose root path appears in the URL path as whole segments (so "/customapi" is found
   * under a web server prefix like "/ows/customapi/..."); the longest root wins.
   */
  apiForRequest(request: ServerRequest): ApiMatch | undefined {
    const p = request.path().replace(/\/{2,}/g, '/');
    for (const api of this.#apis) {
      const root = normaliseRoot(api.rootPath());
      if (root === '/') return { api, matchedPath: '', handlerPath: p };
      let from = 0;
      for (;;) {
        const at = p.indexOf(root, from);
        if (at < 0) break;
        const end = at + root.length;
        if (end === p.length || p[end] === '/' || p[end] === '.') {
          return { api, matchedPath: p.slice(0, end), handlerPath: p.slice(end) };
        }
        from = at + 1;
      }
    }
    return undefined;
  }
}

function normaliseRoot(root: string): string {
  const r = ('/' + root).replace(/\/{2,}/g, '/').replace(/\/$/, '');
  return r === '' ? '/' : r;
}
