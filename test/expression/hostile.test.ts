import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression, ExpressionError, MAX_DEPTH, MAX_EXPRESSION_LENGTH, andExpressions } from '../../src/expression/index.js';

function rejects(text: string, pattern: RegExp): ExpressionError {
  const started = Date.now();
  try {
    Expression.parse(text);
  } catch (e) {
    assert.ok(e instanceof ExpressionError, `not an ExpressionError: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    return e;
  }
  assert.fail('expected an error');
}

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('hostile input is bounded', () => {
  it('refuses text over the length limit', () => {
    const e = rejects(`a = '${'x'.repeat(MAX_EXPRESSION_LENGTH)}'`, /too long/);
    assert.equal(e.position, MAX_EXPRESSION_LENGTH);
    Expression.parse(`a = '${'x'.repeat(MAX_EXPRESSION_LENGTH - 10)}'`);
  });

  it('refuses deep nesting of every kind without overflowing the stack', () => {
    const n = 2000;
    rejects(`${'('.repeat(n)}1${')'.repeat(n)}`, /nested too deeply/);
    rejects(`${'- '.repeat(n)}1`, /nested too deeply/);
    rejects(`${'NOT '.repeat(n)}TRUE`, /nested too deeply/);
    rejects(`${'upper('.repeat(n)}'a'${')'.repeat(n)}`, /nested too deeply/);
    rejects(`${'2 ^ '.repeat(n)}2`, /nested too deeply/);
    rejects(`${'CASE WHEN TRUE THEN '.repeat(n)}1${' END'.repeat(n)}`, /nested too deeply/);
    rejects(`${'1 + '.repeat(n)}1`, /nested too deeply/);
    rejects(`${'a IN ('.repeat(n)}1${')'.repeat(n)}`, /nested too deeply/);
    rejects(`1${' = 1'.repeat(n)}`, /nested too deeply/);
    rejects(`'a'${" || 'a'".repeat(n)}`, /nested too deeply/);
  });

  it('accepts nesting up to the limit, and evaluates, prints and translates it', () => {
    const depth = MAX_DEPTH - 10;
    const texts = [
      `${'('.repeat(depth)}a + 1${')'.repeat(depth)} = 2`,
      `${'upper('.repeat(depth)}name${')'.repeat(depth)} = 'X'`,
      `${'NOT '.repeat(depth)}(a = 1)`,
      `${'- '.repeat(depth)}a = 1`,
      `${'a + '.repeat(depth)}a > 0`,
    ];
    for (const text of texts) {
      const e = Expression.parse(text);
      e.evaluate({ a: 1, name: 'x' });
      assert.deepEqual(Expression.parse(e.toString()).toString(), e.toString());
      e.toSql('sqlite', { a: 'integer', name: 'string' });
      e.toSql('ogr', { a: 'integer', name: 'string' });
    }
  });

  it('combines and splits expressions that are at the nesting limit', () => {
    let deepest = '';
    for (let n = 200; n < 300; n += 1) {
      const text = `${'- '.repeat(n)}a = 1 OR b = 2`;
      try {
        Expression.parse(text);
        deepest = text;
      } catch {
        break;
      }
    }
    assert.ok(deepest !== '');
    const both = andExpressions(deepest, deepest) as Expression;
    assert.equal(both.test({ a: 0, b: 2 }), true);
    const t = (andExpressions(deepest, "name ~ 'x'") as Expression).toSql('sqlite', { a: 'integer', b: 'integer' });
    assert.equal(t.residual?.toString(), `"name" ~ 'x'`);
  });

  it('flattens long AND / OR chains and handles long IN lists', () => {
    const ors = Array.from({ length: 5000 }, (_, i) => `id = ${i}`).join(' OR ');
    const e = Expression.parse(ors);
    assert.equal(e.test({ id: 4999 }), true);
    assert.equal(e.test({ id: 5000 }), false);
    const sql = e.toSql('sqlite', { id: 'integer' });
    assert.equal(sql.complete, true);
    const parens = (sql.where as string).match(/^\(+/)?.[0].length ?? 0;
    assert.ok(parens < 20, `balanced SQL, ${parens} leading parentheses`);
    const list = Expression.parse(`id IN (${Array.from({ length: 10000 }, (_, i) => i).join(',')})`);
    assert.equal(list.test({ id: 9999 }), true);
  });

  it('random token soup parses or fails with an ExpressionError, quickly', () => {
    const pieces = ['(', ')', ',', 'a', '"b"', "'c'", '1', '2.5', 'NULL', 'TRUE', 'AND', 'OR', 'NOT', 'IN', 'IS', 'LIKE', 'ILIKE', 'BETWEEN',
      'CASE', 'WHEN', 'THEN', 'ELSE', 'END', '=', '<>', '<', '>=', '+', '-', '*', '/', '//', '%', '^', '||', '~', 'upper', 'coalesce',
      'substr', 'if', "'%'", "'\\'", '"', "'", '@x', '$y', '--', '/*', '*/', '#', 'é', '\u0000', '.'];
    const next = random(42);
    const feature = { a: 3, b: 'x', c: null };
    const started = Date.now();
    let parsed = 0;
    for (let i = 0; i < 3000; i += 1) {
      const len = 1 + Math.floor(next() * 12);
      const text = Array.from({ length: len }, () => pieces[Math.floor(next() * pieces.length)]).join(next() < 0.8 ? ' ' : '');
      let e: Expression;
      try {
        e = Expression.parse(text);
      } catch (err) {
        assert.ok(err instanceof ExpressionError, `${JSON.stringify(text)}: ${String(err)}`);
        assert.ok(err.position >= 0 && err.position <= text.length, `${JSON.stringify(text)}: position ${err.position}`);
        continue;
      }
      parsed += 1;
      try {
        e.evaluate(feature);
      } catch (err) {
        assert.ok(err instanceof ExpressionError, `${JSON.stringify(text)} evaluation: ${String(err)}`);
      }
      assert.equal(Expression.parse(e.toString()).toString(), e.toString(), text);
      e.toSql('sqlite', { a: 'integer', b: 'string', c: 'real' });
      e.toSql('ogr', { a: 'integer', b: 'string', c: 'real' });
    }
    assert.ok(parsed > 50, `${parsed} of the random texts parsed`);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('never lets a value escape its SQL literal', () => {
    const nasty = ["'); DROP TABLE t; --", "\\'", "a\\", '"', "x' OR '1'='1", '\u0000', '\uD800', "''", '\n'];
    for (const s of nasty) {
      const quoted = `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
      const e = Expression.parse(`"na""me" = ${quoted} AND "na""me" LIKE ${quoted}`);
      for (const dialect of ['sqlite', 'ogr'] as const) {
        const { where } = e.toSql(dialect, { 'na"me': 'string' });
        if (where === null) continue;
        assert.ok(!where.includes('\u0000') && !/[\uD800-\uDFFF]/.test(where), where);
        // Outside quotes, only the generated structure remains: strip literals and identifiers and look at the rest.
        const skeleton = where.replace(/'(?:[^']|'')*'/g, 'S').replace(/"(?:[^"]|"")*"/g, 'F');
        assert.match(skeleton, /^[()SF =<>A-Z%\\]*$/, `${dialect}: ${where}`);
        if (dialect === 'ogr') assert.ok(!where.includes('\\'), `no backslash reaches OGR SQL: ${where}`);
      }
    }
  });
});
