import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkBuffer } from '../../../../src/services/wfs/writers/chunk-buffer.js';
import { escapeXmlText } from '../../../../src/services/wfs/writers/escape.js';
import { xmlNonFinite } from '../../../../src/services/wfs/writers/values.js';

const text = (write: (out: ChunkBuffer) => void) => ChunkBuffer.render(write);

function lcg(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

test('real() writes every number exactly as String(n) does', () => {
  const random = lcg(11);
  const values: number[] = [0, -0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1e-6, 1e-7, 5e-7, 123456.7, 1073741823.5, 1073741824, 2 ** 53, -(2 ** 53) - 2,
    1e21, 1.5e300, 4.35, 0.000123, 999999.999999, 1234567890.123, Number.MIN_VALUE, Number.MAX_VALUE, 1 / 3, -2 / 3];
  for (let i = 0; i < 200_000; i++) {
    const k = i % 8;
    const magnitude = 10 ** ((i >> 3) % 11);
    let v = Math.round(random() * magnitude * 10 ** k) / 10 ** k;
    if (i % 5 === 0) v = random() * magnitude;
    if (i % 7 === 0) v = -v;
    values.push(v);
  }
  for (const v of values) assert.equal(text((out) => out.real(v)), String(v), `${v}`);
  assert.equal(text((out) => out.real(NaN)), 'null');
  assert.equal(text((out) => out.real(-Infinity, xmlNonFinite)), '-INF');
  assert.equal(text((out) => out.real(Infinity, xmlNonFinite)), 'INF');
});

test('uint() writes integers from 0 to 2^30', () => {
  for (const n of [0, 7, 9, 10, 11, 99, 100, 101, 999, 1000, 65535, 999999999, 1000000000, 1073741823]) {
    assert.equal(text((out) => out.uint(n)), String(n));
  }
});

test('jsonString() and xmlText() escape as JSON.stringify and escapeXmlText do', () => {
  const random = lcg(5);
  const alphabet = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '€', '😀', '\ud800', '\udfff', '&', '<', '>', "'", '\ufffe'];
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const n = Math.floor(random() * 12);
    for (let j = 0; j < n; j++) s += random() < 0.7 ? String.fromCharCode(32 + Math.floor(random() * 95)) : alphabet[Math.floor(random() * alphabet.length)];
    assert.equal(text((out) => out.jsonString(s)), JSON.stringify(s), JSON.stringify(s));
    assert.equal(text((out) => out.xmlText(s, escapeXmlText)), escapeXmlText(s), JSON.stringify(s));
  }
});

test('the buffer grows for a big text, and a chunk handed to the sink is never written over', async () => {
  const got: Buffer[] = [];
  const out = new ChunkBuffer({ write: (c) => void got.push(c as Buffer), flush: async () => {} }, 100);
  out.add('x'.repeat(10));
  out.add('é'.repeat(100_000));
  out.uint(42);
  await out.flush();
  const first = Buffer.from(got[0]!);
  out.add('y'.repeat(500));
  await out.flush();
  assert.deepEqual(got[0], first, 'the first chunk is unchanged');
  assert.equal(got[0]!.toString(), 'x'.repeat(10) + 'é'.repeat(100_000) + '42');
  assert.equal(got[1]!.toString(), 'y'.repeat(500));
  assert.equal(out.handed, 10 + 200_000 + 2 + 500);
});
