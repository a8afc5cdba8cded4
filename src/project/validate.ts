import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { PROJECT_SCHEMA } from './schema.js';
import { normalizeColor } from './colors.js';
import { closest, fieldPath, quote, type NodeLocation, type Problems } from './problems.js';

let compiled: ValidateFunction | undefined; // cache: the schema is compiled once per process

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
  ajv.addFormat('color', { type: 'string', validate: (s: string) => normalizeColor(s) !== null });
  ajv.addKeyword({ keyword: 'errorText', schemaType: 'string' });
  const fn = ajv.compile(PROJECT_SCHEMA);
  compiled = fn;
  return fn;
}

/** Checks a parsed project file against the schema; adds one problem per error. True when it is valid. */
export function validateProjectDocument(doc: unknown, problems: Problems): boolean {
  const validate = validator();
  if (validate(doc)) return true;
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    if (err.keyword === 'if') continue; // the branch taken reports its own errors
    const { node, rest } = locate(doc, err.instancePath);
    const { extra, text } = explain(err);
    const field = fieldPath([...rest, ...extra]);
    const key = `${node?.path ?? ''}|${field}|${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.add(node, field, text);
  }
  return false;
}

/** Splits a JSON pointer into the deepest layer-tree node it passes through and the field path inside it. */
export function locate(doc: unknown, pointer: string): { node: NodeLocation | null; rest: Array<string | number> } {
  const segs = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: NodeLocation | null = null;
  let container: unknown = doc;
  let i = 0;
  while (segs[i] === 'layers' && i + 1 < segs.length && /^\d+$/.test(segs[i + 1]!) && isRecord(container) && Array.isArray(container['layers'])) {
    const index = Number(segs[i + 1]);
    const item: unknown = (container['layers'] as unknown[])[index];
    const group = isRecord(item) && 'group' in item;
    const name = isRecord(item) ? item[group ? 'group' : 'name'] : undefined;
    node = { path: `${node ? node.path + '.' : ''}layers[${index}]`, name: typeof name === 'string' ? name : undefined, group };
    container = item;
    i += 2;
  }
  return { node, rest: segs.slice(i).map((s) => (/^\d+$/.test(s) ? Number(s) : s)) };
}

const ARTICLE: Record<string, string> = {
  string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false',
  array: 'a list', object: 'a map of keys', null: 'null',
};

/** An ajv error as a sentence, and the key it concerns when that is below the instance path. */
function explain(err: ErrorObject): { extra: string[]; text: string } {
  const p = err.params as Record<string, unknown>;
  const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
  const errorText = typeof parent['errorText'] === 'string' ? parent['errorText'] : undefined;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const known = Object.keys((parent['properties'] ?? {}) as object);
      const hint = closest(key, known);
      return { extra: [key], text: `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}` };
    }
    case 'required':
      return { extra: [String(p['missingProperty'])], text: 'is required' };
    case 'type': {
      const types = Array.isArray(p['type']) ? (p['type'] as string[]) : [String(p['type'])];
      return { extra: [], text: `must be ${types.map((t) => ARTICLE[t] ?? t).join(' or ')}` };
    }
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      const hint = typeof err.data === 'string' ? closest(err.data, allowed) : undefined;
      return { extra: [], text: `${quote(err.data)} must be one of: ${allowed.join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}` };
    }
    case 'format':
      return { extra: [], text: p['format'] === 'color' ? `${quote(err.data)} is not a colour` : `${quote(err.data)} is not a valid ${String(p['format'])}` };
    case 'pattern':
      return { extra: [], text: `${quote(err.data)} ${errorText ?? `must match ${String(p['pattern'])}`}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { extra: [], text: `must be ${String(p['comparison'])} ${String(p['limit'])} (is ${quote(err.data)})` };
    case 'minItems':
      return { extra: [], text: `must have at least ${String(p['limit'])} item${p['limit'] === 1 ? '' : 's'}` };
    case 'maxItems':
      return { extra: [], text: `must have at most ${String(p['limit'])} items` };
    case 'minLength':
      return { extra: [], text: 'must not be empty' };
    case 'uniqueItems':
      return { extra: [], text: `lists the same value twice (items ${String(p['j'])} and ${String(p['i'])})` };
    default:
      return { extra: [], text: errorText ?? err.message ?? `fails ${err.keyword}` };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
