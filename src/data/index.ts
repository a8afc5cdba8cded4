/**
 * The data layer's public face. Reads go through DataAccess.forRequest(accessControl) → LayerAccess, the one
 * place access control is applied; the sources and the dataset pool are deliberately not exported.
 */
export {
  DataAccess, LayerAccess, layerNotDefined, serverLayer, readableLayers, isReadable,
  type DataAccessOptions, type ReadOptions, type EditOperation,
} from './layer-access.js';
export type { SnapshotStats } from './snapshot-store.js';
export { DataSourceError, type PoolStats, type OpenMode } from './dataset-pool.js';
export {
  parseCrsName, resolveCrs, isKnownCrs, isGeographic, axisOrderIsLatLon, sameCrs, transformer, transformBBox, transformBounds,
  invalidCrsError, raiseInvalidCrs, type Crs, type CrsName, type Transformer,
} from './crs.js';
export type { Feature, Geometry, BBox, VectorQuery, RasterQuery, RasterWindow } from './types.js';
