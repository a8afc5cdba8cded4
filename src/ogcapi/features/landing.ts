/** The landing page of OGC API Features (Part 1 §7.2): the project's title and description, links to the rest. */
import { ContentType } from '../../server/content-negotiation.js';
import type { ApiContext } from '../context.js';
import { FeaturesHandler } from './features-handler.js';

/** GET / : title, description and the links a client starts from (service-desc, service-doc, conformance, data). */
export class LandingHandler extends FeaturesHandler {
  path(): RegExp {
    return /^(?:\/|\.(?:json|html))$/;
  }
  override openApiPath(): string {
    return '/';
  }
  operationId(): string {
    return 'getLandingPage';
  }
  summary(): string {
    return 'Landing page';
  }
  override description(): string {
    return 'The title and description of the project, with links to the API definition, the conformance declaration and the collections';
  }
  handleRequest(context: ApiContext): void {
    const r = this.features(context);
    const type = this.contentTypeFromRequest(context) ?? this.defaultContentType();
    const title = r.project.service.title || r.project.title;
    const doc = {
      title,
      description: r.project.service.abstract,
      links: [
        ...r.selfLinks('', [{ type: ContentType.JSON }, { type: ContentType.HTML }], type, 'This document'),
        r.link('/api', 'service-desc', ContentType.OPENAPI3, 'The API definition (OpenAPI 3.0)'),
        r.link('/api', 'service-doc', ContentType.HTML, 'The API documentation'),
        r.link('/conformance', 'conformance', ContentType.JSON, 'Conformance classes implemented'),
        r.link('/conformance', 'http://www.opengis.net/def/rel/ogc/1.0/conformance', ContentType.JSON, 'Conformance classes implemented'),
        r.link('/collections', 'data', ContentType.JSON, 'The feature collections'),
        r.link('/collections', 'http://www.opengis.net/def/rel/ogc/1.0/data', ContentType.JSON, 'The feature collections'),
      ],
    };
    this.writeDocument(context, r, 'landing', title, doc);
  }
}
