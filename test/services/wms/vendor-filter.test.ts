import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVendorFilter } from '../../../src/services/wms/vendor-filter.js';

test('one expression per layer; semicolons and colons inside quotes stay put', () => {
  const m = parseVendorFilter(`cities:"name" = 'a;b:c';countries:"pop_est" > 1000 AND "continent" IN ('Europe', 'Asia')`);
  assert.deepEqual([...m.keys()], ['cities', 'countries']);
  assert.equal(m.get('cities'), `"name" = 'a;b:c'`);
  assert.match(m.get('countries')!, /IN \('Europe', 'Asia'\)$/);
});

test('the same layer twice is ANDed', () => {
  assert.equal(parseVendorFilter(`c:"a" = 1;c:"b" = 2`).get('c'), `("a" = 1) AND ("b" = 2)`);
});

test('plain comparisons, BETWEEN, LIKE, IS NULL and NOT are allowed', () => {
  const m = parseVendorFilter(`l:NOT ("a" BETWEEN 1 AND 2) OR "b" ILIKE 'x%' OR "c" IS NOT NULL OR "d" * 2 <= 10`);
  assert.equal(m.size, 1);
});

test('functions, CASE, regular expressions and concatenation are refused, naming what', () => {
  for (const [f, what] of [
    [`l:upper("a") = 'X'`, /the function upper\(\)/],
    [`l:CASE WHEN "a" THEN 1 END = 1`, /CASE/],
    [`l:"a" ~ '(a+)+$'`, /regular expression/],
    [`l:"a" || 'x' = 'yx'`, /concatenation/],
  ] as const) {
    assert.throws(() => parseVendorFilter(f), (e: Error & { code?: string; locator?: string }) => e.code === 'InvalidParameterValue' && e.locator === 'FILTER' && what.test(e.message), f);
  }
});

test('syntax errors and missing layer names are InvalidParameterValue on FILTER', () => {
  assert.throws(() => parseVendorFilter(`cities:"a" = `), /FILTER for layer 'cities': Syntax error/);
  assert.throws(() => parseVendorFilter(`"a" = 1`), /is not layer:expression/);
  assert.throws(() => parseVendorFilter('l:' + '"a" = 1 AND '.repeat(1000) + '1'), /longer than/);
  assert.equal(parseVendorFilter('').size, 0);
});
