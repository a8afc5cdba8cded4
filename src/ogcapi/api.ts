import { OgcError, NotFoundError } from '../errors/ogc-error.js';
import { ContentType } from '../server/content-negotiation.js';
import type { ServerInterface } from '../server/server-interface.js';
import type { ApiLike } from '../server/service-registry.js';
import type { ApiContext } from './context.js';
import { Rel, type OgcApiHandler } from './handler.js';

/** An OGC API: a root path and its handlers (QgsServerOgcApi). */
export class OgcApi implements ApiLike {
  static readonly GEOJSON = ContentType.GEOJSON;
  static readonly OPENAPI3 = ContentType.OPENAPI3;
  static readonly JSON = ContentType.JSON;
  static readonly HTML = ContentType.HTML;
  static readonly XML = ContentType.XML;
  static readonly Rel = Rel;
  static readonly data = Rel.data;

  #handlers: OgcApiHandler[] = [];

  constructor(
    private readonly iface: ServerInterface | null,
    private readonly root: string,
    private readonly apiName: string,
    private readonly apiDescription = '',
    private readonly apiVersion = '1.0.0',
  ) {
    if (!root.startsWith('/') || root === '/') throw new Error(`API root path must start with "/" and not be "/" alone: '${root}'`);
  }
  name(): string {
    return this.apiName;
  }
  description(): string {
    return this.apiDescription;
  }
  version(): string {
    return this.apiVersion;
  }
  rootPath(): string {
    return this.root;
  }
  serverIface(): ServerInterface | null {
    return this.iface;
  }
  /** Adds a handler; a second handler with the same operationId is refused. */
  registerHandler(handler: OgcApiHandler): void {
    if (this.#handlers.some((h) => h.operationId() === handler.operationId())) {
      throw new Error(`API ${this.apiName} already has a handler ${handler.operationId()}`);
    }
    this.#handlers.push(handler);
  }
  handlers(): OgcApiHandler[] {
    return [...this.#handlers];
  }

  /**
   * Routes a request to the first handler whose path matches and that takes the request's method (so that
   * several handlers may share a path, one per method: GET items and POST items); 405 with the methods those
   * handlers take when none takes it, 406 when the chosen one offers no acceptable format, 404 when no path matches.
   */
  async executeRequest(context: ApiContext): Promise<void> {
    const sub = context.handlerPath() || '/';
    const method = context.request().method();
    const allowed: string[] = [];
    for (const handler of this.#handlers) {
      const m = handler.path().exec(sub) ?? handler.path().exec(context.request().path());
      if (!m) continue;
      if (!handler.methods().includes(method)) {
        for (const a of handler.methods()) if (!allowed.includes(a)) allowed.push(a);
        continue;
      }
      if (handler.contentTypeFromRequest(context) === null) {
        throw new OgcError('NotAcceptable', `No acceptable format; this resource offers: ${handler.contentTypes().join(', ')}`);
      }
      handler.setMatch(context, { ...(m.groups ?? {}) });
      await handler.handleRequest(context);
      return;
    }
    if (allowed.length) {
      const allow = allowed.join(', ');
      throw new OgcError('MethodNotAllowed', `Method ${method} is not allowed here; allowed: ${allow}`, { headers: { Allow: allow } });
    }
    throw new NotFoundError(`No ${this.apiName} resource at ${context.request().path()}`);
  }
}
