import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { axisOrderIsLatLon, transformBBox } from '../../data/index.js';
import { parseParams } from '../../params/table.js';
import type { LayerDef, LayerTreeNode, ProjectModel } from '../../project/model.js';
import { OgcError } from '../../errors/ogc-error.js';
import { readableExtents, type Box, type Extents } from '../readable-extents.js';
import type { WmsContext } from './context.js';
import { GET_CAPABILITIES, GETMAP_FORMATS, INFO_FORMATS } from './parameters.js';

const XLINK = 'http://www.w3.org/1999/xlink';

/** WMS GetCapabilities, 1.3.0 or 1.1.1: only layers access control lets this request read; served from the cache when it can be. */
export async function getCapabilities(ctx: WmsContext, imageFormats: readonly string[] = GETMAP_FORMATS): Promise<void> {
  const p = parseParams(GET_CAPABILITIES, ctx.request.parameters());
  const { iface, project, request, response } = ctx;
  const cache = iface.cacheManager();
  const ac = iface.accessControls();
  const contentType = ctx.version === '1.3.0' ? 'text/xml; charset=utf-8' : 'application/vnd.ogc.wms_xml; charset=utf-8';
  if (p.FORMAT && !['text/xml', 'application/vnd.ogc.wms_xml', 'application/xml'].includes(p.FORMAT)) {
    throw new OgcError('InvalidFormat', `GetCapabilities FORMAT '${p.FORMAT}' is not supported; use text/xml`, { locator: 'FORMAT' });
  }
  const cached = await cache.getCachedDocument(project, request, ac);
  if (cached) {
    response.setHeader('Content-Type', contentType);
    response.write(cached);
    return;
  }
  const xml = ctx.version === '1.3.0' ? await capabilities130(ctx, imageFormats) : await capabilities111(ctx, imageFormats);
  await cache.setCachedDocument(xml, project, request, ac);
  response.setHeader('Content-Type', contentType);
  response.write(xml);
}

async function capabilities130(ctx: WmsContext, imageFormats: readonly string[]): Promise<string> {
  const { project } = ctx;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.opengis.net/wms', 'WMS_Capabilities', {
    version: '1.3.0',
    'xmlns:xlink': XLINK,
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xmlns:sld': 'http://www.opengis.net/sld',
    'xsi:schemaLocation': 'http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd',
  });
  serviceSection(root, ctx, 'WMS');
  const cap = root.ele('Capability');
  const req = cap.ele('Request');
  operation(req, 'GetCapabilities', ['text/xml'], ctx.onlineResource);
  operation(req, 'GetMap', imageFormats, ctx.onlineResource);
  operation(req, 'GetFeatureInfo', INFO_FORMATS, ctx.onlineResource);
  operation(req, 'sld:DescribeLayer', ['text/xml'], ctx.onlineResource);
  operation(req, 'sld:GetLegendGraphic', ['image/png', 'application/json'], ctx.onlineResource);
  const ex = cap.ele('Exception');
  for (const f of ['XML', 'INIMAGE', 'BLANK']) ex.ele('Format').txt(f);
  await layerTree(cap, ctx, project, '1.3.0');
  return root.end({ prettyPrint: true });
}

async function capabilities111(ctx: WmsContext, imageFormats: readonly string[]): Promise<string> {
  const { project } = ctx;
  const doc = create({ version: '1.0', encoding: 'UTF-8', standalone: false })
    .dtd({ name: 'WMT_MS_Capabilities', sysID: 'http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd' });
  const root = doc.ele('WMT_MS_Capabilities', { version: '1.1.1', 'xmlns:xlink': XLINK });
  serviceSection(root, ctx, 'OGC:WMS');
  const cap = root.ele('Capability');
  const req = cap.ele('Request');
  operation(req, 'GetCapabilities', ['application/vnd.ogc.wms_xml'], ctx.onlineResource);
  operation(req, 'GetMap', imageFormats, ctx.onlineResource);
  operation(req, 'GetFeatureInfo', INFO_FORMATS, ctx.onlineResource);
  operation(req, 'DescribeLayer', ['application/vnd.ogc.sld+xml'], ctx.onlineResource);
  operation(req, 'GetLegendGraphic', ['image/png', 'application/json'], ctx.onlineResource);
  const ex = cap.ele('Exception');
  for (const f of ['application/vnd.ogc.se_xml', 'application/vnd.ogc.se_inimage', 'application/vnd.ogc.se_blank']) ex.ele('Format').txt(f);
  await layerTree(cap, ctx, project, '1.1.1');
  return root.end({ prettyPrint: true });
}

function serviceSection(root: XMLBuilder, ctx: WmsContext, name: string): void {
  const m = ctx.project.service;
  const s = root.ele('Service');
  s.ele('Name').txt(name);
  s.ele('Title').txt(m.title);
  if (m.abstract) s.ele('Abstract').txt(m.abstract);
  if (m.keywords.length) {
    const kl = s.ele('KeywordList');
    for (const k of m.keywords) kl.ele('Keyword').txt(k);
  }
  s.ele('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': m.onlineResource ?? ctx.onlineResource.replace(/[?&]$/, '') });
  const c = m.contact;
  if (c.person || c.organization || c.email || c.phone || c.position || c.address) {
    const ci = s.ele('ContactInformation');
    if (c.person || c.organization) {
      const pp = ci.ele('ContactPersonPrimary');
      pp.ele('ContactPerson').txt(c.person ?? '');
      pp.ele('ContactOrganization').txt(c.organization ?? '');
    }
    if (c.position) ci.ele('ContactPosition').txt(c.position);
    if (c.address) {
      const a = ci.ele('ContactAddress');
      a.ele('AddressType').txt('postal');
      a.ele('Address').txt(c.address.street ?? '');
      a.ele('City').txt(c.address.city ?? '');
      a.ele('StateOrProvince').txt(c.address.region ?? '');
      a.ele('PostCode').txt(c.address.postCode ?? '');
      a.ele('Country').txt(c.address.country ?? '');
    }
    if (c.phone) ci.ele('ContactVoiceTelephone').txt(c.phone);
    if (c.email) ci.ele('ContactElectronicMailAddress').txt(c.email);
  }
  s.ele('Fees').txt(m.fees || 'none');
  s.ele('AccessConstraints').txt(m.accessConstraints || 'none');
  if (root.node.nodeName === 'WMS_Capabilities') {
    s.ele('MaxWidth').txt(String(m.maxWidth));
    s.ele('MaxHeight').txt(String(m.maxHeight));
  }
}

function operation(req: XMLBuilder, name: string, formats: readonly string[], href: string): void {
  const op = req.ele(name);
  for (const f of formats) op.ele('Format').txt(f);
  const http = op.ele('DCPType').ele('HTTP');
  http.ele('Get').ele('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': href });
  http.ele('Post').ele('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': href });
}

/** The root layer (the project: title, CRS list, overall extent) with the readable tree inside. */
async function layerTree(cap: XMLBuilder, ctx: WmsContext, project: ProjectModel, version: '1.3.0' | '1.1.1'): Promise<void> {
  const tree = ctx.access.readableTree(project);
  const extents = await readableExtents(ctx.iface.accessControls(), ctx.access, leaves(tree), ctx.response.signal);
  const crsList = project.service.crs;
  const root = cap.ele('Layer', { queryable: tree.some((n) => anyQueryable(n)) ? '1' : '0' });
  root.ele('Title').txt(project.service.title || project.title);
  if (project.service.abstract) root.ele('Abstract').txt(project.service.abstract);
  const all = leaves(tree);
  for (const crs of new Set([...crsList, ...all.map((l) => l.crs)])) root.ele(version === '1.3.0' ? 'CRS' : 'SRS').txt(crs);
  const wgs = union(all.map((l) => extents.get(l) ?? null));
  if (wgs) await boxes(root, wgs, crsList, version);
  for (const node of tree) await layerElement(root, node, ctx, version, extents);
}

async function layerElement(parent: XMLBuilder, node: LayerTreeNode, ctx: WmsContext, version: '1.3.0' | '1.1.1', extents: Extents): Promise<void> {
  const el = parent.ele('Layer', { queryable: anyQueryable(node) ? '1' : '0', opaque: '0' });
  el.ele('Name').txt(node.name);
  el.ele('Title').txt(node.title || node.name);
  if (node.abstract) el.ele('Abstract').txt(node.abstract);
  if (node.kind !== 'group' && node.keywords.length) {
    const kl = el.ele('KeywordList');
    for (const k of node.keywords) kl.ele('Keyword').txt(k);
  }
  const own = node.kind === 'group' ? [] : [node.crs];
  for (const crs of own.filter((c) => !ctx.project.service.crs.includes(c))) el.ele(version === '1.3.0' ? 'CRS' : 'SRS').txt(crs);
  const wgs = union(leaves([node]).map((l) => extents.get(l) ?? null));
  if (wgs) await boxes(el, wgs, [...new Set([...ctx.project.service.crs, ...own])], version);
  // Groups advertise no style: WMS children inherit their parent's styles, and may not redefine a name.
  const styles = node.kind === 'group' ? [] : node.styles;
  for (const s of styles) {
    const st = el.ele('Style');
    st.ele('Name').txt(s.name);
    st.ele('Title').txt(s.title || s.name);
    const url = `${ctx.onlineResource}SERVICE=WMS&VERSION=${version}&REQUEST=GetLegendGraphic&LAYER=${encodeURIComponent(node.name)}&FORMAT=image/png&STYLE=${encodeURIComponent(s.name)}&SLD_VERSION=1.1.0`;
    const lu = st.ele('LegendURL', { width: '32', height: '32' });
    lu.ele('Format').txt('image/png');
    lu.ele('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': url });
  }
  if (node.kind !== 'group') {
    if (version === '1.3.0') {
      if (node.minScale !== undefined) el.ele('MinScaleDenominator').txt(String(node.minScale));
      if (node.maxScale !== undefined) el.ele('MaxScaleDenominator').txt(String(node.maxScale));
    } else if (node.minScale !== undefined || node.maxScale !== undefined) {
      // ScaleHint is the diagonal size of a pixel in metres (WMS 1.1.1 7.1.4.5.8), from the 0.28 mm pixel.
      const hint = (s: number | undefined, dflt: number) => String(s === undefined ? dflt : (s * 0.00028) * Math.SQRT2);
      el.ele('ScaleHint', { min: hint(node.minScale, 0), max: hint(node.maxScale, 1e12) });
    }
  } else {
    for (const child of node.children) await layerElement(el, child, ctx, version, extents);
  }
}

/** EX_GeographicBoundingBox / LatLonBoundingBox, then one BoundingBox per CRS in that CRS's axis order (1.3.0). */
async function boxes(el: XMLBuilder, wgs: Box, crsList: readonly string[], version: '1.3.0' | '1.1.1'): Promise<void> {
  const [w, s, e, n] = wgs;
  if (version === '1.3.0') {
    const g = el.ele('EX_GeographicBoundingBox');
    g.ele('westBoundLongitude').txt(num(w));
    g.ele('eastBoundLongitude').txt(num(e));
    g.ele('southBoundLatitude').txt(num(s));
    g.ele('northBoundLatitude').txt(num(n));
  } else {
    el.ele('LatLonBoundingBox', { minx: num(w), miny: num(s), maxx: num(e), maxy: num(n) });
  }
  for (const crs of crsList) {
    const b = await boxIn(wgs, crs);
    if (!b) continue;
    let [minx, miny, maxx, maxy] = b;
    if (version === '1.3.0' && (await axisOrderIsLatLon(crs).catch(() => false))) [minx, miny, maxx, maxy] = [miny, minx, maxy, maxx];
    el.ele('BoundingBox', { [version === '1.3.0' ? 'CRS' : 'SRS']: crs, minx: num(minx), miny: num(miny), maxx: num(maxx), maxy: num(maxy) });
  }
}

/** Beyond this many metres from the origin a projected coordinate is the pole blowing up (Mercator at ±90°). */
const ABSURD = 4.1e7;
/** Web Mercator's latitude limit. */
const MERCATOR_LAT = 85.0511287798;

/** A WGS 84 box in another CRS; where poles make no sense in it, the box is first clipped to ±85.05°. */
async function boxIn(wgs: Box, crs: string): Promise<Box | null> {
  const first = await transformBBox({ crs: 'EPSG:4326', bounds: wgs }, crs).catch(() => null);
  if (first && first.bounds.every((v) => Number.isFinite(v) && Math.abs(v) < ABSURD)) return first.bounds;
  const clipped: Box = [wgs[0], Math.max(wgs[1], -MERCATOR_LAT), wgs[2], Math.min(wgs[3], MERCATOR_LAT)];
  const second = await transformBBox({ crs: 'EPSG:4326', bounds: clipped }, crs).catch(() => null);
  return second && second.bounds.every((v) => Number.isFinite(v) && Math.abs(v) < ABSURD) ? second.bounds : null;
}

function anyQueryable(node: LayerTreeNode): boolean {
  return node.kind === 'group' ? node.children.some(anyQueryable) : node.queryable;
}

function leaves(nodes: readonly LayerTreeNode[]): LayerDef[] {
  return nodes.flatMap((n) => (n.kind === 'group' ? leaves(n.children) : [n]));
}

function union(boxesIn: Array<Box | null>): Box | null {
  const known = boxesIn.filter((b): b is Box => b !== null);
  if (!known.length) return null;
  return known.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
}

function num(v: number): string {
  return String(Math.round(v * 1e8) / 1e8);
}

