import { InvalidParameterError, MissingParameterError } from '../errors/ogc-error.js';

/** The value types a parameter may declare. */
export type ParamType = 'string' | 'integer' | 'double' | 'boolean' | 'list';

/** One declared parameter: its type, whether it is required, its default, its allowed values and bounds. */
export interface ParamSpec {
  readonly type: ParamType;
  readonly required?: boolean;
  readonly default?: string | number | boolean | readonly string[];
  /** Allowed values, matched case-insensitively; the declared spelling is returned. For lists, each item. */
  readonly allowed?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** List separator (default ","). */
  readonly separator?: string;
  /** Other names the same parameter may be sent under (SRS for CRS, TYPENAMES for TYPENAME ...). */
  readonly aliases?: readonly string[];
  readonly description?: string;
}

/** A table of parameters, keyed by the canonical (upper-case for KVP) name. */
export type ParamTable = Readonly<Record<string, ParamSpec>>;

type Scalar<S extends ParamSpec> = S extends { readonly allowed: readonly (infer A)[] } ? A : string;

/** The TypeScript type a spec parses to. */
export type ValueOf<S extends ParamSpec> =
  S['type'] extends 'integer' | 'double' ? number
    : S['type'] extends 'boolean' ? boolean
      : S['type'] extends 'list' ? Scalar<S>[]
        : Scalar<S>;

/** The typed object a table parses to: required or defaulted parameters are always present. */
export type Parsed<T extends ParamTable> = {
  -readonly [K in keyof T]: T[K] extends { readonly required: true } ? ValueOf<T[K]>
    : T[K] extends { readonly default: unknown } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

/** Anything parameters can be read from by name (ParameterMap is case-insensitive). */
export interface ParamSource {
  get(name: string): string | undefined;
}

/** Declares a parameter table; `const` keeps literal types so `parseParams` can infer the result. */
export function defineParams<const T extends ParamTable>(table: T): T {
  return table;
}

const TYPE_WORD: Record<ParamType, string> = { string: 'string', integer: 'int', double: 'double', boolean: 'boolean', list: 'list' };
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Parses every parameter of a table from a source; throws MissingParameterValue / InvalidParameterValue naming the parameter. */
export function parseParams<const T extends ParamTable>(table: T, source: ParamSource): Parsed<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    let raw = source.get(name);
    for (const alias of spec.aliases ?? []) {
      if (raw !== undefined) break;
      raw = source.get(alias);
    }
    out[name] = parseValue(name, spec, raw);
  }
  return out as Parsed<T>;
}

/** Parses one raw value against its spec (undefined or empty means absent). */
export function parseValue(name: string, spec: ParamSpec, raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') {
    if (spec.required) throw new MissingParameterError(name);
    return spec.default === undefined ? undefined : Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  const value = raw.trim();
  switch (spec.type) {
    case 'integer': {
      const n = Number.parseInt(value, 10);
      if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(n)) throw cannotConvert(name, raw, spec.type);
      return checkRange(name, spec, raw, n);
    }
    case 'double': {
      const n = Number(value);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) || !Number.isFinite(n)) throw cannotConvert(name, raw, spec.type);
      return checkRange(name, spec, raw, n);
    }
    case 'boolean': {
      const w = value.toLowerCase();
      if (TRUE_WORDS.has(w)) return true;
      if (FALSE_WORDS.has(w)) return false;
      throw cannotConvert(name, raw, spec.type);
    }
    case 'list': {
      const items = raw.split(spec.separator ?? ',').map((s) => s.trim());
      return spec.allowed ? items.map((item) => checkAllowed(name, spec.allowed!, item)) : items;
    }
    default:
      return spec.allowed ? checkAllowed(name, spec.allowed, value) : value;
  }
}

function cannotConvert(name: string, raw: string, type: ParamType): InvalidParameterError {
  return new InvalidParameterError(name, `${name} ('${raw}') cannot be converted into ${TYPE_WORD[type]}`);
}

function checkRange(name: string, spec: ParamSpec, raw: string, n: number): number {
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    throw new InvalidParameterError(name, `${name} ('${raw}') is out of range [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`);
  }
  return n;
}

function checkAllowed(name: string, allowed: readonly string[], value: string): string {
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (hit === undefined) {
    throw new InvalidParameterError(name, `${name} ('${value}') is not valid; expected one of: ${allowed.join(', ')}`);
  }
  return hit;
}

/** A documentation row per parameter, for capabilities, OpenAPI and the landing page. */
export function describeParams(table: ParamTable): Array<{ name: string } & ParamSpec> {
  return Object.entries(table).map(([name, spec]) => ({ name, ...spec }));
}
