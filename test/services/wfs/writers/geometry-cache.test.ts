import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GEOMETRY_SOURCE, type Geometry } from '../../../../src/data/types.js';
import { CACHE_BYTES_PER_FORM, CACHE_FORMS_PER_STORE, writeGeometry } from '../../../../src/services/wfs/writers/geometry-cache.js';
import { ChunkBuffer } from '../../../../src/services/wfs/writers/chunk-buffer.js';

/** The text writeGeometry writes, with `make` giving a geometry's text when it is not kept. */
function geometryText(g: Geometry, form: string, make: (g: Geometry) => string): string {
  return ChunkBuffer.render((out) => writeGeometry(out, g, form, (o, geom) => o.add(make(geom))));
}

function tagged(store: object, index: number, x: number): Geometry {
  const g: Geometry = { type: 'Point', coordinates: [x, 0] };
  Object.defineProperty(g, GEOMETRY_SOURCE, { value: { store, index }, enumerable: false });
  return g;
}

test('snapshot geometries are formatted once per store, feature and output form; others every time', () => {
  let made = 0;
  const make = (g: Geometry) => {
    made++;
    return JSON.stringify(g);
  };
  const store = {};
  assert.equal(geometryText(tagged(store, 3, 1), 'a', make), '{"type":"Point","coordinates":[1,0]}');
  assert.equal(geometryText(tagged(store, 3, 1), 'a', make), '{"type":"Point","coordinates":[1,0]}');
  assert.equal(made, 1);
  geometryText(tagged(store, 3, 1), 'b', make);
  geometryText(tagged(store, 4, 2), 'a', make);
  geometryText(tagged({}, 3, 1), 'a', make);
  assert.equal(made, 4, 'another form, another feature or another store is formatted anew');
  const plain: Geometry = { type: 'Point', coordinates: [1, 0] };
  geometryText(plain, 'a', make);
  geometryText(plain, 'a', make);
  assert.equal(made, 6, 'untagged geometries are never kept');
  assert.deepEqual(Object.keys(tagged(store, 1, 1)), ['type', 'coordinates'], 'the tag is not enumerable');
});

test('each store keeps a bounded number of forms and bytes', () => {
  const store = {};
  let made = 0;
  const make = () => {
    made++;
    return 'x'.repeat(1024 * 1024);
  };
  for (let i = 0; i < CACHE_FORMS_PER_STORE + 2; i++) geometryText(tagged(store, 0, 0), `form${i}`, make);
  made = 0;
  for (let i = 0; i < CACHE_FORMS_PER_STORE + 2; i++) geometryText(tagged(store, 0, 0), `form${i}`, make);
  assert.equal(made, 2, 'forms past the limit are made every time');
  const big = {};
  const n = CACHE_BYTES_PER_FORM / (1024 * 1024) + 3;
  for (let i = 0; i < n; i++) geometryText(tagged(big, i, 0), 'f', make);
  made = 0;
  for (let i = 0; i < n; i++) geometryText(tagged(big, i, 0), 'f', make);
  assert.equal(made, 3, 'texts past the byte budget are not kept');
});
