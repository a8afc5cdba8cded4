/**
 * Scale denominators, OGC style.
 *
 * scale = ground width of the map in metres / physical width of the image in metres, where a pixel is
 * 25.4 / dpi mm wide. At the default 90.7 DPI that is the OGC standardised 0.28 mm rendering pixel
 * (WMS 1.3.0 §7.2.4.6.9, SLD/SE); a client asking DPI=180 for twice the pixels of the same bbox gets
 * the same scale, as QGIS Server does. For a geographic CRS the width in degrees is converted with
 * the WGS 84 equatorial circumference / 360 (2π · 6 378 137 m / 360 ≈ 111 319.49 m per degree), the
 * convention of the OGC WMTS well-known scale sets (GoogleCRS84Quad).
 */
import { OGC_DPI } from './types.js';

/** Metres per degree at the equator of WGS 84: 2π · 6 378 137 / 360. */
export const METERS_PER_DEGREE = (2 * Math.PI * 6378137) / 360;

/** Scale denominator of a map `width` pixels wide showing `bbox` (x/y order), at `dpi`. */
export function scaleDenominator(
  bbox: readonly [number, number, number, number],
  width: number,
  metersPerUnit = 1,
  dpi = OGC_DPI,
): number {
  const groundMeters = Math.abs(bbox[2] - bbox[0]) * metersPerUnit;
  const imageMeters = (width * 0.0254) / dpi;
  return groundMeters / imageMeters;
}

/** Whether `scale` lies in [minScale, maxScale) — either bound may be absent. */
export function inScaleRange(scale: number, minScale?: number, maxScale?: number): boolean {
  if (minScale !== undefined && minScale !== null && scale < minScale) return false;
  if (maxScale !== undefined && maxScale !== null && maxScale > 0 && scale >= maxScale) return false;
  return true;
}
