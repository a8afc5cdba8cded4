/** Streaming WFS GetFeature writers: GML 2 (WFS 1.0), GML 3.1.1 (WFS 1.1), GML 3.2 (WFS 2.0). */
import type { Feature } from '../../../data/types.js';
import { ChunkBuffer, DEFAULT_CHUNK_SIZE, writeFeatures } from './chunk-buffer.js';
import { escapeXmlAttr, escapeXmlText, gmlId, xmlName } from './escape.js';
import { GmlGeometryWriter, type GmlVersion } from './gml-geometry.js';
import type { ChunkSink, CollectionMeta, FeatureSource, WriteResult } from './types.js';
import { xmlValue } from './values.js';

/** Namespaces and schema locations per GML flavour. */
const FLAVOURS = {
  '2': { wfs: 'http://www.opengis.net/wfs', gml: 'http://www.opengis.net/gml', wfsXsd: 'http://schemas.opengis.net/wfs/1.0.0/WFS-basic.xsd', member: 'gml:featureMember' },
  '3.1.1': { wfs: 'http://www.opengis.net/wfs', gml: 'http://www.opengis.net/gml', wfsXsd: 'http://schemas.opengis.net/wfs/1.1.0/wfs.xsd', member: 'gml:featureMember' },
  '3.2': { wfs: 'http://www.opengis.net/wfs/2.0', gml: 'http://www.opengis.net/gml/3.2', wfsXsd: 'http://schemas.opengis.net/wfs/2.0/wfs.xsd', member: 'wfs:member' },
} as const;

/** An ISO timestamp without milliseconds. */
function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The root start tag and bounding box of the collection. */
export function gmlHeader(version: GmlVersion, meta: CollectionMeta, geom: GmlGeometryWriter): string {
  const fl = FLAVOURS[version];
  const p = xmlName(meta.prefix);
  let s = '<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection'
    + ` xmlns:wfs="${fl.wfs}" xmlns:gml="${fl.gml}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`
    + ` xmlns:${p}="${escapeXmlAttr(meta.namespaceUri)}"`;
  const loc = (meta.schemaLocation ? `${meta.namespaceUri} ${meta.schemaLocation} ` : '') + `${fl.wfs} ${fl.wfsXsd}`;
  s += ` xsi:schemaLocation="${escapeXmlAttr(loc)}"`;
  const ts = stamp(meta.timeStamp ?? new Date());
  if (version === '3.1.1') {
    if (meta.numberReturned !== undefined) s += ` numberOfFeatures="${meta.numberReturned}"`;
    s += ` timeStamp="${ts}"`;
  } else if (version === '3.2') {
    s += ` numberMatched="${meta.numberMatched ?? 'unknown'}" numberReturned="${meta.numberReturned ?? 'unknown'}" timeStamp="${ts}"`;
    for (const l of meta.links ?? []) {
      if (l.rel === 'next' || l.rel === 'previous') s += ` ${l.rel}="${escapeXmlAttr(l.href)}"`;
    }
  }
  s += '>\n';
  if (version === '3.2') {
    if (meta.bbox) s += `<wfs:boundedBy>${geom.envelope(meta.bbox)}</wfs:boundedBy>\n`;
  } else {
    s += '<gml:boundedBy>' + (meta.bbox ? geom.envelope(meta.bbox) : version === '2' ? '<gml:null>unknown</gml:null>' : '<gml:Null>unknown</gml:Null>') + '</gml:boundedBy>\n';
  }
  return s;
}

/** Makes the per-feature serialiser (member element included) for one request. */
export function gmlFeatureSerializer(version: GmlVersion, meta: CollectionMeta, geom: GmlGeometryWriter): (f: Feature) => string {
  const p = xmlName(meta.prefix);
  const typeName = xmlName(meta.typeName);
  const tag = `${p}:${typeName}`;
  const member = FLAVOURS[version].member;
  const geomTag = `${p}:${xmlName(meta.geometryName ?? 'geometry')}`;
  const fields = meta.fields.map((f) => ({ name: f.name, type: f.type, open: `<${p}:${xmlName(f.name)}>`, close: `</${p}:${xmlName(f.name)}>` }));
  const idAttr = version === '2' ? ' fid="' : ' gml:id="';
  return (f) => {
    const id = gmlId(typeName, f.id);
    let s = `<${member}><${tag}${idAttr}${id}">`;
    if (f.geometry) s += `<${geomTag}>${geom.write(f.geometry, id + '.geom')}</${geomTag}>`;
    const a = f.attributes;
    for (let i = 0; i < fields.length; i++) {
      const fd = fields[i]!;
      const v = a[fd.name];
      if (v === null || v === undefined) continue;
      s += fd.open + escapeXmlText(xmlValue(v, fd.type)) + fd.close;
    }
    return s + `</${tag}></${member}>\n`;
  };
}

/** Streams a wfs:FeatureCollection in the given GML flavour. */
export async function writeGml(version: GmlVersion, sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  const out = new ChunkBuffer(sink, meta.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const geom = new GmlGeometryWriter({ version, srsName: meta.srsName, swapAxes: meta.swapAxes });
  const ser = gmlFeatureSerializer(version, meta, geom);
  out.add(gmlHeader(version, meta, geom));
  const count = await writeFeatures(out, features, meta.signal, ser);
  out.add('</wfs:FeatureCollection>\n');
  await out.flush();
  return { numberReturned: count, chars: out.chars };
}

/** WFS 1.0.0 GetFeature as GML 2. */
export function writeGml2(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  return writeGml('2', sink, features, meta);
}

/** WFS 1.1.0 GetFeature as GML 3.1.1. */
export function writeGml311(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  return writeGml('3.1.1', sink, features, meta);
}

/** WFS 2.0.0 GetFeature as GML 3.2. */
export function writeGml32(sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  return writeGml('3.2', sink, features, meta);
}
