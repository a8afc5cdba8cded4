/**
 * The JSON Schema of a YAML project file (src/project/README.md documents it). Only the shape is checked
 * here; what needs the data (fields, CRS, bands) is checked by the loader once the sources are open.
 * Alternatives are chosen with if/then/else, never oneOf/anyOf, so that an error names one branch only.
 */

type Schema = Record<string, unknown>;

/** Names of layers, groups and styles: safe in URLs, XML and SQL identifiers. */
const NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', errorText: 'is not a valid name (letters, digits, _ . -; starting with a letter or _)' };
const TEXT = { type: 'string' };
const KEYWORDS = { type: 'array', items: { type: 'string' } };
const SCALE = { type: 'number', exclusiveMinimum: 0 };
const COLOR = { type: 'string', format: 'color' };
const CRS = { type: 'string', pattern: '^(EPSG:[0-9]+|CRS:84)$', errorText: "is not a CRS (write 'EPSG:nnnn')" };
const BAND = { type: 'integer', minimum: 1 };
const MARKER_SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'x', 'diamond'];

/** The properties of a symbol, written inline wherever a symbol is needed. */
const SYMBOL_PROPS: Schema = {
  fill: COLOR,
  stroke: COLOR,
  strokeWidth: { type: 'number', minimum: 0 },
  dash: { type: 'array', items: { type: 'number', minimum: 0 } },
  opacity: { type: 'number', minimum: 0, maximum: 1 },
  marker: {
    if: { type: 'string' },
    then: { enum: MARKER_SHAPES },
    else: {
      type: 'object',
      additionalProperties: false,
      properties: { shape: { enum: MARKER_SHAPES }, size: { type: 'number', exclusiveMinimum: 0 } },
    },
  },
};

const LABELS: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    field: { type: 'string', minLength: 1 },
    expression: { type: 'string', minLength: 1 },
    font: { type: 'string', minLength: 1 },
    size: { type: 'number', exclusiveMinimum: 0 },
    color: COLOR,
    halo: {
      if: { type: 'string' },
      then: COLOR,
      else: { type: 'object', additionalProperties: false, required: ['color'], properties: { color: COLOR, width: { type: 'number', minimum: 0 } } },
    },
    placement: { enum: ['point', 'line', 'polygon', 'auto'] },
    offset: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    priority: { type: 'number' },
    minScale: SCALE,
    maxScale: SCALE,
  },
};

const STYLE_TYPES = ['single', 'categorized', 'graduated', 'rules', 'gray', 'rgb', 'ramp'];

function style(props: Schema, required: string[] = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: { name: NAME, title: TEXT, type: { enum: STYLE_TYPES }, ...props },
  };
}

const objectOf = (props: Schema, required: string[] = []): Schema => ({ type: 'object', additionalProperties: false, required, properties: props });

const STYLE_BRANCHES: Record<string, Schema> = {
  single: style({ ...SYMBOL_PROPS, labels: LABELS }),
  categorized: style({
    field: { type: 'string', minLength: 1 },
    categories: {
      type: 'array',
      minItems: 1,
      items: objectOf({ value: { type: ['string', 'number', 'null'] }, label: TEXT, ...SYMBOL_PROPS }, ['value']),
    },
    default: objectOf({ ...SYMBOL_PROPS }),
    labels: LABELS,
  }, ['field', 'categories']),
  graduated: style({
    field: { type: 'string', minLength: 1 },
    classes: {
      type: 'array',
      minItems: 1,
      items: objectOf({ min: { type: 'number' }, max: { type: 'number' }, label: TEXT, ...SYMBOL_PROPS }, ['min', 'max']),
    },
    labels: LABELS,
  }, ['field', 'classes']),
  rules: style({
    rules: {
      type: 'array',
      minItems: 1,
      items: objectOf({
        name: NAME, label: TEXT, filter: { type: 'string', minLength: 1 }, else: { type: 'boolean' },
        minScale: SCALE, maxScale: SCALE, ...SYMBOL_PROPS,
      }),
    },
    labels: LABELS,
  }, ['rules']),
  gray: style({ band: BAND, min: { type: 'number' }, max: { type: 'number' } }),
  rgb: style({ bands: { type: 'array', items: BAND, minItems: 3, maxItems: 4 } }),
  ramp: style({
    band: BAND,
    interpolation: { enum: ['linear', 'discrete'] },
    stops: {
      type: 'array',
      minItems: 1,
      items: objectOf({ value: { type: 'number' }, color: COLOR, label: TEXT }, ['value', 'color']),
    },
  }, ['stops']),
};

/** A style: `type` picks the branch (default single); each branch lists the keys it accepts. */
function styleSchema(): Schema {
  // Innermost: no type means single; an unknown type is reported by the enum only, not by every branch.
  let schema: Schema = { if: { type: 'object', required: ['type'] }, then: true, else: STYLE_BRANCHES['single'] };
  for (const type of ['ramp', 'rgb', 'gray', 'rules', 'graduated', 'categorized', 'single']) {
    schema = { if: { type: 'object', required: ['type'], properties: { type: { const: type } } }, then: STYLE_BRANCHES[type], else: schema };
  }
  return { type: 'object', properties: { type: { enum: STYLE_TYPES } }, allOf: [schema] };
}

const SOURCE: Schema = {
  if: { type: 'string' },
  then: { minLength: 1 },
  else: objectOf({ path: { type: 'string', minLength: 1 }, layer: { type: 'string', minLength: 1 }, subset: { type: 'string', minLength: 1 } }, ['path']),
};

const FIELD: Schema = {
  if: { type: 'string' },
  then: { minLength: 1 },
  else: { type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: { type: 'string' }, errorText: "must be a field name or a one-key map 'field: alias'" },
};

/** `editable: true` (every edit), `false`, or the list of edits allowed. */
const EDITABLE: Schema = {
  if: { type: 'boolean' },
  then: true,
  else: { type: 'array', uniqueItems: true, items: { enum: ['insert', 'update', 'delete'] } },
};

const LAYER: Schema = objectOf({
  name: NAME,
  title: TEXT,
  abstract: TEXT,
  keywords: KEYWORDS,
  source: SOURCE,
  kind: { enum: ['vector', 'raster'] },
  geometryType: { enum: ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'Geometry'] },
  crs: CRS,
  fields: { type: 'array', items: FIELD, minItems: 1 },
  idField: { type: 'string', minLength: 1 },
  queryable: { type: 'boolean' },
  editable: EDITABLE,
  precision: { type: 'integer', minimum: 0, maximum: 9 },
  temporal: objectOf({ field: { type: 'string', minLength: 1 } }, ['field']),
  maxFeatures: { type: 'integer', minimum: 1 },
  minScale: SCALE,
  maxScale: SCALE,
  services: { type: 'array', uniqueItems: true, items: { enum: ['WMS', 'WFS', 'WCS', 'WMTS', 'OAPIF'] } },
  style: { $ref: '#/definitions/style' },
  styles: { type: 'array', minItems: 1, items: { allOf: [{ type: 'object', required: ['name'] }, { $ref: '#/definitions/style' }] } },
}, ['name', 'source']);

const GROUP: Schema = objectOf({
  group: NAME,
  title: TEXT,
  abstract: TEXT,
  layers: { $ref: '#/definitions/tree' },
}, ['group', 'layers']);

const SERVICE: Schema = objectOf({
  title: TEXT,
  abstract: TEXT,
  keywords: KEYWORDS,
  contact: objectOf({
    person: TEXT, organization: TEXT, position: TEXT, email: TEXT, phone: TEXT,
    address: objectOf({ street: TEXT, city: TEXT, region: TEXT, postCode: TEXT, country: TEXT }),
  }),
  fees: TEXT,
  accessConstraints: TEXT,
  crs: { type: 'array', items: CRS, uniqueItems: true },
  maxWidth: { type: 'integer', minimum: 1 },
  maxHeight: { type: 'integer', minimum: 1 },
  maxFeatures: { type: 'integer', minimum: 1 },
  onlineResource: { type: 'string', pattern: '^https?://', errorText: 'must be an http(s) URL' },
});

/** The schema of a whole project file. */
export const PROJECT_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['layers'],
  // `templates` holds YAML anchors to reuse with `<<: *name`; it is not read otherwise.
  properties: { service: SERVICE, templates: { type: 'object' }, layers: { $ref: '#/definitions/tree' } },
  definitions: {
    tree: {
      type: 'array',
      minItems: 1,
      items: { if: { type: 'object', required: ['group'] }, then: GROUP, else: LAYER },
    },
    style: styleSchema(),
  },
};
