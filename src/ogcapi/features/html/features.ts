/**
 * The HTML bodies of features: items (a map, the paging links, numberMatched / numberReturned and a table of
 * the features with their properties) and one item (a map and its properties).
 */
import type { PageLinks } from './links.js';
import type { CollectionRef } from './navigation.js';
import { dataBlock, docLinks, esc, isObject, linkHtml, mapElement, table, valueCell, type Body, type DocLink } from './parts.js';

/** Items: summary, paging, map and the feature table. */
export function itemsBody(data: unknown, links: DocLink[], pl: PageLinks, collection: CollectionRef | null): Body {
  const features = isObject(data) && Array.isArray(data['features']) ? data['features'].filter(isObject) : [];
  const map = featureMap({ type: 'FeatureCollection', features }, links);
  const parts = [summary(data, features.length), paging(links, pl), map.html];
  const columns: string[] = [];
  for (const f of features) {
    for (const k of Object.keys(isObject(f['properties']) ? f['properties'] : {})) if (!columns.includes(k)) columns.push(k);
  }
  const rows = features.map((f) => {
    const props = isObject(f['properties']) ? f['properties'] : {};
    const id = featureId(f);
    const first = id === null ? '<td></td>' : `<td data-feature-id="${esc(id)}">${linkHtml(itemHref(f, id, pl, collection), id)}</td>`;
    return [first, ...columns.map((c) => valueCell(props[c]))];
  });
  parts.push(features.length ? `<h2>Features</h2>\n${table(['ID', ...columns], rows)}` : '<p>No features match.</p>');
  parts.push(paging(links, pl));
  return { html: parts.filter(Boolean).join('\n'), map: map.map };
}

/** One item: its map and a table of its properties. */
export function itemBody(data: unknown, links: DocLink[]): Body {
  const feature = isObject(data) ? data : {};
  const props = isObject(feature['properties']) ? feature['properties'] : {};
  const id = featureId(feature);
  const rows = [
    ...(id === null ? [] : [['<th scope="row">id</th>', `<td><code>${esc(id)}</code></td>`]]),
    ...Object.entries(props).map(([k, v]) => [`<th scope="row">${esc(k)}</th>`, valueCell(v)]),
  ];
  const map = featureMap(feature, links);
  return { html: `${map.html}\n<h2>Properties</h2>\n${table(['Property', 'Value'], rows)}`, map: map.map };
}

/** The feature id as text, or null when the feature has none. */
export function featureId(feature: Record<string, unknown>): string | null {
  const id = feature['id'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/** "numberReturned of numberMatched features", with the time stamp. */
function summary(data: unknown, count: number): string {
  const get = (k: string) => (isObject(data) ? data[k] : undefined);
  const returned = typeof get('numberReturned') === 'number' ? get('numberReturned') as number : count;
  const matched = get('numberMatched');
  const stamp = get('timeStamp');
  return `<p class="summary">${esc(returned)} feature${returned === 1 ? '' : 's'} on this page` +
    `${typeof matched === 'number' ? ` of <span class="matched">${esc(matched)}</span> matched` : ''}` +
    `${typeof stamp === 'string' ? ` (${esc(stamp)})` : ''}.</p>`;
}

/** The first / prev / next / last links of the document, as pages. */
function paging(links: DocLink[], pl: PageLinks): string {
  const labels: Record<string, string> = { first: '« First', prev: '‹ Previous', next: 'Next ›', last: 'Last »' };
  const items = Object.keys(labels).flatMap((rel) => {
    const link = links.find((l) => l.rel === rel || (rel === 'prev' && l.rel === 'previous'));
    const href = link ? pl.link(link.href, true) : null;
    return href ? [`<a rel="${rel}" href="${esc(href)}">${esc(labels[rel])}</a>`] : [];
  });
  return items.length ? `<nav class="paging" aria-label="Pages">${items.join('')}</nav>` : '';
}

/** The page of one item: its own self link when it has one, else built from the collection. */
function itemHref(feature: Record<string, unknown>, id: string, pl: PageLinks, collection: CollectionRef | null): string | null {
  if (collection) return pl.page(`/collections/${collection.path}/items/${encodeURIComponent(id)}`);
  const self = docLinks(feature).find((l) => l.rel === 'self');
  return self ? pl.link(self.href, true) : null;
}

/** The map of a FeatureCollection or Feature, or a note when its coordinates are in a CRS the page cannot draw. */
function featureMap(geojson: unknown, links: DocLink[]): Body {
  const crs = pageCrs(links);
  const view = mapProjection(crs);
  if (!view) return { html: `<p class="map-status">The map draws CRS84, EPSG:4326 and EPSG:3857 only; these features are in ${esc(crs)}.</p>`, map: false };
  const element = mapElement('features', 'features-data', { crs: view.code, ...(view.latLon ? { axis: 'lat-lon' } : {}) });
  return { html: `${element}\n${dataBlock('features-data', geojson)}`, map: true };
}

/** The CRS the coordinates are in: the crs parameter of the self link (OGC API – Features Part 2), CRS84 without one. */
function pageCrs(links: DocLink[]): string {
  const self = links.find((l) => l.rel === 'self') ?? links.find((l) => l.rel === 'alternate');
  try {
    return (self && new URL(self.href, 'http://localhost/').searchParams.get('crs')) || 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
  } catch {
    return 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
  }
}

/** The OpenLayers projection for a CRS URI, with its axis order; null for one OpenLayers does not know. */
function mapProjection(crs: string): { code: string; latLon: boolean } | null {
  const c = crs.trim().replace(/^\[|\]$/g, '');
  if (/\/OGC\/1\.3\/CRS84$|^OGC:CRS84$/i.test(c)) return { code: 'EPSG:4326', latLon: false };
  if (/\/EPSG\/0\/4326$|^EPSG:4326$/i.test(c)) return { code: 'EPSG:4326', latLon: true };
  if (/\/EPSG\/0\/(3857|900913)$|^EPSG:(3857|900913)$/i.test(c)) return { code: 'EPSG:3857', latLon: false };
  return null;
}
