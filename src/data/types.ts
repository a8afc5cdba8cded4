/** What the data layer hands to services and the renderer. */

/** A GeoJSON geometry (RFC 7946 types; coordinates in the CRS asked for, x/y order). */
export type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'MultiPoint'; coordinates: number[][] }
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'MultiLineString'; coordinates: number[][][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

/** One feature as read: id, the authorised attributes only, geometry in the requested CRS. */
export interface Feature {
  id: string | number;
  attributes: Record<string, unknown>;
  geometry: Geometry | null;
}

/** A bounding box [minx, miny, maxx, maxy] in x/y order in `crs`. */
export interface BBox {
  crs: string;
  bounds: [number, number, number, number];
}

/** A vector read. */
export interface VectorQuery {
  /** Spatial filter (features intersecting it). */
  bbox?: BBox;
  /** Extra filter expression (our expression language), ANDed with the layer's and access control's. */
  filter?: string;
  /** CRS of the returned geometries (default: the layer's). */
  targetCrs?: string;
  /** Attributes wanted (default: all published, always narrowed to the authorised). */
  fields?: string[];
  /** Whether to read geometries (default true). */
  withGeometry?: boolean;
  /** Feature ids to read. */
  ids?: Array<string | number>;
  /** Sort by fields. */
  orderBy?: Array<{ field: string; descending: boolean }>;
  offset?: number;
  limit?: number;
  /** Geometry simplification tolerance in target CRS units (rendering). */
  simplify?: number;
  /** Stops the read when aborted (client gone). */
  signal?: AbortSignal;
}

/** A raster window read and warped onto an output grid. */
export interface RasterQuery {
  bbox: BBox;
  width: number;
  height: number;
  /** 1-based bands (default all). */
  bands?: number[];
  resampling?: 'nearest' | 'bilinear' | 'cubic';
  signal?: AbortSignal;
}

/** Band data on the output grid, row-major; nodata pixels flagged in `mask` (1 = data). */
export interface RasterWindow {
  width: number;
  height: number;
  bands: Float64Array[];
  mask: Uint8Array;
  noData: Array<number | null>;
}
