/**
 * Helpers of the streamed answers: a read whose first batch is fetched before anything is written (so an
 * error of the read is still an error response, not a cut stream), the data layer's error locators renamed to
 * this API's parameters, and a sink that keeps a writer's output as text (the HTML pages of a bounded page).
 */
import { OgcError } from '../../errors/ogc-error.js';
import type { ChunkSink } from '../../services/wfs/writers/index.js';
import { primed } from '../../services/wfs/writers/primed.js';

/** The data layer's locators (VectorQuery members) as the items parameters that set them. */
const LOCATORS: Readonly<Record<string, string>> = { fields: 'properties', orderBy: 'sortby', filter: 'filter' };

/** An error of the data layer with its locator renamed to the parameter the client wrote. */
export function relocated(err: unknown): unknown {
  if (!(err instanceof OgcError) || err.locator === undefined || LOCATORS[err.locator] === undefined) return err;
  return new OgcError(err.code, err.message, { locator: LOCATORS[err.locator]!, status: err.status, cause: err });
}

/** Runs a read (planning errors relocated) and fetches its first batch before returning it. */
export function primedRead<T>(read: () => AsyncIterable<T>): Promise<AsyncIterable<T>> {
  return primed(read, relocated);
}

/** A sink keeping everything written, for answers that are used whole. */
export class TextSink implements ChunkSink {
  #text = '';
  // The writers never split a character across chunks (chunk-buffer.ts).
  write(chunk: string | Uint8Array): void {
    this.#text += typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  }
  async flush(): Promise<void> {}
  /** Everything written so far. */
  text(): string {
    return this.#text;
  }
}
