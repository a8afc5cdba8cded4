/** Streaming feature writers for WFS GetFeature and OGC API items, keyed by output format. */
import { geoJsonFeatureSerializer, writeGeoJson, writeGeoJsonParts } from './geojson-writer.js';
import { gmlLoneFeature, writeGml2, writeGml311, writeGml32, writeGmlParts } from './gml-writer.js';
import type { GmlVersion } from './gml-geometry.js';
import type { Feature } from '../../../data/types.js';
import type { AnswerMeta, ChunkSink, CollectionMeta, CollectionPart, FeatureSource, WriteResult } from './types.js';

export type { AnswerMeta, ChunkSink, CollectionMeta, CollectionPart, FeatureLink, FeatureSource, WriteResult } from './types.js';
export { writeGeoJson, writeGeoJsonParts } from './geojson-writer.js';
export { writeGml, writeGml2, writeGml311, writeGml32, writeGmlParts } from './gml-writer.js';
export { escapeXmlAttr, escapeXmlText, xmlName } from './escape.js';

/** A streaming writer with the MIME type it produces. */
export interface FeatureWriter {
  mimeType: string;
  /** The GML flavour written, or null for JSON. */
  gml: GmlVersion | null;
  /** One feature type. */
  write(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult>;
  /** Several queries' features in one answer (see CollectionPart). */
  writeParts(sink: ChunkSink, root: AnswerMeta, parts: readonly CollectionPart[]): Promise<WriteResult>;
  /** One feature as a document of its own (WFS 2.0 GetFeatureById). */
  lone(feature: Feature, meta: CollectionMeta): string;
}

function gmlWriter(gml: GmlVersion, mimeType: string, write: FeatureWriter['write']): FeatureWriter {
  return { mimeType, gml, write, writeParts: (sink, root, parts) => writeGmlParts(gml, sink, root, parts), lone: (f, meta) => gmlLoneFeature(gml, meta, f) };
}

const GML2 = gmlWriter('2', 'text/xml; subtype=gml/2.1.2', writeGml2);
const GML3 = gmlWriter('3.1.1', 'text/xml; subtype=gml/3.1.1', writeGml311);
const GML32 = gmlWriter('3.2', 'application/gml+xml; version=3.2', writeGml32);
const GEOJSON: FeatureWriter = {
  mimeType: 'application/geo+json', gml: null, write: writeGeoJson, writeParts: writeGeoJsonParts, lone: (f, meta) => geoJsonFeatureSerializer(meta)(f),
};

/** The writer for an OUTPUTFORMAT value (case-insensitive, QGIS / GeoServer / MapServer spellings), or null. */
export function writerForFormat(format: string): FeatureWriter | null {
  // "gml xml": a '+' the client left unencoded in the query string arrives as a space.
  const f = format.toLowerCase().replace(/gml\s+xml/g, 'gml+xml').replace(/[\s"]+/g, '');
  switch (f) {
    case 'gml2': case 'text/xml;subtype=gml/2': case 'text/xml;subtype=gml/2.1.2': case 'application/vnd.ogc.gml':
      return GML2;
    case 'gml3': case 'gml3.1': case 'gml3.1.1': case 'text/xml;subtype=gml/3.1.1': case 'application/vnd.ogc.gml/3.1.1':
    case 'text/xml;subtype=gml/3.1.1/profiles/gmlsf/0': case 'text/xml;subtype=gml/3.1.1/profiles/gmlsf/1.0.0/0':
      return GML3;
    case 'gml32': case 'gml3.2': case 'application/gml+xml;version=3.2': case 'text/xml;subtype=gml/3.2':
    case 'application/gml+xml': case 'application/gml+xml;version=3.2.1': case 'text/xml;subtype=gml/3.2.1':
      return GML32;
    case 'geojson': case 'json': case 'application/json': case 'application/geo+json': case 'application/vnd.geo+json':
    case 'application/json;subtype=geojson':
      return GEOJSON;
    default:
      return null;
  }
}
