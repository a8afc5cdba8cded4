/**
 * Symbols ready to draw: colours resolved, sizes in device pixels (given at 90.7 DPI, scaled by
 * dpi / 90.7), and the canvas state and marker paths they need.
 */
import type { CanvasRenderingContext2D } from 'canvas';
import type { MarkerSymbol, Symbol } from '../project/model.js';
import { cssColor, parseColor } from './color.js';

/** A symbol resolved for one render. */
export interface DrawSymbol {
  /** CSS fill colour, or null for none. */
  fill: string | null;
  /** CSS stroke colour, or null for none. */
  stroke: string | null;
  /** Stroke width in device pixels (a zero width is a one-pixel hairline, as in QGIS). */
  width: number;
  /** Dash pattern in device pixels; empty for solid. */
  dash: number[];
  /** 0..1 for the whole symbol. */
  opacity: number;
  shape: MarkerSymbol['shape'];
  /** Marker diameter in device pixels. */
  size: number;
  /** Half the extent a drawn feature can reach beyond its geometry (stroke, marker), in pixels. */
  margin: number;
  /** Stable text identifying how it looks (sprite cache key). */
  key: string;
}

/** Resolves a project symbol for a render whose symbol scale is `k` (dpi / 90.7). */
export function resolveSymbol(symbol: Symbol, k: number): DrawSymbol {
  const fillRgba = symbol.fill !== undefined ? parseColor(symbol.fill) : null;
  const strokeRgba = symbol.stroke !== undefined ? parseColor(symbol.stroke) : null;
  const fill = fillRgba && fillRgba[3] > 0 ? cssColor(fillRgba) : null;
  const stroke = strokeRgba && strokeRgba[3] > 0 ? cssColor(strokeRgba) : null;
  const width = symbol.strokeWidth > 0 ? symbol.strokeWidth * k : 1;
  const dash = (symbol.dash ?? []).filter((d) => Number.isFinite(d) && d >= 0).map((d) => d * k);
  const size = Math.max(0, (symbol.marker?.size ?? 0) * k);
  const opacity = Math.max(0, Math.min(1, symbol.opacity ?? 1));
  const shape = symbol.marker?.shape ?? 'circle';
  const margin = Math.ceil(Math.max(width, size / 2 + width) + 2);
  const key = [fill, stroke, width, dash.join(' '), opacity, shape, size].join('|');
  return { fill, stroke, width, dash: dash.some((d) => d > 0) ? dash : [], opacity, shape, size, margin, key };
}

/** Sets the canvas up to stroke with a symbol; false when the symbol has no stroke. */
export function setStroke(ctx: CanvasRenderingContext2D, s: DrawSymbol, color: string | null = s.stroke): boolean {
  if (!color) return false;
  ctx.strokeStyle = color;
  ctx.lineWidth = s.width;
  ctx.setLineDash(s.dash);
  return true;
}

/** Whether a marker shape is drawn as lines only (no fill area). */
export function isLineMarker(shape: MarkerSymbol['shape']): boolean {
  return shape === 'cross' || shape === 'x';
}

/** Adds a marker outline centred on (cx, cy) to the current path. */
export function traceMarker(ctx: CanvasRenderingContext2D, shape: MarkerSymbol['shape'], cx: number, cy: number, size: number): void {
  const r = size / 2;
  switch (shape) {
    case 'circle':
      ctx.moveTo(cx + r, cy);
      ctx.arc(cx, cy, r, 0, Math.PI * 2);
      ctx.closePath();
      break;
    case 'square':
      ctx.rect(cx - r, cy - r, size, size);
      break;
    case 'triangle':
      polygon(ctx, [cx, cy - r, cx + r, cy + r, cx - r, cy + r]);
      break;
    case 'diamond':
      polygon(ctx, [cx, cy - r, cx + r, cy, cx, cy + r, cx - r, cy]);
      break;
    case 'star': {
      const pts: number[] = [];
      const inner = r * 0.382;
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 === 0 ? r : inner;
        pts.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
      }
      polygon(ctx, pts);
      break;
    }
    case 'cross':
      ctx.moveTo(cx - r, cy);
      ctx.lineTo(cx + r, cy);
      ctx.moveTo(cx, cy - r);
      ctx.lineTo(cx, cy + r);
      break;
    case 'x': {
      const d = r * Math.SQRT1_2;
      ctx.moveTo(cx - d, cy - d);
      ctx.lineTo(cx + d, cy + d);
      ctx.moveTo(cx - d, cy + d);
      ctx.lineTo(cx + d, cy - d);
      break;
    }
  }
}

function polygon(ctx: CanvasRenderingContext2D, xy: readonly number[]): void {
  ctx.moveTo(xy[0]!, xy[1]!);
  for (let i = 2; i < xy.length; i += 2) ctx.lineTo(xy[i]!, xy[i + 1]!);
  ctx.closePath();
}

/** Draws one marker, fill then stroke (cross and x are stroked with the stroke, else the fill, colour). */
export function drawMarker(ctx: CanvasRenderingContext2D, s: DrawSymbol, cx: number, cy: number): void {
  if (s.size <= 0) return;
  ctx.globalAlpha = s.opacity;
  ctx.beginPath();
  traceMarker(ctx, s.shape, cx, cy, s.size);
  if (isLineMarker(s.shape)) {
    ctx.lineCap = 'butt';
    if (setStroke(ctx, s, s.stroke ?? s.fill)) ctx.stroke();
  } else {
    if (s.fill) {
      ctx.fillStyle = s.fill;
      ctx.fill();
    }
    if (setStroke(ctx, s)) ctx.stroke();
  }
  ctx.globalAlpha = 1;
}
