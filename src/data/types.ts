/** What the data layer hands to services and the renderer. */
import type { VectorLayerDef } from '../project/model.js';

/** A GeoJSON geometry (RFC 7946 types; coordinates in the CRS asked for, x/y order). */
export type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'MultiPoint'; coordinates: number[][] }
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'MultiLineString'; coordinates: number[][][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

/**
 * Set (not enumerable) on geometries built from an immutable in-memory snapshot: which store and which feature.
 * Writers may key serialised text on it (src/services/wfs/writers/geometry-cache.ts); it is never client input.
 */
export const GEOMETRY_SOURCE: unique symbol = Symbol('ows.geometrySource');

/** What GEOMETRY_SOURCE holds: the snapshot's geometry store (identity only) and the feature's index in it. */
export interface GeometrySource {
  readonly store: object;
  readonly index: number;
}

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

/** A spatial operator of a SpatialPredicate (Filter Encoding's, plus bbox). */
export type SpatialOperator = 'bbox' | 'intersects' | 'disjoint' | 'within' | 'contains' | 'equals' | 'touches'
  | 'crosses' | 'overlaps' | 'dwithin' | 'beyond';

/** "feature <op> literal": within = the feature lies within the literal; contains = the feature contains it. */
export interface SpatialPredicate {
  op: SpatialOperator;
  /** The literal geometry in x/y (east, north) order, in `crs`. */
  geometry: Geometry;
  /** Any name resolveCrs accepts. */
  crs: string;
  /** dwithin / beyond only. */
  distance?: number;
  /** 'm' | 'km' | 'deg' | null (= units of the CRS the test runs in: the layer's). */
  units?: string | null;
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
  /** Spatial predicates on the feature geometry, ANDed with bbox, filter and ids (offset, limit and counts apply after them). */
  spatial?: SpatialPredicate[];
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

/** Which features an update or delete touches (ANDed; access control's subset and filter are ANDed too). */
export interface EditWhere {
  filter?: string;
  ids?: Array<string | number>;
  spatial?: SpatialPredicate[];
  bbox?: BBox;
}

/** A feature to insert: attributes by field name, geometry GeoJSON in x/y order in `crs` (default: the layer CRS). */
export interface NewFeature {
  attributes: Record<string, unknown>;
  geometry: Geometry | null;
  crs?: string;
}

/** One action of a transaction. */
export type EditAction =
  | { type: 'insert'; layer: VectorLayerDef; features: NewFeature[]; handle?: string }
  | {
      type: 'update'; layer: VectorLayerDef; where: EditWhere; attributes: Record<string, unknown>;
      geometry?: { value: Geometry | null; crs?: string }; handle?: string;
    }
  | { type: 'delete'; layer: VectorLayerDef; where: EditWhere; handle?: string };

/** What a committed transaction did. */
export interface EditResult {
  /** Per insert action: ids are the idField values, else the new FIDs. */
  inserted: Array<{ layer: string; handle?: string; ids: Array<string | number> }>;
  updated: number;
  deleted: number;
}
