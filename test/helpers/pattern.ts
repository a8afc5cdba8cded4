/**
 * The byte pattern streamed by the STREAMTEST fixture: the byte at absolute offset o of the body is
 * o % 251 (a prime, so chunk boundaries never line up with it). Same formula in
 * test/fixtures/plugins/stream-test/index.mjs.
 */
export const PATTERN_MODULUS = 251;

/** `size` bytes of the pattern starting at absolute offset `from`. */
export function pattern(from: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let v = from % PATTERN_MODULUS;
  for (let i = 0; i < size; i++) {
    buf[i] = v;
    if (++v === PATTERN_MODULUS) v = 0;
  }
  return buf;
}

/** The index of the first byte of `buf` that breaks the pattern (buf starting at offset `from`), or -1. */
export function verifyPattern(buf: Uint8Array, from: number): number {
  let v = from % PATTERN_MODULUS;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== v) return i;
    if (++v === PATTERN_MODULUS) v = 0;
  }
  return -1;
}

/** Checks a streamed body chunk by chunk, without keeping it: count the bytes, remember the first mismatch. */
export class PatternChecker {
  bytes = 0;
  firstMismatch = -1;
  /** The last bytes seen (a trailer after the pattern shows up here). */
  tail = Buffer.alloc(0);

  /** Feeds the next chunk. `patternBytes` is how many bytes of the body are pattern (the rest is the trailer). */
  push(chunk: Buffer, patternBytes = Number.POSITIVE_INFINITY): void {
    const checkable = Math.max(0, Math.min(chunk.length, patternBytes - this.bytes));
    if (this.firstMismatch < 0 && checkable > 0) {
      const at = verifyPattern(chunk.subarray(0, checkable), this.bytes);
      if (at >= 0) this.firstMismatch = this.bytes + at;
    }
    this.bytes += chunk.length;
    this.tail = Buffer.concat([this.tail, chunk]).subarray(-256);
  }
}
