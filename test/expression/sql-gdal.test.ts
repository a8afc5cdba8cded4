import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression, type SqlTranslation } from '../../src/expression/index.js';
import { makeFixtures, selectIds, type Fixture } from './gdal-fixtures.js';
import { ExpressionGenerator, random } from './random-expressions.js';

/**
 * The key property: for every driver, the features its attribute filter selects with `where`, further
 * filtered in JavaScript by `residual`, are exactly the features Expression.test accepts.
 */
function checkPushdown(fx: Fixture, text: string): SqlTranslation {
  const e = Expression.parse(text);
  const expected = fx.rows.filter((r) => e.test(r.rec)).map((r) => r.id).sort((a, b) => a - b);
  const t = e.toSql(fx.dialect, fx.types);
  let candidates = fx.rows;
  if (t.where !== null) {
    let ids: Set<number>;
    try {
      ids = selectIds(fx.layer, t.where);
    } catch (err) {
      assert.fail(`${fx.label}: ${text}\n  where: ${t.where}\n  ${(err as Error).message}`);
    }
    candidates = fx.rows.filter((r) => ids.has(r.id));
    const lost = expected.filter((id) => !ids.has(id));
    assert.deepEqual(lost, [], `${fx.label}: where drops accepted features\n  ${text}\n  where: ${t.where}`);
  }
  const actual = candidates.filter((r) => t.residual === null || t.residual.test(r.rec)).map((r) => r.id).sort((a, b) => a - b);
  assert.deepEqual(actual, expected, `${fx.label}: ${text}\n  where: ${t.where}\n  residual: ${t.residual?.toString()}`);
  return t;
}

/** Expressions that must translate completely in both dialects. */
const COMPLETE_BOTH = [
  'pop > 10', 'pop >= 0 AND pop < 100', 'NOT (pop > 10)', 'pop <> 42', 'area = 0.5', 'area < 0', 'area * 2 > 1', '-pop > 0',
  'pop + area > 3', 'pop - 1 = 41', 'name IS NULL', 'name IS NOT NULL', 'born IS NULL', 'NOT (born IS NULL)', 'pop IN (1, 42, 7)',
  'pop NOT IN (1, 42)', 'area IN (0.5, 3)', 'pop BETWEEN 0 AND 50', 'pop NOT BETWEEN 0 AND 50', 'NOT (pop BETWEEN 0 AND 50)',
  "code LIKE '1%'", "code NOT LIKE '1%'", "name ILIKE 'ber%'", "name NOT ILIKE 'ber%'", "NOT (name ILIKE '%bc')", 'flag', 'NOT flag',
  'TRUE', 'FALSE', 'NULL', 'pop = NULL', 'NULL <> pop', 'NOT (pop > 10 AND area < 1)', 'pop > 10 OR name IS NULL',
  'NOT (pop > 10 OR area IS NULL OR NOT flag)', '(pop > 10 OR area > 1) AND NOT (pop = 42 OR pop IS NULL)', "name LIKE NULL", 'NULL IN (1, 2)',
  'pop = 3500000', 'area > 1e-7', 'area = 0.30000000000000004', 'area <> 0.1', 'pop * pop > 1000', "pop * 2.5 >= 5.0", 'id <= 3 OR id >= 40',
];

/** Expressions that must translate completely for SQLite only. */
const COMPLETE_SQLITE = [
  "name = 'Berlin'", "name <> 'Berlin'", "name < 'b'", "name >= 'Z'", "name IN ('Berlin', 'Bern')", "name NOT IN ('Berlin', NULL)",
  "name NOT IN ('Berlin', 'x')", "name BETWEEN 'a' AND 'm'", "name NOT BETWEEN 'B' AND 'K'", "name ILIKE '_b%'", "name LIKE '%5%'",
  "name LIKE '😀 %'", "name ILIKE '% %'", "name LIKE '\\_%'", "code NOT LIKE '_'", "name || 'x' = 'Berlinx'", "name || pop = 'Berlin0'",
  'length(name) = 4', 'length(name) > 6', "substr(name, 2, 3) = 'erl'", "substr(name, 3) = 'rlin'", "left(name, 2) = 'Be'", 'abs(area) > 1',
  'round(area) = 3', 'round(area) = 0', 'round(-area) = -3', 'coalesce(pop, 0) = 0', "coalesce(name, 'none') = 'none'", 'pop / 3 > 1',
  'pop / area > 1', 'area / 0 IS NULL', 'pop % 3 = 1', 'pop % 0 IS NULL', 'CASE WHEN pop > 10 THEN 1 ELSE 0 END = 1',
  "if(pop > 10, 'big', 'small') = 'big'", "CASE WHEN name ILIKE 'b%' THEN pop WHEN area > 1 THEN area END > 2", "starts_with(name, 'Ber')",
  "NOT starts_with(name, 'B')", 'pop IS 42', "name IS NOT 'Berlin'", 'area IS NOT NULL AND area IS NOT 0.5', "(pop + 1) IS NULL",
  "name = 'Berlin' OR name = 'berlin'", "NOT (name = 'abc' OR name IS NULL)", "name > 'a' AND name < 'b'",
];

/** Expressions whose where clause must be a partial (superset) pushdown. */
const PARTIAL = {
  sqlite: ["name LIKE 'B%'", "name ILIKE 'k%'", "name ILIKE '%ö%'", "name LIKE '%a%b%c%d%'", "pop > 10 AND name ~ 'x'"],
  ogr: ["name = 'Berlin'", "name IN ('Berlin', 'kiel')", "name LIKE 'B%'", "name ILIKE '%s%'", "code LIKE '_'", "name LIKE 'a\\_b'",
    "NOT (pop > 10 OR name = 'x')"],
};

/** Expressions only checked for the property (mixed types, functions that do not translate, edge cases). */
const OTHERS = [
  'name = 5', 'code = 1', 'code > 5', "code < '5'", 'code IN (1, 10)', "pop = '42'", "pop > 'abc'", "upper(name) = 'BERLIN'",
  "lower(name) LIKE 'k%'", "name ~ '^B'", "name LIKE 'b%'", "name ILIKE 'köln'", "name ILIKE 'straße'", "name ILIKE 'STRASSE'",
  "name LIKE 'a\\%b'", "name LIKE 'a_b'", "name LIKE '%\\\\%'", "name NOT LIKE 'B%'", "name ILIKE '😀%'", "name LIKE '_ smile'",
  "name ILIKE 'ıi'", "name ILIKE 'İstanbul'", "name ILIKE 'istanbul'", "name ILIKE 'ærø'", "name ILIKE '\u212Aiel'", "name ILIKE 'ſtadt'",
  "name ILIKE 'stadt'", "name = 'Berlin' AND pop > 10", "name NOT IN ('berlin')", "trim(name) = 'padded'", "pop || '' = '42'",
  "area || '' = '0.5'", "title(name) = 'Berlin'", 'round(area, 1) = 2.5', 'pop // 2 = 3', 'pop ^ 2 > 100', "to_string(pop) = '42'",
  'to_int(code) = 1', 'name', 'name AND pop > 1', 'pop > 10 AND name', 'code AND pop > 1', 'pop', 'area', "name > 'Z' AND flag",
  "name < '\uFF21'", "name > '\uFF21'", "name >= '\u{20000}'", "'x' || name IS NULL", "name ILIKE 'x\ny'", "name LIKE 'x_y'",
  "name NOT ILIKE '%s%'", "name NOT LIKE 'B%' AND pop > 0", "name IN ('Berlin', 5)", 'pop BETWEEN NULL AND 50', 'pop NOT BETWEEN NULL AND 5',
  "name BETWEEN NULL AND 'm'", 'pop IN (1, NULL)', 'pop NOT IN (1, NULL)', 'NOT (pop IN (1, NULL))', 'area / 0 = 1', "code ~ '['",
  "coalesce(code, pop) = 1", "if(name, 1, 0) = 1", "max(pop, area) > 5", "concat(name, pop) = 'Berlin0'", 'born > \'2020-06-01\'',
  "born = '2020-01-01'", 'month(born) = 1',
];

describe('SQL pushdown against real GDAL drivers', () => {
  let fixtures: Fixture[] = [];
  before(() => { fixtures = makeFixtures(); });
  after(() => { for (const fx of fixtures) fx.close(); });

  it('holds the test data in every driver', () => {
    for (const fx of fixtures) assert.equal(fx.rows.length, 44, fx.label);
  });

  it('translates completely what both dialects share', () => {
    for (const fx of fixtures) {
      for (const text of COMPLETE_BOTH) {
        const t = checkPushdown(fx, text);
        assert.ok(t.complete, `${fx.label}: expected complete pushdown of ${text}, got where ${t.where}, residual ${t.residual?.toString()}`);
      }
    }
  });

  it('translates completely what only SQLite supports, and OGR SQL leaves it (partly) residual', () => {
    for (const fx of fixtures) {
      for (const text of COMPLETE_SQLITE) {
        const t = checkPushdown(fx, text);
        if (fx.dialect === 'sqlite') assert.ok(t.complete, `${fx.label}: expected complete pushdown of ${text}, got where ${t.where}`);
      }
    }
  });

  it('pushes supersets where exact SQL is impossible, and re-checks them in JavaScript', () => {
    for (const fx of fixtures) {
      for (const text of PARTIAL[fx.dialect]) {
        const t = checkPushdown(fx, text);
        assert.ok(t.where !== null && !t.complete, `${fx.label}: expected a partial pushdown of ${text}, got where ${t.where}`);
      }
    }
  });

  it('agrees with JavaScript on mixed types, untranslatable functions and edge cases', () => {
    for (const fx of fixtures) for (const text of OTHERS) checkPushdown(fx, text);
  });

  it('agrees with JavaScript on random filters', () => {
    const gen = new ExpressionGenerator(random(20240611));
    const texts = Array.from({ length: 600 }, (_, i) => gen.filter(1 + (i % 3)));
    const complete = { sqlite: 0, ogr: 0 };
    const pushed = { sqlite: 0, ogr: 0 };
    for (const fx of fixtures) {
      for (const text of texts) {
        const t = checkPushdown(fx, text);
        if (fx.label === 'GPKG' || fx.label === 'GeoJSON') {
          if (t.complete) complete[fx.dialect] += 1;
          if (t.where !== null) pushed[fx.dialect] += 1;
        }
      }
    }
    assert.ok(complete.sqlite > 90 && pushed.sqlite > 220, `SQLite: ${complete.sqlite} complete, ${pushed.sqlite} pushed of 600`);
    assert.ok(complete.ogr > 45 && pushed.ogr > 150, `OGR: ${complete.ogr} complete, ${pushed.ogr} pushed of 600`);
  });
});
