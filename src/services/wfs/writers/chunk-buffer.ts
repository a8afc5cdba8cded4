/** A string buffer that hands ~chunk-sized pieces to a sink and awaits its flush (backpressure). */
import type { Feature } from '../../../data/types.js';
import type { ChunkSink, FeatureSource } from './types.js';

/** Default flush threshold: 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** Accumulates output and flushes to the sink once the buffer passes the threshold. */
export class ChunkBuffer {
  #buf = '';
  #chars = 0;
  readonly #sink: ChunkSink;
  readonly #threshold: number;

  constructor(sink: ChunkSink, threshold = DEFAULT_CHUNK_SIZE) {
    this.#sink = sink;
    this.#threshold = threshold;
  }

  /** Appends text (never flushes by itself: call `maybeFlush` between features). */
  add(text: string): void {
    this.#buf += text;
  }

  /** Characters buffered and not handed to the sink yet. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Characters handed to the sink so far. */
  get chars(): number {
    return this.#chars;
  }

  /** True when the buffer is past the threshold. */
  get full(): boolean {
    return this.#buf.length >= this.#threshold;
  }

  /** Flushes if past the threshold. */
  async maybeFlush(): Promise<void> {
    if (this.#buf.length >= this.#threshold) await this.flush();
  }

  /** Hands everything buffered to the sink and awaits its flush. */
  async flush(): Promise<void> {
    if (this.#buf.length > 0) {
      this.#sink.write(this.#buf);
      this.#chars += this.#buf.length;
      this.#buf = '';
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
