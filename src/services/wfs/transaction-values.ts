/**
 * Values of a WFS-T Insert / Update: property text typed by the layer's field, and GML geometries in the data
 * layer's x/y order with the CRS they are written in.
 */
import { resolveCrs, type Geometry } from '../../data/index.js';
import { OgcError } from '../../errors/ogc-error.js';
import type { FieldDef, VectorLayerDef } from '../../project/model.js';
import { srsNameSwapsAxes, swapGeometryAxes } from './spatial.js';
import type { WfsVersion } from './version.js';
import type { GmlGeometry } from './xml/gml-geometry.js';

/** The geometry of an edit: x/y order, in `crs` (the data layer reprojects to the layer's CRS). */
export interface EditGeometry {
  value: Geometry;
  crs: string;
}

const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, 1: true, 0: false };

/**
 * A property's text as the value to store: numbers and booleans for fields of those types (InvalidValue naming
 * the field when the text is not one), text otherwise. A field the request may not see (`field` undefined) keeps
 * its text: the data layer refuses hidden and unknown fields alike.
 */
export function fieldValue(name: string, text: string | null, field: FieldDef | undefined, locator: string): unknown {
  if (text === null || !field) return text;
  const t = text.trim();
  switch (field.type) {
    case 'integer':
    case 'integer64': {
      if (!INTEGER.test(t)) throw invalidValue(name, text, field.type, locator);
      const n = Number(t);
      // A 64-bit value past 2^53 stays text so no digit is lost on the way to the data source.
      return Number.isSafeInteger(n) ? n : t;
    }
    case 'real':
      if (!REAL.test(t)) throw invalidValue(name, text, field.type, locator);
      return Number(t);
    case 'boolean': {
      const b = BOOLEANS[t.toLowerCase()];
      if (b === undefined) throw invalidValue(name, text, field.type, locator);
      return b;
    }
    default:
      return text;
  }
}

function invalidValue(name: string, text: string, type: string, locator: string): OgcError {
  return new OgcError('InvalidValue', `Value '${text.slice(0, 60)}' of property '${name}' is not a valid ${type}`, { locator });
}

/**
 * A GML geometry in x/y order with its CRS: the srsName written on it (or on its action), swapped to x/y when it
 * is a URN / EPSG URI of a northing-first CRS (WFS 1.1 / 2.0; never in 1.0); without srsName the layer's CRS in
 * x/y order. An unknown CRS is InvalidParameterValue.
 */
export async function editGeometry(g: GmlGeometry, version: WfsVersion, layer: VectorLayerDef, locator: string): Promise<EditGeometry> {
  if (g.srsName === null) return { value: g.geometry, crs: layer.crs };
  const crs = await resolveCrs(g.srsName, 'InvalidParameterValue', locator);
  const swap = await srsNameSwapsAxes(g.srsName, version, locator);
  return { value: swap ? swapGeometryAxes(g.geometry) : g.geometry, crs: crs.id };
}
