import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Expression, FUNCTIONS } from '../../src/expression/index.js';

const f = { s: 'Hello World', n: -3.7, nothing: null, emoji: 'a😀b', date: '2024-02-29' };

function ev(text: string): unknown {
  return Expression.parse(text).evaluate(f);
}

const cases: Array<[string, unknown]> = [
  // strings
  ['upper(s)', 'HELLO WORLD'], ['lower(s)', 'hello world'], ["upper('straße')", 'STRASSE'], ["lower('ÉCOLE')", 'école'],
  ["title('hello wORLD a bc')", 'Hello World a Bc'], ['length(s)', 11], ['length(emoji)', 3], ['char_length(s)', 11], ['length(123)', 3],
  ["trim('  x y \t')", 'x y'], ["ltrim('  x  ')", 'x  '], ["rtrim('  x  ')", '  x'], ["ltrim('xxaxx', 'x')", 'axx'], ["rtrim('xxaxx', 'x')", 'xxa'],
  ["trim('\u00A0x\u3000')", 'x'],
  ['substr(s, 1, 5)', 'Hello'], ['substr(s, 7)', 'World'], ['substr(s, -5)', 'World'], ['substr(s, -5, 2)', 'Wo'], ['substr(s, 0, 2)', 'He'],
  ['substr(s, 3, -2)', 'llo Wor'], ['substr(s, 20)', ''], ['substr(s, -20, 3)', 'Hel'], ['substr(emoji, 2, 1)', '😀'], ['substr(s, 2, 0)', ''],
  ['left(s, 5)', 'Hello'], ['left(s, -1)', 'Hello World'], ['left(emoji, 2)', 'a😀'], ['right(s, 5)', 'World'], ['right(s, 50)', 'Hello World'],
  ['right(emoji, 2)', '😀b'], ['right(s, 0)', ''],
  ["replace(s, 'o', '0')", 'Hell0 W0rld'], ["replace('abc', '', '-')", '-a-b-c-'], ["replace(s, 'xyz', '!')", 'Hello World'],
  ["concat('a', NULL, 1, TRUE)", 'a1true'], ['concat(NULL)', ''], ['concat()', ''],
  ["strpos(s, 'World')", 7], ["strpos(s, 'x')", 0], ["strpos(emoji, 'b')", 3], ["strpos(s, '')", 1],
  ["lpad('5', 3, '0')", '005'], ["lpad('12345', 3, '0')", '123'], ["rpad('5', 3, 'xy')", '5xx'], ["rpad('abc', 2, '-')", 'ab'], ["lpad('a', 3, '')", 'a'],
  ["starts_with(s, 'Hell')", true], ["starts_with(s, 'hell')", false], ["starts_with(s, '')", true],
  ["regexp_match(s, 'o W')", 5], ["regexp_match(s, 'z')", 0], ["regexp_match(emoji, 'b')", 3],
  ["regexp_replace(s, 'o', '0')", 'Hell0 W0rld'], ["regexp_replace(s, '(\\\\w+) (\\\\w+)', '\\\\2 \\\\1')", 'World Hello'],
  ["regexp_replace('abc', 'b', '$1')", 'a$1c'], ["regexp_substr(s, 'W\\\\w+')", 'World'], ["regexp_substr(s, '(\\\\w)o')", 'l'],
  ["regexp_substr(s, 'z')", ''],
  // numbers
  ['abs(n)', 3.7], ['abs(-4)', 4], ["abs('-2')", 2], ['floor(n)', -4], ['ceil(n)', -3], ['sqrt(16)', 4], ['sqrt(-1)', null], ['pow(2, 8)', 256],
  ['power(9, 0.5)', 3], ['exp(0)', 1], ['ln(1)', 0], ['ln(0)', null], ['log10(1000)', 3], ['log10(-1)', null],
  ['round(2.5)', 3], ['round(-2.5)', -3], ['round(2.4)', 2], ['round(n)', -4], ['round(3.14159, 2)', 3.14], ['round(1234.5, -2)', 1200],
  ['round(-1.25, 1)', -1.3], ["round('7.5')", 8],
  ['min(3, 1, 2)', 1], ['max(3, 1, 2)', 3], ['max(1, NULL, 2)', 2], ['max(NULL)', null], ["max('a', -1)", 0], ["min('4', 5)", 4],
  ['clamp(1, 5, 3)', 3], ['clamp(1, -5, 3)', 1], ['clamp(1, 2.5, 3)', 2.5],
  // conditionals and conversions
  ["coalesce(NULL, nothing, 'x', 'y')", 'x'], ['coalesce(NULL)', null], ['nullif(1, 1)', null], ['nullif(1, 2)', 1], ["nullif('5', 5)", null],
  ['nullif(NULL, 1)', null], ['nullif(1, NULL)', 1],
  ["to_int('42')", 42], ["to_int(' 42 ')", 42], ['to_int(3.7)', 4], ["to_int('3.5')", 4], ['to_int(-3.5)', -4], ['to_int(TRUE)', 1],
  ["to_real('1.5')", 1.5], ['to_real(2)', 2], ["to_string(1.5)", '1.5'], ['to_string(TRUE)', 'true'], ['to_string(10)', '10'],
  ["to_date('2020-05-03')", '2020-05-03'], ["to_date('2020-05-03T10:00:00')", '2020-05-03'], ['year(date)', 2024], ['month(date)', 2],
  ["day('2024-12-31 23:59')", 31],
];

describe('functions', () => {
  for (const [text, expected] of cases) {
    it(`${text} → ${JSON.stringify(expected)}`, () => assert.deepEqual(ev(text), expected));
  }

  it('return NULL for a NULL argument unless they handle NULL', () => {
    const handlesNull = new Set(['concat', 'coalesce', 'if', 'min', 'max', 'nullif']);
    for (const fn of FUNCTIONS.values()) {
      if (handlesNull.has(fn.name) || fn.minArgs === 0) continue;
      const args = Array.from({ length: fn.minArgs }, (_, i) => (i === 0 ? 'NULL' : "'1'"));
      assert.equal(ev(`${fn.name}(${args.join(', ')})`), null, fn.name);
    }
  });

  it('names are case-insensitive', () => {
    assert.equal(ev("UPPER('a') || Lower('B') || CoAlEsCe(NULL, 'c')"), 'Abc');
  });

  it('raise conversion errors like QGIS', () => {
    assert.throws(() => ev("to_int('abc')"), /Cannot convert 'abc' to int/);
    assert.throws(() => ev("to_real('1,5')"), /Cannot convert '1,5' to double/);
    assert.throws(() => ev("abs('x')"), /Cannot convert 'x' to double/);
    assert.throws(() => ev("to_date('31/12/2020')"), /Cannot convert '31\/12\/2020' to date/);
    assert.throws(() => ev("to_date('2021-02-29')"), /to date/);
    assert.throws(() => ev("regexp_match(s, '[')"), /Invalid regular expression/);
    const e = (() => { try { ev("1 + substr(s, 'x')"); } catch (err) { return err as { position: number }; } return null; })();
    assert.equal(e?.position, 4, 'the position is that of the call');
  });
});
