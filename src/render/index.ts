/** Map rendering with node-canvas: maps, legends, image encoding. */
export { OGC_DPI } from './types.js';
export type { FeatureSource, MapRequest, RasterRenderLayer, RenderLayer, RenderStats, VectorRenderLayer } from './types.js';
export { layerVisibleAtScale, mapScale, renderMap, type RenderedMap } from './map-renderer.js';
export { METERS_PER_DEGREE, inScaleRange, scaleDenominator } from './scale.js';
export { compileStyle, labelExpression, styleFields } from './style-eval.js';
export { rasterStyleBands, rasterToCanvas } from './raster.js';
export { parseColor, type Rgba } from './color.js';
export {
  closeEncoders, contentTypeOf, encodeImage, encodersStarted, normalizeImageFormat, supportedImageFormats, warmUpEncoders,
  warmUpEncodersInBackground, webpSupported,
  type EncodeOptions, type ImageFormat,
} from './encode.js';
export { findLegendItem, layerLegend, type GroupLegend, type LayerLegend, type LegendItem, type LegendNode } from './legend-model.js';
export { legendToJson, renderLegendIcon, renderLegendImage, type LegendFont, type LegendOptions } from './legend.js';
export { renderExceptionImage, type ExceptionImageOptions } from './exception-image.js';
export { geometryKind } from './label-geometry.js';
