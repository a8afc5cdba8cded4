/**
 * The feature writers' output: UTF-8 bytes written straight into a Buffer, handed to a sink in ~chunk-sized pieces
 * whose flush is awaited (backpressure). Numbers are formatted digit by digit into the buffer and plain texts
 * copied byte by byte, so a feature makes no intermediate strings: building each feature as a string (and each
 * chunk as a rope of them, encoded at the flush) was a third of a million-feature GetFeature's CPU and most of
 * its garbage, which V8 promoted into an old generation that grew by tens of MB per download.
 */
import type { Feature } from '../../../data/types.js';
import type { ChunkSink, FeatureSource } from './types.js';

/** Default flush threshold: 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** Below this, integers take the digit-by-digit path (2^30: products and remainders stay exact small integers). */
const SMALL = 1073741824;
/** Most decimals a real is tried with before String(n) (see `real`). */
const REAL_DECIMALS = 6;

/** Decimal digits of the integer part of x (0 <= x < 2^30). */
function digitCount(x: number): number {
  return x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 1e4 ? 4 : x < 1e5 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : x < 1e8 ? 8 : x < 1e9 ? 9 : 10;
}

/** JSON's text for NaN and the infinities. */
export const jsonNull = (): string => 'null';

/** Accumulates output bytes and flushes to the sink once past the threshold (between features: `full`). */
export class ChunkBuffer {
  /** The current chunk; replaced at each flush (the sink keeps the bytes it was given) and when it grows. */
  buf: Buffer;
  /** Bytes written into `buf`. */
  pos = 0;
  #handed = 0;
  readonly #sink: ChunkSink;
  readonly #threshold: number;
  readonly #capacity: number;

  constructor(sink: ChunkSink, threshold = DEFAULT_CHUNK_SIZE) {
    this.#sink = sink;
    this.#threshold = threshold;
    this.#capacity = threshold + 16 * 1024;
    this.buf = Buffer.allocUnsafeSlow(this.#capacity);
  }

  /** Makes room for `n` more bytes (a bigger buffer holding what is written, when needed). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Appends any text, as UTF-8 (never flushes by itself: flush between features). */
  add(text: string): void {
    if (text.length < 64) {
      this.reserve(text.length * 3);
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) {
          this.pos += b.write(text, this.pos, 'utf8');
          return;
        }
        b[p++] = c;
      }
      this.pos = p;
      return;
    }
    this.reserve(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Appends bytes (pre-encoded constants, kept geometry texts). */
  bytes(u: Uint8Array): void {
    const n = u.length;
    this.reserve(n);
    const b = this.buf;
    let p = this.pos;
    if (n < 32) {
      for (let i = 0; i < n; i++) b[p++] = u[i]!;
      this.pos = p;
    } else {
      b.set(u, p);
      this.pos = p + n;
    }
  }

  /** Appends one byte (an ASCII character code). */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** A text as a JSON string (quoted; escaped exactly as JSON.stringify escapes it). */
  jsonString(s: string): void {
    const n = s.length;
    this.reserve(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Printable ASCII but quote and backslash is copied; anything else (escapes, multi-byte) goes to JSON.stringify.
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) {
        this.add(JSON.stringify(s));
        return;
      }
      b[p++] = c;
    }
    b[p++] = 34;
    this.pos = p;
  }

  /** A text as XML character data, escaped by `escape` when it has anything but plain printable ASCII. */
  xmlText(s: string, escape: (s: string) => string): void {
    const n = s.length;
    this.reserve(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 38 || c === 60 || c === 62) {
        this.add(escape(s));
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  /** A non-negative integer below 2^30 in decimal. */
  uint(n: number): void {
    const d = digitCount(n);
    this.reserve(d);
    const b = this.buf;
    let q = this.pos + d;
    this.pos = q;
    while (n >= 100) {
      const r = n % 100;
      n = (n - r) / 100;
      b[--q] = 48 + (r % 10);
      b[--q] = 48 + ((r / 10) | 0);
    }
    if (n >= 10) {
      b[--q] = 48 + (n % 10);
      b[--q] = 48 + ((n / 10) | 0);
    } else b[--q] = 48 + n;
  }

  /** `k` digits of `f` (< 10^k), zero-padded on the left. */
  #digits(f: number, k: number): void {
    this.reserve(k);
    const b = this.buf;
    let q = this.pos + k;
    this.pos = q;
    for (let i = 0; i < k; i++) {
      const r = f % 10;
      f = (f - r) / 10;
      b[--q] = 48 + r;
    }
  }

  /**
   * A finite number exactly as String(n) writes it; `nonFinite` for NaN and the infinities. Values below 2^30 with
   * up to six decimals are written digit by digit: the fewest decimals k whose rounding round-trips
   * (round(|n|·10^k) / 10^k === |n|, division being correctly rounded) is the shortest round-trip form String
   * uses, and at most 15 significant digits leave no other candidate. Anything else goes through String(n).
   */
  real(n: number, nonFinite: (n: number) => string = jsonNull): void {
    const a = n < 0 ? -n : n;
    if (a < SMALL) {
      const most = Math.min(REAL_DECIMALS, 15 - digitCount(a));
      for (let k = 0; k <= most; k++) {
        const s = POW10[k]!;
        const r = Math.round(a * s);
        if (r / s !== a) continue;
        if (n < 0) this.byte(45);
        if (k === 0) {
          this.uint(r);
          return;
        }
        const f = r % s;
        this.uint((r - f) / s);
        this.byte(46);
        this.#digits(f, k);
        return;
      }
    }
    this.add(Number.isFinite(n) ? String(n) : nonFinite(n));
  }

  /**
   * A coordinate rounded to `decimals` (0..9) places, trailing zeros dropped ("12.5", "-0.000001", "7"): the integer
   * part and the scaled fraction are written as two small integers (String(n)'s shortest round-trip conversion was
   * half of a GeoJSON GetFeature's CPU). Beyond ±2^30 String(n); non-finite values `nonFinite(n)`.
   */
  coordinate(n: number, decimals: number, nonFinite: (n: number) => string): void {
    const a = n < 0 ? -n : n;
    if (!(a < SMALL)) {
      this.add(Number.isFinite(n) ? String(n) : nonFinite(n));
      return;
    }
    const scale = POW10[decimals]!;
    let ip = Math.floor(a);
    let frac = Math.round((a - ip) * scale);
    if (frac >= scale) {
      ip += 1;
      frac = 0;
    }
    if (n < 0 && (ip !== 0 || frac !== 0)) this.byte(45);
    this.uint(ip);
    if (frac === 0) return;
    this.byte(46);
    this.#digits(frac, decimals);
    const b = this.buf;
    while (b[this.pos - 1] === 48) this.pos--;
  }

  /** Bytes written and not handed to the sink yet. */
  get pending(): number {
    return this.pos;
  }

  /** Bytes handed to the sink so far. */
  get handed(): number {
    return this.#handed;
  }

  /** True when the buffer is past the threshold. */
  get full(): boolean {
    return this.pos >= this.#threshold;
  }

  /** Hands everything written to the sink (the sink keeps that buffer: a new one is started) and awaits its flush. */
  async flush(): Promise<void> {
    if (this.pos > 0) {
      this.#sink.write(this.buf.subarray(0, this.pos));
      this.#handed += this.pos;
      this.buf = Buffer.allocUnsafeSlow(this.#capacity);
      this.pos = 0;
    }
    await this.#sink.flush();
  }

  /** The text written by `write` into a buffer of its own (single features, tests). */
  static render(write: (out: ChunkBuffer) => void): string {
    const out = new ChunkBuffer({ write() {}, flush: async () => {} }, 256);
    write(out);
    return out.buf.toString('utf8', 0, out.pos);
  }
}

/** UTF-8 bytes of a text (constants of a writer, encoded once). */
export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/**
 * Serialises every feature of a source (single features or batches) into the buffer, flushing whenever it is
 * full, until the source ends or the signal aborts. `serialise` gets the feature's index; returns the count.
 */
export async function writeFeatures(out: ChunkBuffer, features: FeatureSource, signal: AbortSignal | undefined, serialise: (out: ChunkBuffer, f: Feature, index: number) => void): Promise<number> {
  let count = 0;
  for await (const item of features) {
    if (signal?.aborted) break;
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        serialise(out, item[i]!, count++);
        if (out.full) await out.flush();
      }
    } else {
      serialise(out, item, count++);
      if (out.full) await out.flush();
    }
  }
  return count;
}
