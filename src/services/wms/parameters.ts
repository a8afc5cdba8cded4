import { defineParams } from '../../params/table.js';

/** Image formats GetMap may be asked for (the renderer says which it can write). */
export const GETMAP_FORMATS = ['image/png', 'image/png; mode=8bit', 'image/jpeg', 'image/webp'] as const;
/** Answer formats of GetFeatureInfo. */
export const INFO_FORMATS = [
  'text/plain', 'text/html', 'text/xml', 'application/json', 'application/geo+json',
  'application/vnd.ogc.gml', 'application/vnd.ogc.gml/3.1.1',
] as const;

/** Parameters every WMS request shares. */
export const COMMON = defineParams({
  REQUEST: { type: 'string', required: true, description: 'the operation' },
  VERSION: { type: 'string', aliases: ['WMTVER'], description: 'WMS version (1.3.0 or 1.1.1; negotiated)' },
});

/** GetCapabilities. */
export const GET_CAPABILITIES = defineParams({
  FORMAT: { type: 'string', description: 'text/xml (1.3.0) or application/vnd.ogc.wms_xml (1.1.1)' },
  UPDATESEQUENCE: { type: 'string' },
});

/** The map part shared by GetMap and GetFeatureInfo. */
export const MAP = defineParams({
  LAYERS: { type: 'list', required: true, description: 'layers and groups, bottom first' },
  STYLES: { type: 'list', default: [], description: 'one style per layer; empty for the default' },
  CRS: { type: 'string', required: true, aliases: ['SRS'], description: 'CRS (1.3.0) or SRS (1.1.1)' },
  BBOX: { type: 'list', required: true, description: 'minx,miny,maxx,maxy in the CRS axis order' },
  WIDTH: { type: 'integer', required: true, min: 1 },
  HEIGHT: { type: 'integer', required: true, min: 1 },
  DPI: { type: 'double', min: 1, max: 2400, description: 'output resolution (vendor; also FORMAT_OPTIONS=dpi:N)' },
  FORMAT_OPTIONS: { type: 'string', description: 'vendor options, e.g. dpi:180' },
  FILTER: { type: 'string', description: 'vendor: layer:"field" = \'x\';layer2:...' },
  OPACITIES: { type: 'list', description: 'vendor: 0..255 per layer' },
});

/** GetMap on top of MAP. */
export const GET_MAP = defineParams({
  FORMAT: { type: 'string', required: true },
  TRANSPARENT: { type: 'boolean', default: false },
  BGCOLOR: { type: 'string', default: '0xFFFFFF' },
  EXCEPTIONS: { type: 'string', description: 'XML, INIMAGE or BLANK (1.1.1: application/vnd.ogc.se_xml, _inimage, _blank)' },
});

/** GetFeatureInfo on top of MAP. */
export const GET_FEATURE_INFO = defineParams({
  QUERY_LAYERS: { type: 'list', required: true },
  INFO_FORMAT: { type: 'string', default: 'text/plain' },
  I: { type: 'integer', aliases: ['X'], min: 0 },
  J: { type: 'integer', aliases: ['Y'], min: 0 },
  FEATURE_COUNT: { type: 'integer', default: 1, min: 1, max: 1000 },
  FI_POINT_TOLERANCE: { type: 'integer', min: 0, max: 100 },
  FI_LINE_TOLERANCE: { type: 'integer', min: 0, max: 100 },
  FI_POLYGON_TOLERANCE: { type: 'integer', min: 0, max: 100 },
  WITH_GEOMETRY: { type: 'boolean', default: false },
  EXCEPTIONS: { type: 'string' },
});

/** GetLegendGraphic (SLD 1.1 profile, QGIS vendor options). */
export const GET_LEGEND_GRAPHIC = defineParams({
  LAYER: { type: 'list', required: true, aliases: ['LAYERS'] },
  STYLE: { type: 'string', aliases: ['STYLES'] },
  FORMAT: { type: 'string', default: 'image/png', allowed: ['image/png', 'application/json'] },
  RULE: { type: 'string' },
  WIDTH: { type: 'integer', min: 1, max: 2048 },
  HEIGHT: { type: 'integer', min: 1, max: 2048 },
  SCALE: { type: 'double', min: 0 },
  TRANSPARENT: { type: 'boolean', default: false },
  SLD_VERSION: { type: 'string' },
});

/** DescribeLayer. */
export const DESCRIBE_LAYER = defineParams({
  LAYERS: { type: 'list', required: true },
  SLD_VERSION: { type: 'string' },
});
