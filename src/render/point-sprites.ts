/**
 * Fast point markers. A marker is drawn once per symbol into small sprites at quarter-pixel offsets;
 * each point then costs one sprite copy. Few points are copied with drawImage; many are composited
 * in JavaScript straight into the canvas pixels (measured ~3.5x faster than 100k drawImage calls, and
 * ~20x faster than one path per marker; one path holding all markers is slower still in cairo).
 */
import { createCanvas, type Canvas, type CanvasRenderingContext2D } from 'canvas';
import { drawMarker, type DrawSymbol } from './symbols.js';

/** Sub-pixel positions per axis (quarter pixels). */
const STEPS = 4;
/** From this many points on, a layer's markers are composited in JS rather than with drawImage. */
const BLIT_THRESHOLD = 300;
const CACHE_LIMIT = 256;
/** Whether a Uint32Array over RGBA bytes holds R in its low byte (the integer blend needs it). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One marker pre-rendered at STEPS × STEPS sub-pixel offsets. */
interface SpriteSet {
  /** Sprite side in pixels; the marker centre sits at `pad` + offset. */
  side: number;
  pad: number;
  canvases: Canvas[];
  blit?: BlitData[];
}

/** Non-transparent pixels of a sprite, premultiplied: offsets and colour (0..255) with alpha (0..1). */
interface BlitData {
  dx: Int16Array;
  dy: Int16Array;
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  a: Float32Array;
  /** The pixel as RGBA bytes in one word (used where alpha is 1). */
  c32: Uint32Array;
  /** Premultiplied colour as RGB bytes in one word (little-endian), and 255 − alpha: the integer blend. */
  p32: Uint32Array;
  inv: Uint8Array;
  /** dy · width + dx for the canvas width last used. */
  lin?: Int32Array;
  linWidth?: number;
}

/** Pixel offsets of a sprite's pixels within a canvas row-major buffer of `width`. */
function linearOffsets(bd: BlitData, width: number): Int32Array {
  if (bd.lin && bd.linWidth === width) return bd.lin;
  const lin = new Int32Array(bd.dx.length);
  for (let k = 0; k < lin.length; k++) lin[k] = bd.dy[k]! * width + bd.dx[k]!;
  bd.lin = lin;
  bd.linWidth = width;
  return lin;
}

/** Sprites by symbol key (a cache; a project has few distinct point symbols). */
const sprites = new Map<string, SpriteSet>();

function spriteSet(s: DrawSymbol): SpriteSet {
  let set = sprites.get(s.key);
  if (set) return set;
  const pad = Math.ceil(s.size / 2 + s.width) + 1;
  const side = pad * 2 + 1;
  const canvases: Canvas[] = [];
  for (let j = 0; j < STEPS; j++) {
    for (let i = 0; i < STEPS; i++) {
      const c = createCanvas(side, side);
      drawMarker(c.getContext('2d'), s, pad + i / STEPS, pad + j / STEPS);
      canvases.push(c);
    }
  }
  set = { side, pad, canvases };
  if (sprites.size >= CACHE_LIMIT) sprites.clear();
  sprites.set(s.key, set);
  return set;
}

function blitData(set: SpriteSet): BlitData[] {
  if (set.blit) return set.blit;
  set.blit = set.canvases.map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, set.side, set.side).data;
    const idx: number[] = [];
    for (let p = 0; p < set.side * set.side; p++) if (d[p * 4 + 3]! > 0) idx.push(p);
    const out: BlitData = {
      dx: new Int16Array(idx.length), dy: new Int16Array(idx.length),
      r: new Float32Array(idx.length), g: new Float32Array(idx.length), b: new Float32Array(idx.length), a: new Float32Array(idx.length),
      c32: new Uint32Array(idx.length),
      p32: new Uint32Array(idx.length),
      inv: new Uint8Array(idx.length),
    };
    const bytes = new Uint8Array(out.c32.buffer);
    idx.forEach((p, k) => {
      bytes.set(d.subarray(p * 4, p * 4 + 4), k * 4);
      const a = d[p * 4 + 3]! / 255;
      out.dx[k] = p % set.side;
      out.dy[k] = Math.floor(p / set.side);
      out.r[k] = d[p * 4]! * a;
      out.g[k] = d[p * 4 + 1]! * a;
      out.b[k] = d[p * 4 + 2]! * a;
      out.a[k] = a;
      const a8 = d[p * 4 + 3]!;
      const pm = (c: number): number => Math.min(a8, Math.round((c * a8) / 255));
      out.p32[k] = (pm(d[p * 4 + 2]!) << 16) | (pm(d[p * 4 + 1]!) << 8) | pm(d[p * 4]!);
      out.inv[k] = 255 - a8;
    });
    return out;
  });
  return set.blit;
}

/** Collects the markers of one layer in drawing order, then draws them all at once. */
export class PointBatch {
  private xs = new Float32Array(4096);
  private ys = new Float32Array(4096);
  private sym = new Uint16Array(4096);
  private n = 0;
  /** Scratch: integer pixel of the marker being placed. */
  private readonly cell = new Int32Array(2);

  constructor(private readonly symbols: readonly DrawSymbol[]) {}

  /** Number of markers collected. */
  get size(): number {
    return this.n;
  }

  /** Queues a marker of symbol `symbolIndex` centred at pixel (x, y). */
  add(symbolIndex: number, x: number, y: number): void {
    if (this.n === this.xs.length) this.grow();
    this.xs[this.n] = x;
    this.ys[this.n] = y;
    this.sym[this.n] = symbolIndex;
    this.n++;
  }

  /** Draws every queued marker onto the canvas, in the order queued, and empties the batch. */
  flush(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    if (this.n === 0) return;
    const sets = this.symbols.map((s) => (s.size > 0 ? spriteSet(s) : null));
    if (this.n >= BLIT_THRESHOLD) this.composite(ctx, sets, width, height);
    else this.copy(ctx, sets);
    this.n = 0;
  }

  private copy(ctx: CanvasRenderingContext2D, sets: ReadonlyArray<SpriteSet | null>): void {
    for (let i = 0; i < this.n; i++) {
      const set = sets[this.sym[i]!];
      if (!set) continue;
      const v = place(this.xs[i]!, this.ys[i]!, this.cell);
      ctx.drawImage(set.canvases[v]!, this.cell[0]! - set.pad, this.cell[1]! - set.pad);
    }
  }

  private composite(ctx: CanvasRenderingContext2D, sets: ReadonlyArray<SpriteSet | null>, width: number, height: number): void {
    const blits = sets.map((s) => (s ? blitData(s) : null));
    const image = ctx.getImageData(0, 0, width, height);
    const d = image.data;
    const d32 = new Uint32Array(d.buffer, d.byteOffset, width * height);
    for (let i = 0; i < this.n; i++) {
      const si = this.sym[i]!;
      const set = sets[si];
      if (!set) continue;
      const v = place(this.xs[i]!, this.ys[i]!, this.cell);
      const bd = blits[si]![v]!;
      const ox = this.cell[0]! - set.pad;
      const oy = this.cell[1]! - set.pad;
      const { dx, dy, r, g, b, a, c32, p32, inv } = bd;
      const lin = linearOffsets(bd, width);
      const inside = ox >= 0 && oy >= 0 && ox + set.side <= width && oy + set.side <= height;
      const base = oy * width + ox;
      for (let k = 0; k < dx.length; k++) {
        if (!inside) {
          const x = ox + dx[k]!;
          const y = oy + dy[k]!;
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
        }
        const p = base + lin[k]!;
        const sa = a[k]!;
        if (sa === 1) {
          d32[p] = c32[k]!;
          continue;
        }
        if (LITTLE_ENDIAN) {
          const v = d32[p]!;
          if (v >>> 24 === 255) {
            // opaque destination: out = src (premultiplied) + dst · (255 − αs) / 255, in integers
            const iv = inv[k]!;
            const sp = p32[k]!;
            const nr = (sp & 255) + ((((v & 255) * iv + 128) * 257) >>> 16);
            const ng = ((sp >>> 8) & 255) + (((((v >>> 8) & 255) * iv + 128) * 257) >>> 16);
            const nb = ((sp >>> 16) & 255) + (((((v >>> 16) & 255) * iv + 128) * 257) >>> 16);
            d32[p] = 0xff000000 | (nb << 16) | (ng << 8) | nr;
            continue;
          }
        }
        const o = p * 4;
        const da = d[o + 3]!;
        if (da === 255) {
          const ia = 1 - sa;
          d[o] = r[k]! + d[o]! * ia;
          d[o + 1] = g[k]! + d[o + 1]! * ia;
          d[o + 2] = b[k]! + d[o + 2]! * ia;
        } else {
          const dA = (da / 255) * (1 - sa);
          const oa = sa + dA;
          d[o] = (r[k]! + d[o]! * dA) / oa;
          d[o + 1] = (g[k]! + d[o + 1]! * dA) / oa;
          d[o + 2] = (b[k]! + d[o + 2]! * dA) / oa;
          d[o + 3] = oa * 255;
        }
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  private grow(): void {
    const size = this.xs.length * 2;
    const xs = new Float32Array(size);
    const ys = new Float32Array(size);
    const sym = new Uint16Array(size);
    xs.set(this.xs);
    ys.set(this.ys);
    sym.set(this.sym);
    this.xs = xs;
    this.ys = ys;
    this.sym = sym;
  }
}

/** Sprite variant (quarter-pixel offset) for a marker centre; its integer pixel goes into `cell`. */
function place(x: number, y: number, cell: Int32Array): number {
  let ix = Math.floor(x);
  let iy = Math.floor(y);
  let qx = Math.round((x - ix) * STEPS);
  let qy = Math.round((y - iy) * STEPS);
  if (qx === STEPS) { qx = 0; ix++; }
  if (qy === STEPS) { qy = 0; iy++; }
  cell[0] = ix;
  cell[1] = iy;
  return qy * STEPS + qx;
}
