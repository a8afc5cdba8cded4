import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateWmsVersion } from '../../../src/services/wms/version.js';

test('WMS version negotiation follows WMS 1.3.0 §6.2.4', () => {
  assert.equal(negotiateWmsVersion(undefined), '1.3.0');
  assert.equal(negotiateWmsVersion(''), '1.3.0');
  assert.equal(negotiateWmsVersion('1.3.0'), '1.3.0');
  assert.equal(negotiateWmsVersion('1.1.1'), '1.1.1');
  assert.equal(negotiateWmsVersion('1.1.0'), '1.1.1', 'lower than all: the lowest');
  assert.equal(negotiateWmsVersion('1.2.0'), '1.1.1', 'between: the next lower');
  assert.equal(negotiateWmsVersion('2.0.0'), '1.3.0', 'higher than all: the highest');
  assert.equal(negotiateWmsVersion('1.10.0'), '1.3.0', 'numeric, not string, comparison');
});
