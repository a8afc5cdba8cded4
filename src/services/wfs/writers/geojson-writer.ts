/** Streaming GeoJSON FeatureCollection (RFC 7946; OGC API items members) writer. */
import type { Feature, Geometry } from '../../../data/types.js';
import { writeGeometry } from './geometry-cache.js';
import { ChunkBuffer, DEFAULT_CHUNK_SIZE, utf8, writeFeatures } from './chunk-buffer.js';
import { GeoJsonGeometryWriter } from './geojson-geometry.js';
import type { AnswerMeta, ChunkSink, CollectionMeta, CollectionPart, FeatureSource, WriteResult } from './types.js';
import { jsonValue } from './values.js';

const LEGACY_CRS_FREE = /^(EPSG:4326|urn:ogc:def:crs:(EPSG::4326|OGC:1\.3:CRS84)|http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84)$/i;

const FEATURE_ID = utf8('{"type":"Feature","id":');
const GEOMETRY = utf8(',"geometry":');
const PROPERTIES = utf8(',"properties":{');
const NULL = utf8('null');
const QUOTE = 34, CLOSE_BRACE = 125;

/** An attribute value as JSON (strings and numbers written straight in; the rest as jsonValue gives it). */
function writeJsonValue(out: ChunkBuffer, v: unknown, type: string): void {
  if (typeof v === 'string') out.jsonString(v);
  else if (typeof v === 'number') out.real(v);
  else if (v === undefined || v === null) out.bytes(NULL);
  else out.add(jsonValue(v, type));
}

/** Makes the writer of one feature for a field list (property keys encoded once). */
export function geoJsonFeatureWriter(meta: CollectionMeta): (out: ChunkBuffer, f: Feature) => void {
  const keys = meta.fields.map((f, i) => ({ name: f.name, type: f.type, key: utf8((i ? ',' : '') + JSON.stringify(f.name) + ':') }));
  const prefix = meta.qualifyIds ? meta.typeName + '.' : null;
  // A numeric id after the prefix: the prefix's JSON text without its closing quote, the number, the quote.
  const prefixOpen = prefix !== null ? utf8(JSON.stringify(prefix).slice(0, -1)) : null;
  const geometry = new GeoJsonGeometryWriter(meta.decimals);
  const form = `geojson|${meta.decimals ?? ''}`;
  const writeGeom = (out: ChunkBuffer, g: Geometry) => geometry.write(out, g);
  return (out, f) => {
    out.bytes(FEATURE_ID);
    const id = f.id;
    if (typeof id === 'number' && (prefixOpen === null || Number.isFinite(id))) {
      if (prefixOpen) out.bytes(prefixOpen);
      out.real(id);
      if (prefixOpen) out.byte(QUOTE);
    } else out.jsonString(prefix !== null ? prefix + String(id) : String(id));
    out.bytes(GEOMETRY);
    if (f.geometry) writeGeometry(out, f.geometry, form, writeGeom);
    else out.bytes(NULL);
    out.bytes(PROPERTIES);
    const a = f.attributes;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      out.bytes(k.key);
      writeJsonValue(out, a[k.name], k.type);
    }
    out.byte(CLOSE_BRACE);
    out.byte(CLOSE_BRACE);
  };
}

/** One feature as GeoJSON text (OGC API item, WFS 2.0 GetFeatureById). */
export function geoJsonFeatureSerializer(meta: CollectionMeta): (f: Feature) => string {
  const write = geoJsonFeatureWriter(meta);
  return (f) => ChunkBuffer.render((out) => write(out, f));
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
    const write = geoJsonFeatureWriter(meta);
    const before = count;
    count += await writeFeatures(out, features, root.signal, (o, f, i) => {
      if (before + i > 0) o.byte(44);
      write(o, f);
    });
  }
  out.add(await geoJsonTail(root, count));
  await out.flush();
  return { numberReturned: count, bytes: out.handed };
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
