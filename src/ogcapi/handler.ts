import { readFile } from 'node:fs/promises';
import { ContentType, negotiate, type ContentTypeValue } from '../server/content-negotiation.js';
import { OgcError } from '../errors/ogc-error.js';
import type { ApiContext } from './context.js';
import type { QueryStringParameter } from './query-string-parameter.js';
import { renderHtml } from './html.js';

/** Link relations (QgsServerOgcApi.Rel). */
export const Rel = {
  alternate: 'alternate', describedBy: 'describedby', collection: 'collection', item: 'item', self: 'self',
  service_desc: 'service-desc', service_doc: 'service-doc', prev: 'prev', next: 'next', license: 'license',
  items: 'items', conformance: 'conformance', data: 'data',
} as const;
/** One link relation. */
export type RelValue = (typeof Rel)[keyof typeof Rel];

/** One OGC API endpoint (QgsServerOgcApiHandler): a path RegExp with named groups, its metadata, parameters and handler. */
export abstract class OgcApiHandler {
  #contentTypes: ContentTypeValue[] = [ContentType.JSON, ContentType.HTML];
  readonly #matches = new WeakMap<ApiContext, Record<string, string>>();

  /** The path this handler answers, matched against the path after the API root, then against the whole path. */
  abstract path(): RegExp;
  abstract operationId(): string;
  abstract summary(): string;
  description(): string {
    return this.summary();
  }
  linkTitle(): string {
    return this.summary();
  }
  linkType(): RelValue {
    return Rel.data;
  }
  /** HTTP methods this handler takes. */
  methods(): string[] {
    return ['GET', 'HEAD'];
  }
  contentTypes(): ContentTypeValue[] {
    return [...this.#contentTypes];
  }
  setContentTypes(types: ContentTypeValue[]): void {
    if (!types.length) throw new Error('a handler needs at least one content type');
    this.#contentTypes = [...types];
  }
  defaultContentType(): ContentTypeValue {
    return this.#contentTypes[0]!;
  }
  /** The typed query-string parameters. */
  parameters(_context: ApiContext): QueryStringParameter[] {
    return [];
  }
  /** An HTML template for this handler ({{ name }} placeholders); null for the built-in page. */
  templatePath(_context: ApiContext): string | null {
    return null;
  }
  abstract handleRequest(context: ApiContext): Promise<void> | void;

  /** Records the path match for a request (called by the API before handleRequest). */
  setMatch(context: ApiContext, groups: Record<string, string>): void {
    this.#matches.set(context, groups);
  }
  /** The named groups the path RegExp captured for this request. */
  match(context: ApiContext): Record<string, string> {
    return this.#matches.get(context) ?? {};
  }
  /** The typed values of the declared parameters, plus the path's named groups. */
  values(context: ApiContext): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.match(context) };
    for (const p of this.parameters(context)) out[p.name] = p.value(context);
    return out;
  }
  /** The content type this request asks for (f parameter, path extension, Accept), or null if none is offered. */
  contentTypeFromRequest(context: ApiContext): ContentTypeValue | null {
    const req = context.request();
    const ext = /\.(json|html|geojson)$/i.exec(context.handlerPath())?.[1];
    return negotiate(this.#contentTypes, req.url().searchParams.get('f') ?? undefined, req.header('accept'), ext);
  }
  /** Self and alternate links for this request, one per content type. */
  links(context: ApiContext): Array<{ href: string; rel: string; type: string; title: string }> {
    const current = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    return this.#contentTypes.map((type) => {
      const url = context.request().url();
      url.searchParams.set('f', type === ContentType.HTML ? 'html' : type === ContentType.GEOJSON ? 'geojson' : 'json');
      return { href: url.toString(), rel: type === current ? Rel.self : Rel.alternate, type, title: `${this.linkTitle()} as ${type}` };
    });
  }
  /** Writes data as JSON, or as HTML (template or built-in page) when the client asked for HTML. */
  async write(data: unknown, context: ApiContext, htmlMetadata: Record<string, unknown> = {}): Promise<void> {
    const type = this.contentTypeFromRequest(context);
    if (type === null) throw new OgcError('NotAcceptable', `Supported formats: ${this.#contentTypes.join(', ')}`);
    const res = context.response();
    if (type === ContentType.HTML) {
      const tpl = this.templatePath(context);
      const template = tpl ? await readFile(tpl, 'utf8') : null;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.write(renderHtml(template, { title: this.linkTitle(), ...htmlMetadata, data, json: JSON.stringify(data, null, 2) }));
      return;
    }
    res.setHeader('Content-Type', type === ContentType.OPENAPI3 ? type : `${type}; charset=utf-8`);
    res.write(JSON.stringify(data));
  }
}
