import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, propertyName, type ParsedFilter } from '../../../../src/services/wfs/xml/filter-encoding.js';
import { OgcError } from '../../../../src/errors/ogc-error.js';
import { tree } from './tree-from-text.js';

const FEATURES = [
  { id: 1, name: 'Paris', pop: 2100000, country: 'FR', code: null, note: '50% off_x' },
  { id: 2, name: 'Lyon', pop: 520000, country: 'FR', code: 'LY', note: 'fifty' },
  { id: 3, name: 'Berlin', pop: 3600000, country: 'DE', code: 'BE', note: '50x off' },
  { id: 4, name: 'bern', pop: 134000, country: 'CH', code: 'BN', note: '' },
];

function fe11(body: string): ParsedFilter {
  return parseFilter(tree(`<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" xmlns:app="http://example.com/app">${body}</ogc:Filter>`));
}
function fe20(body: string): ParsedFilter {
  return parseFilter(tree(`<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://example.com/app">${body}</fes:Filter>`));
}
function ids(f: ParsedFilter): number[] {
  assert.ok(f.expression, 'expected an expression');
  return FEATURES.filter((x) => f.expression!.test(x)).map((x) => x.id);
}
const p11 = (n: string): string => `<ogc:PropertyName>${n}</ogc:PropertyName>`;
const l11 = (v: string): string => `<ogc:Literal>${v}</ogc:Literal>`;
const p20 = (n: string): string => `<fes:ValueReference>${n}</fes:ValueReference>`;
const l20 = (v: string): string => `<fes:Literal>${v}</fes:Literal>`;

function both(name: string, op: string, attrs: string, args: (p: typeof p11, l: typeof l11) => string, expected: number[]): void {
  test(`${name} (FE 1.1)`, () => assert.deepEqual(ids(fe11(`<ogc:${op}${attrs}>${args(p11, l11)}</ogc:${op}>`)), expected));
  test(`${name} (FE 2.0)`, () => assert.deepEqual(ids(fe20(`<fes:${op}${attrs}>${args(p20, l20)}</fes:${op}>`)), expected));
}

both('PropertyIsEqualTo string', 'PropertyIsEqualTo', '', (p, l) => p('app:country') + l('FR'), [1, 2]);
both('PropertyIsEqualTo number', 'PropertyIsEqualTo', '', (p, l) => p('pop') + l('520000'), [2]);
both('PropertyIsEqualTo matchCase=false', 'PropertyIsEqualTo', ' matchCase="false"', (p, l) => p('name') + l('BERN'), [4]);
both('PropertyIsEqualTo matchCase=true', 'PropertyIsEqualTo', ' matchCase="true"', (p, l) => p('name') + l('BERN'), []);
both('PropertyIsNotEqualTo', 'PropertyIsNotEqualTo', '', (p, l) => p('country') + l('FR'), [3, 4]);
both('PropertyIsLessThan', 'PropertyIsLessThan', '', (p, l) => p('pop') + l('520000'), [4]);
both('PropertyIsGreaterThan', 'PropertyIsGreaterThan', '', (p, l) => p('pop') + l('2100000'), [3]);
both('PropertyIsLessThanOrEqualTo', 'PropertyIsLessThanOrEqualTo', '', (p, l) => p('pop') + l('520000'), [2, 4]);
both('PropertyIsGreaterThanOrEqualTo', 'PropertyIsGreaterThanOrEqualTo', '', (p, l) => p('pop') + l('2100000.0'), [1, 3]);
both('PropertyIsNull', 'PropertyIsNull', '', (p) => p('code'), [1]);
both('PropertyIsBetween', 'PropertyIsBetween', '', (p, l) => `${p('pop')}<ogc:LowerBoundary>${l('500000')}</ogc:LowerBoundary><ogc:UpperBoundary>${l('2100000')}</ogc:UpperBoundary>`.replace(/ogc:(Lower|Upper)/g, p === p20 ? 'fes:$1' : 'ogc:$1'), [1, 2]);

test('PropertyIsNil (FE 2.0)', () => assert.deepEqual(ids(fe20(`<fes:PropertyIsNil>${p20('code')}</fes:PropertyIsNil>`)), [1]));

test('PropertyIsLike, QGIS / OWSLib style (wildCard="*" singleChar="." escape="!")', () => {
  assert.deepEqual(ids(fe11(`<ogc:PropertyIsLike wildCard="*" singleChar="." escape="!">${p11('name')}${l11('B*')}</ogc:PropertyIsLike>`)), [3]);
  assert.deepEqual(ids(fe11(`<ogc:PropertyIsLike wildCard="*" singleChar="." escape="!" matchCase="false">${p11('name')}${l11('b*')}</ogc:PropertyIsLike>`)), [3, 4]);
  assert.deepEqual(ids(fe11(`<ogc:PropertyIsLike wildCard="*" singleChar="." escape="!">${p11('name')}${l11('L.on')}</ogc:PropertyIsLike>`)), [2]);
});

test('PropertyIsLike: SQL wildcards in the pattern are literal, the escape char escapes the client wildcard', () => {
  // "%" and "_" are ordinary characters for a client using * and ?
  assert.deepEqual(ids(fe20(`<fes:PropertyIsLike wildCard="*" singleChar="?" escapeChar="\\">${p20('note')}${l20('50% off_*')}</fes:PropertyIsLike>`)), [1]);
  assert.deepEqual(ids(fe20(`<fes:PropertyIsLike wildCard="*" singleChar="?" escapeChar="\\">${p20('note')}${l20('50? off*')}</fes:PropertyIsLike>`)), [1, 3]);
  assert.deepEqual(ids(fe20(`<fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\">${p20('note')}${l20('50\\%%')}</fes:PropertyIsLike>`)), [1]);
  const f = fe20(`<fes:PropertyIsLike wildCard="*" singleChar="?" escapeChar="!">${p20('note')}${l20('a!*b\\c')}</fes:PropertyIsLike>`);
  assert.ok(f.expression!.test({ note: 'a*b\\c' }));
  assert.ok(!f.expression!.test({ note: 'axxb\\c' }));
});

test('And / Or / Not nest in both versions', () => {
  const body11 = `<ogc:Or><ogc:And><ogc:PropertyIsEqualTo>${p11('country')}${l11('FR')}</ogc:PropertyIsEqualTo><ogc:PropertyIsGreaterThan>${p11('pop')}${l11('1000000')}</ogc:PropertyIsGreaterThan></ogc:And><ogc:Not><ogc:PropertyIsGreaterThan>${p11('pop')}${l11('200000')}</ogc:PropertyIsGreaterThan></ogc:Not></ogc:Or>`;
  assert.deepEqual(ids(fe11(body11)), [1, 4]);
  const body20 = body11.replace(/ogc:PropertyName/g, 'fes:ValueReference').replace(/ogc:/g, 'fes:');
  assert.deepEqual(ids(fe20(body20)), [1, 4]);
});

test('FE 1.1 arithmetic', () => {
  assert.deepEqual(ids(fe11(`<ogc:PropertyIsGreaterThan><ogc:Mul>${p11('pop')}${l11('2')}</ogc:Mul>${l11('5000000')}</ogc:PropertyIsGreaterThan>`)), [3]);
});

test('quotes in literals and field names survive (built as AST, not text)', () => {
  const f = fe11(`<ogc:PropertyIsEqualTo>${p11('weird"name')}${l11("O'Brien' OR 1=1 --")}</ogc:PropertyIsEqualTo>`);
  assert.equal(f.expression!.test({ 'weird"name': "O'Brien' OR 1=1 --" }), true);
  assert.equal(f.expression!.test({ 'weird"name': 'x' }), false);
  assert.deepEqual([...f.expression!.referencedFields()], ['weird"name']);
});

test('property names lose namespace prefixes and XPath steps', () => {
  assert.equal(propertyName('app:name'), 'name');
  assert.equal(propertyName(' app:city/app:name '), 'name');
  assert.equal(propertyName('name'), 'name');
});

test('ids: FeatureId / GmlObjectId (1.1), ResourceId (2.0)', () => {
  assert.deepEqual(fe11('<ogc:FeatureId fid="cities.1"/><ogc:FeatureId fid="cities.3"/>'), { expression: null, ids: ['cities.1', 'cities.3'], spatial: [] });
  assert.deepEqual(fe11('<ogc:GmlObjectId gml:id="cities.2"/>').ids, ['cities.2']);
  assert.deepEqual(fe20('<fes:ResourceId rid="cities.4"/><fes:ResourceId rid="cities.5"/>').ids, ['cities.4', 'cities.5']);
  assert.throws(() => fe20(`<fes:ResourceId rid="a"/><fes:PropertyIsNull>${p20('code')}</fes:PropertyIsNull>`), isCode('OperationParsingFailed'));
  assert.throws(() => fe20('<fes:ResourceId/>'), isCode('OperationParsingFailed'));
});

function isCode(code: string, text?: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof OgcError && e.code === code && e.status === 400 && (text === undefined || text.test(e.message));
}

test('unknown operators and expressions are refused, naming the element', () => {
  assert.throws(() => fe20(`<fes:PropertyIsSimilar>${p20('a')}${l20('b')}</fes:PropertyIsSimilar>`), isCode('InvalidParameterValue', /fes:PropertyIsSimilar/));
  assert.throws(() => fe20(`<fes:PropertyIsEqualTo><fes:Function name="strToUpper">${p20('a')}</fes:Function>${l20('b')}</fes:PropertyIsEqualTo>`), isCode('InvalidParameterValue', /fes:Function/));
  assert.throws(() => fe11(`<ogc:PropertyIsEqualTo>${p11('a')}</ogc:PropertyIsEqualTo>`), isCode('OperationParsingFailed', /ogc:PropertyIsEqualTo/));
  assert.throws(() => fe11(`<ogc:And><ogc:PropertyIsNull>${p11('a')}</ogc:PropertyIsNull></ogc:And>`), isCode('OperationParsingFailed', /And/));
  assert.throws(() => fe11(''), isCode('OperationParsingFailed', /Empty filter/));
  assert.throws(() => parseFilter(tree('<Filter><PropertyIsNull><PropertyName>a</PropertyName></PropertyIsNull></Filter>')), isCode('OperationParsingFailed', /ogc:Filter or fes:Filter/));
  assert.throws(() => fe11(`<ogc:PropertyIsLike wildCard="**" singleChar="." escape="!">${p11('a')}${l11('x')}</ogc:PropertyIsLike>`), isCode('OperationParsingFailed', /wildCard/));
});

test('matchCase="false" with a numeric literal still compares numerically', () => {
  const f = fe20(`<fes:PropertyIsEqualTo matchCase="false">${p20('code')}${l20('7')}</fes:PropertyIsEqualTo>`);
  assert.equal(f.expression!.test({ code: '007' }), true);
  assert.equal(f.expression!.test({ code: 7 }), true);
});

test('GDAL style: default namespace, escape="!", wildCard="*", singleChar="_", GmlObjectId with gml:id', () => {
  const f = parseFilter(tree('<Filter xmlns="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"><And><PropertyIsLike wildCard="*" singleChar="_" escape="!"><PropertyName>name</PropertyName><Literal>Ly_n*</Literal></PropertyIsLike><PropertyIsGreaterThan><PropertyName>pop</PropertyName><Literal>100</Literal></PropertyIsGreaterThan></And></Filter>'));
  assert.deepEqual(ids(f), [2]);
  const g = parseFilter(tree('<Filter xmlns="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"><GmlObjectId gml:id="cities.7"/></Filter>'));
  assert.deepEqual(g.ids, ['cities.7']);
});

test('OWSLib fes2 style: PropertyIsLike with wildCard="%" singleChar="_" escapeChar="\\" and matchCase', () => {
  const f = fe20(`<fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\" matchCase="false">${p20('app:name')}${l20('%ER%')}</fes:PropertyIsLike>`);
  assert.deepEqual(ids(f), [3, 4]);
});

test('the produced expression text round-trips through Expression.parse', async () => {
  const { Expression } = await import('../../../../src/expression/index.js');
  const f = fe11(`<ogc:And><ogc:PropertyIsLike wildCard="*" singleChar="." escape="!">${p11('note')}${l11("it's 50%*")}</ogc:PropertyIsLike><ogc:Not><ogc:PropertyIsNull>${p11('code')}</ogc:PropertyIsNull></ogc:Not></ogc:And>`);
  const again = Expression.parse(f.expression!.text);
  for (const x of [{ note: "it's 50% off", code: 'a' }, { note: "it's 50x off", code: 'a' }, { note: "it's 50% off", code: null }]) {
    assert.equal(again.test(x), f.expression!.test(x));
  }
  assert.equal(f.expression!.test({ note: "it's 50% off", code: 'a' }), true);
  assert.equal(f.expression!.test({ note: "it's 50x off", code: 'a' }), false);
});
