/**
 * The data layer's public face. Reads and edits go through DataAccess.forRequest(accessControl) → LayerAccess,
 * the one place access control is applied; the sources and the dataset pool are deliberately not exported.
 *
 * LayerAccess: readFeatures / readFeatureBatches (arrays of up to 500 features: one promise per batch) /
 * countFeatures (VectorQuery, with `spatial: SpatialPredicate[]` tested in the layer CRS: spatial.ts), fields, readRaster, transaction(EditAction[]) → EditResult (all-or-nothing: edit.ts),
 * editsAllowed(layer) (the project's `editable` ANDed with layerPermissions), checkEdit.
 */
export {
  DataAccess, LayerAccess, layerNotDefined, serverLayer, readableLayers, isReadable, DEFAULT_SNAPSHOT_MAX_FEATURES,
  type DataAccessOptions, type ReadOptions, type EditOperation,
} from './layer-access.js';
export type { SnapshotStats } from './snapshot-store.js';
export { DataSourceError, type PoolStats, type OpenMode } from './dataset-pool.js';
export {
  parseCrsName, resolveCrs, isKnownCrs, isGeographic, axisOrderIsLatLon, sameCrs, transformer, transformBBox, transformBounds,
  invalidCrsError, raiseInvalidCrs, type Crs, type CrsName, type Transformer,
} from './crs.js';
export type {
  Feature, Geometry, BBox, VectorQuery, RasterQuery, RasterWindow,
  SpatialOperator, SpatialPredicate, EditWhere, NewFeature, EditAction, EditResult,
} from './types.js';
