import { createCanvas, type CanvasRenderingContext2D } from 'canvas';

let context: CanvasRenderingContext2D | undefined; // cache: one 1×1 canvas used as a CSS colour parser

/**
 * Parses a CSS colour (names, #rgb, #rrggbb, #rrggbbaa, rgb(), rgba(), hsl() ...) the way the renderer's canvas
 * will, and returns it as '#rrggbb' (opaque) or 'rgba(r, g, b, a)'; null when it is not a colour.
 */
export function normalizeColor(text: string): string | null {
  if (typeof text !== 'string' || text.trim() !== text || text === '') return null;
  context ??= createCanvas(1, 1).getContext('2d');
  // A colour canvas rejects leaves fillStyle unchanged: try two sentinels so that neither can be mistaken for it.
  for (const sentinel of ['#010203', '#030201']) {
    context.fillStyle = sentinel;
    context.fillStyle = text;
    const parsed = String(context.fillStyle);
    if (parsed !== sentinel) return parsed;
  }
  return null;
}
