/**
 * Axis order of the coordinates a WFS client writes, and Filter Encoding spatial constraints → the data layer's
 * SpatialPredicate (x/y order, canonical CRS, normalised distance units). GetFeature and Transaction share it.
 *
 * Axis rules (brief "Axis-order rules", GeoServer's convention that GDAL and OWSLib expect):
 * - WFS 1.0.0: x/y always.
 * - WFS 1.1.0 / 2.0.0: a srsName written as a URN (urn:ogc:def:crs:EPSG::n, urn:x-ogc:def:crs:EPSG:n) or as
 *   http://www.opengis.net/def/crs/EPSG/0/n is in the EPSG axis order (lat/lon for EPSG:4326); "EPSG:n" and
 *   http://www.opengis.net/gml/srs/epsg.xml#n are x/y. CRS:84 and its URN/URI spellings are x/y.
 */
import { axisOrderIsLatLon, resolveCrs, type Geometry, type SpatialOperator, type SpatialPredicate } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { WfsVersion } from './version.js';
import type { SpatialConstraint } from './xml/filter-encoding.js';

/** Spellings that carry the authority's axis order (WFS 1.1 / 2.0). */
const AUTHORITY_ORDER = /^(urn:(x-)?ogc:def:crs:|https?:\/\/www\.opengis\.net\/def\/crs\/)/i;

/**
 * Whether coordinates written with this srsName in this version are northing first and must be swapped to x/y.
 * Throws InvalidParameterValue (locator) for a CRS the server cannot use.
 */
export async function srsNameSwapsAxes(srsName: string, version: WfsVersion, locator = 'SRSNAME'): Promise<boolean> {
  await resolveCrs(srsName, 'InvalidParameterValue', locator);
  if (version === '1.0.0' || !AUTHORITY_ORDER.test(srsName.trim())) return false;
  return axisOrderIsLatLon(srsName);
}

/** The srsName a version writes by default for a CRS given as "EPSG:n": "EPSG:n" (1.0.0), else the URN. */
export function defaultSrsName(crs: string, version: WfsVersion): string {
  const m = /^EPSG:(\d+)$/i.exec(crs.trim());
  if (!m || version === '1.0.0') return crs;
  return `urn:ogc:def:crs:EPSG::${m[1]}`;
}

/** A geometry with x and y exchanged in every position (z and m kept). */
export function swapGeometryAxes(g: Geometry): Geometry {
  const p = (c: number[]): number[] => [c[1]!, c[0]!, ...c.slice(2)];
  switch (g.type) {
    case 'Point': return { type: 'Point', coordinates: p(g.coordinates) };
    case 'MultiPoint': return { type: 'MultiPoint', coordinates: g.coordinates.map(p) };
    case 'LineString': return { type: 'LineString', coordinates: g.coordinates.map(p) };
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: g.coordinates.map((l) => l.map(p)) };
    case 'Polygon': return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(p)) };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: g.coordinates.map((s) => s.map((r) => r.map(p))) };
    case 'GeometryCollection': return { type: 'GeometryCollection', geometries: g.geometries.map(swapGeometryAxes) };
  }
}

const UNITS: ReadonlyArray<[RegExp, string]> = [
  [/^(m|meters?|metres?|(urn:ogc:def:uom:EPSG::|https?:\/\/www\.opengis\.net\/def\/uom\/EPSG\/0\/)9001)$/i, 'm'],
  [/^(km|kilometers?|kilometres?|(urn:ogc:def:uom:EPSG::|https?:\/\/www\.opengis\.net\/def\/uom\/EPSG\/0\/)9036)$/i, 'km'],
  [/^(deg|degrees?|(urn:ogc:def:uom:EPSG::|https?:\/\/www\.opengis\.net\/def\/uom\/EPSG\/0\/)9102)$/i, 'deg'],
];

/** A Distance's units attribute → 'm' | 'km' | 'deg' | null (absent: the CRS's own units); others are refused. */
export function distanceUnits(units: string | null, locator = 'FILTER'): string | null {
  if (units === null || units.trim() === '') return null;
  const u = units.trim();
  for (const [re, unit] of UNITS) if (re.test(u)) return unit;
  throw new OgcError('InvalidParameterValue', `Distance units '${u.slice(0, 80)}' are not supported; use m, km or deg`, { locator });
}

const OPERATORS: Readonly<Record<SpatialConstraint['operator'], SpatialOperator>> = {
  BBOX: 'bbox', Intersects: 'intersects', Disjoint: 'disjoint', Within: 'within', Contains: 'contains', Equals: 'equals',
  Touches: 'touches', Crosses: 'crosses', Overlaps: 'overlaps', DWithin: 'dwithin', Beyond: 'beyond',
};

/**
 * Filter Encoding spatial constraints → data-layer predicates. A constraint without srsName is in `defaultCrs`,
 * which the caller spells as the request wrote (or would write) it, so the same axis rule applies: e.g. the
 * query's srsName, else defaultSrsName(layer CRS, version). Unknown CRS or units → InvalidParameterValue (locator).
 */
export async function toSpatialPredicates(constraints: SpatialConstraint[], version: WfsVersion, defaultCrs: string, locator = 'FILTER'): Promise<SpatialPredicate[]> {
  const out: SpatialPredicate[] = [];
  for (const c of constraints) {
    const srsName = c.srsName ?? defaultCrs;
    const crs = await resolveCrs(srsName, 'InvalidParameterValue', locator);
    const swap = await srsNameSwapsAxes(srsName, version, locator);
    const p: SpatialPredicate = { op: OPERATORS[c.operator], geometry: swap ? swapGeometryAxes(c.geometry) : c.geometry, crs: crs.id };
    if (c.distance) {
      p.distance = c.distance.value;
      p.units = distanceUnits(c.distance.units, locator);
    }
    out.push(p);
  }
  return out;
}
