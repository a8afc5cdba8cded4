/**
 * CRS parsing and reprojection helpers for the request path.
 *
 * Every coordinate the data layer takes or returns is in x/y order (easting / longitude first), whatever
 * the authority says: EPSG:4326 is lon/lat here. The WMS 1.3.0 / WFS 1.1+ axis-order rule (EPSG:4326 BBOX
 * written lat/lon) is the service's job: it asks `axisOrderIsLatLon(crs)` and swaps the BBOX before it
 * builds a `BBox`, and swaps coordinates back when it writes them.
 *
 * GDAL 3 gives a SpatialReference made from "EPSG:4326" the authority axis order (lat/lon) and
 * gdal-async cannot switch it to the traditional GIS order, so the transformers below swap coordinates
 * on the way in and out for CRSs whose EPSG order is northing first.
 */
import gdal from 'gdal-async';
import { OgcError } from '../errors/ogc-error.js';
import type { BBox } from './types.js';

/** A CRS as the request named it, resolved through PROJ. */
export interface Crs {
  /** Canonical id for data work: "EPSG:nnnn" (CRS:84 is "EPSG:4326": same coordinates in x/y order). */
  readonly id: string;
  readonly epsg: number;
  readonly srs: gdal.SpatialReference;
  readonly geographic: boolean;
  /** True when the CRS, as named, has latitude/northing first (EPSG:4326 yes, CRS:84 no). */
  readonly axisInverted: boolean;
}

/** The syntax of a CRS name, before PROJ is asked: canonical key and EPSG code. */
export interface CrsName {
  /** "EPSG:nnnn" or "CRS:84" (or CRS:83 / CRS:27): the key CRS objects are cached under. */
  key: string;
  epsg: number;
  /** The OGC lon/lat aliases (CRS:84, OGC CRS84 ...) force x/y order. */
  lonLat: boolean;
}

const OGC_LONLAT: Record<string, number> = { '84': 4326, '83': 4269, '27': 4267 };

/**
 * Parses the CRS spellings clients send: "EPSG:nnnn", "CRS:84", "urn:ogc:def:crs:EPSG::nnnn" (with or
 * without a version), "urn:ogc:def:crs:OGC:1.3:CRS84", "http://www.opengis.net/def/crs/EPSG/0/nnnn",
 * "http://www.opengis.net/gml/srs/epsg.xml#nnnn". Null when it is none of them.
 */
export function parseCrsName(text: string): CrsName | null {
  const t = text.trim();
  let m = /^EPSG:(\d{1,9})$/i.exec(t) ??
    /^urn:(?:x-)?ogc:def:crs:EPSG:(?:[\d.]*:)?(\d{1,9})$/i.exec(t) ??
    /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d{1,9})$/i.exec(t) ??
    /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d{1,9})$/i.exec(t);
  if (m) return { key: `EPSG:${Number(m[1])}`, epsg: Number(m[1]), lonLat: false };
  m = /^CRS:(84|83|27)$/i.exec(t) ??
    /^urn:ogc:def:crs:OGC:[\d.]*:CRS(84|83|27)$/i.exec(t) ??
    /^https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[\d.]+\/CRS(84|83|27)$/i.exec(t);
  if (m) return { key: `CRS:${m[1]}`, epsg: OGC_LONLAT[m[1]!]!, lonLat: true };
  return null;
}

/** The error for a CRS the server cannot use; `code` is the caller's (InvalidCRS for WMS 1.3.0, InvalidSRS for 1.1.1 ...). */
export function invalidCrsError(text: string, code = 'InvalidCRS', locator?: string): OgcError {
  return new OgcError(code, `CRS '${String(text).slice(0, 100)}' is not supported`, locator === undefined ? {} : { locator });
}

/** Throws invalidCrsError(text, code, locator). */
export function raiseInvalidCrs(text: string, code = 'InvalidCRS', locator?: string): never {
  throw invalidCrsError(text, code, locator);
}

const MAX_CACHED = 2000;
/** Resolved CRSs by canonical key (bounded: keys are syntactically valid EPSG codes only). */
const crsCache = new Map<string, Promise<Crs | null>>();

/**
 * Resolves a CRS name through PROJ (asynchronously; cached). Any EPSG code PROJ knows with a horizontal
 * (geographic or projected) CRS works; anything else throws invalidCrsError(text, errorCode, locator).
 */
export async function resolveCrs(text: string, errorCode = 'InvalidCRS', locator?: string): Promise<Crs> {
  const name = parseCrsName(text);
  if (!name) raiseInvalidCrs(text, errorCode, locator);
  let pending = crsCache.get(name.key);
  if (!pending) {
    pending = lookUp(name);
    if (crsCache.size >= MAX_CACHED) crsCache.delete(crsCache.keys().next().value!);
    crsCache.set(name.key, pending);
  }
  const crs = await pending;
  if (!crs) raiseInvalidCrs(text, errorCode, locator);
  return crs;
}

async function lookUp(name: CrsName): Promise<Crs | null> {
  let srs: gdal.SpatialReference;
  try {
    srs = await gdal.SpatialReference.fromUserInputAsync(`EPSG:${name.epsg}`);
  } catch {
    return null;
  }
  const geographic = srs.isGeographic();
  if (!geographic && !srs.isProjected()) return null;
  const northingFirst = srs.EPSGTreatsAsLatLong() || srs.EPSGTreatsAsNorthingEasting();
  return Object.freeze({ id: `EPSG:${name.epsg}`, epsg: name.epsg, srs, geographic, axisInverted: name.lonLat ? false : northingFirst });
}

/** Whether PROJ knows the CRS (a horizontal one). */
export async function isKnownCrs(text: string): Promise<boolean> {
  return resolveCrs(text).then(() => true, () => false);
}

/** Whether the CRS is geographic (degrees). */
export async function isGeographic(text: string): Promise<boolean> {
  return (await resolveCrs(text)).geographic;
}

/**
 * Whether a client writes coordinates in this CRS latitude/northing first (WMS 1.3.0 BBOX, WFS 1.1+ / GML 3.2):
 * true for EPSG:4326 and the other EPSG geographic CRSs, and for the projected ones EPSG defines northing first
 * (EPSG:3035, ...); false for CRS:84 and EPSG:3857. WMS 1.1.1 and WFS 1.0 always use x/y.
 */
export async function axisOrderIsLatLon(text: string): Promise<boolean> {
  return (await resolveCrs(text)).axisInverted;
}

/** Two CRS names that give the same coordinates in x/y order (EPSG:4326 and CRS:84 do). */
export function sameCrs(a: string, b: string): boolean {
  const pa = parseCrsName(a);
  const pb = parseCrsName(b);
  return pa !== null && pb !== null && pa.epsg === pb.epsg;
}

/** Transforms x/y points from one CRS to another (both in x/y order); null for a point PROJ cannot transform. */
export interface Transformer {
  readonly from: Crs;
  readonly to: Crs;
  /** True when source and target are the same CRS (no-op). */
  readonly identity: boolean;
  point(x: number, y: number): [number, number] | null;
  /** Transforms a detached geometry in place (synchronous PROJ maths, no dataset lock); false when it fails. */
  geometry(g: gdal.Geometry): boolean;
}

const transformerCache = new Map<string, Transformer>();

/** A cached point transformer between two CRSs (CoordinateTransformation objects are costly to build). */
export async function transformer(from: string | Crs, to: string | Crs): Promise<Transformer> {
  const src = typeof from === 'string' ? await resolveCrs(from) : from;
  const dst = typeof to === 'string' ? await resolveCrs(to) : to;
  return cachedTransformer(src, dst);
}

/**
 * A transformer to or from a CRS built here rather than resolved from an EPSG code (a local projection for
 * metric distances: spatial.ts), not cached. The axis swaps follow each SpatialReference's own axis order.
 */
export function customTransformer(from: Crs, to: Crs): Transformer {
  return makeTransformer(from, to);
}

function cachedTransformer(from: Crs, to: Crs): Transformer {
  const key = `${from.id}>${to.id}`;
  let t = transformerCache.get(key);
  if (!t) {
    t = makeTransformer(from, to);
    if (transformerCache.size >= MAX_CACHED) transformerCache.delete(transformerCache.keys().next().value!);
    transformerCache.set(key, t);
  }
  return t;
}

function northingFirst(crs: Crs): boolean {
  return crs.srs.EPSGTreatsAsLatLong() || crs.srs.EPSGTreatsAsNorthingEasting();
}

function makeTransformer(from: Crs, to: Crs): Transformer {
  if (from.epsg === to.epsg && from.epsg > 0) return { from, to, identity: true, point: (x, y) => [x, y], geometry: () => true };
  const ct = new gdal.CoordinateTransformation(from.srs, to.srs);
  const swapIn = northingFirst(from);
  const swapOut = northingFirst(to);
  return {
    from, to, identity: false,
    point(x, y) {
      let p: { x: number; y: number };
      try {
        p = swapIn ? ct.transformPoint(y, x) : ct.transformPoint(x, y);
      } catch {
        return null;
      }
      const ox = swapOut ? p.y : p.x;
      const oy = swapOut ? p.x : p.y;
      return Number.isFinite(ox) && Number.isFinite(oy) && Math.abs(ox) < 1e300 && Math.abs(oy) < 1e300 ? [ox, oy] : null;
    },
    geometry(g) {
      try {
        if (swapIn) g.swapXY();
        g.transform(ct);
        if (swapOut) g.swapXY();
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Transforms a bounding box to another CRS: samples an (n+1)×(n+1) grid over it (edges and interior), finds
 * by bisection where the transformation stops working (a box reaching past a projection's domain), and
 * includes a pole lying inside the box when the target is geographic. Null when nothing transforms.
 */
export async function transformBBox(bbox: BBox, toCrs: string, densify = 20): Promise<BBox | null> {
  const t = await transformer(bbox.crs, toCrs);
  const bounds = transformBounds(t, bbox.bounds, densify);
  return bounds && { crs: t.to.id, bounds };
}

/** transformBBox on a transformer already at hand (synchronous: PROJ maths only). */
export function transformBounds(t: Transformer, b: readonly [number, number, number, number], densify = 20): [number, number, number, number] | null {
  if (t.identity) return [b[0], b[1], b[2], b[3]];
  const n = Math.max(1, Math.floor(densify));
  const [x0, y0, x1, y1] = b;
  const at = (i: number, j: number): [number, number] => [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * j) / n];
  let out: [number, number, number, number] | null = null;
  const add = (p: [number, number]) => {
    out = out ? [Math.min(out[0], p[0]), Math.min(out[1], p[1]), Math.max(out[2], p[0]), Math.max(out[3], p[1])] : [p[0], p[1], p[0], p[1]];
  };
  // Most boxes transform whole, and then the edges carry the extremes: 4n points instead of (n+1)².
  // An extreme can lie inside only around a singular point of the transform (a pole, the antipode of
  // an azimuthal projection's centre); a coarse interior check catches that, and then, or when an edge
  // point fails, the whole grid is sampled.
  let edgesWhole = true;
  for (let k = 0; k <= n && edgesWhole; k++) {
    for (const [i, j] of [[k, 0], [k, n], [0, k], [n, k]] as const) {
      const p = t.point(...at(i, j));
      if (!p) {
        edgesWhole = false;
        out = null;
        break;
      }
      add(p);
    }
  }
  if (edgesWhole && out) {
    const edge: [number, number, number, number] = out;
    let inside = true;
    for (let i = 1; i < 5 && inside; i++) {
      for (let j = 1; j < 5; j++) {
        const p = t.point(...at((n * i) / 5, (n * j) / 5));
        if (!p || p[0] < edge[0] || p[0] > edge[2] || p[1] < edge[1] || p[1] > edge[3]) {
          inside = false;
          break;
        }
      }
    }
    if (inside) return withPoles(t, b, out);
  }
  out = null;
  const grid: Array<Array<[number, number] | null>> = [];
  for (let i = 0; i <= n; i++) {
    grid.push([]);
    for (let j = 0; j <= n; j++) {
      const [x, y] = at(i, j);
      const p = t.point(x, y);
      grid[i]!.push(p);
      if (p) add(p);
    }
  }
  // Where a sample transforms and its neighbour does not, find the last point that does.
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      for (const [di, dj] of [[1, 0], [0, 1]] as const) {
        if (i + di > n || j + dj > n) continue;
        const a = grid[i]![j]!;
        const c = grid[i + di]![j + dj]!;
        if ((a === null) === (c === null)) continue;
        let good = a ? at(i, j) : at(i + di, j + dj);
        let bad = a ? at(i + di, j + dj) : at(i, j);
        let last: [number, number] | null = null;
        for (let k = 0; k < 30; k++) {
          const mid: [number, number] = [(good[0] + bad[0]) / 2, (good[1] + bad[1]) / 2];
          const p = t.point(mid[0], mid[1]);
          if (p) {
            good = mid;
            last = p;
          } else bad = mid;
        }
        if (last) add(last);
      }
    }
  }
  return withPoles(t, b, out);
}

/** A geographic result whose source box holds a pole spans every longitude up to that pole. */
function withPoles(t: Transformer, b: readonly [number, number, number, number], found: [number, number, number, number] | null): [number, number, number, number] | null {
  let out = found;
  const [x0, y0, x1, y1] = b;
  if (out && t.to.geographic) {
    const back = cachedTransformer(t.to, t.from);
    for (const lat of [90, -90]) {
      const pole = back.point(0, lat);
      if (pole && pole[0] >= Math.min(x0, x1) && pole[0] <= Math.max(x0, x1) && pole[1] >= Math.min(y0, y1) && pole[1] <= Math.max(y0, y1)) {
        const o = out as [number, number, number, number];
        out = [-180, Math.min(o[1], lat), 180, Math.max(o[3], lat)];
      }
    }
  }
  return out;
}
