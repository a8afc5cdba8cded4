/** Attribute values as XML text and as JSON. */

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A Date as xsd:date (UTC). */
export function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Most decimals a coordinate is written with (the data layer reads geographic coordinates to 9). */
export const MAX_DECIMALS = 9;

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
