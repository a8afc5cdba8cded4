/**
 * Every way a CQL2 filter is refused: syntax (with the position in text, the JSON Pointer in JSON), unknown
 * and misused properties, type mismatches, unsupported CQL2 features, spatial functions where the data
 * layer cannot take them, bad geometry literals, filter-lang, and hostile sizes and nesting. Each is an
 * InvalidParameterValue with HTTP 400 and the right locator, never a crash or a stack overflow.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidParameterError } from '../../../src/errors/ogc-error.js';
import { Expression } from '../../../src/expression/index.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseCql2, type Cql2Options, type FilterLang } from '../../../src/ogcapi/features/cql2/index.js';

const QUERYABLES = new Map(Object.entries({
  name: 'string', pop: 'integer', area: 'real', founded: 'date', updated: 'datetime', capital: 'boolean', note: 'string', 'layer:ids': 'string',
}));
const OPTIONS: Cql2Options = { queryables: QUERYABLES };

const P = (name: string) => ({ property: name });
const op = (o: string, ...args: unknown[]) => ({ op: o, args });
const G = P('geometry');

/** Runs parseCql2 expecting the filter's 400; returns the error. */
function refused(filter: string, lang: FilterLang, pattern: RegExp, locator = 'filter', options: Cql2Options = OPTIONS): InvalidParameterError {
  const started = Date.now();
  try {
    parseCql2(filter, lang, options);
  } catch (e) {
    assert.ok(e instanceof InvalidParameterError, `not an InvalidParameterError: ${String(e)}`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'InvalidParameterValue');
    assert.equal(e.locator, locator);
    assert.match(e.message, pattern);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    return e;
  }
  assert.fail(`accepted: ${filter.slice(0, 200)}`);
}

/** [filter, message pattern, position the message names (or null for none)] */
const TEXT_ERRORS: Array<[string, RegExp, number | null]> = [
  // Syntax.
  ['', /the filter is empty/, null],
  ['   \n ', /the filter is empty/, null],
  ["name = 'Berlin", /unterminated character literal/, 7],
  ['name = "x', /unterminated quoted property name/, 7],
  ['"" = 1', /empty quoted property name/, 0],
  ["name = 'a' AND", /expected a property or a value but found end of filter/, 14],
  ["name = 'a' name", /expected AND, OR or the end of the filter but found 'name'/, 11],
  ["(name = 'a'", /expected '\)' to close the parenthesis but found end of filter/, 11],
  ["name = 'a')", /unbalanced '\)'/, 10],
  ["name # 'a'", /unexpected character '#'/, 5],
  ["name != 'a'", /unexpected character '!'/, 5],
  ['name', /expected a comparison operator .* after property 'name' but found end of filter/, 4],
  ["'a'", /expected a comparison operator .* after the value/, 3],
  ["name NOT 'x'", /expected LIKE, BETWEEN or IN after NOT but found ''x''/, 9],
  ["name IS 'x'", /expected NULL after IS but found ''x''/, 8],
  ["name IS NOT 5", /expected NULL after IS NOT/, 12],
  ['name IN ()', /expected a value in the IN list but found '\)'/, 9],
  ["name IN 'a'", /expected '\(' after IN/, 8],
  ["name IN ('a' 'b')", /expected '\)' to close the IN list/, 13],
  ['pop BETWEEN 1 OR 2', /expected AND in BETWEEN but found 'OR'/, 14],
  ['name LIKE name', /expected a character literal as the LIKE pattern but found 'name'/, 10],
  ["name = NULL", /expected a value after '=' but found 'NULL'/, 7],
  ['AND = 1', /expected a property or a value but found 'AND'/, 0],
  ['name = [1]', /arrays are not supported/, 7],
  ['area = 1e999', /number 1e999 is out of range/, 7],
  ["founded = DATE('2020-02-30')", /'2020-02-30' is not a date/, 15],
  ['founded = DATE(2020)', /expected a quoted date in DATE\(…\) but found '2020'/, 15],
  ["founded = DATE('2020-01-01'", /expected '\)' to close DATE/, 27],
  ["updated = TIMESTAMP('2020-01-01T00:00:00')", /is not a UTC timestamp/, 20],
  ["updated = TIMESTAMP('2020-01-01T24:00:00Z')", /is not a UTC timestamp/, 20],
  ["updated = TIMESTAMP('2020-01-01T10:00:00+02:00')", /is not a UTC timestamp/, 20],
  // Unsupported CQL2.
  ['pop + 1 = 2', /arithmetic expressions \('\+'\) are not supported/, 4],
  ['pop = 1 * 2', /arithmetic expressions \('\*'\) are not supported/, 8],
  ['pop div 2 = 1', /arithmetic expressions \('div'\) are not supported/, 4],
  ['pop = (1)', /arithmetic expressions are not supported/, 6],
  ["upper(name) = 'A'", /functions are not supported \('upper'\)/, 0],
  ["ACCENTI(name) = 'a'", /ACCENTI is not supported/, 0],
  ["name LIKE ACCENTI('a')", /ACCENTI is not supported/, 10],
  ["T_AFTER(updated, DATE('2012-06-05'))", /temporal functions \(T_AFTER\) are not supported/, 0],
  ["A_CONTAINS(layer:ids, ('layers-ca','layers-us'))", /array functions \(A_CONTAINS\) are not supported/, 0],
  ["updated = INTERVAL('2020-01-01', '..')", /intervals \(INTERVAL\) are not supported/, 10],
  ['name = POINT(1 2)', /a geometry literal \(POINT\) is only allowed in a spatial function/, 7],
  ['name = BBOX(1, 2, 3, 4)', /a geometry literal \(BBOX\) is only allowed in a spatial function/, 7],
  ['name = S_INTERSECTS(geometry, POINT(1 2))', /S_INTERSECTS is a predicate, not a value/, 7],
  // Properties and types.
  ['foo = 1', /unknown property 'foo' \(not a queryable of this collection\)/, 0],
  ["name = 'a' AND \"no such\" IS NULL", /unknown property 'no such'/, 15],
  ['geometry = 1', /the geometry 'geometry' can only be used in spatial functions/, 0],
  ['geometry IS NULL', /the geometry 'geometry' can only be used in spatial functions/, 0],
  ["pop = 'abc'", /'abc' cannot be compared with property 'pop', which is a number/, 6],
  ['pop = TRUE', /a boolean \(true\) cannot be compared with property 'pop', which is a number/, 6],
  ["pop = DATE('2020-01-01')", /a date \(2020-01-01\) cannot be compared with property 'pop'/, 6],
  ['name = TRUE', /cannot be compared with property 'name', which is a character string/, 7],
  ["capital = 'yes'", /'yes' cannot be compared with property 'capital', which is a boolean/, 10],
  ['capital = 2', /a number \(2\) cannot be compared with property 'capital'/, 10],
  ['founded = 5', /cannot be compared with property 'founded', which is a date/, 10],
  ["updated > 'soon'", /'soon' cannot be compared with property 'updated', which is a timestamp/, 10],
  ["pop IN (1, 'x')", /'x' cannot be compared with property 'pop'/, 11],
  ["pop BETWEEN 1 AND 'x'", /'x' cannot be compared with property 'pop'/, 18],
  ['pop = name', /property 'name' is a character string and cannot be compared with 'pop', which is a number/, 6],
  ["CASEI(pop) = CASEI('1')", /CASEI needs a character string, but property 'pop' is a number/, 6],
  ["CASEI(5) = 'a'", /CASEI needs a character string, not a number/, 6],
  ["CASEI(name) = CASEI(5)", /CASEI needs a character string, not a number/, 20],
  ["5 LIKE 'a'", /LIKE needs a character string, not a number/, 0],
  // Spatial functions.
  ['S_INTERSECTS(name, POINT(1 2))', /property 'name' is not the geometry/, 13],
  ['S_INTERSECTS(foo, POINT(1 2))', /unknown property 'foo'/, 13],
  ['S_INTERSECTS(geometry, geometry)', /S_INTERSECTS needs a geometry literal as one of its arguments/, 0],
  ['S_INTERSECTS(POINT(1 2), POINT(1 2))', /S_INTERSECTS needs the geometry property 'geometry' as one of its arguments/, 0],
  ["name = 'a' OR S_INTERSECTS(geometry, POINT(1 2))", /spatial functions \(S_INTERSECTS\) are only supported at the top level of the filter or in a top-level AND chain, not under OR or NOT/, 14],
  ["NOT (S_INTERSECTS(geometry, POINT(1 2)) AND name = 'a')", /only supported at the top level/, 5],
  ['NOT S_WITHIN(geometry, POINT(1 2))', /NOT S_WITHIN is not supported/, 0],
  ['S_INTERSECTS(geometry, BBOX(1, 2, 3))', /BBOX takes 4 or 6 numbers, not 3/, 23],
  ['S_INTERSECTS(geometry, BBOX(0, 10, 1, 5))', /BBOX south edge 10 is north of its north edge 5/, 23],
  ['S_INTERSECTS(geometry, BBOX(200, 0, 10, 5))', /BBOX minimum x 200 is greater than its maximum x 10/, 23],
  ['S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))', /invalid geometry literal in S_INTERSECTS: .*ring is not closed/, 23],
  ['S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 0 0)))', /invalid geometry literal .*at least 4 positions per ring/, 23],
  ['S_WITHIN(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))', /invalid geometry literal in S_WITHIN: .*self-intersecting/, 19],
  ['S_INTERSECTS(geometry, LINESTRING(1 2))', /invalid geometry literal .*at least 2 positions/, 23],
  ['S_INTERSECTS(geometry, POINT(1))', /expected a coordinate but found '\)'/, 30],
  ['S_INTERSECTS(geometry, POINT(1 2 3 4))', /expected '\)' to close the point but found '4'/, 35],
  ['S_INTERSECTS(geometry, POINT(a b))', /expected a coordinate but found 'a'/, 29],
  ['S_INTERSECTS(geometry, POINT EMPTY)', /POINT EMPTY is not supported/, 23],
  ['S_INTERSECTS(geometry, POINT ZM (1 2 3 4))', /POINT ZM is not supported/, 23],
  ['S_INTERSECTS(geometry, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 2))))', /cannot hold another GEOMETRYCOLLECTION/, 42],
  ['S_INTERSECTS(geometry, GEOMETRYCOLLECTION(1 2))', /expected a geometry in GEOMETRYCOLLECTION/, 42],
  ['S_INTERSECTS(geometry, buffer(x))', /functions are not supported/, 23],
  ['S_INTERSECTS(geometry POINT(1 2))', /expected ',' between the arguments of S_INTERSECTS/, 22],
  ['S_INTERSECTS(geometry, POINT(1 2)', /expected '\)' to close S_INTERSECTS/, 33],
  ["S_INTERSECTS(geometry, 'POINT(1 2)')", /expected a geometry property, a geometry literal or BBOX/, 23],
];

/** [JSON value, message pattern, JSON Pointer the message names (or null)] */
const JSON_ERRORS: Array<[unknown, RegExp, string | null]> = [
  [[], /expected a CQL2 JSON predicate but found an array/, '#'],
  ['x', /expected a CQL2 JSON predicate but found string '"x"'/, '#'],
  [null, /expected a CQL2 JSON predicate but found null/, '#'],
  [{ op: 1, args: [] }, /expected an object with "op" and "args"/, '#'],
  [{ args: [] }, /expected an object with "op" and "args"/, '#'],
  [{ op: '=' }, /"=" needs an "args" array/, '#'],
  [op('and', true), /"and" takes at least 2 arguments, not 1/, '#/args'],
  [op('not'), /"not" takes 1 argument, not 0/, '#/args'],
  [op('=', P('name')), /"=" takes 2 arguments, not 1/, '#/args'],
  [op('like', P('name'), 'a', 'b'), /"like" takes 2 arguments, not 3/, '#/args'],
  [op('between', P('pop'), 1), /"between" takes 3 arguments, not 2/, '#/args'],
  [op('in', P('name'), []), /"in" needs a non-empty array of values/, '#/args/1'],
  [op('in', P('name'), 'a'), /"in" needs a non-empty array of values/, '#/args/1'],
  [op('isNull', P('name'), P('pop')), /"isnull" takes 1 argument, not 2/, '#/args'],
  [op('like', P('name'), 5), /expected a string as the LIKE pattern but found number '5'/, '#/args/1'],
  [op('like', P('name'), op('accenti', 'a')), /"accenti" is not supported/, '#/args/1'],
  [op('foo'), /unknown operator or unsupported function 'foo'/, '#'],
  [op('t_after', P('updated'), { date: '2012-06-05' }), /temporal functions \("t_after"\) are not supported/, '#'],
  [op('a_contains', P('layer:ids'), ['a']), /array functions \("a_contains"\) are not supported/, '#'],
  [op('+', 1, 2), /arithmetic expressions \("\+"\) are not supported/, '#'],
  [op('casei', 'a'), /"casei" is a value, not a predicate/, '#'],
  [op('=', op('+', P('pop'), 1), 2), /arithmetic expressions \("\+"\) are not supported/, '#/args/0'],
  [op('=', op('and', true, true), true), /"and" is a predicate, not a value/, '#/args/0'],
  [op('=', op('upper', P('name')), 'A'), /unknown operator or unsupported function 'upper'/, '#/args/0'],
  [op('=', op('accenti', P('name')), 'a'), /"accenti" is not supported/, '#/args/0'],
  [op('=', op('casei', P('name'), 'x'), 'a'), /"casei" takes 1 argument, not 2/, '#/args/0/args'],
  [op('=', { property: '' }, 1), /"property" must be a non-empty string/, '#/args/0/property'],
  [op('=', { property: 5 }, 1), /"property" must be a non-empty string/, '#/args/0/property'],
  [op('=', P('founded'), { date: '2020-13-01' }), /string '"2020-13-01"' is not a date/, '#/args/1/date'],
  [op('=', P('founded'), { date: 20200101 }), /number '20200101' is not a date/, '#/args/1/date'],
  [op('=', P('updated'), { timestamp: '2020-01-01' }), /is not a UTC timestamp/, '#/args/1/timestamp'],
  [op('=', P('name'), null), /expected a property, a value or "casei" but found null/, '#/args/1'],
  [op('=', P('name'), [1]), /arrays are not supported/, '#/args/1'],
  [op('=', P('updated'), { interval: ['2020-01-01', '..'] }), /intervals are not supported/, '#/args/1'],
  [op('=', P('name'), { bbox: [1, 2, 3, 4] }), /a geometry literal is only allowed in a spatial function/, '#/args/1'],
  [op('=', P('name'), { type: 'Point', coordinates: [1, 2] }), /a geometry literal is only allowed in a spatial function/, '#/args/1'],
  [op('=', P('foo'), 1), /unknown property 'foo'/, '#/args/0'],
  [op('and', op('=', P('name'), 'a'), op('=', P('pop'), 'abc')), /'abc' cannot be compared with property 'pop'/, '#/args/1/args/1'],
  [op('s_intersects', G), /"s_intersects" takes 2 arguments, not 1/, '#/args'],
  [op('s_intersects', G, { bbox: [1, 2, 3] }), /"bbox" must be an array of 4 or 6 numbers/, '#/args/1/bbox'],
  [op('s_intersects', G, { bbox: [1, 2, 3, '4'] }), /"bbox" must be an array of 4 or 6 numbers/, '#/args/1/bbox'],
  [op('s_intersects', G, { type: 'Circle', coordinates: [1, 2] }), /unknown GeoJSON geometry type string '"Circle"'/, '#/args/1/type'],
  [op('s_intersects', G, { type: 'Point' }), /a Point needs "coordinates"/, '#/args/1'],
  [op('s_intersects', G, { type: 'Point', coordinates: [1] }), /a position must be 2 to 4 numbers/, '#/args/1/coordinates'],
  [op('s_intersects', G, { type: 'Point', coordinates: [1, '2'] }), /a position must be 2 to 4 numbers/, '#/args/1/coordinates'],
  [op('s_intersects', G, { type: 'LineString', coordinates: [[0, 0], 5] }), /coordinates must be arrays/, '#/args/1/coordinates/1'],
  [op('s_intersects', G, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }), /invalid geometry literal in S_INTERSECTS: .*ring is not closed/, '#/args/1'],
  [op('s_intersects', G, { type: 'GeometryCollection', geometries: [] }), /non-empty "geometries" array/, '#/args/1/geometries'],
  [op('s_intersects', G, { type: 'GeometryCollection', geometries: [{ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] }] }), /cannot hold another GeometryCollection/, '#/args/1/geometries/0'],
  [op('s_intersects', G, 'POINT(1 2)'), /expected a geometry property, a GeoJSON geometry or a bbox but found string/, '#/args/1'],
  [op('s_intersects', G, op('buffer', G, 1)), /unknown operator or unsupported function 'buffer'/, '#/args/1'],
  [op('s_intersects', G, G), /S_INTERSECTS needs a geometry literal as one of its arguments/, '#'],
  [op('or', op('=', P('name'), 'a'), op('s_intersects', G, { type: 'Point', coordinates: [1, 2] })), /only supported at the top level/, '#/args/1'],
  [op('not', op('s_touches', G, { type: 'Point', coordinates: [1, 2] })), /NOT S_TOUCHES is not supported/, '#'],
];

describe('CQL2 text errors', () => {
  for (const [filter, pattern, position] of TEXT_ERRORS) {
    it(`${filter === '' ? '(empty)' : filter}`, () => {
      const e = refused(filter, 'cql2-text', pattern);
      if (position === null) assert.doesNotMatch(e.message, /at position/);
      else assert.match(e.message, new RegExp(`^Invalid filter at position ${position}: `));
    });
  }
});

describe('CQL2 JSON errors', () => {
  for (const [value, pattern, pointer] of JSON_ERRORS) {
    it(JSON.stringify(value), () => {
      const e = refused(JSON.stringify(value), 'cql2-json', pattern);
      if (pointer !== null) assert.ok(e.message.startsWith(`Invalid filter at ${pointer}: `), e.message);
    });
  }

  it('malformed JSON', () => {
    refused('{"op": "=", "args": [', 'cql2-json', /^Invalid filter: malformed CQL2 JSON \(/);
    refused("{'op': '='}", 'cql2-json', /malformed CQL2 JSON/);
    refused('', 'cql2-json', /the filter is empty/);
    refused("name = 'a'", 'cql2-json', /malformed CQL2 JSON/);
  });
});

describe('CQL2 parameters and limits', () => {
  it('refuses an unknown filter-lang, naming filter-lang', () => {
    refused("name = 'a'", 'cql2-xml' as FilterLang, /filter-lang 'cql2-xml' is not supported \(cql2-text or cql2-json\)/, 'filter-lang');
  });

  it('refuses a filter that is not text', () => {
    refused(42 as unknown as string, 'cql2-text', /the filter must be text/);
  });

  it('refuses a filter over the length limit, and takes one just under it', () => {
    refused(`name = '${'x'.repeat(MAX_FILTER_LENGTH)}'`, 'cql2-text', /too long/);
    const ok = parseCql2(`name = '${'x'.repeat(MAX_FILTER_LENGTH - 20)}'`, 'cql2-text', OPTIONS);
    assert.ok(ok.expression?.test({ name: 'x'.repeat(MAX_FILTER_LENGTH - 20) }));
  });

  it('refuses deep nesting of every kind without overflowing the stack', () => {
    const n = 20000;
    const eq = "name = 'a'";
    refused(`${'('.repeat(n)}${eq}${')'.repeat(n)}`, 'cql2-text', /nested too deeply/);
    refused(`${'NOT '.repeat(n)}${eq}`, 'cql2-text', /nested too deeply/);
    refused(`${'CASEI('.repeat(n)}name${')'.repeat(n)} = 'a'`, 'cql2-text', /nested too deeply/);
    refused(`name IN ${'('.repeat(n)}`, 'cql2-text', /expected a value in the IN list|nested too deeply/);
    let json = JSON.stringify(op('=', P('name'), 'a'));
    for (let i = 0; i < 5000; i += 1) json = `{"op":"not","args":[${json}]}`;
    refused(json, 'cql2-json', /nested too deeply/);
    json = JSON.stringify(op('=', P('name'), 'a'));
    for (let i = 0; i < 5000; i += 1) json = `{"op":"${i % 2 ? 'and' : 'or'}","args":[${json}, true]}`;
    refused(json, 'cql2-json', /nested too deeply/);
    json = '"a"';
    for (let i = 0; i < 5000; i += 1) json = `{"op":"casei","args":[${json}]}`;
    refused(`{"op":"=","args":[${json},"a"]}`, 'cql2-json', /nested too deeply/);
    refused(`${'['.repeat(100000)}${']'.repeat(100000)}`, 'cql2-json', /found an array/);
  });

  it('accepts nesting up to the limit and gives an expression that round-trips', () => {
    const half = MAX_FILTER_DEPTH / 2;
    // NOT ( … OR … ): two levels each, the worst case for the expression text.
    let text = "name = 'a'";
    for (let i = 0; i < half; i += 1) text = `NOT (${text} OR pop = ${i})`;
    const f = parseCql2(text, 'cql2-text', OPTIONS);
    assert.ok(f.expression);
    assert.deepEqual(Expression.parse(f.expression.text).root, f.expression.root);
    f.expression.toSql('sqlite', { name: 'string', pop: 'integer' });
    // The innermost OR is true; each NOT ( … OR false) flips it.
    assert.equal(f.expression.test({ name: 'a', pop: 1000 }), half % 2 === 0);
    assert.equal(f.expression.test({ name: 'b', pop: 1000 }), half % 2 === 1);
    refused(`NOT (${text} OR pop = 1)`, 'cql2-text', /nested too deeply/);

    let json: unknown = op('=', P('name'), 'a');
    for (let i = 0; i < MAX_FILTER_DEPTH - 1; i += 1) json = i % 2 ? op('not', json) : op('or', json, op('=', P('pop'), i));
    const j = parseCql2(JSON.stringify(json), 'cql2-json', OPTIONS);
    assert.ok(j.expression);
    assert.deepEqual(Expression.parse(j.expression.text).root, j.expression.root);
    refused(JSON.stringify(op('not', op('not', json))), 'cql2-json', /nested too deeply/);
  });

  it('parses long flat filters in linear time', () => {
    const n = 5000;
    const started = Date.now();
    const text = Array.from({ length: n }, (_, i) => `pop = ${i}`).join(' OR ');
    const f = parseCql2(text, 'cql2-text', OPTIONS);
    assert.ok(f.expression?.test({ pop: n - 1 }));
    const inList = parseCql2(`pop IN (${Array.from({ length: n }, (_, i) => i).join(', ')})`, 'cql2-text', OPTIONS);
    assert.ok(inList.expression?.test({ pop: 4321 }));
    const ring = Array.from({ length: n }, (_, i) => [Math.cos((2 * Math.PI * i) / n), Math.sin((2 * Math.PI * i) / n)]);
    ring.push(ring[0]);
    const polygon = parseCql2(`S_WITHIN(geometry, POLYGON((${ring.map(([x, y]) => `${x} ${y}`).join(', ')})))`, 'cql2-text', OPTIONS);
    assert.equal((polygon.spatial[0]?.geometry as { coordinates: number[][][] }).coordinates[0].length, n + 1);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
