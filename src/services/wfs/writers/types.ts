/** Shared types of the streaming feature writers (WFS GetFeature, OGC API items). */
import type { Feature } from '../../../data/types.js';
import type { FieldDef } from '../../../project/model.js';

/** Where a writer sends its output: our ServerResponse (write buffers, flush sends with backpressure); text or UTF-8 bytes. */
export interface ChunkSink {
  write(chunk: string | Uint8Array): void;
  flush(): Promise<void>;
}

/** The features to write: single features or batches, in the order read. */
export type FeatureSource = AsyncIterable<Feature | Feature[]>;

/** A link of a paged answer (OGC API items / WFS 2.0 next and previous). */
export interface FeatureLink {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** What the answer as a whole carries (root element / top-level members), whatever its feature types. */
export interface AnswerMeta {
  /** Namespace prefix and URI of the feature types (GML formats). */
  prefix: string;
  namespaceUri: string;
  /** srsName written on geometries and envelopes (e.g. 'EPSG:4326', 'urn:ogc:def:crs:EPSG::4326'). */
  srsName?: string;
  /** Write coordinates as y/x (lat/lon for WFS 1.1 / 2.0 with an EPSG:4326 URN srsName). */
  swapAxes?: boolean;
  /** Decimals coordinates are rounded to (0..9, default 9; trailing zeros dropped). */
  decimals?: number;
  /** Known before writing; absent = unknown ('unknown' in WFS 2.0, omitted or taken from `lateNumberMatched` in JSON). */
  numberMatched?: number;
  /** Known before writing (WFS 2.0 needs it on the root element; WFS 1.1 writes it as numberOfFeatures); JSON writes the counted number. */
  numberReturned?: number;
  /** JSON only (members written after the features): numberMatched learnt at the end, given the number written. */
  lateNumberMatched?: (numberReturned: number) => number | undefined | Promise<number | undefined>;
  /** JSON only: links learnt at the end (paging links need the counts). */
  lateLinks?: (numberReturned: number, numberMatched: number | undefined) => readonly FeatureLink[] | Promise<readonly FeatureLink[]>;
  /** Response timestamp (default now). */
  timeStamp?: Date;
  /** Extent in x/y order in the srsName CRS (swapped like the coordinates). */
  bbox?: [number, number, number, number];
  /** Paging and self links. */
  links?: readonly FeatureLink[];
  /** xsi:schemaLocation pairs for the feature type namespace (e.g. a DescribeFeatureType URL). */
  schemaLocation?: string;
  /** Flush threshold in bytes (default 64 KiB). */
  chunkSize?: number;
  /** Stops writing (client gone): checked between features. */
  signal?: AbortSignal;
}

/** Everything a writer needs besides the features, for one feature type. */
export interface CollectionMeta extends AnswerMeta {
  /** Feature type name (without prefix). */
  typeName: string;
  /** Published fields, in output order; attributes not listed are not written. */
  fields: readonly FieldDef[];
  /** Name of the geometry property (default 'geometry'). */
  geometryName?: string;
  /** JSON: write ids as "<typeName>.<id>" (WFS, as QGIS Server does) rather than the bare id (OGC API). */
  qualifyIds?: boolean;
}

/**
 * One query's features in an answer holding several (WFS GetFeature with several types). Its meta gives the
 * type, fields, srsName and axis order of its features and, for the nested WFS 2.0 collections, its counts.
 */
export interface CollectionPart {
  meta: CollectionMeta;
  features: FeatureSource;
}

/** What a writer reports when done. */
export interface WriteResult {
  numberReturned: number;
  /** Bytes written in total. */
  bytes: number;
}
