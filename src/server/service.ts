import type { ServerRequest } from './request.js';
import type { ServerResponse } from './response.js';
import type { Project } from '../project/project.js';
import type { ExceptionFormat } from '../errors/render.js';

type MaybePromise<T> = T | Promise<T>;

/** A service answering SERVICE=<name> (QgsService); a plain object with these methods will do. */
export interface ServiceLike {
  name(): string;
  version(): string;
  /** Whether the HTTP method is accepted (default: GET and POST). */
  allowMethod?(method: string): boolean;
  executeRequest(request: ServerRequest, response: ServerResponse, project: Project | null): MaybePromise<void>;
  /** The exception document for this service and version (default: by service name, see defaultExceptionFormat). */
  exceptionFormat?(version: string): ExceptionFormat;
}

/** Base class for services (QgsService). */
export abstract class Service implements ServiceLike {
  abstract name(): string;
  abstract version(): string;
  allowMethod(method: string): boolean {
    return method === 'GET' || method === 'POST' || method === 'HEAD';
  }
  abstract executeRequest(request: ServerRequest, response: ServerResponse, project: Project | null): MaybePromise<void>;
}
