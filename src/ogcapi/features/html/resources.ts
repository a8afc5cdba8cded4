/**
 * The HTML bodies of the API's metadata resources: landing page, conformance, collections, one collection
 * (with a map of its extent) and queryables (a JSON Schema shown as a table).
 */
import type { PageLinks } from './links.js';
import { dataBlock, esc, isObject, linkHtml, mapElement, str, table, valueHtml, type Body, type DocLink } from './parts.js';

/** Landing page: the description and the API's main resources. */
export function landingBody(data: unknown, links: DocLink[], pl: PageLinks): string {
  const description = str(data, 'description');
  const main = [
    linkHtml(pl.page('/collections'), 'Collections'),
    linkHtml(pl.page('/conformance'), 'Conformance classes'),
    ...links.filter((l) => l.rel === 'service-doc' || l.rel === 'service-desc')
      .map((l) => linkHtml(pl.link(l.href), l.title || (l.rel === 'service-doc' ? 'API documentation' : 'API definition'))),
  ];
  return `${description ? `<p>${esc(description)}</p>\n` : ''}<section>\n<h2>Resources</h2>\n<ul>${main.map((m) => `<li>${m}</li>`).join('')}</ul>\n</section>`;
}

/** Conformance: the classes as a table of links. */
export function conformanceBody(data: unknown, pl: PageLinks): string {
  const classes = isObject(data) && Array.isArray(data['conformsTo']) ? data['conformsTo'].filter((c): c is string => typeof c === 'string') : [];
  return `<section>\n<h2>Conformance classes</h2>\n${table(['Conformance class'], classes.map((c) => [`<td>${linkHtml(pl.link(c), c)}</td>`]))}\n</section>`;
}

/** Collections: one row per collection, with its items. */
export function collectionsBody(data: unknown, pl: PageLinks): string {
  const list = isObject(data) && Array.isArray(data['collections']) ? data['collections'].filter(isObject) : [];
  const rows = list.map((c) => {
    const id = str(c, 'id');
    const path = `/collections/${encodeURIComponent(id)}`;
    return [
      `<td>${linkHtml(id ? pl.page(path) : null, str(c, 'title') || id)}</td>`,
      `<td><code>${esc(id)}</code></td>`,
      `<td>${esc(str(c, 'description'))}</td>`,
      `<td>${id ? linkHtml(pl.page(`${path}/items`), 'Items') : ''}</td>`,
    ];
  });
  return `<section>\n<h2>Collections</h2>\n${rows.length ? table(['Title', 'Id', 'Description', 'Data'], rows) : '<p>This API publishes no collection.</p>'}\n</section>`;
}

/** One collection: description, the way to its items and queryables, its extent (table and map), its CRS. */
export function collectionBody(data: unknown, pl: PageLinks): Body {
  const id = str(data, 'id');
  const path = `/collections/${encodeURIComponent(id)}`;
  const parts: string[] = [];
  let map = false;
  const description = str(data, 'description');
  if (description) parts.push(`<p>${esc(description)}</p>`);
  parts.push(`<ul><li>${linkHtml(pl.page(`${path}/items`), 'Browse the items')}</li><li>${linkHtml(pl.page(`${path}/queryables`), 'Queryables')}</li></ul>`);
  const extent = isObject(data) && isObject(data['extent']) ? data['extent'] : {};
  const spatial = isObject(extent['spatial']) ? extent['spatial'] : {};
  const bboxes = Array.isArray(spatial['bbox']) ? spatial['bbox'].filter(isNumberArray) : [];
  const bboxCrs = str(spatial, 'crs') || 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
  if (bboxes.length) {
    const rows = bboxes.map((b) => lonLatBox(b).map((v) => `<td class="number">${esc(v)}</td>`));
    parts.push(`<h2>Spatial extent</h2>\n${table(['West', 'South', 'East', 'North'], rows, bboxCrs)}`);
    const boxes = viewBoxes(bboxes, bboxCrs);
    map = boxes !== null;
    if (boxes) parts.push(`${mapElement('extent', 'extent-data')}\n${dataBlock('extent-data', { boxes })}`);
    else parts.push(`<p class="map-status">The map cannot draw an extent in ${esc(bboxCrs)}.</p>`);
  }
  const temporal = isObject(extent['temporal']) ? extent['temporal'] : {};
  const intervals = Array.isArray(temporal['interval']) ? temporal['interval'].filter(Array.isArray) : [];
  if (intervals.length) {
    const rows = intervals.map((i) => [`<td>${valueHtml(i[0] ?? null)}</td>`, `<td>${valueHtml(i[1] ?? null)}</td>`]);
    parts.push(`<h2>Temporal extent</h2>\n${table(['Begin', 'End'], rows, str(temporal, 'trs'))}`);
  }
  const crs = isObject(data) && Array.isArray(data['crs']) ? data['crs'].filter((c): c is string => typeof c === 'string') : [];
  const storage = str(data, 'storageCrs');
  if (crs.length || storage) {
    const rows = crs.map((c) => [`<td><code>${esc(c)}</code></td>`, `<td>${c === storage ? 'storage CRS' : ''}</td>`]);
    if (storage && !crs.includes(storage)) rows.push([`<td><code>${esc(storage)}</code></td>`, '<td>storage CRS</td>']);
    parts.push(`<h2>Coordinate reference systems</h2>\n${table(['CRS', ''], rows)}`);
  }
  return { html: parts.join('\n'), map };
}

/** Queryables: the JSON Schema's properties as a table (name, title, type, description). */
export function queryablesBody(data: unknown): string {
  const props = isObject(data) && isObject(data['properties']) ? data['properties'] : {};
  const rows = Object.entries(props).map(([name, schema]) => [
    `<td><code>${esc(name)}</code></td>`,
    `<td>${esc(str(schema, 'title'))}</td>`,
    `<td>${esc(schemaType(schema))}</td>`,
    `<td>${esc(str(schema, 'description'))}</td>`,
  ]);
  const description = str(data, 'description');
  return `${description ? `<p>${esc(description)}</p>\n` : ''}<section>\n<h2>Queryables</h2>\n` +
    `${rows.length ? table(['Name', 'Title', 'Type', 'Description'], rows) : '<p>No queryables.</p>'}\n</section>`;
}

/** What a property schema says its values are: type and format, the geometry it refers to, or its enum. */
function schemaType(schema: unknown): string {
  if (!isObject(schema)) return '';
  const type = Array.isArray(schema['type']) ? schema['type'].join(' | ') : str(schema, 'type');
  const format = str(schema, 'format');
  const ref = str(schema, '$ref').replace(/^.*\//, '').replace(/\.json$/, '');
  const parts = [type && format ? `${type} (${format})` : type || format || ref];
  if (Array.isArray(schema['enum'])) parts.push(`one of ${schema['enum'].map((v) => JSON.stringify(v)).join(', ')}`);
  return parts.filter(Boolean).join(' ');
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && (v.length === 4 || v.length === 6) && v.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** A 2D or 3D bbox as west, south, east, north. */
function lonLatBox(b: number[]): [number, number, number, number] {
  return b.length === 6 ? [b[0]!, b[1]!, b[3]!, b[4]!] : [b[0]!, b[1]!, b[2]!, b[3]!];
}

/** The boxes in longitude / latitude for the map, or null when the CRS is one the page cannot draw. */
function viewBoxes(bboxes: number[][], crs: string): Array<[number, number, number, number]> | null {
  if (/\/OGC\/1\.3\/CRS84h?$|^OGC:CRS84h?$/i.test(crs)) return bboxes.map(lonLatBox);
  if (/\/EPSG\/0\/4326$|^EPSG:4326$/i.test(crs)) return bboxes.map(lonLatBox).map(([s, w, n, e]) => [w, s, e, n]);
  return null;
}
