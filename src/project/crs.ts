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
