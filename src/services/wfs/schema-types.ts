/**
 * The properties of a feature type as DescribeFeatureType describes them: the geometry first (named as the
 * writers name it, CollectionMeta.geometryName's default), then the authorised published fields in published
 * order, with their XML Schema types. The names go through xmlName like the writers' element names, so the
 * schema and the features always agree. Geometry property types follow what writers/gml-geometry.ts writes
 * (GML 2 MultiPolygon, GML 3 MultiSurface / MultiCurve).
 */
import type { FieldDef, VectorLayerDef } from '../../project/model.js';
import { xmlName } from './writers/index.js';
import type { SchemaFlavour } from './schema-format.js';

/** The geometry property of every feature type (writers: CollectionMeta.geometryName defaults to it). */
export const GEOMETRY_PROPERTY = 'geometry';

/** One property of a feature type. */
export interface PropertyDescription {
  name: string;
  /** Qualified XML Schema type for the XSD ("xsd:int", "gml:MultiSurfacePropertyType"). */
  xsdType: string;
  /** GeoServer's JSON form: "xsd:int" / "gml:MultiPolygon" and the local part. */
  jsonType: string;
  localType: string;
}

type GeometryType = VectorLayerDef['geometryType'];

/** The GML property type of a geometry type per GML flavour ('Geometry' → GeometryPropertyType everywhere). */
const GML_PROPERTY: Readonly<Record<'2' | '3.1.1' | '3.2', Readonly<Record<GeometryType, string>>>> = {
  '2': {
    Point: 'PointPropertyType', LineString: 'LineStringPropertyType', Polygon: 'PolygonPropertyType', MultiPoint: 'MultiPointPropertyType',
    MultiLineString: 'MultiLineStringPropertyType', MultiPolygon: 'MultiPolygonPropertyType', Geometry: 'GeometryPropertyType',
  },
  '3.1.1': {
    Point: 'PointPropertyType', LineString: 'LineStringPropertyType', Polygon: 'PolygonPropertyType', MultiPoint: 'MultiPointPropertyType',
    MultiLineString: 'MultiCurvePropertyType', MultiPolygon: 'MultiSurfacePropertyType', Geometry: 'GeometryPropertyType',
  },
  // GML 3.2 has no LineString / Polygon property types: a gml:LineString is an AbstractCurve, a gml:Polygon an AbstractSurface.
  '3.2': {
    Point: 'PointPropertyType', LineString: 'CurvePropertyType', Polygon: 'SurfacePropertyType', MultiPoint: 'MultiPointPropertyType',
    MultiLineString: 'MultiCurvePropertyType', MultiPolygon: 'MultiSurfacePropertyType', Geometry: 'GeometryPropertyType',
  },
};

/** XML Schema types of the field types (FieldDef.type, lower-cased: gdal-async says 'dateTime'). Anything else is text. */
const XSD_TYPES: Readonly<Record<string, string>> = {
  integer: 'int', integer64: 'long', real: 'double', string: 'string', date: 'date', datetime: 'dateTime', time: 'time',
  boolean: 'boolean', binary: 'base64Binary',
};

/** The XML Schema type (local part) of a field. */
export function xsdTypeOf(field: FieldDef): string {
  return XSD_TYPES[field.type.toLowerCase()] ?? 'string';
}

/** The properties of a layer for a flavour: geometry, then `fields` (the authorised published ones) in order. */
export function describeProperties(layer: VectorLayerDef, fields: readonly FieldDef[], flavour: SchemaFlavour): PropertyDescription[] {
  const gml = flavour === 'json' ? '3.2' : flavour;
  const geometryType = layer.geometryType;
  const out: PropertyDescription[] = [{
    name: GEOMETRY_PROPERTY,
    xsdType: `gml:${GML_PROPERTY[gml][geometryType]}`,
    jsonType: `gml:${geometryType}`,
    localType: geometryType,
  }];
  for (const f of fields) {
    const t = xsdTypeOf(f);
    out.push({ name: xmlName(f.name), xsdType: `xsd:${t}`, jsonType: `xsd:${t}`, localType: t });
  }
  return out;
}
