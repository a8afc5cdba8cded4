/**
 * A byte buffer that hands ~chunk-sized pieces to a sink and awaits its flush (backpressure).
 *
 * Each piece of text is encoded to UTF-8 as it is added, into a Buffer outside the JS heap, so the strings a
 * writer makes per feature die at once: kept as one string until the flush, the chunk was a tree of some 10,000
 * short strings that lived long enough to be promoted to the old generation, where only a full collection frees
 * them (a worker streaming a million features grew its heap by tens of MB for nothing).
 */
import type { Feature } from '../../../data/types.js';
import type { ChunkSink, FeatureSource } from './types.js';

/** Default flush threshold: 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** Accumulates output and flushes to the sink once the buffer passes the threshold. */
export class ChunkBuffer {
  readonly #sink: ChunkSink;
  readonly #threshold: number;
  /** Filled buffers waiting for the flush (a text too big for the current one closes it). */
  #full: Buffer[] = [];
  #fullBytes = 0;
  #buf: Buffer;
  #len = 0;
  #chars = 0;

  constructor(sink: ChunkSink, threshold = DEFAULT_CHUNK_SIZE) {
    this.#sink = sink;
    this.#threshold = Math.max(1, threshold);
    this.#buf = Buffer.allocUnsafe(this.#capacity());
  }

  /** A buffer's size: the threshold plus room for one more feature, so a chunk is rarely split. */
  #capacity(): number {
    return this.#threshold + Math.max(4096, this.#threshold >> 2);
  }

  /** Appends text (never flushes by itself: check `full` between features). */
  add(text: string): void {
    this.#chars += text.length;
    // At most 3 bytes per UTF-16 unit; a text that may not fit closes the buffer (a long one is encoded alone).
    if (text.length * 3 > this.#buf.length - this.#len) {
      this.#close();
      if (text.length * 3 > this.#buf.length) {
        const bytes = Buffer.from(text, 'utf8');
        this.#full.push(bytes);
        this.#fullBytes += bytes.length;
        return;
      }
    }
    this.#len += this.#buf.write(text, this.#len);
  }

  /** Moves the current buffer's bytes to the flush list and starts a new buffer. */
  #close(): void {
    if (this.#len === 0) return;
    this.#full.push(this.#buf.subarray(0, this.#len));
    this.#fullBytes += this.#len;
    this.#buf = Buffer.allocUnsafe(this.#capacity());
    this.#len = 0;
  }

  /** Bytes buffered and not handed to the sink yet. */
  get pending(): number {
    return this.#fullBytes + this.#len;
  }

  /** Characters added so far (handed to the sink or not). */
  get chars(): number {
    return this.#chars;
  }

  /** True when the buffer is past the threshold. */
  get full(): boolean {
    return this.#fullBytes + this.#len >= this.#threshold;
  }

  /** Hands everything buffered to the sink and awaits its flush. */
  async flush(): Promise<void> {
    this.#close();
    const parts = this.#full;
    if (parts.length > 0) {
      this.#full = [];
      this.#fullBytes = 0;
      this.#sink.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    }
    await this.#sink.flush();
  }
}

/**
 * Serialises every feature of a source (single features or batches) into the buffer, flushing whenever it is
 * full, until the source ends or the signal aborts. `serialise` gets the feature's index; returns the count.
 */
export async function writeFeatures(out: ChunkBuffer, features: FeatureSource, signal: AbortSignal | undefined, serialise: (f: Feature, index: number) => string): Promise<number> {
  let count = 0;
  for await (const item of features) {
    if (signal?.aborted) break;
    for (const f of Array.isArray(item) ? item : [item]) {
      out.add(serialise(f, count++));
      if (out.full) await out.flush();
    }
  }
  return count;
}
