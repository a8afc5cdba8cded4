/**
 * Where a page sits in the API: the collection it belongs to (read from the document's own links, which the
 * JSON carries anyway) and the breadcrumb landing › collections › collection › items › item.
 */
import type { FeaturesPageKind } from './index.js';
import type { PageLinks } from './links.js';
import { isObject, type Crumb, type DocLink } from './parts.js';

/** A collection id, as the URL path has it (encoded) and as it reads (decoded). */
export interface CollectionRef {
  path: string;
  id: string;
}

/** The collection a document belongs to, from the first of its links (or its JSON Schema $id) under /collections/{id}. */
export function collectionOf(data: unknown, links: DocLink[], pl: PageLinks): CollectionRef | null {
  const hrefs = [...['self', 'collection', 'alternate'].flatMap((rel) => links.filter((l) => l.rel === rel)), ...links].map((l) => l.href);
  if (isObject(data) && typeof data['$id'] === 'string') hrefs.unshift(data['$id']);
  for (const href of hrefs) {
    const m = /^\/collections\/([^/]+)/.exec(pl.pathOf(href) ?? '');
    if (m) return { path: m[1]!, id: decode(m[1]!) };
  }
  return null;
}

/** The breadcrumb of a page; `current` is what the last step reads (a collection title, a feature id). */
export function crumbs(kind: FeaturesPageKind, pl: PageLinks, collection: CollectionRef | null, current = ''): Crumb[] {
  const out: Crumb[] = [{ title: 'Landing page', href: pl.page('') }];
  if (kind === 'landing') return out;
  if (kind === 'conformance') return [...out, { title: 'Conformance' }];
  out.push({ title: 'Collections', href: pl.page('/collections') });
  if (kind === 'collections') return out;
  const base = collection ? `/collections/${collection.path}` : null;
  if (kind === 'collection') return [...out, { title: current || collection?.id || 'Collection' }];
  out.push(base ? { title: collection!.id, href: pl.page(base) } : { title: 'Collection' });
  if (kind === 'queryables') return [...out, { title: 'Queryables' }];
  out.push(base ? { title: 'Items', href: pl.page(`${base}/items`) } : { title: 'Items' });
  if (kind === 'items') return out;
  return [...out, { title: current || 'Feature' }];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
