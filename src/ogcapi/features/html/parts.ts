/**
 * The pieces every HTML page is made of: the page shell (head, breadcrumb, title), tables, the list of a
 * document's links, property values and the JSON data blocks maps read. Every piece of data is escaped here,
 * once: titles, ids and property values are user data.
 */
import { escapeHtml, jsonForScript } from '../../html.js';
import { assetVersion } from './assets.js';
import type { PageLinks } from './links.js';

/** A link of an OGC API document, as far as it is one (anything may arrive in `data`). */
export interface DocLink {
  href: string;
  rel: string;
  type: string;
  title: string;
}

/** One step of the breadcrumb; the last one is the page itself and has no href. */
export interface Crumb {
  title: string;
  href?: string;
}

/** A page body, and whether it holds a map (OpenLayers is then loaded). */
export interface Body {
  html: string;
  map: boolean;
}

/** What the page shell needs. */
export interface Shell {
  title: string;
  crumbs: Crumb[];
  links: PageLinks;
  /** The page content (HTML, escaped already). */
  body: string;
  /** Whether the page has a map: OpenLayers and the page script are loaded. */
  map: boolean;
  /** The JSON representation of the same resource, for <link rel="alternate">. */
  alternate?: DocLink | undefined;
}

/** Shorthand: escape. */
export const esc = (s: unknown): string => escapeHtml(String(s ?? ''));

/** The whole HTML5 document. */
export function pageShell(s: Shell): string {
  const css = (file: string) => `<link rel="stylesheet" href="${esc(s.links.asset(file, assetVersion(file)))}">`;
  const js = (file: string) => `<script src="${esc(s.links.asset(file, assetVersion(file)))}" defer></script>`;
  const alternate = s.alternate ? s.links.link(s.alternate.href) : null;
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(s.title)}</title>`,
    '<link rel="icon" href="data:,">',
    css('features.css'),
    ...(s.map ? [css('ol.css'), js('ol.js'), js('features.js')] : []),
    ...(alternate ? [`<link rel="alternate" type="${esc(s.alternate!.type)}" href="${esc(alternate)}">`] : []),
  ];
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n${head.join('\n')}\n</head>\n<body>\n<header>\n${breadcrumb(s.crumbs)}\n` +
    `<h1>${esc(s.title)}</h1>\n</header>\n<main>\n${s.body}\n</main>\n</body>\n</html>\n`;
}

function breadcrumb(crumbs: Crumb[]): string {
  const items = crumbs.map((c, i) => (i === crumbs.length - 1 || !c.href
    ? `<li aria-current="page">${esc(c.title)}</li>`
    : `<li><a href="${esc(c.href)}">${esc(c.title)}</a></li>`));
  return `<nav class="breadcrumb" aria-label="Breadcrumb"><ol>${items.join('')}</ol></nav>`;
}

/** A table: header cells are text, body cells HTML already. */
export function table(headers: string[], rows: string[][], caption = ''): string {
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n')}</tbody>`;
  return `<div class="table-wrap"><table>${caption ? `<caption>${esc(caption)}</caption>` : ''}${head}\n${body}</table></div>`;
}

/** A table cell with a property value: numbers right-aligned, null marked, objects as JSON, web URLs as links. */
export function valueCell(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return `<td class="number">${esc(value)}</td>`;
  return `<td>${valueHtml(value)}</td>`;
}

/** A property value as HTML. */
export function valueHtml(value: unknown): string {
  if (value === null || value === undefined) return '<span class="null">null</span>';
  if (typeof value === 'object') return `<code>${esc(JSON.stringify(value))}</code>`;
  const text = String(value);
  if (typeof value === 'string' && /^https?:\/\/[^\s]+$/i.test(text)) return `<a href="${esc(text)}" rel="nofollow noopener">${esc(text)}</a>`;
  return esc(text);
}

/** A link cell, or the text alone when there is no usable href. */
export function linkHtml(href: string | null, text: string): string {
  return href ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text);
}

/** The links of a document (its `links` array), skipping anything that is not a link. */
export function docLinks(data: unknown): DocLink[] {
  const links = isObject(data) && Array.isArray(data['links']) ? data['links'] : [];
  return links.filter((l): l is Record<string, unknown> => isObject(l) && typeof l['href'] === 'string').map((l) => ({
    href: l['href'] as string,
    rel: typeof l['rel'] === 'string' ? l['rel'] : '',
    type: typeof l['type'] === 'string' ? l['type'] : '',
    title: typeof l['title'] === 'string' ? l['title'] : '',
  }));
}

/** The section listing a document's links (title, relation, media type). */
export function linksSection(links: DocLink[], pl: PageLinks): string {
  if (!links.length) return '';
  const items = links.map((l) => {
    const meta = [l.rel && `rel: ${l.rel}`, l.type && `type: ${l.type}`].filter(Boolean).join(', ');
    return `<li>${linkHtml(pl.link(l.href), l.title || l.rel || l.href)}${meta ? ` <span class="meta">(${esc(meta)})</span>` : ''}</li>`;
  });
  return `<section>\n<h2>Links</h2>\n<ul class="links">\n${items.join('\n')}\n</ul>\n</section>`;
}

/** The document's link to its own JSON representation (self or alternate, a JSON type), for <link rel="alternate">. */
export function jsonAlternate(links: DocLink[]): DocLink | undefined {
  return links.find((l) => /json/i.test(l.type) && (l.rel === 'self' || l.rel === 'alternate'));
}

/** A <script type="application/json"> block: data for the page script, never executed, "</script>" cannot end it. */
export function dataBlock(id: string, value: unknown): string {
  return `<script type="application/json" id="${esc(id)}">${jsonForScript(value)}</script>`;
}

/** A map element and its status line; `attrs` are the data-* attributes (values escaped here). */
export function mapElement(kind: 'features' | 'extent' | 'wms', source: string, attrs: Record<string, string> = {}, cls = 'map'): string {
  const extra = Object.entries(attrs).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
  return `<div class="${esc(cls)}" data-map="${kind}" data-source="${esc(source)}"${extra} role="img" aria-label="Map"></div>\n` +
    '<p class="map-status" role="status" hidden></p>';
}

/** Whether a value is a plain object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string property of an object, or ''. */
export function str(o: unknown, key: string): string {
  if (!isObject(o)) return '';
  const v = o[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
