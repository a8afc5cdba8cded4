/**
 * The token a source needs to read a layer. Only the access layer (layer-access.ts) can mint one: it claims
 * the minter once when it loads, and a second claim throws. Sources check the token they are handed, so no
 * service can reach a dataset without access control having been applied first.
 */
import type { Expression } from '../expression/index.js';
import type { DatasetPool } from './dataset-pool.js';
import type { SnapshotStore } from './snapshot-store.js';
import { SecurityError } from '../errors/ogc-error.js';

/** Reading settings of a data access (shared by every grant it mints). */
export interface ReadSettings {
  /** Features per page read from GDAL (default 2000). */
  pageSize: number;
  /** Most features a source without native SQL sorting may sort (orderBy); past it the read is refused. */
  maxSortFeatures: number;
  /** Largest raster read, in cells (width × height × bands). */
  maxRasterCells: number;
  /** 'auto': GDAL pages where the driver allows, else a feature cursor; 'cursor' forces the cursor (tests). */
  vectorStrategy: 'auto' | 'cursor';
}

/** What access control decided for one layer, in a form sources apply. */
export interface ReadGrant {
  readonly pool: DatasetPool;
  readonly settings: ReadSettings;
  /** Access control's subset string (SQL pushed to the source), or null. */
  readonly subset: string | null;
  /** Access control's filter expression, or null. */
  readonly expression: Expression | null;
  /** Published fields access control lets the client see, in published order. */
  readonly fields: readonly string[];
  /** Fields the server itself may read for the project's own use (styles); never client input. */
  readonly internalFields: readonly string[];
  /** Clip geometries to the query bbox (rendering). */
  readonly clip: boolean;
  /** The data access's in-memory layer snapshots, or null (always the GDAL path). */
  readonly snapshots: SnapshotStore | null;
}

const issued = new WeakSet<object>();
let claimed = false;

/** Hands out the grant minter, once per process; the access layer claims it when it loads. */
export function claimGrantMinter(): (grant: ReadGrant) => ReadGrant {
  if (claimed) throw new Error('the read-grant minter has already been claimed');
  claimed = true;
  return (grant) => {
    const frozen = Object.freeze({ ...grant, fields: Object.freeze([...grant.fields]), internalFields: Object.freeze([...grant.internalFields]) });
    issued.add(frozen);
    return frozen;
  };
}

/** Throws unless the grant was minted by the access layer. */
export function assertGrant(grant: unknown): asserts grant is ReadGrant {
  if (typeof grant !== 'object' || grant === null || !issued.has(grant)) {
    throw new SecurityError('Data read without access control');
  }
}
