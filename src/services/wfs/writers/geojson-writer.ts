/** Streaming GeoJSON FeatureCollection (RFC 7946; OGC API items members) writer. */
import type { Feature, Geometry } from '../../../data/types.js';
import { geometryText } from './geometry-cache.js';
import { ChunkBuffer, DEFAULT_CHUNK_SIZE, writeFeatures } from './chunk-buffer.js';
import { geoJsonGeometry } from './geojson-geometry.js';
import type { AnswerMeta, ChunkSink, CollectionMeta, CollectionPart, FeatureSource, WriteResult } from './types.js';
import { coordinateFormatter, jsonValue } from './values.js';

const LEGACY_CRS_FREE = /^(EPSG:4326|urn:ogc:def:crs:(EPSG::4326|OGC:1\.3:CRS84)|http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84)$/i;

/** Makes the per-feature serialiser for a field list (property keys pre-escaped once). */
export function geoJsonFeatureSerializer(meta: CollectionMeta): (f: Feature) => string {
  const keys = meta.fields.map((f) => ({ name: f.name, type: f.type, key: JSON.stringify(f.name) + ':' }));
  const prefix = meta.qualifyIds ? meta.typeName + '.' : null;
  const num = coordinateFormatter(meta.decimals);
  const form = `geojson|${meta.decimals ?? ''}`;
  const text = (g: Geometry) => geoJsonGeometry(g, num);
  return (f) => {
    const id = prefix !== null ? JSON.stringify(prefix + String(f.id)) : typeof f.id === 'number' ? jsonValue(f.id, 'integer') : JSON.stringify(String(f.id));
    let s = '{"type":"Feature","id":' + id
      + ',"geometry":' + (f.geometry ? geometryText(f.geometry, form, text) : 'null') + ',"properties":{';
    const a = f.attributes;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = a[k.name];
      s += (i ? ',' : '') + k.key + (v === undefined ? 'null' : jsonValue(v, k.type));
    }
    return s + '}}';
  };
}

/** Writes a GeoJSON FeatureCollection; counts, timestamp and links follow the features (known at the end). */
export function writeGeoJson(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  return writeGeoJsonParts(sink, meta, [{ meta, features }]);
}

/** One FeatureCollection holding the features of several parts (WFS GetFeature with several types), in order. */
export async function writeGeoJsonParts(sink: ChunkSink, root: AnswerMeta, parts: readonly CollectionPart[]): Promise<WriteResult> {
  const out = new ChunkBuffer(sink, root.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let head = '{"type":"FeatureCollection"';
  if (root.srsName && !LEGACY_CRS_FREE.test(root.srsName)) {
    head += ',"crs":{"type":"name","properties":{"name":' + JSON.stringify(root.srsName) + '}}';
  }
  if (root.bbox) head += ',"bbox":[' + root.bbox.map((n) => jsonValue(n, 'real')).join(',') + ']';
  out.add(head + ',"features":[');
  let count = 0;
  for (const { meta, features } of parts) {
    if (root.signal?.aborted) break;
    const ser = geoJsonFeatureSerializer(meta);
    const before = count;
    count += await writeFeatures(out, features, root.signal, (f, i) => (before + i > 0 ? ',' : '') + ser(f));
  }
  out.add(await geoJsonTail(root, count));
  await out.flush();
  return { numberReturned: count, chars: out.chars };
}

/** The members after the features: numberMatched, numberReturned, timeStamp, links. */
async function geoJsonTail(meta: AnswerMeta, count: number): Promise<string> {
  let tail = ']';
  const matched = meta.numberMatched ?? (await meta.lateNumberMatched?.(count));
  if (matched !== undefined) tail += ',"numberMatched":' + matched;
  tail += ',"numberReturned":' + count;
  tail += ',"timeStamp":"' + (meta.timeStamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z') + '"';
  const links = [...(meta.links ?? []), ...((await meta.lateLinks?.(count, matched)) ?? [])];
  if (links.length) tail += ',"links":' + JSON.stringify(links);
  return tail + '}';
}
