/**
 * What GetFeatureInfo found, independent of the answer format: per queried layer, the features hit
 * (authorised attributes only, with their aliases) or the raster band values. The formatters
 * (feature-info-text.ts, -xml.ts, -json.ts, -gml.ts) write it as QGIS Server does.
 */
import type { Geometry } from '../../data/index.js';
import type { WmsVersion } from './version.js';

/** The INFO_FORMAT families GetFeatureInfo answers in. */
export type InfoFormat = 'text' | 'html' | 'xml' | 'json' | 'gml2' | 'gml3';

/** One attribute of a feature: field name, its alias (what QGIS shows in text, HTML, XML and JSON) and value. */
export interface InfoAttribute {
  name: string;
  alias: string;
  value: unknown;
}

/** One feature hit: id (the layer's id field, else the source FID), attributes, geometry in the request CRS (x/y). */
export interface InfoFeature {
  id: string | number;
  attributes: InfoAttribute[];
  geometry: Geometry | null;
}

/** A vector layer's answer. */
export interface VectorInfoLayer {
  kind: 'vector';
  name: string;
  features: InfoFeature[];
}

/** A raster layer's answer: one value per band (null where the pixel is nodata); no bands when the point is off the raster. */
export interface RasterInfoLayer {
  kind: 'raster';
  name: string;
  bands: Array<{ name: string; value: number | null }>;
}

/** One queried layer's answer. */
export type InfoLayer = VectorInfoLayer | RasterInfoLayer;

/** Everything a formatter needs. */
export interface FeatureInfo {
  version: WmsVersion;
  /** Canonical id of the request CRS ("EPSG:4326" also for CRS:84): geometries are in it, x/y order. */
  crs: string;
  /** WITH_GEOMETRY: geometries (and bounding boxes) in the answer. */
  withGeometry: boolean;
  /** Decimals of coordinates written (QGIS's default WMS feature-info precision is 6). */
  precision: number;
  layers: InfoLayer[];
}

/** QGIS's text for an attribute value: NULL for missing values, ISO dates, plain numbers. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A raster band value as text ('' for nodata, as QGIS writes it). */
export function bandText(value: number | null): string {
  return value === null ? '' : String(value);
}

/** A coordinate rounded to `precision` decimals, trailing zeros dropped (-0 written 0). */
export function coord(value: number, precision: number): string {
  const r = Number(value.toFixed(precision));
  return String(Object.is(r, -0) ? 0 : r);
}

/** A number rounded to `precision` decimals (for JSON). */
export function roundTo(value: number, precision: number): number {
  const r = Number(value.toFixed(precision));
  return Object.is(r, -0) ? 0 : r;
}

/** The bounding box [minx, miny, maxx, maxy] of a geometry, or null when it has no coordinates. */
export function geometryBBox(geometry: Geometry | null): [number, number, number, number] | null {
  if (!geometry) return null;
  let out: [number, number, number, number] | null = null;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const x = c[0] as number;
      const y = c[1] as number;
      out = out ? [Math.min(out[0], x), Math.min(out[1], y), Math.max(out[2], x), Math.max(out[3], y)] : [x, y, x, y];
      return;
    }
    for (const sub of c) visit(sub);
  };
  const walk = (g: Geometry): void => {
    if (g.type === 'GeometryCollection') g.geometries.forEach(walk);
    else visit(g.coordinates);
  };
  walk(geometry);
  return out;
}

/** A name made safe as the local part of an XML element (QGIS replaces spaces with '_'). */
export function xmlName(name: string): string {
  let s = name.replace(/\s/g, '_').replace(/[^\p{L}\p{N}_.-]/gu, '_');
  if (!/^[\p{L}_]/u.test(s)) s = `_${s}`;
  return s;
}
