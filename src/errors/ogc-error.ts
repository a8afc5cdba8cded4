import { statusForCode, type ExceptionCode } from './codes.js';

/** Base of every error the server turns into an OGC exception: code, locator, HTTP status, client-safe message. */
export class OgcError extends Error {
  readonly code: string;
  readonly locator: string | undefined;
  readonly status: number;
  /** Response headers the exception needs (Allow for a 405, WWW-Authenticate for a 401 ...). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ExceptionCode | string, message: string, options: { locator?: string; status?: number; cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.locator = options.locator;
    this.status = options.status ?? statusForCode(code);
    this.headers = { ...options.headers };
  }
}

/** A required parameter is missing. */
export class MissingParameterError extends OgcError {
  constructor(parameter: string, message = `The ${parameter} parameter is missing`) {
    super('MissingParameterValue', message, { locator: parameter });
  }
}

/** A parameter has an unusable value. */
export class InvalidParameterError extends OgcError {
  constructor(parameter: string, message: string) {
    super('InvalidParameterValue', message, { locator: parameter });
  }
}

/** The operation or service is not supported. */
export class OperationNotSupportedError extends OgcError {
  constructor(message: string, locator?: string) {
    super('OperationNotSupported', message, locator === undefined ? {} : { locator });
  }
}

/** Access is refused (QGIS Server's QgsSecurityException). */
export class SecurityError extends OgcError {
  constructor(message = 'Access denied', locator?: string) {
    super('Security', message, locator === undefined ? {} : { locator });
  }
}

/** A resource does not exist (404). */
export class NotFoundError extends OgcError {
  constructor(message = 'Not found', locator?: string) {
    super('NotFound', message, locator === undefined ? {} : { locator });
  }
}

/** Thrown by a response when the client has gone away; the server stops the request quietly. */
export class ClientDisconnectedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientDisconnectedError';
  }
}

/**
 * Turns anything thrown into an OgcError. An OgcError passes through; anything else
 * becomes a 500 whose message says nothing of the cause (the cause is logged, not sent).
 */
export function toOgcError(err: unknown): OgcError {
  if (err instanceof OgcError) return err;
  if (isOgcErrorLike(err)) {
    const opts: { locator?: string; status?: number } = {};
    if (typeof err.locator === 'string') opts.locator = err.locator;
    if (typeof err.status === 'number') opts.status = err.status;
    return new OgcError(err.code, err.message, opts);
  }
  return new OgcError('InternalServerError', 'Internal server error', { cause: err });
}

/** A plain object or foreign error carrying an OGC code (from a plugin built against another copy of this package). */
function isOgcErrorLike(err: unknown): err is { code: string; message: string; locator?: unknown; status?: unknown } {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Record<string, unknown>;
  return e['name'] !== undefined && typeof e['code'] === 'string' && typeof e['message'] === 'string' &&
    /Ogc|Service|Security/.test(String(e['name'])) && /^[A-Z][A-Za-z]+$/.test(e['code']);
}
