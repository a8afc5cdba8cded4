import { InvalidParameterError } from '../errors/ogc-error.js';
import { parseValue, type ParamType } from '../params/table.js';
import type { ApiContext } from './context.js';

const TYPES = { String: 'string', Integer: 'integer', Double: 'double', Boolean: 'boolean', List: 'list' } as const satisfies Record<string, ParamType>;

/** Bounds of a numeric parameter: a value outside them is refused (400) naming the parameter. */
export interface ParameterBounds {
  minimum?: number;
  maximum?: number;
}

/** A typed query-string parameter of an API handler (QgsServerQueryStringParameter); validated by the same code as KVP tables. */
export class QueryStringParameter {
  /** The parameter types, spelt as in QGIS. */
  static readonly Type = TYPES;

  constructor(
    readonly name: string,
    readonly required = false,
    readonly type: ParamType = 'string',
    readonly description = '',
    readonly defaultValue?: string | number | boolean | string[],
    readonly allowed?: readonly string[],
    readonly bounds: ParameterBounds = {},
  ) {}

  /** The raw value from the query string (names are case-sensitive in OGC APIs); given twice is ambiguous, so refused. */
  raw(context: ApiContext): string | undefined {
    const all = context.request().url().searchParams.getAll(this.name);
    if (all.length > 1) throw new InvalidParameterError(this.name, `${this.name} is given ${all.length} times; give it once`);
    return all[0];
  }

  /** The typed value from the request's query string. */
  value(context: ApiContext): unknown {
    return parseValue(this.name, {
      type: this.type,
      required: this.required,
      ...(this.defaultValue !== undefined ? { default: this.defaultValue } : {}),
      ...(this.allowed ? { allowed: this.allowed } : {}),
      ...(this.bounds.minimum !== undefined ? { min: this.bounds.minimum } : {}),
      ...(this.bounds.maximum !== undefined ? { max: this.bounds.maximum } : {}),
    }, this.raw(context));
  }

  /** The OpenAPI 3 parameter object. */
  toOpenApi(): Record<string, unknown> {
    const schema: Record<string, unknown> =
      this.type === 'list' ? { type: 'array', items: { type: 'string' } }
        : { type: this.type === 'double' ? 'number' : this.type };
    if (this.defaultValue !== undefined) schema['default'] = this.defaultValue;
    if (this.allowed) schema['enum'] = [...this.allowed];
    if (this.bounds.minimum !== undefined) schema['minimum'] = this.bounds.minimum;
    if (this.bounds.maximum !== undefined) schema['maximum'] = this.bounds.maximum;
    return { name: this.name, in: 'query', required: this.required, description: this.description, schema, ...(this.type === 'list' ? { style: 'form', explode: false } : {}) };
  }
}
