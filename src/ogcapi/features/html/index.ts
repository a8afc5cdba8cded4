/**
 * HTML pages of OGC API – Features: one per resource, each rendered from the JSON document of the same URL,
 * with a breadcrumb, the document's links, tables, and a small OpenLayers map where there are features (items,
 * item) or an extent (collection). Every link the page makes keeps the request's query (MAP=…) and asks for
 * f=html. The pages load only this server's assets: no tiles, no CDN.
 */
import { collectionBody, collectionsBody, conformanceBody, landingBody, queryablesBody } from './resources.js';
import { featureId, itemBody, itemsBody } from './features.js';
import { PageLinks } from './links.js';
import { collectionOf, crumbs, type CollectionRef } from './navigation.js';
import { docLinks, isObject, jsonAlternate, linksSection, pageShell, str, type Body } from './parts.js';

/** The resources that have an HTML page. */
export type FeaturesPageKind = 'landing' | 'conformance' | 'collections' | 'collection' | 'items' | 'item' | 'queryables';

/** What the Features API hands the renderer for one page. */
export interface FeaturesPage {
  kind: FeaturesPageKind;
  /** Page title (already plain text; the renderer escapes it). */
  title: string;
  /** The JSON document the same URL gives with f=json (for items / item: the GeoJSON FeatureCollection / Feature). */
  data: unknown;
  /** Absolute URL of the API root (…/ogcapi, MAP kept as a query parameter where the request had one). */
  apiRoot: string;
  /** Query string to append to every link made by the page (e.g. "MAP=demo.yaml"), without "?"; "" for none. */
  query: string;
}

/** The whole HTML document for a page. */
export function renderFeaturesHtml(page: FeaturesPage): string {
  const pl = new PageLinks(page.apiRoot, page.query);
  const links = docLinks(page.data);
  const collection = collectionOf(page.data, links, pl);
  let body: Body;
  let current = '';
  const text = (html: string): Body => ({ html, map: false });
  switch (page.kind) {
    case 'landing': body = text(landingBody(page.data, links, pl)); break;
    case 'conformance': body = text(conformanceBody(page.data, pl)); break;
    case 'collections': body = text(collectionsBody(page.data, pl)); break;
    case 'collection':
      body = collectionBody(page.data, pl);
      current = str(page.data, 'title') || str(page.data, 'id');
      break;
    case 'queryables': body = text(queryablesBody(page.data)); break;
    case 'items': body = itemsBody(page.data, links, pl, collection); break;
    case 'item':
      body = itemBody(page.data, links);
      current = (isObject(page.data) && featureId(page.data)) || '';
      break;
  }
  return pageShell({
    title: page.title,
    crumbs: crumbs(page.kind, pl, page.kind === 'collection' ? collectionFromData(page.data) ?? collection : collection, current),
    links: pl,
    body: `${body.html}\n${linksSection(links, pl)}`,
    map: body.map,
    alternate: jsonAlternate(links),
  });
}

/** A collection document names itself. */
function collectionFromData(data: unknown): CollectionRef | null {
  const id = str(data, 'id');
  return id ? { path: encodeURIComponent(id), id } : null;
}
