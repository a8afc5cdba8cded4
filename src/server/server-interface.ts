import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';
import type { Settings } from './settings.js';
import type { RequestHandler } from './request-handler.js';
import { ServiceRegistry } from './service-registry.js';
import { FilterRegistry, type ServerFilterLike } from '../filters/server-filter.js';
import { AccessControl, type AccessControlFilterLike } from '../filters/access-control.js';
import { CacheManager, type ServerCacheFilterLike } from '../filters/cache.js';

/**
 * What plugins are given (QgsServerInterface): the registries and the handler of the request in
 * progress. Requests run concurrently, so requestHandler() answers for the request whose code is
 * running (AsyncLocalStorage), not for "the last one".
 */
export class ServerInterface {
  readonly #current = new AsyncLocalStorage<RequestHandler>();
  readonly #services: ServiceRegistry;
  readonly #filters: FilterRegistry;
  readonly #access: AccessControl;
  readonly #caches: CacheManager;

  constructor(private readonly conf: Settings, private readonly logger: Logger) {
    this.#services = new ServiceRegistry(logger);
    this.#filters = new FilterRegistry('filter', logger);
    this.#access = new AccessControl('access control', logger);
    this.#caches = new CacheManager('cache filter', logger);
  }
  /** The handler of the request in progress; throws outside a request. */
  requestHandler(): RequestHandler {
    const h = this.#current.getStore();
    if (!h) throw new Error('requestHandler() is only available while a request is handled');
    return h;
  }
  /** Runs fn with `handler` as the current request handler. */
  runWithHandler<T>(handler: RequestHandler, fn: () => Promise<T>): Promise<T> {
    return this.#current.run(handler, fn);
  }
  serviceRegistry(): ServiceRegistry {
    return this.#services;
  }
  registerFilter(filter: ServerFilterLike, priority = 0): void {
    this.#filters.register(filter, priority);
  }
  /** Priority -> I/O filters, lower first. */
  filters(): FilterRegistry {
    return this.#filters;
  }
  registerAccessControl(filter: AccessControlFilterLike, priority = 0): void {
    this.#access.register(filter, priority);
  }
  /** The access-control filters seen as one. */
  accessControls(): AccessControl {
    return this.#access;
  }
  registerServerCache(filter: ServerCacheFilterLike, priority = 0): void {
    this.#caches.register(filter, priority);
  }
  cacheManager(): CacheManager {
    return this.#caches;
  }
  settings(): Readonly<Settings> {
    return this.conf;
  }
  log(): Logger {
    return this.logger;
  }
  /** A request header (CGI variables become headers), for the current request (QgsServerInterface.getEnv). */
  getEnv(name: string): string | undefined {
    const h = this.#current.getStore();
    return h?.requestHeader(name.replace(/^HTTP_/, '').replace(/_/g, '-'));
  }
}
