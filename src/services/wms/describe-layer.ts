/**
 * WMS DescribeLayer: which OWS serves each layer's data. WMS 1.3.0 answers the SLD 1.1.0
 * DescribeLayerResponse (owsType wfs / wcs, se:OnlineResource, TypeName with se:FeatureTypeName or
 * se:CoverageName); WMS 1.1.1 answers WMS_DescribeLayerResponse (its DTD: LayerDescription name, wfs,
 * owsURL, owsType and a Query typeName). A group stands for its layers; a layer that does not exist or
 * may not be read is LayerNotDefined. As in QGIS, WMS 1.3.0 requires SLD_VERSION=1.1.0.
 */
import { create } from 'xmlbuilder2';
import { InvalidParameterError, MissingParameterError, OgcError } from '../../errors/ogc-error.js';
import { parseParams } from '../../params/table.js';
import type { LayerDef, LayerTreeNode } from '../../project/model.js';
import type { WmsContext } from './context.js';
import { DESCRIBE_LAYER } from './parameters.js';

const SLD = 'http://www.opengis.net/sld';
const SE = 'http://www.opengis.net/se';
const XLINK = 'http://www.w3.org/1999/xlink';

/** WMS DescribeLayer. */
export async function describeLayer(ctx: WmsContext): Promise<void> {
  const q = ctx.request.parameters();
  if (ctx.version === '1.3.0') {
    const sld = (q.get('SLD_VERSION') ?? '').trim();
    if (sld === '') throw new MissingParameterError('SLD_VERSION', 'SLD_VERSION is mandatory for DescribeLayer in WMS 1.3.0 (use 1.1.0)');
    if (sld !== '1.1.0') throw new InvalidParameterError('SLD_VERSION', `SLD_VERSION ('${sld.slice(0, 20)}') is not supported; use 1.1.0`);
  }
  const p = parseParams(DESCRIBE_LAYER, q);
  const names = p.LAYERS.map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new OgcError('MissingParameterValue', 'The LAYERS parameter is empty', { locator: 'LAYERS' });
  const layers: LayerDef[] = [];
  for (const name of names) {
    for (const leaf of leaves(ctx.access.node(ctx.project, name, 'LayerNotDefined'))) if (!layers.includes(leaf)) layers.push(leaf);
  }
  const href = ctx.onlineResource;
  if (ctx.version === '1.3.0') {
    ctx.response.setHeader('Content-Type', 'text/xml; charset=utf-8');
    ctx.response.write(sld110(layers, href));
  } else {
    ctx.response.setHeader('Content-Type', 'application/vnd.ogc.sld+xml; charset=utf-8');
    ctx.response.write(wms111(layers, href));
  }
}

function leaves(node: LayerTreeNode): LayerDef[] {
  return node.kind === 'group' ? node.children.flatMap(leaves) : [node];
}

/** SLD 1.1.0 DescribeLayerResponse (WMS 1.3.0 SLD profile). */
function sld110(layers: LayerDef[], href: string): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(SLD, 'DescribeLayerResponse', {
    'xmlns:ows': 'http://www.opengis.net/ows',
    'xmlns:se': SE,
    'xmlns:xlink': XLINK,
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': 'http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/DescribeLayer.xsd',
  });
  root.ele(SLD, 'Version').txt('1.1.0');
  for (const layer of layers) {
    const d = root.ele(SLD, 'LayerDescription');
    d.ele(SLD, 'owsType').txt(layer.kind === 'vector' ? 'wfs' : 'wcs');
    d.ele(SE, 'se:OnlineResource', { 'xlink:type': 'simple', 'xlink:href': href });
    d.ele(SLD, 'TypeName').ele(SE, layer.kind === 'vector' ? 'se:FeatureTypeName' : 'se:CoverageName').txt(layer.name);
  }
  return root.end({ prettyPrint: true });
}

/** WMS 1.1.1 WMS_DescribeLayerResponse (SLD 1.0 profile, DTD). */
function wms111(layers: LayerDef[], href: string): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', standalone: false })
    .dtd({ name: 'WMS_DescribeLayerResponse', sysID: 'http://schemas.opengis.net/wms/1.1.1/WMS_DescribeLayerResponse.dtd' });
  const root = doc.ele('WMS_DescribeLayerResponse', { version: '1.1.1' });
  for (const layer of layers) {
    const vector = layer.kind === 'vector';
    const d = root.ele('LayerDescription', { name: layer.name, ...(vector ? { wfs: href } : {}), owsURL: href, owsType: vector ? 'WFS' : 'WCS' });
    d.ele('Query', { typeName: layer.name });
  }
  return root.end({ prettyPrint: true });
}
