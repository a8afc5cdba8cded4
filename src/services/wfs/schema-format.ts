/** DescribeFeatureType output formats: the GML flavour of an XML Schema, or GeoServer's JSON description. */
import { InvalidParameterError } from '../../errors/ogc-error.js';
import type { WfsVersion } from './version.js';

/** What a DescribeFeatureType answer is written as. */
export type SchemaFlavour = '2' | '3.1.1' | '3.2' | 'json';

/** OUTPUTFORMAT values advertised per version (the first is the version's default); each is accepted by schemaFlavour. */
export const SCHEMA_FORMATS: Readonly<Record<WfsVersion, readonly string[]>> = {
  '1.0.0': ['XMLSCHEMA', 'text/xml; subtype=gml/2.1.2', 'application/json'],
  '1.1.0': ['text/xml; subtype=gml/3.1.1', 'text/xml; subtype=gml/2.1.2', 'application/json'],
  '2.0.0': ['application/gml+xml; version=3.2', 'text/xml; subtype=gml/3.2', 'text/xml; subtype=gml/3.1.1', 'text/xml; subtype=gml/2.1.2', 'application/json'],
};

const DEFAULT_FLAVOUR: Readonly<Record<WfsVersion, SchemaFlavour>> = { '1.0.0': '2', '1.1.0': '3.1.1', '2.0.0': '3.2' };

/** The spellings clients send (QGIS, GeoServer, MapServer, GDAL, OWSLib), without blanks and quotes, lower-case. */
const SPELLINGS: Readonly<Record<string, SchemaFlavour | 'default'>> = {
  'xmlschema': 'default', 'text/xml': 'default', 'application/xml': 'default', 'text/xml;subtype=gml': 'default',
  'gml2': '2', 'text/xml;subtype=gml/2': '2', 'text/xml;subtype=gml/2.1.2': '2', 'application/gml+xml;version=2.1': '2',
  'gml3': '3.1.1', 'gml3.1': '3.1.1', 'gml3.1.1': '3.1.1', 'text/xml;subtype=gml/3.1.1': '3.1.1', 'application/gml+xml;version=3.1': '3.1.1',
  'text/xml;subtype=gml/3.1.1/profiles/gmlsf/0': '3.1.1', 'text/xml;subtype=gml/3.1.1/profiles/gmlsf/1.0.0/0': '3.1.1',
  'gml32': '3.2', 'gml3.2': '3.2', 'text/xml;subtype=gml/3.2': '3.2', 'text/xml;subtype=gml/3.2.1': '3.2',
  'application/gml+xml;version=3.2': '3.2', 'application/gml+xml;version=3.2.1': '3.2', 'application/gml+xml': '3.2',
  'application/json': 'json', 'json': 'json', 'geojson': 'json', 'application/geo+json': 'json', 'application/vnd.geo+json': 'json',
};

/** The flavour an OUTPUTFORMAT asks for (absent: the version's default); anything else is InvalidParameterValue. */
export function schemaFlavour(format: string | undefined, version: WfsVersion): SchemaFlavour {
  if (format === undefined || format.trim() === '') return DEFAULT_FLAVOUR[version];
  const hit = SPELLINGS[format.toLowerCase().replace(/[\s"']+/g, '')];
  if (hit === undefined) {
    throw new InvalidParameterError('OUTPUTFORMAT', `DescribeFeatureType OUTPUTFORMAT '${format.slice(0, 80)}' is not supported; use one of: ${SCHEMA_FORMATS[version].join(', ')}`);
  }
  return hit === 'default' ? DEFAULT_FLAVOUR[version] : hit;
}

/** The Content-Type of an answer in a flavour. */
export function schemaContentType(flavour: SchemaFlavour): string {
  switch (flavour) {
    case '2': return 'text/xml; subtype=gml/2.1.2; charset=utf-8';
    case '3.1.1': return 'text/xml; subtype=gml/3.1.1; charset=utf-8';
    case '3.2': return 'application/gml+xml; version=3.2; charset=utf-8';
    default: return 'application/json; charset=utf-8';
  }
}
