/**
 * Image encoding, never on the main thread for real images: PNG and JPEG through node-canvas's
 * callback toBuffer (libuv thread pool), 8-bit PNG through the worker pool, WebP only when the
 * canvas build can encode it (checked once).
 */
import { Canvas, createCanvas } from 'canvas';
import { OgcError } from '../errors/ogc-error.js';
import type { Color } from '../project/model.js';
import { colorOrDefault, cssColor } from './color.js';
import { PaletteEncoderPool } from './encoder-pool.js';
import { encodePalettePng } from './palette-png.js';

/** An output format the renderer can produce (WMS FORMAT values, canonical spelling). */
export type ImageFormat = 'image/png' | 'image/png; mode=8bit' | 'image/jpeg' | 'image/webp';

/** How to encode. */
export interface EncodeOptions {
  /** JPEG / WebP quality, 0..100; default 85. */
  quality?: number;
  /** Colour that shows through transparent pixels in formats without alpha (JPEG); default white. */
  background?: Color;
  /**
   * The image holds continuous tone (rasters): PNG rows are filtered (UP) rather than left raw.
   * Measured on 256×256 tiles: raw rows are both faster and smaller for vector maps, UP for hillshades.
   */
  continuousTone?: boolean;
}

/** Images this small are 8-bit encoded on the calling thread (a worker round trip costs more). */
const INLINE_PIXELS = 64 * 64;
let webp: boolean | undefined;
let pool: PaletteEncoderPool | undefined;

/** Whether this canvas build encodes WebP (a 1×1 probe, done once). */
export function webpSupported(): boolean {
  if (webp === undefined) {
    try {
      const out = (createCanvas(1, 1) as unknown as { toBuffer(mime: string): Buffer | undefined }).toBuffer('image/webp');
      webp = Buffer.isBuffer(out) && out.subarray(0, 4).toString('latin1') === 'RIFF';
    } catch {
      webp = false;
    }
  }
  return webp;
}

/** Output formats for GetMap and capabilities, in order of preference. */
export function supportedImageFormats(): ImageFormat[] {
  const formats: ImageFormat[] = ['image/png', 'image/png; mode=8bit', 'image/jpeg'];
  if (webpSupported()) formats.push('image/webp');
  return formats;
}

/**
 * The canonical format for a FORMAT value (case and spacing ignored; also "png", "png8",
 * "image/png8", "jpg", "jpeg", "image/jpg", "webp"), or null when it is not supported.
 */
export function normalizeImageFormat(text: string): ImageFormat | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const map: Record<string, ImageFormat> = {
    'image/png': 'image/png',
    png: 'image/png',
    'image/png;mode=32bit': 'image/png',
    'image/png;mode=8bit': 'image/png; mode=8bit',
    'image/png8': 'image/png; mode=8bit',
    png8: 'image/png; mode=8bit',
    'image/jpeg': 'image/jpeg',
    'image/jpg': 'image/jpeg',
    jpeg: 'image/jpeg',
    jpg: 'image/jpeg',
    'image/webp': 'image/webp',
    webp: 'image/webp',
  };
  const f = map[t] ?? null;
  return f === 'image/webp' && !webpSupported() ? null : f;
}

/** The Content-Type to send for a format (an 8-bit PNG is an image/png). */
export function contentTypeOf(format: ImageFormat): string {
  return format === 'image/png; mode=8bit' ? 'image/png' : format;
}

/** Encodes a canvas. */
export async function encodeImage(canvas: Canvas, format: ImageFormat, options: EncodeOptions = {}): Promise<Buffer> {
  const quality = Math.max(0, Math.min(100, options.quality ?? 85)) / 100;
  switch (format) {
    case 'image/png':
      return toBuffer(canvas, 'image/png', {
        compressionLevel: 3,
        filters: options.continuousTone ? Canvas.PNG_FILTER_UP : Canvas.PNG_FILTER_NONE,
      });
    case 'image/jpeg':
      return toBuffer(flatten(canvas, options.background), 'image/jpeg', { quality });
    case 'image/webp':
      if (!webpSupported()) break;
      return toBuffer(canvas, 'image/webp', { quality });
    case 'image/png; mode=8bit':
      return encode8bit(canvas);
  }
  throw new OgcError('InvalidFormat', `The format '${format}' is not supported`, { locator: 'FORMAT' });
}

/** Starts and warms up the 8-bit encoder workers, so that the first 8-bit PNGs are not slow. */
export async function warmUpEncoders(): Promise<void> {
  pool ??= new PaletteEncoderPool();
  await pool.warmUp();
}

let warming: Promise<void> | undefined;

/**
 * Starts the encoder workers in the background, once (the WMS service calls it on its first request): worker
 * threads cost ~15 MB each, which a worker that only serves WFS or OGC API should not carry. A failure is left for
 * the first encode to report.
 */
export function warmUpEncodersInBackground(): void {
  warming ??= warmUpEncoders().catch(() => {});
}

/** Whether the encoder workers have been asked to start (tests). */
export function encodersStarted(): boolean {
  return pool !== undefined;
}

/** Stops the 8-bit encoder workers (tests and shutdown). */
export async function closeEncoders(): Promise<void> {
  warming = undefined;
  const p = pool;
  pool = undefined;
  await p?.close();
}

function toBuffer(canvas: Canvas, mime: string, config: object): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, buf: Buffer): void => (err ? reject(err) : resolve(buf));
    (canvas as unknown as { toBuffer(cb: (e: Error | null, b: Buffer) => void, mime: string, config: object): void }).toBuffer(cb, mime, config);
  });
}

/** The canvas over an opaque background (JPEG has no alpha; transparent would turn black). */
function flatten(canvas: Canvas, background: Color | undefined): Canvas {
  const out = createCanvas(canvas.width, canvas.height);
  const ctx = out.getContext('2d');
  ctx.fillStyle = cssColor(colorOrDefault(background, [255, 255, 255, 255]), 1);
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return out;
}

async function encode8bit(canvas: Canvas): Promise<Buffer> {
  const { width, height } = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const rgba = data.buffer.byteLength === data.byteLength ? data.buffer : data.slice().buffer;
  if (width * height <= INLINE_PIXELS) return Buffer.from(encodePalettePng(rgba as ArrayBuffer, width, height));
  pool ??= new PaletteEncoderPool();
  return pool.encode(rgba as ArrayBuffer, width, height);
}
