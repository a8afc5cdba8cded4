import type { ServerRequest } from '../server/request.js';
import type { ServerResponse } from '../server/response.js';
import type { Project } from '../project/project.js';
import type { ServerInterface } from '../server/server-interface.js';

/** What an API handler is given for one request (QgsServerApiContext). */
export class ApiContext {
  constructor(
    private readonly root: string,
    private readonly matched: string,
    private readonly rest: string,
    private readonly req: ServerRequest,
    private readonly res: ServerResponse,
    private readonly proj: Project | null,
    private readonly iface: ServerInterface,
  ) {}
  /** The API's root path as registered ("/customapi"). */
  apiRootPath(): string {
    return this.root;
  }
  /** The URL path up to and including the root ("/ows/customapi" behind a prefix). */
  matchedPath(): string {
    return this.matched;
  }
  /** The URL path after the root. */
  handlerPath(): string {
    return this.rest;
  }
  request(): ServerRequest {
    return this.req;
  }
  response(): ServerResponse {
    return this.res;
  }
  project(): Project | null {
    return this.proj;
  }
  serverInterface(): ServerInterface {
    return this.iface;
  }
}
