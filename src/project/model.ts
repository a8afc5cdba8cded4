/**
 * The project model: what a YAML project file describes once it is loaded and checked. Services,
 * the data layer and the renderer read it; only src/project builds it.
 */
import type { Project } from './project.js';

/** A colour: CSS hex (#rgb, #rrggbb, #rrggbbaa) or rgb()/rgba(), as written in the project. */
export type Color = string;

/** Service metadata, for capabilities documents. */
export interface ServiceMetadata {
  title: string;
  abstract: string;
  keywords: string[];
  contact: {
    person?: string;
    organization?: string;
    position?: string;
    email?: string;
    phone?: string;
    address?: { street?: string; city?: string; region?: string; postCode?: string; country?: string };
  };
  fees: string;
  accessConstraints: string;
  /** CRS advertised for every layer ("EPSG:4326", "EPSG:3857", ...). */
  crs: string[];
  /** Largest GetMap image; OWS_WMS_MAX_WIDTH / _HEIGHT may lower it. */
  maxWidth: number;
  maxHeight: number;
  /** Public URL override (else OWS_SERVICE_URL, else the request). */
  onlineResource?: string;
  /** Largest page of OGC API Features items for every layer that sets none (default 10,000; a larger limit is lowered to it). */
  maxFeatures?: number;
}

/** How a point is drawn. */
export interface MarkerSymbol {
  shape: 'circle' | 'square' | 'triangle' | 'star' | 'cross' | 'x' | 'diamond';
  /** Diameter in pixels at 90.7 DPI (the OGC 0.28 mm pixel); scaled by DPI. */
  size: number;
}

/** One symbol: fill, stroke and marker; sizes in pixels at 90.7 DPI. */
export interface Symbol {
  fill?: Color;
  stroke?: Color;
  strokeWidth: number;
  /** Dash pattern in pixels; empty for solid. */
  dash: number[];
  /** 0..1, applied to the whole symbol. */
  opacity: number;
  marker: MarkerSymbol;
}

/** Label placement. */
export type LabelPlacement = 'point' | 'line' | 'polygon' | 'auto';

/** Labels of a vector layer. */
export interface LabelStyle {
  /** The label text: an expression (a field is written "field"). */
  expression: string;
  font: string;
  /** Point size at 90.7 DPI; scaled by DPI. */
  size: number;
  color: Color;
  halo?: { color: Color; width: number };
  placement: LabelPlacement;
  offset: [number, number];
  /** Higher first when labels collide. */
  priority: number;
  minScale?: number;
  maxScale?: number;
}

/** A rule of a rule-based style: a filter expression and a scale range. */
export interface StyleRule {
  name: string;
  label: string;
  /** Expression; absent means every feature. */
  filter?: string;
  /** Applies only where no other rule of the list matched. */
  else: boolean;
  /** Scale denominators: drawn when minScale <= scale < maxScale (either may be absent). */
  minScale?: number;
  maxScale?: number;
  symbol: Symbol;
}

/** A vector style. */
export type VectorStyle =
  | { type: 'single'; symbol: Symbol; labels?: LabelStyle }
  | { type: 'categorized'; field: string; categories: Array<{ value: string | number | null; label: string; symbol: Symbol }>; defaultSymbol?: Symbol; labels?: LabelStyle }
  | { type: 'graduated'; field: string; classes: Array<{ min: number; max: number; label: string; symbol: Symbol }>; labels?: LabelStyle }
  | { type: 'rules'; rules: StyleRule[]; labels?: LabelStyle };

/** A raster style. */
export type RasterStyle =
  | { type: 'gray'; band: number; min?: number; max?: number }
  | { type: 'rgb'; bands: [number, number, number] | [number, number, number, number] }
  | { type: 'ramp'; band: number; interpolation: 'linear' | 'discrete'; stops: Array<{ value: number; color: Color; label: string }> };

/** A named style of a layer (WMS STYLES; the first one is the default). */
export interface NamedStyle<S> {
  name: string;
  title: string;
  style: S;
}

/** Where a layer's data comes from: any GDAL/OGR connection string, and the layer inside it. */
export interface DataSource {
  /** Absolute path, or a GDAL connection such as "PG:dbname=gis". */
  connection: string;
  /** The OGR layer name (vector); absent for single-layer sources and rasters. */
  layer?: string;
  /** SQL WHERE applied to every read (like a QGIS subset string), before access control's. */
  subset?: string;
}

/** A published field. */
export interface FieldDef {
  name: string;
  alias: string;
  /** From the source at load time: 'integer' | 'integer64' | 'real' | 'string' | 'date' | 'datetime' | 'boolean' | 'binary'. */
  type: string;
}

/** Extent in the layer's CRS and in WGS 84 (lon/lat order). */
export interface LayerExtent {
  crs: string;
  bbox: [number, number, number, number];
  wgs84: [number, number, number, number];
}

/** What every published layer has. */
interface LayerBase {
  name: string;
  title: string;
  abstract: string;
  keywords: string[];
  source: DataSource;
  /** "EPSG:nnnn" of the data (from the project, else read from the source). */
  crs: string;
  extent: LayerExtent;
  /** Scale denominators the layer is visible between (either may be absent). */
  minScale?: number;
  maxScale?: number;
  /** Services that publish it: subset of WMS, WFS, WCS, WMTS, OAPIF. */
  services: string[];
}

/** A vector layer. */
export interface VectorLayerDef extends LayerBase {
  kind: 'vector';
  geometryType: 'Point' | 'LineString' | 'Polygon' | 'MultiPoint' | 'MultiLineString' | 'MultiPolygon' | 'Geometry';
  /** Published fields with aliases, in order. */
  fields: FieldDef[];
  /** Field holding the feature id (else the OGR FID). */
  idField?: string;
  queryable: boolean;
  styles: Array<NamedStyle<VectorStyle>>;
  /** The edits the project allows (WFS-T); access control may narrow them further. All false unless the project says `editable`. */
  editable: LayerEdits;
  /** Decimals of coordinates in WFS / OGC API answers (QGIS Server's WFSLayersPrecision); the loader sets 6 when absent. */
  precision?: number;
  /** The published field OGC API Features' datetime filters on and reads the temporal extent from (date, date-time or text). */
  temporal?: { field: string };
  /** Largest page of OGC API Features items (else the service's maxFeatures). */
  maxFeatures?: number;
}

/** The edits allowed on a vector layer. */
export interface LayerEdits {
  insert: boolean;
  update: boolean;
  delete: boolean;
}

/** A raster layer. */
export interface RasterLayerDef extends LayerBase {
  kind: 'raster';
  bandCount: number;
  queryable: boolean;
  styles: Array<NamedStyle<RasterStyle>>;
}

/** A published layer. */
export type LayerDef = VectorLayerDef | RasterLayerDef;

/** A group in the layer tree (a WMS named layer made of its children). */
export interface GroupDef {
  kind: 'group';
  name: string;
  title: string;
  abstract: string;
  children: Array<GroupDef | LayerDef>;
}

/** A node of the layer tree. */
export type LayerTreeNode = GroupDef | LayerDef;

/** A loaded project. */
export interface ProjectModel extends Project {
  readonly fileName: string;
  readonly title: string;
  /** Modification time of the file when loaded (ms since epoch); a change reloads the project. */
  readonly mtimeMs: number;
  readonly service: ServiceMetadata;
  /** The layer tree, top level first, in drawing order bottom to top as written. */
  readonly tree: LayerTreeNode[];
  /** Every layer by name. */
  readonly layers: ReadonlyMap<string, LayerDef>;
  /** Every group by name. */
  readonly groups: ReadonlyMap<string, GroupDef>;
}
