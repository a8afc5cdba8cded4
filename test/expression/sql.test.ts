import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression } from '../../src/expression/index.js';
import { likeMatch, parseLike } from '../../src/expression/like.js';
import { ASCII_LETTERS_WITH_NON_ASCII_FOLDS, sqlLikePattern } from '../../src/expression/sql-pattern.js';
import { random } from './random-expressions.js';

const TYPES = { name: 'string', pop: 'integer', area: 'real', big: 'integer64', day: 'date', 'we"ird': 'string', 'back\\slash': 'integer' };

function sql(text: string, dialect: 'sqlite' | 'ogr' = 'sqlite', types: Record<string, string> = TYPES) {
  const t = Expression.parse(text).toSql(dialect, types);
  return { where: t.where, residual: t.residual?.toString() ?? null, complete: t.complete };
}

describe('toSql output', () => {
  it('writes exact SQLite for comparisons, logic, IN, BETWEEN and functions', () => {
    assert.deepEqual(sql("name = 'it''s' AND pop > 5"), { where: `(("name" = 'it''s') AND ("pop" > 5))`, residual: null, complete: true });
    assert.equal(sql('NOT (pop > 1 OR area <= 2.0)').where, '(("pop" <= 1) AND ("area" > 2.0))');
    assert.equal(sql('pop NOT BETWEEN 1 AND 10').where, '("pop" < 1 OR "pop" > 10)');
    assert.equal(sql('pop IN (1, 2) AND name NOT IN (\'a\')').where, `(("pop" IN (1, 2)) AND ("name" NOT IN ('a')))`);
    assert.equal(sql('pop / 2 > 1').where, '((CAST("pop" AS REAL) / 2) > 1)');
    assert.equal(sql("substr(name, 2) || 'x' = 'y'").where, `((substr("name", 2) || 'x') = 'y')`);
    assert.equal(sql('- -pop = 1').where, '((-((-("pop")))) = 1)');
    assert.equal(sql("name ILIKE 'a\\%b_'").where, `("name" LIKE 'a\\%b_' ESCAPE '\\')`);
    assert.equal(sql('day IS NULL').where, '("day" IS NULL)');
    assert.equal(sql('"we""ird" = \'x\'').where, `("we""ird" = 'x')`);
    assert.equal(sql('1e21 < area').where, '(1e+21 < "area")');
    assert.equal(sql('big = 3').where, '("big" = 3)');
  });

  it('keeps NOT out of the SQL so that OGR two-valued logic gives the same rows', () => {
    assert.equal(sql('NOT (pop IN (1, 2))', 'ogr').where, '("pop" IS NOT NULL AND "pop" NOT IN (1, 2))');
    assert.equal(sql("NOT (name LIKE '1%')", 'ogr').where, `("name" IS NOT NULL AND "name" NOT LIKE '1%')`);
    assert.equal(sql('NOT NOT (pop = 1)', 'ogr').where, '("pop" = 1)');
    assert.equal(sql('NOT (pop = 1 AND area = 2)', 'ogr').where, '(("pop" <> 1) OR ("area" <> 2))');
  });

  it('translates fields only with known, comparable types', () => {
    assert.deepEqual(sql('pop > 5', 'sqlite', {}), { where: null, residual: '"pop" > 5', complete: false });
    assert.equal(sql('POP > 5').where, '("pop" > 5)', 'case-insensitive field match, real name in SQL');
    assert.equal(sql('pop > 5', 'sqlite', { pop: 'integer', POP: 'integer' }).where, '("pop" > 5)');
    assert.equal(sql('Pop > 5', 'sqlite', { pop: 'integer', POP: 'integer' }).where, null, 'ambiguous');
    assert.equal(sql("day = '2020-01-01'").where, null, 'dates compare differently');
    assert.equal(sql('name = 5').where, null, 'text against number');
    assert.equal(sql("pop = '5'").where, null);
    assert.equal(sql('pop % 2.5 = 1').where, null, 'SQLite % is integer-only');
    assert.equal(sql("area || 'x' = 'y'").where, null, 'SQLite writes 1.0 where QGIS writes 1');
    assert.equal(sql('"back\\slash" = 1', 'ogr').where, null, 'OGR cannot quote a backslash');
    assert.equal(sql('"we""ird" IS NULL', 'ogr').where, null, 'OGR cannot quote a double quote');
  });

  it('never sends text OGR SQL would misread', () => {
    assert.equal(sql("name = 'a\\\\'", 'ogr').where, null);
    assert.equal(sql("name = 'a\\\\' AND pop = 1", 'ogr').where, '("pop" = 1)');
  });

  it('splits conjuncts into where and residual', () => {
    assert.deepEqual(sql("pop > 5 AND name ~ 'x' AND area < 1"), { where: '(("pop" > 5) AND ("area" < 1))', residual: `"name" ~ 'x'`, complete: false });
    assert.deepEqual(sql("upper(name) = 'X' OR pop > 1"), { where: null, residual: `upper("name") = 'X' OR "pop" > 1`, complete: false });
    assert.deepEqual(sql("name LIKE 'Ab%' AND pop > 1"), { where: `(("name" LIKE 'Ab%' ESCAPE '\\') AND ("pop" > 1))`, residual: `"name" LIKE 'Ab%'`, complete: false });
    assert.deepEqual(sql('TRUE'), { where: '(1 = 1)', residual: null, complete: true });
  });

  it('keeps AND semantics for a lone non-boolean residual conjunct', () => {
    const t = Expression.parse("pop > 1 AND name").toSql('sqlite', TYPES);
    assert.equal(t.residual?.toString(), '"name" AND TRUE');
    assert.equal(t.residual?.test({ name: 'abc' }), false, "'abc' is not a boolean inside AND");
    assert.equal(Expression.parse('pop > 1 AND name').test({ pop: 2, name: 'abc' }), false);
  });

  it('returns the expression itself when nothing translates', () => {
    const e = Expression.parse("name ~ 'x'");
    assert.equal(e.toSql('ogr', TYPES).residual, e);
  });

  it('refuses unknown dialects', () => {
    assert.throws(() => Expression.parse('a = 1').toSql('postgres' as 'sqlite'), TypeError);
  });
});

describe('LIKE patterns', () => {
  it('rewrites patterns per dialect, exactly where it can', () => {
    assert.deepEqual(sqlLikePattern('Ber%', 'sqlite', true), { pattern: 'Ber%', exact: true });
    assert.deepEqual(sqlLikePattern('Ber%', 'sqlite', false), { pattern: 'Ber%', exact: false });
    assert.deepEqual(sqlLikePattern('12_%', 'sqlite', false), { pattern: '12_%', exact: true });
    assert.deepEqual(sqlLikePattern('kös%', 'sqlite', true), { pattern: '___%', exact: false });
    assert.deepEqual(sqlLikePattern('a\\%\\_\\\\', 'sqlite', true), { pattern: 'a\\%\\_\\\\', exact: true });
    assert.deepEqual(sqlLikePattern('a\\%\\_\\\\', 'ogr', true), { pattern: 'a%', exact: false });
    assert.deepEqual(sqlLikePattern('a_b', 'ogr', true), { pattern: 'a%b', exact: false });
    assert.deepEqual(sqlLikePattern('€1%', 'ogr', true), { pattern: '€1%', exact: true });
    assert.deepEqual(sqlLikePattern('%a%b%c%d%e', 'sqlite', true), { pattern: '%a%b%', exact: false });
    assert.deepEqual(sqlLikePattern('%%%x%%', 'sqlite', true), { pattern: '%x%', exact: true });
  });

  it('knows every non-ASCII character that case-folds onto an ASCII letter', () => {
    const found = new Set<string>();
    for (let cp = 0x80; cp <= 0x10ffff; cp += 1) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const m = /^[a-z]$/iu.exec(ch);
      if (m) found.add(ch);
    }
    const letters = new Set([...found].map((ch) => ch.toLowerCase()).flatMap((l) => [l, l.toUpperCase()]));
    assert.deepEqual([...found].sort(), ['\u017F', '\u212A']);
    for (const l of ['k', 'K', 's', 'S']) assert.ok(ASCII_LETTERS_WITH_NON_ASCII_FOLDS.has(l));
    assert.ok(letters.size > 0);
  });

  it('matches like a regular-expression reference implementation', () => {
    const next = random(7);
    const alphabet = ['a', 'A', 'b', '%', '_', '\\', 'k', '\u212A', 'ß', '😀', '.', '*', '\n'];
    const pick = (): string => alphabet[Math.floor(next() * alphabet.length)];
    const reference = (input: string, pattern: string, ci: boolean): boolean => {
      const source = parseLike(pattern).map((it) => (it.kind === 'any' ? '.*' : it.kind === 'one' ? '.' : it.ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))).join('');
      return new RegExp(`^(?:${source})$`, ci ? 'isu' : 'su').test(input);
    };
    for (let i = 0; i < 5000; i += 1) {
      const pattern = Array.from({ length: Math.floor(next() * 7) }, pick).join('');
      const input = Array.from({ length: Math.floor(next() * 7) }, () => pick().replace(/[%_\\]/, 'a')).join('');
      for (const ci of [false, true]) {
        assert.equal(likeMatch(input, pattern, ci), reference(input, pattern, ci), `${JSON.stringify(input)} ${ci ? 'ILIKE' : 'LIKE'} ${JSON.stringify(pattern)}`);
      }
    }
  });
});
