import type { Value } from './ast.js';
import { ValueError } from './errors.js';
import { compileRegex } from './like.js';
import {
  codePointIndex, codePointLength, codePointSlice, compareValues, finite, parseNumber, roundHalfAway,
  toInteger, toNumber, toText,
} from './values.js';

type NonNull = Exclude<Value, null>;

/** A built-in function: arity, NULL handling and implementation. */
export interface FunctionDef {
  /** Canonical lower-case name. */
  name: string;
  minArgs: number;
  maxArgs: number;
  /** When false (most functions), any NULL argument makes the result NULL without calling `fn`. */
  handlesNull: boolean;
  fn: (args: Value[]) => Value;
}

const str = (v: Value): string => toText(v as NonNull);
const num = (v: Value): number => toNumber(v as NonNull);
const int = (v: Value): number => toInteger(v as NonNull);

/** QString::trimmed whitespace (QChar::isSpace). */
const SPACE_CLASS = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const LEADING_SPACE = new RegExp(`^[${SPACE_CLASS}]+`);
const TRAILING_SPACE = new RegExp(`[${SPACE_CLASS}]+$`);

function trimChars(s: string, chars: string | null, start: boolean, end: boolean): string {
  if (chars === null) {
    let out = s;
    if (start) out = out.replace(LEADING_SPACE, '');
    if (end) out = out.replace(TRAILING_SPACE, '');
    return out;
  }
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (start) while (a < b && set.has(cps[a])) a += 1;
  if (end) while (b > a && set.has(cps[b - 1])) b -= 1;
  return cps.slice(a, b).join('');
}

/** QGIS substr(): 1-based start, negative start counts from the end, negative length stops before the end. */
function substr(s: string, startArg: number, lengthArg: number | null): string {
  const size = codePointLength(s);
  let from = startArg;
  if (from < 0) from = Math.max(0, size + from);
  else if (from > 0) from -= 1;
  let len = lengthArg ?? size;
  if (len < 0) len = Math.max(0, size + len - from);
  return codePointSlice(s, from, len);
}

function pad(s: string, widthArg: number, fill: string, left: boolean): string {
  const cps = Array.from(s);
  const width = Math.max(0, widthArg);
  if (cps.length >= width) return cps.slice(0, width).join('');
  const fillChar = Array.from(fill)[0];
  if (fillChar === undefined) return s;
  const padding = fillChar.repeat(width - cps.length);
  return left ? padding + s : s + padding;
}

function title(s: string): string {
  return s.split(' ').map((word) => {
    const cps = Array.from(word);
    return cps.length > 1 ? cps[0].toUpperCase() + cps.slice(1).join('').toLowerCase() : word;
  }).join(' ');
}

/** Qt-style replacement text: \1 … \99 are captured groups, everything else is literal. */
function qtReplacement(after: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(0, rest.findIndex((r) => typeof r === 'number')) as Array<string | undefined>;
    return after.replace(/\\(\d{1,2})/g, (whole, digits: string) => {
      const n = Number(digits);
      if (n === 0) return match;
      if (n <= groups.length) return groups[n - 1] ?? '';
      if (digits.length === 2 && Number(digits[0]) <= groups.length && Number(digits[0]) > 0) return (groups[Number(digits[0]) - 1] ?? '') + digits[1];
      return whole;
    });
  };
}

function looseNumber(v: Value): number | null {
  if (v === null) return null;
  if (typeof v === 'string') return parseNumber(v) ?? 0;
  return toNumber(v);
}

function extreme(values: Value[], pick: (a: number, b: number) => number): Value {
  let best: number | null = null;
  for (const v of values) {
    const n = looseNumber(v);
    if (n !== null) best = best === null ? n : pick(best, n);
  }
  return best;
}

function isoDate(v: Value): string {
  const s = str(v).trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return `${m[1]}-${m[2]}-${m[3]}`;
  }
  throw new ValueError(`Cannot convert '${s}' to date`);
}

const defs: FunctionDef[] = [];
function def(name: string | string[], minArgs: number, maxArgs: number, fn: (args: Value[]) => Value, handlesNull = false): void {
  for (const n of Array.isArray(name) ? name : [name]) defs.push({ name: n, minArgs, maxArgs, handlesNull, fn });
}

// Strings
def('upper', 1, 1, ([s]) => str(s).toUpperCase());
def('lower', 1, 1, ([s]) => str(s).toLowerCase());
def('title', 1, 1, ([s]) => title(str(s)));
def(['length', 'char_length'], 1, 1, ([s]) => codePointLength(str(s)));
def('trim', 1, 1, ([s]) => trimChars(str(s), null, true, true));
def('ltrim', 1, 2, ([s, c]) => trimChars(str(s), c === undefined ? null : str(c), true, false));
def('rtrim', 1, 2, ([s, c]) => trimChars(str(s), c === undefined ? null : str(c), false, true));
def('substr', 2, 3, ([s, a, b]) => substr(str(s), int(a), b === undefined ? null : int(b)));
def('left', 2, 2, ([s, n]) => (int(n) < 0 ? str(s) : codePointSlice(str(s), 0, int(n))));
def('right', 2, 2, ([s, n]) => {
  const text = str(s);
  const k = int(n);
  const size = codePointLength(text);
  return k < 0 || k >= size ? text : codePointSlice(text, size - k);
});
def('replace', 3, 3, ([s, a, b]) => str(s).replaceAll(str(a), () => str(b)));
def('concat', 0, Infinity, (args) => args.map((v) => (v === null ? '' : str(v))).join(''), true);
def('strpos', 2, 2, ([h, n]) => {
  const hay = str(h);
  const at = hay.indexOf(str(n));
  return at < 0 ? 0 : codePointIndex(hay, at) + 1;
});
def('lpad', 3, 3, ([s, w, f]) => pad(str(s), int(w), str(f), true));
def('rpad', 3, 3, ([s, w, f]) => pad(str(s), int(w), str(f), false));
def('starts_with', 2, 2, ([s, p]) => str(s).startsWith(str(p)));
def('regexp_match', 2, 2, ([s, re]) => {
  const text = str(s);
  const m = compileRegex(str(re)).exec(text);
  return m ? codePointIndex(text, m.index) + 1 : 0;
});
def('regexp_replace', 3, 3, ([s, re, after]) => str(s).replace(compileRegex(str(re), true), qtReplacement(str(after))));
def('regexp_substr', 2, 2, ([s, re]) => {
  const m = compileRegex(str(re)).exec(str(s));
  if (!m) return '';
  return (m.length > 1 ? m[1] : m[0]) ?? '';
});

// Numbers
def('abs', 1, 1, ([x]) => Math.abs(num(x)));
def('floor', 1, 1, ([x]) => Math.floor(num(x)));
def('ceil', 1, 1, ([x]) => Math.ceil(num(x)));
def('sqrt', 1, 1, ([x]) => finite(Math.sqrt(num(x))));
def(['pow', 'power'], 2, 2, ([x, y]) => finite(num(x) ** num(y)));
def('exp', 1, 1, ([x]) => finite(Math.exp(num(x))));
def('ln', 1, 1, ([x]) => (num(x) <= 0 ? null : Math.log(num(x))));
def('log10', 1, 1, ([x]) => (num(x) <= 0 ? null : Math.log10(num(x))));
def('round', 1, 2, ([x, places]) => {
  const p = places === undefined ? 0 : int(places);
  if (p === 0) return roundHalfAway(num(x));
  const scale = 10 ** p;
  const scaled = num(x) * scale;
  return finite((Math.sign(scaled) * Math.round(Math.abs(scaled))) / scale);
});
def('min', 0, Infinity, (args) => extreme(args, Math.min), true);
def('max', 0, Infinity, (args) => extreme(args, Math.max), true);
def('clamp', 3, 3, ([lo, x, hi]) => {
  const v = num(x);
  if (v <= num(lo)) return num(lo);
  if (v >= num(hi)) return num(hi);
  return v;
});

// Conditionals and conversions (if() is evaluated lazily by the evaluator)
def('if', 3, 3, () => null, true);
def('coalesce', 1, Infinity, (args) => args.find((v) => v !== null) ?? null, true);
def('nullif', 2, 2, ([a, b]) => (a !== null && b !== null && compareValues(a, b) === 0 ? null : a), true);
def('to_int', 1, 1, ([x]) => int(x));
def('to_real', 1, 1, ([x]) => num(x));
def('to_string', 1, 1, ([x]) => str(x));
def('to_date', 1, 1, ([x]) => isoDate(x));
def('year', 1, 1, ([x]) => Number(isoDate(x).slice(0, 4)));
def('month', 1, 1, ([x]) => Number(isoDate(x).slice(5, 7)));
def('day', 1, 1, ([x]) => Number(isoDate(x).slice(8, 10)));

/** Built-in functions by canonical lower-case name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(defs.map((d) => [d.name, d]));

/** Looks a function up case-insensitively. */
export function findFunction(name: string): FunctionDef | undefined {
  return FUNCTIONS.get(name.toLowerCase());
}

