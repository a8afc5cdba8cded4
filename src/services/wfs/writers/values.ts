/** Attribute values as XML text and as JSON. */

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A Date as xsd:date (UTC). */
export function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A number as xsd:double / xsd:decimal lexical form (shortest round-trip). */
export function xmlNumber(n: number): string {
  if (Number.isFinite(n)) return String(n);
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

/** A non-undefined attribute value as JSON text. */
export function jsonValue(v: unknown, type: string): string {
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
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
