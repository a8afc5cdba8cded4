import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXCEPTION_CODES, statusForCode, type ExceptionCode } from '../../src/errors/codes.js';

describe('EXCEPTION_CODES', () => {
  it('every code has an HTTP error status and a description', () => {
    const codes = Object.keys(EXCEPTION_CODES) as ExceptionCode[];
    assert.ok(codes.length >= 20, 'the table holds the OWS, WMS, WFS, WCS and HTTP codes');
    for (const code of codes) {
      const { status, description } = EXCEPTION_CODES[code];
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: status ${status}`);
      assert.equal(typeof description, 'string', code);
      assert.ok(description.trim().length > 10, `${code} is documented`);
      assert.match(code, /^[A-Z][A-Za-z]+$/, `${code} is an OGC-style code`);
    }
  });

  it('gives the OWS Common 2.0 statuses', () => {
    const want: Record<string, number> = {
      OperationNotSupported: 501,
      MissingParameterValue: 400,
      InvalidParameterValue: 400,
      VersionNegotiationFailed: 400,
      InvalidUpdateSequence: 400,
      OptionNotSupported: 501,
      NoApplicableCode: 500,
    };
    for (const [code, status] of Object.entries(want)) assert.equal(statusForCode(code), status, code);
  });

  it('holds the WMS, WFS 2.0 and WCS codes', () => {
    for (const code of ['InvalidFormat', 'InvalidCRS', 'InvalidSRS', 'LayerNotDefined', 'StyleNotDefined', 'LayerNotQueryable',
      'InvalidPoint', 'CurrentUpdateSequence', 'MissingDimensionValue', 'InvalidDimensionValue']) {
      assert.equal(statusForCode(code), 400, code);
    }
    assert.equal(statusForCode('OperationParsingFailed'), 400);
    assert.equal(statusForCode('OperationProcessingFailed'), 500);
    assert.equal(statusForCode('LockHasExpired'), 403);
    assert.equal(statusForCode('NoSuchCoverage'), 404);
  });

  it('gives security and HTTP-level codes their HTTP status', () => {
    assert.equal(statusForCode('Security'), 403);
    assert.equal(statusForCode('NotFound'), 404);
    assert.equal(statusForCode('MethodNotAllowed'), 405);
    assert.equal(statusForCode('NotAcceptable'), 406);
    assert.equal(statusForCode('PayloadTooLarge'), 413);
    assert.equal(statusForCode('InternalServerError'), 500);
  });
});

describe('statusForCode', () => {
  it('is 500 for codes outside the table', () => {
    assert.equal(statusForCode('NoSuchThing'), 500);
    assert.equal(statusForCode(''), 500);
  });
  it('is case-sensitive, as OGC codes are', () => {
    assert.equal(statusForCode('invalidparametervalue'), 500);
  });
  it('does not read inherited Object properties as codes', () => {
    for (const code of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) assert.equal(statusForCode(code), 500, code);
  });
});
