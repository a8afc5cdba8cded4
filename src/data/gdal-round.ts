/**
 * Coordinates rounded the way GDAL's GeoJSON writer prints them with COORDINATE_PRECISION=p, as the numbers that
 * text parses back to, so that the GeoPackage rows reader (gpkg-rows.ts) gives what the GeoJSON path gives.
 * GDAL (OGRFormatDouble) prints printf's "%.pf" (exact, ties to even), then "intelliround"s it: a tail of five 0s
 * or five 9s before the last digit (or, past ten characters, a run further up) is taken for binary noise and
 * trimmed, rounding up after 9s ("-1.533999999" → "-1.534"). Most values take the arithmetic path here; the few
 * near a tie or with such a tail take the string path, which replays GDAL's steps.
 */

/** Below 2^52 a scaled value's rounding is exact in doubles; from 2^53 on a double is an integer. */
const EXACT_SCALED = 2 ** 52;
const INTEGERS = 2 ** 53;

/** A rounding function for `decimals` places (0..15), GDAL's way. */
export function gdalRounder(decimals: number): (v: number) => number {
  const f = 10 ** decimals;
  return (v) => {
    const a = Math.abs(v * f);
    if (!(a < EXACT_SCALED)) return Math.abs(v) < INTEGERS ? Number(gdalFixed(v, decimals)) : v; // NaN, infinities, integers: as they are
    const n = Math.round(a);
    // The product's rounding error is at most a × 2^-53: keep clear of the tie by twice that.
    const nearTie = Math.abs(a - Math.floor(a) - 0.5) <= a * 2.3e-16;
    if (!nearTie && !mayIntelliround(n, decimals)) return (v < 0 ? -n : n) / f;
    return Number(gdalFixed(v, decimals));
  };
}

/**
 * Whether intelliround could touch the text of n × 10^-decimals. Conservative: its tail tests read the last
 * nine characters, which are digits of n when decimals >= 9; with fewer decimals the point sits among them
 * and fails the tests that reach it (none can trigger below 6 decimals, the run tests none below 9).
 */
function mayIntelliround(n: number, decimals: number): boolean {
  if (decimals < 6) return false;
  const tail = n % 1e6;
  if (tail < 10 || tail >= 999_990) return true;
  if (decimals < 9) return false;
  const run = Math.floor(n / 1e7) % 100;
  return run === 0 || run === 99;
}

/** GDAL's text of v with `decimals` places: "%.*f" (ties to even), then intelliround. */
export function gdalFixed(v: number, decimals: number): string {
  let s = Math.abs(v).toFixed(decimals);
  // toFixed breaks an exact tie away from zero, printf to the even digit: an odd last digit came from rounding up.
  if (isTie(v, decimals) && /[13579]$/.test(s)) s = s.slice(0, -1) + String(Number(s[s.length - 1]) - 1);
  if (v < 0 || Object.is(v, -0)) s = '-' + s;
  return intelliround(s);
}

const scratch = new DataView(new ArrayBuffer(8));

/** Whether |v| × 10^decimals is exactly halfway between two integers: v's lowest set bit is 2^-(decimals + 1). */
function isTie(v: number, decimals: number): boolean {
  if (v === 0 || !Number.isFinite(v)) return false;
  scratch.setFloat64(0, v);
  const hi = scratch.getUint32(0), lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const mantHi = (hi & 0xfffff) | (biased === 0 ? 0 : 0x100000);
  const trailing = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(mantHi & -mantHi);
  return (biased === 0 ? 1 : biased) - 1075 + trailing === -(decimals + 1);
}

/** GDAL's intelliround (ogr/ogrutils.cpp), on a "%.*f" text. */
export function intelliround(s: string): string {
  const dot = s.indexOf('.');
  const len = s.length;
  if (dot < 0 || len <= 10) return s;
  // GDAL's nCountBeforeDot: the digits before the point, less one.
  const before = dot - 1 - (s[0] === '-' ? 1 : 0);
  const at = (k: number) => s[len - k];
  const run = (c: string, from: number, to: number) => {
    for (let k = from; k <= to; k++) if (at(k) !== c) return false;
    return true;
  };
  // The longer runs: digits 3..7 from the end need to be c only where few digits stand before the point.
  const longRun = (c: string) => {
    for (let k = 3; k <= 7; k++) if (before < k + 1 && at(k) !== c) return false;
    return at(8) === c && at(9) === c;
  };
  if (run('0', 2, 6)) return s.slice(0, -1);
  if (dot < len - 8 && longRun('0')) return s.slice(0, -8);
  if (run('9', 2, 6)) return roundUp(s.slice(0, len - 6));
  if (dot < len - 9 && longRun('9')) return roundUp(s.slice(0, len - 9));
  return s;
}

/** Adds one in the last digit of a decimal text (GDAL's roundup). */
function roundUp(text: string): string {
  const negative = text[0] === '-';
  const digits = (negative ? text.slice(1) : text).split('');
  let carry = true;
  for (let k = digits.length - 1; k >= 0 && carry; k--) {
    if (digits[k] === '.') continue;
    if (digits[k] === '9') digits[k] = '0';
    else {
      digits[k] = String(Number(digits[k]) + 1);
      carry = false;
    }
  }
  const body = (carry ? '1' : '') + digits.join('');
  return negative ? '-' + body : body;
}
