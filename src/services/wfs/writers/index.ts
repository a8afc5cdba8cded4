/** Streaming feature writers for WFS GetFeature and OGC API items, keyed by output format. */
import { writeGeoJson } from './geojson-writer.js';
import { writeGml2, writeGml311, writeGml32 } from './gml-writer.js';
import type { ChunkSink, CollectionMeta, FeatureSource, WriteResult } from './types.js';

export type { ChunkSink, CollectionMeta, FeatureLink, FeatureSource, WriteResult } from './types.js';
export { writeGeoJson } from './geojson-writer.js';
export { writeGml, writeGml2, writeGml311, writeGml32 } from './gml-writer.js';
export { escapeXmlAttr, escapeXmlText, xmlName } from './escape.js';

/** A streaming writer with the MIME type it produces. */
export interface FeatureWriter {
  mimeType: string;
  write(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult>;
}

const GML2: FeatureWriter = { mimeType: 'text/xml; subtype=gml/2.1.2', write: writeGml2 };
const GML3: FeatureWriter = { mimeType: 'text/xml; subtype=gml/3.1.1', write: writeGml311 };
const GML32: FeatureWriter = { mimeType: 'application/gml+xml; version=3.2', write: writeGml32 };
const GEOJSON: FeatureWriter = { mimeType: 'application/geo+json', write: writeGeoJson };

/** The writer for an OUTPUTFORMAT value (case-insensitive, QGIS / GeoServer / MapServer spellings), or null. */
export function writerForFormat(format: string): FeatureWriter | null {
  const f = format.toLowerCase().replace(/\s+/g, '');
  switch (f) {
    case 'gml2': case 'text/xml;subtype=gml/2.1.2':
      return GML2;
    case 'gml3': case 'gml3.1': case 'gml3.1.1': case 'text/xml;subtype=gml/3.1.1':
      return GML3;
    case 'gml32': case 'gml3.2': case 'application/gml+xml;version=3.2': case 'text/xml;subtype=gml/3.2': case 'text/xml;subtype="gml/3.2"':
      return GML32;
    case 'geojson': case 'json': case 'application/json': case 'application/geo+json': case 'application/vnd.geo+json':
      return GEOJSON;
    default:
      return null;
  }
}
