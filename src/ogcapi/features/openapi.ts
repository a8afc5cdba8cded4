/**
 * The OpenAPI 3.0 document of an OGC API, generated from its registered handlers: each handler's path RegExp
 * as a path template ({collectionId}, {featureId}: handler.openApiPath()), its methods, its QueryStringParameters
 * (with their schemas), the f parameter and the media types it answers, and the JSON exception of every error.
 * Nothing is written per path by hand, so a handler registered later (a plugin's, Part 4's) appears by itself;
 * a handler that takes a request body or answers other than 200 says so through openApiOperation (DescribedHandler).
 */
import type { ApiContext } from '../context.js';
import type { OgcApi } from '../api.js';
import type { OgcApiHandler } from '../handler.js';
import { ContentType } from '../../server/content-negotiation.js';
import { formatOf } from './features-request.js';

/** What the document says of the API as a whole. */
export interface OpenApiInfo {
  title: string;
  description: string;
  /** The server URL (the API root). */
  url: string;
  /** The MAP of the request, offered as a parameter of every operation (its default) so the calls reach the same project. */
  map: string | null;
  contact?: { name?: string; email?: string };
}

const ERRORS: ReadonlyArray<[string, string, string]> = [
  ['400', 'BadRequest', 'A parameter is missing or has a value that cannot be used'],
  ['404', 'NotFound', 'The resource does not exist'],
  ['406', 'NotAcceptable', 'None of the formats of this resource is acceptable (f parameter, Accept header)'],
  ['500', 'ServerError', 'A server error'],
];

/** Errors only some operations answer (the edits of Part 4); an operation names them in OperationDescription.errors. */
const MORE_ERRORS: ReadonlyArray<[string, string, string]> = [
  ['403', 'Forbidden', 'Access control does not allow this request'],
  ['405', 'MethodNotAllowed', 'The resource does not take this method (the Allow header lists those it takes)'],
  ['409', 'Conflict', 'The request conflicts with the current state of the resource'],
  ['412', 'PreconditionFailed', 'A condition of the request (If-Match) is not met'],
  ['413', 'PayloadTooLarge', 'The request body is larger than the server accepts'],
  ['415', 'UnsupportedMediaType', 'The request body is in a media type this operation does not take'],
];

/** What a handler says of one of its operations where the defaults (no body, 200 in its content types) do not fit. */
export interface OperationDescription {
  /** The OpenAPI requestBody object. */
  requestBody?: Record<string, unknown>;
  /** The success responses by status, in place of the 200 of the handler's content types. */
  responses?: Record<string, unknown>;
  /** Statuses of MORE_ERRORS the operation may answer besides the common errors. */
  errors?: string[];
  /** Parameters besides the path, query and MAP ones (request headers). */
  parameters?: Array<Record<string, unknown>>;
}

/** A handler that describes its operations itself (looked for on every handler: OgcApiHandler has no such method). */
export interface DescribedHandler {
  openApiOperation(method: string, context: ApiContext): OperationDescription;
}

function described(handler: OgcApiHandler): handler is OgcApiHandler & DescribedHandler {
  return typeof (handler as Partial<DescribedHandler>).openApiOperation === 'function';
}

/** The path parameter names of a template ("/a/{x}/b/{y}" -> x, y). */
export function templateParameters(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** The f parameter of a handler: the format names of its content types. */
function formatParameter(handler: OgcApiHandler): Record<string, unknown> {
  const names = [...new Set(handler.contentTypes().map((t) => formatOf(t)))];
  return {
    name: 'f', in: 'query', required: false,
    description: 'The format of the answer (else the Accept header decides)',
    schema: { type: 'string', enum: names },
  };
}

/** One operation of a handler for one method. */
function operation(handler: OgcApiHandler, method: string, operationId: string, template: string, context: ApiContext, info: OpenApiInfo): Record<string, unknown> {
  const pathParams = templateParameters(template).map((name) => {
    const p = handler.pathParameter(name, context);
    return { name, in: 'path', required: true, description: p.description, schema: p.schema };
  });
  const own: OperationDescription = described(handler) ? handler.openApiOperation(method, context) : {};
  const content: Record<string, unknown> = {};
  for (const type of handler.contentTypes()) {
    content[handler.mediaType(type)] = { schema: type === ContentType.HTML ? { type: 'string' } : { type: 'object' } };
  }
  const responses: Record<string, unknown> = own.responses ? { ...own.responses } : { 200: { description: handler.summary(), content } };
  for (const [status, name] of ERRORS) {
    if (status === '404' && pathParams.length === 0) continue;
    responses[status] = { $ref: `#/components/responses/${name}` };
  }
  for (const [status, name] of MORE_ERRORS) if (own.errors?.includes(status)) responses[status] = { $ref: `#/components/responses/${name}` };
  return {
    operationId,
    summary: handler.summary(),
    description: handler.description(),
    parameters: [
      ...pathParams,
      ...handler.parameters(context).map((p) => p.toOpenApi()),
      ...(own.parameters ?? []),
      formatParameter(handler),
      ...(info.map !== null ? [{ $ref: '#/components/parameters/MAP' }] : []),
    ],
    ...(own.requestBody ? { requestBody: own.requestBody } : {}),
    responses,
  };
}

/** The OpenAPI 3.0 document of an API for this request (collection ids and MAP as the request sees them). */
export function openApiDocument(api: OgcApi, context: ApiContext, info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const handler of api.handlers()) {
    if (!handler.documented()) continue;
    const template = handler.openApiPath();
    const item = (paths[template] ??= {});
    const methods = handler.methods().filter((m) => m !== 'HEAD').map((m) => m.toLowerCase());
    methods.forEach((method, i) => {
      if (item[method]) throw new Error(`two handlers of ${api.name()} take ${method.toUpperCase()} ${template}`);
      const id = i === 0 ? handler.operationId() : `${handler.operationId()}${method[0]!.toUpperCase()}${method.slice(1)}`;
      item[method] = operation(handler, method, id, template, context, info);
    });
  }
  const exception = {
    type: 'object', required: ['code', 'description'],
    properties: { code: { type: 'string' }, description: { type: 'string' }, locator: { type: 'string' } },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: info.title, description: info.description, version: api.version(),
      ...(info.contact && Object.keys(info.contact).length ? { contact: info.contact } : {}),
    },
    servers: [{ url: info.url, description: api.description() || api.name() }],
    paths,
    components: {
      schemas: { exception },
      responses: Object.fromEntries([...ERRORS, ...MORE_ERRORS].map(([, name, description]) => [name, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/exception' } } } }])),
      ...(info.map !== null ? {
        parameters: {
          MAP: { name: 'MAP', in: 'query', required: false, description: 'The project served (a path under the server\'s projects directory)', schema: { type: 'string', default: info.map } },
        },
      } : {}),
    },
  };
}
