/**
 * A GML feature member as a WFS-T client writes it inside wfs:Insert / wfs:Replace: `<app:cities gml:id="…">`
 * with one child element per property. Any namespace is accepted for the feature and its properties (clients
 * mix GML 2, 3.1 and 3.2 and their own prefixes); the GML standard properties (gml:boundedBy, gml:name, …) are
 * skipped. Mapping the type and the properties onto a layer is the caller's job.
 */
import { readGmlGeometry, type GmlGeometry } from './gml-geometry.js';
import { attr, isGml, parseError, type XmlElement } from './xml-tree.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** One property of a feature: its text value (null for xsi:nil or empty) or the geometry it holds. */
export interface GmlProperty {
  /** Local name (prefix dropped). */
  name: string;
  element: XmlElement;
  value: string | null;
  /** Set when the property's child is a GML geometry; `value` is then null. */
  geometry: GmlGeometry | null;
}

/** A feature read from GML: type (local name), gml:id / fid when written, properties in document order. */
export interface GmlFeature {
  element: XmlElement;
  typeName: string;
  gmlId: string | null;
  properties: GmlProperty[];
}

/**
 * Reads a feature element. `inheritedSrs` is the srsName of the enclosing action (wfs:Insert srsName), used by
 * geometries that carry none. Throws OperationParsingFailed naming the element for a property it cannot read.
 */
export function readGmlFeature(el: XmlElement, inheritedSrs: string | null = null): GmlFeature {
  if (isGml(el.ns)) throw parseError(el, 'Expected a feature, found a GML element');
  const gmlId = attr(el, 'id') ?? attr(el, 'fid') ?? null;
  const properties: GmlProperty[] = [];
  for (const child of el.children) {
    // gml:boundedBy, gml:name, gml:description … describe the feature; they are not attributes of the layer.
    if (isGml(child.ns)) continue;
    properties.push(readProperty(child, inheritedSrs));
  }
  return { element: el, typeName: el.local, gmlId, properties };
}

/** A property element: text, nil / empty, or one GML geometry. */
export function readProperty(el: XmlElement, inheritedSrs: string | null = null): GmlProperty {
  const base = { name: el.local, element: el };
  if (isNil(el)) return { ...base, value: null, geometry: null };
  if (el.children.length === 0) return { ...base, value: el.text === '' ? null : el.text, geometry: null };
  if (el.children.length !== 1 || !isGml(el.children[0].ns)) {
    throw parseError(el, 'A property holds text or one GML geometry');
  }
  return { ...base, value: null, geometry: readGmlGeometry(el.children[0], inheritedSrs) };
}

/** xsi:nil="true" (or "1"). */
export function isNil(el: XmlElement): boolean {
  const nil = attr(el, 'nil', XSI);
  return nil === 'true' || nil === '1';
}
