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

  /** Routes a request to the first handler whose path matches; 404 when none does, 405 / 406 as HTTP says. */
  async executeRequest(context: ApiContext): Promise<void> {
    const sub = context.handlerPath() || '/';
    for (const handler of this.#handlers) {
      const m = handler.path().exec(sub) ?? handler.path().exec(context.request().path());
      if (!m) continue;
      const method = context.request().method();
      if (!handler.methods().includes(method)) {
        const allow = handler.methods().join(', ');
        throw new OgcError('MethodNotAllowed', `Method ${method} is not allowed here; allowed: ${allow}`, { headers: { Allow: allow } });
      }
      if (handler.contentTypeFromRequest(context) === null) {
        throw new OgcError('NotAcceptable', `No acceptable format; this resource offers: ${handler.contentTypes().join(', ')}`);
      }
      handler.setMatch(context, { ...(m.groups ?? {}) });
      await handler.handleRequest(context);
      return;
    }
    throw new NotFoundError(`No ${this.apiName} resource at ${context.request().path()}`);
  }
}
