/** Attribute values as XML text and as JSON. */

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A Date as xsd:date (UTC). */
export function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Most decimals a coordinate is written with (the data layer reads geographic coordinates to 9). */
export const MAX_DECIMALS = 9;

/**
 * A coordinate formatter rounding to `decimals` (0..9; default 9) places, trailing zeros dropped: "12.5", "-0.000001",
 * "7". Integer and fraction are formatted as two small integers, which is about twice as fast as String(n) (the
 * shortest round-trip conversion was half of a GeoJSON GetFeature's CPU). Beyond ±2^30 it falls back to String(n);
 * non-finite values give `nonFinite`.
 */
export function coordinateFormatter(decimals = MAX_DECIMALS, nonFinite: (n: number) => string = () => 'null'): (n: number) => string {
  const d = Math.max(0, Math.min(MAX_DECIMALS, Math.floor(decimals)));
  const scale = POW10[d]!;
  return (n) => {
    const a = n < 0 ? -n : n;
    if (!(a < 1073741824)) return Number.isFinite(n) ? String(n) : nonFinite(n);
    let ip = Math.floor(a);
    let frac = Math.round((a - ip) * scale);
    if (frac >= scale) {
      ip += 1;
      frac = 0;
    }
    const sign = n < 0 && (ip !== 0 || frac !== 0) ? '-' : '';
    if (frac === 0) return sign + ip;
    let digits = d;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    const f = '' + frac;
    return sign + ip + '.' + ZEROS[digits - f.length] + f;
  };
}

/** A number as xsd:double / xsd:decimal lexical form (shortest round-trip). */
export function xmlNumber(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return xmlNonFinite(n);
}

/** NaN and infinities in xsd:double's lexical form. */
export function xmlNonFinite(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'INF' : '-INF';
}

/** The unescaped XML text of a non-null attribute value of the given field type. */
export function xmlValue(v: unknown, type: string): string {
  switch (typeof v) {
    case 'string': return v;
    case 'number': return xmlNumber(v);
    case 'bigint': return String(v);
    case 'boolean': return v ? 'true' : 'false';
    default:
      if (v instanceof Date) return type === 'date' ? isoDate(v) : v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      return JSON.stringify(v) ?? '';
  }
}

/** Characters JSON.stringify would escape (quote, backslash, controls, lone surrogates). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A non-undefined attribute value as JSON text. */
export function jsonValue(v: unknown, type: string): string {
  switch (typeof v) {
    // Most texts need no escape: quoting them is twice as fast as JSON.stringify.
    case 'string': return JSON_ESCAPED.test(v) ? JSON.stringify(v) : '"' + v + '"';
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint': return String(v);
    case 'boolean': return v ? 'true' : 'false';
    default:
      if (v === null || v === undefined) return 'null';
      if (v instanceof Date) return '"' + (type === 'date' ? isoDate(v) : v.toISOString()) + '"';
      if (v instanceof Uint8Array) return '"' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') + '"';
      return JSON.stringify(v) ?? 'null';
  }
}
