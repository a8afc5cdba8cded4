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
  /**
   * The path as an OpenAPI path template ("/collections/{collectionId}/items"), derived from path(): literal
   * characters, named groups as {name}, optional non-capturing groups (format extensions) left out. A handler
   * whose RegExp says more than that overrides this.
   */
  openApiPath(): string {
    return pathTemplate(this.path());
  }
  /** The description and JSON schema of a path parameter (a named group of path()), for the OpenAPI document. */
  pathParameter(name: string, _context: ApiContext): { description: string; schema: Record<string, unknown> } {
    return { description: name, schema: { type: 'string' } };
  }
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
  /**
   * The media type sent for a negotiated content type: the type itself, unless this resource has a more precise
   * name for it (queryables: application/schema+json for JSON). Clients may ask for that name too.
   */
  mediaType(type: ContentTypeValue): string {
    return type;
  }
  /** Whether the API definition (OpenAPI) lists this handler: false for infrastructure such as static files. */
  documented(): boolean {
    return true;
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
    // The resource's own media type names (mediaType()) stand for the content types they are sent for.
    const own = new Map<string, ContentTypeValue>();
    for (const t of this.#contentTypes) {
      const name = this.mediaType(t).split(';')[0]!.trim().toLowerCase();
      if (name !== t) own.set(name, t);
    }
    const plain = (type: string) => own.get(type.trim().toLowerCase()) ?? type;
    const f = req.url().searchParams.get('f') ?? undefined;
    const accept = req.header('accept')?.split(',').map((range) => range.replace(/^[^;]*/, plain)).join(',');
    return negotiate(this.#contentTypes, f === undefined ? undefined : plain(f), accept, ext);
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
    const media = this.mediaType(type);
    res.setHeader('Content-Type', media.includes(';') ? media : `${media}; charset=utf-8`);
    res.write(JSON.stringify(data));
  }
}

/**
 * An OpenAPI path template from a path RegExp (see OgcApiHandler.openApiPath); throws for anything else
 * (alternatives, classes outside groups, quantifiers), so that a handler needing more says its template itself.
 */
export function pathTemplate(re: RegExp): string {
  const src = re.source.replace(/^\^/, '').replace(/\$$/, '');
  let out = '';
  for (let i = 0; i < src.length;) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      if (!/[/.\-_~]/.test(next)) throw untemplatable(re);
      out += next;
      i += 2;
    } else if (src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const end = src.indexOf('>', i);
      out += `{${src.slice(i + 3, end)}}`;
      i = closingParen(src, i, re) + 1;
    } else if (src.startsWith('(?:', i)) {
      const close = closingParen(src, i, re);
      if (src[close + 1] !== '?') throw untemplatable(re);
      i = close + 2;
    } else if (/[\w\-~/]/.test(c)) {
      out += c;
      i++;
    } else throw untemplatable(re);
  }
  return out === '' ? '/' : out;
}

function untemplatable(re: RegExp): Error {
  return new Error(`the path ${re} cannot be written as an OpenAPI path template; override openApiPath()`);
}

/** Index of the parenthesis closing the group opened at `open` (escapes and character classes skipped). */
function closingParen(src: string, open: number, re: RegExp): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw untemplatable(re);
}
