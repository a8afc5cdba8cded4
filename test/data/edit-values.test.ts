import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import gdal from 'gdal-async';
import { convertValue, fitGeometry } from '../../src/data/edit-values.js';
import { OgcError } from '../../src/errors/ogc-error.js';
import { vectorLayer } from './fixtures.js';

const field = (type: string) => ({ name: 'f', alias: 'f', type });
const bad = (type: string, value: unknown) => assert.throws(() => convertValue(field(type), value), (e: unknown) => e instanceof OgcError && e.code === 'InvalidValue' && e.locator === 'f', `${type} ${JSON.stringify(value)}`);

describe('edit values: converted to the field type, or InvalidValue naming the field', () => {
  it('integers: numbers, integer text, booleans; not fractions, not out of range', () => {
    assert.equal(convertValue(field('integer'), 42), 42);
    assert.equal(convertValue(field('integer'), ' -7 '), -7);
    assert.equal(convertValue(field('integer'), true), 1);
    assert.equal(convertValue(field('integer'), -(2 ** 31)), -(2 ** 31));
    for (const v of [1.5, 'x', '1e3', 2 ** 31, {}, [1]]) bad('integer', v);
    assert.equal(convertValue(field('integer64'), 2 ** 40), 2 ** 40);
    assert.equal(convertValue(field('integer64'), '9007199254740993'), '9007199254740993', 'past 2^53 as text, no digit lost');
    bad('integer64', '9223372036854775808');
  });
  it('reals, strings, NULL', () => {
    assert.equal(convertValue(field('real'), '2.5e3'), 2500);
    bad('real', 'NaN');
    bad('real', Number.POSITIVE_INFINITY);
    assert.equal(convertValue(field('string'), 12), '12');
    assert.equal(convertValue(field('string'), false), 'false');
    bad('string', { a: 1 });
    for (const type of ['integer', 'real', 'string', 'date']) assert.equal(convertValue(field(type), null), null);
  });
  it('dates, date-times and times are checked as calendar values', () => {
    assert.equal(convertValue(field('date'), '2024-02-29'), '2024-02-29');
    assert.equal(convertValue(field('date'), '2024-02-29Z'), '2024-02-29');
    for (const v of ['2023-02-29', '2024-13-01', '29/02/2024', 20240229]) bad('date', v);
    assert.equal(convertValue(field('dateTime'), '2024-01-02 03:04:05Z'), '2024-01-02T03:04:05Z');
    assert.equal(convertValue(field('datetime'), '2024-01-02T03:04:05.250+02:00'), '2024-01-02T03:04:05.250+02:00');
    for (const v of ['2024-01-02T25:00:00', '2024-01-32T00:00:00', 'now']) bad('datetime', v);
    assert.equal(convertValue(field('time'), '23:59:59'), '23:59:59');
    bad('time', '24:00:00');
    bad('binary', 'AAAA');
  });
});

describe('edit geometries: fitted to the layer type', () => {
  const layer = vectorLayer('l', '/dev/null');
  it('the same type stays, a single one goes into its multi type, Z is dropped on a 2D layer', () => {
    const poly = gdal.Geometry.fromWKT('POLYGON ((0 0, 1 0, 1 1, 0 0))');
    assert.equal(fitGeometry(poly, 3, false, layer).toWKT(), 'POLYGON ((0 0,1 0,1 1,0 0))');
    assert.equal(fitGeometry(poly, 6, false, layer).toWKT(), 'MULTIPOLYGON (((0 0,1 0,1 1,0 0)))');
    assert.equal(fitGeometry(gdal.Geometry.fromWKT('POINT Z (1 2 3)'), 4, false, layer).toWKT(), 'MULTIPOINT (1 2)');
    assert.equal(fitGeometry(gdal.Geometry.fromWKT('LINESTRING (0 0, 1 1)'), 0, false, layer).toWKT(), 'LINESTRING (0 0,1 1)', 'a layer of any type');
  });
  it('anything else is InvalidValue (geometry)', () => {
    for (const [wkt, want] of [['POINT (1 2)', 3], ['MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))', 3], ['LINESTRING (0 0, 1 1)', 4]] as const) {
      assert.throws(() => fitGeometry(gdal.Geometry.fromWKT(wkt), want, false, layer), (e: unknown) => e instanceof OgcError && e.code === 'InvalidValue' && e.locator === 'geometry', wkt);
    }
  });
});
