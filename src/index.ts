/** ows-server: the public API for embedding and for plugin authors. */
export { Server, type ServerOptions } from './server/server.js';
export { ServerRequest, BufferRequest, type HeaderInput } from './server/request.js';
export { ServerResponse, BufferResponse } from './server/response.js';
export { RequestHandler } from './server/request-handler.js';
export { ServerInterface } from './server/server-interface.js';
export { ServiceRegistry, type ApiLike } from './server/service-registry.js';
export { Service, type ServiceLike } from './server/service.js';
export { ParameterMap } from './server/parameter-map.js';
export { loadSettings, SETTINGS_DOC, type Settings } from './server/settings.js';
export { createLogger, type Logger } from './server/logger.js';
export { ContentType, negotiate } from './server/content-negotiation.js';
export { ServerFilter, FilterRegistry, FILTER_HOOKS, type ServerFilterLike, type FilterHook } from './filters/server-filter.js';
export { AccessControlFilter, AccessControl, LayerPermissions, type AccessControlFilterLike, type ServerLayer, type ServerFeature } from './filters/access-control.js';
export { ServerCacheFilter, CacheManager, type ServerCacheFilterLike } from './filters/cache.js';
export { defineParams, parseParams, parseValue, describeParams, type ParamSpec, type ParamTable, type Parsed } from './params/table.js';
export { EXCEPTION_CODES, statusForCode, type ExceptionCode } from './errors/codes.js';
export {
  OgcError, MissingParameterError, InvalidParameterError, OperationNotSupportedError, SecurityError, NotFoundError,
  ClientDisconnectedError, toOgcError,
} from './errors/ogc-error.js';
export { renderException, defaultExceptionFormat, type ExceptionFormat } from './errors/render.js';
export { OgcApi } from './ogcapi/api.js';
export { OgcApiHandler, Rel } from './ogcapi/handler.js';
export { ApiContext } from './ogcapi/context.js';
export { QueryStringParameter } from './ogcapi/query-string-parameter.js';
export type { Project, ProjectLoader } from './project/project.js';
