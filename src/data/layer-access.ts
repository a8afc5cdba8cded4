/**
 * THE access-control choke point. Every read of a layer, by any service, goes through a LayerAccess made
 * for the request from the server's AccessControl: it applies layerPermissions (a layer that cannot be read
 * does not exist), layerFilterSubsetString (SQL pushed to the source), layerFilterExpression (pushed where it
 * translates, the rest tested in JS) and the authorised attributes (never read, never returned; a client
 * naming one gets the error of a field that does not exist). Sources refuse to read without the grant only
 * this module can mint (access-grant.ts), and the pool is private to DataAccess.
 */
import { Expression, ExpressionError } from '../expression/index.js';
import { OgcError, SecurityError } from '../errors/ogc-error.js';
import type { AccessControl, LayerPermissions, ServerFeature, ServerLayer } from '../filters/access-control.js';
import type { FieldDef, GroupDef, LayerDef, LayerEdits, LayerTreeNode, ProjectModel, RasterLayerDef, VectorLayerDef } from '../project/model.js';
import { DEFAULT_SNAPSHOT_MAX_FEATURES } from './limits.js';
import { claimGrantMinter, type ReadGrant, type ReadSettings } from './access-grant.js';
import { DatasetPool, type DatasetPoolOptions, type PoolStats } from './dataset-pool.js';
import { readFeatures as readVector, readFeatureBatches as readVectorBatches, countFeatures as countVector } from './vector-source.js';
import { readRaster as readRasterSource } from './raster-source.js';
import { SnapshotStore, type SnapshotStats } from './snapshot-store.js';
import type { EditAction, EditResult, Feature, RasterQuery, RasterWindow, VectorQuery } from './types.js';
import { runTransaction, type EditOperation } from './edit.js';

const mint = claimGrantMinter();

export { DEFAULT_SNAPSHOT_MAX_FEATURES };

/** Settings of the data access: pool sizes, read limits, in-memory snapshots. */
export interface DataAccessOptions extends Omit<DatasetPoolOptions, 'open'>, Partial<ReadSettings> {
  /**
   * In-memory layer snapshots of local vector files (snapshot-store.ts): true (default), false (always the
   * GDAL path), or 'wait' (reads wait for a snapshot to load: tests, warm-ups). Env OWS_DATA_SNAPSHOT=0|1|wait.
   */
  snapshot?: boolean | 'wait';
  /**
   * Most features a snapshot holds (env OWS_DATA_SNAPSHOT_MAX_FEATURES, default 250,000): bigger layers stream
   * from GDAL, which keeps a worker's memory bounded whatever the layer size.
   */
  snapshotMaxFeatures?: number;
  /** Snapshot memory budget in MB (env OWS_DATA_SNAPSHOT_MB, default 1024). */
  snapshotMB?: number;
}

/** Server-side additions to a vector read; never built from client input. */
export interface ReadOptions {
  /**
   * Fields the project's own style needs (classification field, rule filters): read and returned even when
   * access control hides them, so the map still draws. Do not print them (labels) and never put client input here.
   */
  internalFields?: string[];
  /** Clip geometries to the bbox (rendering: less to reproject and draw). */
  clip?: boolean;
}

export type { EditOperation } from './edit.js';

/** The error of a layer that does not exist or may not be read (the same for both: no oracle). */
export function layerNotDefined(name: string, code = 'LayerNotDefined', locator?: string): OgcError {
  return new OgcError(code, `The layer '${String(name).slice(0, 200)}' does not exist`, locator === undefined ? {} : { locator });
}

const adapters = new WeakMap<LayerDef | GroupDef, ServerLayer>();

/** What access-control filters see of a layer: name() and id() (the layer name). */
export function serverLayer(layer: LayerDef | GroupDef): ServerLayer {
  let a = adapters.get(layer);
  if (!a) {
    const name = layer.name;
    a = { name: () => name, id: () => name };
    adapters.set(layer, a);
  }
  return a;
}

/** The process's data access: owns the dataset pool; hands a LayerAccess to each request. */
export class DataAccess {
  readonly #pool: DatasetPool;
  readonly #settings: ReadSettings;
  readonly #snapshots: SnapshotStore | null;

  constructor(options: DataAccessOptions = {}) {
    this.#pool = new DatasetPool(options);
    const env = process.env;
    const mode = options.snapshot ?? (/^(0|false|off|no)$/i.test(env['OWS_DATA_SNAPSHOT'] ?? '') ? false : env['OWS_DATA_SNAPSHOT'] === 'wait' ? 'wait' : true);
    const number = (v: number | undefined, text: string | undefined, d: number) => {
      const n = v ?? (text !== undefined && text.trim() !== '' ? Number(text) : d);
      return Number.isFinite(n) && n >= 0 ? n : d;
    };
    this.#snapshots = mode === false ? null : new SnapshotStore({
      wait: mode === 'wait',
      maxFeatures: number(options.snapshotMaxFeatures, env['OWS_DATA_SNAPSHOT_MAX_FEATURES'], DEFAULT_SNAPSHOT_MAX_FEATURES),
      budgetBytes: number(options.snapshotMB, env['OWS_DATA_SNAPSHOT_MB'], 1024) * 1024 * 1024,
      pageSize: 50_000,
    });
    this.#settings = Object.freeze({
      pageSize: Math.max(1, Math.floor(options.pageSize ?? 2000)),
      maxSortFeatures: options.maxSortFeatures ?? 200_000,
      maxRasterCells: options.maxRasterCells ?? 4096 * 4096 * 3,
      vectorStrategy: options.vectorStrategy ?? 'auto',
    });
  }

  /** The reads of one request, restricted by these access-control filters (null: none registered). */
  forRequest(accessControl: AccessControl | null | undefined): LayerAccess {
    return new LayerAccess(this.#pool, this.#settings, accessControl ?? null, this.#snapshots);
  }

  /** Snapshot sizes and counts (null when snapshots are off). */
  snapshotStats(): SnapshotStats | null {
    return this.#snapshots?.stats() ?? null;
  }

  /** Pool counts (for tests and monitoring). */
  stats(connection?: string): PoolStats {
    return this.#pool.stats(connection);
  }

  /** Closes every dataset; reads after this fail. */
  close(): Promise<void> {
    this.#snapshots?.close();
    return this.#pool.close();
  }
}

const NO_READS: ReadSettings = Object.freeze({ pageSize: 1, maxSortFeatures: 0, maxRasterCells: 0, vectorStrategy: 'auto' as const });

/** The readable layers of a project under these access-control filters (capabilities), without a DataAccess. */
export function readableLayers(project: ProjectModel, accessControl: AccessControl | null | undefined): LayerDef[] {
  return new LayerAccess(null, NO_READS, accessControl ?? null).readableLayers(project);
}

/** Whether a layer (or a group, through its layers) may be read under these access-control filters. */
export function isReadable(node: LayerTreeNode, accessControl: AccessControl | null | undefined): boolean {
  return new LayerAccess(null, NO_READS, accessControl ?? null).isReadable(node);
}

interface Rules {
  permissions: LayerPermissions;
  subset: string | null;
  expression: Expression | null;
  fields: string[];
}

/** The layer reads of one request, with access control applied. */
export class LayerAccess {
  readonly #pool: DatasetPool | null;
  readonly #settings: ReadSettings;
  readonly #ac: AccessControl | null;
  readonly #rules = new Map<LayerDef | GroupDef, Rules>();
  readonly #snapshots: SnapshotStore | null;

  /** Made by DataAccess.forRequest (a null pool gives an instance that answers permission questions only). */
  constructor(pool: DatasetPool | null, settings: ReadSettings, accessControl: AccessControl | null, snapshots: SnapshotStore | null = null) {
    this.#pool = pool;
    this.#snapshots = snapshots;
    this.#settings = settings;
    this.#ac = accessControl;
  }

  /** The access-control part of every cache key; null means "do not cache" (a filter gave no key). */
  cacheKey(): string | null {
    return this.#ac ? this.#ac.cacheKey() : '';
  }

  /** Whether the layer may be read; a group is readable when one of its layers is. */
  isReadable(node: LayerTreeNode): boolean {
    if (node.kind === 'group') return node.children.some((c) => this.isReadable(c));
    return this.#rulesFor(node).permissions.canRead;
  }

  /** The project's readable layers, in project order. */
  readableLayers(project: ProjectModel): LayerDef[] {
    return [...project.layers.values()].filter((l) => this.isReadable(l));
  }

  /** The layer tree without what may not be read (groups left empty are dropped). */
  readableTree(project: ProjectModel): LayerTreeNode[] {
    return this.#prune(project.tree);
  }

  /** A layer or group by name, groups pruned to their readable children; throws layerNotDefined(name, code) otherwise. */
  node(project: ProjectModel, name: string, code = 'LayerNotDefined'): LayerTreeNode {
    const layer = project.layers.get(name);
    if (layer) {
      if (this.isReadable(layer)) return layer;
      throw layerNotDefined(name, code, name);
    }
    const group = project.groups.get(name);
    if (group) {
      const children = this.#prune(group.children);
      if (children.length > 0) return { ...group, children };
    }
    throw layerNotDefined(name, code, name);
  }

  /** A readable layer by name; throws layerNotDefined(name, code) for a missing, hidden or group name. */
  layer(project: ProjectModel, name: string, code = 'LayerNotDefined'): LayerDef {
    const layer = project.layers.get(name);
    if (!layer || !this.isReadable(layer)) throw layerNotDefined(name, code, name);
    return layer;
  }

  /** The published fields access control lets this request see, in published order. */
  fields(layer: VectorLayerDef): FieldDef[] {
    const allowed = new Set(this.#readable(layer).fields);
    return layer.fields.filter((f) => allowed.has(f.name));
  }

  /** Features of a readable vector layer (see VectorQuery); hidden fields can be neither asked for nor filtered on. */
  readFeatures(layer: VectorLayerDef, query: VectorQuery = {}, options: ReadOptions = {}): AsyncIterable<Feature> {
    const grant = this.#grant(layer, options);
    return readVector(vectorOnly(layer), query, grant);
  }

  /**
   * readFeatures in batches (arrays of up to 500 features, never empty), for consumers that handle many features
   * at a time (WFS GetFeature): one promise per batch rather than per feature.
   */
  readFeatureBatches(layer: VectorLayerDef, query: VectorQuery = {}, options: ReadOptions = {}): AsyncIterable<Feature[]> {
    const grant = this.#grant(layer, options);
    return readVectorBatches(vectorOnly(layer), query, grant);
  }

  /** How many features of a readable vector layer match (bbox, filter, ids and access control). */
  async countFeatures(layer: VectorLayerDef, query: VectorQuery = {}): Promise<number> {
    const grant = this.#grant(layer, {});
    return countVector(vectorOnly(layer), query, grant);
  }

  /** A window of a readable raster layer warped onto the output grid. */
  async readRaster(layer: RasterLayerDef, query: RasterQuery): Promise<RasterWindow> {
    const grant = this.#grant(layer, {});
    if (layer.kind !== 'raster') throw new OgcError('InvalidParameterValue', `Layer '${layer.name}' is not a raster layer`, { locator: layer.name });
    return readRasterSource(layer, query, grant);
  }

  /**
   * The edits this request may make on a layer: the project's `editable` ANDed with layerPermissions; none on a
   * layer it cannot read or a raster (capabilities advertise Transaction from this).
   */
  editsAllowed(layer: LayerDef): LayerEdits {
    const none = { insert: false, update: false, delete: false };
    if (layer.kind !== 'vector') return none;
    const p = this.#rulesFor(layer).permissions;
    const e = layer.editable ?? none;
    return p.canRead ? { insert: e.insert && p.canInsert, update: e.update && p.canUpdate, delete: e.delete && p.canDelete } : none;
  }

  /**
   * Runs edits all-or-nothing (edit.ts): every action on every data source is written, or none is. The
   * project's `editable` and layerPermissions allow each operation, allowToEdit each feature (an update before
   * and after the change); updates and deletes see only the features this request may read.
   */
  async transaction(actions: EditAction[], options: { signal?: AbortSignal } = {}): Promise<EditResult> {
    const pool = this.#pool;
    if (!pool) throw new Error('this LayerAccess answers permission questions only; get one from DataAccess.forRequest to edit');
    return runTransaction(actions, {
      pool, snapshots: this.#snapshots,
      permit: (layer, op) => this.#permitEdit(layer, op),
      allowed: (layer, feature) => !this.#ac || this.#ac.allowToEdit(serverLayer(layer), feature),
      fields: (layer) => this.fields(layer),
      grant: (layer, internalFields) => this.#grant(layer, { internalFields }),
    }, options.signal);
  }

  /**
   * Checks an edit (WFS-T): the layer must be readable (else LayerNotDefined), the operation allowed by the
   * project and permitted (canInsert / canUpdate / canDelete) and every filter's allowToEdit true; otherwise a
   * Security error (403).
   */
  checkEdit(layer: LayerDef, feature: Feature | ServerFeature, op: EditOperation): void {
    this.#permitEdit(layer, op);
    if (this.#ac && !this.#ac.allowToEdit(serverLayer(layer), asServerFeature(feature))) {
      throw new SecurityError(`Editing this feature of layer '${layer.name}' is not allowed`, layer.name);
    }
  }

  /** Throws LayerNotDefined for a layer this request cannot read, Security when the operation is not allowed. */
  #permitEdit(layer: LayerDef, op: EditOperation): void {
    this.#readable(layer);
    if (!this.editsAllowed(layer)[op]) throw new SecurityError(`No permission to ${op} features of layer '${layer.name}'`, layer.name);
  }

  #prune(nodes: readonly LayerTreeNode[]): LayerTreeNode[] {
    const out: LayerTreeNode[] = [];
    for (const n of nodes) {
      if (n.kind === 'group') {
        const children = this.#prune(n.children);
        if (children.length > 0) out.push({ ...n, children });
      } else if (this.isReadable(n)) out.push(n);
    }
    return out;
  }

  #readable(layer: LayerDef): Rules {
    const rules = this.#rulesFor(layer);
    if (!rules.permissions.canRead) throw layerNotDefined(layer.name, 'LayerNotDefined', layer.name);
    return rules;
  }

  #grant(layer: LayerDef, options: ReadOptions): ReadGrant {
    const rules = this.#readable(layer);
    if (!this.#pool) throw new Error('this LayerAccess answers permission questions only; get one from DataAccess.forRequest to read');
    return mint({
      pool: this.#pool, settings: this.#settings, subset: rules.subset, expression: rules.expression, fields: rules.fields,
      internalFields: options.internalFields ?? [], clip: options.clip === true, snapshots: this.#snapshots,
    });
  }

  /** Asks access control once per layer and request. */
  #rulesFor(layer: LayerDef): Rules {
    let rules = this.#rules.get(layer);
    if (rules) return rules;
    const ac = this.#ac;
    const sl = serverLayer(layer);
    const published = layer.kind === 'vector' ? layer.fields.map((f) => f.name) : [];
    const permissions = ac ? ac.layerPermissions(sl) : { canRead: true, canInsert: true, canUpdate: true, canDelete: true };
    let expression: Expression | null = null;
    const text = ac && permissions.canRead ? ac.layerFilterExpression(sl) : null;
    if (text) {
      try {
        expression = Expression.parse(text);
      } catch (err) {
        // Fail closed: a filter that cannot be applied must not become "no filter".
        throw new OgcError('NoApplicableCode', `The access-control filter of layer '${layer.name}' is not valid`, {
          status: 500, cause: err instanceof ExpressionError ? err : undefined,
        });
      }
    }
    rules = {
      permissions,
      subset: ac && permissions.canRead ? ac.layerFilterSubsetString(sl) : null,
      expression,
      fields: ac && permissions.canRead ? ac.layerAttributes(sl, published) : published,
    };
    this.#rules.set(layer, rules);
    return rules;
  }
}

function vectorOnly(layer: VectorLayerDef): VectorLayerDef {
  if (layer.kind !== 'vector') throw new OgcError('InvalidParameterValue', `Layer '${layer.name}' is not a vector layer`, { locator: layer.name });
  return layer;
}

function asServerFeature(feature: Feature | ServerFeature): ServerFeature {
  if (typeof (feature as ServerFeature).attribute === 'function') return feature as ServerFeature;
  const f = feature as Feature;
  return { id: () => f.id ?? null, attribute: (name) => f.attributes[name], attributes: () => ({ ...f.attributes }) };
}
