/** Colour parsing for the renderer: project colours (CSS syntax) to RGBA bytes. */
import { createCanvas, type CanvasRenderingContext2D } from 'canvas';

/** A colour as 8-bit red, green, blue and alpha. */
export type Rgba = readonly [number, number, number, number];

const TRANSPARENT: Rgba = [0, 0, 0, 0];
/** Parsed colours by text (a cache; project files hold few distinct colours). */
const cache = new Map<string, Rgba | null>();
const CACHE_LIMIT = 4096;
let probe: CanvasRenderingContext2D | undefined;

/**
 * Parses a colour: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba(), 0xRRGGBB (WMS BGCOLOR), or a CSS
 * colour name. Returns null when it is not a colour.
 */
export function parseColor(text: string): Rgba | null {
  const key = text.trim();
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = parseUncached(key);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** Like parseColor, but falls back to `fallback` (default transparent) for a bad colour. */
export function colorOrDefault(text: string | undefined, fallback: Rgba = TRANSPARENT): Rgba {
  if (text === undefined) return fallback;
  return parseColor(text) ?? fallback;
}

/** A colour as a CSS rgba() string canvas understands, optionally multiplying its alpha. */
export function cssColor(c: Rgba, alpha = 1): string {
  return `rgba(${c[0]},${c[1]},${c[2]},${((c[3] / 255) * alpha).toFixed(4)})`;
}

function parseUncached(text: string): Rgba | null {
  const s = text.toLowerCase();
  if (s.startsWith('#')) return parseHex(s.slice(1));
  if (s.startsWith('0x')) return parseHex(s.slice(2));
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(s);
  if (fn) return parseRgbFunction(fn[1]!);
  if (!/^[a-z]+$/.test(s)) return null;
  return parseNamed(s);
}

function parseHex(h: string): Rgba | null {
  if (!/^[0-9a-f]+$/.test(h)) return null;
  const n = (i: number, len: number): number => {
    const v = parseInt(h.slice(i, i + len), 16);
    return len === 1 ? v * 17 : v;
  };
  switch (h.length) {
    case 3: return [n(0, 1), n(1, 1), n(2, 1), 255];
    case 4: return [n(0, 1), n(1, 1), n(2, 1), n(3, 1)];
    case 6: return [n(0, 2), n(2, 2), n(4, 2), 255];
    case 8: return [n(0, 2), n(2, 2), n(4, 2), n(6, 2)];
    default: return null;
  }
}

function parseRgbFunction(body: string): Rgba | null {
  const parts = body.split(/\s*[,/]\s*|\s+/).filter((p) => p.length > 0);
  if (parts.length !== 3 && parts.length !== 4) return null;
  const channel = (p: string): number => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p));
  const rgb = parts.slice(0, 3).map(channel);
  const a = parts.length === 4 ? (parts[3]!.endsWith('%') ? parseFloat(parts[3]!) / 100 : parseFloat(parts[3]!)) : 1;
  if (rgb.some((v) => !Number.isFinite(v)) || !Number.isFinite(a)) return null;
  const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));
  return [clamp(rgb[0]!), clamp(rgb[1]!), clamp(rgb[2]!), clamp(a * 255)];
}

/** CSS colour names, through canvas's own parser (it keeps the old value for an unknown name). */
function parseNamed(name: string): Rgba | null {
  if (name === 'transparent') return TRANSPARENT;
  probe ??= createCanvas(1, 1).getContext('2d');
  const results: string[] = [];
  for (const sentinel of ['#010203', '#030201']) {
    probe.fillStyle = sentinel;
    probe.fillStyle = name;
    results.push(String(probe.fillStyle));
  }
  if (results[0] === '#010203' || results[1] === '#030201') return null;
  const out = String(results[0]);
  return out.startsWith('#') ? parseHex(out.slice(1)) : parseRgbFunction(out.replace(/^rgba?\(|\)$/g, ''));
}
