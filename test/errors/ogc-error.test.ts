import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  OgcError, MissingParameterError, InvalidParameterError, OperationNotSupportedError, SecurityError, NotFoundError,
  ClientDisconnectedError, toOgcError,
} from '../../src/errors/ogc-error.js';

describe('OgcError', () => {
  it('carries code, message, locator and the status of its code', () => {
    const e = new OgcError('LayerNotDefined', 'Layer roads does not exist', { locator: 'LAYERS' });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'OgcError');
    assert.equal(e.code, 'LayerNotDefined');
    assert.equal(e.message, 'Layer roads does not exist');
    assert.equal(e.locator, 'LAYERS');
    assert.equal(e.status, 400);
    assert.equal(e.cause, undefined);
    assert.ok(!('cause' in e), 'no cause property when none is given');
  });
  it('has no locator unless given', () => {
    assert.equal(new OgcError('NoApplicableCode', 'x').locator, undefined);
  });
  it('takes an explicit status over the table', () => {
    assert.equal(new OgcError('InvalidParameterValue', 'x', { status: 422 }).status, 422);
  });
  it('gives unknown codes status 500', () => {
    assert.equal(new OgcError('PluginSpecificCode', 'x').status, 500);
  });
  it('carries no extra response headers unless given, and keeps a copy of those given', () => {
    assert.deepEqual(new OgcError('NotFound', 'x').headers, {});
    const given = { Allow: 'GET, HEAD' };
    const e = new OgcError('MethodNotAllowed', 'POST is not allowed', { headers: given });
    assert.equal(e.status, 405);
    assert.deepEqual(e.headers, { Allow: 'GET, HEAD' });
    given.Allow = 'changed';
    assert.equal(e.headers['Allow'], 'GET, HEAD', 'later changes to the object given do not leak in');
    assert.deepEqual(new MissingParameterError('X').headers, {});
  });
  it('keeps the cause', () => {
    const cause = new Error('disk on fire');
    assert.equal(new OgcError('NoApplicableCode', 'x', { cause }).cause, cause);
  });
  it('names subclasses after themselves', () => {
    class LayerError extends OgcError {}
    const e = new LayerError('LayerNotDefined', 'x');
    assert.equal(e.name, 'LayerError');
    assert.ok(e instanceof OgcError);
  });
});

describe('OgcError subclasses', () => {
  it('MissingParameterError: MissingParameterValue, 400, locator = parameter, default message', () => {
    const e = new MissingParameterError('WIDTH');
    assert.ok(e instanceof OgcError);
    assert.equal(e.name, 'MissingParameterError');
    assert.equal(e.code, 'MissingParameterValue');
    assert.equal(e.status, 400);
    assert.equal(e.locator, 'WIDTH');
    assert.equal(e.message, 'The WIDTH parameter is missing');
    assert.equal(new MissingParameterError('WIDTH', 'give a width').message, 'give a width');
  });
  it('InvalidParameterError: InvalidParameterValue, 400, locator = parameter', () => {
    const e = new InvalidParameterError('CRS', 'bad crs');
    assert.deepEqual([e.name, e.code, e.status, e.locator, e.message], ['InvalidParameterError', 'InvalidParameterValue', 400, 'CRS', 'bad crs']);
  });
  it('OperationNotSupportedError: 501, optional locator', () => {
    const e = new OperationNotSupportedError('GetFoo is not supported', 'REQUEST');
    assert.deepEqual([e.code, e.status, e.locator], ['OperationNotSupported', 501, 'REQUEST']);
    assert.equal(new OperationNotSupportedError('x').locator, undefined);
  });
  it('SecurityError: Security, 403, "Access denied" by default', () => {
    const e = new SecurityError();
    assert.deepEqual([e.name, e.code, e.status, e.message, e.locator], ['SecurityError', 'Security', 403, 'Access denied', undefined]);
    assert.equal(new SecurityError('no', 'MAP').locator, 'MAP');
  });
  it('NotFoundError: NotFound, 404', () => {
    const e = new NotFoundError();
    assert.deepEqual([e.code, e.status, e.message], ['NotFound', 404, 'Not found']);
    assert.equal(new NotFoundError('no such collection', 'collectionId').locator, 'collectionId');
  });
  it('ClientDisconnectedError is an Error but not an OgcError', () => {
    const e = new ClientDisconnectedError();
    assert.ok(e instanceof Error);
    assert.ok(!(e instanceof OgcError));
    assert.equal(e.name, 'ClientDisconnectedError');
  });
});

describe('toOgcError', () => {
  it('passes an OgcError through unchanged', () => {
    const e = new InvalidParameterError('X', 'bad');
    assert.equal(toOgcError(e), e);
  });
  it('turns an ordinary error into a 500 that tells nothing of the cause', () => {
    const cause = new Error('password=hunter2 at /etc/secret');
    const e = toOgcError(cause);
    assert.ok(e instanceof OgcError);
    assert.equal(e.code, 'InternalServerError');
    assert.equal(e.status, 500);
    assert.equal(e.message, 'Internal server error');
    assert.equal(e.locator, undefined);
    assert.equal(e.cause, cause, 'the cause is kept for the log');
  });
  it('does not take a Node system error code for an OGC code', async () => {
    const err = await readFile('/nonexistent/ows-test/secret.yaml').catch((x: unknown) => x);
    assert.equal((err as { code?: string }).code, 'ENOENT');
    const e = toOgcError(err);
    assert.equal(e.code, 'InternalServerError');
    assert.ok(!e.message.includes('/nonexistent'), 'the path is not leaked');
    const typeErr = Object.assign(new TypeError('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.equal(toOgcError(typeErr).code, 'InternalServerError');
  });
  it('turns thrown non-errors into a 500', () => {
    for (const thrown of ['a string', 42, null, undefined, { message: 'no code' }]) {
      const e = toOgcError(thrown);
      assert.equal(e.code, 'InternalServerError');
      assert.equal(e.status, 500);
    }
  });
  it('accepts an OGC-error-like object from another copy of the package', () => {
    const foreign = { name: 'OgcError', code: 'LayerNotDefined', message: 'no layer x', locator: 'LAYERS' };
    const e = toOgcError(foreign);
    assert.ok(e instanceof OgcError);
    assert.deepEqual([e.code, e.message, e.locator, e.status], ['LayerNotDefined', 'no layer x', 'LAYERS', 400]);
  });
  it('keeps a foreign status and accepts Service / Security error names', () => {
    const e = toOgcError({ name: 'QgsServiceException', code: 'InvalidFormat', message: 'no gif', status: 415 });
    assert.deepEqual([e.code, e.status, e.locator], ['InvalidFormat', 415, undefined]);
    const s = toOgcError({ name: 'SecurityError', code: 'Security', message: 'denied' });
    assert.deepEqual([s.code, s.status], ['Security', 403]);
  });
  it('ignores non-string locators and non-number statuses of foreign errors', () => {
    const e = toOgcError({ name: 'OgcError', code: 'InvalidCRS', message: 'x', locator: 5, status: '418' });
    assert.equal(e.locator, undefined);
    assert.equal(e.status, 400);
  });
  it('refuses foreign objects whose name or code does not look OGC', () => {
    assert.equal(toOgcError({ name: 'Error', code: 'LayerNotDefined', message: 'x' }).code, 'InternalServerError');
    assert.equal(toOgcError({ name: 'OgcError', code: 'lowercase', message: 'x' }).code, 'InternalServerError');
    assert.equal(toOgcError({ name: 'OgcError', code: 'Bad Code', message: 'x' }).code, 'InternalServerError');
    assert.equal(toOgcError({ code: 'LayerNotDefined', message: 'x' }).code, 'InternalServerError');
    assert.equal(toOgcError({ name: 'OgcError', code: 'LayerNotDefined' }).code, 'InternalServerError');
  });
});
