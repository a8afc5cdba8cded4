import { toOgcError, type OgcError } from '../errors/ogc-error.js';
import { renderException, type ExceptionFormat } from '../errors/render.js';
import type { ParameterMap } from './parameter-map.js';
import type { ServerRequest } from './request.js';
import type { ServerResponse } from './response.js';

/** Chooses the exception document for a request (by SERVICE and VERSION, or JSON for APIs). */
export type ExceptionFormatChooser = (request: ServerRequest) => { format: ExceptionFormat; version?: string };

/** The request and response as filters see them (QgsRequestHandler), through serverInterface().requestHandler(). */
export class RequestHandler {
  #exception: OgcError | null = null;
  #format: ExceptionFormat | null = null;

  constructor(
    private readonly req: ServerRequest,
    private readonly res: ServerResponse,
    private readonly chooseFormat: ExceptionFormatChooser,
  ) {}

  request(): ServerRequest {
    return this.req;
  }
  response(): ServerResponse {
    return this.res;
  }
  /** The KVP parameters, live: keys are case-insensitive (`get('service')` finds SERVICE). */
  parameterMap(): ParameterMap {
    return this.req.parameters();
  }
  parameter(name: string, defaultValue?: string): string | undefined {
    return this.req.parameter(name, defaultValue);
  }
  setParameter(name: string, value: string): void {
    this.req.setParameter(name, value);
  }
  removeParameter(name: string): void {
    this.req.removeParameter(name);
  }
  url(): string {
    return this.req.url().toString();
  }
  path(): string {
    return this.req.path();
  }
  method(): string {
    return this.req.method();
  }
  requestHeader(name: string): string | undefined {
    return this.req.header(name);
  }
  requestHeaders(): Record<string, string> {
    return this.req.headers();
  }
  setRequestHeader(name: string, value: string): void {
    this.req.setHeader(name, value);
  }
  /** The request body. */
  data(): Buffer {
    return this.req.data();
  }
  setResponseHeader(name: string, value: string | number): void {
    this.res.setHeader(name, value);
  }
  removeResponseHeader(name: string): void {
    this.res.removeHeader(name);
  }
  responseHeader(name: string): string | undefined {
    return this.res.header(name);
  }
  responseHeaders(): Record<string, string> {
    return this.res.headers();
  }
  headersSent(): boolean {
    return this.res.headersSent();
  }
  /** Starts the response over (status 200, no headers, no body) and forgets any exception. */
  clear(): void {
    this.res.clear();
    this.#exception = null;
  }
  /** Drops the buffered body (in sendResponse: the chunk about to be sent). */
  clearBody(): void {
    this.res.clearBody();
  }
  appendBody(data: string | Uint8Array): void {
    this.res.write(data);
  }
  /** The buffered response body (in sendResponse: the chunk about to be sent). */
  body(): Buffer {
    return this.res.data();
  }
  setStatusCode(code: number): void {
    this.res.setStatusCode(code);
  }
  statusCode(): number {
    return this.res.statusCode();
  }
  exceptionRaised(): boolean {
    return this.#exception !== null;
  }
  exception(): OgcError | null {
    return this.#exception;
  }
  /** Answers with an OGC exception in the format of the service asked, replacing whatever was buffered. */
  setServiceException(error: OgcError | Error): void {
    const ex = toOgcError(error);
    this.#exception = ex;
    const chosen = this.#format ? { format: this.#format } : this.chooseFormat(this.req);
    const { contentType, body } = renderException(ex, chosen.format, 'version' in chosen ? chosen.version : undefined);
    if (this.res.headersSent()) return;
    this.res.clear();
    this.res.setStatusCode(ex.status);
    for (const [name, value] of Object.entries(ex.headers)) this.res.setHeader(name, value);
    this.res.setHeader('Content-Type', contentType);
    this.res.write(body);
  }
  /** Fixes the exception format for this request (the OGC API framework sets JSON). */
  setExceptionFormat(format: ExceptionFormat): void {
    this.#format = format;
  }
}
