import type { DataAccess } from '../data/index.js';
import type { ServerInterface } from '../server/server-interface.js';
import { supportedImageFormats } from '../render/index.js';
import { WmsService } from './wms/index.js';
import { getCapabilities } from './wms/get-capabilities.js';
import { getMap } from './wms/get-map.js';
import { getFeatureInfo } from './wms/get-feature-info.js';
import { getLegendGraphic } from './wms/get-legend-graphic.js';
import { describeLayer } from './wms/describe-layer.js';
import { WfsService } from './wfs/index.js';
import { getCapabilities as wfsGetCapabilities } from './wfs/get-capabilities.js';
import { describeFeatureType } from './wfs/describe-feature-type.js';
import { getFeature } from './wfs/get-feature.js';
import { transaction } from './wfs/transaction.js';
import { describeStoredQueries, listStoredQueries } from './wfs/stored-queries.js';
import { featuresApi } from '../ogcapi/features/index.js';

/** Registers the built-in OGC services (WMS, WFS) and OGC API Features on a server interface. */
export function registerCoreServices(iface: ServerInterface, data: DataAccess): void {
  iface.serviceRegistry().registerService(new WmsService(iface, data, {
    GetCapabilities: (ctx) => getCapabilities(ctx, supportedImageFormats()),
    GetMap: getMap,
    GetFeatureInfo: getFeatureInfo,
    GetLegendGraphic: getLegendGraphic,
    DescribeLayer: describeLayer,
  }));
  iface.serviceRegistry().registerService(new WfsService(iface, data, {
    GetCapabilities: wfsGetCapabilities,
    DescribeFeatureType: describeFeatureType,
    GetFeature: getFeature,
    Transaction: transaction,
    ListStoredQueries: listStoredQueries,
    DescribeStoredQueries: describeStoredQueries,
  }));
  iface.serviceRegistry().registerApi(featuresApi(iface, data));
}
