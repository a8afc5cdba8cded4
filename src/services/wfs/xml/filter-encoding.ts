/**
 * OGC Filter Encoding 1.1 (ogc:) and 2.0 (fes:) → our expression language, plus the feature ids and the
 * spatial constraints, which are returned apart for the data layer to apply.
 */
import type { Geometry } from '../../../data/types.js';
import { OgcError } from '../../../errors/ogc-error.js';
import { Expression } from '../../../expression/index.js';
import type { Node } from '../../../expression/ast.js';
import { readGmlGeometry } from './gml-geometry.js';
import { attr, childrenNamed, isGml, NS, parseError, type XmlElement } from './xml-tree.js';

/** Spatial operators of FE 1.1 and 2.0. */
export type SpatialOperator = 'BBOX' | 'Intersects' | 'Disjoint' | 'Within' | 'Contains' | 'Equals' | 'Touches' | 'Crosses' | 'Overlaps' | 'DWithin' | 'Beyond';

/** A spatial predicate for the data layer: geometry as written (axis order per srsName, not yet swapped). */
export interface SpatialConstraint {
  operator: SpatialOperator;
  /** Geometry property (prefix stripped), or null for the layer's default geometry. */
  property: string | null;
  geometry: Geometry;
  srsName: string | null;
  /** For DWithin / Beyond. */
  distance?: { value: number; units: string | null };
}

/** What a filter contains: an attribute expression, feature ids and spatial constraints (all ANDed). */
export interface ParsedFilter {
  expression: Expression | null;
  /** Feature ids from ResourceId / FeatureId / GmlObjectId (OR-ed among themselves), or null when none. */
  ids: string[] | null;
  spatial: SpatialConstraint[];
}

const COMPARISON: Readonly<Record<string, '=' | '<>' | '<' | '>' | '<=' | '>='>> = {
  PropertyIsEqualTo: '=', PropertyIsNotEqualTo: '<>', PropertyIsLessThan: '<', PropertyIsGreaterThan: '>',
  PropertyIsLessThanOrEqualTo: '<=', PropertyIsGreaterThanOrEqualTo: '>=',
};
const ARITHMETIC: Readonly<Record<string, '+' | '-' | '*' | '/'>> = { Add: '+', Sub: '-', Mul: '*', Div: '/' };
const SPATIAL: ReadonlySet<string> = new Set(['BBOX', 'Intersects', 'Disjoint', 'Within', 'Contains', 'Equals', 'Touches', 'Crosses', 'Overlaps', 'DWithin', 'Beyond']);
const ID_ELEMENTS: ReadonlySet<string> = new Set(['ResourceId', 'FeatureId', 'GmlObjectId']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Strips namespace prefixes from a property path ("app:name", "app:feature/app:name" → "name"). */
export function propertyName(text: string): string {
  const steps = text.trim().split('/').filter((s) => s !== '');
  const last = steps.at(-1) ?? '';
  const colon = last.lastIndexOf(':');
  return colon >= 0 ? last.slice(colon + 1) : last;
}

/** Parses a <Filter> element (ogc: or fes:); throws OgcError OperationParsingFailed / InvalidParameterValue naming the element. */
export function parseFilter(filter: XmlElement): ParsedFilter {
  if (filter.local !== 'Filter' || (filter.ns !== NS.ogc && filter.ns !== NS.fes)) throw parseError(filter, 'Expected an ogc:Filter or fes:Filter', 'FILTER');
  const out: ParsedFilter = { expression: null, ids: null, spatial: [] };
  if (filter.children.length === 0) throw parseError(filter, 'Empty filter', 'FILTER');
  const idEls = filter.children.filter((c) => ID_ELEMENTS.has(c.local));
  if (idEls.length > 0) {
    if (idEls.length !== filter.children.length) throw parseError(filter, 'Feature ids cannot be mixed with other operators', 'FILTER');
    out.ids = idEls.map((el) => {
      const id = attr(el, 'rid') ?? attr(el, 'fid') ?? attr(el, 'id');
      if (id === undefined || id === '') throw parseError(el, 'Missing id attribute', 'FILTER');
      return id;
    });
    return out;
  }
  if (filter.children.length !== 1) throw parseError(filter, 'A filter holds exactly one operator', 'FILTER');
  const node = topLevel(filter.children[0], out.spatial);
  out.expression = node === null ? null : Expression.fromNode(node);
  return out;
}

/** A top-level operator: spatial ones (alone or directly under And) are collected; the rest becomes the expression. */
function topLevel(el: XmlElement, spatial: SpatialConstraint[]): Node | null {
  if (SPATIAL.has(el.local)) {
    spatial.push(readSpatial(el));
    return null;
  }
  if (el.local === 'And') {
    const parts: Node[] = [];
    for (const c of el.children) {
      const n = topLevel(c, spatial);
      if (n) parts.push(n);
    }
    if (el.children.length < 2) throw parseError(el, 'And needs at least two operands', 'FILTER');
    return parts.length === 0 ? null : parts.length === 1 ? parts[0] : { type: 'logical', pos: 0, op: 'AND', operands: parts };
  }
  return predicate(el);
}

function predicate(el: XmlElement): Node {
  const cmp = COMPARISON[el.local];
  if (cmp) {
    const [a, b] = operands(el, 2);
    // Case folding only applies to strings: a numeric literal keeps the numeric comparison.
    if (attr(el, 'matchCase') === 'false' && !isNumber(a) && !isNumber(b)) return { type: 'binary', pos: 0, op: cmp, left: lower(a), right: lower(b) };
    return { type: 'binary', pos: 0, op: cmp, left: a, right: b };
  }
  switch (el.local) {
    case 'And':
    case 'Or': {
      if (el.children.length < 2) throw parseError(el, `${el.local} needs at least two operands`, 'FILTER');
      return { type: 'logical', pos: 0, op: el.local === 'And' ? 'AND' : 'OR', operands: el.children.map(predicate) };
    }
    case 'Not': {
      if (el.children.length !== 1) throw parseError(el, 'Not needs exactly one operand', 'FILTER');
      return { type: 'unary', pos: 0, op: 'NOT', operand: predicate(el.children[0]) };
    }
    case 'PropertyIsNull':
    case 'PropertyIsNil': {
      const [a] = operands(el, 1);
      return { type: 'binary', pos: 0, op: 'IS', left: a, right: { type: 'literal', pos: 0, value: null } };
    }
    case 'PropertyIsBetween': {
      const value = el.children.filter((c) => c.local !== 'LowerBoundary' && c.local !== 'UpperBoundary');
      const low = childrenNamed(el, 'LowerBoundary');
      const high = childrenNamed(el, 'UpperBoundary');
      if (value.length !== 1 || low.length !== 1 || high.length !== 1) throw parseError(el, 'PropertyIsBetween needs an expression, a LowerBoundary and an UpperBoundary', 'FILTER');
      return { type: 'between', pos: 0, negated: false, operand: expression(value[0]), low: operands(low[0], 1)[0], high: operands(high[0], 1)[0] };
    }
    case 'PropertyIsLike':
      return like(el);
    default:
      if (SPATIAL.has(el.local)) throw new OgcError('InvalidParameterValue', `Spatial operator <${el.name}> is only supported at the top of the filter or directly under And`, { locator: 'FILTER' });
      if (ID_ELEMENTS.has(el.local)) throw parseError(el, 'Feature ids are only allowed directly under the filter', 'FILTER');
      throw new OgcError('InvalidParameterValue', `Unsupported filter operator <${el.name}>`, { locator: 'FILTER' });
  }
}

function operands(el: XmlElement, count: number): Node[] {
  if (el.children.length !== count) throw parseError(el, `Expected ${count} operand${count === 1 ? '' : 's'}, found ${el.children.length}`, 'FILTER');
  return el.children.map(expression);
}

function isNumber(n: Node): boolean {
  return n.type === 'literal' && typeof n.value === 'number';
}

function lower(n: Node): Node {
  return { type: 'call', pos: 0, name: 'lower', args: [n] };
}

/** An FE expression: PropertyName / ValueReference, Literal, Add/Sub/Mul/Div (1.1). */
function expression(el: XmlElement): Node {
  switch (el.local) {
    case 'PropertyName':
    case 'ValueReference': {
      const name = propertyName(el.text);
      if (name === '') throw parseError(el, 'Empty property name', 'FILTER');
      return { type: 'field', pos: 0, name };
    }
    case 'Literal': {
      if (el.children.length > 0) throw parseError(el, 'Literals with element content are not supported', 'FILTER');
      const text = el.text;
      if (NUMBER.test(text.trim())) return { type: 'literal', pos: 0, value: Number(text.trim()), real: /[.eE]/.test(text) };
      return { type: 'literal', pos: 0, value: text };
    }
    default: {
      const op = ARITHMETIC[el.local];
      if (op && el.ns === NS.ogc) {
        const [a, b] = operands(el, 2);
        return { type: 'binary', pos: 0, op, left: a, right: b };
      }
      throw new OgcError('InvalidParameterValue', `Unsupported filter expression <${el.name}>`, { locator: 'FILTER' });
    }
  }
}

/** PropertyIsLike: the client's wildCard / singleChar / escape characters → our LIKE (% _ and \ escapes). */
function like(el: XmlElement): Node {
  const [subject, patternEl] = el.children;
  if (el.children.length !== 2 || patternEl.local !== 'Literal') throw parseError(el, 'PropertyIsLike needs a property and a Literal pattern', 'FILTER');
  const wild = attr(el, 'wildCard') ?? '*';
  const single = attr(el, 'singleChar') ?? '?';
  const escape = attr(el, 'escapeChar') ?? attr(el, 'escape') ?? '\\';
  for (const [n, v] of [['wildCard', wild], ['singleChar', single], ['escapeChar', escape]]) {
    if (Array.from(v).length !== 1) throw parseError(el, `${n} must be one character, not "${v}"`, 'FILTER');
  }
  let pattern = '';
  const cps = Array.from(patternEl.text);
  for (let i = 0; i < cps.length; i += 1) {
    const ch = cps[i];
    if (ch === escape && i + 1 < cps.length) {
      i += 1;
      pattern += literalChar(cps[i]);
    } else if (ch === wild) pattern += '%';
    else if (ch === single) pattern += '_';
    else pattern += literalChar(ch);
  }
  const op = attr(el, 'matchCase') === 'false' ? 'ILIKE' : 'LIKE';
  return { type: 'binary', pos: 0, op, left: expression(subject), right: { type: 'literal', pos: 0, value: pattern } };
}

function literalChar(ch: string): string {
  return ch === '%' || ch === '_' || ch === '\\' ? `\\${ch}` : ch;
}

function readSpatial(el: XmlElement): SpatialConstraint {
  const operator = el.local as SpatialOperator;
  let property: string | null = null;
  let geometryEl: XmlElement | undefined;
  let distance: SpatialConstraint['distance'];
  for (const c of el.children) {
    if (c.local === 'PropertyName' || c.local === 'ValueReference') property = propertyName(c.text) || null;
    else if (c.local === 'Distance') {
      const value = Number(c.text.trim());
      if (c.text.trim() === '' || !Number.isFinite(value) || value < 0) throw parseError(c, `Bad distance "${c.text.trim()}"`, 'FILTER');
      distance = { value, units: attr(c, 'units') ?? attr(c, 'uom') ?? null };
    } else if (isGml(c.ns)) {
      if (geometryEl) throw parseError(el, 'More than one geometry', 'FILTER');
      geometryEl = c;
    } else if (c.local === 'Literal' && c.children.length === 1 && isGml(c.children[0].ns)) geometryEl = c.children[0];
    else throw parseError(c, `Unexpected element in ${operator}`, 'FILTER');
  }
  if (!geometryEl) throw parseError(el, `${operator} needs a GML geometry or envelope`, 'FILTER');
  if (operator === 'BBOX' && geometryEl.local !== 'Envelope' && geometryEl.local !== 'Box') throw parseError(geometryEl, 'BBOX needs a gml:Envelope or gml:Box', 'FILTER');
  if ((operator === 'DWithin' || operator === 'Beyond') !== (distance !== undefined)) {
    throw parseError(el, distance ? `${operator} takes no Distance` : `${operator} needs a Distance`, 'FILTER');
  }
  const { geometry, srsName } = readGmlGeometry(geometryEl);
  const out: SpatialConstraint = { operator, property, geometry, srsName };
  if (distance) out.distance = distance;
  return out;
}
