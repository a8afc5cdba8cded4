import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  defineParams, parseParams, parseValue, describeParams, type ParamSpec, type Parsed, type ParamSource,
} from '../../src/params/table.js';
import { InvalidParameterError, MissingParameterError, OgcError } from '../../src/errors/ogc-error.js';
import { ParameterMap } from '../../src/server/parameter-map.js';

/** Compile-time equality of two types (fails to compile when they differ). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_proof?: T): void {}

/** Asserts fn throws an OgcError with the given code, locator and (optionally) exact message. */
function throwsOgc(fn: () => unknown, code: string, locator: string, message?: string | RegExp): OgcError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof OgcError, `expected an OgcError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.locator, locator);
  assert.equal(caught.status, 400);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

const src = (o: Record<string, string>): ParamSource => new ParameterMap(Object.entries(o));

describe('defineParams', () => {
  it('returns the very table it is given', () => {
    const t = { A: { type: 'string' } } as const;
    assert.equal(defineParams(t), t);
  });
});

describe('parseValue: absent values', () => {
  it('undefined, empty and blank values are absent: undefined without a default', () => {
    for (const raw of [undefined, '', '   ', '\t']) assert.equal(parseValue('X', { type: 'string' }, raw), undefined);
  });
  it('absent values take the default', () => {
    assert.equal(parseValue('X', { type: 'integer', default: 7 }, undefined), 7);
    assert.equal(parseValue('X', { type: 'string', default: 'abc' }, ''), 'abc');
    assert.equal(parseValue('X', { type: 'boolean', default: false }, '  '), false);
  });
  it('a list default is copied, so callers cannot change the table', () => {
    const spec: ParamSpec = { type: 'list', default: ['a', 'b'] };
    const first = parseValue('X', spec, undefined) as string[];
    assert.deepEqual(first, ['a', 'b']);
    first.push('c');
    assert.deepEqual(parseValue('X', spec, undefined), ['a', 'b']);
    assert.deepEqual(spec.default, ['a', 'b']);
  });
  it('a required parameter that is absent, empty or blank is MissingParameterValue naming it', () => {
    for (const raw of [undefined, '', '  ']) {
      const err = throwsOgc(() => parseValue('WIDTH', { type: 'integer', required: true }, raw), 'MissingParameterValue', 'WIDTH');
      assert.ok(err instanceof MissingParameterError);
      assert.match(err.message, /WIDTH/);
    }
  });
  it('required wins over a default', () => {
    throwsOgc(() => parseValue('X', { type: 'string', required: true, default: 'd' }, undefined), 'MissingParameterValue', 'X');
  });
});

describe('parseValue: string', () => {
  it('returns the value trimmed', () => {
    assert.equal(parseValue('X', { type: 'string' }, '  hello world  '), 'hello world');
  });
  it('allowed values match case-insensitively and return the declared spelling', () => {
    const spec: ParamSpec = { type: 'string', allowed: ['image/png', 'image/JPEG', 'GetMap'] };
    assert.equal(parseValue('FORMAT', spec, 'IMAGE/PNG'), 'image/png');
    assert.equal(parseValue('FORMAT', spec, 'image/jpeg'), 'image/JPEG');
    assert.equal(parseValue('FORMAT', spec, ' getmap '), 'GetMap');
  });
  it('a value outside the allowed ones is InvalidParameterValue listing them', () => {
    const err = throwsOgc(
      () => parseValue('FORMAT', { type: 'string', allowed: ['image/png', 'image/jpeg'] }, 'image/gif'),
      'InvalidParameterValue', 'FORMAT',
    );
    assert.ok(err instanceof InvalidParameterError);
    assert.match(err.message, /^FORMAT \('image\/gif'\) is not valid/);
    assert.match(err.message, /image\/png, image\/jpeg/);
  });
});

describe('parseValue: integer', () => {
  const spec: ParamSpec = { type: 'integer' };
  it('parses signed decimal integers, trimmed', () => {
    assert.equal(parseValue('WIDTH', spec, '256'), 256);
    assert.equal(parseValue('WIDTH', spec, ' 42 '), 42);
    assert.equal(parseValue('WIDTH', spec, '+5'), 5);
    assert.equal(parseValue('WIDTH', spec, '-3'), -3);
    assert.equal(parseValue('WIDTH', spec, '007'), 7);
  });
  it("says WIDTH ('abc') cannot be converted into int", () => {
    throwsOgc(() => parseValue('WIDTH', spec, 'abc'), 'InvalidParameterValue', 'WIDTH', "WIDTH ('abc') cannot be converted into int");
  });
  it('refuses decimals, exponents, hex, trailing garbage and inner blanks', () => {
    for (const raw of ['1.5', '1e3', '0x10', '12abc', '1 2', '--1', '+']) {
      throwsOgc(() => parseValue('HEIGHT', spec, raw), 'InvalidParameterValue', 'HEIGHT', `HEIGHT ('${raw}') cannot be converted into int`);
    }
  });
  it('checks min and max, inclusive', () => {
    const ranged: ParamSpec = { type: 'integer', min: 1, max: 4096 };
    assert.equal(parseValue('WIDTH', ranged, '1'), 1);
    assert.equal(parseValue('WIDTH', ranged, '4096'), 4096);
    throwsOgc(() => parseValue('WIDTH', ranged, '0'), 'InvalidParameterValue', 'WIDTH', "WIDTH ('0') is out of range [1, 4096]");
    throwsOgc(() => parseValue('WIDTH', ranged, '4097'), 'InvalidParameterValue', 'WIDTH', /out of range/);
  });
  it('an open bound is shown as -inf / inf', () => {
    throwsOgc(() => parseValue('N', { type: 'integer', min: 0 }, '-1'), 'InvalidParameterValue', 'N', "N ('-1') is out of range [0, inf]");
    throwsOgc(() => parseValue('N', { type: 'integer', max: 10 }, '11'), 'InvalidParameterValue', 'N', "N ('11') is out of range [-inf, 10]");
  });
});

describe('parseValue: double', () => {
  const spec: ParamSpec = { type: 'double' };
  it('parses decimal and exponent notation', () => {
    const cases: Array<[string, number]> = [
      ['1.5', 1.5], ['-0.25', -0.25], ['.5', 0.5], ['5.', 5], ['1e-3', 0.001], ['+2E+2', 200], [' 3 ', 3], ['-180', -180],
    ];
    for (const [raw, want] of cases) assert.equal(parseValue('DPI', spec, raw), want, raw);
  });
  it('refuses what is not a finite decimal number', () => {
    for (const raw of ['abc', '1,5', 'NaN', 'Infinity', '-Infinity', '1e999', '0x1A', '1.2.3', '.', 'e5', '1e']) {
      throwsOgc(() => parseValue('DPI', spec, raw), 'InvalidParameterValue', 'DPI', `DPI ('${raw}') cannot be converted into double`);
    }
  });
  it('checks min and max', () => {
    const lat: ParamSpec = { type: 'double', min: -90, max: 90 };
    assert.equal(parseValue('LAT', lat, '-90'), -90);
    assert.equal(parseValue('LAT', lat, '90.0'), 90);
    throwsOgc(() => parseValue('LAT', lat, '90.0001'), 'InvalidParameterValue', 'LAT', "LAT ('90.0001') is out of range [-90, 90]");
  });
});

describe('parseValue: boolean', () => {
  const spec: ParamSpec = { type: 'boolean' };
  it('true, 1, yes, on (any case) are true', () => {
    for (const raw of ['true', 'TRUE', 'True', '1', 'yes', 'YES', 'on', ' On ']) assert.equal(parseValue('TRANSPARENT', spec, raw), true, raw);
  });
  it('false, 0, no, off (any case) are false', () => {
    for (const raw of ['false', 'FALSE', '0', 'no', 'No', 'off', 'OFF']) assert.equal(parseValue('TRANSPARENT', spec, raw), false, raw);
  });
  it('anything else cannot be converted into boolean', () => {
    for (const raw of ['maybe', '2', 't', 'y']) {
      throwsOgc(() => parseValue('TRANSPARENT', spec, raw), 'InvalidParameterValue', 'TRANSPARENT', `TRANSPARENT ('${raw}') cannot be converted into boolean`);
    }
  });
});

describe('parseValue: list', () => {
  it('splits on commas and trims each item', () => {
    assert.deepEqual(parseValue('LAYERS', { type: 'list' }, 'roads, rivers ,towns'), ['roads', 'rivers', 'towns']);
    assert.deepEqual(parseValue('LAYERS', { type: 'list' }, 'single'), ['single']);
  });
  it('keeps empty items (STYLES=,, means default style per layer)', () => {
    assert.deepEqual(parseValue('STYLES', { type: 'list' }, 'a,,b'), ['a', '', 'b']);
  });
  it('uses the declared separator', () => {
    assert.deepEqual(parseValue('FILTER', { type: 'list', separator: ';' }, 'a,b;c'), ['a,b', 'c']);
  });
  it('checks each item against allowed values and returns the declared spelling', () => {
    const spec: ParamSpec = { type: 'list', allowed: ['Point', 'LineString'] };
    assert.deepEqual(parseValue('GEOM', spec, 'point, LINESTRING,Point'), ['Point', 'LineString', 'Point']);
    throwsOgc(() => parseValue('GEOM', spec, 'point,polygon'), 'InvalidParameterValue', 'GEOM', /^GEOM \('polygon'\) is not valid/);
  });
});

describe('parseParams', () => {
  const table = defineParams({
    SERVICE: { type: 'string', required: true, allowed: ['WMS'] },
    WIDTH: { type: 'integer', required: true, min: 1 },
    FORMAT: { type: 'string', default: 'image/png', allowed: ['image/png', 'image/jpeg'] },
    CRS: { type: 'string', aliases: ['SRS'] },
    LAYERS: { type: 'list' },
    TRANSPARENT: { type: 'boolean', default: false },
    DPI: { type: 'double' },
  });

  it('reads every declared parameter through a case-insensitive source', () => {
    const p = parseParams(table, src({ service: 'wms', width: '100', Format: 'IMAGE/JPEG', layers: 'a,b', transparent: 'TRUE', dpi: '96' }));
    assert.deepEqual(p, {
      SERVICE: 'WMS', WIDTH: 100, FORMAT: 'image/jpeg', CRS: undefined, LAYERS: ['a', 'b'], TRANSPARENT: true, DPI: 96,
    });
  });
  it('fills defaults and leaves optional parameters undefined', () => {
    const p = parseParams(table, src({ SERVICE: 'WMS', WIDTH: '5' }));
    assert.equal(p.FORMAT, 'image/png');
    assert.equal(p.TRANSPARENT, false);
    assert.equal(p.LAYERS, undefined);
    assert.equal(p.DPI, undefined);
    assert.ok('CRS' in p, 'every declared parameter is a key of the result');
  });
  it('reads an alias when the canonical name is absent', () => {
    assert.equal(parseParams(table, src({ SERVICE: 'WMS', WIDTH: '5', srs: 'EPSG:4326' })).CRS, 'EPSG:4326');
  });
  it('the canonical name wins over an alias', () => {
    assert.equal(parseParams(table, src({ SERVICE: 'WMS', WIDTH: '5', SRS: 'EPSG:4326', CRS: 'EPSG:3857' })).CRS, 'EPSG:3857');
  });
  it('aliases are tried in declared order', () => {
    const t = defineParams({ TYPENAMES: { type: 'list', aliases: ['TYPENAME', 'TYPE_NAME'] } });
    assert.deepEqual(parseParams(t, src({ TYPE_NAME: 'c', TYPENAME: 'b' })).TYPENAMES, ['b']);
    assert.deepEqual(parseParams(t, src({ TYPE_NAME: 'c' })).TYPENAMES, ['c']);
  });
  it('errors name the canonical parameter even when the value came from an alias', () => {
    const t = defineParams({ BBOX_SIZE: { type: 'integer', aliases: ['SIZE'] } });
    throwsOgc(() => parseParams(t, src({ SIZE: 'x' })), 'InvalidParameterValue', 'BBOX_SIZE', "BBOX_SIZE ('x') cannot be converted into int");
  });
  it('a missing required parameter is MissingParameterValue with the parameter as locator', () => {
    throwsOgc(() => parseParams(table, src({ SERVICE: 'WMS' })), 'MissingParameterValue', 'WIDTH');
  });
  it('a bad value is InvalidParameterValue with the parameter as locator', () => {
    throwsOgc(() => parseParams(table, src({ SERVICE: 'WMS', WIDTH: 'abc' })), 'InvalidParameterValue', 'WIDTH', "WIDTH ('abc') cannot be converted into int");
    throwsOgc(() => parseParams(table, src({ SERVICE: 'WFS', WIDTH: '1' })), 'InvalidParameterValue', 'SERVICE');
  });
  it('the first bad parameter in table order is reported', () => {
    throwsOgc(() => parseParams(table, src({ WIDTH: 'abc', DPI: 'x' })), 'MissingParameterValue', 'SERVICE');
  });
  it('accepts any source with get()', () => {
    const calls: string[] = [];
    const source: ParamSource = { get: (n) => { calls.push(n); return n === 'SRS' ? 'EPSG:2056' : undefined; } };
    const p = parseParams(defineParams({ CRS: { type: 'string', aliases: ['SRS'] } }), source);
    assert.equal(p.CRS, 'EPSG:2056');
    assert.deepEqual(calls, ['CRS', 'SRS']);
  });

  it('infers the parsed types from the table (compile-time check)', () => {
    const t = defineParams({
      WIDTH: { type: 'integer', required: true },
      DPI: { type: 'double' },
      FORMAT: { type: 'string', allowed: ['image/png', 'image/jpeg'], default: 'image/png' },
      LAYERS: { type: 'list' },
      STYLES: { type: 'list', allowed: ['a', 'b'], required: true },
      TRANSPARENT: { type: 'boolean', default: false },
      BGCOLOR: { type: 'string' },
      SERVICE: { type: 'string', required: true, allowed: ['WMS'] },
    });
    const p = parseParams(t, src({ WIDTH: '1', STYLES: 'A', SERVICE: 'wms' }));
    assertType<Equal<typeof p.WIDTH, number>>();
    assertType<Equal<typeof p.DPI, number | undefined>>();
    assertType<Equal<typeof p.FORMAT, 'image/png' | 'image/jpeg'>>();
    assertType<Equal<typeof p.LAYERS, string[] | undefined>>();
    assertType<Equal<typeof p.STYLES, Array<'a' | 'b'>>>();
    assertType<Equal<typeof p.TRANSPARENT, boolean>>();
    assertType<Equal<typeof p.BGCOLOR, string | undefined>>();
    assertType<Equal<typeof p.SERVICE, 'WMS'>>();
    assertType<Equal<Parsed<typeof t>, typeof p>>();
    // Typed assignments compile only with the inferred types.
    const width: number = p.WIDTH;
    const format: 'image/png' | 'image/jpeg' = p.FORMAT;
    const styles: Array<'a' | 'b'> = p.STYLES;
    const transparent: boolean = p.TRANSPARENT;
    // @ts-expect-error an optional parameter may be undefined
    const bg: string = p.BGCOLOR;
    // @ts-expect-error an integer is not a string
    const w2: string = p.WIDTH;
    // @ts-expect-error a key not in the table does not exist
    void p.HEIGHT;
    assert.deepEqual([width, format, styles, transparent, bg, w2], [1, 'image/png', ['a'], false, undefined, 1]);
  });
});

describe('describeParams', () => {
  it('gives one row per parameter, in table order, with its spec', () => {
    const t = defineParams({
      WIDTH: { type: 'integer', required: true, description: 'map width' },
      CRS: { type: 'string', aliases: ['SRS'] },
    });
    assert.deepEqual(describeParams(t), [
      { name: 'WIDTH', type: 'integer', required: true, description: 'map width' },
      { name: 'CRS', type: 'string', aliases: ['SRS'] },
    ]);
  });
});

describe('integers beyond 2^53', () => {
  it('are refused rather than rounded', () => {
    assert.throws(() => parseValue('WIDTH', { type: 'integer' }, '99999999999999999999'), /WIDTH \('99999999999999999999'\) cannot be converted into int/);
    assert.equal(parseValue('WIDTH', { type: 'integer' }, String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  });
});
