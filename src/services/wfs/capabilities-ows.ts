/**
 * The OWS Common sections of WFS 1.1.0 (OWS 1.0) and 2.0.0 (OWS 1.1) capabilities: ServiceIdentification,
 * ServiceProvider and OperationsMetadata. OWS 1.0 lists a parameter's values directly; OWS 1.1 wraps them in
 * AllowedValues, and WFS 2.0 adds the conformance constraints.
 */
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { ServiceMetadata } from '../../project/model.js';
import { SCHEMA_FORMATS } from './schema-format.js';
import { GETFEATURE_FORMATS } from './capabilities-model.js';
import { WFS_VERSIONS, type WfsVersion } from './version.js';

/** The SECTIONS values of a GetCapabilities request (OWS Common 1.1 §7.3.3, WFS 2.0 Table 7). */
export const SECTION_NAMES = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'FeatureTypeList', 'Filter_Capabilities'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** What OperationsMetadata needs to know beyond the version. */
export interface OperationsInfo {
  version: '1.1.0' | '2.0.0';
  /** GET href (ends with ? or &); POST goes to the same URL. */
  href: string;
  /** Lower-case names of the operations registered. */
  served: ReadonlySet<string>;
  /** Some feature type may be edited by this request: Transaction is advertised. */
  editable: boolean;
}

export function serviceIdentification(root: XMLBuilder, m: ServiceMetadata, version: WfsVersion): void {
  const si = root.ele('ows:ServiceIdentification');
  si.ele('ows:Title').txt(m.title);
  if (m.abstract) si.ele('ows:Abstract').txt(m.abstract);
  if (m.keywords.length) {
    const kw = si.ele('ows:Keywords');
    for (const k of m.keywords) kw.ele('ows:Keyword').txt(k);
  }
  si.ele('ows:ServiceType', version === '2.0.0' ? { codeSpace: 'OGC' } : {}).txt('WFS');
  si.ele('ows:ServiceTypeVersion').txt(version);
  si.ele('ows:Fees').txt(m.fees || 'none');
  si.ele('ows:AccessConstraints').txt(m.accessConstraints || 'none');
}

export function serviceProvider(root: XMLBuilder, m: ServiceMetadata, site: string): void {
  const c = m.contact;
  const sp = root.ele('ows:ServiceProvider');
  sp.ele('ows:ProviderName').txt(c.organization ?? c.person ?? m.title);
  sp.ele('ows:ProviderSite', { 'xlink:href': site });
  const sc = sp.ele('ows:ServiceContact');
  if (c.person) sc.ele('ows:IndividualName').txt(c.person);
  if (c.position) sc.ele('ows:PositionName').txt(c.position);
  if (!c.phone && !c.address && !c.email) return;
  const ci = sc.ele('ows:ContactInfo');
  if (c.phone) ci.ele('ows:Phone').ele('ows:Voice').txt(c.phone);
  if (c.address || c.email) {
    const a = ci.ele('ows:Address');
    const addr = c.address ?? {};
    if (addr.street) a.ele('ows:DeliveryPoint').txt(addr.street);
    if (addr.city) a.ele('ows:City').txt(addr.city);
    if (addr.region) a.ele('ows:AdministrativeArea').txt(addr.region);
    if (addr.postCode) a.ele('ows:PostalCode').txt(addr.postCode);
    if (addr.country) a.ele('ows:Country').txt(addr.country);
    if (c.email) a.ele('ows:ElectronicMailAddress').txt(c.email);
  }
}

export function operationsMetadata(root: XMLBuilder, info: OperationsInfo): void {
  const om = root.ele('ows:OperationsMetadata');
  const v = info.version;
  const op = (name: string, params: Record<string, readonly string[]>, get = true): void => {
    if (!info.served.has(name.toLowerCase())) return;
    const o = om.ele('ows:Operation', { name });
    const http = o.ele('ows:DCP').ele('ows:HTTP');
    if (get) http.ele('ows:Get', { 'xlink:href': info.href });
    http.ele('ows:Post', { 'xlink:href': info.href });
    for (const [p, values] of Object.entries(params)) parameter(o, p, values, v);
  };
  op('GetCapabilities', { AcceptVersions: WFS_VERSIONS, AcceptFormats: ['text/xml'], Sections: SECTION_NAMES });
  op('DescribeFeatureType', { outputFormat: SCHEMA_FORMATS[v] });
  if (v === '2.0.0') {
    op('ListStoredQueries', {});
    op('DescribeStoredQueries', {});
  }
  op('GetFeature', { outputFormat: GETFEATURE_FORMATS[v], resultType: ['results', 'hits'] });
  // Transaction is POST only (an XML body); advertised only when something may be edited.
  if (info.editable) op('Transaction', { inputFormat: [v === '2.0.0' ? 'application/gml+xml; version=3.2' : 'text/xml; subtype=gml/3.1.1'] }, false);
  if (v === '2.0.0') conformance(om, info);
}

/** A parameter's allowed values: directly in OWS 1.0, inside AllowedValues in OWS 1.1. */
function parameter(parent: XMLBuilder, name: string, values: readonly string[], version: '1.1.0' | '2.0.0'): void {
  const p = parent.ele('ows:Parameter', { name });
  const holder = version === '2.0.0' ? p.ele('ows:AllowedValues') : p;
  for (const value of values) holder.ele('ows:Value').txt(value);
}

/**
 * WFS 2.0 Table 13: what this server implements. Basic WFS strictly also needs the stored-query operations
 * and GetPropertyValue; QueryExpressions lists wfs:StoredQuery only when the stored-query operations are served.
 */
function conformance(om: XMLBuilder, info: OperationsInfo): void {
  const storedQueries = info.served.has('liststoredqueries') && info.served.has('describestoredqueries');
  const constraints: Array<[string, boolean]> = [
    // Basic WFS also needs GetPropertyValue, which is not served: claim Simple WFS only (stored queries, GetFeature).
    ['ImplementsBasicWFS', false],
    ['ImplementsTransactionalWFS', info.editable],
    ['ImplementsLockingWFS', false],
    ['KVPEncoding', true],
    ['XMLEncoding', true],
    ['SOAPEncoding', false],
    ['ImplementsInheritance', false],
    ['ImplementsRemoteResolve', false],
    ['ImplementsResultPaging', true],
    ['ImplementsStandardJoins', false],
    ['ImplementsSpatialJoins', false],
    ['ImplementsTemporalJoins', false],
    ['ImplementsFeatureVersioning', false],
    ['ManageStoredQueries', false],
    ['PagingIsTransactionSafe', false],
  ];
  for (const [name, value] of constraints) booleanConstraint(om, 'ows:Constraint', name, value);
  const q = om.ele('ows:Constraint', { name: 'QueryExpressions' }).ele('ows:AllowedValues');
  q.ele('ows:Value').txt('wfs:Query');
  if (storedQueries) q.ele('ows:Value').txt('wfs:StoredQuery');
}

/** An OWS 1.1 domain with no values and a TRUE / FALSE default (WFS 2.0 and FES 2.0 conformance). */
export function booleanConstraint(parent: XMLBuilder, element: string, name: string, value: boolean): void {
  const c = parent.ele(element, { name });
  c.ele('ows:NoValues');
  c.ele('ows:DefaultValue').txt(value ? 'TRUE' : 'FALSE');
}
