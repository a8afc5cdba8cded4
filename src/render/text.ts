/**
 * Fonts and text measuring for labels and legends. Widths are summed from per-character widths
 * measured once per font (kerning ignored): a label's box costs a few map lookups instead of a pango
 * layout, which matters when tens of thousands of city labels compete for space.
 */
import { createCanvas, type CanvasRenderingContext2D } from 'canvas';

const GENERIC = new Set(['serif', 'sans-serif', 'monospace', 'cursive', 'fantasy', 'system-ui']);
const STYLE_WORDS = new Set(['bold', 'bolder', 'lighter', 'italic', 'oblique', 'normal', 'light', 'medium', 'semibold', 'black']);

/**
 * A CSS font for canvas: `font` is a family (or a comma-separated list of fallbacks) with optional
 * style words before or after it ("bold DejaVu Sans", "Noto Sans, sans-serif").
 */
export function cssFont(font: string, px: number): string {
  const words = font.replace(/["']/g, '').trim().split(/\s+/).filter((w) => w.length > 0);
  const style: string[] = [];
  const family: string[] = [];
  for (const w of words) {
    const lw = w.toLowerCase();
    if (STYLE_WORDS.has(lw) || /^[1-9]00$/.test(lw)) style.push(weightWord(lw));
    else family.push(w);
  }
  const families = family.join(' ').split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  const fam = (families.length > 0 ? families : ['sans-serif']).map((f) => (GENERIC.has(f) ? f : `"${f}"`)).join(', ');
  return `${style.join(' ')} ${px.toFixed(2)}px ${fam}`.trim();
}

function weightWord(w: string): string {
  switch (w) {
    case 'light': return '300';
    case 'medium': return '500';
    case 'semibold': return '600';
    case 'black': return '900';
    default: return w;
  }
}

/** Measured character widths and vertical extent of one font. */
interface FontMetrics {
  widths: Map<string, number>;
  ascent: number;
  descent: number;
}

/** Metrics by CSS font (a cache: a project uses a handful of fonts and sizes). */
const metrics = new Map<string, FontMetrics>();
let measureCtx: CanvasRenderingContext2D | undefined;

function fontMetrics(font: string): FontMetrics {
  let m = metrics.get(font);
  if (m) return m;
  const ctx = context(font);
  const probe = ctx.measureText('Hgjy');
  m = { widths: new Map(), ascent: probe.actualBoundingBoxAscent, descent: probe.actualBoundingBoxDescent };
  if (metrics.size > 256) metrics.clear();
  metrics.set(font, m);
  return m;
}

function context(font: string): CanvasRenderingContext2D {
  measureCtx ??= createCanvas(1, 1).getContext('2d');
  if (measureCtx.font !== font) measureCtx.font = font;
  return measureCtx;
}

/** Width in pixels of `text` in a CSS font. */
export function textWidth(text: string, font: string): number {
  const m = fontMetrics(font);
  let w = 0;
  for (const ch of text) {
    let cw = m.widths.get(ch);
    if (cw === undefined) {
      cw = context(font).measureText(ch).width;
      m.widths.set(ch, cw);
    }
    w += cw;
  }
  return w;
}

/** Ascent and descent in pixels of a CSS font (from its tallest common glyphs). */
export function textExtent(font: string): { ascent: number; descent: number } {
  const m = fontMetrics(font);
  return { ascent: m.ascent, descent: m.descent };
}
