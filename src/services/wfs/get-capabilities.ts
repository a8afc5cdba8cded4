/**
 * WFS GetCapabilities, 2.0.0 / 1.1.0 / 1.0.0 (the version is negotiated by WfsService), KVP or XML POST.
 * Only the feature types access control lets this request read are listed, with the extent it may know and the
 * edits it may make. Documents are cached per version, sections, public URL, project and access-control key;
 * a project reload drops them (the server deletes a reloaded project's cached documents).
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { InvalidParameterError } from '../../errors/ogc-error.js';
import { defineParams, parseParams } from '../../params/table.js';
import { BufferRequest, type ServerRequest } from '../../server/request.js';
import type { WfsContext } from './context.js';
import { capabilities10 } from './capabilities-10.js';
import { filterCapabilities } from './capabilities-filter.js';
import { anyEditable, coord, crsText, editNames, featureTypeInfos, servedOperations, type FeatureTypeInfo } from './capabilities-model.js';
import { operationsMetadata, SECTION_NAMES, serviceIdentification, serviceProvider, type SectionName } from './capabilities-ows.js';
import { WFS_NAMESPACE, WFS_PREFIX } from './names.js';
import { childNamed, childrenNamed } from './xml/xml-tree.js';

/** GetCapabilities KVP parameters besides SERVICE / REQUEST / VERSION / ACCEPTVERSIONS (read by WfsService). */
export const GET_CAPABILITIES = defineParams({
  SECTIONS: { type: 'list', description: 'OWS sections (1.1.0, 2.0.0): ServiceIdentification, ServiceProvider, OperationsMetadata, FeatureTypeList, Filter_Capabilities, All' },
  ACCEPTFORMATS: { type: 'list', description: 'only text/xml is written; other values are ignored (OWS Common 7.3.5)' },
  UPDATESEQUENCE: { type: 'string', description: 'accepted and ignored, as in WMS' },
});

const CONTENT_TYPE = 'text/xml; charset=utf-8';

/** Namespaces of the OWS-based versions. */
const OWS_DOCS = {
  '1.1.0': {
    wfs: 'http://www.opengis.net/wfs', ows: 'http://www.opengis.net/ows', filter: ['ogc', 'http://www.opengis.net/ogc'],
    gml: 'http://www.opengis.net/gml', xsd: 'http://schemas.opengis.net/wfs/1.1.0/wfs.xsd',
  },
  '2.0.0': {
    wfs: 'http://www.opengis.net/wfs/2.0', ows: 'http://www.opengis.net/ows/1.1', filter: ['fes', 'http://www.opengis.net/fes/2.0'],
    gml: 'http://www.opengis.net/gml/3.2', xsd: 'http://schemas.opengis.net/wfs/2.0/wfs.xsd',
  },
} as const;

export async function getCapabilities(ctx: WfsContext): Promise<void> {
  const sections = ctx.version === '1.0.0' ? [...SECTION_NAMES] : requestedSections(ctx);
  const cache = ctx.iface.cacheManager();
  const ac = ctx.iface.accessControls();
  const key = cacheRequest(ctx, sections);
  const cached = await cache.getCachedDocument(ctx.project, key, ac);
  ctx.response.setHeader('Content-Type', CONTENT_TYPE);
  if (cached) {
    ctx.response.write(cached);
    return;
  }
  const xml = await buildDocument(ctx, sections);
  await cache.setCachedDocument(xml, ctx.project, key, ac);
  ctx.response.write(xml);
}

/**
 * The request the cache is keyed by: what the document depends on (version, sections, the public URL with MAP),
 * not how the client spelled it, so a POSTed request (whose body the cache key does not see) and KVP share entries.
 */
function cacheRequest(ctx: WfsContext, sections: readonly SectionName[]): ServerRequest {
  const query = new URLSearchParams({ SERVICE: 'WFS', REQUEST: 'GetCapabilities', VERSION: ctx.version, SECTIONS: sections.join(',') });
  return new BufferRequest(ctx.onlineResource + query.toString());
}

/** SECTIONS (KVP) or ows:Sections/ows:Section (POST): absent, empty or "All" → every section. */
function requestedSections(ctx: WfsContext): SectionName[] {
  const sectionsElement = ctx.body ? childNamed(ctx.body, 'Sections') : undefined;
  const written = ctx.body
    ? (sectionsElement ? childrenNamed(sectionsElement, 'Section').map((s) => s.text) : [])
    : parseParams(GET_CAPABILITIES, ctx.request.parameters()).SECTIONS ?? [];
  const wanted = written.map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return [...SECTION_NAMES];
  const out = new Set<SectionName>();
  for (const w of wanted) {
    if (w.toLowerCase() === 'all') return [...SECTION_NAMES];
    const hit = SECTION_NAMES.find((n) => n.toLowerCase() === w.toLowerCase());
    if (!hit) throw new InvalidParameterError('Sections', `Section '${w.slice(0, 60)}' is not known; use ${[...SECTION_NAMES, 'All'].join(', ')}`);
    out.add(hit);
  }
  return SECTION_NAMES.filter((n) => out.has(n));
}

async function buildDocument(ctx: WfsContext, sections: readonly SectionName[]): Promise<string> {
  const site = ctx.project.service.onlineResource ?? ctx.onlineResource.replace(/[?&]$/, '');
  const served = servedOperations(ctx);
  const types = await featureTypeInfos(ctx, { extents: sections.includes('FeatureTypeList') });
  const editable = anyEditable(types);
  if (ctx.version === '1.0.0') {
    return capabilities10({ service: ctx.project.service, href: ctx.onlineResource, site, served, types, editable });
  }
  const version = ctx.version;
  const ns = OWS_DOCS[version];
  const [filterPrefix, filterNs] = ns.filter;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(ns.wfs, 'wfs:WFS_Capabilities', {
    version,
    'xmlns:ows': ns.ows,
    [`xmlns:${filterPrefix}`]: filterNs,
    'xmlns:gml': ns.gml,
    'xmlns:xlink': 'http://www.w3.org/1999/xlink',
    [`xmlns:${WFS_PREFIX}`]: WFS_NAMESPACE,
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': `${ns.wfs} ${ns.xsd}`,
  });
  const m = ctx.project.service;
  if (sections.includes('ServiceIdentification')) serviceIdentification(root, m, version);
  if (sections.includes('ServiceProvider')) serviceProvider(root, m, site);
  if (sections.includes('OperationsMetadata')) operationsMetadata(root, { version, href: ctx.onlineResource, served, editable });
  if (sections.includes('FeatureTypeList') && types.length > 0) featureTypeList(root, types, version);
  if (sections.includes('Filter_Capabilities')) filterCapabilities(root, version);
  return root.end({ prettyPrint: true });
}

/** wfs:FeatureTypeList of 1.1.0 (SRS names, per-type Operations) and 2.0.0 (CRS names). */
function featureTypeList(root: XMLBuilder, types: readonly FeatureTypeInfo[], version: '1.1.0' | '2.0.0'): void {
  const list = root.ele('wfs:FeatureTypeList');
  if (version === '1.1.0') list.ele('wfs:Operations').ele('wfs:Operation').txt('Query');
  const crsTag = version === '2.0.0' ? 'CRS' : 'SRS';
  for (const t of types) {
    const ft = list.ele('wfs:FeatureType');
    ft.ele('wfs:Name').txt(t.name);
    ft.ele('wfs:Title').txt(t.title);
    if (t.abstract) ft.ele('wfs:Abstract').txt(t.abstract);
    if (t.keywords.length) {
      const kw = ft.ele('ows:Keywords');
      for (const k of t.keywords) kw.ele('ows:Keyword').txt(k);
    }
    ft.ele(`wfs:Default${crsTag}`).txt(crsText(t.defaultEpsg, version));
    for (const epsg of t.otherEpsg) ft.ele(`wfs:Other${crsTag}`).txt(crsText(epsg, version));
    if (version === '1.1.0') {
      const ops = ft.ele('wfs:Operations');
      for (const op of ['Query', ...editNames(t.edits)]) ops.ele('wfs:Operation').txt(op);
    }
    if (t.wgs84) {
      const [w, s, e, n] = t.wgs84;
      const bb = ft.ele('ows:WGS84BoundingBox');
      bb.ele('ows:LowerCorner').txt(`${coord(w)} ${coord(s)}`);
      bb.ele('ows:UpperCorner').txt(`${coord(e)} ${coord(n)}`);
    }
  }
}
