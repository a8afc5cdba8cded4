/** DescribeFeatureType answers: an XML Schema importing the flavour's GML schema, or GeoServer's JSON form. */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { WFS_NAMESPACE, WFS_PREFIX } from './names.js';
import type { SchemaFlavour } from './schema-format.js';
import type { PropertyDescription } from './schema-types.js';

/** A feature type to describe: its (unprefixed) name and properties. */
export interface TypeDescription {
  typeName: string;
  properties: readonly PropertyDescription[];
}

const XSD = 'http://www.w3.org/2001/XMLSchema';

/** GML namespace, schema and abstract feature element per flavour. */
const GML = {
  '2': { ns: 'http://www.opengis.net/gml', xsd: 'http://schemas.opengis.net/gml/2.1.2/feature.xsd', feature: 'gml:_Feature' },
  '3.1.1': { ns: 'http://www.opengis.net/gml', xsd: 'http://schemas.opengis.net/gml/3.1.1/base/gml.xsd', feature: 'gml:_Feature' },
  '3.2': { ns: 'http://www.opengis.net/gml/3.2', xsd: 'http://schemas.opengis.net/gml/3.2.1/gml.xsd', feature: 'gml:AbstractFeature' },
} as const;

/** One complexType (extending gml:AbstractFeatureType) and one element per type; every property optional and nillable. */
export function xsdDocument(types: readonly TypeDescription[], flavour: Exclude<SchemaFlavour, 'json'>): string {
  const gml = GML[flavour];
  const schema = create({ version: '1.0', encoding: 'UTF-8' }).ele(XSD, 'xsd:schema', {
    'xmlns:gml': gml.ns,
    [`xmlns:${WFS_PREFIX}`]: WFS_NAMESPACE,
    targetNamespace: WFS_NAMESPACE,
    elementFormDefault: 'qualified',
    attributeFormDefault: 'unqualified',
    version: '1.0',
  });
  schema.ele('xsd:import', { namespace: gml.ns, schemaLocation: gml.xsd });
  for (const t of types) complexType(schema, t, gml.feature);
  return schema.end({ prettyPrint: true });
}

function complexType(schema: XMLBuilder, t: TypeDescription, substitutionGroup: string): void {
  const seq = schema.ele('xsd:complexType', { name: `${t.typeName}Type` })
    .ele('xsd:complexContent')
    .ele('xsd:extension', { base: 'gml:AbstractFeatureType' })
    .ele('xsd:sequence');
  for (const p of t.properties) {
    seq.ele('xsd:element', { name: p.name, type: p.xsdType, minOccurs: '0', maxOccurs: '1', nillable: 'true' });
  }
  schema.ele('xsd:element', { name: t.typeName, type: `${WFS_PREFIX}:${t.typeName}Type`, substitutionGroup });
}

/** GeoServer's application/json DescribeFeatureType. */
export function jsonDocument(types: readonly TypeDescription[]): string {
  return JSON.stringify({
    elementFormDefault: 'qualified',
    targetNamespace: WFS_NAMESPACE,
    targetPrefix: WFS_PREFIX,
    featureTypes: types.map((t) => ({
      typeName: t.typeName,
      properties: t.properties.map((p) => ({ name: p.name, maxOccurs: 1, minOccurs: 0, nillable: true, type: p.jsonType, localType: p.localType })),
    })),
  });
}
