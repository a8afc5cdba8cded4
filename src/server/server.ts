import { ClientDisconnectedError, MissingParameterError, OgcError, toOgcError, InvalidParameterError, NotFoundError } from '../errors/ogc-error.js';
import { defaultExceptionFormat } from '../errors/render.js';
import { createLogger, type Logger } from './logger.js';
import { loadSettings, type Settings } from './settings.js';
import { RequestHandler } from './request-handler.js';
import type { ServerRequest } from './request.js';
import type { ServerResponse } from './response.js';
import { ServerInterface } from './server-interface.js';
import { ApiContext } from '../ogcapi/context.js';
import { resolveProjectPath } from '../project/resolve.js';
import type { Project, ProjectLoader } from '../project/project.js';
import { loadPlugins, type LoadedPlugin } from '../plugins/loader.js';
import { isLandingRequest, writeLandingPage } from './landing.js';
import { ContentType, negotiate } from './content-negotiation.js';
import { ProjectCache, projectLoaderFrom } from '../project/cache.js';
import { MemoryCache } from '../filters/memory-cache.js';
import { DataAccess } from '../data/index.js';
import { registerCoreServices } from '../services/index.js';
import { isXmlBody, sniffRoot } from '../services/wfs/xml/sniff.js';

/** How a Server is built; everything is optional. */
export interface ServerOptions {
  settings?: Settings;
  logger?: Logger;
  /** Turns a project path into a Project (default: the YAML project loader with its cache, reloading changed files). */
  projectLoader?: ProjectLoader;
  /** Register the in-memory default cache filter (default true). */
  memoryCache?: boolean;
  /** Register the built-in services (WMS ...; default true). */
  coreServices?: boolean;
  /** Load the plugins on OWS_PLUGINPATH (default true). */
  loadPlugins?: boolean;
}

/**
 * The server (QgsServer): one per process, handles many requests concurrently. Plugins load once,
 * before the first request is handled.
 */
export class Server {
  readonly settings: Settings;
  readonly log: Logger;
  readonly #iface: ServerInterface;
  readonly #projectLoader: ProjectLoader;
  readonly #ready: Promise<LoadedPlugin[]>;
  /** Every read of layer data, with access control applied per request. */
  readonly data: DataAccess;
  #inFlight = 0;

  constructor(options: ServerOptions = {}) {
    this.settings = options.settings ?? loadSettings();
    this.log = options.logger ?? createLogger(this.settings.logLevel);
    this.#iface = new ServerInterface(this.settings, this.log);
    this.data = new DataAccess({
      snapshot: this.settings.dataSnapshot,
      snapshotMB: this.settings.dataSnapshotMB,
      snapshotMaxFeatures: this.settings.dataSnapshotMaxFeatures,
    });
    if (options.memoryCache !== false) this.#iface.registerServerCache(new MemoryCache(), 1000);
    if (options.coreServices !== false) registerCoreServices(this.#iface, this.data);
    if (options.projectLoader) {
      this.#projectLoader = options.projectLoader;
    } else {
      const projects = new ProjectCache();
      // A reloaded project drops its cached capabilities and legends.
      projects.onInvalidate((fileName) => {
        const caches = this.#iface.cacheManager();
        void caches.deleteCachedDocuments({ fileName }).then(() => caches.deleteCachedImages({ fileName }));
      });
      this.#projectLoader = projectLoaderFrom(projects);
    }
    this.#ready = options.loadPlugins === false ? Promise.resolve([]) : loadPlugins(this.settings.pluginPaths, this.#iface, this.log);
  }

  /** The interface plugins are given. */
  serverInterface(): ServerInterface {
    return this.#iface;
  }
  /** Resolves, with the plugins that loaded, once start-up is done. */
  ready(): Promise<LoadedPlugin[]> {
    return this.#ready;
  }
  /** Requests being handled now. */
  inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Handles one request: requestReady filters; then, unless a filter answered or raised, the OGC API
   * whose root matches or the SERVICE asked; then responseComplete, sendResponse and the final flush.
   * It never rejects for a bad request: errors become OGC exceptions and are logged.
   */
  async handleRequest(request: ServerRequest, response: ServerResponse, project?: Project | null): Promise<void> {
    await this.#ready;
    this.#inFlight++;
    const started = process.hrtime.bigint();
    const handler = new RequestHandler(request, response, chooseExceptionFormat(this.#iface));
    const filters = this.#iface.filters();
    try {
      await this.#iface.runWithHandler(handler, async () => {
        response.setFlushHook(() => filters.run('sendResponse', handler));
        if (!(await this.#step(handler, () => filters.run('requestReady', handler)))) return;
        if (!handler.exceptionRaised() && response.pendingBytes() === 0 && !response.headersSent()) {
          if (!(await this.#step(handler, () => this.#dispatch(request, response, handler, project)))) return;
        }
        if (!(await this.#step(handler, () => filters.run('responseComplete', handler)))) return;
        if (!(await this.#step(handler, () => filters.run('sendResponse', handler)))) return;
        response.setFlushHook(undefined);
        await response.finish();
      });
    } catch (err) {
      if (!(err instanceof ClientDisconnectedError)) this.log.error({ err }, 'response could not be completed');
    } finally {
      response.setFlushHook(undefined);
      this.#inFlight--;
      this.log.debug({
        method: request.method(), url: request.url().pathname + request.url().search, status: response.statusCode(),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      }, 'request');
    }
  }

  /** Runs one pipeline step; an error becomes an exception response. False when the request must stop (client gone, or stream broken). */
  async #step(handler: RequestHandler, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (err instanceof ClientDisconnectedError || handler.response().signal.aborted) {
        this.log.debug({ url: handler.url() }, 'client disconnected');
        return false;
      }
      const ex = toOgcError(err);
      if (ex.status >= 500) this.log.error({ err, url: handler.url() }, 'request failed');
      else this.log.debug({ code: ex.code, locator: ex.locator, message: ex.message }, 'request refused');
      if (handler.headersSent()) {
        // Part of the body is gone already: the only honest signal left is to cut the stream.
        handler.response().abort();
        return false;
      }
      handler.setServiceException(ex);
      return true;
    }
  }

  async #dispatch(request: ServerRequest, response: ServerResponse, handler: RequestHandler, given?: Project | null): Promise<void> {
    const registry = this.#iface.serviceRegistry();
    const params = request.parameters();
    let serviceName = params.get('SERVICE')?.trim() ?? '';
    // An XML POST (WFS GetFeature, Transaction ...) names its service, operation and version on its root element.
    if (!serviceName && request.method() === 'POST' && isXmlBody(request)) {
      const root = sniffRoot(request.data());
      if (root?.service) {
        request.setParameter('SERVICE', root.service);
        if (!params.get('REQUEST')) request.setParameter('REQUEST', root.local);
        if (root.version && !params.get('VERSION')) request.setParameter('VERSION', root.version);
        serviceName = root.service.trim();
      }
    }
    // As QGIS Server: SERVICE may be left out of WMS GetMap and GetFeatureInfo.
    if (!serviceName && /^(GetMap|GetFeatureInfo)$/i.test(params.get('REQUEST') ?? '') && registry.getService('WMS')) serviceName = 'WMS';
    if (!serviceName) {
      const match = registry.apiForRequest(request);
      if (match) {
        // JSON errors, or an HTML page for a browser (f=html, or an Accept header that prefers HTML to JSON).
        const wants = negotiate([ContentType.JSON, ContentType.HTML], request.url().searchParams.get('f') ?? undefined, request.header('accept'));
        handler.setExceptionFormat(wants === ContentType.HTML ? 'html' : 'json');
        const project = given !== undefined ? given : await this.#project(request);
        const ctx = new ApiContext(match.api.rootPath(), match.matchedPath, match.handlerPath, request, response, project, this.#iface);
        await match.api.executeRequest(ctx);
        return;
      }
      if (isLandingRequest(request, this.settings.serviceUrl)) {
        await writeLandingPage(request, response, this.#iface, this.settings, this.#projectLoader);
        return;
      }
      if (request.url().search === '') {
        handler.setExceptionFormat('json');
        throw new NotFoundError(`Nothing is served at ${request.path()}`);
      }
      throw new MissingParameterError('SERVICE', `The SERVICE parameter is missing; services: ${serviceList(this.#iface)}`);
    }
    const service = registry.getService(serviceName, params.get('VERSION'));
    if (!service) {
      throw new InvalidParameterError('SERVICE', `Service '${serviceName}' is unknown or unsupported; services: ${serviceList(this.#iface)}`);
    }
    const method = request.method();
    const allowed = service.allowMethod ? service.allowMethod(method) : ['GET', 'POST', 'HEAD'].includes(method);
    if (!allowed) {
      const allow = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => (service.allowMethod ? service.allowMethod(m) : true)).join(', ');
      throw new OgcError('MethodNotAllowed', `HTTP method ${method} is not allowed for service ${service.name()}`, { headers: { Allow: allow } });
    }
    const project = given !== undefined ? given : await this.#project(request);
    await service.executeRequest(request, response, project);
  }

  /** The project named by MAP (inside OWS_PROJECTS_DIR), else OWS_PROJECT_FILE, else none. */
  async #project(request: ServerRequest): Promise<Project | null> {
    const map = request.parameter('MAP')?.trim();
    if (map) return this.#load(await resolveProjectPath(map, this.settings.projectsDir), map);
    if (this.settings.projectFile) return this.#load(this.settings.projectFile, 'default');
    return null;
  }

  /** Loads a project; a broken one is logged in full and answered with a 500 that names it, not its insides. */
  async #load(fileName: string, shownAs: string): Promise<Project> {
    try {
      return await this.#projectLoader(fileName);
    } catch (err) {
      if (err instanceof OgcError) throw err;
      this.log.error({ project: fileName, reason: err instanceof Error ? err.message : String(err) }, 'project cannot be loaded');
      throw new OgcError('NoApplicableCode', `The ${shownAs === 'default' ? 'default project' : `project '${shownAs}'`} cannot be loaded; the server log says why`);
    }
  }
}

function serviceList(iface: ServerInterface): string {
  const names = iface.serviceRegistry().services().map((s) => s.name);
  return names.length ? names.join(', ') : '(none registered)';
}

/** The exception format of a request: the service's own choice, else by SERVICE and VERSION. */
function chooseExceptionFormat(iface: ServerInterface) {
  return (request: ServerRequest) => {
    const name = request.parameter('SERVICE') ?? '';
    const version = request.parameter('VERSION') ?? request.parameter('ACCEPTVERSIONS')?.split(',')[0] ?? '';
    const service = name ? iface.serviceRegistry().getService(name, version || undefined) : undefined;
    const v = service ? version || service.version() : '';
    const format = service?.exceptionFormat ? service.exceptionFormat(v) : defaultExceptionFormat(name, v);
    return v ? { format, version: v } : { format };
  };
}
