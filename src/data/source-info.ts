/** What a vector read learns about its source once per pooled handle: driver, layer name, FID and geometry columns, fields. */
import type gdal from 'gdal-async';
import { DataSourceError, type PooledDataset } from './dataset-pool.js';
import { quoteIdent, quoteLiteral, sourceKind, type SourceInfo } from './vector-plan.js';
import { queryRows } from './vector-translate.js';
import { plainFields, plainPointPrefix } from './gpkg-rows.js';

/**
 * The source layer behind a handle and its description (memoised on the handle). Synchronous getters are
 * safe here: the handle is ours alone, so no other operation holds its lock.
 */
export async function openLayer(lease: PooledDataset, layerName: string | undefined): Promise<{ layer: gdal.Layer; info: SourceInfo }> {
  const key = `layer:${layerName ?? ''}`;
  let layer: gdal.Layer;
  try {
    layer = await lease.dataset.layers.getAsync(layerName ?? 0);
  } catch (err) {
    throw new DataSourceError('The layer is missing from its data source', err);
  }
  if (!layer) throw new DataSourceError('The layer is missing from its data source');
  let info = lease.memo.get(key) as SourceInfo | undefined;
  if (!info) {
    const driver = lease.dataset.driver.description;
    info = {
      driver,
      kind: sourceKind(driver),
      layerName: layer.name,
      fidColumn: layer.fidColumn ?? '',
      geomColumn: layer.geomColumn ?? '',
      geometryType: layer.geomType,
      rtree: driver === 'GPKG' && layer.geomColumn ? await rtreeOf(lease.dataset, layer.name, layer.geomColumn) : '',
      fields: new Map(layer.fields.map((f) => [f.name, f.type] as [string, string])),
      plainFields: null,
      pointPrefix: null,
      rowidFid: false,
    };
    info.plainFields = await plainFields(lease.dataset, driver, layer.name, info.fields);
    if (info.plainFields && info.geomColumn) info.pointPrefix = await plainPointPrefix(lease.dataset, layer.name);
    if (info.kind === 'sqlite' && info.fidColumn) info.rowidFid = await isRowidColumn(lease.dataset, layer.name, info.fidColumn);
    lease.memo.set(key, info);
  }
  return { layer, info };
}

/** Whether `column` is the INTEGER PRIMARY KEY of the table `table` (a rowid alias; not a view's column). */
async function isRowidColumn(dataset: gdal.Dataset, table: string, column: string): Promise<boolean> {
  try {
    const rows = await queryRows(dataset, `SELECT count(*) AS n FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND lower(m.name) = lower(${quoteLiteral(table)}) AND c.name = ${quoteLiteral(column)} AND c.pk = 1 AND upper(c.type) = 'INTEGER' AND (SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1`);
    return Number(rows[0]?.['n']) === 1;
  } catch {
    return false;
  }
}

/** The GeoPackage R-tree of a geometry column ("rtree_<table>_<column>"), or '' when it has no spatial index. */
async function rtreeOf(dataset: gdal.Dataset, table: string, column: string): Promise<string> {
  const name = `rtree_${table}_${column}`;
  try {
    return (await queryRows(dataset, `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${quoteLiteral(name)}`)).length > 0 ? name : '';
  } catch {
    return '';
  }
}

/**
 * Whether a keyed page read should restrict a rectangle through the GeoPackage R-tree. SQLite evaluates
 * "fid IN (R-tree candidates)" once per page (~1 µs per candidate), a plain scan visits each row once over the
 * whole read (~0.6 µs per row): the R-tree pays while candidates² / pageSize < rows / 2.
 */
export async function rtreePays(dataset: gdal.Dataset, info: SourceInfo, rect: readonly [number, number, number, number], pageSize: number): Promise<boolean> {
  if (!info.rtree) return false;
  const [x0, y0, x1, y1] = rect.map((v) => String(v));
  try {
    const [counts] = await queryRows(dataset, `SELECT (SELECT count(*) FROM ${quoteIdent(info.rtree)} WHERE minx <= ${x1} AND maxx >= ${x0} AND miny <= ${y1} AND maxy >= ${y0}) AS candidates, `
      + `(SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(${quoteLiteral(info.layerName)})) AS rows`);
    const candidates = Number(counts?.['candidates']), rows = Number(counts?.['rows'] ?? NaN);
    return !(Number.isFinite(rows) && rows >= 0) || (candidates * candidates) / pageSize < rows / 2;
  } catch {
    return true;
  }
}
