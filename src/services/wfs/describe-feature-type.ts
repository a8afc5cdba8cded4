/**
 * WFS DescribeFeatureType (KVP TYPENAME / TYPENAMES, or an XML POST with TypeName children): the schema of the
 * named feature types (none named: every readable type), with only the fields access control lets this request
 * see. A hidden type and a missing one get the same InvalidParameterValue.
 */
import { defineParams, parseParams } from '../../params/table.js';
import type { VectorLayerDef } from '../../project/model.js';
import type { WfsContext } from './context.js';
import { featureType, wfsLayers } from './names.js';
import { jsonDocument, xsdDocument, type TypeDescription } from './schema-document.js';
import { schemaContentType, schemaFlavour } from './schema-format.js';
import { describeProperties } from './schema-types.js';
import { attr, childrenNamed } from './xml/xml-tree.js';

/** DescribeFeatureType KVP parameters. */
export const DESCRIBE_FEATURE_TYPE = defineParams({
  TYPENAME: { type: 'string', description: 'feature types, comma-separated (1.0.0, 1.1.0); none: all' },
  TYPENAMES: { type: 'string', description: 'feature types, comma-separated (2.0.0); none: all' },
  OUTPUTFORMAT: { type: 'string', description: 'XMLSCHEMA / a GML subtype (the version\'s by default) or application/json' },
  NAMESPACE: { type: 'string', description: 'xmlns(prefix,uri) bindings; any prefix is accepted' },
  NAMESPACES: { type: 'string', description: 'as NAMESPACE (2.0.0)' },
});

export async function describeFeatureType(ctx: WfsContext): Promise<void> {
  const { names, locator, format } = readRequest(ctx);
  const flavour = schemaFlavour(format, ctx.version);
  const layers = names.length ? unique(names.map((n) => featureType(ctx.project, ctx.access, n, locator))) : wfsLayers(ctx.project, ctx.access);
  const types: TypeDescription[] = layers.map((layer) => ({
    typeName: layer.name,
    properties: describeProperties(layer, ctx.access.fields(layer), flavour),
  }));
  ctx.response.setHeader('Content-Type', schemaContentType(flavour));
  ctx.response.write(flavour === 'json' ? jsonDocument(types) : xsdDocument(types, flavour));
}

/** The type names as written, the parameter they came in (the error locator) and OUTPUTFORMAT. */
function readRequest(ctx: WfsContext): { names: string[]; locator: string; format: string | undefined } {
  const versionLocator = ctx.version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME';
  if (ctx.body) {
    const names = childrenNamed(ctx.body, 'TypeName', 'TypeNames').map((el) => el.text.trim()).filter(Boolean);
    return { names, locator: versionLocator, format: attr(ctx.body, 'outputFormat') };
  }
  const p = parseParams(DESCRIBE_FEATURE_TYPE, ctx.request.parameters());
  const written = p.TYPENAMES ?? p.TYPENAME;
  const locator = p.TYPENAMES !== undefined ? 'TYPENAMES' : p.TYPENAME !== undefined ? 'TYPENAME' : versionLocator;
  // WFS 2.0 groups joined types in parentheses: "(a,b)(c)"; each is described once.
  const names = (written ?? '').split(/[,()]/).map((s) => s.trim()).filter(Boolean);
  return { names, locator, format: p.OUTPUTFORMAT };
}

function unique(layers: VectorLayerDef[]): VectorLayerDef[] {
  return [...new Set(layers)];
}
