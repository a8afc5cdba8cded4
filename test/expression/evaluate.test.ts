import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression, ExpressionError, andExpressions } from '../../src/expression/index.js';

const feature = { name: 'Berlin', pop: 3500000, area: 891.8, code: '05', empty: '', nothing: null, flag: 1, zero: 0, big: 10n };

function ev(text: string, f: Record<string, unknown> = feature): unknown {
  return Expression.parse(text).evaluate(f);
}

function evalError(text: string, f: Record<string, unknown> = feature): ExpressionError {
  try {
    ev(text, f);
  } catch (e) {
    assert.ok(e instanceof ExpressionError, String(e));
    return e;
  }
  assert.fail(`expected an error from ${text}`);
}

function table(rows: Array<[string, unknown]>): void {
  for (const [text, expected] of rows) {
    it(`${text} → ${JSON.stringify(expected)}`, () => assert.deepEqual(ev(text), expected));
  }
}

describe('three-valued logic', () => {
  table([
    ['NULL AND FALSE', false], ['FALSE AND NULL', false], ['NULL AND TRUE', null], ['TRUE AND NULL', null], ['NULL AND NULL', null],
    ['TRUE AND TRUE', true], ['NULL OR TRUE', true], ['TRUE OR NULL', true], ['NULL OR FALSE', null], ['FALSE OR FALSE', false],
    ['NOT NULL', null], ['NOT TRUE', false], ['NOT FALSE', true], ['NOT 0', true], ['NOT 2', false], ["NOT '0'", true],
    ['nothing = 1', null], ['nothing <> 1', null], ['NOT (nothing = 1)', null], ['nothing < 1', null], ['NULL = NULL', null],
    ['nothing IS NULL', true], ['nothing IS NOT NULL', false], ['NULL IS NULL', true], ['1 IS NULL', false], ['1 IS 1', true],
    ["'5' IS 5", true], ['1 IS NOT 2', true], ['nothing IS 1', false], ['nothing IS NOT 1', true],
    ['nothing IN (1, 2)', null], ['1 IN (1, NULL)', true], ['3 IN (1, NULL)', null], ['3 NOT IN (1, NULL)', null], ['3 NOT IN (1, 2)', true],
    ['nothing BETWEEN 1 AND 2', null], ['5 BETWEEN NULL AND 2', false], ['1 BETWEEN NULL AND 2', null], ['5 NOT BETWEEN NULL AND 2', true],
    ['1 NOT BETWEEN NULL AND 2', null], ['2 BETWEEN 1 AND 3', true], ['2 NOT BETWEEN 1 AND 3', false], ['3 BETWEEN 3 AND 1', false],
    ["nothing LIKE '%'", null], ["name LIKE NULL", null], ["nothing || 'x'", null], ["nothing ~ 'x'", null],
    ['nothing + 1', null], ['-nothing', null], ['nothing ^ 2', null], ['nothing // 2', null],
  ]);

  it('AND short-circuits on FALSE, OR on TRUE (no error from the rest)', () => {
    assert.equal(ev("FALSE AND 'abc' + 1 > 0"), false);
    assert.equal(ev("TRUE OR 'abc' + 1 > 0"), true);
    assert.throws(() => ev("NULL AND 'abc' + 1 > 0"), /Cannot convert 'abc' to double/);
  });
});

describe('comparison and coercion', () => {
  table([
    ["'5' = 5", true], ["5 = '5.0'", true], ["'5' = '5.0'", false], ["'10' < '9'", true], ["10 < '9'", false], ["' 5 ' = 5", true],
    ["'abc' = 0", false], ["'abc' > 5", true], ["'B' < 'a'", true], ["'a' < 'b'", true], ["'' < 'a'", true], ['1.5 = 1.50', true],
    ['TRUE = 1', true], ['FALSE = 0', true], ["TRUE = 'true'", true], ['(1 = 1) = (2 = 2)', true], ['0.1 + 0.2 = 0.3', false],
    ["name = 'Berlin'", true], ["name = 'berlin'", false], ["code = 5", true], ["code = '5'", false], ["code IN (5)", true],
    ["code IN ('5')", false], ['big = 10', true], ["'\uFF21' < '\u{20000}'", true], ["'a' <> 'A'", true], ['1 = 1 = 1', true],
  ]);
});

describe('arithmetic', () => {
  table([
    ['1 + 2 * 3', 7], ['(1 + 2) * 3', 9], ['7 / 2', 3.5], ['7 // 2', 3], ['-7 // 2', -4], ['7 % 3', 1], ['-7 % 3', -1], ['7.5 % 2', 1.5],
    ['2 ^ 10', 1024], ['2 ^ 3 ^ 2', 512], ['-2 ^ 2', 4], ['2 ^ -1', 0.5], ['5 / 0', null], ['5 % 0', null], ['5 // 0', null], ['0 / 0', null],
    ["'3' + 4", 7], ["'3' + '4'", '34'], ["'2.5' * 2", 5], ["3 - '1'", 2], ['TRUE + 1', 2], ['- 5', -5], ["-'5'", -5], ['+3', 3],
    ["'a' || 'b'", 'ab'], ["'a' || 1", 'a1'], ["1 || 2", '12'], ["'x' || 1.5", 'x1.5'], ["'x' || TRUE", 'xtrue'], ['10 ^ 400', null],
    ['(-8) ^ (1 / 3)', null], ['1e308 * 10', null],
  ]);

  it('raises QGIS conversion errors with the operator position', () => {
    const e = evalError("name + 1");
    assert.equal(e.kind, 'evaluation');
    assert.equal(e.position, 5);
    assert.equal(e.message, "Evaluation error at position 5: Cannot convert 'Berlin' to double");
    assert.equal(evalError("-'x'").detail, 'Unary minus only for numeric values.');
    assert.equal(evalError("'abc' AND TRUE").detail, "Cannot convert 'abc' to boolean");
    assert.equal(evalError("CASE WHEN 'abc' THEN 1 END").detail, "Cannot convert 'abc' to boolean");
  });
});

describe('LIKE, ILIKE and ~', () => {
  table([
    ["name LIKE 'Ber%'", true], ["name LIKE 'ber%'", false], ["name ILIKE 'ber%'", true], ["name NOT LIKE 'ber%'", true],
    ["name NOT ILIKE 'ber%'", false], ["name LIKE 'B_rlin'", true], ["name LIKE 'B_lin'", false], ["name LIKE '%'", true],
    ["'' LIKE '%'", true], ["'' LIKE '_'", false], ["'abc' LIKE 'abc'", true], ["'abc' LIKE 'ab'", false], ["'abc' LIKE '%c'", true],
    ["'a%b' LIKE 'a\\%b'", true], ["'axb' LIKE 'a\\%b'", false], ["'a_b' LIKE 'a\\_b'", true], ["'axb' LIKE 'a\\_b'", false],
    ["'a.b' LIKE 'a.b'", true], ["'axb' LIKE 'a.b'", false], ["'a(b)*' LIKE 'a(b)*'", true], ["'a\\\\b' LIKE 'a\\\\\\\\b'", true], ["'a\\\\b' LIKE 'a\\\\b'", false],
    ["'line1\nline2' LIKE 'line1%'", true], ["'😀x' LIKE '_x'", true], ["'ÉCOLE' ILIKE 'é%'", true], ["'\u212A' ILIKE 'k'", true],
    ["'ſ' ILIKE 'S'", true], ["'abcabc' LIKE '%b%b%'", true], ["'abcab' LIKE '%b%b%c'", false], ["'aaa' LIKE 'a%a%a'", true],
    ["'aa' LIKE 'a%a%a'", false], ["5 LIKE '5'", true], ["1.5 LIKE '1._'", true],
    ["name ~ '^B.r'", true], ["name ~ 'x'", false], ["name ~ 'r.n'", false], ["'a1' ~ '\\\\d'", true], ["'abc' ~ 'B'", false],
  ]);

  it('matches long LIKE inputs quickly, whatever the pattern', () => {
    const long = 'a'.repeat(20000);
    const started = Date.now();
    assert.equal(ev(`s LIKE '${'%a'.repeat(200)}%b'`, { s: long }), false);
    assert.equal(ev(`s ILIKE '${'%A'.repeat(200)}%'`, { s: long }), true);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('refuses catastrophic or invalid regular expressions', () => {
    assert.match(evalError("'aaaa' ~ '(a+)+$'").detail, /exponential/);
    assert.match(evalError("'aaaa' ~ '(a|aa)*$'").detail, /exponential/);
    assert.match(evalError("'aaaa' ~ '(?:a*){5}b'").detail, /exponential/);
    assert.match(evalError("'a' ~ '('").detail, /Invalid regular expression/);
    assert.equal(ev("'aaa' ~ '(ab)+|a{2,}'"), true);
    assert.equal(ev("'x{' ~ 'x{'"), true);
  });
});

describe('CASE and if()', () => {
  table([
    ["CASE WHEN pop > 1000000 THEN 'big' WHEN pop > 1000 THEN 'medium' ELSE 'small' END", 'big'],
    ["CASE WHEN pop < 0 THEN 'neg' END", null], ["CASE WHEN nothing THEN 1 ELSE 2 END", 2], ['CASE WHEN 1 THEN 1 END', 1],
    ["if(pop > 1, 'y', 'n')", 'y'], ["if(nothing, 'y', 'n')", 'n'], ["if('abc', 'y', 'n')", 'y'], ["if('false', 'y', 'n')", 'n'],
    ["if('0', 'y', 'n')", 'n'], ["if(empty, 'y', 'n')", 'n'], ["if(TRUE, 1, 1 / 'x')", 1],
  ]);
});

describe('field lookup', () => {
  it('prefers the exact name, then a unique case-insensitive match', () => {
    assert.equal(ev('NAME', { name: 'a' }), 'a');
    assert.equal(ev('Name', { Name: 'exact', name: 'other' }), 'exact');
    const amb = evalError('NAME', { Name: 'x', name: 'y' });
    assert.equal(amb.kind, 'field');
    assert.match(amb.message, /column 'NAME' is ambiguous/);
  });

  it('reports unknown fields with name and position', () => {
    const e = evalError('pop > 1 AND "missing field" = 2');
    assert.equal(e.kind, 'field');
    assert.equal(e.position, 12);
    assert.equal(e.message, "Unknown field at position 12: column 'missing field' not found");
  });

  it('reads through attribute() (undefined means no such field)', () => {
    const f = { attribute: (n: string): unknown => ({ a: 1, b: null } as Record<string, unknown>)[n] };
    assert.equal(Expression.parse('a + 1').evaluate(f), 2);
    assert.equal(Expression.parse('b IS NULL').evaluate(f), true);
    assert.throws(() => Expression.parse('c = 1').evaluate(f), /column 'c' not found/);
  });

  it('converts data-source values', () => {
    const f = { d: { year: 2020, month: 1, day: 2 }, dt: { year: 2020, month: 1, day: 2, hour: 3, minute: 4, second: 5, timezone: 100 },
      js: new Date(Date.UTC(2021, 5, 1)), list: [1, 2], nan: Number.NaN, big: 42n, undef: undefined };
    assert.equal(ev('d', f), '2020-01-02');
    assert.equal(ev('dt', f), '2020-01-02T03:04:05Z');
    assert.equal(ev('js', f), '2021-06-01T00:00:00.000Z');
    assert.equal(ev("d = '2020-01-02'", f), true);
    assert.equal(ev('year(d) + month(dt)', f), 2021);
    assert.equal(ev('list', f), '1,2');
    assert.equal(ev('nan IS NULL AND undef IS NULL', f), true);
    assert.equal(ev('big * 2', f), 84);
  });
});

describe('test() filter semantics', () => {
  const t = (text: string, f: Record<string, unknown> = feature): boolean => Expression.parse(text).test(f);
  it('accepts only true results', () => {
    assert.equal(t('pop > 1'), true);
    assert.equal(t('pop < 1'), false);
    assert.equal(t('nothing = 1'), false);
    assert.equal(t('NOT (nothing = 1)'), false);
    assert.equal(t('pop'), true);
    assert.equal(t('zero'), false);
    assert.equal(t("name"), true);
    assert.equal(t("empty"), false);
    assert.equal(t("'false'"), false);
    assert.equal(t("'FALSE'"), false);
    assert.equal(t("'0'"), false);
    assert.equal(t('nothing'), false);
  });

  it('rejects the feature on evaluation errors, as QGIS does, but throws for unknown fields', () => {
    assert.equal(t("name + 1 > 0"), false);
    assert.equal(t("name AND TRUE"), false);
    assert.throws(() => t('nope = 1'), /column 'nope' not found/);
  });
});

describe('referencedFields, validate, andExpressions', () => {
  it('lists fields as written', () => {
    assert.deepEqual([...Expression.parse('"a" = b AND upper(c) IN (a, "d e")').referencedFields()].sort(), ['a', 'b', 'c', 'd e']);
  });

  it('validates against a field list', () => {
    const e = Expression.parse('Name = 1 AND pop > 2 AND "Missing" = 3 AND other = 4');
    try {
      e.validate(['name', 'pop', 'other']);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof ExpressionError);
      assert.equal(err.kind, 'field');
      assert.equal(err.position, 25);
      assert.match(err.message, /column 'Missing' not found/);
    }
    Expression.parse('NAME = 1').validate(['name']);
    assert.throws(() => Expression.parse('NAME = 1').validate(['name', 'Name']), /ambiguous/);
  });

  it('combines filters with AND', () => {
    assert.equal(andExpressions(), null);
    assert.equal(andExpressions(null, undefined, '  '), null);
    const single = Expression.parse('a = 1');
    assert.equal(andExpressions(null, single), single);
    const both = andExpressions('a = 1 OR b = 2', single, 'c AND d') as Expression;
    assert.equal(both.toString(), '("a" = 1 OR "b" = 2) AND "a" = 1 AND "c" AND "d"');
    assert.equal(both.test({ a: 1, b: 0, c: 1, d: 1 }), true);
    assert.equal(both.test({ a: 2, b: 2, c: 1, d: 1 }), false);
    assert.throws(() => andExpressions('a = '), ExpressionError);
  });
});
