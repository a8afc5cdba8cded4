/**
 * GetFeatureInfo as application/json and application/geo+json: QGIS Server's FeatureCollection. A
 * feature is {"type", "id": "layer.fid", ["bbox"], "geometry", "properties"} with properties keyed by
 * alias and typed as read; geometries are in the request CRS in x/y order (as GeoJSON wants), and a
 * CRS other than EPSG:4326 / CRS:84 is named in a "crs" member (urn:ogc:def:crs:EPSG::n), as QGIS does.
 * A raster layer is one feature {"id": layer, "properties": {band: "value"}} (values as text, as QGIS).
 */
import type { Geometry } from '../../data/index.js';
import { geometryBBox, roundTo, type FeatureInfo } from './feature-info-model.js';

/** application/json, application/geo+json. */
export function featureInfoJson(info: FeatureInfo): string {
  const features: Array<Record<string, unknown>> = [];
  for (const layer of info.layers) {
    if (layer.kind === 'raster') {
      if (layer.bands.length === 0) continue;
      const properties: Record<string, string | null> = {};
      for (const b of layer.bands) properties[b.name] = b.value === null ? null : String(b.value);
      features.push({ type: 'Feature', id: layer.name, properties });
      continue;
    }
    for (const f of layer.features) {
      const out: Record<string, unknown> = { type: 'Feature', id: `${layer.name}.${f.id}` };
      if (info.withGeometry && f.geometry) {
        const b = geometryBBox(f.geometry);
        if (b && f.geometry.type !== 'Point') out.bbox = b.map((v) => roundTo(v, info.precision));
        out.geometry = roundGeometry(f.geometry, info.precision);
      } else out.geometry = null;
      const properties: Record<string, unknown> = {};
      for (const a of f.attributes) properties[a.alias || a.name] = jsonValue(a.value);
      out.properties = properties;
      features.push(out);
    }
  }
  const doc: Record<string, unknown> = { type: 'FeatureCollection', features };
  const epsg = /^EPSG:(\d+)$/.exec(info.crs)?.[1];
  if (epsg && epsg !== '4326') doc.crs = { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${epsg}` } };
  return JSON.stringify(doc);
}

function jsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

function roundGeometry(g: Geometry, precision: number): Geometry {
  const r = (c: unknown): unknown => (typeof c === 'number' ? roundTo(c, precision) : Array.isArray(c) ? c.map(r) : c);
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: g.geometries.map((m) => roundGeometry(m, precision)) };
  return { type: g.type, coordinates: r(g.coordinates) } as Geometry;
}
