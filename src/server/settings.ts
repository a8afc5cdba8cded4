import { DEFAULT_SNAPSHOT_MAX_FEATURES } from '../data/limits.js';
import { logLevel } from './logger.js';

/** Server settings, read once from OWS_* environment variables. */
export interface Settings {
  /** Default project when the request has no MAP (OWS_PROJECT_FILE). */
  projectFile: string | null;
  /** Directory MAP paths are resolved in; MAP cannot leave it (OWS_PROJECTS_DIR). */
  projectsDir: string | null;
  /** Directories searched for plugins, colon-separated (OWS_PLUGINPATH). */
  pluginPaths: string[];
  /** pino level (OWS_LOG_LEVEL: trace|debug|info|warn|error or 0|1|2). */
  logLevel: string;
  /** Public URL of the service, used in capabilities and links (OWS_SERVICE_URL). */
  serviceUrl: string | null;
  /** Whether Forwarded / X-Forwarded-* request headers are believed (OWS_TRUST_PROXY; default false). */
  trustProxy: boolean;
  /** Largest request body accepted, bytes (OWS_MAX_BODY_SIZE, default 64 MiB). */
  maxBodySize: number;
  /** How long SIGTERM waits for requests in flight, ms (OWS_SHUTDOWN_TIMEOUT, default 30000). */
  shutdownTimeout: number;
  /** Largest WMS GetMap width / height in pixels, under the project's own limits (OWS_WMS_MAX_WIDTH / _HEIGHT). */
  wmsMaxWidth: number | null;
  wmsMaxHeight: number | null;
  /** In-memory layer snapshots: on, off, or reads wait for them (OWS_DATA_SNAPSHOT). */
  dataSnapshot: boolean | 'wait';
  /** Snapshot memory budget, MB (OWS_DATA_SNAPSHOT_MB, default 1024). */
  dataSnapshotMB: number;
  /** Largest layer kept in memory, features (OWS_DATA_SNAPSHOT_MAX_FEATURES, default 250,000). */
  dataSnapshotMaxFeatures: number;
}

/** The environment variables the server reads, with their meaning (printed by --help and the README). */
export const SETTINGS_DOC: Record<string, string> = {
  OWS_PROJECT_FILE: 'project served when the request has no MAP parameter',
  OWS_PROJECTS_DIR: 'directory that MAP paths are relative to (MAP cannot leave it)',
  OWS_PLUGINPATH: 'colon-separated directories holding server plugins',
  OWS_LOG_LEVEL: 'trace, debug, info (default), warn, error; or 0 (info), 1 (warning), 2 (critical)',
  OWS_SERVICE_URL: 'public URL of the service, for capabilities and links (else taken from the request)',
  OWS_TRUST_PROXY: '1 to build URLs from Forwarded / X-Forwarded-* headers (only behind a proxy that sets them; default 0)',
  OWS_MAX_BODY_SIZE: 'largest request body in bytes (default 67108864)',
  OWS_SHUTDOWN_TIMEOUT: 'milliseconds SIGTERM waits for requests in flight (default 30000)',
  OWS_WMS_MAX_WIDTH: 'largest GetMap WIDTH in pixels (the project may set a lower one)',
  OWS_WMS_MAX_HEIGHT: 'largest GetMap HEIGHT in pixels (the project may set a lower one)',
  OWS_DATA_SNAPSHOT: '1 (default): local vector files are kept in memory once read; 0: always read through GDAL; wait: reads wait for the snapshot',
  OWS_DATA_SNAPSHOT_MB: 'memory budget of the in-memory snapshots in MB (default 1024; least recently used out first)',
  OWS_DATA_SNAPSHOT_MAX_FEATURES: 'largest layer kept in memory, in features (default 250000; bigger layers stream from GDAL, in constant memory)',
};

/** Reads the settings from an environment (process.env by default); throws with the variable's name on a bad value. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const str = (name: string): string | null => {
    const v = env[name]?.trim();
    return v ? v : null;
  };
  const int = (name: string, fallback: number): number => {
    const v = str(name);
    if (v === null) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`${name} ('${v}') must be a non-negative integer`);
    return Number(v);
  };
  const bool = (name: string): boolean => {
    const v = str(name)?.toLowerCase();
    if (v === null || v === undefined || ['0', 'false', 'no', 'off'].includes(v)) return false;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    throw new Error(`${name} ('${v}') must be 1 or 0${name === 'OWS_DATA_SNAPSHOT' ? ' (or wait)' : ''}`);
  };
  return {
    projectFile: str('OWS_PROJECT_FILE'),
    projectsDir: str('OWS_PROJECTS_DIR'),
    pluginPaths: (str('OWS_PLUGINPATH') ?? '').split(':').filter(Boolean),
    logLevel: logLevel(env['OWS_LOG_LEVEL']),
    serviceUrl: str('OWS_SERVICE_URL'),
    trustProxy: bool('OWS_TRUST_PROXY'),
    maxBodySize: int('OWS_MAX_BODY_SIZE', 64 * 1024 * 1024),
    shutdownTimeout: int('OWS_SHUTDOWN_TIMEOUT', 30_000),
    wmsMaxWidth: str('OWS_WMS_MAX_WIDTH') === null ? null : int('OWS_WMS_MAX_WIDTH', 0),
    wmsMaxHeight: str('OWS_WMS_MAX_HEIGHT') === null ? null : int('OWS_WMS_MAX_HEIGHT', 0),
    dataSnapshot: str('OWS_DATA_SNAPSHOT')?.toLowerCase() === 'wait' ? 'wait' : str('OWS_DATA_SNAPSHOT') === null ? true : bool('OWS_DATA_SNAPSHOT'),
    dataSnapshotMB: int('OWS_DATA_SNAPSHOT_MB', 1024),
    dataSnapshotMaxFeatures: int('OWS_DATA_SNAPSHOT_MAX_FEATURES', DEFAULT_SNAPSHOT_MAX_FEATURES),
  };
}
