import type { Value } from './ast.js';
import { ValueError } from './errors.js';

const DOUBLE_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Parses text as a number the way QString::toDouble does (decimal only, surrounding blanks allowed); null if it is not one. */
export function parseNumber(text: string): number | null {
  if (!DOUBLE_TEXT.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Converts an attribute value from a data source into an expression value. */
export function fromAttribute(raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return raw;
    case 'number':
      return Number.isNaN(raw) ? null : raw;
    case 'bigint':
      return Number(raw);
    default:
      break;
  }
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
  if (Array.isArray(raw)) return raw.map((v) => String(v)).join(',');
  if (typeof raw === 'object' && 'year' in raw && 'month' in raw && 'day' in raw) return ogrDateToIso(raw as OgrDate);
  return String(raw);
}

interface OgrDate { year: number; month: number; day: number; hour?: number; minute?: number; second?: number; timezone?: number }

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats a gdal-async date/time object as ISO 8601 (date only when it has no time part). */
function ogrDateToIso(d: OgrDate): string {
  const date = `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
  if (d.hour === undefined) return date;
  const sec = d.second ?? 0;
  const secText = Number.isInteger(sec) ? pad(sec) : sec.toFixed(3).padStart(6, '0');
  let tz = '';
  if (d.timezone === 100) tz = 'Z';
  else if (d.timezone !== undefined && d.timezone > 1) {
    const minutes = (d.timezone - 100) * 15;
    tz = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  }
  return `${date}T${pad(d.hour)}:${pad(d.minute ?? 0)}:${secText}${tz}`;
}

/** Text of a value as QGIS converts it: numbers in shortest form, booleans as 'true'/'false'. */
export function toText(v: Exclude<Value, null>): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** True when the value can take part in numeric comparison (numbers, booleans, numeric text). */
export function isNumeric(v: Exclude<Value, null>): boolean {
  return typeof v !== 'string' || parseNumber(v) !== null;
}

/** Converts to a number or throws "Cannot convert … to double" (QGIS getDoubleValue). */
export function toNumber(v: Exclude<Value, null>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = parseNumber(v);
  if (n === null) throw new ValueError(`Cannot convert '${v}' to double`);
  return n;
}

/** Rounds half away from zero through x ± 0.5, exactly as Qt's qRound64 and SQLite's round(x) do. */
export function roundHalfAway(x: number): number {
  if (Math.abs(x) >= 4503599627370496) return x;
  return x >= 0 ? Math.trunc(x + 0.5) : -Math.trunc(-x + 0.5);
}

/** Converts to an integer or throws "Cannot convert … to int" (numbers and decimal text are rounded). */
export function toInteger(v: Exclude<Value, null>): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = typeof v === 'number' ? v : parseNumber(v);
  if (n === null) throw new ValueError(`Cannot convert '${String(v)}' to int`);
  return roundHalfAway(n);
}

/** Three-valued truth of a value in a logical context (QGIS getTVLValue): null for unknown. */
export function toTruth(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const n = parseNumber(v);
  if (n === null) throw new ValueError(`Cannot convert '${v}' to boolean`);
  return n !== 0;
}

/** Truth of a final result the way QVariant::toBool sees it (filters and if()). */
export function toBool(v: Value): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return !(v === '' || v === '0' || v.toLowerCase() === 'false');
}

/** Compares two strings by Unicode code point (the order of UTF-8 bytes, as SQL engines compare). */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: move them above 0xE000–0xFFFF.
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Compares two non-NULL values as QGIS does: numerically when both convert to numbers and they are not
 * both strings, otherwise as text. Returns <0, 0 or >0.
 */
export function compareValues(a: Exclude<Value, null>, b: Exclude<Value, null>): number {
  if ((typeof a !== 'string' || typeof b !== 'string') && isNumeric(a) && isNumeric(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareText(toText(a), toText(b));
}

/** Turns NaN and infinities (which QGIS cannot use further) into NULL. */
export function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** Number of Unicode code points in a string. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n += 1;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i += 1;
      n += 1;
    }
  }
  return n;
}

/** Substring by code point offsets [start, start + length). */
export function codePointSlice(s: string, start: number, length = Infinity): string {
  if (start <= 0 && length === Infinity) return s;
  const cps = Array.from(s);
  return cps.slice(Math.max(0, start), length === Infinity ? undefined : Math.max(0, start) + Math.max(0, length)).join('');
}

/** Converts a UTF-16 index into a code point index. */
export function codePointIndex(s: string, utf16Index: number): number {
  return codePointLength(s.slice(0, utf16Index));
}
