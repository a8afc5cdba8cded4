/** What the map renderer is given: the output grid and the layers to draw on it, bottom to top. */
import type { Feature, RasterWindow } from '../data/types.js';
import type { Color, RasterLayerDef, RasterStyle, VectorLayerDef, VectorStyle } from '../project/model.js';

/** The OGC standardised rendering pixel (0.28 mm) expressed as dots per inch: 25.4 / 0.28. */
export const OGC_DPI = 25.4 / 0.28;

/**
 * Features of a vector layer as the data layer hands them over: an array, or an async stream of
 * features; a stream may also yield arrays of features (batches), which saves one await per feature.
 */
export type FeatureSource = Iterable<Feature> | AsyncIterable<Feature | readonly Feature[]>;

/** A vector layer to draw. */
export interface VectorRenderLayer {
  kind: 'vector';
  def: VectorLayerDef;
  style: VectorStyle;
  features: FeatureSource;
  /** 0..1 (WMS OPACITIES / 255); default 1. */
  opacity?: number;
}

/** A raster layer to draw: a window already read and warped onto the output grid. */
export interface RasterRenderLayer {
  kind: 'raster';
  def: RasterLayerDef;
  style: RasterStyle;
  window: RasterWindow;
  /**
   * Which source band (1-based) each entry of `window.bands` holds, when the read asked for a
   * subset (see `rasterStyleBands`); default: window band i is source band i + 1.
   */
  bands?: readonly number[];
  /** 0..1; default 1. */
  opacity?: number;
}

/** A layer to draw. */
export type RenderLayer = VectorRenderLayer | RasterRenderLayer;

/** The output grid and how to paint it. */
export interface MapRequest {
  width: number;
  height: number;
  /** [minx, miny, maxx, maxy] in x/y order of the output CRS. */
  bbox: readonly [number, number, number, number];
  /**
   * Metres per CRS unit, for the scale denominator: 1 for projected metre CRSs, `METERS_PER_DEGREE`
   * for geographic ones (see scale.ts). Default 1.
   */
  metersPerUnit?: number;
  /** Default `OGC_DPI` (90.7): symbol sizes are given at that resolution and scale with dpi / 90.7. */
  dpi?: number;
  /** Transparent background (WMS TRANSPARENT=TRUE); default false. */
  transparent?: boolean;
  /** Background colour when not transparent; default white. */
  background?: Color;
  /** Layers bottom to top. */
  layers: readonly RenderLayer[];
  /** Stops reading features when aborted (the client went away). */
  signal?: AbortSignal;
}

/** What a render reports besides the picture (for logs and tests). */
export interface RenderStats {
  /** Scale denominator the render used. */
  scale: number;
  /** Features read, and features drawn (at least one symbol applied). */
  featuresRead: number;
  featuresDrawn: number;
  /** Labels offered, and labels placed after collision checks. */
  labelCandidates: number;
  labelsPlaced: number;
  /** Raster layers drawn (continuous tone: the PNG encoder filters rows when there are any). */
  rastersDrawn: number;
  /** Layers skipped: out of scale range, no active rule, or zero opacity. */
  layersSkipped: string[];
}
