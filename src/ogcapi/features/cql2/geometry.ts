/**
 * Geometry literals of a filter → GeoJSON in x/y (east, north) order for SpatialPredicate.
 *
 * Literals are in filter-crs (default CRS84) in that CRS's axis order, as OGC API – Features Part 2/3 say
 * for bbox-crs and filter-crs: CRS84 is lon/lat, http://www.opengis.net/def/crs/EPSG/0/4326 is lat/lon, so its
 * coordinates are swapped here; JSON geometries follow the same rule as WKT so both encodings agree. BBOX
 * values are (min axis 1, min axis 2, [min z,] max axis 1, max axis 2[, max z]); in a geographic CRS a box
 * whose west edge is east of its east edge crosses the antimeridian and becomes two boxes.
 *
 * The axis order is looked up synchronously through PROJ (parseCql2 is synchronous), once per CRS.
 */
import gdal from 'gdal-async';
import { parseCrsName } from '../../../data/crs.js';
import type { Geometry } from '../../../data/types.js';
import { InvalidParameterError } from '../../../errors/ogc-error.js';
import { filterError, type GeomOperand, type Loc } from './syntax.js';

/** How a filter CRS's coordinates are written. */
export interface CrsAxes {
  /** Northing (latitude) first: literals are swapped into x/y. */
  inverted: boolean;
  /** Degrees: a BBOX may cross the antimeridian. */
  geographic: boolean;
}

const MAX_CACHED = 256;
const axesCache = new Map<string, CrsAxes | null>();

function unsupportedCrs(crs: string): InvalidParameterError {
  return new InvalidParameterError('filter-crs', `CRS '${crs.slice(0, 100)}' is not supported for filter geometries`);
}

/** The syntax check of filter-crs (no PROJ call): throws InvalidParameterError('filter-crs') when it is not a CRS name. */
export function checkCrsName(crs: string): void {
  if (!parseCrsName(crs)) throw unsupportedCrs(crs);
}

/** Axis order and kind of a filter CRS; throws InvalidParameterError('filter-crs') for a CRS PROJ does not know. */
export function crsAxes(crs: string): CrsAxes {
  const name = parseCrsName(crs);
  if (!name) throw unsupportedCrs(crs);
  if (name.lonLat) return { inverted: false, geographic: true };
  let axes = axesCache.get(name.key);
  if (axes === undefined) {
    axes = lookUp(name.epsg);
    if (axesCache.size >= MAX_CACHED) axesCache.delete(axesCache.keys().next().value as string);
    axesCache.set(name.key, axes);
  }
  if (!axes) throw unsupportedCrs(crs);
  return axes;
}

function lookUp(epsg: number): CrsAxes | null {
  try {
    const srs = gdal.SpatialReference.fromUserInput(`EPSG:${epsg}`);
    const geographic = srs.isGeographic();
    if (!geographic && !srs.isProjected()) return null;
    return { inverted: srs.EPSGTreatsAsLatLong() || srs.EPSGTreatsAsNorthingEasting(), geographic };
  } catch {
    return null;
  }
}

function swapPositions(c: unknown): unknown {
  if (Array.isArray(c) && typeof c[0] === 'number') return [c[1], c[0]];
  return (c as unknown[]).map(swapPositions);
}

function swapped(g: Geometry): Geometry {
  if (g.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: g.geometries.map(swapped) };
  return { type: g.type, coordinates: swapPositions(g.coordinates) } as Geometry;
}

function box(minx: number, miny: number, maxx: number, maxy: number): number[][][] {
  return [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]];
}

/** A literal operand in x/y order; `box` when it is a BBOX that is one rectangle (the data layer's 'bbox' operator applies). */
export function literalGeometry(operand: Exclude<GeomOperand, { kind: 'property' }>, axes: CrsAxes): { geometry: Geometry; box: boolean } {
  if (operand.kind === 'geometry') return { geometry: axes.inverted ? swapped(operand.geometry) : operand.geometry, box: false };
  const v = operand.values;
  if (!v.every(Number.isFinite)) throw filterError('BBOX values must be finite numbers', operand.loc);
  const half = v.length / 2;
  let [minx, miny, maxx, maxy] = [v[0], v[1], v[half], v[half + 1]];
  if (axes.inverted) [minx, miny, maxx, maxy] = [miny, minx, maxy, maxx];
  return bboxGeometry(minx, miny, maxx, maxy, axes, operand.loc);
}

function bboxGeometry(minx: number, miny: number, maxx: number, maxy: number, axes: CrsAxes, loc: Loc): { geometry: Geometry; box: boolean } {
  if (miny > maxy) throw filterError(`BBOX south edge ${miny} is north of its north edge ${maxy}`, loc);
  if (minx <= maxx) return { geometry: { type: 'Polygon', coordinates: box(minx, miny, maxx, maxy) }, box: true };
  if (!axes.geographic || minx > 180 || maxx < -180) throw filterError(`BBOX minimum x ${minx} is greater than its maximum x ${maxx}`, loc);
  return { geometry: { type: 'MultiPolygon', coordinates: [box(minx, miny, 180, maxy), box(-180, miny, maxx, maxy)] }, box: false };
}
