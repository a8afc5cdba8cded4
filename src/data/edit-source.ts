/**
 * The data-source side of edits: a handle opened for writing with a transaction on it, and what the checks of
 * edit-values.ts cannot know from the project (NOT NULL columns, defaults, text widths, the stored geometry type).
 *
 * Transactions are reached through ExecuteSQL("BEGIN" / "COMMIT" / "ROLLBACK"): gdal-async binds no
 * StartTransaction. The GeoPackage driver maps them to its own transaction; the SQLite driver passes them to
 * SQLite, and runs no transaction of its own in between. (GDAL's PostgreSQL driver does: its cursors run in
 * BEGIN ... COMMIT and end ours, which is why PostgreSQL sources are not editable: project/loader.ts.)
 * gdal-async throws on a statement that returns no result set; its message is then empty, while a statement
 * that failed carries GDAL's error.
 */
import type gdal from 'gdal-async';
import { OgcError } from '../errors/ogc-error.js';
import type { VectorLayerDef } from '../project/model.js';
import type { PooledDataset } from './dataset-pool.js';
import { openLayer } from './source-info.js';
import { quoteIdent, type SourceInfo } from './vector-plan.js';
import { flatType } from './edit-values.js';
import { queryRows } from './vector-translate.js';

/** What a source column allows. */
export interface ColumnInfo {
  notNull: boolean;
  /** A default value or a generated key: the column may be left out of an insert. */
  generated: boolean;
  /** Text width (0: unbounded). */
  width: number;
}

/** A layer opened for writing. */
export interface EditTarget {
  def: VectorLayerDef;
  layer: gdal.Layer;
  info: SourceInfo;
  columns: ReadonlyMap<string, ColumnInfo>;
  /** Flat OGR geometry type stored (0: any). */
  geometryType: number;
  has3D: boolean;
}

/** Runs a statement that returns no rows (BEGIN, COMMIT, ROLLBACK, PRAGMA ... =); throws GDAL's error. */
export async function execute(dataset: gdal.Dataset, sql: string): Promise<void> {
  try {
    await dataset.executeSQLAsync(sql);
  } catch (err) {
    if (err instanceof Error && err.message === '') return; // no result set: not a failure
    throw err;
  }
}

/** Opens a project layer on a write handle and reads its column rules. */
export async function editTarget(lease: PooledDataset, def: VectorLayerDef): Promise<EditTarget> {
  const { layer, info } = await openLayer(lease, def.source.layer);
  const columns = new Map<string, ColumnInfo>();
  const widths = new Map(layer.fields.map((f) => [f.name, f.width] as [string, number]));
  for (const c of await columnRules(lease.dataset, info)) columns.set(c.name, { notNull: c.notNull, generated: c.generated, width: widths.get(c.name) ?? 0 });
  for (const [name, width] of widths) if (!columns.has(name)) columns.set(name, { notNull: false, generated: false, width });
  const stored = layer.geomType;
  const source = flatType(stored);
  const project = def.geometryType === 'Geometry' ? 0 : TYPE_CODES[def.geometryType] ?? 0;
  return {
    def, layer, info, columns,
    // The source's own type rules; a source of any type takes the project's.
    geometryType: source >= 1 && source <= 6 ? source : project,
    has3D: stored !== source,
  };
}

const TYPE_CODES: Record<string, number> = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6 };

/** NOT NULL and defaults of the layer's columns (SQLite's table_info). */
async function columnRules(dataset: gdal.Dataset, info: SourceInfo): Promise<Array<{ name: string; notNull: boolean; generated: boolean }>> {
  if (info.kind === 'sqlite') {
    const table = await queryRows(dataset, `PRAGMA table_info(${quoteIdent(info.layerName)})`);
    return table.map((r) => ({
      name: String(r['name']),
      notNull: Number(r['notnull']) === 1,
      generated: r['dflt_value'] !== null && r['dflt_value'] !== undefined ? true : Number(r['pk']) > 0,
    }));
  }
  return [];
}

/** Why a write failed, for the client: the data source's constraint, without its internals (logged as the cause). */
export function writeFailed(layer: VectorLayerDef, err: unknown): OgcError {
  if (err instanceof OgcError) return err;
  return new OgcError('OperationProcessingFailed', `The data source of layer '${layer.name}' refused the edit (a constraint of the data?)`, { locator: layer.name, cause: err });
}
