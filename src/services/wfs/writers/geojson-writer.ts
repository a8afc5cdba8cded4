/** Streaming GeoJSON FeatureCollection (RFC 7946; OGC API items members) writer. */
import type { Feature } from '../../../data/types.js';
import { ChunkBuffer, DEFAULT_CHUNK_SIZE, writeFeatures } from './chunk-buffer.js';
import { geoJsonGeometry } from './geojson-geometry.js';
import type { ChunkSink, CollectionMeta, FeatureSource, WriteResult } from './types.js';
import { jsonValue } from './values.js';

const LEGACY_CRS_FREE = /^(EPSG:4326|urn:ogc:def:crs:(EPSG::4326|OGC:1\.3:CRS84)|http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84)$/i;

/** Makes the per-feature serialiser for a field list (property keys pre-escaped once). */
export function geoJsonFeatureSerializer(meta: CollectionMeta): (f: Feature) => string {
  const keys = meta.fields.map((f) => ({ name: f.name, type: f.type, key: JSON.stringify(f.name) + ':' }));
  return (f) => {
    let s = '{"type":"Feature","id":' + (typeof f.id === 'number' ? jsonValue(f.id, 'integer') : JSON.stringify(String(f.id)))
      + ',"geometry":' + geoJsonGeometry(f.geometry) + ',"properties":{';
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
export async function writeGeoJson(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  const out = new ChunkBuffer(sink, meta.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const ser = geoJsonFeatureSerializer(meta);
  let head = '{"type":"FeatureCollection"';
  if (meta.srsName && !LEGACY_CRS_FREE.test(meta.srsName)) {
    head += ',"crs":{"type":"name","properties":{"name":' + JSON.stringify(meta.srsName) + '}}';
  }
  if (meta.bbox) head += ',"bbox":[' + meta.bbox.map((n) => jsonValue(n, 'real')).join(',') + ']';
  out.add(head + ',"features":[');
  const count = await writeFeatures(out, features, meta.signal, (f, i) => (i ? ',' : '') + ser(f));
  let tail = ']';
  const matched = meta.numberMatched ?? meta.lateNumberMatched?.();
  if (matched !== undefined) tail += ',"numberMatched":' + matched;
  tail += ',"numberReturned":' + count;
  tail += ',"timeStamp":"' + (meta.timeStamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z') + '"';
  if (meta.links?.length) tail += ',"links":' + JSON.stringify(meta.links);
  out.add(tail + '}');
  await out.flush();
  return { numberReturned: count, chars: out.chars };
}
