import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions } from '../../src/server/version.js';

const sign = (n: number) => Math.sign(n);

describe('compareVersions', () => {
  it('equal versions compare 0', () => {
    assert.equal(compareVersions('1.3.0', '1.3.0'), 0);
  });
  it('compares each part as a number, not as text', () => {
    assert.equal(sign(compareVersions('1.10.0', '1.9.0')), 1);
    assert.equal(sign(compareVersions('1.9.0', '1.10.0')), -1);
    assert.equal(sign(compareVersions('1.9.10', '1.9.9')), 1);
    assert.equal(sign(compareVersions('10.0.0', '9.99.99')), 1);
  });
  it('earlier parts decide before later ones', () => {
    assert.equal(sign(compareVersions('2.0.0', '1.99.99')), 1);
    assert.equal(sign(compareVersions('1.1.1', '1.3.0')), -1);
  });
  it('missing parts count as 0', () => {
    assert.equal(compareVersions('1.3', '1.3.0'), 0);
    assert.equal(compareVersions('2', '2.0.0'), 0);
    assert.equal(sign(compareVersions('1.3', '1.3.1')), -1);
  });
  it('non-numeric parts count as 0', () => {
    assert.equal(compareVersions('1.x.0', '1.0.0'), 0);
    assert.equal(compareVersions('', '0'), 0);
  });
  it('sorts the WMS / WFS versions', () => {
    const versions = ['1.1.0', '2.0.0', '1.3.0', '1.0.0', '1.10.0', '1.1.1'];
    assert.deepEqual([...versions].sort(compareVersions), ['1.0.0', '1.1.0', '1.1.1', '1.3.0', '1.10.0', '2.0.0']);
  });
  it('is antisymmetric', () => {
    const pairs: Array<[string, string]> = [['1.1.1', '1.3.0'], ['2.0.2', '2.0.10'], ['1', '1.0.1']];
    for (const [a, b] of pairs) assert.equal(sign(compareVersions(a, b)), -sign(compareVersions(b, a)), `${a} vs ${b}`);
  });
});
