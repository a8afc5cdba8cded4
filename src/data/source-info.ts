/** What a vector read learns about its source once per pooled handle: driver, layer name, FID and geometry columns, fields. */
import type gdal from 'gdal-async';
import { DataSourceError, type PooledDataset } from './dataset-pool.js';
import { sourceKind, type SourceInfo } from './vector-plan.js';

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
      fields: new Map(layer.fields.map((f) => [f.name, f.type] as [string, string])),
    };
    lease.memo.set(key, info);
  }
  return { layer, info };
}
