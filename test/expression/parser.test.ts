import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression, ExpressionError } from '../../src/expression/index.js';
import { tokenize } from '../../src/expression/lexer.js';
import { parseExpression } from '../../src/expression/parser.js';
import type { Node } from '../../src/expression/ast.js';

/** The tree without positions, for structural comparison. */
function shape(node: Node): unknown {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'pos' ? undefined : v)));
}

/** Fully parenthesised rendering that shows how the parser grouped things. */
function grouping(text: string): string {
  const show = (n: Node): string => {
    switch (n.type) {
      case 'literal': return n.value === null ? 'NULL' : typeof n.value === 'string' ? `'${n.value}'` : String(n.value);
      case 'field': return n.name;
      case 'unary': return `(${n.op} ${show(n.operand)})`;
      case 'binary': return `(${show(n.left)} ${n.op} ${show(n.right)})`;
      case 'logical': return `(${n.operands.map(show).join(` ${n.op} `)})`;
      case 'in': return `(${show(n.operand)} ${n.negated ? 'NOT IN' : 'IN'} [${n.list.map(show).join(', ')}])`;
      case 'between': return `(${show(n.operand)} ${n.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${show(n.low)} ${show(n.high)})`;
      case 'case': return `(CASE ${n.branches.map((b) => `${show(b.when)}->${show(b.then)}`).join(' ')}${n.otherwise ? ` ELSE ${show(n.otherwise)}` : ''})`;
      case 'call': return `${n.name}(${n.args.map(show).join(', ')})`;
    }
  };
  return show(parseExpression(text));
}

function syntaxError(text: string): ExpressionError {
  try {
    Expression.parse(text);
  } catch (e) {
    assert.ok(e instanceof ExpressionError, `${text}: ${String(e)}`);
    assert.equal(e.kind, 'syntax');
    return e;
  }
  assert.fail(`expected a syntax error for ${text}`);
}

describe('lexer', () => {
  it('reads literals, identifiers, keywords and operators', () => {
    const toks = tokenize(`"a""b" <> 'it''s' AND x1 != 1.5e3 || .5 // 2 -- comment\n/* block */ ÄÖ`);
    assert.deepEqual(toks.map((t) => [t.type, t.value]), [
      ['qident', 'a"b'], ['op', '<>'], ['string', "it's"], ['keyword', 'AND'], ['ident', 'x1'], ['op', '<>'],
      ['number', '1.5e3'], ['op', '||'], ['number', '.5'], ['op', '//'], ['number', '2'], ['ident', 'ÄÖ'], ['eof', ''],
    ]);
    assert.equal(toks[6].num, 1500);
    assert.equal(toks[10].integer, true);
    assert.equal(toks[6].integer, false);
  });

  it('decodes backslash escapes in strings and keeps unknown ones (for LIKE)', () => {
    const [t] = tokenize(String.raw`'a\'b\\c\nd\te\%f'`);
    assert.equal(t.value, "a'b\\c\nd\te\\%f");
  });

  it('records token positions', () => {
    const toks = tokenize('  a =  42');
    assert.deepEqual(toks.map((t) => t.pos), [2, 4, 7, 9]);
  });

  it('treats huge integers as reals', () => {
    const [t] = tokenize('123456789012345678901234');
    assert.equal(t.integer, false);
  });
});

describe('parser precedence', () => {
  const cases: Array<[string, string]> = [
    ['a OR b AND c', '(a OR (b AND c))'],
    ['a AND b OR c AND d', '((a AND b) OR (c AND d))'],
    ['a AND b AND c', '(a AND b AND c)'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = b + c * d', '(a = (b + (c * d)))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b * c // d % e', '((((a / b) * c) // d) % e)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '((- 2) ^ 2)'],
    ['2 ^ -2', '(2 ^ (- 2))'],
    ["'a' || 'b' + 1", "(('a' || 'b') + 1)"],
    ["1 + 2 || 'x'", "(1 + (2 || 'x'))"],
    ["2 ^ 3 || '1'", "(2 ^ (3 || '1'))"],
    ['a * b ^ c', '(a * (b ^ c))'],
    ['a < b = c', '((a < b) = c)'],
    ['a IS NULL', '(a IS NULL)'],
    ['a IS NOT NULL AND b', '((a IS NOT NULL) AND b)'],
    ["a NOT LIKE 'x%' OR b ILIKE 'y'", "((a NOT LIKE 'x%') OR (b ILIKE 'y'))"],
    ["a NOT ILIKE 'x' || 'y'", "(a NOT ILIKE ('x' || 'y'))"],
    ["a ~ 'x' AND b", "((a ~ 'x') AND b)"],
    ['a IN (1, 2 + 3) AND b NOT IN (c)', '((a IN [1, (2 + 3)]) AND (b NOT IN [c]))'],
    ['a BETWEEN 1 AND 2 AND b', '((a BETWEEN 1 2) AND b)'],
    ['a NOT BETWEEN b + 1 AND c * 2 OR d', '((a NOT BETWEEN (b + 1) (c * 2)) OR d)'],
    ['NOT a BETWEEN 1 AND 2', '(NOT (a BETWEEN 1 2))'],
    ['1 + NOT 0', '(1 + (NOT 0))'],
    ['a = NOT b = c', '(a = (NOT (b = c)))'],
    ['CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END + 1', '((CASE a->1 b->2 ELSE 3) + 1)'],
    ['if(a, b, c)', 'if(a, b, c)'],
    ['UPPER(name) = Lower("x")', '(upper(name) = lower(x))'],
    ['(a OR b) AND c', '((a OR b) AND c)'],
    ['- - a', '(- (- a))'],
    ['+a', '(+ a)'],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.equal(grouping(text), expected));
  }

  it('keywords are case-insensitive and != is <>', () => {
    assert.equal(grouping('a is not null and b != 1 or not c'), '(((a IS NOT NULL) AND (b <> 1)) OR (NOT c))');
  });
});

describe('syntax errors', () => {
  it('names what was expected and what was found, with the position', () => {
    const e = syntaxError('("a" = 1 AND b');
    assert.equal(e.position, 14);
    assert.equal(e.message, "Syntax error at position 14: expected ')' but found end of expression");
    const e2 = syntaxError('f(1 AND');
    assert.equal(e2.message, "Syntax error at position 0: unknown function 'f'");
    const e3 = syntaxError('upper("a" AND)');
    assert.equal(e3.position, 13);
    assert.match(e3.message, /expected an expression but found '\)'/);
    const e4 = syntaxError('substr("a" 1)');
    assert.equal(e4.message, "Syntax error at position 11: expected ')' or ',' but found '1'");
    const e5 = syntaxError('(1 = 2 AND 3');
    assert.equal(e5.message, "Syntax error at position 12: expected ')' but found end of expression");
    const e6 = syntaxError("a = 1 b = 'x' AND c");
    assert.equal(e6.message, "Syntax error at position 6: unexpected 'b' after the end of the expression");
  });

  it('reports lexical problems', () => {
    assert.equal(syntaxError("name = 'abc").position, 7);
    assert.match(syntaxError("name = 'abc").message, /unterminated string/);
    assert.match(syntaxError('"abc = 1').message, /unterminated quoted field name/);
    assert.equal(syntaxError('a = 1 # 2').message, "Syntax error at position 6: unexpected character '#'");
    assert.match(syntaxError('/* open').message, /unterminated comment/);
    assert.match(syntaxError('1e999').message, /out of range/);
  });

  it('refuses variables and special values clearly', () => {
    const v = syntaxError('@layer_name = 1');
    assert.equal(v.message, "Syntax error at position 0: variables such as '@layer_name' are not supported");
    const s = syntaxError('x AND $area > 3');
    assert.equal(s.position, 6);
    assert.match(s.message, /'\$area' are not supported/);
  });

  it('checks function names and argument counts', () => {
    assert.equal(syntaxError('1 + nope(2)').message, "Syntax error at position 4: unknown function 'nope'");
    assert.equal(syntaxError('substr(a)').message, "Syntax error at position 0: function 'substr' expects 2 to 3 arguments but got 1");
    assert.equal(syntaxError('upper(a, b)').message, "Syntax error at position 0: function 'upper' expects 1 argument but got 2");
    assert.match(syntaxError('coalesce()').message, /expects at least 1 argument/);
  });

  it('rejects incomplete constructs', () => {
    for (const text of ['', '   ', 'a =', 'NOT', 'a IN ()', 'a IN 1', 'a BETWEEN 1', 'a BETWEEN 1 OR 2', 'CASE END', 'CASE WHEN a THEN 1',
      'CASE WHEN a 1 END', '()', 'a AND AND b', '1 2', 'a IS', "a LIKE", "a NOT 'x'", '"" = 1', 'a == 1', '[1]', 'a := 1']) {
      syntaxError(text);
    }
  });

  it('every error is an ExpressionError with a position inside the text', () => {
    for (const text of ['(', ')', ',', 'a,', 'upper(', "'", '"', 'CASE', 'a NOT IN (1', 'x BETWEEN AND 2', '1 +* 2']) {
      const e = syntaxError(text);
      assert.ok(e.position >= 0 && e.position <= text.length, `${text}: ${e.position}`);
    }
  });
});

describe('toString', () => {
  const roundTrip = [
    "\"name\" = 'Berlin' AND \"pop\" > 1000",
    'a OR b AND c', '(a OR b) AND c', 'NOT (a AND b)', 'NOT a = b', '(NOT a) = b', '-(a + b) * c', '- -a', '-(-1)', '-2 ^ 2', '-(2 ^ 2)',
    '(2 ^ 3) ^ 2', '2 ^ 3 ^ 2', "('a' || 'b') || 'c'", "'a' || ('b' || 'c')", '(a - b) - c', 'a - (b - c)', 'a / (b * c)',
    "x IN (1, 'two', NULL, TRUE)", 'x NOT IN (a + 1)', '(x = 1) IN (TRUE)', 'x BETWEEN (a OR b) AND (c = d)', '(x BETWEEN 1 AND 2) = TRUE',
    'CASE WHEN a > 1 THEN \'x\' WHEN b THEN NULL ELSE 1.5 END', "if(a IS NULL, 'n/a', to_string(a))", "s LIKE 'a\\%b' ESCAPE",
    "s = 'it''s \\\\ back\\nslash\\t'", '"we""ird" = 1', '1.0 + 2 + 1e-7 + 1e+30 + 0.1', '1 + (NOT 0)', 'a = (b = c)', 'a IS (NOT b)',
    'a IS NOT NULL', "a NOT LIKE 'x' AND a NOT ILIKE 'y' AND a ~ 'z'", 'x // 2 % 3', 'concat()', '+a', "a IN (1) = (b BETWEEN 1 AND 2)",
  ];
  for (const text of roundTrip) {
    it(`round-trips ${text}`, () => {
      let e: Expression;
      try {
        e = Expression.parse(text);
      } catch {
        return; // texts that do not parse are covered elsewhere
      }
      const printed = e.toString();
      const again = Expression.parse(printed);
      assert.deepEqual(shape(again.root), shape(e.root), `${text} -> ${printed}`);
      assert.equal(again.toString(), printed, 'printing is stable');
    });
  }

  it('normalises spelling', () => {
    assert.equal(Expression.parse("name   ilike   'b%'  and  Pop>=1e3 or x != 2.50").toString(), "\"name\" ILIKE 'b%' AND \"Pop\" >= 1000.0 OR \"x\" <> 2.5");
    assert.equal(Expression.parse('LENGTH( "a" ) ').toString(), 'length("a")');
    assert.equal(Expression.parse('-(-1)').toString(), '- -1');
    assert.equal(Expression.parse('-(a - 1)').toString(), '-("a" - 1)');
    assert.equal(Expression.parse('a + -b').toString(), '"a" + -"b"');
  });

  it('keeps the original text', () => {
    assert.equal(Expression.parse(' a = 1 ').text, ' a = 1 ');
  });
});
