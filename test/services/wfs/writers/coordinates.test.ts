import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xmlNonFinite } from '../../../../src/services/wfs/writers/values.js';
import { ChunkBuffer, jsonNull } from '../../../../src/services/wfs/writers/chunk-buffer.js';

/** ChunkBuffer.coordinate as text: `decimals` places (default 9), non-finite values as `nonFinite` gives them. */
function coordinateFormatter(decimals = 9, nonFinite: (n: number) => string = jsonNull): (n: number) => string {
  return (n) => ChunkBuffer.render((out) => out.coordinate(n, decimals, nonFinite));
}
import { geoJsonGeometry } from '../../../../src/services/wfs/writers/geojson-geometry.js';
import { GmlGeometryWriter } from '../../../../src/services/wfs/writers/gml-geometry.js';

test('coordinates round to the decimals asked, trailing zeros dropped, as toFixed would', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const d of [0, 1, 2, 4, 6, 9]) {
    const fmt = coordinateFormatter(d);
    for (let i = 0; i < 20000; i++) {
      const scale = [1, 180, 1e5, 2e7][i % 4]!;
      const x = (random() * 2 - 1) * scale;
      const got = fmt(x);
      assert.match(got, /^-?\d+(\.\d*[1-9])?$/, `${x} → ${got}`);
      // toFixed rounds the exact binary value; ours rounds the fraction scaled: they may differ by one unit in the last place.
      assert.ok(Math.abs(Number(got) - Number(x.toFixed(d))) <= 10 ** -d * 1.000001, `${x} with ${d} decimals: ${got} vs ${x.toFixed(d)}`);
    }
  }
  const six = coordinateFormatter(6);
  assert.deepEqual([0, -0, 12.5, -12.5, 1e-7, -4e-7, 179.9999999, 7, -0.000001, 2e9, -3.25e12].map(six),
    ['0', '0', '12.5', '-12.5', '0', '0', '180', '7', '-0.000001', '2000000000', '-3250000000000']);
  assert.equal(coordinateFormatter()(31.286112861), '31.286112861');
  assert.equal(coordinateFormatter(6)(NaN), 'null');
  assert.equal(coordinateFormatter(6, xmlNonFinite)(-Infinity), '-INF');
});

test('the geometry writers use the decimals of the layer', () => {
  const g = { type: 'Point' as const, coordinates: [2.352221987, 48.856613123] };
  assert.equal(geoJsonGeometry(g, 3), '{"type":"Point","coordinates":[2.352,48.857]}');
  const gml = new GmlGeometryWriter({ version: '3.2', decimals: 2, swapAxes: true }).write(g, 'x.1');
  assert.match(gml, /<gml:pos>48\.86 2\.35<\/gml:pos>/);
});
