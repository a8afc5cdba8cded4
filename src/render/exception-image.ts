/** Images that stand for an error in GetMap (EXCEPTIONS=INIMAGE and BLANK). */
import { createCanvas, type Canvas, type CanvasRenderingContext2D } from 'canvas';
import type { Color } from '../project/model.js';
import { colorOrDefault, cssColor } from './color.js';
import { cssFont } from './text.js';

/** What the error image looks like. */
export interface ExceptionImageOptions {
  width: number;
  height: number;
  /** Text to write (INIMAGE); absent for a blank image (BLANK). */
  message?: string;
  transparent?: boolean;
  /** Background when not transparent; default white. */
  background?: Color;
}

/** An image of the requested size showing the message (wrapped to the width), or blank without one. */
export function renderExceptionImage(o: ExceptionImageOptions): Canvas {
  const width = Math.max(1, Math.round(o.width));
  const height = Math.max(1, Math.round(o.height));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!o.transparent) {
    ctx.fillStyle = cssColor(colorOrDefault(o.background, [255, 255, 255, 255]));
    ctx.fillRect(0, 0, width, height);
  }
  if (!o.message) return canvas;
  const px = Math.max(8, Math.min(14, Math.floor(width / 24)));
  ctx.font = cssFont('DejaVu Sans', px);
  ctx.fillStyle = '#000000';
  ctx.textBaseline = 'top';
  const lines = wrap(ctx, o.message, width - 8);
  lines.forEach((line, i) => ctx.fillText(line, 4, 4 + i * px * 1.3));
  return canvas;
}

/** Splits text into lines that fit `maxWidth` pixels, breaking at spaces (or inside a word too long). */
function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      const next = line ? `${line} ${word}` : word;
      if (ctx.measureText(next).width <= maxWidth || !line) {
        line = next;
      } else {
        lines.push(line);
        line = word;
      }
      while (ctx.measureText(line).width > maxWidth && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && ctx.measureText(line.slice(0, cut)).width > maxWidth) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  return lines;
}
