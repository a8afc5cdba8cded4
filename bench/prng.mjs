// mulberry32: a small seeded PRNG, uniform in [0, 1): the bench's request lists and data are random but
// reproducible (bench/urls.mjs, bench/wfs/make-data.mjs).
export function prng(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
