/**
 * 8-bit (palette, colour type 3) PNG encoding with upng-js. An image of at most 256 distinct colours
 * keeps them exactly; otherwise upng's quantiser (PCA splits of colour space, with alpha) picks 256.
 * Measured on a 256×256 map tile: ~18 ms in upng against 63–930 ms for image-q's quantisers
 * (rgbquant, neuquant, wuquant) before any encoding; so upng, run on worker threads (encoder-pool.ts).
 */
import UPNG from 'upng-js';

/** Encodes RGBA pixels (not premultiplied) as a palette PNG. */
export function encodePalettePng(rgba: ArrayBuffer, width: number, height: number): ArrayBuffer {
  const colors = countColors(new Uint32Array(rgba, 0, width * height), 257) <= 256 ? 0 : 256;
  return UPNG.encode([rgba], width, height, colors);
}

/** Distinct colours among the pixels, counting no further than `limit`. */
function countColors(pixels: Uint32Array, limit: number): number {
  const seen = new Set<number>();
  let last = -1;
  for (let i = 0; i < pixels.length; i++) {
    const c = pixels[i]!;
    if (c === last) continue;
    last = c;
    if (!seen.has(c)) {
      seen.add(c);
      if (seen.size >= limit) break;
    }
  }
  return seen.size;
}
