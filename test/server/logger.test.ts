import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logLevel, createLogger } from '../../src/server/logger.js';

describe('logLevel', () => {
  it('unset or blank is info', () => {
    for (const v of [undefined, '', '  ']) assert.equal(logLevel(v), 'info', String(v));
  });
  it('pino level names pass through, in any case and trimmed', () => {
    for (const name of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      assert.equal(logLevel(name), name);
      assert.equal(logLevel(` ${name.toUpperCase()} `), name);
    }
  });
  it('warning and critical are QGIS words for warn and error', () => {
    assert.equal(logLevel('warning'), 'warn');
    assert.equal(logLevel('WARNING'), 'warn');
    assert.equal(logLevel('critical'), 'error');
  });
  it('QGIS_SERVER_LOG_LEVEL numbers: 0 info, 1 warn, 2 error', () => {
    assert.equal(logLevel('0'), 'info');
    assert.equal(logLevel('1'), 'warn');
    assert.equal(logLevel(' 2 '), 'error');
  });
  it('anything else throws naming OWS_LOG_LEVEL and the value', () => {
    for (const bad of ['verbose', '3', '-1', '01', 'info,debug', 'warn ing']) {
      assert.throws(() => logLevel(bad), (err: Error) => {
        assert.match(err.message, /OWS_LOG_LEVEL/);
        assert.ok(err.message.includes(`'${bad}'`), err.message);
        return true;
      }, bad);
    }
  });
});

describe('logLevel: inherited property names', () => {
  it('are refused like any other unknown value, not returned as a level', () => {
    for (const bad of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.throws(() => logLevel(bad), /OWS_LOG_LEVEL/, bad);
    }
  });
});

describe('createLogger', () => {
  it('creates a pino logger at the level asked', () => {
    const log = createLogger('silent');
    assert.equal(log.level, 'silent');
    assert.equal(typeof log.info, 'function');
    assert.equal(typeof log.child, 'function');
    assert.equal(createLogger('warn').isLevelEnabled('info'), false);
    assert.equal(createLogger('debug').isLevelEnabled('debug'), true);
  });
  it('every level logLevel gives is one pino accepts', () => {
    for (const v of ['0', '1', '2', 'warning', 'critical', 'trace', undefined]) {
      assert.doesNotThrow(() => createLogger(logLevel(v)), String(v));
    }
  });
});
