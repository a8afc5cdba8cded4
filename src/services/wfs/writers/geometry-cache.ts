/**
 * Serialised geometry text, kept per snapshot feature. A GetFeature of a whole small layer (the countries of the
 * bench: 2.3 MB of coordinates) spent most of its CPU formatting the same numbers on every request; the in-memory
 * snapshot's geometries are immutable, so the text of feature i in one output form is the same every time.
 *
 * The data layer tags the geometries it builds from a snapshot with GEOMETRY_SOURCE (the snapshot's geometry store
 * and the feature's index); other geometries are formatted every time. Texts (UTF-8 bytes) live in a WeakMap on the store, so a
 * reloaded or dropped snapshot takes its texts with it; each store keeps a few output forms, each within a budget.
 */
import { GEOMETRY_SOURCE, type Geometry, type GeometrySource } from '../../../data/types.js';
import type { ChunkBuffer } from './chunk-buffer.js';

/** Most bytes kept per store and output form (beyond it, texts are made and not kept). */
export const CACHE_BYTES_PER_FORM = 16 * 1024 * 1024;
/** Most output forms (format, decimals, axis order, srsName, type) kept per store. */
export const CACHE_FORMS_PER_STORE = 6;

interface Form {
  texts: Array<Buffer | undefined>;
  bytes: number;
}

const stores = new WeakMap<object, Map<string, Form>>();

/**
 * Writes a geometry in the output form `form` into `out`: the bytes kept for a snapshot feature, else by `write`
 * (whose bytes are then kept, within the budget). `write` must not flush.
 */
export function writeGeometry(out: ChunkBuffer, g: Geometry, form: string, write: (out: ChunkBuffer, g: Geometry) => void): void {
  const source = (g as { [GEOMETRY_SOURCE]?: GeometrySource })[GEOMETRY_SOURCE];
  if (source === undefined) return write(out, g);
  let forms = stores.get(source.store);
  if (!forms) stores.set(source.store, (forms = new Map()));
  let kept = forms.get(form);
  if (!kept) {
    if (forms.size >= CACHE_FORMS_PER_STORE) return write(out, g);
    forms.set(form, (kept = { texts: [], bytes: 0 }));
  }
  const hit = kept.texts[source.index];
  if (hit !== undefined) return out.bytes(hit);
  const start = out.pos;
  write(out, g);
  const n = out.pos - start;
  if (kept.bytes + n <= CACHE_BYTES_PER_FORM) {
    kept.texts[source.index] = Buffer.from(out.buf.subarray(start, out.pos));
    kept.bytes += n;
  }
}
