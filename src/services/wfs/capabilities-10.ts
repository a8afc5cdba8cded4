/**
 * The WFS 1.0.0 capabilities document (WFS-capabilities.xsd 1.0.0): Service, Capability/Request with one
 * DCPType per method, FeatureTypeList with one SRS and a LatLongBoundingBox per type, and FE 1.0
 * Filter_Capabilities. Output format names are QGIS Server's (GML2, GML3, GeoJSON).
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { ServiceMetadata } from '../../project/model.js';
import { coord, crsText, editNames, GETFEATURE_FORMATS, type FeatureTypeInfo } from './capabilities-model.js';
import { filterCapabilities } from './capabilities-filter.js';
import { WFS_NAMESPACE, WFS_PREFIX } from './names.js';

const WFS = 'http://www.opengis.net/wfs';

/** What the 1.0.0 document is built from. */
export interface Capabilities10Input {
  service: ServiceMetadata;
  /** GET / POST URL (ends with ? or &) and the service's public address. */
  href: string;
  site: string;
  served: ReadonlySet<string>;
  types: readonly FeatureTypeInfo[];
  editable: boolean;
}

export function capabilities10(input: Capabilities10Input): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(WFS, 'WFS_Capabilities', {
    version: '1.0.0',
    'xmlns:ogc': 'http://www.opengis.net/ogc',
    'xmlns:gml': 'http://www.opengis.net/gml',
    [`xmlns:${WFS_PREFIX}`]: WFS_NAMESPACE,
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': `${WFS} http://schemas.opengis.net/wfs/1.0.0/WFS-capabilities.xsd`,
  });
  service(root, input.service, input.site);
  requests(root.ele('Capability').ele('Request'), input);
  featureTypeList(root, input.types);
  filterCapabilities(root, '1.0.0');
  return root.end({ prettyPrint: true });
}

function service(root: XMLBuilder, m: ServiceMetadata, site: string): void {
  const s = root.ele('Service');
  s.ele('Name').txt('WFS');
  s.ele('Title').txt(m.title);
  if (m.abstract) s.ele('Abstract').txt(m.abstract);
  if (m.keywords.length) s.ele('Keywords').txt(m.keywords.join(', '));
  s.ele('OnlineResource').txt(site);
  s.ele('Fees').txt(m.fees || 'none');
  s.ele('AccessConstraints').txt(m.accessConstraints || 'none');
}

function requests(req: XMLBuilder, input: Capabilities10Input): void {
  const op = (name: string, methods: Array<'Get' | 'Post'>, fill?: (el: XMLBuilder) => void): void => {
    if (!input.served.has(name.toLowerCase())) return;
    const el = req.ele(name);
    fill?.(el);
    for (const m of methods) el.ele('DCPType').ele('HTTP').ele(m, { onlineResource: input.href });
  };
  op('GetCapabilities', ['Get', 'Post']);
  op('DescribeFeatureType', ['Get', 'Post'], (el) => el.ele('SchemaDescriptionLanguage').ele('XMLSCHEMA'));
  op('GetFeature', ['Get', 'Post'], (el) => {
    const rf = el.ele('ResultFormat');
    for (const f of GETFEATURE_FORMATS['1.0.0']) rf.ele(f);
  });
  if (input.editable) op('Transaction', ['Post']);
}

function featureTypeList(root: XMLBuilder, types: readonly FeatureTypeInfo[]): void {
  const list = root.ele('FeatureTypeList');
  list.ele('Operations').ele('Query');
  for (const t of types) {
    const ft = list.ele('FeatureType');
    ft.ele('Name').txt(t.name);
    ft.ele('Title').txt(t.title);
    if (t.abstract) ft.ele('Abstract').txt(t.abstract);
    if (t.keywords.length) ft.ele('Keywords').txt(t.keywords.join(', '));
    ft.ele('SRS').txt(crsText(t.defaultEpsg, '1.0.0'));
    const ops = ft.ele('Operations');
    ops.ele('Query');
    for (const e of editNames(t.edits)) ops.ele(e);
    if (t.wgs84) {
      const [w, s, e, n] = t.wgs84;
      ft.ele('LatLongBoundingBox', { minx: coord(w), miny: coord(s), maxx: coord(e), maxy: coord(n) });
    }
  }
}
