import { parseValue, type ParamType } from '../params/table.js';
import type { ApiContext } from './context.js';

const TYPES = { String: 'string', Integer: 'integer', Double: 'double', Boolean: 'boolean', List: 'list' } as const satisfies Record<string, ParamType>;

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
  ) {}

  /** The typed value from the request's query string (names are case-sensitive in OGC APIs). */
  value(context: ApiContext): unknown {
    const raw = context.request().url().searchParams.get(this.name) ?? undefined;
    return parseValue(this.name, {
      type: this.type,
      required: this.required,
      ...(this.defaultValue !== undefined ? { default: this.defaultValue } : {}),
      ...(this.allowed ? { allowed: this.allowed } : {}),
    }, raw);
  }

  /** The OpenAPI 3 parameter object. */
  toOpenApi(): Record<string, unknown> {
    const schema: Record<string, unknown> =
      this.type === 'list' ? { type: 'array', items: { type: 'string' } }
        : { type: this.type === 'double' ? 'number' : this.type };
    if (this.defaultValue !== undefined) schema['default'] = this.defaultValue;
    if (this.allowed) schema['enum'] = [...this.allowed];
    return { name: this.name, in: 'query', required: this.required, description: this.description, schema, ...(this.type === 'list' ? { style: 'form', explode: false } : {}) };
  }
}
