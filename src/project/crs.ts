import gdal from 'gdal-async';

/** [minx, miny, maxx, maxy] in x/y (easting/longitude first) order. */
export type Bounds = [number, number, number, number];

/** The EPSG code of a spatial reference ("EPSG:nnnn"), or null when it has none that GDAL can identify. */
export function identifyEpsg(srs: gdal.SpatialReference | null): string | null {
  if (!srs) return null;
  const direct = authorityCode(srs);
  if (direct) return direct;
  try {
    const copy = srs.clone();
    copy.autoIdentifyEPSG();
    const found = authorityCode(copy);
    if (found) return found;
  } catch {
    // not identifiable as such; try the usual suspects below
  }
  for (const code of [4326, 3857]) {
    if (srs.isSame(gdal.SpatialReference.fromEPSG(code))) return `EPSG:${code}`;
  }
  return null;
}

function authorityCode(srs: gdal.SpatialReference): string | null {
  const name = srs.getAuthorityName(null);
  const code = srs.getAuthorityCode(null);
  if (name === 'EPSG' && code) return `EPSG:${code}`;
  if (name === 'OGC' && code === 'CRS84') return 'EPSG:4326';
  return null;
}

/** A SpatialReference for "EPSG:nnnn" or "CRS:84"; throws when PROJ does not know it. */
export function srsFor(crs: string): gdal.SpatialReference {
  if (crs === 'CRS:84') return gdal.SpatialReference.fromEPSG(4326);
  const m = /^EPSG:(\d+)$/.exec(crs);
  if (!m) throw new Error(`'${crs}' is not an EPSG code`);
  return gdal.SpatialReference.fromEPSG(Number(m[1]));
}

/** Whether PROJ knows the CRS. */
export function isKnownCrs(crs: string): boolean {
  try {
    srsFor(crs);
    return true;
  } catch {
    return false;
  }
}

/** Whether the CRS's authority axis order puts northing/latitude first (EPSG:4326 does, CRS:84 does not). */
export function isNorthingFirst(crs: string): boolean {
  if (crs === 'CRS:84') return false;
  const srs = srsFor(crs);
  return srs.EPSGTreatsAsLatLong() || srs.EPSGTreatsAsNorthingEasting();
}

/**
 * Transforms a bbox between two EPSG CRSs, both in x/y order, by sampling a 21×21 grid over it (edges and
 * interior, so a pole or a bulging edge inside the box is not missed). GDAL 3 uses the authority axis order of
 * an EPSG code (lat/lon for EPSG:4326) and gdal-async cannot set the traditional GIS order, so coordinates are
 * swapped explicitly on the way in and out. Null when no sample point transforms.
 */
export function transformBounds(bounds: Bounds, from: string, to: string): Bounds | null {
  if (from === to) return [...bounds];
  const transform = new gdal.CoordinateTransformation(srsFor(from), srsFor(to));
  const swapIn = isNorthingFirst(from);
  const swapOut = isNorthingFirst(to);
  const [x0, y0, x1, y1] = bounds;
  const n = 20;
  let out: Bounds | null = null;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * j) / n;
      let p: { x: number; y: number };
      try {
        p = swapIn ? transform.transformPoint(y, x) : transform.transformPoint(x, y);
      } catch {
        continue;
      }
      const [px, py] = swapOut ? [p.y, p.x] : [p.x, p.y];
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      out = out ? [Math.min(out[0], px), Math.min(out[1], py), Math.max(out[2], px), Math.max(out[3], py)] : [px, py, px, py];
    }
  }
  return out;
}

/** The WGS 84 lon/lat box of bounds in a CRS, clamped to the world. */
export function toWgs84(bounds: Bounds, crs: string): Bounds | null {
  const b = transformBounds(bounds, crs, 'EPSG:4326');
  if (!b) return null;
  return [Math.max(-180, b[0]), Math.max(-90, b[1]), Math.min(180, b[2]), Math.min(90, b[3])];
}
