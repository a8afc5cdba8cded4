/**
 * The API definition (Part 1 §7.3): the OpenAPI 3.0 document (service-desc, application/vnd.oai.openapi+json)
 * and, for f=html, a page listing the operations with their parameters (service-doc). Both come from the
 * handlers registered on the API at the time of the request (openapi.ts).
 */
import { escapeHtml } from '../html.js';
import type { OgcApi } from '../api.js';
import type { ApiContext } from '../context.js';
import { ContentType, type ContentTypeValue } from '../../server/content-negotiation.js';
import type { DataAccess } from '../../data/index.js';
import { FeaturesHandler } from './features-handler.js';
import { openApiDocument } from './openapi.js';
import { addCollectionItemsPaths } from './openapi-collections.js';

/** GET /api : the OpenAPI document of the API, or its HTML rendering. */
export class ApiDefinitionHandler extends FeaturesHandler {
  constructor(data: DataAccess, private readonly api: OgcApi) {
    super(data);
  }
  path(): RegExp {
    return /^\/api(?:\.(?:json|html))?$/;
  }
  operationId(): string {
    return 'getApiDefinition';
  }
  summary(): string {
    return 'The API definition (OpenAPI 3.0)';
  }
  override mediaType(type: ContentTypeValue): string {
    return type === ContentType.JSON ? ContentType.OPENAPI3 : type;
  }
  handleRequest(context: ApiContext): void {
    const r = this.features(context);
    const { person, organization, email } = r.project.service.contact;
    const name = person ?? organization;
    const doc = openApiDocument(this.api, context, {
      title: `${r.project.service.title || r.project.title}: ${this.api.name()}`,
      description: r.project.service.abstract || this.api.description(),
      url: r.root,
      map: r.map,
      contact: { ...(name ? { name } : {}), ...(email ? { email } : {}) },
    });
    addCollectionItemsPaths(doc['paths'] as Record<string, Record<string, unknown>>, r.collections(), r.access);
    const res = context.response();
    if (this.contentTypeFromRequest(context) === ContentType.HTML) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.write(apiPage(doc, r.href('/api', [['f', 'json']])));
      return;
    }
    res.setHeader('Content-Type', ContentType.OPENAPI3);
    res.write(JSON.stringify(doc));
  }
}

interface Op {
  summary?: string;
  description?: string;
  parameters?: Array<{ name?: string; in?: string; required?: boolean; description?: string; schema?: unknown; $ref?: string }>;
  responses?: Record<string, { content?: Record<string, unknown> } | { $ref: string }>;
}

/** The HTML page of an OpenAPI document: one section per operation with its parameters and media types. */
function apiPage(doc: Record<string, unknown>, jsonHref: string): string {
  const info = doc['info'] as { title: string; description: string; version: string };
  const paths = doc['paths'] as Record<string, Record<string, Op>>;
  const e = (v: unknown) => escapeHtml(String(v ?? ''));
  let body = '';
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const ok = op.responses?.['200'] as { content?: Record<string, unknown> } | undefined;
      const rows = (op.parameters ?? []).filter((p) => p.name).map((p) => `<tr><td><code>${e(p.name)}</code></td><td>${e(p.in)}</td>`
        + `<td>${p.required ? 'yes' : ''}</td><td><code>${e(JSON.stringify(p.schema ?? {}))}</code></td><td>${e(p.description)}</td></tr>`).join('');
      body += `<section><h2><code>${e(method.toUpperCase())} ${e(path)}</code></h2><p>${e(op.description ?? op.summary)}</p>`
        + `<p>Answers: ${Object.keys(ok?.content ?? {}).map((t) => `<code>${e(t)}</code>`).join(', ')}</p>`
        + (rows ? `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>` : '')
        + '</section>\n';
    }
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${e(info.title)}</title>`
    + '<style>body{font-family:sans-serif;margin:1em 2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}</style></head>\n'
    + `<body><h1>${e(info.title)}</h1><p>${e(info.description)}</p><p>Version ${e(info.version)}. `
    + `<a href="${e(jsonHref)}">The OpenAPI 3.0 document</a></p>\n${body}</body></html>\n`;
}
