/**
 * Filter_Capabilities of each WFS version: Filter Encoding 1.0 (WFS 1.0.0), 1.1 (WFS 1.1.0) and FES 2.0
 * (WFS 2.0.0). They advertise what xml/filter-encoding.ts parses and the data layer evaluates: comparisons,
 * Like, Null, Between, logical operators, arithmetic (1.x), the spatial operators of SpatialPredicate and
 * feature / resource ids. No functions, no temporal operators.
 */
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { booleanConstraint } from './capabilities-ows.js';
import type { WfsVersion } from './version.js';

/** FE 1.1 / FES 2.0 names; FE 1.0 capabilities spell Intersects "Intersect" (filterCapabilities.xsd 1.0.0). */
const SPATIAL = ['BBOX', 'Equals', 'Disjoint', 'Intersects', 'Touches', 'Crosses', 'Within', 'Contains', 'Overlaps', 'Beyond', 'DWithin'] as const;

export function filterCapabilities(root: XMLBuilder, version: WfsVersion): void {
  if (version === '1.0.0') filter10(root);
  else if (version === '1.1.0') filter11(root);
  else filter20(root);
}

function filter10(root: XMLBuilder): void {
  const fc = root.ele('ogc:Filter_Capabilities');
  const ops = fc.ele('ogc:Spatial_Capabilities').ele('ogc:Spatial_Operators');
  for (const op of SPATIAL) ops.ele(`ogc:${op === 'Intersects' ? 'Intersect' : op}`);
  const scalar = fc.ele('ogc:Scalar_Capabilities');
  scalar.ele('ogc:Logical_Operators');
  const cmp = scalar.ele('ogc:Comparison_Operators');
  for (const op of ['Simple_Comparisons', 'Like', 'Between', 'NullCheck']) cmp.ele(`ogc:${op}`);
  scalar.ele('ogc:Arithmetic_Operators').ele('ogc:Simple_Arithmetic');
}

function filter11(root: XMLBuilder): void {
  const fc = root.ele('ogc:Filter_Capabilities');
  const spatial = fc.ele('ogc:Spatial_Capabilities');
  const operands = spatial.ele('ogc:GeometryOperands');
  // FE 1.1 restricts GeometryOperand to a list of GML 3.1 names; these are the ones gml-geometry.ts reads.
  for (const g of ['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon']) operands.ele('ogc:GeometryOperand').txt(g);
  const ops = spatial.ele('ogc:SpatialOperators');
  for (const op of SPATIAL) ops.ele('ogc:SpatialOperator', { name: op });
  const scalar = fc.ele('ogc:Scalar_Capabilities');
  scalar.ele('ogc:LogicalOperators');
  const cmp = scalar.ele('ogc:ComparisonOperators');
  for (const op of ['LessThan', 'GreaterThan', 'LessThanEqualTo', 'GreaterThanEqualTo', 'EqualTo', 'NotEqualTo', 'Like', 'Between', 'NullCheck']) {
    cmp.ele('ogc:ComparisonOperator').txt(op);
  }
  scalar.ele('ogc:ArithmeticOperators').ele('ogc:SimpleArithmetic');
  const ids = fc.ele('ogc:Id_Capabilities');
  ids.ele('ogc:EID');
  ids.ele('ogc:FID');
}

/** FES 2.0 Table 1 conformance classes. */
const FES20_CONFORMANCE: ReadonlyArray<[string, boolean]> = [
  ['ImplementsQuery', true],
  ['ImplementsAdHocQuery', true],
  ['ImplementsFunctions', false],
  ['ImplementsMinStandardFilter', true],
  ['ImplementsStandardFilter', true],
  ['ImplementsMinSpatialFilter', true],
  ['ImplementsSpatialFilter', true],
  ['ImplementsMinTemporalFilter', false],
  ['ImplementsTemporalFilter', false],
  ['ImplementsVersionNav', false],
  ['ImplementsSorting', true],
  ['ImplementsExtendedOperators', false],
  ['ImplementsMinimumXPath', true],
  ['ImplementsSchemaElementFunc', false],
];

function filter20(root: XMLBuilder): void {
  const fc = root.ele('fes:Filter_Capabilities');
  const conf = fc.ele('fes:Conformance');
  for (const [name, value] of FES20_CONFORMANCE) booleanConstraint(conf, 'fes:Constraint', name, value);
  fc.ele('fes:Id_Capabilities').ele('fes:ResourceIdentifier', { name: 'fes:ResourceId' });
  const scalar = fc.ele('fes:Scalar_Capabilities');
  scalar.ele('fes:LogicalOperators');
  const cmp = scalar.ele('fes:ComparisonOperators');
  for (const op of ['PropertyIsEqualTo', 'PropertyIsNotEqualTo', 'PropertyIsLessThan', 'PropertyIsGreaterThan', 'PropertyIsLessThanOrEqualTo',
    'PropertyIsGreaterThanOrEqualTo', 'PropertyIsLike', 'PropertyIsNull', 'PropertyIsNil', 'PropertyIsBetween']) {
    cmp.ele('fes:ComparisonOperator', { name: op });
  }
  const spatial = fc.ele('fes:Spatial_Capabilities');
  const operands = spatial.ele('fes:GeometryOperands');
  for (const g of ['gml:Envelope', 'gml:Point', 'gml:MultiPoint', 'gml:LineString', 'gml:MultiCurve', 'gml:Polygon', 'gml:MultiSurface']) {
    operands.ele('fes:GeometryOperand', { name: g });
  }
  const ops = spatial.ele('fes:SpatialOperators');
  for (const op of SPATIAL) ops.ele('fes:SpatialOperator', { name: op });
}
