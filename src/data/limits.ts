/** Defaults of the data layer that the server's settings also need (kept free of imports: settings load it early). */

/** Largest layer kept as an in-memory snapshot, in features: bigger layers stream from GDAL in constant memory. */
export const DEFAULT_SNAPSHOT_MAX_FEATURES = 250_000;
