/** Streaming WFS GetFeature writers: GML 2 (WFS 1.0), GML 3.1.1 (WFS 1.1), GML 3.2 (WFS 2.0). */
import type { Feature } from '../../../data/types.js';
import { ChunkBuffer, DEFAULT_CHUNK_SIZE, utf8, writeFeatures } from './chunk-buffer.js';
import { escapeXmlAttr, escapeXmlText, gmlId, xmlName } from './escape.js';
import { writeGeometry } from './geometry-cache.js';
import { GmlGeometryWriter, type GmlVersion } from './gml-geometry.js';
import type { AnswerMeta, ChunkSink, CollectionMeta, CollectionPart, FeatureSource, WriteResult } from './types.js';
import { xmlNonFinite, xmlValue } from './values.js';

/** Namespaces and schema locations per GML flavour. */
const FLAVOURS = {
  '2': {
    wfs: 'http://www.opengis.net/wfs', gml: 'http://www.opengis.net/gml', member: 'gml:featureMember',
    wfsXsd: 'http://schemas.opengis.net/wfs/1.0.0/WFS-basic.xsd', gmlXsd: 'http://schemas.opengis.net/gml/2.1.2/feature.xsd',
  },
  '3.1.1': {
    wfs: 'http://www.opengis.net/wfs', gml: 'http://www.opengis.net/gml', member: 'gml:featureMember',
    wfsXsd: 'http://schemas.opengis.net/wfs/1.1.0/wfs.xsd', gmlXsd: 'http://schemas.opengis.net/gml/3.1.1/base/gml.xsd',
  },
  '3.2': {
    wfs: 'http://www.opengis.net/wfs/2.0', gml: 'http://www.opengis.net/gml/3.2', member: 'wfs:member',
    wfsXsd: 'http://schemas.opengis.net/wfs/2.0/wfs.xsd', gmlXsd: 'http://schemas.opengis.net/gml/3.2.1/gml.xsd',
  },
} as const;

/** An ISO timestamp without milliseconds. */
function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The root start tag and bounding box of the collection. */
export function gmlHeader(version: GmlVersion, meta: AnswerMeta, geom: GmlGeometryWriter): string {
  const fl = FLAVOURS[version];
  const p = xmlName(meta.prefix);
  let s = '<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection'
    + ` xmlns:wfs="${fl.wfs}" xmlns:gml="${fl.gml}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`
    + ` xmlns:${p}="${escapeXmlAttr(meta.namespaceUri)}"`;
  const loc = (meta.schemaLocation ? `${meta.namespaceUri} ${meta.schemaLocation} ` : '') + `${fl.wfs} ${fl.wfsXsd} ${fl.gml} ${fl.gmlXsd}`;
  s += ` xsi:schemaLocation="${escapeXmlAttr(loc)}"`;
  const ts = stamp(meta.timeStamp ?? new Date());
  if (version !== '3.2') {
    // WFS 1.1 numberOfFeatures; WFS 1.0 has no hits, but answers RESULTTYPE=hits (a vendor extension) the same way.
    if (meta.numberReturned !== undefined) s += ` numberOfFeatures="${meta.numberReturned}"`;
    if (version === '3.1.1') s += ` timeStamp="${ts}"`;
  } else {
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

/** An attribute value as XML text (strings and numbers written straight in; the rest as xmlValue gives it). */
function writeXmlValue(out: ChunkBuffer, v: unknown, type: string): void {
  if (typeof v === 'string') out.xmlText(v, escapeXmlText);
  else if (typeof v === 'number') out.real(v, xmlNonFinite);
  else out.add(escapeXmlText(xmlValue(v, type)));
}

/**
 * Makes the writer of one feature for one request: the member element around the feature, or none and
 * `rootAttrs` (namespace declarations) on the feature element for a feature standing alone (GetFeatureById).
 */
export function gmlFeatureWriter(version: GmlVersion, meta: CollectionMeta, geom: GmlGeometryWriter, alone?: { rootAttrs: string }): (out: ChunkBuffer, f: Feature) => void {
  const p = xmlName(meta.prefix);
  const typeName = xmlName(meta.typeName);
  const tag = `${p}:${typeName}`;
  const [open, close] = alone ? ['', ''] : [`<${FLAVOURS[version].member}>`, `</${FLAVOURS[version].member}>\n`];
  const geomTag = `${p}:${xmlName(meta.geometryName ?? 'geometry')}`;
  const fields = meta.fields.map((f) => ({ name: f.name, type: f.type, open: utf8(`<${p}:${xmlName(f.name)}>`), close: utf8(`</${p}:${xmlName(f.name)}>`) }));
  const idAttr = (alone?.rootAttrs ?? '') + (version === '2' ? ' fid="' : ' gml:id="');
  // A non-negative integer id makes a valid gml:id after the type name (an NCName): written as it is.
  const start = utf8(`${open}<${tag}${idAttr}${typeName}.`), startText = utf8(`${open}<${tag}${idAttr}`);
  const [geomOpen, geomClose] = [utf8(`"><${geomTag}>`), utf8(`</${geomTag}>`)];
  const end = utf8(`</${tag}>${close}`);
  const v32 = version === '3.2';
  // The geometry text holds gml:ids made of the type name and the feature id: both are in the form's key or fixed per store.
  const form = `gml${version}|${typeName}|${meta.srsName ?? ''}|${meta.swapAxes === true}|${meta.decimals ?? ''}`;
  return (out, f) => {
    const fid = f.id;
    const plain = typeof fid === 'number' && Number.isInteger(fid) && fid >= 0 && fid < 1073741824;
    let id: string | null = null;
    if (plain) {
      out.bytes(start);
      out.uint(fid);
    } else {
      id = gmlId(typeName, fid);
      out.bytes(startText);
      out.add(id);
    }
    if (f.geometry) {
      out.bytes(geomOpen);
      // The geometry's gml:id (3.2 only) is the feature's with '.geom'.
      const gid = v32 ? (id ?? `${typeName}.${fid}`) + '.geom' : '';
      writeGeometry(out, f.geometry, form, (o, g) => geom.writeTo(o, g, gid));
      out.bytes(geomClose);
    } else {
      out.byte(34);
      out.byte(62);
    }
    const a = f.attributes;
    for (let i = 0; i < fields.length; i++) {
      const fd = fields[i]!;
      const v = a[fd.name];
      if (v === null || v === undefined) continue;
      out.bytes(fd.open);
      writeXmlValue(out, v, fd.type);
      out.bytes(fd.close);
    }
    out.bytes(end);
  };
}

/** One feature as a document of its own (WFS 2.0 GetFeatureById answers the bare feature element). */
export function gmlLoneFeature(version: GmlVersion, meta: CollectionMeta, f: Feature): string {
  const fl = FLAVOURS[version];
  const loc = meta.schemaLocation ? ` xsi:schemaLocation="${escapeXmlAttr(`${meta.namespaceUri} ${meta.schemaLocation}`)}"` : '';
  const rootAttrs = ` xmlns:${xmlName(meta.prefix)}="${escapeXmlAttr(meta.namespaceUri)}" xmlns:gml="${fl.gml}"`
    + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"${loc}`;
  const geom = new GmlGeometryWriter({ version, srsName: meta.srsName, swapAxes: meta.swapAxes, decimals: meta.decimals });
  const write = gmlFeatureWriter(version, meta, geom, { rootAttrs });
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + ChunkBuffer.render((out) => write(out, f)) + '\n';
}

/** Streams a wfs:FeatureCollection of one feature type in the given GML flavour. */
export function writeGml(version: GmlVersion, sink: ChunkSink, features: FeatureSource, meta: CollectionMeta): Promise<WriteResult> {
  return writeGmlParts(version, sink, meta, [{ meta, features }]);
}

/** The start tag of a WFS 2.0 member collection (one per query in an answer to several, WFS 2.0 §11.3.3.5). */
function innerCollectionStart(part: CollectionMeta, timeStamp: string): string {
  return `<wfs:member>\n<wfs:FeatureCollection numberMatched="${part.numberMatched ?? 'unknown'}" numberReturned="${part.numberReturned ?? 'unknown'}" timeStamp="${timeStamp}">\n`;
}

/**
 * Streams one wfs:FeatureCollection holding the features of several queries: GML 2 / 3.1.1 put every member in
 * the one collection; GML 3.2 with more than one part nests one wfs:member/wfs:FeatureCollection per part.
 * The root's counts, links and schema location come from `root`; each part brings its own type, srsName and axes.
 */
export async function writeGmlParts(version: GmlVersion, sink: ChunkSink, root: AnswerMeta, parts: readonly CollectionPart[]): Promise<WriteResult> {
  const out = new ChunkBuffer(sink, root.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const timeStamp = root.timeStamp ?? new Date();
  out.add(gmlHeader(version, { ...root, timeStamp }, new GmlGeometryWriter({ version, srsName: root.srsName, swapAxes: root.swapAxes, decimals: root.decimals })));
  const nested = version === '3.2' && parts.length > 1;
  let count = 0;
  for (const { meta, features } of parts) {
    if (root.signal?.aborted) break;
    const geom = new GmlGeometryWriter({ version, srsName: meta.srsName, swapAxes: meta.swapAxes, decimals: meta.decimals });
    if (nested) out.add(innerCollectionStart(meta, stamp(timeStamp)));
    count += await writeFeatures(out, features, root.signal, gmlFeatureWriter(version, meta, geom));
    if (nested) out.add('</wfs:FeatureCollection>\n</wfs:member>\n');
  }
  out.add('</wfs:FeatureCollection>\n');
  await out.flush();
  return { numberReturned: count, bytes: out.handed };
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
