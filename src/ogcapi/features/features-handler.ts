/**
 * Base of the OGC API Features handlers: the request's view (project, access-controlled reads, URLs), the
 * path parameters they share, and the writing of a document as JSON or as its HTML page.
 */
import type { DataAccess } from '../../data/index.js';
import { ContentType } from '../../server/content-negotiation.js';
import type { ApiContext } from '../context.js';
import { OgcApiHandler } from '../handler.js';
import { FeaturesRequest } from './features-request.js';
import { renderFeaturesHtml, type FeaturesPageKind } from './html/index.js';

/** A handler of the Features API. */
export abstract class FeaturesHandler extends OgcApiHandler {
  constructor(protected readonly data: DataAccess) {
    super();
  }

  /** The request's view of the API (throws when there is no project). */
  protected features(context: ApiContext): FeaturesRequest {
    return new FeaturesRequest(context, this.data);
  }

  /** collectionId: one of the collections this request may read (listed when the request names a project). */
  override pathParameter(name: string, context: ApiContext): { description: string; schema: Record<string, unknown> } {
    if (name === 'collectionId') {
      const ids = context.project() ? this.features(context).collections().map((l) => l.name) : [];
      return { description: 'The id of a feature collection (a layer of the project)', schema: ids.length ? { type: 'string', enum: ids } : { type: 'string' } };
    }
    if (name === 'featureId') return { description: 'The id of a feature of the collection', schema: { type: 'string' } };
    return super.pathParameter(name, context);
  }

  /** Writes a document as JSON (in this handler's media type) or as the HTML page of its kind. */
  protected writeDocument(context: ApiContext, r: FeaturesRequest, kind: FeaturesPageKind, title: string, data: unknown): void {
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const res = context.response();
    if (type === ContentType.HTML) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.write(renderFeaturesHtml({ kind, title, data, apiRoot: r.href(''), query: r.pageQuery() }));
      return;
    }
    res.setHeader('Content-Type', this.mediaType(type));
    res.write(JSON.stringify(data));
  }
}
