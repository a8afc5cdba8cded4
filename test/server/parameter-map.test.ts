import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ParameterMap } from '../../src/server/parameter-map.js';

describe('ParameterMap', () => {
  it('is a Map', () => {
    assert.ok(new ParameterMap() instanceof Map);
  });
  it('get, has, set and delete ignore name case', () => {
    const m = new ParameterMap();
    m.set('service', 'WMS');
    assert.equal(m.get('SERVICE'), 'WMS');
    assert.equal(m.get('Service'), 'WMS');
    assert.equal(m.has('sErViCe'), true);
    m.set('SERVICE', 'WFS');
    assert.equal(m.size, 1, 'one entry per name whatever its case');
    assert.equal(m.get('service'), 'WFS');
    assert.equal(m.delete('Service'), true);
    assert.equal(m.has('SERVICE'), false);
    assert.equal(m.delete('service'), false);
  });
  it('stores names upper-case', () => {
    const m = new ParameterMap([['layers', 'a'], ['Format', 'image/png']]);
    assert.deepEqual([...m.keys()], ['LAYERS', 'FORMAT']);
    assert.deepEqual([...m], [['LAYERS', 'a'], ['FORMAT', 'image/png']]);
  });
  it('keeps values as given (case and blanks)', () => {
    const m = new ParameterMap([['format', ' Image/PNG ']]);
    assert.equal(m.get('FORMAT'), ' Image/PNG ');
  });
  it('a later entry of the same name replaces an earlier one', () => {
    const m = new ParameterMap([['crs', 'EPSG:4326'], ['CRS', 'EPSG:3857']]);
    assert.equal(m.size, 1);
    assert.equal(m.get('crs'), 'EPSG:3857');
  });
  it('is built from another map', () => {
    const m = new ParameterMap(new Map([['a', '1'], ['b', '2']]));
    assert.deepEqual(m.toObject(), { A: '1', B: '2' });
  });
  it('toObject has upper-case keys', () => {
    const m = new ParameterMap();
    m.set('width', '256');
    m.set('Height', '128');
    assert.deepEqual(m.toObject(), { WIDTH: '256', HEIGHT: '128' });
  });
  it('set returns the map, so calls chain', () => {
    const m = new ParameterMap();
    assert.equal(m.set('a', '1').set('b', '2'), m);
    assert.equal(m.size, 2);
  });
  it('an absent name gives undefined', () => {
    assert.equal(new ParameterMap().get('nothing'), undefined);
  });
  it('ignores case of non-ASCII names too', () => {
    const m = new ParameterMap([['épaisseur', 'x']]);
    assert.equal(m.get('ÉPAISSEUR'), 'x');
    assert.equal(m.get('Épaisseur'), 'x');
  });
});
